package adversarial

import (
	"net/http"
	"strings"
	"testing"
)

// TestControlAPIIsNotACrossSiteTarget: without --control-token, what a web
// page can make a browser send to 127.0.0.1 is refused: a text/plain
// cross-site POST to reset (it wiped the state), a fault rule posted as a
// form, and a DNS-rebinding page reading the state under its own name.
// The dashboard (same-origin) keeps working.
func TestControlAPIIsNotACrossSiteTarget(t *testing.T) {
	p := start(t)
	// Something to lose: an IP group.
	if a := call(t, p.URL, "CreateIpGroup", `{"GroupName":"keep-me"}`); a.status != 200 {
		t.Fatalf("CreateIpGroup: %d %s", a.status, a.body)
	}
	evil := "http://evil.example"
	for _, c := range []struct {
		name, method, path, body string
		h                        map[string]string
		status                   int
	}{
		{"text/plain cross-site reset", "POST", "/_wslocal/reset", "x=1",
			map[string]string{"Content-Type": "text/plain", "Origin": evil, "Sec-Fetch-Site": "cross-site"}, 403},
		{"text/plain reset from an old browser", "POST", "/_wslocal/reset", "x=1", map[string]string{"Content-Type": "text/plain"}, 415},
		{"form fault rule", "POST", "/_wslocal/faults", `{"operation":"DescribeIpGroups","apiError":{"code":"ThrottlingException"}}`,
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415},
		{"no-cors reset without a body", "POST", "/_wslocal/reset", "", map[string]string{"Origin": evil}, 403},
		{"JSON reset from another origin", "POST", "/_wslocal/reset", "{}",
			map[string]string{"Content-Type": "application/json", "Origin": evil}, 403},
		{"rebound read of the state", "GET", "/_wslocal/state", "", map[string]string{"Host": "evil.example"}, 403},
		{"rebound read with a port", "GET", "/_wslocal/requests", "", map[string]string{"Host": "evil.example:4599"}, 403},
		{"rebound dashboard", "GET", "/_wslocal/ui", "", map[string]string{"Host": "evil.example"}, 403},
		{"cross-site fetch of the state", "GET", "/_wslocal/state", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, 403},
		{"rebound reset", "POST", "/_wslocal/reset", "{}", map[string]string{"Host": "evil.example", "Content-Type": "application/json"}, 403},
	} {
		a := do(t, c.method, p.URL+c.path, []byte(c.body), c.h)
		if a.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, a.status, a.body, c.status)
		}
	}
	// The state and the fault rules are as they were.
	if a := call(t, p.URL, "DescribeIpGroups", `{}`); a.status != 200 || !strings.Contains(string(a.body), "keep-me") {
		t.Errorf("after the refused requests: DescribeIpGroups %d %s, want the group", a.status, a.body)
	}
	if a := control(t, p, "GET", "/_wslocal/faults", nil); a.status != 200 || strings.Contains(string(a.body), "DescribeIpGroups") {
		t.Errorf("fault rules after the refused requests: %d %s", a.status, a.body)
	}
	// The dashboard and its same-origin calls work.
	host := strings.TrimPrefix(p.URL, "http://")
	if a := do(t, "GET", p.URL+"/_wslocal/ui", nil, map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}); a.status != 200 {
		t.Errorf("dashboard opened from a link elsewhere: %d", a.status)
	}
	if a := do(t, "GET", p.URL+"/_wslocal/ui", nil, map[string]string{"Sec-Fetch-Site": "none"}); a.status != 200 {
		t.Errorf("dashboard: %d", a.status)
	}
	if a := do(t, "GET", "http://"+host+"/_wslocal/requests", nil, map[string]string{"Host": "localhost:1", "Sec-Fetch-Site": "same-origin"}); a.status != 200 {
		t.Errorf("dashboard read as localhost: %d %s", a.status, a.body)
	}
	if a := do(t, "POST", p.URL+"/_wslocal/clock", []byte(`{"advance":"1s"}`), map[string]string{
		"Content-Type": "application/json", "Origin": p.URL, "Sec-Fetch-Site": "same-origin"}); a.status != 200 {
		t.Errorf("same-origin clock: %d %s", a.status, a.body)
	}
	if a := do(t, "GET", p.URL+"/_wslocal/health", nil, map[string]string{"Host": "evil.example"}); a.status != http.StatusOK {
		t.Errorf("health under another name (probes): %d", a.status)
	}
}
