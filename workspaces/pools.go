package workspaces

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// WorkSpaces Pools. A pool lives in a directory registered with
// WorkspaceType POOLS and streams sessions from a bundle. Its lifecycle
// (docs/behaviour.md, "WorkSpaces Pools"):
//
//	CREATING -> RUNNING; RUNNING -stop-> STOPPING -> STOPPED -start-> STARTING -> RUNNING
//	RUNNING -update-> UPDATING -> RUNNING (a STOPPED pool updates at once)
//	terminate: STOPPED -> DELETING -> gone; a pool that runs or is on its
//	way stops first (STOPPING -> DELETING -> gone)

// Pool states, short.
const (
	poolCreating = string(api.WorkspacesPoolStateCreating)
	poolRunning  = string(api.WorkspacesPoolStateRunning)
	poolStopping = string(api.WorkspacesPoolStateStopping)
	poolStopped  = string(api.WorkspacesPoolStateStopped)
	poolStarting = string(api.WorkspacesPoolStateStarting)
	poolUpdating = string(api.WorkspacesPoolStateUpdating)
	poolDeleting = string(api.WorkspacesPoolStateDeleting)
)

// evUpdate: UpdateWorkspacesPool.
const evUpdate event = "update"

// The pool's edges; terminate works from every state.
func init() {
	transitions = append(transitions,
		transition{kindPool, none, evCreate, poolCreating},
		transition{kindPool, poolCreating, evStepDone, poolRunning},
		transition{kindPool, poolRunning, evStop, poolStopping},
		transition{kindPool, poolStopping, evStepDone, poolStopped},
		transition{kindPool, poolStopped, evStart, poolStarting},
		transition{kindPool, poolStarting, evStepDone, poolRunning},
		transition{kindPool, poolRunning, evUpdate, poolUpdating},
		transition{kindPool, poolUpdating, evStepDone, poolRunning},
		transition{kindPool, poolStopped, evUpdate, sameAsStart},
		// Terminate: a pool with instances stops them first; a STOPPING
		// pool goes on to DELETING when it has stopped (stepPool).
		transition{kindPool, poolCreating, evTerminate, poolStopping},
		transition{kindPool, poolStarting, evTerminate, poolStopping},
		transition{kindPool, poolRunning, evTerminate, poolStopping},
		transition{kindPool, poolUpdating, evTerminate, poolStopping},
		transition{kindPool, poolStopping, evTerminate, sameAsStart},
		transition{kindPool, poolStopped, evTerminate, poolDeleting},
		transition{kindPool, poolDeleting, evTerminate, sameAsStart},
		transition{kindPool, poolDeleting, evStepDone, none},
	)
	// A session starts CONNECTED and ends when it is terminated, its pool
	// stops or goes, or its maximum duration is over.
	transitions = append(transitions, transition{kindPoolSession, none, evCreate, sessionConnected})
	for _, st := range api.SessionConnectionState("").Values() {
		for _, ev := range []event{evTerminate, evOwnerGone, evExpire} {
			transitions = append(transitions, transition{kindPoolSession, string(st), ev, none})
		}
	}
}

// sessionConnected is the state of a session wslocal starts.
const sessionConnected = string(api.SessionConnectionStateConnected)

// poolRefusal is the error of a pool call its state does not allow.
func poolRefusal(kind, id, state string, ev event) error {
	if kind == kindPoolSession {
		return notFound(id, "The WorkSpaces Pool session %s is %s and cannot %s.", id, state, ev)
	}
	return invalidState("The WorkSpaces Pool %s is %s and cannot %s.", id, state, ev)
}

// pool is the stored document of a pool: the wire shape, whose State and
// CapacityStatus are filled in when it is read, and its bookkeeping.
type pool struct {
	api.WorkspacesPool
	// ActiveSessions counts the pool's sessions (pool_sessions.go).
	ActiveSessions int `json:"wslocalActiveSessions,omitzero"`
	// Terminating: TerminateWorkspacesPool was called; once STOPPED the
	// pool goes on to DELETING.
	Terminating bool `json:"wslocalTerminating,omitzero"`
}

// poolRunsInstances: the states in which a pool's capacity is up.
func poolRunsInstances(state string) bool { return state == poolRunning || state == poolUpdating }

func (d *pool) wire(r *store.Resource) api.WorkspacesPool {
	out := d.WorkspacesPool
	out.State = api.WorkspacesPoolState(r.State)
	desired := d.desired()
	active := int32(d.active())
	var actual int32
	if poolRunsInstances(r.State) {
		actual = max(desired, active)
	}
	out.CapacityStatus = &api.CapacityStatus{
		DesiredUserSessions: api.Int32(desired), ActiveUserSessions: api.Int32(active),
		ActualUserSessions: api.Int32(actual), AvailableUserSessions: api.Int32(max(actual-active, 0)),
	}
	if out.TimeoutSettings != nil {
		ts := *out.TimeoutSettings
		out.TimeoutSettings = &ts
	}
	if out.ApplicationSettings != nil {
		as := *out.ApplicationSettings
		out.ApplicationSettings = &as
	}
	return out
}

// available is how many sessions the pool can start now.
func (d *pool) available(state string) int {
	if !poolRunsInstances(state) {
		return 0
	}
	return max(int(d.desired())-d.active(), 0)
}

// active is how many sessions the pool has.
func (d *pool) active() int { return max(d.ActiveSessions, 0) }

// desired is the pool's DesiredUserSessions.
func (d *pool) desired() int32 {
	if d.CapacityStatus == nil {
		return 0
	}
	return api.ToInt32(d.CapacityStatus.DesiredUserSessions, 0)
}

// maxUserDuration is how long a session of the pool may last.
func (d *pool) maxUserDuration() time.Duration {
	secs := int32(defaultMaxUserDuration)
	if d.TimeoutSettings != nil {
		secs = api.ToInt32(d.TimeoutSettings.MaxUserDurationInSeconds, secs)
	}
	return time.Duration(secs) * time.Second
}

// getPool reads a pool of p, or ResourceNotFoundException.
func getPool(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *pool, error) {
	return getFound[pool](ctx, tx, p, kindPool, id, "WorkSpaces Pool")
}

// Default timeout settings of a pool that is given none (chosen: the
// defaults of the AppStream 2.0 fleets WorkSpaces Pools are built on).
const (
	defaultDisconnectTimeout     = 900
	defaultIdleDisconnectTimeout = 900
	defaultMaxUserDuration       = 57600
)

// mergeTimeouts applies the given timeout settings over old (nil: the
// defaults).
func mergeTimeouts(old, in *api.TimeoutSettings) *api.TimeoutSettings {
	out := api.TimeoutSettings{
		DisconnectTimeoutInSeconds:     api.Int32(defaultDisconnectTimeout),
		IdleDisconnectTimeoutInSeconds: api.Int32(defaultIdleDisconnectTimeout),
		MaxUserDurationInSeconds:       api.Int32(defaultMaxUserDuration),
	}
	if old != nil {
		out = *old
	}
	if in != nil {
		if in.DisconnectTimeoutInSeconds != nil {
			out.DisconnectTimeoutInSeconds = api.Int32(*in.DisconnectTimeoutInSeconds)
		}
		if in.IdleDisconnectTimeoutInSeconds != nil {
			out.IdleDisconnectTimeoutInSeconds = api.Int32(*in.IdleDisconnectTimeoutInSeconds)
		}
		if in.MaxUserDurationInSeconds != nil {
			out.MaxUserDurationInSeconds = api.Int32(*in.MaxUserDurationInSeconds)
		}
	}
	return &out
}

// appSettingsBucket is the bucket that holds the persistent application
// settings of an account in a region, named as the administration guide
// documents: wspool-app-settings-<region>-<account>-<random identifier>.
// The identifier is derived from the account and region, so every pool of
// the account in the region names the same bucket, in every run.
func appSettingsBucket(p store.Partition) string {
	sum := sha256.Sum256([]byte("wslocal app settings " + p.Account + " " + p.Region))
	return fmt.Sprintf("wspool-app-settings-%s-%s-%s", p.Region, p.Account, new(big.Int).SetBytes(sum[:]).Text(36)[:7])
}

// applicationSettings is the response shape of requested settings; nil
// asks for none (DISABLED).
func applicationSettings(p store.Partition, in *api.ApplicationSettingsRequest) *api.ApplicationSettingsResponse {
	if in == nil || in.Status != api.ApplicationSettingsStatusEnumEnabled {
		return &api.ApplicationSettingsResponse{Status: api.ApplicationSettingsStatusEnumDisabled}
	}
	return &api.ApplicationSettingsResponse{Status: api.ApplicationSettingsStatusEnumEnabled,
		SettingsGroup: in.SettingsGroup, S3BucketName: api.String(appSettingsBucket(p))}
}

// checkPoolRequest applies the documented rules the model does not state.
func checkPoolRequest(as *api.ApplicationSettingsRequest, capacity *api.Capacity, maxSessions int) error {
	if as != nil && as.Status == api.ApplicationSettingsStatusEnumDisabled && as.SettingsGroup != nil {
		return invalidParameter("SettingsGroup can be given only when ApplicationSettings Status is ENABLED.")
	}
	if capacity != nil && int(api.ToInt32(capacity.DesiredUserSessions, 0)) > maxSessions {
		return limitExceeded("A WorkSpaces Pool can have at most %d user sessions; %d requested.", maxSessions, *capacity.DesiredUserSessions)
	}
	return nil
}

// poolDirectory reads the directory a pool is to use: registered, and
// registered for pools.
func poolDirectory(ctx context.Context, tx store.Tx, p store.Partition, id string) error {
	r, d, err := getDirectory(ctx, tx, p, id)
	if err != nil {
		return err
	}
	if d.WorkspaceType != api.WorkspaceTypePools {
		return invalidParameter("The directory %s is registered with WorkspaceType %s; a WorkSpaces Pool needs a directory registered with WorkspaceType POOLS.", id, d.WorkspaceType)
	}
	if r.State != dirRegistered {
		return invalidState("The directory %s is %s, not REGISTERED.", id, r.State)
	}
	return nil
}

// poolBundle checks that a bundle exists: a public one or one of p's.
func poolBundle(ctx context.Context, tx store.Tx, p store.Partition, id string) error {
	_, _, err := findBundle(ctx, tx, p, id)
	return err
}

// CreateWorkspacesPool creates a pool, its name unique in the account and
// region, in a directory registered for pools.
func (s *Service) CreateWorkspacesPool(ctx context.Context, in *api.CreateWorkspacesPoolRequest) (*api.CreateWorkspacesPoolResult, error) {
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	if err := checkPoolRequest(in.ApplicationSettings, in.Capacity, s.quotas.PoolUserSessions); err != nil {
		return nil, err
	}
	p := partition(ctx)
	id := newKindID(kindPool)
	name := *in.PoolName
	var out api.WorkspacesPool
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		rs, err := tx.ListResources(ctx, p, kindPool, "", 0)
		if err != nil {
			return err
		}
		for i := range rs {
			d, err := loadDoc[pool](&rs[i])
			if err != nil {
				return err
			}
			if api.ToString(d.PoolName) == name {
				return alreadyExists("A WorkSpaces Pool named %s already exists: %s.", name, rs[i].ID)
			}
		}
		if len(rs) >= s.quotas.Pools {
			return limitExceeded("You have reached the quota of %d WorkSpaces Pools in %s.", s.quotas.Pools, p.Region)
		}
		if err := poolDirectory(ctx, tx, p, *in.DirectoryId); err != nil {
			return err
		}
		if err := poolBundle(ctx, tx, p, *in.BundleId); err != nil {
			return err
		}
		state, err := next(kindPool, id, none, evCreate)
		if err != nil {
			return err
		}
		mode := in.RunningMode
		if mode == "" {
			mode = api.PoolsRunningModeAutoStop
		}
		d := &pool{WorkspacesPool: api.WorkspacesPool{
			PoolId:              api.String(id),
			PoolArn:             api.String(fmt.Sprintf("arn:aws:workspaces:%s:%s:workspacespool/%s", p.Region, p.Account, id)),
			PoolName:            api.String(name),
			Description:         in.Description,
			CreatedAt:           api.TimeOf(now),
			BundleId:            in.BundleId,
			DirectoryId:         in.DirectoryId,
			CapacityStatus:      &api.CapacityStatus{DesiredUserSessions: api.Int32(api.ToInt32(in.Capacity.DesiredUserSessions, 0))},
			ApplicationSettings: applicationSettings(p, in.ApplicationSettings),
			TimeoutSettings:     mergeTimeouts(nil, in.TimeoutSettings),
			RunningMode:         mode,
		}}
		r := &store.Resource{Partition: p, Kind: kindPool, ID: id, State: state, Created: now}
		schedule(r, now, s.Durations().Pool)
		if err := putDoc(ctx, tx, r, d); err != nil {
			return err
		}
		out = d.wire(r)
		return tx.PutTags(ctx, p, id, storeTags(in.Tags))
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateWorkspacesPoolResult{WorkspacesPool: &out}, nil
}

// poolFilter reports whether a pool's name passes one filter: EQUALS and
// CONTAINS pass a name that equals or contains any of the values,
// NOTEQUALS and NOTCONTAINS one that equals or contains none of them.
func poolFilter(name string, f api.DescribeWorkspacesPoolsFilter) bool {
	var hit bool
	for _, v := range f.Values {
		switch f.Operator {
		case api.DescribeWorkspacesPoolsFilterOperatorEquals, api.DescribeWorkspacesPoolsFilterOperatorNotequals:
			hit = hit || name == v
		default:
			hit = hit || strings.Contains(name, v)
		}
	}
	switch f.Operator {
	case api.DescribeWorkspacesPoolsFilterOperatorNotequals, api.DescribeWorkspacesPoolsFilterOperatorNotcontains:
		return !hit
	}
	return hit
}

// DescribeWorkspacesPools lists the caller's pools by id order; PoolIds
// that name no pool are left out, and every filter must pass.
func (s *Service) DescribeWorkspacesPools(ctx context.Context, in *api.DescribeWorkspacesPoolsRequest) (*api.DescribeWorkspacesPoolsResult, error) {
	if err := distinct("PoolIds", in.PoolIds); err != nil {
		return nil, err
	}
	p := partition(ctx)
	items, next, err := describeKind(s, ctx, p, "DescribeWorkspacesPools", in.NextToken, pageSize(in.Limit), kindPool, in.PoolIds,
		func(r *store.Resource, d *pool) (api.WorkspacesPool, bool) {
			name := api.ToString(d.PoolName)
			for _, f := range in.Filters {
				if !poolFilter(name, f) {
					return api.WorkspacesPool{}, false
				}
			}
			return d.wire(r), true
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeWorkspacesPoolsResult{WorkspacesPools: items, NextToken: next}, nil
}

// UpdateWorkspacesPool changes a RUNNING pool (which goes through
// UPDATING) or a STOPPED one (at once). The running mode changes only
// while the pool is STOPPED.
func (s *Service) UpdateWorkspacesPool(ctx context.Context, in *api.UpdateWorkspacesPoolRequest) (*api.UpdateWorkspacesPoolResult, error) {
	if err := checkPoolRequest(in.ApplicationSettings, in.Capacity, s.quotas.PoolUserSessions); err != nil {
		return nil, err
	}
	p := partition(ctx)
	var out api.WorkspacesPool
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, d, err := getPool(ctx, tx, p, *in.PoolId)
		if err != nil {
			return err
		}
		state, err := next(kindPool, r.ID, r.State, evUpdate)
		if err != nil {
			return err
		}
		if in.RunningMode != "" && in.RunningMode != d.RunningMode && r.State != poolStopped {
			return invalidState("The running mode of WorkSpaces Pool %s can be changed only while it is STOPPED; it is %s.", r.ID, r.State)
		}
		if in.DirectoryId != nil && *in.DirectoryId != api.ToString(d.DirectoryId) {
			if err := poolDirectory(ctx, tx, p, *in.DirectoryId); err != nil {
				return err
			}
			d.DirectoryId = in.DirectoryId
		}
		if in.BundleId != nil {
			if err := poolBundle(ctx, tx, p, *in.BundleId); err != nil {
				return err
			}
			d.BundleId = in.BundleId
		}
		if in.Description != nil {
			d.Description = in.Description
		}
		if in.Capacity != nil {
			d.CapacityStatus = &api.CapacityStatus{DesiredUserSessions: api.Int32(api.ToInt32(in.Capacity.DesiredUserSessions, 0))}
		}
		if in.ApplicationSettings != nil {
			d.ApplicationSettings = applicationSettings(p, in.ApplicationSettings)
		}
		if in.TimeoutSettings != nil {
			d.TimeoutSettings = mergeTimeouts(d.TimeoutSettings, in.TimeoutSettings)
		}
		if in.RunningMode != "" {
			d.RunningMode = in.RunningMode
		}
		if state != sameAsStart {
			r.State = state
			schedule(r, now, s.Durations().Pool)
		}
		if err := putDoc(ctx, tx, r, d); err != nil {
			return err
		}
		out = d.wire(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateWorkspacesPoolResult{WorkspacesPool: &out}, nil
}

// StartWorkspacesPool starts a STOPPED AUTO_STOP pool.
func (s *Service) StartWorkspacesPool(ctx context.Context, in *api.StartWorkspacesPoolRequest) (*api.StartWorkspacesPoolResult, error) {
	err := s.movePool(ctx, *in.PoolId, evStart)
	if err != nil {
		return nil, err
	}
	return &api.StartWorkspacesPoolResult{}, nil
}

// StopWorkspacesPool stops a RUNNING AUTO_STOP pool; its sessions end.
func (s *Service) StopWorkspacesPool(ctx context.Context, in *api.StopWorkspacesPoolRequest) (*api.StopWorkspacesPoolResult, error) {
	err := s.movePool(ctx, *in.PoolId, evStop)
	if err != nil {
		return nil, err
	}
	return &api.StopWorkspacesPoolResult{}, nil
}

// TerminateWorkspacesPool deletes a pool in any state: a pool that runs
// stops first (its sessions end), then it is DELETING until it is gone.
func (s *Service) TerminateWorkspacesPool(ctx context.Context, in *api.TerminateWorkspacesPoolRequest) (*api.TerminateWorkspacesPoolResult, error) {
	err := s.movePool(ctx, *in.PoolId, evTerminate)
	if err != nil {
		return nil, err
	}
	return &api.TerminateWorkspacesPoolResult{}, nil
}

// movePool applies a start, stop or terminate to a pool.
func (s *Service) movePool(ctx context.Context, id string, ev event) error {
	p := partition(ctx)
	return s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, d, err := getPool(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if d.RunningMode != api.PoolsRunningModeAutoStop {
			switch ev {
			case evStart:
				return notSupported("RunningMode", "The WorkSpaces Pool %s has running mode %s; only an AUTO_STOP pool can be started.", r.ID, d.RunningMode)
			case evStop:
				return invalidState("The WorkSpaces Pool %s has running mode %s; only an AUTO_STOP pool can be stopped.", r.ID, d.RunningMode)
			}
		}
		state, err := next(kindPool, r.ID, r.State, ev)
		if err != nil {
			return err
		}
		if ev == evTerminate {
			d.Terminating = true
		}
		if state != sameAsStart {
			r.State = state
			schedule(r, now, s.Durations().Pool)
		}
		if state == poolStopping || state == poolDeleting {
			if err := endPoolSessions(ctx, tx, p, r.ID); err != nil {
				return err
			}
			d.ActiveSessions = 0
		}
		return putDoc(ctx, tx, r, d)
	})
}

// stepPool finishes a pool's step in progress. A pool that stops to be
// terminated goes on to DELETING; a DELETING pool is gone.
func (s *Service) stepPool(ctx context.Context, tx store.Tx, r *store.Resource) error {
	due := r.DueAt
	state, err := next(kindPool, r.ID, r.State, evStepDone)
	if err != nil {
		// A state with no step (from a snapshot): nothing more to do.
		r.DueAt = time.Time{}
		return tx.PutResource(ctx, r)
	}
	if state == none {
		if err := endPoolSessions(ctx, tx, r.Partition, r.ID); err != nil {
			return err
		}
		return deleteResource(ctx, tx, r)
	}
	r.State, r.DueAt = state, time.Time{}
	d, err := loadDoc[pool](r)
	if err != nil {
		return err
	}
	if d.Terminating && state == poolStopped {
		if r.State, err = next(kindPool, r.ID, state, evTerminate); err != nil {
			return err
		}
		schedule(r, due, s.Durations().Pool)
	}
	return tx.PutResource(ctx, r)
}

// poolsIn lists the ids of p's pools in directory dirID.
func poolsIn(ctx context.Context, tx store.Tx, p store.Partition, dirID string) ([]string, error) {
	rs, err := tx.ListResources(ctx, p, kindPool, "", 0)
	if err != nil {
		return nil, err
	}
	var ids []string
	for i := range rs {
		d, err := loadDoc[pool](&rs[i])
		if err != nil {
			return nil, err
		}
		if api.ToString(d.DirectoryId) == dirID {
			ids = append(ids, rs[i].ID)
		}
	}
	slices.Sort(ids)
	return ids, nil
}
