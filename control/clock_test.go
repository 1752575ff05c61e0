package control_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/wslocaltest"
)

type clockJSON struct {
	Mode  string `json:"mode"`
	Now   string `json:"now"`
	Error string `json:"error"`
}

func (c clockJSON) time(t *testing.T) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, c.Now)
	if err != nil {
		t.Fatalf("now %q: %v", c.Now, err)
	}
	return at
}

func moveClock(t *testing.T, srv *wslocaltest.Server, body map[string]string) (int, clockJSON) {
	t.Helper()
	var out clockJSON
	status := srv.Control(http.MethodPost, "/_wslocal/clock", body, &out)
	return status, out
}

func importImage(t *testing.T, srv *wslocaltest.Server) string {
	t.Helper()
	client := workspaces.NewFromConfig(srv.AWSConfig())
	out, err := client.ImportWorkspaceImage(context.Background(), &workspaces.ImportWorkspaceImageInput{
		Ec2ImageId: aws.String("ami-0123456789abcdef0"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
		ImageName: aws.String("golden"), ImageDescription: aws.String("with Office"),
		Applications: []types.Application{types.ApplicationMicrosoftOffice2019},
	})
	if err != nil {
		t.Fatal(err)
	}
	return *out.ImageId
}

// storedState reads a row straight from the store: what a sweep wrote, not
// what a describe call would catch up on first.
func storedState(t *testing.T, srv *wslocaltest.Server, kind, id string) string {
	t.Helper()
	var state string
	err := srv.Store.Read(context.Background(), func(tx store.Tx) error {
		r, err := tx.GetResource(context.Background(), store.Partition{Account: "000000000000", Region: "us-east-1"}, kind, id)
		if err == nil {
			state = r.State
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return state
}

func TestClockAdvanceAppliesDueStepsBeforeAnswering(t *testing.T) {
	srv := wslocaltest.Start(t)
	var got clockJSON
	if status := srv.Control(http.MethodGet, "/_wslocal/clock", nil, &got); status != http.StatusOK ||
		got.Mode != "manual" || got.Now != "2026-01-01T00:00:00Z" {
		t.Fatalf("GET clock = %d %+v", status, got)
	}
	id := importImage(t, srv)
	status, got := moveClock(t, srv, map[string]string{"advance": "90s"})
	if status != http.StatusOK || got.Now != "2026-01-01T00:01:30Z" {
		t.Fatalf("advance = %d %+v", status, got)
	}
	if st := storedState(t, srv, "image", id); st != "AVAILABLE" {
		t.Fatalf("stored image state after advance = %s, want AVAILABLE (swept before answering)", st)
	}
	status, got = moveClock(t, srv, map[string]string{"set": "2026-02-01T00:00:00Z"})
	if status != http.StatusOK || got.Now != "2026-02-01T00:00:00Z" {
		t.Fatalf("set = %d %+v", status, got)
	}
}

func TestClockModeSwitching(t *testing.T) {
	// A manual clock far in the future: switching to real must not go back.
	future := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	srv := wslocaltest.Start(t, wslocaltest.WithClockStart(future))
	id := importImage(t, srv)

	status, got := moveClock(t, srv, map[string]string{"mode": "real"})
	if status != http.StatusOK || got.Mode != "real" {
		t.Fatalf("to real = %d %+v", status, got)
	}
	if at := got.time(t); at.Before(future) {
		t.Fatalf("real clock went back from the manual %v to %v", future, at)
	}
	time.Sleep(20 * time.Millisecond)
	var read clockJSON
	srv.Control(http.MethodGet, "/_wslocal/clock", nil, &read)
	if !read.time(t).After(future) {
		t.Fatalf("the real clock does not run: %v", read.Now)
	}
	// The import's step (1s) is due once the real clock has run past it.
	deadline := time.Now().Add(5 * time.Second)
	for storedState(t, srv, "image", id) != "AVAILABLE" {
		if time.Now().After(deadline) {
			t.Fatal("the image never became AVAILABLE on the real clock")
		}
		time.Sleep(50 * time.Millisecond)
	}

	status, got = moveClock(t, srv, map[string]string{"mode": "manual"})
	if status != http.StatusOK || got.Mode != "manual" {
		t.Fatalf("to manual = %d %+v", status, got)
	}
	frozen := got.Now
	time.Sleep(20 * time.Millisecond)
	srv.Control(http.MethodGet, "/_wslocal/clock", nil, &read)
	if read.Now != frozen || read.Mode != "manual" {
		t.Fatalf("manual clock moved: %s -> %+v", frozen, read)
	}
	srv.Advance(time.Minute) // wslocaltest.Advance works on the switched clock
	srv.Control(http.MethodGet, "/_wslocal/clock", nil, &read)
	if !read.time(t).Equal(got.time(t).Add(time.Minute)) {
		t.Fatalf("after Advance(1m): %s, want %s + 1m", read.Now, frozen)
	}
}

func TestClockRefusesBadMoves(t *testing.T) {
	srv := wslocaltest.Start(t)
	for _, c := range []struct {
		body map[string]string
		want string
	}{
		{map[string]string{"set": "2025-01-01T00:00:00Z"}, "only moves forward"},
		{map[string]string{"advance": "-1s"}, "only moves forward"},
		{map[string]string{"advance": "soon"}, "not a duration"},
		{map[string]string{"set": "yesterday"}, "not an RFC 3339 time"},
		{map[string]string{"mode": "sundial"}, "use real or manual"},
		{map[string]string{"mode": "real", "advance": "1s"}, "exactly one"},
		{map[string]string{}, "exactly one"},
		{map[string]string{"speed": "2x"}, "unknown field"},
	} {
		status, got := moveClock(t, srv, c.body)
		if status != http.StatusBadRequest || !strings.Contains(got.Error, c.want) {
			t.Errorf("%v = %d %q, want 400 containing %q", c.body, status, got.Error, c.want)
		}
	}
	var read clockJSON
	srv.Control(http.MethodGet, "/_wslocal/clock", nil, &read)
	if read.Now != "2026-01-01T00:00:00Z" {
		t.Fatalf("a refused move moved the clock to %s", read.Now)
	}
}
