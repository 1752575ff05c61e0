package awsjson

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type accessLine struct {
	op, code, account, region, reqID string
	status                           int
	d                                time.Duration
}

// TestAccessLogMatchesSlog: AccessLog writes, byte for byte, what slog's
// TextHandler and JSONHandler write for the same request, for values that
// need quoting or escaping, invalid UTF-8, clipped fields and times in
// other zones.
func TestAccessLogMatchesSlog(t *testing.T) {
	long := strings.Repeat("A", 60<<10)
	runes := strings.Repeat("é", 200) // clipped between runes, not inside one
	lines := []accessLine{
		{"DescribeWorkspaces", "", "123456789012", "us-east-1", "4b1f0c52-6d0e-4a4f-9b7e-0e5f6f1a2b3c", 200, 1234567 * time.Nanosecond},
		{"CreateTags", "ResourceNotFoundException", "000000000000", "eu-west-1", "id", 400, 0},
		{"Describe Workspaces", "a=b", `quo"te`, `back\slash`, "tab\there", 500, time.Nanosecond},
		{"new\nline", "cr\rx", "nul\x00x", "\x7fdel", "bell\a", 200, 1500 * time.Nanosecond},
		{"bad\xffutf8", "\xc3", "ok\u00e9", "nbsp\u00a0x", "ls\u2028ps\u2029", 200, 2 * time.Second},
		{"zw\u200bsp", "emoji😀", "<html>&amp;", "'single'", "#$%&()*+,-./:;<>?@[]^_`{|}~", 200, time.Hour + time.Minute},
		{"", "", "", "", "", 0, -time.Millisecond},
		{clip(long, MaxLoggedField), clip(runes, MaxLoggedField), clip("x"+runes, MaxLoggedField), clip(long+"\n", MaxLoggedField),
			clip("\xff"+long, MaxLoggedField), 400, 90 * time.Microsecond},
	}
	zone := time.FixedZone("X", -(3*3600 + 30*60))
	times := []time.Time{
		time.Date(2026, 11, 30, 12, 34, 15, 123456789, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 999999999, zone),
		time.Date(1999, 12, 31, 23, 59, 59, 1000000, time.Local),
		time.Now(), // with a monotonic reading
	}
	for _, json := range []bool{false, true} {
		for _, tm := range times {
			for i, l := range lines {
				var want bytes.Buffer
				var h slog.Handler = slog.NewTextHandler(&want, nil)
				if json {
					h = slog.NewJSONHandler(&want, nil)
				}
				r := slog.NewRecord(tm, slog.LevelInfo, "request", 0)
				r.AddAttrs(slog.String("operation", l.op), slog.Int("status", l.status),
					slog.String("error", l.code), slog.String("account", l.account), slog.String("region", l.region),
					slog.String("request_id", l.reqID), slog.Duration("duration", l.d))
				if err := h.Handle(context.Background(), r); err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				NewAccessLog(&got, json).Log(tm, l.op, l.status, l.code, l.account, l.region, l.reqID, l.d)
				if got.String() != want.String() {
					t.Errorf("json=%v time %v line %d:\n got %q\nwant %q", json, tm, i, got.String(), want.String())
				}
			}
		}
	}
}

// TestAccessLogThroughHandler: with AccessLog set, the handler writes one
// line per request, bounded as the slog line is, and nothing to Log.
func TestAccessLogThroughHandler(t *testing.T) {
	for _, json := range []bool{false, true} {
		var logBuf, accessBuf bytes.Buffer
		h := &Handler{Service: &fakeService{}, Auth: authOff, Log: slog.New(slog.NewTextHandler(&logBuf, nil)),
			AccessLog: NewAccessLog(&accessBuf, json)}
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
		r.Header.Set("X-Amz-Target", target+strings.Repeat("A", 60<<10))
		h.ServeHTTP(httptest.NewRecorder(), r)
		line := accessBuf.String()
		if logBuf.Len() != 0 {
			t.Errorf("json=%v: Log got %q, want nothing", json, logBuf.String())
		}
		if strings.Count(line, "\n") != 1 || len(line) > 1024 {
			t.Errorf("json=%v: access log %d bytes, want one line under 1 KiB: %.300q", json, len(line), line)
		}
		want := "operation=" + strings.Repeat("A", MaxLoggedField) + "... status=400 error=UnknownOperationException"
		if json {
			want = `"operation":"` + strings.Repeat("A", MaxLoggedField) + `...","status":400,"error":"UnknownOperationException"`
		}
		if !strings.Contains(line, want) {
			t.Errorf("json=%v: access log %q, want it to hold %q", json, line, want)
		}
	}
}

func BenchmarkAccessLogText(b *testing.B) {
	l := NewAccessLog(discard{}, false)
	tm := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		l.Log(tm, "DescribeImageAssociations", 200, "", "000000000000", "us-east-1", "4b1f0c52-6d0e-4a4f-9b7e-0e5f6f1a2b3c", 1234567)
	}
}

func BenchmarkAccessLogSlogText(b *testing.B) {
	l := slog.New(slog.NewTextHandler(discard{}, nil))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		l.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("operation", "DescribeImageAssociations"), slog.Int("status", 200),
			slog.String("error", ""), slog.String("account", "000000000000"), slog.String("region", "us-east-1"),
			slog.String("request_id", "4b1f0c52-6d0e-4a4f-9b7e-0e5f6f1a2b3c"), slog.Duration("duration", 1234567))
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestAccessLogTimesAndDurations: the hand-formatted times and durations
// are those of time's own formatting, over the cases where they differ.
func TestAccessLogTimesAndDurations(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("x", 5*3600+30*60), time.FixedZone("y", -7*3600), time.Local}
	base := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
	for _, loc := range zones {
		for _, ns := range []int{0, 1, 999, 1000, 120000000, 123456789, 999999999, 100000000, 500} {
			for _, off := range []time.Duration{0, time.Second, 24 * time.Hour} {
				tm := base.Add(off).Add(time.Duration(ns)).In(loc)
				if got, want := string(appendRFC3339Nano(nil, tm)), tm.Format(time.RFC3339Nano); got != want {
					t.Errorf("appendRFC3339Nano(%v) = %s, want %s", tm, got, want)
				}
				want := tm.Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
				if got := string(appendRFC3339Millis(nil, tm)); got != want {
					t.Errorf("appendRFC3339Millis(%v) = %s, want %s", tm, got, want)
				}
			}
		}
	}
	for _, d := range []time.Duration{0, 1, 9, 10, 999, 1000, 1001, 1500, 10000, 999999, 1000000, 1000001,
		1200000, 250 * time.Millisecond, 999999999, time.Second, 1500 * time.Millisecond, 2 * time.Hour, -1, -1500} {
		if got, want := string(appendDuration(nil, d)), d.String(); got != want {
			t.Errorf("appendDuration(%d) = %s, want %s", d, got, want)
		}
	}
}
