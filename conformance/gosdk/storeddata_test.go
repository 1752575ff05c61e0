package gosdk_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
	ws "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

// testPostgresURL is the PostgreSQL database of the tests:
// WSLOCAL_TEST_POSTGRES, or the local server with trust auth and database test.
func testPostgresURL() string {
	if u := os.Getenv("WSLOCAL_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// everyStore runs f on a store spec of each backend: memory, a SQLite file
// and a fresh PostgreSQL schema (dropped after the test).
func everyStore(t *testing.T, f func(t *testing.T, spec string)) {
	t.Run("memory", func(t *testing.T) { f(t, "memory") })
	t.Run("sqlite", func(t *testing.T) { f(t, "sqlite:"+filepath.Join(t.TempDir(), "state.db")) })
	t.Run("postgres", func(t *testing.T) {
		schema := "wslocal_storeddata_" + strings.ToLower(rand.Text()[:10])
		t.Cleanup(func() {
			if err := postgres.DropSchema(context.Background(), testPostgresURL(), schema); err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
			}
		})
		f(t, testPostgresURL()+"&search_path="+schema)
	})
}

// health is GET /_wslocal/health.
type health struct {
	Status      string `json:"status"`
	Quarantined []struct {
		Kind   string `json:"kind"`
		ID     string `json:"id"`
		Reason string `json:"reason"`
	} `json:"quarantined"`
}

// badRows writes, bypassing every check, rows that are not valid rows of
// their kind, each with a step due: what a damaged database or an old
// unchecked import leaves behind.
func badRows(t *testing.T, srv *wslocaltest.Server, due time.Time, appID string) {
	t.Helper()
	p := store.Partition{Account: "000000000000", Region: "us-east-1"}
	res := func(kind, id, state, doc string) *store.Resource {
		return &store.Resource{Partition: p, Kind: kind, ID: id, State: state, Created: due.Add(-time.Hour), DueAt: due, Doc: []byte(doc)}
	}
	err := srv.Store.Write(context.Background(), func(tx store.Tx) error {
		for _, r := range []*store.Resource{
			res("account", "byol", "PENDING", `{}`), // no modification to complete
			res("image", "wsi-bogus0001", "BOGUS", `{"name":"bogus"}`),
			res("bundle", "wsb-due000001", "AVAILABLE", `{}`),
			// A WorkSpace that has no next step but a due time.
			res("workspace", "ws-due000001", "AVAILABLE", `{"WorkspaceId":"ws-due000001","DirectoryId":"d-0000000001",`+
				`"BundleId":"wsb-0000000001","UserName":"due","WorkspaceProperties":{}}`),
			// A WorkSpace with an empty document, not itself due...
			{Partition: p, Kind: "workspace", ID: "ws-empty0001", State: "AVAILABLE", Created: due, Doc: []byte(`{}`)},
		} {
			if err := tx.PutResource(context.Background(), r); err != nil {
				return err
			}
		}
		// ... whose application's install is due: its step panicked on the
		// missing properties.
		return tx.PutAssociation(context.Background(), &store.Association{Partition: p, ResourceType: "WORKSPACE",
			ResourceID: "ws-empty0001", ApplicationID: appID, State: "PENDING_INSTALL", Created: due, Updated: due, DueAt: due})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func getHealth(t *testing.T, srv *wslocaltest.Server) health {
	t.Helper()
	var h health
	if status := srv.Control(http.MethodGet, "/_wslocal/health", nil, &h); status != http.StatusOK {
		t.Fatalf("health = %d", status)
	}
	return h
}

// Rows in the store that are not valid rows of their kind do not crash the
// process (the background sweeper runs meanwhile), do not stop the other
// rows' steps, do not make the partition's reads fail, are quarantined and
// listed by health, and the state still exports with them as they are. A
// restart on the same SQLite file, and a second replica on the same
// PostgreSQL schema, serve too.
func TestBadStoredRowsAreQuarantinedNotFatal(t *testing.T) {
	everyStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		srv := wslocaltest.Start(t, wslocaltest.WithStore(spec))
		c := workspaces.NewFromConfig(srv.AWSConfig())
		registerDirectory(t, c, "d-0123456789") // REGISTERING, due in a second
		apps, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
		if err != nil {
			t.Fatal(err)
		}
		badRows(t, srv, srv.Clock.Now().Add(time.Second), *apps.Applications[0].ApplicationId)

		srv.Advance(time.Minute) // the sweep that panicked the process
		want := []string{
			"account byol: not a valid row: doc.Modifications",
			"association " + *apps.Applications[0].ApplicationId + "/WORKSPACE/ws-empty0001: doc.WorkspaceProperties: the WorkSpace ws-empty0001 has no properties",
			"bundle wsb-due000001: not a valid row: dueAt: a bundle in state AVAILABLE has no next step",
			"image wsi-bogus0001: not a valid row: state: \"BOGUS\" is not a state of a image",
			"workspace ws-due000001: not a valid row: dueAt: a workspace in state AVAILABLE has no next step",
		}
		checkQuarantine := func(h health) {
			t.Helper()
			var got []string
			for _, q := range h.Quarantined {
				got = append(got, q.Kind+" "+q.ID+": "+q.Reason)
			}
			slices.Sort(got)
			if h.Status != "ok" || len(got) != len(want) {
				t.Fatalf("health = %s, quarantined:\n%s\nwant:\n%s", h.Status, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for i := range want {
				if !strings.HasPrefix(got[i], want[i]) {
					t.Errorf("quarantined[%d] = %s, want %s...", i, got[i], want[i])
				}
			}
		}
		checkQuarantine(getHealth(t, srv))

		// The good row moved on; the partition reads.
		dirs, err := c.DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: []string{"d-0123456789"}})
		if err != nil || len(dirs.Directories) != 1 || dirs.Directories[0].State != types.WorkspaceDirectoryStateRegistered {
			t.Fatalf("DescribeWorkspaceDirectories = %+v, %v; want the directory REGISTERED", dirs, err)
		}
		imgs, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{"wsi-bogus0001"}})
		if err != nil || len(imgs.Images) != 1 || imgs.Images[0].State != "BOGUS" {
			t.Fatalf("DescribeWorkspaceImages = %+v, %v; want the image as stored", imgs, err)
		}
		if _, err := c.DescribeAccount(ctx, &workspaces.DescribeAccountInput{}); err != nil {
			t.Fatalf("DescribeAccount: %v", err)
		}
		if _, err := c.DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{"ws-due000001"}}); err != nil {
			t.Fatalf("DescribeWorkspaces: %v", err)
		}
		// Writes in the partition work too.
		registerDirectory(t, c, "d-0123456788")

		// The state exports, bad rows as they are.
		resp, err := http.Get(srv.URL + "/_wslocal/state")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var snap ws.Snapshot
		if err := json.Unmarshal(body, &snap); resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("GET state = %d %s", resp.StatusCode, body)
		}
		states := map[string]string{}
		for _, r := range snap.Resources {
			states[r.ID] = r.State
		}
		if states["wsi-bogus0001"] != "BOGUS" || states["byol"] != "PENDING" || states["d-0123456789"] != "REGISTERED" {
			t.Fatalf("exported states = %v", states)
		}

		switch {
		case strings.HasPrefix(spec, "sqlite:"):
			// A restart on the same database starts, serves and
			// quarantines again (it was a crash loop).
			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
		case spec == "memory":
			return
		}
		// On PostgreSQL, a second replica beside the first does the same.
		other := wslocaltest.Start(t, wslocaltest.WithStore(spec))
		other.Advance(2 * time.Minute)
		checkQuarantine(getHealth(t, other))
		if _, err := workspaces.NewFromConfig(other.AWSConfig()).DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{}); err != nil {
			t.Fatalf("DescribeWorkspaceImages on the other process: %v", err)
		}
	})
}

// A damaged row in the store (a document that does not decode) does not
// stop a seed from applying, so it does not stop start-up with --seed.
func TestSeedAppliesBesideADamagedRow(t *testing.T) {
	srv := wslocaltest.Start(t)
	p := store.Partition{Account: "000000000000", Region: "us-east-1"}
	err := srv.Store.Write(context.Background(), func(tx store.Tx) error {
		for _, kind := range []string{"image", "bundle"} {
			if err := tx.PutResource(context.Background(), &store.Resource{Partition: p, Kind: kind, ID: kind + "-damaged",
				State: "AVAILABLE", Created: srv.Clock.Now(), Doc: []byte(`{"name": 7, "Name": 7}`)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seed, err := ws.ParseSeed("s.yaml", []byte(`
accounts:
  - images: [{id: wsi-golden001, name: golden}]
    bundles: [{id: wsb-golden001, name: golden, image: wsi-golden001}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Service.ApplySeed(context.Background(), seed); err != nil {
		t.Fatalf("ApplySeed beside a damaged row: %v", err)
	}
}
