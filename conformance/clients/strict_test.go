package clients_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
	"github.com/aws/smithy-go"

	"github.com/wslocal/wslocal/internal/proctest"
	"github.com/wslocal/wslocal/wslocaltest"
)

// strictCredentials is the --credentials file of the strict-mode tests
// (python/strict.py knows the same keys).
const strictCredentials = `# strict_test.go
- accessKey: AKIAWSLOCALADMIN
  secretKey: admin-secret
  account: "111122223333"
- accessKey: AKIAWSLOCALREADER
  secretKey: reader-secret
  account: "111122223333"
  allow: [workspaces:Describe*]
  deny: [workspaces:DescribeImageAssociations]
`

const (
	strictAccount   = "111122223333"
	adminKey        = "AKIAWSLOCALADMIN"
	adminSecret     = "admin-secret"
	readerKey       = "AKIAWSLOCALREADER"
	readerSecret    = "reader-secret"
	mismatchMessage = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

var expiredMessage = regexp.MustCompile(`^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$`)

// startStrict runs the binary with --auth strict and strictCredentials.
func startStrict(t *testing.T) *proctest.Proc {
	t.Helper()
	path := filepath.Join(t.TempDir(), "credentials.yaml")
	if err := os.WriteFile(path, []byte(strictCredentials), 0o600); err != nil {
		t.Fatal(err)
	}
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual", "--auth", "strict", "--credentials", path)
	// The banner reaches p.Stderr through a pipe: give it a moment.
	for deadline := time.Now().Add(2 * time.Second); !strings.Contains(p.Stderr(), "auth strict: signatures verified against the 2 keys of"); {
		if time.Now().After(deadline) {
			t.Errorf("the banner does not say auth strict:\n%s", p.Stderr())
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return p
}

// skewedSigner signs as the SDK does, with a clock `by` behind.
type skewedSigner struct{ by time.Duration }

func (s skewedSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	at time.Time, opts ...func(*v4.SignerOptions)) error {
	return v4.NewSigner().SignHTTP(ctx, creds, r, payloadHash, service, region, at.Add(-s.by), opts...)
}

// strictClient is an aws-sdk-go-v2 client of p signing with creds.
func strictClient(p *proctest.Proc, creds aws.CredentialsProvider, opts ...func(*workspaces.Options)) *workspaces.Client {
	return workspaces.New(workspaces.Options{
		Region:           "eu-west-1",
		Credentials:      creds,
		BaseEndpoint:     aws.String(p.URL),
		RetryMaxAttempts: 1,
		HTTPClient: &http.Client{Timeout: 10 * time.Second,
			Transport: wslocaltest.BufferBodies(&http.Transport{})},
	}, opts...)
}

func static(key, secret string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(key, secret, "")
}

// refused checks an SDK error's HTTP status, code and message.
func refused(t *testing.T, what string, err error, status int, code string, message any) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: %v, want %s", what, err, code)
		return
	}
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Errorf("%s: %v, want HTTP %d", what, err, status)
	}
	if ae.ErrorCode() != code {
		t.Errorf("%s: code %s (%q), want %s", what, ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	switch m := message.(type) {
	case string:
		if ae.ErrorMessage() != m {
			t.Errorf("%s: message %q, want %q", what, ae.ErrorMessage(), m)
		}
	case *regexp.Regexp:
		if !m.MatchString(ae.ErrorMessage()) {
			t.Errorf("%s: message %q does not match %s", what, ae.ErrorMessage(), m)
		}
	}
}

func TestStrictGoSDK(t *testing.T) {
	t.Parallel()
	p := startStrict(t)
	ctx := context.Background()

	admin := strictClient(p, static(adminKey, adminSecret))
	if out, err := admin.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{}); err != nil || len(out.Applications) != 10 {
		t.Fatalf("good signature: %v", err)
	}
	img, err := importImage(ctx, admin, "strict-go")
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := admin.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{img}})
	if err != nil || len(imgs.Images) != 1 || aws.ToString(imgs.Images[0].OwnerAccountId) != strictAccount {
		t.Fatalf("the image of the admin key: %+v, %v; want owner %s (the file's account)", imgs, err, strictAccount)
	}

	_, err = strictClient(p, static(adminKey, "not-the-secret")).DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	refused(t, "wrong secret", err, 403, "InvalidSignatureException", mismatchMessage)

	_, err = strictClient(p, static("AKIANOBODYKNOWS", "x")).DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	refused(t, "unknown key", err, 403, "UnrecognizedClientException", "The security token included in the request is invalid.")

	expired := strictClient(p, static(adminKey, adminSecret), func(o *workspaces.Options) { o.HTTPSignerV4 = skewedSigner{20 * time.Minute} })
	_, err = expired.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	refused(t, "signed 20 minutes ago", err, 403, "InvalidSignatureException", expiredMessage)

	fine := strictClient(p, static(adminKey, adminSecret), func(o *workspaces.Options) { o.HTTPSignerV4 = skewedSigner{10 * time.Minute} })
	if _, err := fine.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{}); err != nil {
		t.Errorf("signed 10 minutes ago (within 15): %v", err)
	}

	_, err = strictClient(p, aws.AnonymousCredentials{}).DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	refused(t, "unsigned", err, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")

	reader := strictClient(p, static(readerKey, readerSecret))
	if _, err := reader.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{img}}); err != nil {
		t.Errorf("reader DescribeWorkspaceImages (allowed): %v", err)
	}
	_, err = importImage(ctx, reader, "denied")
	refused(t, "reader ImportWorkspaceImage", err, 400, "AccessDeniedException",
		"User: arn:aws:iam::111122223333:user/AKIAWSLOCALREADER is not authorized to perform: workspaces:ImportWorkspaceImage")
	_, err = reader.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String(img),
		AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	refused(t, "reader DescribeImageAssociations", err, 400, "AccessDeniedException",
		"User: arn:aws:iam::111122223333:user/AKIAWSLOCALREADER is not authorized to perform: workspaces:DescribeImageAssociations")
	// The model lists AccessDeniedException for this operation: the SDK's typed error.
	var typed *types.AccessDeniedException
	if !errors.As(err, &typed) {
		t.Errorf("DescribeImageAssociations refusal is %T, want *types.AccessDeniedException", err)
	}
}

func TestStrictBoto3(t *testing.T) {
	proctest.RequireTool(t, "python3 with boto3", "python3", "-c", "import boto3")
	t.Parallel()
	p := startStrict(t)
	stdout, stderr, code := run(t, 60*time.Second, proctest.ClientEnv(t), "python3", "python/strict.py", p.URL)
	if code != 0 || proctest.LastLine(stdout) != "OK" {
		t.Fatalf("python3 python/strict.py: exit code %d, want 0 and a last line OK\n--- stdout ---\n%s--- stderr ---\n%s", code, stdout, stderr)
	}
	t.Logf("boto3 strict:\n%s", stdout)
}

// cliWithSkew runs the AWS CLI's own entry point with botocore's signing
// clock set back: the CLI has no option to sign at another time.
const cliWithSkew = `import datetime, sys
import botocore.auth
real = botocore.auth.get_current_datetime
botocore.auth.get_current_datetime = lambda: real() - datetime.timedelta(minutes=20)
from awscli.clidriver import main
sys.exit(main())
`

func TestStrictCLI(t *testing.T) {
	proctest.RequireTool(t, "the AWS CLI", "aws", "--version")
	t.Parallel()
	p := startStrict(t)
	as := func(key, secret string) *awsCLI {
		return &awsCLI{t: t, url: p.URL, env: proctest.ClientEnv(t, "AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY="+secret)}
	}
	admin := as(adminKey, adminSecret)
	var apps struct {
		Applications []struct{ ApplicationId string }
	}
	admin.ok(&apps, "describe-applications")
	if len(apps.Applications) != 10 {
		t.Fatalf("describe-applications: %+v", apps)
	}
	as(adminKey, "not-the-secret").fails("InvalidSignatureException", mismatchMessage, "describe-applications")
	as("AKIANOBODYKNOWS", "x").fails("UnrecognizedClientException", "The security token included in the request is invalid.", "describe-applications")
	admin.fails("MissingAuthenticationTokenException", "Missing Authentication Token", "describe-applications", "--no-sign-request")
	reader := as(readerKey, readerSecret)
	reader.ok(nil, "describe-workspace-images")
	reader.fails("AccessDeniedException",
		"User: arn:aws:iam::111122223333:user/AKIAWSLOCALREADER is not authorized to perform: workspaces:ImportWorkspaceImage",
		"import-workspace-image", "--ec2-image-id", "ami-0123456789abcdef0", "--ingestion-process", "BYOL_REGULAR",
		"--image-name", "denied", "--image-description", "denied")

	t.Run("expired", func(t *testing.T) {
		if _, _, code := run(t, 30*time.Second, proctest.Env(), "python3", "-c", "import awscli.clidriver"); code != 0 {
			t.Skip("the AWS CLI's Python package is not importable by python3: its signing clock cannot be set back")
		}
		stdout, stderr, code := run(t, 60*time.Second, admin.env, "python3", "-c", cliWithSkew,
			"workspaces", "describe-applications", "--endpoint-url", p.URL, "--output", "json")
		if code != 254 && code != 255 {
			t.Fatalf("exit code %d, want a service error\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		if !strings.Contains(stderr, "(InvalidSignatureException)") {
			t.Fatalf("stderr does not name InvalidSignatureException:\n%s", stderr)
		}
		msg := proctest.LastLine(stderr[strings.Index(stderr, "operation: ")+len("operation: "):])
		if !expiredMessage.MatchString(msg) {
			t.Fatalf("message %q does not match %s", msg, expiredMessage)
		}
	})
}
