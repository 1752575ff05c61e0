package awsjson

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLoggedFieldsBounded: a 60 KB X-Amz-Target (an unknown operation) is
// answered, but the access log and the Recorder keep only its first
// MaxLoggedField bytes.
func TestLoggedFieldsBounded(t *testing.T) {
	var logBuf bytes.Buffer
	var got []Record
	h := &Handler{Service: &fakeService{}, Auth: authOff, Log: slog.New(slog.NewTextHandler(&logBuf, nil)),
		Recorder: func(r Record) { got = append(got, r) }}
	long := target + strings.Repeat("A", 60<<10)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
	r.Header.Set("X-Amz-Target", long)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "UnknownOperationException") || w.Body.Len() > 1024 {
		t.Errorf("answer: %d %.200s (%d bytes), want a short 400 UnknownOperationException", w.Code, w.Body, w.Body.Len())
	}
	if len(got) != 1 {
		t.Fatalf("%d records, want 1", len(got))
	}
	want := strings.Repeat("A", MaxLoggedField) + "..."
	if got[0].Operation != want {
		t.Errorf("recorded operation has %d bytes, want %d (%q...)", len(got[0].Operation), len(want), got[0].Operation[:16])
	}
	if logBuf.Len() > 1024 {
		t.Errorf("access log line of %d bytes, want under 1 KiB", logBuf.Len())
	}
}
