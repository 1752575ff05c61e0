package server_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/wslocal/wslocal/internal/tcpproxy"
	"github.com/wslocal/wslocal/server"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/wslocaltest"
)

// postgresURL is the database of the tests: WSLOCAL_TEST_POSTGRES, or the
// local server with trust auth and database test.
func postgresURL() string {
	if u := os.Getenv("WSLOCAL_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// schemaURL is the URL of a new schema of u, dropped when the test ends.
func schemaURL(t *testing.T, u string) string {
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	t.Cleanup(func() {
		if err := postgres.DropSchema(context.Background(), postgresURL(), schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return u + "&search_path=" + schema
}

type health struct {
	Status           string            `json:"status"`
	Store            string            `json:"store"`
	Reason           string            `json:"reason"`
	Quarantined      []json.RawMessage `json:"quarantined"`
	QuarantinedCount *int              `json:"quarantinedCount"`
}

// GET /_wslocal/health answers 503 with the reason while PostgreSQL cannot
// be reached, and 200 again once it is back; either way it lists the
// quarantined rows (none here).
func TestHealthFollowsPostgres(t *testing.T) {
	u, err := url.Parse(postgresURL())
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := tcpproxy.Start(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	u.Host = proxy.Addr
	srv := wslocaltest.Start(t, wslocaltest.WithStore(schemaURL(t, u.String())))

	check := func(when string, status int, want health, reason string) {
		t.Helper()
		var got health
		if code := srv.Control("GET", "/_wslocal/health", nil, &got); code != status {
			t.Errorf("%s: health answered %d %+v; want %d", when, code, got, status)
		}
		if got.Status != want.Status || got.Store != "postgres" || !strings.Contains(got.Reason, reason) || (reason == "") != (got.Reason == "") {
			t.Errorf("%s: health %+v; want status %q, store postgres, a reason with %q", when, got, want.Status, reason)
		}
		if got.Quarantined == nil || len(got.Quarantined) != 0 || got.QuarantinedCount == nil || *got.QuarantinedCount != 0 {
			t.Errorf("%s: health %+v; want quarantined [] and quarantinedCount 0", when, got)
		}
	}
	check("PostgreSQL up", 200, health{Status: "ok"}, "")
	proxy.Down()
	check("PostgreSQL down", 503, health{Status: "unavailable"}, "PostgreSQL cannot be reached: connection refused")
	if err := proxy.Up(); err != nil {
		t.Fatal(err)
	}
	check("PostgreSQL back", 200, health{Status: "ok"}, "")
	proxy.Blackhole()
	check("PostgreSQL silent", 503, health{Status: "unavailable"}, "PostgreSQL did not answer in time")
	proxy.Restore()
	check("PostgreSQL answering again", 200, health{Status: "ok"}, "")
}

// A write that cannot take the schema's write lock within --pg-lock-timeout
// answers ServiceUnavailable (HTTP 503), which the SDK would retry, and the
// control API 503; once the lock is free the same call succeeds.
func TestBlockedWriteIsServiceUnavailable(t *testing.T) {
	opts := postgres.Options{LockTimeout: 300 * time.Millisecond, StatementTimeout: 5 * time.Second, IdleInTransactionTimeout: 10 * time.Second}
	dbURL := schemaURL(t, postgresURL())
	srv := wslocaltest.Start(t, wslocaltest.WithStore(dbURL), wslocaltest.WithServerConfig(func(c *server.Config) { c.Postgres = &opts }))
	holder, err := postgres.OpenWith(context.Background(), dbURL, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	client := workspaces.NewFromConfig(srv.AWSConfig(), func(o *workspaces.Options) { o.RetryMaxAttempts = 1 })
	ctx := context.Background()

	holding, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		held <- holder.Write(ctx, func(tx store.Tx) error {
			if _, err := tx.CountResources(ctx, store.Partition{}, "image"); err != nil { // after the lock
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	_, err = client.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("blocked")})
	var apiErr smithy.APIError
	var respErr *smithyhttp.ResponseError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServiceUnavailable" || !errors.As(err, &respErr) || respErr.HTTPStatusCode() != 503 {
		t.Errorf("CreateIpGroup while another replica holds the write lock: %v; want ServiceUnavailable (503)", err)
	}
	var reset struct{ Error string }
	if code := srv.Control("POST", "/_wslocal/reset", nil, &reset); code != 503 || !strings.Contains(reset.Error, "lock timeout") {
		t.Errorf("POST /_wslocal/reset while another replica holds the write lock: %d %+v; want 503 saying lock timeout", code, reset)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("free")}); err != nil {
		t.Errorf("CreateIpGroup once the lock is free: %v", err)
	}
}

// Another replica's write of one account and region holds up only the
// writes of that partition: another account's, and another region's of the
// same account, go through; the partition's own answers ServiceUnavailable
// once --pg-lock-timeout passes, and succeeds once the lock is free.
func TestWriteWaitsOnlyForItsPartition(t *testing.T) {
	opts := postgres.Options{LockTimeout: 300 * time.Millisecond, StatementTimeout: 5 * time.Second, IdleInTransactionTimeout: 10 * time.Second}
	dbURL := schemaURL(t, postgresURL())
	srv := wslocaltest.Start(t, wslocaltest.WithStore(dbURL), wslocaltest.WithServerConfig(func(c *server.Config) { c.Postgres = &opts }))
	holder, err := postgres.OpenWith(context.Background(), dbURL, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	ctx := context.Background()
	client := func(account, region string) *workspaces.Client {
		return workspaces.NewFromConfig(srv.AWSConfigFor(account, region), func(o *workspaces.Options) { o.RetryMaxAttempts = 1 })
	}
	busy := store.Partition{Account: "111111111111", Region: "us-east-1"}

	holding, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		held <- holder.WriteIn(ctx, []store.Partition{busy}, func(tx store.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	for _, c := range []struct{ account, region string }{{"222222222222", "us-east-1"}, {"111111111111", "eu-west-1"}} {
		if _, err := client(c.account, c.region).CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("free")}); err != nil {
			t.Errorf("CreateIpGroup of %s in %s while another replica writes %v: %v", c.account, c.region, busy, err)
		}
	}
	_, err = client(busy.Account, busy.Region).CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("blocked")})
	var apiErr smithy.APIError
	var respErr *smithyhttp.ResponseError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServiceUnavailable" || !errors.As(err, &respErr) || respErr.HTTPStatusCode() != 503 {
		t.Errorf("CreateIpGroup of %v while another replica writes it: %v; want ServiceUnavailable (503)", busy, err)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if _, err := client(busy.Account, busy.Region).CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("free")}); err != nil {
		t.Errorf("CreateIpGroup of %v once the lock is free: %v", busy, err)
	}
}
