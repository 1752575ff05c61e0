// Package container tests the wslocal container image for real: it builds
// the image with scripts/docker-build.sh, runs it with a published port and
// a named volume, drives it with the AWS SDK for Go, restarts and replaces
// the container and finds the state kept, and checks that the control API
// wants the token.
//
// It needs a Docker daemon (DOCKER_HOST, or /var/run/docker.sock) and skips
// without one. WSLOCAL_TEST_IMAGE names the image it builds (wslocal:ci).
package container

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/store/postgres"
)

// needDocker skips unless a Docker daemon answers.
func needDocker(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("no docker command: the container image is tested where Docker runs (.ci/run starts a daemon)")
	}
	if os.Getenv("DOCKER_HOST") == "" {
		if _, err := os.Stat("/var/run/docker.sock"); err != nil {
			t.Skip("no Docker daemon (DOCKER_HOST unset, no /var/run/docker.sock): .ci/run starts one for this test")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Server.Version}}").CombinedOutput(); err != nil {
		t.Skipf("the Docker daemon does not answer: %v\n%s", err, out)
	}
}

// docker runs a docker command and returns its trimmed stdout.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("docker", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("docker %s: %v\n%s%s", strings.Join(args, " "), err, &stdout, &stderr)
	}
	return strings.TrimSpace(stdout.String())
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func TestContainerImage(t *testing.T) {
	needDocker(t)
	image := os.Getenv("WSLOCAL_TEST_IMAGE")
	if image == "" {
		image = "wslocal:ci"
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	build := exec.Command(filepath.Join(root, "scripts", "docker-build.sh"), image)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("scripts/docker-build.sh: %v\n%s", err, out)
	}
	t.Logf("image %s built in %v", image, time.Since(begin).Round(100*time.Millisecond))

	t.Run("image", func(t *testing.T) { checkImage(t, image) })

	suffix := randomHex(4)
	volume, name := "wslocal-test-"+suffix, "wslocal-test-"+suffix
	token := randomHex(16)
	t.Cleanup(func() {
		exec.Command("docker", "rm", "-fv", name).Run()
		exec.Command("docker", "volume", "rm", "-f", volume).Run()
	})
	docker(t, "volume", "create", volume)

	// The health check every second, not every 10s, so that the test
	// sees it pass soon.
	runArgs := []string{"run", "-d", "--name", name, "-p", "127.0.0.1::4599", "-v", volume + ":/data",
		"-e", "WSLOCAL_CONTROL_TOKEN=" + token, "--health-interval", "1s", image}
	begin = time.Now()
	docker(t, runArgs...)
	waitAnswering(t, name)
	t.Logf("docker run to the first answer of /_wslocal/health: %v", time.Since(begin).Round(time.Millisecond))
	endpoint := waitHealthy(t, name)

	client := workspacesClient(endpoint)
	ctx := context.Background()
	created, err := client.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("office"),
		UserRules: []types.IpRuleItem{{IpRule: aws.String("10.0.0.0/16"), RuleDesc: aws.String("HQ")}}})
	if err != nil {
		t.Fatalf("CreateIpGroup against the container: %v", err)
	}
	groupID := aws.ToString(created.GroupId)
	mustHaveGroup(t, client, groupID)

	t.Run("control API wants the token", func(t *testing.T) {
		for _, c := range []struct {
			auth string
			want int
		}{{"", http.StatusUnauthorized}, {"Bearer wrong", http.StatusUnauthorized}, {"Bearer " + token, http.StatusOK}} {
			status, body := get(t, endpoint+"/_wslocal/state", c.auth)
			if status != c.want {
				t.Errorf("GET /_wslocal/state with Authorization %q: %d, want %d: %s", c.auth, status, c.want, body)
			}
			if c.want == http.StatusOK && !strings.Contains(body, groupID) {
				t.Errorf("the state does not hold %s: %s", groupID, body)
			}
		}
		// Health stays open: it is the liveness probe.
		if status, body := get(t, endpoint+"/_wslocal/health", ""); status != http.StatusOK {
			t.Errorf("GET /_wslocal/health without the token: %d: %s", status, body)
		}
	})

	t.Run("state survives a restart", func(t *testing.T) {
		docker(t, "restart", "-t", "10", name)
		endpoint := waitHealthy(t, name)
		mustHaveGroup(t, workspacesClient(endpoint), groupID)
	})

	t.Run("state survives a new container on the volume", func(t *testing.T) {
		docker(t, "rm", "-fv", name)
		docker(t, runArgs...)
		endpoint := waitHealthy(t, name)
		mustHaveGroup(t, workspacesClient(endpoint), groupID)
	})

	t.Run("a generated token is printed", func(t *testing.T) {
		other := name + "-gen"
		t.Cleanup(func() { exec.Command("docker", "rm", "-fv", other).Run() })
		docker(t, "run", "-d", "--name", other, "-p", "127.0.0.1::4599", "-e", "WSLOCAL_STORE=memory", image)
		endpoint := waitAnswering(t, other)
		logs := logsOf(other)
		_, after, ok := strings.Cut(logs, "control token ")
		gen, _, _ := strings.Cut(after, " ")
		if !ok || len(gen) != 32 {
			t.Fatalf("the log gives no generated control token:\n%s", logs)
		}
		if status, _ := get(t, endpoint+"/_wslocal/state", ""); status != http.StatusUnauthorized {
			t.Errorf("GET /_wslocal/state without the token: %d, want 401", status)
		}
		if status, body := get(t, endpoint+"/_wslocal/state", "Bearer "+gen); status != http.StatusOK {
			t.Errorf("GET /_wslocal/state with the generated token: %d: %s", status, body)
		}
	})
}

// Two containers of the image on one PostgreSQL schema: what
// deploy/compose/replicas.yaml runs, on the machine's PostgreSQL (its image
// cannot be pulled here). Host networking, so that the containers reach
// PostgreSQL on 127.0.0.1; each replica listens on its own loopback port.
func TestReplicasOnPostgreSQL(t *testing.T) {
	needDocker(t)
	image := os.Getenv("WSLOCAL_TEST_IMAGE")
	if image == "" {
		image = "wslocal:ci"
	}
	if err := exec.Command("docker", "image", "inspect", image).Run(); err != nil {
		t.Skipf("no image %s: TestContainerImage builds it", image)
	}
	pgURL := os.Getenv("WSLOCAL_TEST_POSTGRES")
	if pgURL == "" {
		pgURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	schema := "wslocal_container_" + randomHex(5)
	t.Cleanup(func() {
		if err := postgres.DropSchema(context.Background(), pgURL, schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	var endpoints []string
	for i := range 2 {
		name := fmt.Sprintf("wslocal-test-replica%d-%s", i, randomHex(4))
		addr := "127.0.0.1:" + freePort(t)
		t.Cleanup(func() { exec.Command("docker", "rm", "-fv", name).Run() })
		docker(t, "run", "-d", "--name", name, "--network", "host", "-e", "WSLOCAL_ADDR="+addr,
			"-e", "WSLOCAL_STORE="+pgURL+"&search_path="+schema, image)
		endpoint := "http://" + addr
		var ok bool
		for deadline := time.Now().Add(30 * time.Second); !ok && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if resp, err := http.Get(endpoint + "/_wslocal/health"); err == nil {
				resp.Body.Close()
				ok = resp.StatusCode == http.StatusOK
			}
		}
		if !ok {
			t.Fatalf("replica %d does not answer on %s:\n%s", i, addr, logsOf(name))
		}
		if _, body := get(t, endpoint+"/_wslocal/health", ""); !strings.Contains(body, `"store":"postgres"`) {
			t.Errorf("replica %d health = %s, want store postgres", i, body)
		}
		endpoints = append(endpoints, endpoint)
	}
	created, err := workspacesClient(endpoints[0]).CreateIpGroup(context.Background(), &workspaces.CreateIpGroupInput{
		GroupName: aws.String("office"), UserRules: []types.IpRuleItem{{IpRule: aws.String("10.0.0.0/16")}}})
	if err != nil {
		t.Fatalf("CreateIpGroup on replica 0: %v", err)
	}
	mustHaveGroup(t, workspacesClient(endpoints[1]), aws.ToString(created.GroupId))
}

// compose is the Compose command here: docker-compose (Debian's), or the
// docker compose plugin.
func compose(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("docker-compose"); err == nil {
		return []string{"docker-compose"}
	}
	if exec.Command("docker", "compose", "version").Run() == nil {
		return []string{"docker", "compose"}
	}
	t.Skip("neither docker-compose nor the docker compose plugin: .ci/docker.sh installs docker-compose")
	return nil
}

func TestComposeExamples(t *testing.T) {
	needDocker(t)
	cmd := compose(t)
	image := os.Getenv("WSLOCAL_TEST_IMAGE")
	if image == "" {
		image = "wslocal:ci"
	}
	if err := exec.Command("docker", "image", "inspect", image).Run(); err != nil {
		t.Skipf("no image %s: TestContainerImage builds it", image)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	run := func(env []string, args ...string) (string, error) {
		c := exec.Command(cmd[0], append(cmd[1:], args...)...)
		c.Dir = root
		c.Env = append(os.Environ(), env...)
		out, err := c.CombinedOutput()
		return string(out), err
	}

	t.Run("replicas file is valid and wants a token", func(t *testing.T) {
		if out, err := run([]string{"WSLOCAL_CONTROL_TOKEN=x"}, "-f", "deploy/compose/replicas.yaml", "config", "-q"); err != nil {
			t.Fatalf("config: %v\n%s", err, out)
		}
		out, err := run([]string{"WSLOCAL_CONTROL_TOKEN="}, "-f", "deploy/compose/replicas.yaml", "config", "-q")
		if err == nil || !strings.Contains(out, "set WSLOCAL_CONTROL_TOKEN, shared by both replicas") {
			t.Errorf("config without a token: %v\n%s", err, out)
		}
	})

	t.Run("single wslocal with a volume", func(t *testing.T) {
		project := "wslocaltest" + randomHex(4)
		token := randomHex(16)
		// A free port for the published one.
		port := freePort(t)
		env := []string{"WSLOCAL_IMAGE=" + image, "WSLOCAL_CONTROL_TOKEN=" + token, "WSLOCAL_PORT=" + port}
		base := []string{"-p", project, "-f", "deploy/compose/wslocal.yaml"}
		t.Cleanup(func() { run(env, append(base, "down", "-v")...) })
		if out, err := run(env, append(base, "up", "-d")...); err != nil {
			t.Fatalf("up: %v\n%s", err, out)
		}
		endpoint := "http://127.0.0.1:" + port
		var status int
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if resp, err := http.Get(endpoint + "/_wslocal/health"); err == nil {
				status = resp.StatusCode
				resp.Body.Close()
				if status == http.StatusOK {
					break
				}
			}
		}
		if status != http.StatusOK {
			out, _ := run(env, append(base, "logs")...)
			t.Fatalf("no answer from the compose service on %s:\n%s", endpoint, out)
		}
		client := workspacesClient(endpoint)
		created, err := client.CreateIpGroup(context.Background(), &workspaces.CreateIpGroupInput{GroupName: aws.String("office"),
			UserRules: []types.IpRuleItem{{IpRule: aws.String("10.0.0.0/16")}}})
		if err != nil {
			t.Fatal(err)
		}
		if code, body := get(t, endpoint+"/_wslocal/state", "Bearer "+token); code != http.StatusOK || !strings.Contains(body, aws.ToString(created.GroupId)) {
			t.Errorf("GET /_wslocal/state with the token: %d %s", code, body)
		}
		// The volume is the compose project's: down (without -v) and up
		// again keep the state.
		if out, err := run(env, append(base, "down")...); err != nil {
			t.Fatalf("down: %v\n%s", err, out)
		}
		if out, err := run(env, append(base, "up", "-d")...); err != nil {
			t.Fatalf("up again: %v\n%s", err, out)
		}
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if resp, err := http.Get(endpoint + "/_wslocal/health"); err == nil {
				resp.Body.Close()
				break
			}
		}
		mustHaveGroup(t, client, aws.ToString(created.GroupId))
	})
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func checkImage(t *testing.T, image string) {
	var inspect []struct {
		Size   int64
		Config struct {
			User         string
			ExposedPorts map[string]struct{}
			Volumes      map[string]struct{}
			Entrypoint   []string
			Env          []string
			Healthcheck  struct{ Test []string }
		}
	}
	if err := json.Unmarshal([]byte(docker(t, "image", "inspect", image)), &inspect); err != nil || len(inspect) != 1 {
		t.Fatalf("docker image inspect %s: %v", image, err)
	}
	img := inspect[0]
	t.Logf("image size: %.1f MB", float64(img.Size)/1e6)
	c := img.Config
	if c.User != "65532:65532" {
		t.Errorf("User = %q, want 65532:65532 (not root)", c.User)
	}
	if _, ok := c.ExposedPorts["4599/tcp"]; !ok {
		t.Errorf("ExposedPorts = %v, want 4599/tcp", c.ExposedPorts)
	}
	if _, ok := c.Volumes["/data"]; !ok {
		t.Errorf("Volumes = %v, want /data", c.Volumes)
	}
	if got := strings.Join(c.Healthcheck.Test, " "); got != "CMD /wslocal health" {
		t.Errorf("Healthcheck = %q, want CMD /wslocal health (no shell in the image)", got)
	}
	env := strings.Join(c.Env, " ")
	for _, want := range []string{"WSLOCAL_ADDR=0.0.0.0:4599", "WSLOCAL_STORE=sqlite:/data/state.db"} {
		if !strings.Contains(env, want) {
			t.Errorf("Env = %v, want %s", c.Env, want)
		}
	}
	// FROM scratch: one layer per COPY, and nothing else.
	var layers []string
	if err := json.Unmarshal([]byte(docker(t, "image", "inspect", "--format", "{{json .RootFS.Layers}}", image)), &layers); err != nil {
		t.Fatal(err)
	}
	if len(layers) != 3 {
		t.Errorf("the image has %d layers, want 3 (the binary, /data, /tmp on an empty base)", len(layers))
	}
}

// hostEndpoint is where the container's port 4599 is published.
func hostEndpoint(t *testing.T, name string) string {
	t.Helper()
	addr := docker(t, "port", name, "4599/tcp")
	addr, _, _ = strings.Cut(addr, "\n")
	return "http://" + addr
}

// waitAnswering waits for /_wslocal/health to answer 200 on the published
// port and returns the endpoint.
func waitAnswering(t *testing.T, name string) string {
	t.Helper()
	var last string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		running := docker(t, "inspect", "--format", "{{.State.Running}}", name)
		if running != "true" {
			t.Fatalf("the container stopped:\n%s", logsOf(name))
		}
		endpoint := hostEndpoint(t, name)
		resp, err := http.Get(endpoint + "/_wslocal/health")
		if err != nil {
			last = err.Error()
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return endpoint
		}
		last = resp.Status
	}
	t.Fatalf("no answer from the container in 30s (%s):\n%s", last, logsOf(name))
	return ""
}

// waitHealthy waits for the first answer, then for Docker to call the
// container healthy: the image's HEALTHCHECK (wslocal health) passed.
func waitHealthy(t *testing.T, name string) string {
	t.Helper()
	endpoint := waitAnswering(t, name)
	var status string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if status = docker(t, "inspect", "--format", "{{.State.Health.Status}}", name); status == "healthy" {
			return endpoint
		}
	}
	t.Fatalf("health status %q after 30s: %s", status, docker(t, "inspect", "--format", "{{json .State.Health}}", name))
	return ""
}

func logsOf(name string) string {
	out, _ := exec.Command("docker", "logs", name).CombinedOutput()
	return string(out)
}

func get(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func workspacesClient(endpoint string) *workspaces.Client {
	return workspaces.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("000000000000", "wslocal-secret", ""),
		BaseEndpoint: aws.String(endpoint),
	})
}

func mustHaveGroup(t *testing.T, c *workspaces.Client, id string) {
	t.Helper()
	out, err := c.DescribeIpGroups(context.Background(), &workspaces.DescribeIpGroupsInput{GroupIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeIpGroups(%s): %v", id, err)
	}
	if len(out.Result) != 1 || aws.ToString(out.Result[0].GroupName) != "office" ||
		len(out.Result[0].UserRules) != 1 || aws.ToString(out.Result[0].UserRules[0].IpRule) != "10.0.0.0/16" {
		t.Fatalf("DescribeIpGroups(%s) = %s, want the group office with 10.0.0.0/16", id, fmt.Sprint(out.Result))
	}
}
