package clients_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
)

// TestBanner: what a user copies from the banner works, and the banner names
// the version that the health endpoint reports.
func TestBanner(t *testing.T) {
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual")
	// The banner is written before wslocal serves, but the test reads it
	// from a pipe that a goroutine copies: give the copy a moment.
	want := "  export AWS_ENDPOINT_URL=" + p.URL + "\n"
	for deadline := time.Now().Add(2 * time.Second); !strings.Contains(p.Stderr(), want) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(p.Stderr(), want) {
		t.Errorf("the banner lacks %q:\n%s", want, p.Stderr())
	}
	resp, err := http.Get(p.URL + "/_wslocal/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var health struct{ Version, Store, Clock string }
	if err := json.NewDecoder(resp.Body).Decode(&health); err != nil {
		t.Fatal(err)
	}
	if health.Version == "" || health.Clock != "manual" {
		t.Errorf("health = %+v, want a version and clock manual", health)
	}
	if want := "wslocal " + health.Version + " listening on " + p.URL; !strings.Contains(p.Stderr(), want) {
		t.Errorf("the banner does not say %q (health says version %q):\n%s", want, health.Version, p.Stderr())
	}
}
