package control

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// The page is served at /ui and /ui/ (no redirect), with its script and
// stylesheet beside it and a policy that keeps it to its own origin.
func TestUIServesEmbeddedFiles(t *testing.T) {
	h := New(Handler{})
	for _, path := range []string{Prefix + "ui", Prefix + "ui/"} {
		res, body := get(t, h, path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d, want 200", path, res.StatusCode)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q, want text/html", path, ct)
		}
		if !strings.Contains(body, `<script src="/_wslocal/ui/app.js"`) || !strings.Contains(body, `href="/_wslocal/ui/style.css"`) {
			t.Errorf("GET %s: the page does not load app.js and style.css by absolute path:\n%s", path, body)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
	}
	for path, want := range map[string]string{
		Prefix + "ui/app.js":    "javascript",
		Prefix + "ui/style.css": "text/css",
	} {
		res, body := get(t, h, path)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), want) || len(body) < 500 {
			t.Errorf("GET %s: status %d, Content-Type %q, %d bytes; want 200, %s", path, res.StatusCode, res.Header.Get("Content-Type"), len(body), want)
		}
	}
	if res, _ := get(t, h, Prefix+"ui/missing.js"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET ui/missing.js: status %d, want 404", res.StatusCode)
	}
}

// The dashboard reads exactly the control endpoints it is documented to.
func TestUIReadsTheControlAPI(t *testing.T) {
	js, err := fs.ReadFile(uiFiles, "ui/app.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`getJSON("state")`, `getJSON("applications")`, "requests?limit=", `getJSON("health")`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("app.js does not read %s", want)
		}
	}
}

// Nothing is fetched from another origin (CDN, web fonts): the dashboard
// must work offline. The SVG namespace is a name, not a fetch.
func TestUILoadsNothingFromElsewhere(t *testing.T) {
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	err := fs.WalkDir(uiFiles, "ui", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(uiFiles, path)
		if err != nil {
			return err
		}
		for _, m := range url.FindAllString(string(b), -1) {
			if m != "http://www.w3.org" {
				t.Errorf("%s refers to another origin: %s", path, m)
			}
		}
		if strings.Contains(string(b), "@import") {
			t.Errorf("%s imports a stylesheet", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
