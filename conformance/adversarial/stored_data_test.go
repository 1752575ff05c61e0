package adversarial

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
	"github.com/wslocal/wslocal/store/postgres"
)

// These replay the attacks on stored data: rows that are not valid
// documents of their kind, fault rules that could not be answered, a seed
// that panicked the YAML library. Nothing a snapshot holds or a seed says
// may crash the process or stop it from answering and exporting.

const t0 = 1767225600000 // 2026-01-01T00:00:00Z in unix milliseconds

func snapshot(resources, associations string) []byte {
	return []byte(`{"version":1,"resources":[` + resources + `],"associations":[` + associations + `],"tags":[],"shares":[]}`)
}

func resourceRow(kind, id, state string, dueAt int64, doc string) string {
	return fmt.Sprintf(`{"account":"000000000000","region":"us-east-1","kind":%q,"id":%q,"state":%q,"created":%d,"dueAt":%d,"doc":%s}`,
		kind, id, state, t0, dueAt, doc)
}

// TestBadSnapshotRowsAreRefused: each snapshot the probe used to crash the
// sweeper (index out of range, exit 2, a crash loop on restart) or wedge a
// partition (500 to every call, export included) is refused with a 400
// naming the row, and the process keeps answering and exporting.
func TestBadSnapshotRowsAreRefused(t *testing.T) {
	due := int64(t0 + 1000)
	for _, c := range []struct {
		name, body, names string
	}{
		{"account due without modifications", string(snapshot(resourceRow("account", "byol", "PENDING", due, `{"DedicatedTenancySupport":"ENABLED","Modifications":[]}`), "")), "byol"},
		{"workspace with an empty doc and a due install", string(snapshot(resourceRow("workspace", "ws-adv000001", "AVAILABLE", 0, `{}`),
			fmt.Sprintf(`{"account":"000000000000","region":"us-east-1","applicationId":"wsa-1n9fw6pwz","resourceType":"WORKSPACE",`+
				`"resourceId":"ws-adv000001","state":"PENDING_INSTALL","reasonCode":"","reasonMessage":"","created":%d,"updated":%d,"dueAt":%d,"failedStep":""}`,
				t0, t0, due))), "ws-adv000001"},
		{"image in an unknown state, due", string(snapshot(resourceRow("image", "wsi-adv000001", "BOGUS", due, `{}`), "")), "wsi-adv000001"},
		{"bundle with a due time", string(snapshot(resourceRow("bundle", "wsb-adv000001", "AVAILABLE", due, `{}`), "")), "wsb-adv000001"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := start(t, "--clock", "real")
			a := control(t, p, "PUT", "/_wslocal/state", []byte(c.body))
			// The row may be named by its id or by its place in the snapshot.
			named := false
			for _, n := range []string{c.names, "resources[0]", "associations[0]"} {
				named = named || strings.Contains(a.message(), n)
			}
			if a.status != 400 || !named {
				t.Errorf("PUT state: %d %s, want 400 naming the row (%s)", a.status, a.body, c.names)
			}
			// Several sweeps (every 200 ms) later the process is alive and
			// answers: health, export, the API.
			time.Sleep(700 * time.Millisecond)
			stillServing(t, p)
		})
	}
}

func stillServing(t *testing.T, p *proctest.Proc) {
	t.Helper()
	if a := control(t, p, "GET", "/_wslocal/health", nil); a.status != 200 {
		t.Errorf("health: %d %s", a.status, a.body)
	}
	if a := control(t, p, "GET", "/_wslocal/state", nil); a.status != 200 {
		t.Errorf("export: %d %s", a.status, a.body)
	}
	if a := call(t, p.URL, "DescribeWorkspaceImages", `{}`); a.status != 200 {
		t.Errorf("DescribeWorkspaceImages: %d %s", a.status, a.body)
	}
}

// TestFaultRulesAreValidatedAtTheDoor: an apiError status outside 400-599
// is refused (42, 103, 204 and 1000 were accepted and later panicked,
// answered 103 then 200, or an empty success); a rule with a made-up error
// code that is accepted exports and imports back; control bodies with junk
// after the JSON are refused.
func TestFaultRulesAreValidatedAtTheDoor(t *testing.T) {
	p := start(t)
	for _, status := range []int{42, 103, 204, 1000} {
		body := fmt.Sprintf(`{"operation":"DescribeIpGroups","apiError":{"code":"ThrottlingException","status":%d}}`, status)
		if a := control(t, p, "POST", "/_wslocal/faults", []byte(body)); a.status != 400 {
			t.Errorf("fault with status %d: %d %s, want 400", status, a.status, a.body)
		}
	}
	if a := call(t, p.URL, "DescribeIpGroups", `{}`); a.status != 200 {
		t.Errorf("DescribeIpGroups after the refused rules: %d %s", a.status, a.body)
	}
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/_wslocal/faults", `{"operation":"DescribeIpGroups","apiError":{"code":"ThrottlingException"}} junk`},
		{"POST", "/_wslocal/faults", `{"operation":"DescribeIpGroups","apiError":{"code":"ThrottlingException"}}{}`},
		{"POST", "/_wslocal/clock", `{"advance":"1s"} junk`},
		{"PUT", "/_wslocal/durations", `{"deploy":"5s"}[]`},
	} {
		if a := control(t, p, c.method, c.path, []byte(c.body)); a.status != 400 {
			t.Errorf("%s %s with junk after the JSON: %d %s, want 400", c.method, c.path, a.status, a.body)
		}
	}
	control(t, p, "DELETE", "/_wslocal/faults", nil)

	made := control(t, p, "POST", "/_wslocal/faults",
		[]byte(`{"associationError":{"code":"Installer.Exploded","message":"boom"}}`))
	if made.status != 201 && made.status != 400 {
		t.Fatalf("fault with a made-up code: %d %s", made.status, made.body)
	}
	if made.status == 400 {
		return // refused at the door: nothing can reach a snapshot
	}
	// The rule fires on the install of an imported image's application.
	a := call(t, p.URL, "ImportWorkspaceImage", `{"Ec2ImageId":"ami-0123456789abcdef0","IngestionProcess":"BYOL_REGULAR",`+
		`"ImageName":"exploding","ImageDescription":"d","Applications":["Microsoft_Office_2019"]}`)
	if a.status != 200 {
		t.Fatalf("ImportWorkspaceImage: %d %s", a.status, a.body)
	}
	for range 10 {
		control(t, p, "POST", "/_wslocal/clock", []byte(`{"advance":"10s"}`))
	}
	exported := control(t, p, "GET", "/_wslocal/state", nil)
	if exported.status != 200 || !strings.Contains(string(exported.body), "Installer.Exploded") {
		t.Fatalf("export after the fault fired: %d %.600s", exported.status, exported.body)
	}
	if a := control(t, p, "PUT", "/_wslocal/state", exported.body); a.status != 200 {
		t.Errorf("a snapshot wslocal exported, holding the accepted fault's reason, does not import: %d %s", a.status, a.body)
	}
}

// TestSeedThatPanickedTheYAMLLibrary: `accounts: !!binary AAAA` is a bad
// seed like any other: exit 1 naming FILE:LINE:COL, not a panic (exit 2).
func TestSeedThatPanickedTheYAMLLibrary(t *testing.T) {
	seed := t.TempDir() + "/seed.yaml"
	if err := os.WriteFile(seed, []byte("accounts: !!binary AAAA\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := runToExit(t, "--store", "memory", "--addr", "127.0.0.1:0", "--seed", seed)
	if code != 1 || !strings.Contains(out, seed+":1:") || strings.Contains(out, "panic") {
		t.Errorf("--seed with !!binary: exit %d\n%s\nwant exit 1 naming %s:1:COL", code, out, seed)
	}
}

// TestNULInTagsIsOneAnswer: a NUL byte in a tag key or value gets the same
// answer from SQLite and from PostgreSQL (it was 200 on one and 500 on the
// other), and what is stored reads back the same.
func TestNULInTagsIsOneAnswer(t *testing.T) {
	pgURL := os.Getenv("WSLOCAL_TEST_POSTGRES")
	if pgURL == "" {
		pgURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	schema := fmt.Sprintf("adversarial_nul_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = postgres.DropSchema(ctx, pgURL, schema)
	})
	type outcome struct {
		statuses []string
		tags     string
	}
	run := func(store string) outcome {
		p := start(t, "--store", store)
		a := call(t, p.URL, "CreateIpGroup", `{"GroupName":"nul"}`)
		var g struct{ GroupId string }
		if a.status != 200 || !jsonInto(a.body, &g) {
			t.Fatalf("%s: CreateIpGroup: %d %s", store, a.status, a.body)
		}
		var o outcome
		for _, tag := range []string{`{"Key":"a\u0000b","Value":"v"}`, `{"Key":"k","Value":"x\u0000y"}`} {
			a := call(t, p.URL, "CreateTags", `{"ResourceId":"`+g.GroupId+`","Tags":[`+tag+`]}`)
			if a.status >= 500 {
				t.Errorf("%s: CreateTags %s: %d %s, want no server error", store, tag, a.status, a.body)
			}
			o.statuses = append(o.statuses, fmt.Sprintf("%d %s %s", a.status, a.errType(), a.message()))
		}
		a = call(t, p.URL, "DescribeTags", `{"ResourceId":"`+g.GroupId+`"}`)
		o.tags = fmt.Sprintf("%d %s", a.status, a.body)
		return o
	}
	lite := run("sqlite:" + t.TempDir() + "/state.db")
	pg := run(pgURL + "&search_path=" + schema)
	if fmt.Sprint(lite) != fmt.Sprint(pg) {
		t.Errorf("SQLite and PostgreSQL answer differently:\nSQLite     %v\nPostgreSQL %v", lite, pg)
	}
}
