package wslocaltest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/workspaces"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/wslocaltest"
)

func TestInjectFaultAnswersAnAPIError(t *testing.T) {
	srv := wslocaltest.Start(t)
	rule := srv.InjectFault(sim.FaultRule{Operation: "DescribeWorkspaces", Count: 1,
		APIError: &sim.APIErrorEffect{Code: "ThrottlingException", Message: "slow down"}})
	if rule.ID == "" || rule.Count != 1 {
		t.Fatalf("InjectFault returned %+v, want it with an id", rule)
	}
	// No retries: the client sees the injected error itself.
	c := workspaces.NewFromConfig(srv.AWSConfig(), func(o *workspaces.Options) { o.RetryMaxAttempts = 1 })
	_, err := c.DescribeWorkspaces(context.Background(), &workspaces.DescribeWorkspacesInput{})
	var apiErr interface { // smithy.APIError
		ErrorCode() string
		ErrorMessage() string
	}
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ThrottlingException" || apiErr.ErrorMessage() != "slow down" {
		t.Fatalf("first call = %v, want the injected ThrottlingException", err)
	}
	if _, err := c.DescribeWorkspaces(context.Background(), &workspaces.DescribeWorkspacesInput{}); err != nil {
		t.Fatalf("second call = %v: a rule with count 1 fires once", err)
	}
	if left := srv.Faults.List(); len(left) != 0 {
		t.Fatalf("rules left after firing: %+v", left)
	}
}

func TestHelpersOfNewPanicInsteadOfFailing(t *testing.T) {
	srv, err := wslocaltest.New()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), "a fault rule needs exactly one effect") {
			t.Fatalf("recovered %v, want the fault rule's error", p)
		}
	}()
	srv.InjectFault(sim.FaultRule{Operation: "DescribeWorkspaces"})
}
