package workspaces

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
)

// countingStore counts the rows ListResources returns and the calls.
type countingStore struct {
	store.Store
	calls, rows int
}

type countingTx struct {
	store.Tx
	s *countingStore
}

func (s *countingStore) Read(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Read(ctx, func(tx store.Tx) error { return fn(countingTx{tx, s}) })
}

func (s *countingStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.WriteIn(ctx, nil, fn)
}

func (s *countingStore) WriteIn(ctx context.Context, ps []store.Partition, fn func(store.Tx) error) error {
	return s.Store.WriteIn(ctx, ps, func(tx store.Tx) error { return fn(countingTx{tx, s}) })
}

func (t countingTx) ListResources(ctx context.Context, p store.Partition, kind, afterID string, limit int) ([]store.Resource, error) {
	rs, err := t.Tx.ListResources(ctx, p, kind, afterID, limit)
	t.s.calls++
	t.s.rows += len(rs)
	return rs, err
}

// pagingService is a Service on a counting in-memory store holding n
// AVAILABLE WorkSpaces ws-000000000..., every tenth in directory d-tenth.
func pagingService(t *testing.T, n int) (*Service, *countingStore, context.Context) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	err = st.Write(ctx, func(tx store.Tx) error {
		for i := range n {
			id := fmt.Sprintf("ws-%09d", i)
			dir := "d-other"
			if i%10 == 0 {
				dir = "d-tenth"
			}
			doc, _ := json.Marshal(workspace{Workspace: api.Workspace{WorkspaceId: api.String(id), DirectoryId: api.String(dir)}})
			if err := tx.PutResource(ctx, &store.Resource{Partition: p, Kind: kindWorkspace, ID: id, State: wsAvailable,
				Created: t0, Doc: doc}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clock, err := sim.NewSwitchableClock("manual", t0)
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: st}
	return New(cs, clock, Config{}, nil, nil), cs, auth.WithCaller(ctx, auth.Caller{Account: p.Account, Region: p.Region})
}

// pages lists every page of DescribeWorkspaces for in.
func pages(t *testing.T, s *Service, ctx context.Context, in api.DescribeWorkspacesRequest) (ids []string, n int) {
	t.Helper()
	for {
		out, err := s.DescribeWorkspaces(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		n++
		for _, w := range out.Workspaces {
			ids = append(ids, *w.WorkspaceId)
		}
		if out.NextToken == nil {
			return ids, n
		}
		in.NextToken = out.NextToken
	}
}

// TestOnePageCostsOnePage: a page of an unfiltered Describe reads one
// page (and one more row, to know there is a next) from the store, not
// every resource of the kind.
func TestOnePageCostsOnePage(t *testing.T) {
	s, cs, ctx := pagingService(t, 1000)
	out, err := s.DescribeWorkspaces(ctx, &api.DescribeWorkspacesRequest{Limit: api.Int32(25)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Workspaces) != 25 || *out.Workspaces[24].WorkspaceId != "ws-000000024" || out.NextToken == nil {
		t.Fatalf("first page: %d WorkSpaces, NextToken %v", len(out.Workspaces), out.NextToken)
	}
	if cs.calls != 1 || cs.rows != 26 {
		t.Errorf("a page of 25 read %d rows in %d queries, want 26 in 1", cs.rows, cs.calls)
	}
	cs.calls, cs.rows = 0, 0
	out, err = s.DescribeWorkspaces(ctx, &api.DescribeWorkspacesRequest{Limit: api.Int32(25), NextToken: out.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if *out.Workspaces[0].WorkspaceId != "ws-000000025" || cs.rows != 26 {
		t.Errorf("second page starts at %s after reading %d rows, want ws-000000025 after 26", *out.Workspaces[0].WorkspaceId, cs.rows)
	}
}

// TestPagesOfSparseMatches: with a filter that keeps one row in ten, the
// store is read in growing batches and the pages still hold every match
// once, in order; a list of IDs is read by key, unknown ones left out.
func TestPagesOfSparseMatches(t *testing.T) {
	s, cs, ctx := pagingService(t, 2000)
	var want []string
	for i := 0; i < 2000; i += 10 {
		want = append(want, fmt.Sprintf("ws-%09d", i))
	}
	got, n := pages(t, s, ctx, api.DescribeWorkspacesRequest{DirectoryId: api.String("d-tenth"), Limit: api.Int32(7)})
	if !slices.Equal(got, want) || n != (len(want)+6)/7 {
		t.Fatalf("%d WorkSpaces in %d pages, want the %d of d-tenth in %d", len(got), n, len(want), (len(want)+6)/7)
	}
	if cs.rows > 2*2000 {
		t.Errorf("paging read %d rows for 2000 WorkSpaces", cs.rows)
	}

	cs.calls, cs.rows = 0, 0
	ids := []string{"ws-000001999", "ws-000000003", "ws-999999999", "ws-000000500", "ws-000000004"}
	got, n = pages(t, s, ctx, api.DescribeWorkspacesRequest{WorkspaceIds: ids, Limit: api.Int32(2)})
	if want := []string{"ws-000000003", "ws-000000004", "ws-000000500", "ws-000001999"}; !slices.Equal(got, want) || n != 2 {
		t.Fatalf("WorkspaceIds: %v in %d pages, want %v in 2", got, n, want)
	}
	if cs.calls != 0 {
		t.Errorf("WorkspaceIds: %d ListResources calls, want reads by key only", cs.calls)
	}
}
