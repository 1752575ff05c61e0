package workspaces_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
	ws "github.com/wslocal/wslocal/workspaces"
)

// BenchmarkDescribeWorkspacesPage measures one page (Limit 25) of
// DescribeWorkspaces, in the service on an in-memory SQLite store, with
// 100 and 20,000 WorkSpaces in the partition: a page should cost about
// the same whatever the partition holds.
func BenchmarkDescribeWorkspacesPage(b *testing.B) {
	for _, n := range []int{100, 20000} {
		b.Run(fmt.Sprintf("workspaces=%d", n), func(b *testing.B) { benchDescribeWorkspacesPage(b, n) })
	}
}

func benchDescribeWorkspacesPage(b *testing.B, n int) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock, err := sim.NewSwitchableClock("manual", t0)
	if err != nil {
		b.Fatal(err)
	}
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	// The WorkSpaces are written to the store directly: making 20,000
	// through CreateWorkspaces would take longer than the measurement.
	err = st.Write(ctx, func(tx store.Tx) error {
		for i := range n {
			id := fmt.Sprintf("ws-%09d", i)
			doc, err := json.Marshal(map[string]any{"WorkspaceId": id, "DirectoryId": "d-1234567890",
				"UserName": fmt.Sprintf("user%d", i), "BundleId": "wsb-000000001", "ComputerName": "A-" + id,
				"WorkspaceProperties": map[string]any{"RunningMode": "AUTO_STOP", "ComputeTypeName": "STANDARD",
					"RootVolumeSizeGib": 80, "UserVolumeSizeGib": 50, "OperatingSystemName": "WINDOWS_SERVER_2019"}})
			if err != nil {
				return err
			}
			if err := tx.PutResource(ctx, &store.Resource{Partition: p, Kind: "workspace", ID: id,
				State: "AVAILABLE", Created: t0, Doc: doc}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	cctx := auth.WithCaller(ctx, auth.Caller{Account: p.Account, Region: p.Region})
	in := &api.DescribeWorkspacesRequest{Limit: api.Int32(25)}
	out, err := svc.DescribeWorkspaces(cctx, in)
	if err != nil {
		b.Fatal(err)
	}
	if len(out.Workspaces) != 25 || *out.Workspaces[0].WorkspaceId != "ws-000000000" || out.NextToken == nil {
		b.Fatalf("first page: %d WorkSpaces from %s, NextToken %v", len(out.Workspaces), *out.Workspaces[0].WorkspaceId, out.NextToken)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.DescribeWorkspaces(cctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
