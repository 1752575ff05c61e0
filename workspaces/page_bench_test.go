package workspaces_test

import (
	"bytes"
	"context"
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

// pageCase is one paginated Describe whose rows can be many: the rows it
// lists are made by copying a row of docs/seed.example.yaml (or, for
// associations and shares, by writing them) n times, and call asks for
// the first page, answering how many items it has and whether a next
// token came with them.
type pageCase struct {
	name string
	p    store.Partition
	// kind and template: the resource row copied, under IDs made by id.
	kind, template string
	id             func(i int) string
	// make, when set, makes the template through the API.
	make func(svc *ws.Service, ctx context.Context) (string, error)
	// fill, when set, writes the rows instead.
	fill func(ctx context.Context, tx store.Tx, p store.Partition, n int) error
	// then, when set, writes more after the copies of template.
	then func(ctx context.Context, tx store.Tx, tmpl *store.Resource) error
	call func(svc *ws.Service, ctx context.Context) (int, bool, error)
}

var (
	seedMain  = store.Partition{Account: "000000000000", Region: "us-east-1"}
	seedLinks = store.Partition{Account: "111111111111", Region: "eu-west-1"}
	seedPools = store.Partition{Account: "000000000000", Region: "eu-central-1"}
)

func numbered(format string) func(int) string {
	return func(i int) string { return fmt.Sprintf(format, i) }
}

var limit25 = api.Int32(25)

var pageCases = []pageCase{
	{name: "DescribeWorkspaces", p: seedMain, kind: "workspace", template: "ws-alice0001", id: numbered("ws-%09d"),
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeWorkspaces(ctx, &api.DescribeWorkspacesRequest{Limit: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.Workspaces), out.NextToken })
		}},
	{name: "DescribeWorkspacesConnectionStatus", p: seedMain, kind: "workspace", template: "ws-alice0001", id: numbered("ws-%09d"),
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeWorkspacesConnectionStatus(ctx, &api.DescribeWorkspacesConnectionStatusRequest{})
			return pageOf(out, err, func() (int, *string) { return len(out.WorkspacesConnectionStatus), out.NextToken })
		}},
	{name: "DescribeWorkspaceDirectories", p: seedMain, kind: "directory", template: "d-1234567890", id: numbered("d-%010d"),
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeWorkspaceDirectories(ctx, &api.DescribeWorkspaceDirectoriesRequest{Limit: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.Directories), out.NextToken })
		}},
	{name: "DescribeWorkspaceImages", p: seedMain, kind: "image", template: "wsi-golden001", id: numbered("wsi-%09d"),
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeWorkspaceImages(ctx, &api.DescribeWorkspaceImagesRequest{MaxResults: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.Images), out.NextToken })
		}},
	// One image of another account shared with the caller: the Describe
	// cannot answer from the partition's view of images alone.
	{name: "DescribeWorkspaceImagesWithShared", p: seedMain, kind: "image", template: "wsi-golden001", id: numbered("wsi-%09d"),
		then: func(ctx context.Context, tx store.Tx, tmpl *store.Resource) error {
			other := *tmpl
			other.Partition = store.Partition{Account: "999999999999", Region: seedMain.Region}
			other.ID = "wsi-shared001"
			other.Doc = bytes.ReplaceAll(tmpl.Doc, []byte(`"`+tmpl.ID+`"`), []byte(`"`+other.ID+`"`))
			if err := tx.PutResource(ctx, &other); err != nil {
				return err
			}
			return tx.PutShare(ctx, store.Share{Partition: other.Partition, Kind: "image", ID: other.ID, Grantee: seedMain.Account})
		},
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeWorkspaceImages(ctx, &api.DescribeWorkspaceImagesRequest{MaxResults: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.Images), out.NextToken })
		}},
	{name: "DescribeWorkspaceBundles", p: seedMain, kind: "bundle", template: "wsb-office001", id: numbered("wsb-%09d"),
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeWorkspaceBundles(ctx, &api.DescribeWorkspaceBundlesRequest{})
			return pageOf(out, err, func() (int, *string) { return len(out.Bundles), out.NextToken })
		}},
	{name: "DescribeIpGroups", p: seedMain, kind: "ip-group", id: numbered("wsipg-%09d"),
		make: func(svc *ws.Service, ctx context.Context) (string, error) {
			out, err := svc.CreateIpGroup(ctx, &api.CreateIpGroupRequest{GroupName: api.String("g")})
			if err != nil {
				return "", err
			}
			return *out.GroupId, nil
		},
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeIpGroups(ctx, &api.DescribeIpGroupsRequest{MaxResults: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.Result), out.NextToken })
		}},
	{name: "DescribeConnectionAliases", p: seedMain, kind: "connection-alias", id: numbered("wsca-%09d"),
		make: func(svc *ws.Service, ctx context.Context) (string, error) {
			out, err := svc.CreateConnectionAlias(ctx, &api.CreateConnectionAliasRequest{ConnectionString: api.String("desk.example.com")})
			if err != nil {
				return "", err
			}
			return *out.AliasId, nil
		},
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeConnectionAliases(ctx, &api.DescribeConnectionAliasesRequest{Limit: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.ConnectionAliases), out.NextToken })
		}},
	{name: "DescribeWorkspacesPools", p: seedPools, kind: "pool", template: "wspool-desk00001", id: numbered("wspool-%09d"),
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeWorkspacesPools(ctx, &api.DescribeWorkspacesPoolsRequest{Limit: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.WorkspacesPools), out.NextToken })
		}},
	{name: "DescribeWorkspacesPoolSessions", p: seedPools, kind: "pool-session", template: "5f0c6b1e-3c2a-4d8e-9b7a-2e4f6a8c0d12",
		id: numbered("00000000-0000-4000-8000-%012d"),
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeWorkspacesPoolSessions(ctx, &api.DescribeWorkspacesPoolSessionsRequest{PoolId: api.String("wspool-desk00001"), Limit: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.Sessions), out.NextToken })
		}},
	{name: "ListAccountLinks", p: seedLinks, kind: "account-link", template: "link-byol00001", id: numbered("link-%09d"),
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.ListAccountLinks(ctx, &api.ListAccountLinksRequest{MaxResults: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.AccountLinks), out.NextToken })
		}},
	{name: "DescribeApplicationAssociations", p: seedMain,
		fill: func(ctx context.Context, tx store.Tx, p store.Partition, n int) error {
			all, err := tx.AllAssociations(ctx)
			if err != nil {
				return err
			}
			for _, a := range all {
				if a.Partition == p && a.ResourceType == "WORKSPACE" {
					appID = a.ApplicationID
					for i := range n {
						c := a
						c.ResourceID = fmt.Sprintf("ws-%09d", i)
						if err := tx.PutAssociation(ctx, &c); err != nil {
							return err
						}
					}
					return nil
				}
			}
			return fmt.Errorf("no WorkSpace association in the seed")
		},
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeApplicationAssociations(ctx, &api.DescribeApplicationAssociationsRequest{
				ApplicationId: api.String(appID), MaxResults: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.Associations), out.NextToken })
		}},
	{name: "DescribeWorkspaceImagePermissions", p: seedMain,
		fill: func(ctx context.Context, tx store.Tx, p store.Partition, n int) error {
			for i := range n {
				if err := tx.PutShare(ctx, store.Share{Partition: p, Kind: "image", ID: "wsi-golden001", Grantee: fmt.Sprintf("%012d", 100000000000+i)}); err != nil {
					return err
				}
			}
			return nil
		},
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeWorkspaceImagePermissions(ctx, &api.DescribeWorkspaceImagePermissionsRequest{
				ImageId: api.String("wsi-golden001"), MaxResults: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.ImagePermissions), out.NextToken })
		}},
	{name: "DescribeConnectionAliasPermissions", p: seedMain,
		make: func(svc *ws.Service, ctx context.Context) (string, error) {
			out, err := svc.CreateConnectionAlias(ctx, &api.CreateConnectionAliasRequest{ConnectionString: api.String("shared.example.com")})
			if err != nil {
				return "", err
			}
			sharedAlias = *out.AliasId
			return sharedAlias, nil
		},
		fill: func(ctx context.Context, tx store.Tx, p store.Partition, n int) error {
			for i := range n {
				if err := tx.PutShare(ctx, store.Share{Partition: p, Kind: "connection-alias", ID: sharedAlias, Grantee: fmt.Sprintf("%012d", 100000000000+i)}); err != nil {
					return err
				}
			}
			return nil
		},
		call: func(svc *ws.Service, ctx context.Context) (int, bool, error) {
			out, err := svc.DescribeConnectionAliasPermissions(ctx, &api.DescribeConnectionAliasPermissionsRequest{
				AliasId: api.String(sharedAlias), MaxResults: limit25})
			return pageOf(out, err, func() (int, *string) { return len(out.ConnectionAliasPermissions), out.NextToken })
		}},
}

// sharedAlias is the alias DescribeConnectionAliasPermissions lists the
// shares of; set by its make.
var sharedAlias string

// appID is the application of the associations DescribeApplicationAssociations
// lists; set by its fill.
var appID string

func pageOf[T any](out *T, err error, f func() (int, *string)) (int, bool, error) {
	if err != nil {
		return 0, false, err
	}
	n, next := f()
	return n, next != nil, nil
}

// BenchmarkDescribePage measures the first page (25 items) of every
// paginated Describe whose rows can be many, in the service on an
// in-memory SQLite store, with 100 and 20,000 rows of the kind listed in
// the caller's partition: a page should cost about the same whatever the
// partition holds (docs/performance.md, "One page at any size").
func BenchmarkDescribePage(b *testing.B) {
	for _, c := range pageCases {
		for _, n := range []int{100, 20000} {
			b.Run(fmt.Sprintf("%s/rows=%d", c.name, n), func(b *testing.B) { benchDescribePage(b, c, n) })
		}
	}
}

func benchDescribePage(b *testing.B, c pageCase, n int) {
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
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	seed, err := ws.ReadSeedFile("../docs/seed.example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if err := svc.ApplySeed(ctx, seed); err != nil {
		b.Fatal(err)
	}
	cctx := auth.WithCaller(ctx, auth.Caller{Account: c.p.Account, Region: c.p.Region})
	template := c.template
	if c.make != nil {
		if template, err = c.make(svc, cctx); err != nil {
			b.Fatal(err)
		}
	}
	// The rows are written to the store directly: making 20,000 through
	// the API would take longer than the measurement.
	err = st.Write(ctx, func(tx store.Tx) error {
		if c.fill != nil {
			return c.fill(ctx, tx, c.p, n)
		}
		tmpl, err := tx.GetResource(ctx, c.p, c.kind, template)
		if err != nil {
			return err
		}
		for i := range n - 1 { // with the template, n rows
			id := c.id(i)
			r := *tmpl
			r.ID = id
			r.Doc = bytes.ReplaceAll(tmpl.Doc, []byte(`"`+template+`"`), []byte(`"`+id+`"`))
			if err := tx.PutResource(ctx, &r); err != nil {
				return err
			}
		}
		if c.then != nil {
			return c.then(ctx, tx, tmpl)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	got, next, err := c.call(svc, cctx)
	if err != nil {
		b.Fatal(err)
	}
	if got != 25 || !next {
		b.Fatalf("first page: %d items, next token %v; want 25 and a token", got, next)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.call(svc, cctx); err != nil {
			b.Fatal(err)
		}
	}
}
