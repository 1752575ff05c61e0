package metrics

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/wslocal/wslocal/awsjson"
	"github.com/wslocal/wslocal/store"
)

// TestRecordConcurrently: the series Record keeps per operation count
// every request when first requests race, and an operation gets a series
// only for the statuses it answered.
func TestRecordConcurrently(t *testing.T) {
	m := New(nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				status := 200
				if (g+i)%4 == 0 {
					status = 400
				}
				m.Record(awsjson.Record{Operation: "DescribeImageAssociations", Status: status, Latency: time.Millisecond})
			}
			m.Record(awsjson.Record{Operation: "DescribeWorkspaces", Status: 503, Latency: time.Millisecond})
		})
	}
	wg.Wait()
	count := map[string]float64{}
	durations := 0
	var txt text // the requests' series only, without the store's
	m.writeRequests(&txt)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(txt.b))
	if err != nil {
		t.Fatalf("%v\n%s", err, txt.b)
	}
	for _, f := range fams {
		for _, mt := range f.GetMetric() {
			switch f.GetName() {
			case "wslocal_requests_total":
				count[label(mt, "operation")+" "+label(mt, "status")] = mt.GetCounter().GetValue()
			case "wslocal_request_duration_seconds":
				durations++
			}
		}
	}
	want := map[string]float64{"DescribeImageAssociations 200": 600, "DescribeImageAssociations 400": 200, "DescribeWorkspaces 503": 8}
	if len(count) != len(want) {
		t.Errorf("request series %v, want %v (no 200 series for an operation that only failed)", count, want)
	}
	for k, v := range want {
		if count[k] != v {
			t.Errorf("%s = %v, want %v", k, count[k], v)
		}
	}
	if durations != 2 {
		t.Errorf("%d duration series, want 2", durations)
	}
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// failingStore is a store whose reads fail.
type failingStore struct{ store.Store }

func (failingStore) Read(context.Context, func(store.Tx) error) error {
	return errors.New("the disk is on fire")
}

// TestScrapeOfAFailingStore: a store that cannot be counted fails the
// scrape (500, the error said) rather than reporting zeros.
func TestScrapeOfAFailingStore(t *testing.T) {
	m := New(failingStore{})
	m.Record(awsjson.Record{Operation: "DescribeApplications", Status: 200, Latency: time.Millisecond})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "the disk is on fire") {
		t.Errorf("scrape = %d %q, want 500 with the store's error", rec.Code, rec.Body.String())
	}
}
