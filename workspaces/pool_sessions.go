package workspaces

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// A pool session is a user streaming from a pool. Users start sessions
// through a WorkSpaces client, which wslocal does not emulate: tests start
// them through the control API (POST /_wslocal/pools/{poolId}/sessions) or
// a seed. A session's row is keyed by its id (a UUID); its state is its
// ConnectionState. It ends when TerminateWorkspacesPoolSession ends it or
// its pool stops or is terminated; an ended session is no longer listed.

// poolSession is the stored document of a session: the wire shape.
type poolSession struct {
	api.WorkspacesPoolSession
}

// ErrPoolNotFound: StartPoolSession found no such pool.
var ErrPoolNotFound = errors.New("no such WorkSpaces Pool")

// ErrPoolSession is why StartPoolSession could not start a session: the
// pool is not RUNNING, is full, or the user has a session in it.
var ErrPoolSession = errors.New("cannot start a pool session")

// StartPoolSession starts a session of user in pool poolID of p, as a user
// signing in through a WorkSpaces client would: the pool must be RUNNING
// with a session available, and the user must have none in it.
func (s *Service) StartPoolSession(ctx context.Context, p store.Partition, poolID, user string) (api.WorkspacesPoolSession, error) {
	if n := len(user); n < 2 || n > 128 {
		return api.WorkspacesPoolSession{}, fmt.Errorf("%w: a user id has 2 to 128 characters", ErrPoolSession)
	}
	var out api.WorkspacesPoolSession
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, d, err := getDoc[pool](ctx, tx, p, kindPool, poolID)
		if isNotFound(err) {
			return fmt.Errorf("%w: %s/%s has no WorkSpaces Pool %s", ErrPoolNotFound, p.Account, p.Region, poolID)
		}
		if err != nil {
			return err
		}
		if !poolRunsInstances(r.State) {
			return fmt.Errorf("%w: the WorkSpaces Pool %s is %s, not RUNNING", ErrPoolSession, poolID, r.State)
		}
		if d.available(r.State) == 0 {
			return fmt.Errorf("%w: the WorkSpaces Pool %s has no session available (%d desired, %d active)",
				ErrPoolSession, poolID, d.desired(), d.active())
		}
		sessions, err := poolSessions(ctx, tx, p, poolID)
		if err != nil {
			return err
		}
		for _, ps := range sessions {
			if api.ToString(ps.UserId) == user {
				return fmt.Errorf("%w: the user %s already has session %s in %s", ErrPoolSession, user, api.ToString(ps.SessionId), poolID)
			}
		}
		id := newUUID()
		ps := newPoolSession(id, poolID, user, now, d.maxUserDuration())
		state, err := next(kindPoolSession, id, none, evCreate)
		if err != nil {
			return err
		}
		sr := &store.Resource{Partition: p, Kind: kindPoolSession, ID: id, State: state, Created: now, DueAt: ps.ExpirationTime.T()}
		if err := putDoc(ctx, tx, sr, ps); err != nil {
			return err
		}
		d.ActiveSessions = d.active() + 1
		if err := putDoc(ctx, tx, r, d); err != nil {
			return err
		}
		out = ps.WorkspacesPoolSession
		return nil
	})
	return out, err
}

// newPoolSession is the document of a session that starts now.
func newPoolSession(id, poolID, user string, now time.Time, maxDuration time.Duration) *poolSession {
	return &poolSession{api.WorkspacesPoolSession{
		AuthenticationType: api.AuthenticationTypeSaml,
		ConnectionState:    api.SessionConnectionStateConnected,
		SessionId:          api.String(id),
		InstanceId:         api.String(newHexID("i-", 17)),
		PoolId:             api.String(poolID),
		StartTime:          api.TimeOf(now),
		ExpirationTime:     api.TimeOf(now.Add(maxDuration)),
		UserId:             api.String(user),
		NetworkAccessConfiguration: &api.NetworkAccessConfiguration{
			EniId:               api.String(newHexID("eni-", 17)),
			EniPrivateIpAddress: api.String(fmt.Sprintf("10.0.%d.%d", randByte()%2, 10+randByte()%240)),
		},
	}}
}

// poolSessions lists the sessions of pool poolID in p.
func poolSessions(ctx context.Context, tx store.Tx, p store.Partition, poolID string) ([]poolSession, error) {
	rs, err := tx.ListResources(ctx, p, kindPoolSession, "", 0)
	if err != nil {
		return nil, err
	}
	var out []poolSession
	for i := range rs {
		ps, err := loadDoc[poolSession](&rs[i])
		if err != nil {
			return nil, err
		}
		if api.ToString(ps.PoolId) == poolID {
			out = append(out, *ps)
		}
	}
	return out, nil
}

// endPoolSessions ends every session of a pool.
func endPoolSessions(ctx context.Context, tx store.Tx, p store.Partition, poolID string) error {
	rs, err := tx.ListResources(ctx, p, kindPoolSession, "", 0)
	if err != nil {
		return err
	}
	for i := range rs {
		ps, err := loadDoc[poolSession](&rs[i])
		if err != nil {
			return err
		}
		if api.ToString(ps.PoolId) != poolID {
			continue
		}
		if err := endSession(ctx, tx, &rs[i], evOwnerGone); err != nil {
			return err
		}
	}
	return nil
}

// endSession ends a session on ev (its row goes).
func endSession(ctx context.Context, tx store.Tx, r *store.Resource, ev event) error {
	if _, err := next(kindPoolSession, r.ID, r.State, ev); err != nil {
		return err
	}
	return tx.DeleteResource(ctx, r.Partition, kindPoolSession, r.ID)
}

// stepPoolSession ends a session whose maximum duration is over; its pool
// has one more session available.
func (s *Service) stepPoolSession(ctx context.Context, tx store.Tx, r *store.Resource) error {
	ps, err := loadDoc[poolSession](r)
	if err != nil {
		return err
	}
	if _, err := next(kindPoolSession, r.ID, r.State, evExpire); err != nil {
		r.DueAt = time.Time{} // a state with no end (from a snapshot)
		return tx.PutResource(ctx, r)
	}
	return s.sessionEnded(ctx, tx, r, ps, evExpire)
}

// sessionEnded removes a session that ended on ev and frees its place in
// its pool.
func (s *Service) sessionEnded(ctx context.Context, tx store.Tx, r *store.Resource, ps *poolSession, ev event) error {
	if err := endSession(ctx, tx, r, ev); err != nil {
		return err
	}
	pr, d, err := getDoc[pool](ctx, tx, r.Partition, kindPool, api.ToString(ps.PoolId))
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	d.ActiveSessions = max(d.active()-1, 0)
	return putDoc(ctx, tx, pr, d)
}

// Page sizes of DescribeWorkspacesPoolSessions (the model's documentation).
const (
	defaultSessionPage = 20
)

// DescribeWorkspacesPoolSessions lists a pool's sessions by session id,
// those of one user with UserId.
func (s *Service) DescribeWorkspacesPoolSessions(ctx context.Context, in *api.DescribeWorkspacesPoolSessionsRequest) (*api.DescribeWorkspacesPoolSessionsResult, error) {
	p := partition(ctx)
	poolID := *in.PoolId
	items, next, err := describe(s, ctx, p, "DescribeWorkspacesPoolSessions", in.NextToken, 1, int(api.ToInt32(in.Limit, defaultSessionPage)),
		func(tx store.Tx, now time.Time, pg *page[api.WorkspacesPoolSession]) error {
			if _, _, err := getPool(ctx, tx, p, poolID); err != nil {
				return err
			}
			return eachResource(ctx, tx, p, kindPoolSession, nil, pg, func(r *store.Resource) error {
				ps, err := loadDoc[poolSession](r)
				if err != nil {
					return err
				}
				if api.ToString(ps.PoolId) != poolID || (in.UserId != nil && api.ToString(ps.UserId) != *in.UserId) {
					return nil
				}
				return pg.add(ps.WorkspacesPoolSession, r.ID)
			})
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeWorkspacesPoolSessionsResult{Sessions: items, NextToken: next}, nil
}

// TerminateWorkspacesPoolSession ends a session: it is no longer listed,
// and its pool has one more session available.
func (s *Service) TerminateWorkspacesPoolSession(ctx context.Context, in *api.TerminateWorkspacesPoolSessionRequest) (*api.TerminateWorkspacesPoolSessionResult, error) {
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		sr, ps, err := getFound[poolSession](ctx, tx, p, kindPoolSession, *in.SessionId, "WorkSpaces Pool session")
		if err != nil {
			return err
		}
		return s.sessionEnded(ctx, tx, sr, ps, evTerminate)
	})
	if err != nil {
		return nil, err
	}
	return &api.TerminateWorkspacesPoolSessionResult{}, nil
}

// randByte is a random byte, for addresses nobody looks up.
func randByte() int {
	var b [1]byte
	_, _ = rand.Read(b[:])
	return int(b[0])
}
