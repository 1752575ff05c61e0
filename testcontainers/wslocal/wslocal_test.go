package wslocal_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/testcontainers/testcontainers-go"

	"github.com/wslocal/wslocal/testcontainers/wslocal"
)

// image is the wslocal image to test: one built by scripts/docker-build.sh
// (.ci/run builds wslocal:ci and sets WSLOCAL_TEST_IMAGE).
func image(t *testing.T) string {
	img := os.Getenv("WSLOCAL_TEST_IMAGE")
	if img == "" {
		t.Skip("WSLOCAL_TEST_IMAGE unset: build the image with scripts/docker-build.sh and name it here")
	}
	// Testcontainers, running inside a container (/.dockerenv) with a
	// daemon on a local socket, would reach published ports through the
	// bridge's gateway address; the daemon publishes them on this host.
	if _, err := os.Stat("/.dockerenv"); err == nil && os.Getenv("TESTCONTAINERS_HOST_OVERRIDE") == "" &&
		(os.Getenv("DOCKER_HOST") == "" || strings.HasPrefix(os.Getenv("DOCKER_HOST"), "unix://")) {
		t.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "localhost")
	}
	testcontainers.SkipIfProviderIsNotHealthy(t)
	return img
}

func client(endpoint string) *workspaces.Client {
	return workspaces.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("000000000000", "wslocal-secret", ""),
		BaseEndpoint: aws.String(endpoint),
	})
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	ctr, err := wslocal.Run(ctx, image(t), wslocal.WithManualClock())
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := ctr.BaseEndpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(endpoint, "http://") {
		t.Fatalf("BaseEndpoint = %q", endpoint)
	}
	if len(ctr.ControlToken()) != 32 {
		t.Fatalf("ControlToken = %q, want 32 hex digits", ctr.ControlToken())
	}

	c := client(endpoint)
	out, err := c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("office")})
	if err != nil {
		t.Fatalf("CreateIpGroup: %v", err)
	}
	groups, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{})
	if err != nil || len(groups.Result) != 1 || aws.ToString(groups.Result[0].GroupId) != aws.ToString(out.GroupId) {
		t.Fatalf("DescribeIpGroups = %+v, %v; want the one group", groups, err)
	}

	// Without the token the control API refuses; Control sends it.
	resp, err := http.Get(endpoint + "/_wslocal/state")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /_wslocal/state without the token: %d, want 401", resp.StatusCode)
	}

	var before, after struct {
		Mode string
		Now  time.Time
	}
	if err := ctr.Control(ctx, http.MethodGet, "clock", nil, &before); err != nil {
		t.Fatal(err)
	}
	if before.Mode != "manual" {
		t.Errorf("clock mode = %q, want manual", before.Mode)
	}
	if err := ctr.Advance(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := ctr.Control(ctx, http.MethodGet, "clock", nil, &after); err != nil {
		t.Fatal(err)
	}
	if d := after.Now.Sub(before.Now); d != time.Hour {
		t.Errorf("Advance(1h) moved the clock by %v", d)
	}

	if err := ctr.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	groups, err = c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{})
	if err != nil || len(groups.Result) != 0 {
		t.Fatalf("DescribeIpGroups after Reset = %+v, %v; want none", groups, err)
	}
}

func TestRunWithSeedAndToken(t *testing.T) {
	ctx := context.Background()
	seed, err := filepath.Abs("../../docs/seed.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctr, err := wslocal.Run(ctx, image(t), wslocal.WithSeed(seed), wslocal.WithControlToken("s3cret"))
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	if ctr.ControlToken() != "s3cret" {
		t.Errorf("ControlToken = %q, want the one given", ctr.ControlToken())
	}
	var state struct {
		Resources []struct{ ID string } `json:"resources"`
	}
	if err := ctr.Control(ctx, http.MethodGet, "state", nil, &state); err != nil {
		t.Fatal(err)
	}
	// The example seed's resources, one of each kind it declares (the
	// file grows with wslocal; these are its fixed ids).
	have := map[string]bool{}
	for _, r := range state.Resources {
		have[r.ID] = true
	}
	for _, id := range []string{"d-1234567890", "wsi-golden001", "wsb-office001", "ws-alice0001", "d-abcdef0123",
		"link-byol00001", "wspool-desk00001"} {
		if !have[id] {
			t.Errorf("the seeded state lacks %s: %+v", id, state.Resources)
		}
	}
}
