package gosdk_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

type clockAnswer struct {
	Mode  string `json:"mode"`
	Now   string `json:"now"`
	Error string `json:"error"`
}

// POST /_wslocal/clock moves the manual clock and applies what became due
// before it answers, so the next SDK call already sees it.
func TestClockControlEndpoint(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	id := importImage(t, c, "clocked", withOffice2019)

	var got clockAnswer
	if st := srv.Control(http.MethodGet, "/_wslocal/clock", nil, &got); st != http.StatusOK {
		t.Fatalf("GET clock: %d", st)
	}
	if got.Mode != "manual" || got.Now != clockStart.Format(time.RFC3339Nano) {
		t.Errorf("GET clock = %+v, want manual at %s", got, clockStart.Format(time.RFC3339Nano))
	}

	got = clockAnswer{}
	if st := srv.Control(http.MethodPost, "/_wslocal/clock", map[string]string{"advance": "500ms"}, &got); st != http.StatusOK {
		t.Fatalf("POST clock advance 500ms: %d %+v", st, got)
	}
	if want := clockStart.Add(500 * time.Millisecond).Format(time.RFC3339Nano); got.Now != want {
		t.Errorf("after 500ms: now = %s, want %s", got.Now, want)
	}
	if s := describeImage(t, c, id).State; s != types.WorkspaceImageStatePending {
		t.Errorf("after 500ms: image %s, want PENDING", s)
	}

	got = clockAnswer{}
	if st := srv.Control(http.MethodPost, "/_wslocal/clock", map[string]string{"advance": "2s"}, &got); st != http.StatusOK {
		t.Fatalf("POST clock advance 2s: %d %+v", st, got)
	}
	if want := clockStart.Add(2500 * time.Millisecond).Format(time.RFC3339Nano); got.Mode != "manual" || got.Now != want {
		t.Errorf("after 2s more: %+v, want manual at %s", got, want)
	}
	if s := describeImage(t, c, id).State; s != types.WorkspaceImageStateAvailable {
		t.Errorf("after the clock passed the step: image %s, want AVAILABLE", s)
	}
	as := imageAssociations(t, c, id)
	if len(as) != 1 || as[0].State != types.AssociationStateCompleted {
		t.Fatalf("associations = %+v, want one COMPLETED", as)
	}
	sameTime(t, "LastUpdatedTime", as[0].LastUpdatedTime, clockStart.Add(importStep))

	// {"set": ...} moves to an absolute time; backwards and bad bodies are 400.
	target := clockStart.Add(time.Hour)
	got = clockAnswer{}
	if st := srv.Control(http.MethodPost, "/_wslocal/clock", map[string]string{"set": target.Format(time.RFC3339)}, &got); st != http.StatusOK {
		t.Fatalf("POST clock set: %d %+v", st, got)
	}
	if got.Now != target.Format(time.RFC3339Nano) {
		t.Errorf("after set: now = %s, want %s", got.Now, target.Format(time.RFC3339Nano))
	}
	for _, body := range []map[string]string{
		{"set": clockStart.Format(time.RFC3339)},
		{"advance": "-1s"},
		{"advance": "soon"},
		{"advance": "1s", "set": target.Format(time.RFC3339)},
		{},
		{"rewind": "1s"},
	} {
		got = clockAnswer{}
		if st := srv.Control(http.MethodPost, "/_wslocal/clock", body, &got); st != http.StatusBadRequest {
			t.Errorf("POST clock %v: %d, want 400", body, st)
		}
		if got.Error == "" {
			t.Errorf("POST clock %v: no error message", body)
		}
	}
	got = clockAnswer{}
	srv.Control(http.MethodGet, "/_wslocal/clock", nil, &got)
	if got.Now != target.Format(time.RFC3339Nano) {
		t.Errorf("refused moves changed the clock: now = %s, want %s", got.Now, target.Format(time.RFC3339Nano))
	}
}

// With the real clock the control endpoint refuses to move time.
func TestClockControlRealClock(t *testing.T) {
	t.Parallel()
	srv := start(t, wslocaltest.WithRealClock())
	var got clockAnswer
	if st := srv.Control(http.MethodPost, "/_wslocal/clock", map[string]string{"advance": "2s"}, &got); st != http.StatusBadRequest {
		t.Errorf("POST clock on a real clock: %d, want 400", st)
	}
	if got.Error == "" {
		t.Errorf("POST clock on a real clock: no error message")
	}
	got = clockAnswer{}
	if st := srv.Control(http.MethodGet, "/_wslocal/clock", nil, &got); st != http.StatusOK || got.Mode != "real" {
		t.Errorf("GET clock on a real clock: %d %+v, want 200 mode real", st, got)
	}
	// The server still serves the API.
	if ids := allImageIDs(t, client(srv)); len(ids) != 0 {
		t.Errorf("fresh real-clock server has images %v", ids)
	}
}
