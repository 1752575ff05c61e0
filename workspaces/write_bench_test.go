package workspaces_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	ws "github.com/wslocal/wslocal/workspaces"
)

// BenchmarkWrite measures the writes a client repeats, in the service on
// the store of benchStore (in-memory SQLite, or PostgreSQL with
// WSLOCAL_BENCH_STORE=postgres): CreateTags of one tag an IP group already
// has, and AssociateWorkspaceApplication then DisassociateWorkspaceApplication
// of one application (two writes an iteration). A lifecycle step is
// scheduled in the partition, an hour ahead, as in a partition in use.
func BenchmarkWrite(b *testing.B) {
	b.Run("op=CreateTags", func(b *testing.B) {
		svc, ctx := benchWriteService(b)
		g, err := svc.CreateIpGroup(ctx, &api.CreateIpGroupRequest{GroupName: api.String("bench")})
		if err != nil {
			b.Fatal(err)
		}
		in := &api.CreateTagsRequest{ResourceId: g.GroupId, Tags: []api.Tag{{Key: api.String("bench"), Value: api.String("1")}}}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.CreateTags(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		tags, err := svc.DescribeTags(ctx, &api.DescribeTagsRequest{ResourceId: g.GroupId})
		if err != nil || len(tags.TagList) != 1 {
			b.Fatalf("DescribeTags after: %v, %v", tags, err)
		}
	})
	b.Run("op=CreateTags/accounts=8", benchTagsAccounts)
	// The WorkSpace has no other application, or three more (as in
	// wslocal-bench --populate: Office, Visio and Visual Studio).
	for _, others := range []int{0, 3} {
		b.Run(fmt.Sprintf("op=AssociateWorkspaceApplication/others=%d", others), func(b *testing.B) {
			benchAssociate(b, others)
		})
	}
}

// benchTagsAccounts is CreateTags by 8 writers at once, each in an account
// of its own (8 partitions, none with a step scheduled), as wslocal-bench
// --accounts 8 sends them over HTTP: what the service and its store do
// without the HTTP path between them and the client. RunParallel starts a
// multiple of GOMAXPROCS goroutines, 8 on 2 or 4 cores; beyond 8, two share
// an account. It reports writes a second, which its ns/op (elapsed time
// over writes, not a write's latency) hides.
func benchTagsAccounts(b *testing.B) {
	const writers = 8
	svc, _ := benchWriteService(b)
	ctxs := make([]context.Context, writers)
	ins := make([]*api.CreateTagsRequest, writers)
	for i := range writers {
		ctxs[i] = auth.WithCaller(context.Background(), auth.Caller{Account: fmt.Sprintf("11111111111%d", i), Region: "us-east-1"})
		g, err := svc.CreateIpGroup(ctxs[i], &api.CreateIpGroupRequest{GroupName: api.String("bench")})
		if err != nil {
			b.Fatal(err)
		}
		ins[i] = &api.CreateTagsRequest{ResourceId: g.GroupId, Tags: []api.Tag{{Key: api.String("bench"), Value: api.String("1")}}}
	}
	var next atomic.Int32
	b.SetParallelism((writers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(1)-1) % writers
		for pb.Next() {
			if _, err := svc.CreateTags(ctxs[i], ins[i]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}

// benchAssociate runs the Associate benchmark on a WorkSpace with others
// more applications associated.
func benchAssociate(b *testing.B, others int) {
	svc, ctx := benchWriteService(b)
	id, app := api.String("ws-bench0001"), api.String(benchApplicationNamed(b, svc, ctx, "Microsoft Project Professional 2021"))
	for _, name := range []string{"Microsoft Office LTSC Professional Plus 2021", "Microsoft Visio LTSC Professional 2021",
		"Microsoft Visual Studio Professional 2022"}[:others] {
		other := api.String(benchApplicationNamed(b, svc, ctx, name))
		if _, err := svc.AssociateWorkspaceApplication(ctx, &api.AssociateWorkspaceApplicationRequest{WorkspaceId: id, ApplicationId: other}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.AssociateWorkspaceApplication(ctx, &api.AssociateWorkspaceApplicationRequest{WorkspaceId: id, ApplicationId: app}); err != nil {
			b.Fatal(err)
		}
		if _, err := svc.DisassociateWorkspaceApplication(ctx, &api.DisassociateWorkspaceApplicationRequest{WorkspaceId: id, ApplicationId: app}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchWriteService is a service on a fresh store whose partition holds a
// Windows WorkSpace (ws-bench0001, AVAILABLE) and a PENDING one due in an
// hour, with the caller's context.
func benchWriteService(b *testing.B) (*ws.Service, context.Context) {
	ctx := context.Background()
	st := benchStore(b)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock, err := sim.NewSwitchableClock("manual", t0)
	if err != nil {
		b.Fatal(err)
	}
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	err = st.Write(ctx, func(tx store.Tx) error {
		for i, state := range []string{"AVAILABLE", "PENDING"} {
			id := []string{"ws-bench0001", "ws-bench0002"}[i]
			doc, err := json.Marshal(map[string]any{"WorkspaceId": id, "DirectoryId": "d-1234567890",
				"UserName": "user" + id, "BundleId": "wsb-000000001", "ComputerName": "A-" + id,
				"WorkspaceProperties": map[string]any{"RunningMode": "AUTO_STOP", "ComputeTypeName": "STANDARD",
					"RootVolumeSizeGib": 80, "UserVolumeSizeGib": 50, "OperatingSystemName": "WINDOWS_SERVER_2019"}})
			if err != nil {
				return err
			}
			var due time.Time
			if state == "PENDING" {
				due = t0.Add(time.Hour)
			}
			if err := tx.PutResource(ctx, &store.Resource{Partition: p, Kind: "workspace", ID: id,
				State: state, Created: t0, DueAt: due, Doc: doc}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	return svc, auth.WithCaller(ctx, auth.Caller{Account: p.Account, Region: p.Region})
}

// benchApplicationNamed is the id of the application called name.
func benchApplicationNamed(b *testing.B, svc *ws.Service, ctx context.Context, name string) string {
	apps, err := svc.DescribeApplications(ctx, &api.DescribeApplicationsRequest{})
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range apps.Applications {
		if *a.Name == name {
			return *a.ApplicationId
		}
	}
	b.Fatalf("no %s in DescribeApplications", name)
	return ""
}
