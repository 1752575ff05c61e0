package cliexamples

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
	"github.com/wslocal/wslocal/wslocaltest"
)

// The world of the examples: the account their IAM role names, and the
// directory and WorkSpace they all use, as describe-workspace-directories
// and describe-workspaces document them.
const (
	account   = "123456789012"
	region    = "us-west-2"
	directory = "d-926722edaf"
	workspace = "ws-dk1xzr417"
)

var seed = `
accounts:
  - account: "` + account + `"
    region: ` + region + `
    directories:
      - id: ` + directory + `
        name: example.com
    workspaces:
      - id: ` + workspace + `
        directory: ` + directory + `
        bundle: wsb-0zsvgp8fc
        userName: Mary
        state: STOPPED
        runningMode: AUTO_STOP
`

// substitutes replaces an argument of an example that wslocal cannot take
// as it stands, and says why. The migrate-workspace example's target bundle
// wsb-j4dky1gs4 is "Performance with Amazon Linux 2" in the public listings
// of AWS's bundles (workspaces/public_bundles.json), and the administration
// guide's migration limits refuse a Linux target; the example's answer is
// compared with a migration to a Windows bundle of the same compute type.
var substitutes = map[string]map[string]string{
	"migrate-workspace#1": {"wsb-j4dky1gs4": "wsb-gm4d5tx2v"},
}

// step is one move of the plan: run an example, run a command that sets
// one up, advance the clock, or start again from the seed.
type step struct {
	example string        // operation#n
	setup   []string      // a command that is no example
	advance time.Duration // move the clock
	reseed  bool          // empty the server and apply the seed again
}

// plan runs every shipped example in an order where each finds what it
// needs: the seeded directory and STOPPED WorkSpace of the documented
// outputs, and lifecycle steps (1s each on wslocaltest's clock) between the
// actions whose documented precondition is a state.
var plan = []step{
	{example: "describe-workspace-directories#1"},
	{example: "describe-workspaces#1"},
	{example: "describe-workspace-bundles#1"},
	{example: "create-tags#1"},
	{example: "describe-tags#1"},
	{example: "delete-tags#1"},
	{example: "modify-workspace-creation-properties#1"},
	{example: "describe-workspaces-connection-status#1"},
	{example: "modify-workspace-properties#1"},
	{example: "create-workspaces#1"},
	{example: "create-workspaces#3"},
	{example: "start-workspaces#1"}, // "The WorkSpace must have a running mode of AutoStop" and be STOPPED
	{advance: time.Second},
	{example: "reboot-workspaces#1"},
	{advance: time.Second},
	{example: "rebuild-workspaces#1"},
	{advance: time.Second},
	{example: "stop-workspaces#1"},
	// RestoreWorkspace restores from a snapshot: the first is taken 30
	// minutes after a WorkSpace is created (the administration guide).
	{advance: 30 * time.Minute},
	{example: "restore-workspace#1"},
	{advance: time.Second},
	{setup: []string{"workspaces", "start-workspaces", "--start-workspace-requests", "WorkspaceId=" + workspace}},
	{advance: time.Second},
	{example: "modify-workspace-state#1"}, // between AVAILABLE and ADMIN_MAINTENANCE only

	{reseed: true},
	{advance: 30 * time.Minute}, // a migration takes the user volume from the latest snapshot
	{example: "migrate-workspace#1"},

	{reseed: true},
	{example: "terminate-workspaces#1"},
	{advance: 2 * time.Hour}, // TERMINATED is gone: Mary may have a WorkSpace again
	{example: "create-workspaces#2"},
	{setup: []string{"workspaces", "describe-workspaces", "--directory-id", directory, "--query", "Workspaces[].WorkspaceId", "--output", "text"}},
	{setup: []string{"terminate-all"}},
	{advance: 2 * time.Hour},
	{example: "deregister-workspace-directory#1"},
	{advance: time.Second},
	{example: "register-workspace-directory#1"},
}

// generated are the members whose documented values are necessarily
// different against wslocal: ids minted at creation, addresses and names
// chosen when a directory or WorkSpace is made, timestamps, and a
// connection nobody makes. Each is checked against what AWS's value is
// instead (the pattern of the API reference, or the world's own values).
// Paths name list items with [].
var generated = map[string]map[string]func(w *world, got any) error{
	"create-workspaces": {
		"PendingRequests[].WorkspaceId": matches(`^ws-[0-9a-z]{8,63}$`),
	},
	"migrate-workspace": {
		"TargetWorkspaceId": matches(`^ws-[0-9a-z]{8,63}$`),
	},
	"describe-workspaces": {
		"Workspaces[].IpAddress":    (*world).privateIPv4,
		"Workspaces[].SubnetId":     (*world).oneOfSubnets,
		"Workspaces[].ComputerName": matches(`^WSAMZN-[0-9A-Z]{8}$`),
	},
	"describe-workspace-directories": {
		"Directories[].RegistrationCode":         matches(`^[A-Za-z]{2,4}[a-z0-9]{2,4}\+[A-Z0-9]{6}$`),
		"Directories[].SubnetIds":                (*world).subnets,
		"Directories[].DnsIpAddresses":           (*world).dnsAddresses,
		"Directories[].WorkspaceSecurityGroupId": matches(`^(sg-([0-9a-f]{8}|[0-9a-f]{17}))$`),
	},
	"describe-workspaces-connection-status": {
		// Nobody connects to a wslocal WorkSpace: CONNECTED cannot be.
		"WorkspacesConnectionStatus[].ConnectionState":               oneOf("DISCONNECTED", "UNKNOWN"),
		"WorkspacesConnectionStatus[].ConnectionStateCheckTimestamp": isNumber,
	},
}

// added are members an answer has that the example does not show because
// AWS added them to the operation's answer after the example's output was
// captured: the API reference's Response Syntax lists them today, and the
// Terraform provider and the SDKs read them from AWS's answers.
var added = map[string][]string{
	// RegisterWorkspaceDirectory's response: DirectoryId and State.
	"register-workspace-directory": {"DirectoryId", "State"},
	// SAML and certificate-based authentication, and the WorkSpaces Pools
	// members of WorkspaceDirectory.
	"describe-workspace-directories": {
		"Directories[].SamlProperties", "Directories[].CertificateBasedAuthProperties",
		"Directories[].WorkspaceDirectoryName", "Directories[].WorkspaceType", "Directories[].UserIdentityType",
	},
	// WorkspaceProperties.Protocols and OperatingSystemName.
	"describe-workspaces": {"Workspaces[].WorkspaceProperties.Protocols", "Workspaces[].WorkspaceProperties.OperatingSystemName"},
}

// world is what the checks of generated values compare with: the
// directory's subnets, as describe-workspace-directories gave them.
type world struct {
	subnetIDs []string
}

func (w *world) subnets(got any) error {
	l, ok := got.([]any)
	if !ok || len(l) != 2 {
		return fmt.Errorf("want two subnet ids")
	}
	w.subnetIDs = nil
	for _, s := range l {
		id, _ := s.(string)
		if !regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`).MatchString(id) {
			return fmt.Errorf("%q is not a subnet id", s)
		}
		w.subnetIDs = append(w.subnetIDs, id)
	}
	return nil
}

func (w *world) dnsAddresses(got any) error {
	l, ok := got.([]any)
	if !ok || len(l) != 2 {
		return fmt.Errorf("want two DNS addresses")
	}
	for _, s := range l {
		if _, err := netip.ParseAddr(fmt.Sprint(s)); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) oneOfSubnets(got any) error {
	if len(w.subnetIDs) == 0 {
		return nil // the directory was not described yet
	}
	if !slices.Contains(w.subnetIDs, fmt.Sprint(got)) {
		return fmt.Errorf("not one of the directory's subnets %v", w.subnetIDs)
	}
	return nil
}

func (w *world) privateIPv4(got any) error {
	a, err := netip.ParseAddr(fmt.Sprint(got))
	if err != nil || !a.Is4() || !a.IsPrivate() {
		return fmt.Errorf("not a private IPv4 address")
	}
	return nil
}

func matches(re string) func(*world, any) error {
	r := regexp.MustCompile(re)
	return func(_ *world, got any) error {
		if s, ok := got.(string); !ok || !r.MatchString(s) {
			return fmt.Errorf("does not match %s", re)
		}
		return nil
	}
}

func oneOf(vs ...string) func(*world, any) error {
	return func(_ *world, got any) error {
		if s, ok := got.(string); !ok || !slices.Contains(vs, s) {
			return fmt.Errorf("not one of %v", vs)
		}
		return nil
	}
}

func isNumber(_ *world, got any) error {
	if _, ok := got.(float64); !ok {
		return fmt.Errorf("not an epoch number")
	}
	return nil
}

// runner is one Python process running batches of AWS CLI commands.
type runner struct {
	in  io.WriteCloser
	out *bufio.Reader
}

type result struct {
	RC             int
	Stdout, Stderr string
}

func (r *runner) run(t *testing.T, cmds ...[]string) []result {
	t.Helper()
	b, _ := json.Marshal(cmds)
	if _, err := r.in.Write(append(b, '\n')); err != nil {
		t.Fatalf("runner: %v", err)
	}
	line, err := r.out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("runner: %v", err)
	}
	var res []result
	if err := json.Unmarshal(line, &res); err != nil || len(res) != len(cmds) {
		t.Fatalf("runner answered %s (%v)", line, err)
	}
	return res
}

func examplesDir(t *testing.T) string {
	out, err := exec.Command("python3", "-c", "import awscli,os;print(os.path.dirname(awscli.__file__))").Output()
	if err != nil {
		t.Skipf("the AWS CLI's Python package is not importable (%v): skipping the shipped examples", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "examples", "workspaces")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the AWS CLI ships no WorkSpaces examples here (%v): skipping", err)
	}
	return dir
}

// TestCLIExamples runs every shipped WorkSpaces example of the AWS CLI in
// the order of plan against one server, and compares each output with the
// documented one member by member: the same members, the same values,
// except the generated ones (see generated and added). An example whose
// operation answers NotImplementedException is skipped by name.
func TestCLIExamples(t *testing.T) {
	proctest.RequireTool(t, "the AWS CLI", "aws", "--version")
	dir := examplesDir(t)
	examples, err := Parse(dir)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Example{}
	for _, ex := range examples {
		byName[ex.Name] = ex
	}
	planned := map[string]bool{}
	for _, s := range plan {
		if s.example != "" {
			planned[s.example] = true
			if _, ok := byName[s.example]; !ok {
				t.Errorf("the plan names %s, which the AWS CLI does not ship", s.example)
			}
		}
	}
	for _, ex := range examples {
		if !planned[ex.Name] {
			t.Errorf("the AWS CLI ships %s, which the plan does not run", ex.Name)
		}
	}

	s := wslocaltest.Start(t)
	s.Seed(seed)
	cmd := exec.Command("python3", "runner.py")
	cmd.Env = proctest.ClientEnv(t, "AWS_ACCESS_KEY_ID="+account, "AWS_DEFAULT_REGION="+region)
	cmd.Stderr = os.Stderr
	in, _ := cmd.StdinPipe()
	outPipe, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); _ = cmd.Wait() })
	r := &runner{in: in, out: bufio.NewReader(outPipe)}
	endpoint := []string{"--endpoint-url", s.URL, "--output", "json"}

	w := &world{}
	var setupOut string
	for _, st := range plan {
		switch {
		case st.reseed:
			s.Reset()
			s.Seed(seed)
		case st.advance > 0:
			s.Advance(st.advance)
		case st.setup != nil:
			args := st.setup
			if args[0] == "terminate-all" {
				args = append([]string{"workspaces", "terminate-workspaces", "--terminate-workspace-requests"}, strings.Fields(setupOut)...)
			}
			res := r.run(t, append(slices.Clone(args), "--endpoint-url", s.URL))[0] // --output text: ids separated by blanks
			if res.RC != 0 {
				t.Fatalf("setup aws %s: exit %d\n%s", strings.Join(args, " "), res.RC, res.Stderr)
			}
			setupOut = res.Stdout
		default:
			ex := byName[st.example]
			args := slices.Clone(ex.Args)
			for i, a := range args {
				if b, ok := substitutes[ex.Name][a]; ok {
					args[i] = b
				}
			}
			res := r.run(t, append(args, endpoint...))[0]
			t.Run(ex.Name, func(t *testing.T) { check(t, w, ex, res) })
		}
	}
}

func check(t *testing.T, w *world, ex Example, res result) {
	t.Logf("aws %s", strings.Join(ex.Args, " "))
	if res.RC != 0 {
		if strings.Contains(res.Stderr, "NotImplementedException") {
			t.Skipf("%s: the operation answers NotImplementedException in wslocal", ex.Name)
		}
		t.Fatalf("exit code %d\nstderr: %s", res.RC, res.Stderr)
	}
	op, _, _ := strings.Cut(ex.Name, "#")
	var got any
	if strings.TrimSpace(res.Stdout) != "" {
		if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, res.Stdout)
		}
	}
	if ex.Output == nil {
		if m, ok := got.(map[string]any); ok {
			for _, k := range added[op] {
				delete(m, k)
			}
			if len(m) == 0 {
				got = nil
			}
		}
		if got != nil {
			t.Errorf("the example produces no output; wslocal printed\n%s", res.Stdout)
		}
		return
	}
	if ex.Elided {
		// The documented list is a part of the answer: each of its items is
		// one of the answer's, in the documented order.
		want, _ := ex.Output.([]any)
		have, _ := got.([]any)
		last := -1
		for _, item := range want {
			i := slices.IndexFunc(have, func(g any) bool { return reflect.DeepEqual(g, item) })
			switch {
			case i < 0:
				t.Errorf("documented item %v is not in the answer (%d items)", item, len(have))
			case i < last:
				t.Errorf("documented item %v comes before %v in the answer", item, have[last])
			default:
				last = i
			}
		}
		return
	}
	for _, d := range diff(w, generated[op], added[op], "", ex.Output, got) {
		t.Error(d)
	}
}

// diff lists the differences between a documented value and an answer.
func diff(w *world, gen map[string]func(*world, any) error, extra []string, path string, want, got any) []string {
	if f, ok := gen[path]; ok {
		if got == nil {
			return []string{fmt.Sprintf("%s: missing (documented %v)", path, want)}
		}
		if err := f(w, got); err != nil {
			return []string{fmt.Sprintf("%s: %v: %v", path, got, err)}
		}
		return nil
	}
	switch wv := want.(type) {
	case map[string]any:
		gv, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %v, documented an object", path, got)}
		}
		var out []string
		keys := map[string]bool{}
		for k := range wv {
			keys[k] = true
		}
		for k := range gv {
			keys[k] = true
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			p := k
			if path != "" {
				p = path + "." + k
			}
			wk, inW := wv[k]
			gk, inG := gv[k]
			switch {
			case !inG:
				out = append(out, fmt.Sprintf("%s: missing (documented %v)", p, wk))
			case !inW && slices.Contains(extra, p):
			case !inW:
				out = append(out, fmt.Sprintf("%s: %v, which the example does not have", p, gk))
			default:
				out = append(out, diff(w, gen, extra, p, wk, gk)...)
			}
		}
		return out
	case []any:
		gv, ok := got.([]any)
		if !ok || len(gv) != len(wv) {
			return []string{fmt.Sprintf("%s: got %v, documented %v", path, got, want)}
		}
		var out []string
		for i := range wv {
			out = append(out, diff(w, gen, extra, path+"[]", wv[i], gv[i])...)
		}
		return out
	default:
		if !reflect.DeepEqual(want, got) {
			return []string{fmt.Sprintf("%s: %v, documented %v", path, got, want)}
		}
		return nil
	}
}
