// Package gosdk_test checks wslocal through the official aws-sdk-go-v2
// WorkSpaces client: what a Go program using the real SDK sees on the wire
// (states, fields, types, error codes and messages) is what AWS documents.
//
// Every test starts its own in-process wslocal with a manual clock
// (wslocaltest.Start), so nothing moves until the test calls srv.Advance.
package gosdk_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
	"github.com/aws/smithy-go"

	"github.com/wslocal/wslocal/store/postgres"
	wsl "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

// Facts every test relies on.
const (
	defaultAccount = "000000000000"
	defaultRegion  = "us-east-1"
	// ec2ImageID matches the model's ^ami\-([a-f0-9]{8}|[a-f0-9]{17})$.
	ec2ImageID = "ami-0123456789abcdef0"
	// osTag is wslocal's tag that picks the Windows version of an import.
	osTag = "wslocal:OperatingSystemName"

	office2016 = "Microsoft Office 2016"
	office2019 = "Microsoft Office 2019"
	vsPro      = "Microsoft Visual Studio Professional 2022"
	vsEnt      = "Microsoft Visual Studio Enterprise 2022"
)

// clockStart is where wslocaltest's manual clock starts.
var clockStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// importStep is the default duration of an import on the clock.
const importStep = time.Second

var (
	imageIDPattern = regexp.MustCompile(`^wsi-[0-9a-z]{9,63}$`)
	appIDPattern   = regexp.MustCompile(`^wsa-[0-9a-z]{8,63}$`)
)

// catalogue is the ten AWS-owned applications of the administration guide
// (docs/behaviour.md).
var catalogue = []string{
	"Microsoft Office LTSC Professional Plus 2021",
	"Microsoft Office LTSC Standard 2021",
	"Microsoft Visio LTSC Professional 2021",
	"Microsoft Visio LTSC Standard 2021",
	"Microsoft Project Professional 2021",
	"Microsoft Project Standard 2021",
	vsPro,
	vsEnt,
	office2016,
	office2019,
}

// storeKind picks the store every test's server runs on:
//
//	go test ./conformance/gosdk/ -args -gosdk.store=sqlite
//	go test ./conformance/gosdk/ -args -gosdk.store=postgres
var storeKind = flag.String("gosdk.store", "memory", "store of the servers under test: memory, sqlite (a fresh file per test) or postgres (a fresh schema per test, at $WSLOCAL_TEST_POSTGRES or the local server)")

// start runs a fresh wslocal for t with a manual clock.
func start(t *testing.T, opts ...wslocaltest.Option) *wslocaltest.Server {
	t.Helper()
	switch *storeKind {
	case "memory":
	case "sqlite":
		opts = append([]wslocaltest.Option{wslocaltest.WithStore("sqlite:" + filepath.Join(t.TempDir(), "state.db"))}, opts...)
	case "postgres":
		opts = append([]wslocaltest.Option{wslocaltest.WithStore(postgresSchema(t))}, opts...)
	default:
		t.Fatalf("-gosdk.store=%q: use memory, sqlite or postgres", *storeKind)
	}
	return wslocaltest.Start(t, opts...)
}

// postgresSchema is the URL of a fresh schema of the test database,
// dropped when t ends.
func postgresSchema(t *testing.T) string {
	u := os.Getenv("WSLOCAL_TEST_POSTGRES")
	if u == "" {
		u = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	t.Cleanup(func() {
		if err := postgres.DropSchema(context.Background(), u, schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return u + "&search_path=" + schema
}

// withMaxImages lowers the images quota so a test can reach it quickly.
// It is the only place these tests touch workspaces.Config.
func withMaxImages(n int) wslocaltest.Option {
	cfg := wsl.DefaultConfig()
	cfg.Quotas.Images = n
	return wslocaltest.WithConfig(cfg)
}

// newClient is the official client for cfg, with a single attempt per call
// so that a retried request cannot hide what the server answered (cfg's
// HTTP client buffers bodies: see wslocaltest.BufferBodies).
func newClient(cfg aws.Config) *workspaces.Client {
	return workspaces.NewFromConfig(cfg, func(o *workspaces.Options) { o.RetryMaxAttempts = 1 })
}

// client is the official client for the default account and region.
func client(srv *wslocaltest.Server) *workspaces.Client {
	return newClient(srv.AWSConfig())
}

// importOpts are the optional parts of an ImportWorkspaceImage call.
type importOpts struct {
	apps    []types.Application
	tags    []types.Tag
	process types.WorkspaceImageIngestionProcess
}

func importInput(name string, o importOpts) *workspaces.ImportWorkspaceImageInput {
	process := o.process
	if process == "" {
		process = types.WorkspaceImageIngestionProcessByolRegular
	}
	return &workspaces.ImportWorkspaceImageInput{
		Ec2ImageId:       aws.String(ec2ImageID),
		IngestionProcess: process,
		ImageName:        aws.String(name),
		ImageDescription: aws.String("Imported by the Go SDK conformance tests"),
		Applications:     o.apps,
		Tags:             o.tags,
	}
}

// importImage imports an image and returns its id; the call must succeed.
func importImage(t *testing.T, c *workspaces.Client, name string, o importOpts) string {
	t.Helper()
	out, err := c.ImportWorkspaceImage(context.Background(), importInput(name, o))
	if err != nil {
		t.Fatalf("ImportWorkspaceImage(%s): %v", name, err)
	}
	id := aws.ToString(out.ImageId)
	if !imageIDPattern.MatchString(id) {
		t.Fatalf("ImportWorkspaceImage(%s) ImageId = %q, want wsi- and 9..63 lowercase alphanumerics", name, id)
	}
	return id
}

// withOffice2019 imports with Microsoft_Office_2019.
var withOffice2019 = importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2019}}

// appIDs returns the catalogue's ids by application name.
func appIDs(t *testing.T, c *workspaces.Client) map[string]string {
	t.Helper()
	out, err := c.DescribeApplications(context.Background(), &workspaces.DescribeApplicationsInput{})
	if err != nil {
		t.Fatalf("DescribeApplications: %v", err)
	}
	ids := map[string]string{}
	for _, a := range out.Applications {
		ids[aws.ToString(a.Name)] = aws.ToString(a.ApplicationId)
	}
	for _, name := range catalogue {
		if ids[name] == "" {
			t.Fatalf("DescribeApplications does not list %q; got %v", name, ids)
		}
	}
	return ids
}

// describeImage returns the one image with id; it must exist.
func describeImage(t *testing.T, c *workspaces.Client, id string) types.WorkspaceImage {
	t.Helper()
	out, err := c.DescribeWorkspaceImages(context.Background(), &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeWorkspaceImages(%s): %v", id, err)
	}
	if len(out.Images) != 1 || aws.ToString(out.Images[0].ImageId) != id {
		t.Fatalf("DescribeWorkspaceImages(%s) = %d images %+v, want exactly that image", id, len(out.Images), out.Images)
	}
	return out.Images[0]
}

// imageAssociations returns the application associations of an image.
func imageAssociations(t *testing.T, c *workspaces.Client, id string) []types.ImageResourceAssociation {
	t.Helper()
	out, err := c.DescribeImageAssociations(context.Background(), &workspaces.DescribeImageAssociationsInput{
		ImageId:                 aws.String(id),
		AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication},
	})
	if err != nil {
		t.Fatalf("DescribeImageAssociations(%s): %v", id, err)
	}
	return out.Associations
}

// allImageIDs lists every image id the client sees, in one call.
func allImageIDs(t *testing.T, c *workspaces.Client) []string {
	t.Helper()
	out, err := c.DescribeWorkspaceImages(context.Background(), &workspaces.DescribeWorkspaceImagesInput{})
	if err != nil {
		t.Fatalf("DescribeWorkspaceImages: %v", err)
	}
	if out.NextToken != nil {
		t.Fatalf("DescribeWorkspaceImages: unexpected NextToken with fewer images than a page")
	}
	ids := make([]string, 0, len(out.Images))
	for _, img := range out.Images {
		ids = append(ids, aws.ToString(img.ImageId))
	}
	return ids
}

// tagsOf returns a resource's tags as a map.
func tagsOf(t *testing.T, c *workspaces.Client, id string) map[string]string {
	t.Helper()
	out, err := c.DescribeTags(context.Background(), &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeTags(%s): %v", id, err)
	}
	m := map[string]string{}
	for _, tag := range out.TagList {
		m[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return m
}

// apiError asserts err is a service error with the given code and returns it.
func apiError(t *testing.T, err error, code string) smithy.APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("call succeeded, want %s", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not a smithy.APIError, want %s", err, err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%q), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if ae.ErrorMessage() == "" {
		t.Errorf("%s has an empty message", code)
	}
	// A code the operation's model lists arrives as its typed error, a
	// client fault; one it does not list arrives as a GenericAPIError.
	if _, generic := ae.(*smithy.GenericAPIError); !generic && ae.ErrorFault() != smithy.FaultClient {
		t.Errorf("%s fault = %v, want client", code, ae.ErrorFault())
	}
	return ae
}

// asType asserts err unwraps to the typed error *E and returns it.
func asType[E error](t *testing.T, err error) E {
	t.Helper()
	var target E
	if !errors.As(err, &target) {
		t.Fatalf("error %v (%T) is not a %T", err, err, target)
	}
	return target
}

// notFound asserts err is ResourceNotFoundException naming id.
func notFound(t *testing.T, err error, id string) {
	t.Helper()
	apiError(t, err, "ResourceNotFoundException")
	e := asType[*types.ResourceNotFoundException](t, err)
	if got := aws.ToString(e.ResourceId); got != id {
		t.Errorf("ResourceNotFoundException.ResourceId = %q, want %q", got, id)
	}
}

// validation asserts err is ValidationException with exactly msg.
func validation(t *testing.T, err error, msg string) {
	t.Helper()
	// No operation tested here lists ValidationException in the model, so
	// the SDK hands it over as a smithy.GenericAPIError, code and message intact.
	ae := apiError(t, err, "ValidationException")
	if ae.ErrorMessage() != msg {
		t.Errorf("ValidationException message\n got: %s\nwant: %s", ae.ErrorMessage(), msg)
	}
}

// rawResponse is what the server answered to a raw request.
type rawResponse struct {
	Status int
	Header http.Header
	Body   map[string]any
}

// rawCall POSTs body as-is to the awsJson1.1 endpoint, SigV4-signed for the
// default account and region like a real client, for the cases the SDK
// would not send.
func rawCall(t *testing.T, srv *wslocaltest.Server, operation, body string) rawResponse {
	t.Helper()
	ctx := context.Background()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "WorkspacesService."+operation)
	cfg := srv.AWSConfig()
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "workspaces", cfg.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := cfg.HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", operation, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := rawResponse{Status: resp.StatusCode, Header: resp.Header}
	if err := json.Unmarshal(data, &out.Body); err != nil {
		t.Fatalf("POST %s: body %q is not a JSON object: %v", operation, data, err)
	}
	return out
}

// rawError asserts a raw response is an awsJson1.1 error with code and status.
func rawError(t *testing.T, r rawResponse, status int, code string) string {
	t.Helper()
	if r.Status != status {
		t.Errorf("status = %d, want %d (body %v)", r.Status, status, r.Body)
	}
	if got := r.Body["__type"]; got != code {
		t.Errorf("__type = %v, want %s (body %v)", got, code, r.Body)
	}
	if got := r.Header.Get("x-amzn-ErrorType"); got != code {
		t.Errorf("x-amzn-ErrorType = %q, want %s", got, code)
	}
	msg, _ := r.Body["message"].(string)
	if msg == "" {
		t.Errorf("%s without a message: %v", code, r.Body)
	}
	return msg
}

func sameTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil {
		t.Errorf("%s is missing, want %s", what, want)
		return
	}
	if !got.Equal(want) {
		t.Errorf("%s = %s, want %s", what, got.UTC(), want)
	}
}

// walkPages follows a paged list to its end. page gets the token of the
// page before (nil for the first) and returns that page's items and its
// NextToken. An error, or more than 100 pages, fails the test. It returns
// every item in order and the size of each page.
func walkPages(t *testing.T, page func(token *string) ([]string, *string, error)) (items []string, sizes []int) {
	t.Helper()
	var token *string
	for n := 0; ; n++ {
		got, next, err := page(token)
		if err != nil || n >= 100 {
			t.Fatalf("page %d: %v, next %v, %v", n, got, aws.ToString(next), err)
		}
		items = append(items, got...)
		sizes = append(sizes, len(got))
		if next == nil {
			return items, sizes
		}
		token = next
	}
}

// exportState GETs the server's state snapshot; anything but 200 fails
// the test.
func exportState(t *testing.T, srv *wslocaltest.Server) json.RawMessage {
	t.Helper()
	var state json.RawMessage
	if status := srv.Control(http.MethodGet, "/_wslocal/state", nil, &state); status != http.StatusOK {
		t.Fatalf("GET state = %d", status)
	}
	return state
}

// importState PUTs a state snapshot; anything but 200 fails the test.
func importState(t *testing.T, srv *wslocaltest.Server, state json.RawMessage) {
	t.Helper()
	var answer map[string]any
	if status := srv.Control(http.MethodPut, "/_wslocal/state", state, &answer); status != http.StatusOK {
		t.Fatalf("PUT state = %d %v", status, answer)
	}
}
