package workspaces

import (
	"context"
	"fmt"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// seedPool is a WorkSpaces Pool of a seed file, with its sessions.
type seedPool struct {
	ID                  string            `yaml:"id"` // wspool-<9 alnum>; minted when empty
	Name                string            `yaml:"name"`
	Description         string            `yaml:"description"` // default: the name
	Directory           string            `yaml:"directory"`   // a directory of the seed with workspaceType POOLS
	Bundle              string            `yaml:"bundle"`      // a bundle of the seed, or a public (AMAZON) bundle id
	DesiredUserSessions int               `yaml:"desiredUserSessions"`
	RunningMode         string            `yaml:"runningMode"` // default AUTO_STOP
	State               string            `yaml:"state"`       // default RUNNING
	SettingsGroup       string            `yaml:"settingsGroup"`
	Sessions            []seedPoolSession `yaml:"sessions"`
	Tags                map[string]string `yaml:"tags"`
}

// seedPoolSession is a user streaming from a seeded pool.
type seedPoolSession struct {
	ID     string `yaml:"id"` // a lowercase UUID; minted when empty
	UserID string `yaml:"userId"`
}

// validatePools checks a partition's pools against its directories and
// bundles.
func (s *Seed) validatePools(pp string, a *seedPartition, dirs map[string]*seedDirectory, bundles map[string]*seedBundle) {
	d := s.doc
	ids := map[string]bool{}
	poolNames := map[string]bool{}
	for i := range a.Pools {
		sp, path := &a.Pools[i], fmt.Sprintf("%s.pools[%d]", pp, i)
		if sp.ID == "" {
			sp.ID = newKindID(kindPool)
		} else if d.model(path, api.Check(&api.StartWorkspacesPoolRequest{PoolId: &sp.ID}), map[string]string{"poolId": "id"}) && ids[sp.ID] {
			d.errorf(path+".id", "the pool %s is declared twice", sp.ID)
		}
		ids[sp.ID] = true
		def(&sp.Description, sp.Name)
		in := &api.CreateWorkspacesPoolRequest{PoolName: &sp.Name, Description: &sp.Description, BundleId: &sp.Bundle,
			DirectoryId: &sp.Directory, Capacity: &api.Capacity{DesiredUserSessions: api.Int32(int32(min(max(sp.DesiredUserSessions, -1), 1<<30)))}}
		if sp.SettingsGroup != "" {
			in.ApplicationSettings = &api.ApplicationSettingsRequest{Status: api.ApplicationSettingsStatusEnumEnabled, SettingsGroup: &sp.SettingsGroup}
		}
		d.model(path, api.Check(in), map[string]string{"poolName": "name", "description": "description", "bundleId": "bundle",
			"directoryId": "directory", "capacity.desiredUserSessions": "desiredUserSessions", "applicationSettings.settingsGroup": "settingsGroup"})
		if sp.Name != "" && poolNames[sp.Name] {
			d.errorf(path+".name", "another pool of %s in %s is named %q; pool names are unique", a.Account, a.Region, sp.Name)
		}
		poolNames[sp.Name] = true
		if dir := dirs[sp.Directory]; dir == nil && sp.Directory != "" {
			d.errorf(path+".directory", "no directory %s is declared under %s.directories", sp.Directory, pp)
		} else if dir != nil && (dir.State != dirRegistered || dir.WorkspaceType != string(api.WorkspaceTypePools)) {
			d.errorf(path+".directory", "the directory %s is %s with workspaceType %s; a pool needs a REGISTERED one with workspaceType POOLS",
				sp.Directory, dir.State, dir.WorkspaceType)
		}
		if _, public := publicBundle(sp.Bundle); !public && bundles[sp.Bundle] == nil && sp.Bundle != "" {
			d.errorf(path+".bundle", "no bundle %s is declared under %s.bundles, and it is not a public bundle", sp.Bundle, pp)
		}
		def(&sp.RunningMode, string(api.PoolsRunningModeAutoStop))
		d.oneOf(path+".runningMode", sp.RunningMode, names(api.PoolsRunningMode("").Values()))
		def(&sp.State, poolRunning)
		d.oneOf(path+".state", sp.State, lifecycleStates(kindPool))
		if len(sp.Sessions) > 0 && !poolRunsInstances(sp.State) {
			d.errorf(path+".sessions", "a %s pool has no sessions; only a RUNNING or UPDATING one has", sp.State)
		}
		if len(sp.Sessions) > sp.DesiredUserSessions {
			d.errorf(path+".sessions", "%d sessions, and the pool has %d desired user sessions", len(sp.Sessions), sp.DesiredUserSessions)
		}
		users := map[string]bool{}
		for j := range sp.Sessions {
			ss, spath := &sp.Sessions[j], fmt.Sprintf("%s.sessions[%d]", path, j)
			if ss.ID == "" {
				ss.ID = newUUID()
			} else if d.model(spath, api.Check(&api.TerminateWorkspacesPoolSessionRequest{SessionId: &ss.ID}), map[string]string{"sessionId": "id"}) && ids[ss.ID] {
				d.errorf(spath+".id", "the session %s is declared twice", ss.ID)
			}
			ids[ss.ID] = true
			d.model(spath, api.Check(&api.DescribeWorkspacesPoolSessionsRequest{PoolId: &sp.ID, UserId: &ss.UserID}), map[string]string{"userId": "userId"})
			if users[ss.UserID] {
				d.errorf(spath+".userId", "the user %s already has a session in this pool", ss.UserID)
			}
			users[ss.UserID] = true
		}
		s.validateTags(path, sp.Tags)
	}
}

// seedPool writes a pool and its sessions; a pool in a state with a step
// takes it on the clock from now.
func (s *Service) seedPool(ctx context.Context, tx store.Tx, d *seedDoc, path string, p store.Partition, sp *seedPool, now time.Time) error {
	if sp.DesiredUserSessions > s.quotas.PoolUserSessions {
		return seedProblem(d, path+".desiredUserSessions", "%d; a pool can have at most %d user sessions (--quotas poolUserSessions)",
			sp.DesiredUserSessions, s.quotas.PoolUserSessions)
	}
	if err := replace(ctx, tx, p, kindPool, sp.ID); err != nil {
		return err
	}
	if err := endPoolSessions(ctx, tx, p, sp.ID); err != nil {
		return err
	}
	rs, err := tx.ListResources(ctx, p, kindPool, "", 0)
	if err != nil {
		return err
	}
	for i := range rs {
		other, err := loadDoc[pool](&rs[i])
		if err != nil {
			return err
		}
		if api.ToString(other.PoolName) == sp.Name {
			return seedProblem(d, path+".name", "a WorkSpaces Pool named %s already exists: %s", sp.Name, rs[i].ID)
		}
	}
	var as *api.ApplicationSettingsRequest
	if sp.SettingsGroup != "" {
		as = &api.ApplicationSettingsRequest{Status: api.ApplicationSettingsStatusEnumEnabled, SettingsGroup: api.String(sp.SettingsGroup)}
	}
	doc := &pool{WorkspacesPool: api.WorkspacesPool{
		PoolId:              api.String(sp.ID),
		PoolArn:             api.String(fmt.Sprintf("arn:aws:workspaces:%s:%s:workspacespool/%s", p.Region, p.Account, sp.ID)),
		PoolName:            api.String(sp.Name),
		Description:         api.String(sp.Description),
		CreatedAt:           api.TimeOf(now),
		BundleId:            api.String(sp.Bundle),
		DirectoryId:         api.String(sp.Directory),
		CapacityStatus:      &api.CapacityStatus{DesiredUserSessions: api.Int32(int32(sp.DesiredUserSessions))},
		ApplicationSettings: applicationSettings(p, as),
		TimeoutSettings:     mergeTimeouts(nil, nil),
		RunningMode:         api.PoolsRunningMode(sp.RunningMode),
	}, ActiveSessions: len(sp.Sessions)}
	r := &store.Resource{Partition: p, Kind: kindPool, ID: sp.ID, State: sp.State, Created: now}
	if _, err := next(kindPool, sp.ID, sp.State, evStepDone); err == nil {
		schedule(r, now, s.Durations().Pool)
	}
	if err := putDoc(ctx, tx, r, doc); err != nil {
		return err
	}
	for _, ss := range sp.Sessions {
		if _, err := tx.GetResource(ctx, p, kindPoolSession, ss.ID); err == nil {
			return seedProblem(d, path+".sessions", "the session %s already exists", ss.ID)
		}
		ps := newPoolSession(ss.ID, sp.ID, ss.UserID, now, doc.maxUserDuration())
		sr := &store.Resource{Partition: p, Kind: kindPoolSession, ID: ss.ID, State: sessionConnected, Created: now, DueAt: ps.ExpirationTime.T()}
		if err := putDoc(ctx, tx, sr, ps); err != nil {
			return err
		}
	}
	return s.seedTags(ctx, tx, d, path, p, sp.ID, sp.Tags)
}
