package gosdk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

// byol returns DescribeAccount's support and range as "ENABLED 10.2.0.0/16".
func byol(t *testing.T, c *workspaces.Client) string {
	t.Helper()
	out, err := c.DescribeAccount(context.Background(), &workspaces.DescribeAccountInput{})
	if err != nil {
		t.Fatalf("DescribeAccount: %v", err)
	}
	s := string(out.DedicatedTenancySupport)
	if out.DedicatedTenancyManagementCidrRange != nil {
		s += " " + *out.DedicatedTenancyManagementCidrRange
	}
	return s
}

// modifications renders DescribeAccountModifications as "STATE SUPPORT RANGE".
func modifications(t *testing.T, c *workspaces.Client) []types.AccountModification {
	t.Helper()
	out, err := c.DescribeAccountModifications(context.Background(), &workspaces.DescribeAccountModificationsInput{})
	if err != nil {
		t.Fatalf("DescribeAccountModifications: %v", err)
	}
	return out.AccountModifications
}

func enableBYOL(c *workspaces.Client, cidr string) error {
	_, err := c.ModifyAccount(context.Background(), &workspaces.ModifyAccountInput{
		DedicatedTenancySupport: types.DedicatedTenancySupportEnumEnabled, DedicatedTenancyManagementCidrRange: aws.String(cidr)})
	return err
}

// TestAccountBYOL: a new account is DISABLED; ModifyAccount enables BYOL
// through a PENDING modification that completes a step later, and refuses
// a second change, pending or done.
func TestAccountBYOL(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	srv := start(t, wslocaltest.WithClockStart(t0))
	c := client(srv)
	ctx := context.Background()

	if got := byol(t, c); got != "DISABLED" {
		t.Fatalf("new account: DescribeAccount = %q, want DISABLED without a range", got)
	}
	if ms := modifications(t, c); len(ms) != 0 {
		t.Fatalf("new account: modifications = %+v, want none", ms)
	}

	_, err := c.ModifyAccount(ctx, &workspaces.ModifyAccountInput{DedicatedTenancySupport: types.DedicatedTenancySupportEnumEnabled})
	apiError(t, err, "InvalidParameterValuesException")
	_, err = c.ModifyAccount(ctx, &workspaces.ModifyAccountInput{})
	apiError(t, err, "InvalidParameterValuesException")
	apiError(t, enableBYOL(c, "8.8.0.0/16"), "InvalidParameterValuesException")    // not a private range
	apiError(t, enableBYOL(c, "172.32.0.0/16"), "InvalidParameterValuesException") // just past 172.16.0.0/12
	if ms := modifications(t, c); len(ms) != 0 {
		t.Fatalf("refused changes left modifications %+v", ms)
	}

	if err := enableBYOL(c, "10.2.0.0/16"); err != nil {
		t.Fatalf("ModifyAccount: %v", err)
	}
	if got := byol(t, c); got != "DISABLED" {
		t.Errorf("while pending: DescribeAccount = %q, want DISABLED", got)
	}
	ms := modifications(t, c)
	if len(ms) != 1 || ms[0].ModificationState != types.DedicatedTenancyModificationStateEnumPending ||
		ms[0].DedicatedTenancySupport != types.DedicatedTenancySupportResultEnumEnabled ||
		aws.ToString(ms[0].DedicatedTenancyManagementCidrRange) != "10.2.0.0/16" {
		t.Fatalf("modifications = %+v, want one PENDING ENABLED 10.2.0.0/16", ms)
	}
	sameTime(t, "StartTime", ms[0].StartTime, t0)
	apiError(t, enableBYOL(c, "10.3.0.0/16"), "InvalidResourceStateException")

	srv.Advance(time.Minute)
	if got := byol(t, c); got != "ENABLED 10.2.0.0/16" {
		t.Errorf("after the step: DescribeAccount = %q, want ENABLED 10.2.0.0/16", got)
	}
	ms = modifications(t, c)
	if len(ms) != 1 || ms[0].ModificationState != types.DedicatedTenancyModificationStateEnumCompleted {
		t.Fatalf("modifications = %+v, want one COMPLETED", ms)
	}
	sameTime(t, "StartTime", ms[0].StartTime, t0)
	apiError(t, enableBYOL(c, "10.3.0.0/16"), "InvalidResourceStateException")
	if got := byol(t, c); got != "ENABLED 10.2.0.0/16" {
		t.Errorf("a refused change moved the range: %q", got)
	}

	// Per account and region.
	for _, other := range []*workspaces.Client{
		newClient(srv.AWSConfigFor("222222222222", "us-east-1")),
		newClient(srv.AWSConfigFor("000000000000", "eu-west-1")),
	} {
		if got := byol(t, other); got != "DISABLED" {
			t.Errorf("another partition: DescribeAccount = %q, want DISABLED", got)
		}
		if ms := modifications(t, other); len(ms) != 0 {
			t.Errorf("another partition sees modifications %+v", ms)
		}
	}

	_, err = c.DescribeAccountModifications(ctx, &workspaces.DescribeAccountModificationsInput{NextToken: aws.String("bogus")})
	apiError(t, err, "InvalidParameterValuesException")
}

// TestListAvailableManagementCidrRanges: the /16s of the private ranges
// within the constraint, in address order, paged by MaxResults.
func TestListAvailableManagementCidrRanges(t *testing.T) {
	t.Parallel()
	c := client(start(t))
	ctx := context.Background()
	list := func(constraint string, max int32) []string {
		t.Helper()
		var all []string
		in := &workspaces.ListAvailableManagementCidrRangesInput{ManagementCidrRangeConstraint: aws.String(constraint), MaxResults: aws.Int32(max)}
		for page := 0; ; page++ {
			out, err := c.ListAvailableManagementCidrRanges(ctx, in)
			if err != nil {
				t.Fatalf("ListAvailableManagementCidrRanges(%s): %v", constraint, err)
			}
			if len(out.ManagementCidrRanges) > int(max) {
				t.Fatalf("page of %d ranges, MaxResults %d", len(out.ManagementCidrRanges), max)
			}
			all = append(all, out.ManagementCidrRanges...)
			if out.NextToken == nil {
				return all
			}
			in.NextToken = out.NextToken
		}
	}
	if got, want := list("10.0.0.0/14", 5), []string{"10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"}; !slices.Equal(got, want) {
		t.Errorf("10.0.0.0/14 = %v, want %v", got, want)
	}
	got := list("172.16.0.0/12", 5)
	if len(got) != 16 || got[0] != "172.16.0.0/16" || got[15] != "172.31.0.0/16" {
		t.Errorf("172.16.0.0/12 = %v, want 172.16.0.0/16 .. 172.31.0.0/16", got)
	}
	if got := list("0.0.0.0/0", 5); len(got) != 256+16+1 || got[256] != "172.16.0.0/16" || got[272] != "192.168.0.0/16" {
		t.Errorf("0.0.0.0/0: %d ranges, want 273 in address order", len(got))
	}
	if got := list("192.168.1.0/24", 5); len(got) != 0 {
		t.Errorf("a constraint narrower than /16 = %v, want none", got)
	}
	if got := list("8.0.0.0/8", 5); len(got) != 0 {
		t.Errorf("a public constraint = %v, want none", got)
	}
	// Every listed range is accepted by ModifyAccount.
	if err := enableBYOL(c, list("192.168.0.0/16", 1)[0]); err != nil {
		t.Errorf("ModifyAccount with a listed range: %v", err)
	}
	_, err := c.ListAvailableManagementCidrRanges(ctx, &workspaces.ListAvailableManagementCidrRangesInput{
		ManagementCidrRangeConstraint: aws.String("10.0.0.0/8"), NextToken: aws.String("bogus")})
	apiError(t, err, "InvalidParameterValuesException")
}

// TestAccountStateRoundTrip: the BYOL settings and their history survive
// an exported and imported state.
func TestAccountStateRoundTrip(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	if err := enableBYOL(c, "10.7.0.0/16"); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Minute)
	state := exportState(t, srv)
	srv.Reset()
	if got := byol(t, c); got != "DISABLED" {
		t.Fatalf("after reset: %q", got)
	}
	importState(t, srv, state)
	if got := byol(t, c); got != "ENABLED 10.7.0.0/16" {
		t.Errorf("imported: DescribeAccount = %q", got)
	}
	if ms := modifications(t, c); len(ms) != 1 || ms[0].ModificationState != types.DedicatedTenancyModificationStateEnumCompleted {
		t.Errorf("imported modifications = %+v", ms)
	}
}
