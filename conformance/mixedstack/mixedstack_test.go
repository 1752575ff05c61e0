// Package mixedstack_test points only WorkSpaces at wslocal while the other
// services a WorkSpaces deployment needs (Directory Service, EC2) go to
// another emulator, moto's server: with boto3 and the AWS CLI through
// AWS_ENDPOINT_URL_WORKSPACES (and a shared config file's services
// section), and with Terraform's endpoints block. A Directory Service
// directory created in moto is registered in wslocal by its id, and a
// WorkSpace is launched in it. Each test skips when its client (python3
// with boto3 and moto, the AWS CLI, terraform with the AWS provider in a
// local mirror) is missing.
//
//	go test ./conformance/mixedstack/ -v
package mixedstack_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/internal/proctest"
)

func TestMain(m *testing.M) { proctest.Main(m) }

// startMoto runs `python3 -m moto.server` on a free port (port 0: moto
// prints the one it got) and returns its URL; it stops with the test.
func startMoto(t *testing.T) string {
	t.Helper()
	proctest.RequireTool(t, "python3 with boto3 and moto", "python3", "-c", "import boto3, moto.server")
	cmd := exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", "0")
	cmd.Env = proctest.ClientEnv(t)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moto: %v", err)
	}
	found := make(chan string, 1)
	var log strings.Builder
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		running := regexp.MustCompile(`Running on (http://127\.0\.0\.1:\d+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := running.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
				continue
			}
			if log.Len() < 1<<16 {
				log.WriteString(sc.Text() + "\n")
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	select {
	case url := <-found:
		return url
	case <-logDone:
		t.Fatalf("moto's server exited before listening:\n%s", log.String())
	case <-time.After(60 * time.Second):
		t.Fatal("moto's server did not print its address within 60s")
	}
	return ""
}

// run runs a client command to completion and returns its stdout; it fails
// the test with both outputs if the command fails.
func run(t *testing.T, timeout time.Duration, env []string, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env, cmd.Dir = env, dir
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n--- stdout ---\n%s--- stderr ---\n%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// field returns the value of the line "NAME value" in out.
func field(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s line in:\n%s", name, out)
	}
	return m[1]
}

// TestBoto3MixedStack runs python/mixedstack.py: EC2 and Directory Service
// in moto, WorkSpaces in wslocal, by AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_WORKSPACES alone; then the AWS CLI reads both sides
// with the same environment.
func TestBoto3MixedStack(t *testing.T) {
	t.Parallel()
	moto := startMoto(t)
	ws := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual", "--step", "1s")
	env := proctest.ClientEnv(t, "AWS_ENDPOINT_URL="+moto, "AWS_ENDPOINT_URL_WORKSPACES="+ws.URL)
	const script = "python/mixedstack.py"
	out := run(t, 2*time.Minute, env, "", "python3", script, ws.URL)
	if proctest.LastLine(out) != "OK" {
		t.Fatalf("python3 %s: last line is not OK:\n%s", script, out)
	}
	directory, workspace := field(t, out, "DIRECTORY"), field(t, out, "WORKSPACE")
	if !regexp.MustCompile(`^d-[0-9a-f]{10}$`).MatchString(directory) {
		t.Errorf("moto's directory id %q is not d- and 10 hex digits", directory)
	}

	t.Run("AWS CLI", func(t *testing.T) {
		proctest.RequireTool(t, "the AWS CLI", "aws", "--version")
		got := run(t, time.Minute, env, "", "aws", "workspaces", "describe-workspaces",
			"--query", "Workspaces[].[WorkspaceId,DirectoryId,State]", "--output", "text")
		if want := workspace + "\t" + directory + "\tAVAILABLE\n"; got != want {
			t.Errorf("aws workspaces describe-workspaces = %q, want %q", got, want)
		}
		got = run(t, time.Minute, env, "", "aws", "ds", "describe-directories",
			"--query", "DirectoryDescriptions[].[DirectoryId,Stage]", "--output", "text")
		if want := directory + "\tActive\n"; got != want {
			t.Errorf("aws ds describe-directories = %q, want %q", got, want)
		}
	})
}

// tfMirror is where Terraform's AWS provider is found without a registry:
// TF_PLUGIN_MIRROR, or /opt/tf-plugins (registry.terraform.io/hashicorp/aws/...).
func tfMirror() string {
	if dir := os.Getenv("TF_PLUGIN_MIRROR"); dir != "" {
		return dir
	}
	return "/opt/tf-plugins"
}

// TestTerraformMixedStack applies terraform/main.tf: the VPC, subnets and
// Directory Service directory in moto, an IP access control group and the
// directory's registration in wslocal (endpoints block, skip_* flags);
// then reads wslocal's side with aws-sdk-go-v2.
func TestTerraformMixedStack(t *testing.T) {
	proctest.RequireTool(t, "terraform", "terraform", "version")
	mirror := tfMirror()
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		t.Skipf("Terraform's AWS provider is not in a local mirror (%v): set TF_PLUGIN_MIRROR to a filesystem mirror holding registry.terraform.io/hashicorp/aws", err)
	}
	t.Parallel()
	moto := startMoto(t)
	// The provider polls on the real clock: short lifecycle steps.
	ws := proctest.Start(t, proctest.Build(t), "--store", "memory", "--step", "200ms")

	dir := t.TempDir()
	main, err := os.ReadFile(filepath.Join("terraform", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cliConfig := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n}\n", mirror)
	for name, body := range map[string]string{"main.tf": string(main), "terraform.rc": cliConfig} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := proctest.ClientEnv(t, "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "terraform.rc"), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	run(t, 2*time.Minute, env, dir, "terraform", "init", "-input=false", "-no-color")
	run(t, 4*time.Minute, env, dir, "terraform", "apply", "-auto-approve", "-input=false", "-no-color",
		"-var", "moto="+moto, "-var", "wslocal="+ws.URL)
	output := func(name string) string {
		return strings.TrimSpace(run(t, time.Minute, env, dir, "terraform", "output", "-raw", name))
	}
	directory, subnets, ipGroup := output("directory"), strings.Split(output("subnets"), ","), output("ip_group")

	c := workspaces.New(workspaces.Options{Region: "us-east-1", BaseEndpoint: aws.String(ws.URL),
		Credentials: credentials.NewStaticCredentialsProvider("123456789012", "x", "")})
	got, err := c.DescribeWorkspaceDirectories(context.Background(), &workspaces.DescribeWorkspaceDirectoriesInput{})
	if err != nil {
		t.Fatalf("DescribeWorkspaceDirectories: %v", err)
	}
	if len(got.Directories) != 1 {
		t.Fatalf("wslocal holds %d directories, want the one Terraform registered", len(got.Directories))
	}
	d := got.Directories[0]
	// subnet_ids is a set in Terraform: the order it registers them in is its own.
	slices.Sort(subnets)
	slices.Sort(d.SubnetIds)
	if aws.ToString(d.DirectoryId) != directory || d.State != types.WorkspaceDirectoryStateRegistered ||
		!slices.Equal(d.SubnetIds, subnets) || !slices.Equal(d.IpGroupIds, []string{ipGroup}) {
		t.Errorf("wslocal's directory = %s %s subnets %v ip groups %v, want %s REGISTERED subnets %v ip groups [%s]",
			aws.ToString(d.DirectoryId), d.State, d.SubnetIds, d.IpGroupIds, directory, subnets, ipGroup)
	}
	if !regexp.MustCompile(`^d-[0-9a-f]{10}$`).MatchString(directory) {
		t.Errorf("moto's directory id %q is not d- and 10 hex digits", directory)
	}
}
