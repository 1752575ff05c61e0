package control_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/awsjson"
	"github.com/wslocal/wslocal/control"
	"github.com/wslocal/wslocal/wslocaltest"
)

type requestsJSON struct {
	Requests []control.RequestEntry `json:"requests"`
	Error    string                 `json:"error"`
}

func TestRequestLogListsCallsNewestFirst(t *testing.T) {
	srv := wslocaltest.Start(t)
	ctx := context.Background()
	home := workspaces.NewFromConfig(srv.AWSConfig())
	away := workspaces.NewFromConfig(srv.AWSConfigFor("123456789012", "eu-west-1"))

	if _, err := home.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := away.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String("wsi-123456789"),
		AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("DescribeImageAssociations of a missing image = %v", err)
	}
	srv.Advance(time.Second) // control calls are not AWS requests: not logged
	if _, err := home.DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{}); err != nil {
		t.Fatal(err)
	}

	var got requestsJSON
	if status := srv.Control(http.MethodGet, "/_wslocal/requests?limit=2", nil, &got); status != http.StatusOK {
		t.Fatalf("GET requests = %d %s", status, got.Error)
	}
	if len(got.Requests) != 2 {
		t.Fatalf("limit=2 gave %d requests: %+v", len(got.Requests), got.Requests)
	}
	newest, failed := got.Requests[0], got.Requests[1]
	if newest.Operation != "DescribeWorkspaces" || newest.Status != 200 || newest.ErrorCode != "" ||
		newest.Account != "000000000000" || newest.Region != "us-east-1" {
		t.Errorf("newest = %+v, want DescribeWorkspaces 200 by 000000000000 in us-east-1", newest)
	}
	if failed.Operation != "DescribeImageAssociations" || failed.Status != 400 || failed.ErrorCode != "ResourceNotFoundException" ||
		failed.Account != "123456789012" || failed.Region != "eu-west-1" {
		t.Errorf("second = %+v, want DescribeImageAssociations 400 ResourceNotFoundException by 123456789012 in eu-west-1", failed)
	}
	for _, r := range got.Requests {
		at, err := time.Parse(time.RFC3339Nano, r.Time)
		if err != nil || time.Since(at) > time.Minute || r.LatencyMs < 0 || r.RequestID == "" {
			t.Errorf("entry %+v: time %v (%v), latency %v, request id %q", r, at, err, r.LatencyMs, r.RequestID)
		}
	}
	if newest.RequestID == failed.RequestID {
		t.Errorf("two requests share the id %s", newest.RequestID)
	}

	srv.Control(http.MethodGet, "/_wslocal/requests", nil, &got)
	if len(got.Requests) != 3 || got.Requests[2].Operation != "DescribeApplications" {
		t.Errorf("default limit: %d requests, oldest %+v", len(got.Requests), got.Requests)
	}
	for _, bad := range []string{"0", "1001", "ten"} {
		if status := srv.Control(http.MethodGet, "/_wslocal/requests?limit="+bad, nil, &got); status != http.StatusBadRequest {
			t.Errorf("limit=%s = %d, want 400", bad, status)
		}
	}
}

func TestRequestLogIsARing(t *testing.T) {
	log := control.NewRequestLog(3)
	if got := log.Latest(10); len(got) != 0 {
		t.Fatalf("empty log = %+v", got)
	}
	for i := 1; i <= 5; i++ {
		log.Record(awsjson.Record{RequestID: fmt.Sprint(i), Latency: 1500 * time.Microsecond})
	}
	got := log.Latest(10)
	if len(got) != 3 || got[0].RequestID != "5" || got[1].RequestID != "4" || got[2].RequestID != "3" {
		t.Fatalf("after 5 records in a ring of 3: %+v, want 5, 4, 3", got)
	}
	if got[0].LatencyMs != 1.5 {
		t.Errorf("latencyMs = %v, want 1.5", got[0].LatencyMs)
	}
	if one := log.Latest(1); len(one) != 1 || one[0].RequestID != "5" {
		t.Errorf("Latest(1) = %+v", one)
	}
}

// TestRequestLogBoundsFields: whatever a Recorder passes, an entry keeps at
// most awsjson.MaxLoggedField bytes of each field.
func TestRequestLogBoundsFields(t *testing.T) {
	l := control.NewRequestLog(10)
	long := strings.Repeat("é", 40<<10)
	l.Record(awsjson.Record{Time: time.Unix(0, 0), RequestID: long, Operation: long, Account: long, Region: long, ErrorCode: long, Status: 400})
	e := l.Latest(1)[0]
	for name, v := range map[string]string{"requestId": e.RequestID, "operation": e.Operation, "account": e.Account,
		"region": e.Region, "errorCode": e.ErrorCode} {
		if len(v) > awsjson.MaxLoggedField+3 || !strings.HasSuffix(v, "...") || !utf8.ValidString(v) {
			t.Errorf("%s kept %d bytes (valid UTF-8: %v), want at most %d and marked cut", name, len(v), utf8.ValidString(v), awsjson.MaxLoggedField+3)
		}
	}
}
