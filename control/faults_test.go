package control_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

// A fault rule is checked when it is added: what it would later do wrong
// (answer a 1xx, 2xx or non-HTTP status, or give an association a reason
// code the model and the snapshot import do not have) is a 400 at once.
func TestFaultRulesAreCheckedAtTheDoor(t *testing.T) {
	srv := wslocaltest.Start(t)
	for _, c := range []struct {
		name, body, want string
	}{
		{"status 42", `{"apiError": {"code": "ThrottlingException", "status": 42}}`, "apiError.status 42 must be an HTTP error status, 400 to 599"},
		{"status 103", `{"apiError": {"code": "ThrottlingException", "status": 103}}`, "apiError.status 103 must be an HTTP error status"},
		{"status 204", `{"apiError": {"code": "ThrottlingException", "status": 204}}`, "apiError.status 204 must be an HTTP error status"},
		{"status 1000", `{"apiError": {"code": "ThrottlingException", "status": 1000}}`, "apiError.status 1000 must be an HTTP error status"},
		{"code with a newline", `{"apiError": {"code": "Throttling\nX-Evil: 1"}}`, `apiError.code "Throttling\nX-Evil: 1" must be an error name`},
		{"made-up association code", `{"operation": "DeployWorkspaceApplications", "associationError": {"code": "Installer.Exploded"}}`,
			`associationError.code "Installer.Exploded" is not an AssociationErrorCode: one of ValidationError.InsufficientDiskSpace`},
		{"unknown operation", `{"operation": "DescribeWorkspace", "apiError": {"code": "ThrottlingException"}}`,
			`operation "DescribeWorkspace" is not an operation of the WorkSpaces API`},
		{"junk after the JSON", `{"apiError": {"code": "ThrottlingException"}} {"apiError": {"code": "InternalFailure"}}`, "data after the JSON object"},
		{"garbage after the JSON", `{"apiError": {"code": "ThrottlingException"}}]`, "the body must be a fault rule: invalid character ']'"},
	} {
		status, b := raw(t, srv, http.MethodPost, "/_wslocal/faults", []byte(c.body))
		var e struct{ Error string }
		_ = json.Unmarshal(b, &e)
		if status != http.StatusBadRequest || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s: POST faults = %d %s, want 400 saying %q", c.name, status, b, c.want)
		}
	}
	var list struct{ Faults []any }
	if srv.Control(http.MethodGet, "/_wslocal/faults", nil, &list); len(list.Faults) != 0 {
		t.Fatalf("refused rules were added: %+v", list.Faults)
	}
	// The edges are allowed.
	for _, status := range []int{400, 599} {
		body := fmt.Sprintf(`{"operation": "DescribeTags", "apiError": {"code": "SlowDown", "status": %d}}`, status)
		if got, b := raw(t, srv, http.MethodPost, "/_wslocal/faults", []byte(body)); got != http.StatusCreated {
			t.Errorf("status %d: POST faults = %d %s, want 201", status, got, b)
		}
	}
}

// Every control API body is one JSON value: data after it is refused.
func TestControlBodiesWithJunkAfterTheJSONAreRefused(t *testing.T) {
	srv := wslocaltest.Start(t)
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/_wslocal/clock", `{"advance": "1s"}{"advance": "100h"}`},
		{http.MethodPost, "/_wslocal/clock", `{"advance": "1s"} x`},
		{http.MethodPut, "/_wslocal/durations", `{"deploy": "2s"} {"deploy": "1h"}`},
		{http.MethodPost, "/_wslocal/faults", `{"apiError": {"code": "ThrottlingException"}} 1`},
	} {
		if status, b := raw(t, srv, c.method, c.path, []byte(c.body)); status != http.StatusBadRequest {
			t.Errorf("%s %s %s = %d %s, want 400", c.method, c.path, c.body, status, b)
		}
	}
	var clock struct{ Now time.Time }
	if srv.Control(http.MethodGet, "/_wslocal/clock", nil, &clock); !clock.Now.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("a refused body moved the clock to %v", clock.Now)
	}
	// White space after the JSON is fine.
	if status, b := raw(t, srv, http.MethodPost, "/_wslocal/clock", []byte("{\"advance\": \"1s\"}\n\t ")); status != http.StatusOK {
		t.Fatalf("POST clock with a trailing newline = %d %s", status, b)
	}
}

// Whatever association error code POST /_wslocal/faults accepts ends in a
// snapshot that imports: export and import agree on the codes.
func TestEveryAcceptedFaultCodeSurvivesExportAndImport(t *testing.T) {
	srv := wslocaltest.Start(t)
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfig())
	codes := types.AssociationErrorCode("").Values()
	for i, code := range codes {
		rule := fmt.Sprintf(`{"operation": "ImportWorkspaceImage", "associationError": {"code": %q, "message": "m"}, "count": 1}`, code)
		if status, b := raw(t, srv, http.MethodPost, "/_wslocal/faults", []byte(rule)); status != http.StatusCreated {
			t.Fatalf("%s: POST faults = %d %s", code, status, b)
		}
		if _, err := c.ImportWorkspaceImage(ctx, &workspaces.ImportWorkspaceImageInput{
			Ec2ImageId: aws.String(fmt.Sprintf("ami-0123456789abcde%02d", i)), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
			ImageName: aws.String(fmt.Sprintf("img-%d", i)), ImageDescription: aws.String("x"),
			Applications: []types.Application{types.ApplicationMicrosoftOffice2019}}); err != nil {
			t.Fatal(err)
		}
		srv.Advance(time.Minute)
	}
	snap := exportState(t, srv)
	for _, code := range codes {
		if !strings.Contains(string(snap), `"reasonCode":"`+string(code)+`"`) {
			t.Fatalf("no association failed with %s:\n%s", code, snap)
		}
	}
	if status, b := raw(t, srv, http.MethodPut, "/_wslocal/state", snap); status != http.StatusOK {
		t.Fatalf("PUT the exported state = %d %s", status, b)
	}
}
