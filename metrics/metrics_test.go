package metrics_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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

	// An unknown target is counted, under a bounded label.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", nil)
	req.Header.Set("X-Amz-Target", "WorkspacesService.Nonsense123")
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
