// Package wslocal starts wslocal, a local Amazon WorkSpaces API, in a
// container for tests, with Testcontainers for Go.
//
//	ctr, err := wslocal.Run(ctx, "wslocal:latest", wslocal.WithManualClock())
//	testcontainers.CleanupContainer(t, ctr)
//	endpoint, _ := ctr.BaseEndpoint(ctx)// http://127.0.0.1:32771: the SDK's BaseEndpoint
//	token := ctr.ControlToken()        // for /_wslocal/ (reset, clock, state, faults)
//
// The container keeps its state in memory unless an option says otherwise,
// and gets a random control token unless WithControlToken gives one.
package wslocal

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// Port is the container's port for the WorkSpaces API and /_wslocal/.
const Port = "4599/tcp"

// Container is a running wslocal.
type Container struct {
	*testcontainers.DockerContainer
	controlToken string
}

// Run starts image (built by scripts/docker-build.sh) and waits until
// GET /_wslocal/health answers. opts are Testcontainers' own customizers
// (testcontainers.WithEnv, ...) or this package's.
func Run(ctx context.Context, image string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	all := append([]testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(Port),
		testcontainers.WithEnv(map[string]string{
			"WSLOCAL_CONTROL_TOKEN": hex.EncodeToString(b),
			"WSLOCAL_STORE":         "memory",
		}),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/_wslocal/health").WithPort(Port).
			WithStatusCodeMatcher(func(status int) bool { return status == http.StatusOK }).
			WithStartupTimeout(30 * time.Second)),
	}, opts...)
	ctr, err := testcontainers.Run(ctx, image, all...)
	var c *Container
	if ctr != nil {
		c = &Container{DockerContainer: ctr}
	}
	if err != nil {
		return c, fmt.Errorf("run wslocal (%s): %w", image, err)
	}
	// The token the container really has: an option may have replaced ours.
	info, err := ctr.Inspect(ctx)
	if err != nil {
		return c, fmt.Errorf("inspect wslocal: %w", err)
	}
	for _, e := range info.Config.Env {
		if v, ok := strings.CutPrefix(e, "WSLOCAL_CONTROL_TOKEN="); ok {
			c.controlToken = v
		}
	}
	return c, nil
}

// WithControlToken gives the control token instead of a random one.
func WithControlToken(token string) testcontainers.CustomizeRequestOption {
	return testcontainers.WithEnv(map[string]string{"WSLOCAL_CONTROL_TOKEN": token})
}

// WithManualClock starts the clock in manual mode: lifecycles move only
// when Advance is called.
func WithManualClock() testcontainers.CustomizeRequestOption {
	return testcontainers.WithEnv(map[string]string{"WSLOCAL_CLOCK": "manual"})
}

// WithStore sets --store, e.g. "sqlite:/data/state.db" (the image's
// volume) or a postgres:// URL the container can reach.
func WithStore(spec string) testcontainers.CustomizeRequestOption {
	return testcontainers.WithEnv(map[string]string{"WSLOCAL_STORE": spec})
}

// WithSeed copies a seed file (YAML or JSON, see docs/seed.example.yaml)
// into the container and applies it at start.
func WithSeed(hostPath string) testcontainers.CustomizeRequestOption {
	const inContainer = "/seed/seed.yaml"
	return func(req *testcontainers.GenericContainerRequest) error {
		if err := testcontainers.WithFiles(testcontainers.ContainerFile{
			HostFilePath: hostPath, ContainerFilePath: inContainer, FileMode: 0o644,
		})(req); err != nil {
			return err
		}
		return testcontainers.WithEnv(map[string]string{"WSLOCAL_SEED": inContainer})(req)
	}
}

// BaseEndpoint is the WorkSpaces API's URL on the host, for the SDKs'
// endpoint setting (BaseEndpoint, AWS_ENDPOINT_URL, endpoint_url).
func (c *Container) BaseEndpoint(ctx context.Context) (string, error) {
	return c.PortEndpoint(ctx, Port, "http")
}

// ControlToken is the bearer token the control API (/_wslocal/) wants.
func (c *Container) ControlToken() string { return c.controlToken }

// Reset deletes all state (POST /_wslocal/reset).
func (c *Container) Reset(ctx context.Context) error {
	return c.Control(ctx, http.MethodPost, "reset", nil, nil)
}

// Advance moves a manual clock forward and applies the lifecycle steps
// that came due (POST /_wslocal/clock {"advance": d}).
func (c *Container) Advance(ctx context.Context, d time.Duration) error {
	return c.Control(ctx, http.MethodPost, "clock", map[string]string{"advance": d.String()}, nil)
}

// Control sends one control API request, e.g. Control(ctx, "GET", "state",
// nil, &snapshot), with the token; a status other than 2xx is an error.
func (c *Container) Control(ctx context.Context, method, path string, body, out any) error {
	endpoint, err := c.BaseEndpoint(ctx)
	if err != nil {
		return err
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint+"/_wslocal/"+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.controlToken)
	if method != http.MethodGet {
		// wslocal refuses a state-changing control request of another content type.
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s /_wslocal/%s: %s: %s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
