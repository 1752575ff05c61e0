package metrics_test

import (
	"context"
	"math"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/wslocaltest"
)

func scrape(t *testing.T, srv *wslocaltest.Server) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// find returns the metric of a family whose labels are exactly want.
func find(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	t.Helper()
	fam, ok := fams[name]
	if !ok {
		t.Fatalf("no metric family %s", name)
	}
next:
	for _, m := range fam.GetMetric() {
		if len(m.GetLabel()) != len(want) {
			continue
		}
		for _, l := range m.GetLabel() {
			if want[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		return m
	}
	t.Fatalf("no %s%v", name, want)
	return nil
}

func TestMetricsCountRequestsAndAssociations(t *testing.T) {
	srv := wslocaltest.Start(t)
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfig())
	for i := 0; i < 3; i++ {
		if _, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{"not-an-id"}}); err == nil {
		t.Fatal("an invalid image id was accepted")
	}
	// One imported image completes with Office; another fails (ERROR).
	importImage := func(name string) {
		t.Helper()
		if _, err := c.ImportWorkspaceImage(ctx, &workspaces.ImportWorkspaceImageInput{
			Ec2ImageId: aws.String("ami-0123456789abcdef0"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
			ImageName: aws.String(name), ImageDescription: aws.String(name),
			Applications: []types.Application{types.ApplicationMicrosoftOffice2019}}); err != nil {
			t.Fatal(err)
		}
	}
	importImage("good")
	srv.Advance(time.Minute)
	srv.InjectFault(sim.FaultRule{Operation: "ImportWorkspaceImage", Count: 1,
		AssociationError: &sim.AssociationErrorEffect{Code: "DeploymentError.InternalServerError"}})
	importImage("bad")
	srv.Advance(time.Minute)

	fams := scrape(t, srv)
	if v := find(t, fams, "wslocal_requests_total", map[string]string{"operation": "DescribeApplications", "status": "200"}).GetCounter().GetValue(); v != 3 {
		t.Errorf("DescribeApplications 200 = %v, want 3", v)
	}
	if v := find(t, fams, "wslocal_requests_total", map[string]string{"operation": "DescribeWorkspaceImages", "status": "400"}).GetCounter().GetValue(); v != 1 {
		t.Errorf("DescribeWorkspaceImages 400 = %v, want 1", v)
	}
	h := find(t, fams, "wslocal_request_duration_seconds", map[string]string{"operation": "DescribeApplications"}).GetHistogram()
	if h.GetSampleCount() != 3 || h.GetSampleSum() <= 0 {
		t.Errorf("DescribeApplications latency: %d samples, sum %v", h.GetSampleCount(), h.GetSampleSum())
	}
	for _, c := range []struct {
		state string
		want  float64
	}{{"COMPLETED", 1}, {"ERROR", 1}, {"INSTALLING", 0}} {
		m := find(t, fams, "wslocal_associations", map[string]string{"state": c.state, "resource_type": "IMAGE"})
		if v := m.GetGauge().GetValue(); v != c.want {
			t.Errorf("wslocal_associations{state=%s,resource_type=IMAGE} = %v, want %v", c.state, v, c.want)
		}
	}

	if b := h.GetBucket(); len(b) != 13 || !math.IsInf(b[12].GetUpperBound(), 1) || b[12].GetCumulativeCount() != 3 {
		t.Errorf("DescribeApplications latency buckets %v, want 12 and +Inf holding the 3", b)
	}
	for i, b := range h.GetBucket() {
		if i > 0 && b.GetCumulativeCount() < h.GetBucket()[i-1].GetCumulativeCount() {
			t.Errorf("bucket le=%v counts %d, fewer than the bucket below it", b.GetUpperBound(), b.GetCumulativeCount())
		}
		if b.GetCumulativeCount() > h.GetSampleCount() {
			t.Errorf("bucket le=%v counts %d, more than the %d samples", b.GetUpperBound(), b.GetCumulativeCount(), h.GetSampleCount())
		}
	}

	// The Go runtime's and the process's figures, under the Go client's names.
	if v := find(t, fams, "go_goroutines", map[string]string{}).GetGauge().GetValue(); v < 1 {
		t.Errorf("go_goroutines = %v", v)
	}
	if v := find(t, fams, "go_memstats_heap_alloc_bytes", map[string]string{}).GetGauge().GetValue(); v < 1<<20 {
		t.Errorf("go_memstats_heap_alloc_bytes = %v, want a live heap of a megabyte or more", v)
	}
	find(t, fams, "go_info", map[string]string{"version": runtime.Version()})
	if fam := fams["go_gc_duration_seconds"]; fam.GetType() != dto.MetricType_SUMMARY || len(fam.GetMetric()[0].GetSummary().GetQuantile()) != 5 {
		t.Errorf("go_gc_duration_seconds: %v", fam)
	}
	if runtime.GOOS == "linux" {
		if v := find(t, fams, "process_resident_memory_bytes", map[string]string{}).GetGauge().GetValue(); v < 1<<20 {
			t.Errorf("process_resident_memory_bytes = %v", v)
		}
		if v := find(t, fams, "process_open_fds", map[string]string{}).GetGauge().GetValue(); v < 3 {
			t.Errorf("process_open_fds = %v", v)
		}
		started := time.Unix(int64(find(t, fams, "process_start_time_seconds", map[string]string{}).GetGauge().GetValue()), 0)
		if since := time.Since(started); since < 0 || since > time.Hour {
			t.Errorf("process_start_time_seconds is %v ago", since)
		}
		find(t, fams, "process_cpu_seconds_total", map[string]string{})
		find(t, fams, "process_max_fds", map[string]string{})
	}

	// An unknown target is counted, under a bounded label.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", nil)
	req.Header.Set("X-Amz-Target", "WorkspacesService.Nonsense123")
	// Signed as an SDK signs (an unsigned request is refused before routing).
	creds, _ := srv.AWSConfig().Credentials.Retrieve(context.Background())
	emptySHA256 := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, emptySHA256, "workspaces", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	fams = scrape(t, srv)
	if v := find(t, fams, "wslocal_requests_total", map[string]string{"operation": "unknown", "status": "400"}).GetCounter().GetValue(); v != 1 {
		t.Errorf("unknown operation 400 = %v, want 1", v)
	}
}
