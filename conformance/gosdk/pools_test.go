package gosdk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	wsl "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

var (
	poolIDPattern    = regexp.MustCompile(`^wspool-[0-9a-z]{9}$`)
	sessionIDPattern = regexp.MustCompile(`^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`)
)

// poolBundleName is the public bundle the pools of these tests stream from:
// the one Terraform's aws_workspaces_pool acceptance test uses (wsb-93xk71ss4).
const poolBundleName = "Standard with Windows 10 (Server 2022 based) (WSP)"

// registerPoolsDirectory registers a directory for pools, as Terraform's
// aws_workspaces_directory with workspace_type POOLS does, and moves the
// clock until it is REGISTERED; it returns its id.
func registerPoolsDirectory(t *testing.T, srv *wslocaltest.Server, c *workspaces.Client, name string) string {
	t.Helper()
	out, err := c.RegisterWorkspaceDirectory(context.Background(), &workspaces.RegisterWorkspaceDirectoryInput{
		WorkspaceDirectoryName: aws.String(name), WorkspaceDirectoryDescription: aws.String(name),
		SubnetIds:        []string{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"},
		UserIdentityType: types.UserIdentityTypeCustomerManaged, WorkspaceType: types.WorkspaceTypePools,
	})
	if err != nil {
		t.Fatalf("RegisterWorkspaceDirectory(POOLS): %v", err)
	}
	srv.Advance(time.Second)
	return aws.ToString(out.DirectoryId)
}

// createPool creates a pool with desired sessions; the call must succeed.
func createPool(t *testing.T, c *workspaces.Client, dir, bundle, name string, desired int32, mode types.PoolsRunningMode) types.WorkspacesPool {
	t.Helper()
	out, err := c.CreateWorkspacesPool(context.Background(), &workspaces.CreateWorkspacesPoolInput{
		PoolName: aws.String(name), Description: aws.String("pool " + name), BundleId: aws.String(bundle),
		DirectoryId: aws.String(dir), Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(desired)}, RunningMode: mode,
	})
	if err != nil {
		t.Fatalf("CreateWorkspacesPool(%s): %v", name, err)
	}
	if id := aws.ToString(out.WorkspacesPool.PoolId); !poolIDPattern.MatchString(id) {
		t.Fatalf("PoolId = %q, want wspool- and 9 lowercase alphanumerics", id)
	}
	return *out.WorkspacesPool
}

// describePool returns the pool with id, or nil when no pool has it.
func describePool(t *testing.T, c *workspaces.Client, id string) *types.WorkspacesPool {
	t.Helper()
	out, err := c.DescribeWorkspacesPools(context.Background(), &workspaces.DescribeWorkspacesPoolsInput{PoolIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeWorkspacesPools(%s): %v", id, err)
	}
	if len(out.WorkspacesPools) == 0 {
		return nil
	}
	if len(out.WorkspacesPools) != 1 || aws.ToString(out.WorkspacesPools[0].PoolId) != id {
		t.Fatalf("DescribeWorkspacesPools(%s) = %+v, want that pool only", id, out.WorkspacesPools)
	}
	return &out.WorkspacesPools[0]
}

// poolState is a pool's state and capacity as "STATE desired/actual/active/available".
func poolState(t *testing.T, c *workspaces.Client, id string) string {
	t.Helper()
	p := describePool(t, c, id)
	if p == nil {
		return "gone"
	}
	cs := p.CapacityStatus
	return fmt.Sprintf("%s %d/%d/%d/%d", p.State, aws.ToInt32(cs.DesiredUserSessions), aws.ToInt32(cs.ActualUserSessions),
		aws.ToInt32(cs.ActiveUserSessions), aws.ToInt32(cs.AvailableUserSessions))
}

func wantPoolState(t *testing.T, c *workspaces.Client, id, want string) {
	t.Helper()
	if got := poolState(t, c, id); got != want {
		t.Fatalf("pool %s = %s, want %s", id, got, want)
	}
}

// startSession starts a session through the control API and returns its
// answer's status and body.
func startSession(t *testing.T, srv *wslocaltest.Server, pool, user string) (int, map[string]any) {
	t.Helper()
	var out map[string]any
	status := srv.Control(http.MethodPost, "/_wslocal/pools/"+pool+"/sessions", map[string]string{"userId": user}, &out)
	return status, out
}

// sessionsOf lists a pool's sessions as "user state".
func sessionsOf(t *testing.T, c *workspaces.Client, pool string) []string {
	t.Helper()
	out, err := c.DescribeWorkspacesPoolSessions(context.Background(), &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: aws.String(pool)})
	if err != nil {
		t.Fatalf("DescribeWorkspacesPoolSessions(%s): %v", pool, err)
	}
	var got []string
	for _, s := range out.Sessions {
		got = append(got, aws.ToString(s.UserId)+" "+string(s.ConnectionState))
	}
	slices.Sort(got)
	return got
}

func wantMessage(t *testing.T, err error, code, msg string) {
	t.Helper()
	if ae := apiError(t, err, code); ae.ErrorMessage() != msg {
		t.Errorf("%s message\n got: %s\nwant: %s", code, ae.ErrorMessage(), msg)
	}
}

// TestPoolLifecycleOnTheClock walks a pool through every state on the
// manual clock, with its capacity at each step.
func TestPoolLifecycleOnTheClock(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	srv := start(t, wslocaltest.WithClockStart(t0))
	c := client(srv)
	ctx := context.Background()
	dir := registerPoolsDirectory(t, srv, c, "pools.example.com")
	bundle := publicBundleID(t, c, poolBundleName)

	out, err := c.CreateWorkspacesPool(ctx, &workspaces.CreateWorkspacesPoolInput{
		PoolName: aws.String("call-centre"), Description: aws.String("Call centre desktops"), BundleId: aws.String(bundle),
		DirectoryId: aws.String(dir), Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(2)},
		ApplicationSettings: &types.ApplicationSettingsRequest{Status: types.ApplicationSettingsStatusEnumEnabled, SettingsGroup: aws.String("desk")},
		TimeoutSettings:     &types.TimeoutSettings{MaxUserDurationInSeconds: aws.Int32(3600)},
		Tags:                []types.Tag{{Key: aws.String("team"), Value: aws.String("support")}},
	})
	if err != nil {
		t.Fatalf("CreateWorkspacesPool: %v", err)
	}
	p := out.WorkspacesPool
	id := aws.ToString(p.PoolId)
	if !poolIDPattern.MatchString(id) {
		t.Fatalf("PoolId = %q", id)
	}
	if p.State != types.WorkspacesPoolStateCreating || p.RunningMode != types.PoolsRunningModeAutoStop ||
		aws.ToString(p.PoolArn) != "arn:aws:workspaces:us-east-1:000000000000:workspacespool/"+id ||
		aws.ToString(p.BundleId) != bundle || aws.ToString(p.DirectoryId) != dir || aws.ToString(p.Description) != "Call centre desktops" {
		t.Errorf("CreateWorkspacesPool = %+v", p)
	}
	sameTime(t, "CreatedAt", p.CreatedAt, t0.Add(time.Second))
	as := p.ApplicationSettings
	if as == nil || as.Status != types.ApplicationSettingsStatusEnumEnabled || aws.ToString(as.SettingsGroup) != "desk" ||
		!regexp.MustCompile(`^wspool-app-settings-us-east-1-000000000000-[0-9a-z]{7}$`).MatchString(aws.ToString(as.S3BucketName)) {
		t.Errorf("ApplicationSettings = %+v, want ENABLED desk in wspool-app-settings-us-east-1-000000000000-<id>", as)
	}
	ts := p.TimeoutSettings
	if ts == nil || aws.ToInt32(ts.MaxUserDurationInSeconds) != 3600 || aws.ToInt32(ts.DisconnectTimeoutInSeconds) != 900 ||
		aws.ToInt32(ts.IdleDisconnectTimeoutInSeconds) != 900 {
		t.Errorf("TimeoutSettings = %+v, want 3600 with the 900s defaults", ts)
	}
	if tags := tagsOf(t, c, id); len(tags) != 1 || tags["team"] != "support" {
		t.Errorf("DescribeTags = %v, want team=support", tags)
	}
	wantPoolState(t, c, id, "CREATING 2/0/0/0")

	srv.Advance(time.Second)
	wantPoolState(t, c, id, "RUNNING 2/2/0/2")

	// A user signs in: one session active, one available.
	status, sess := startSession(t, srv, id, "alice")
	if status != http.StatusCreated || !sessionIDPattern.MatchString(fmt.Sprint(sess["SessionId"])) ||
		sess["PoolId"] != id || sess["UserId"] != "alice" || sess["ConnectionState"] != "CONNECTED" {
		t.Fatalf("start session = %d %v", status, sess)
	}
	wantPoolState(t, c, id, "RUNNING 2/2/1/1")
	s, err := c.DescribeWorkspacesPoolSessions(ctx, &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: aws.String(id)})
	if err != nil || len(s.Sessions) != 1 {
		t.Fatalf("DescribeWorkspacesPoolSessions = %+v, %v", s, err)
	}
	got := s.Sessions[0]
	if aws.ToString(got.SessionId) != sess["SessionId"] || got.AuthenticationType != types.AuthenticationTypeSaml ||
		!regexp.MustCompile(`^i-[a-f0-9]{17}$`).MatchString(aws.ToString(got.InstanceId)) ||
		got.NetworkAccessConfiguration == nil || aws.ToString(got.NetworkAccessConfiguration.EniId) == "" {
		t.Errorf("session = %+v", got)
	}
	sameTime(t, "StartTime", got.StartTime, t0.Add(2*time.Second))
	sameTime(t, "ExpirationTime", got.ExpirationTime, t0.Add(2*time.Second+time.Hour))

	// Stop: the sessions end, the capacity goes.
	if _, err := c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: aws.String(id)}); err != nil {
		t.Fatalf("StopWorkspacesPool: %v", err)
	}
	wantPoolState(t, c, id, "STOPPING 2/0/0/0")
	if got := sessionsOf(t, c, id); len(got) != 0 {
		t.Errorf("sessions of a stopping pool = %v, want none", got)
	}
	srv.Advance(time.Second)
	wantPoolState(t, c, id, "STOPPED 2/0/0/0")

	// A STOPPED pool updates at once.
	u, err := c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: aws.String(id),
		Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(3)}, Description: aws.String("Bigger")})
	if err != nil {
		t.Fatalf("UpdateWorkspacesPool(STOPPED): %v", err)
	}
	if u.WorkspacesPool.State != types.WorkspacesPoolStateStopped || aws.ToString(u.WorkspacesPool.Description) != "Bigger" {
		t.Errorf("UpdateWorkspacesPool(STOPPED) = %+v, want STOPPED with the new description", u.WorkspacesPool)
	}
	wantPoolState(t, c, id, "STOPPED 3/0/0/0")

	if _, err := c.StartWorkspacesPool(ctx, &workspaces.StartWorkspacesPoolInput{PoolId: aws.String(id)}); err != nil {
		t.Fatalf("StartWorkspacesPool: %v", err)
	}
	wantPoolState(t, c, id, "STARTING 3/0/0/0")
	srv.Advance(time.Second)
	wantPoolState(t, c, id, "RUNNING 3/3/0/3")

	// A RUNNING pool goes through UPDATING; its capacity stays up.
	u, err = c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: aws.String(id),
		Capacity:            &types.Capacity{DesiredUserSessions: aws.Int32(1)},
		ApplicationSettings: &types.ApplicationSettingsRequest{Status: types.ApplicationSettingsStatusEnumDisabled},
		TimeoutSettings:     &types.TimeoutSettings{DisconnectTimeoutInSeconds: aws.Int32(120)}})
	if err != nil {
		t.Fatalf("UpdateWorkspacesPool(RUNNING): %v", err)
	}
	up := u.WorkspacesPool
	if up.State != types.WorkspacesPoolStateUpdating || up.ApplicationSettings.Status != types.ApplicationSettingsStatusEnumDisabled ||
		up.ApplicationSettings.S3BucketName != nil || aws.ToInt32(up.TimeoutSettings.DisconnectTimeoutInSeconds) != 120 ||
		aws.ToInt32(up.TimeoutSettings.MaxUserDurationInSeconds) != 3600 {
		t.Errorf("UpdateWorkspacesPool(RUNNING) = %+v / %+v / %+v", up, up.ApplicationSettings, up.TimeoutSettings)
	}
	wantPoolState(t, c, id, "UPDATING 1/1/0/1")
	srv.Advance(time.Second)
	wantPoolState(t, c, id, "RUNNING 1/1/0/1")

	// The running mode changes only while STOPPED; an ALWAYS_ON pool
	// neither stops nor starts.
	if _, err := c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: aws.String(id)}); err != nil {
		t.Fatalf("StopWorkspacesPool: %v", err)
	}
	srv.Advance(time.Second)
	if _, err := c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: aws.String(id),
		RunningMode: types.PoolsRunningModeAlwaysOn}); err != nil {
		t.Fatalf("UpdateWorkspacesPool(RunningMode): %v", err)
	}
	if p := describePool(t, c, id); p.RunningMode != types.PoolsRunningModeAlwaysOn || p.State != types.WorkspacesPoolStateStopped {
		t.Errorf("after the running mode change: %s %s", p.State, p.RunningMode)
	}
	_, err = c.StartWorkspacesPool(ctx, &workspaces.StartWorkspacesPoolInput{PoolId: aws.String(id)})
	wantMessage(t, err, "OperationNotSupportedException", "The WorkSpaces Pool "+id+" has running mode ALWAYS_ON; only an AUTO_STOP pool can be started.")

	// Terminate: DELETING, then gone with its tags.
	if _, err := c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: aws.String(id)}); err != nil {
		t.Fatalf("TerminateWorkspacesPool: %v", err)
	}
	wantPoolState(t, c, id, "DELETING 1/0/0/0")
	srv.Advance(time.Second)
	wantPoolState(t, c, id, "gone")
	_, err = c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
	notFound(t, err, id)
}

// TestPoolRefusals: every refusal, with its code and message.
func TestPoolRefusals(t *testing.T) {
	t.Parallel()
	cfg := wsl.DefaultConfig()
	cfg.Quotas.Pools = 3
	cfg.Quotas.PoolUserSessions = 10
	srv := start(t, wslocaltest.WithConfig(cfg))
	c := client(srv)
	ctx := context.Background()
	dir := registerPoolsDirectory(t, srv, c, "pools.example.com")
	bundle := publicBundleID(t, c, poolBundleName)
	registerDirectory(t, c, "d-1234567890")
	srv.Advance(time.Second)
	create := func(name, dir, bundle string, desired int32) error {
		_, err := c.CreateWorkspacesPool(ctx, &workspaces.CreateWorkspacesPoolInput{
			PoolName: aws.String(name), Description: aws.String("d"), BundleId: aws.String(bundle),
			DirectoryId: aws.String(dir), Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(desired)}})
		return err
	}

	wantMessage(t, create("a", "d-1234567890", bundle, 1), "InvalidParameterValuesException",
		"The directory d-1234567890 is registered with WorkspaceType PERSONAL; a WorkSpaces Pool needs a directory registered with WorkspaceType POOLS.")
	err := create("a", "d-0000000099", bundle, 1)
	notFound(t, err, "d-0000000099")
	wantMessage(t, err, "ResourceNotFoundException", "The directory d-0000000099 is not registered.")
	err = create("a", dir, "wsb-000000000", 1)
	notFound(t, err, "wsb-000000000")
	wantMessage(t, err, "ResourceNotFoundException", "The bundle wsb-000000000 could not be found.")
	wantMessage(t, create("a", dir, bundle, 11), "ResourceLimitExceededException", "A WorkSpaces Pool can have at most 10 user sessions; 11 requested.")
	_, err = c.CreateWorkspacesPool(ctx, &workspaces.CreateWorkspacesPoolInput{
		PoolName: aws.String("a"), Description: aws.String("d"), BundleId: aws.String(bundle), DirectoryId: aws.String(dir),
		Capacity:            &types.Capacity{DesiredUserSessions: aws.Int32(1)},
		ApplicationSettings: &types.ApplicationSettingsRequest{Status: types.ApplicationSettingsStatusEnumDisabled, SettingsGroup: aws.String("g")}})
	wantMessage(t, err, "InvalidParameterValuesException", "SettingsGroup can be given only when ApplicationSettings Status is ENABLED.")

	// A directory still registering takes no pool.
	reg, err := c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{WorkspaceDirectoryName: aws.String("late"),
		UserIdentityType: types.UserIdentityTypeCustomerManaged, WorkspaceType: types.WorkspaceTypePools})
	if err != nil {
		t.Fatalf("RegisterWorkspaceDirectory: %v", err)
	}
	late := aws.ToString(reg.DirectoryId)
	wantMessage(t, create("a", late, bundle, 1), "InvalidResourceStateException", "The directory "+late+" is REGISTERING, not REGISTERED.")

	a := aws.ToString(createPool(t, c, dir, bundle, "a", 1, "").PoolId)
	err = create("a", dir, bundle, 1)
	wantMessage(t, err, "ResourceAlreadyExistsException", "A WorkSpaces Pool named a already exists: "+a+".")

	// CREATING: nothing but terminate.
	id := aws.String(a)
	_, err = c.StartWorkspacesPool(ctx, &workspaces.StartWorkspacesPoolInput{PoolId: id})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is CREATING and cannot start.")
	_, err = c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: id})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is CREATING and cannot stop.")
	_, err = c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: id, Description: aws.String("x")})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is CREATING and cannot update.")
	srv.Advance(time.Second)

	// RUNNING: no start, and no running mode change.
	_, err = c.StartWorkspacesPool(ctx, &workspaces.StartWorkspacesPoolInput{PoolId: id})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is RUNNING and cannot start.")
	_, err = c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: id, RunningMode: types.PoolsRunningModeAlwaysOn})
	wantMessage(t, err, "InvalidResourceStateException", "The running mode of WorkSpaces Pool "+a+" can be changed only while it is STOPPED; it is RUNNING.")
	_, err = c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: id, DirectoryId: aws.String("d-1234567890")})
	wantMessage(t, err, "InvalidParameterValuesException",
		"The directory d-1234567890 is registered with WorkspaceType PERSONAL; a WorkSpaces Pool needs a directory registered with WorkspaceType POOLS.")
	_, err = c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: id, BundleId: aws.String("wsb-000000000")})
	notFound(t, err, "wsb-000000000")
	_, err = c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: id, Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(11)}})
	wantMessage(t, err, "ResourceLimitExceededException", "A WorkSpaces Pool can have at most 10 user sessions; 11 requested.")
	if _, err := c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: id, Description: aws.String("x")}); err != nil {
		t.Fatalf("UpdateWorkspacesPool: %v", err)
	}
	// UPDATING: no second update, no stop.
	_, err = c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: id, Description: aws.String("y")})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is UPDATING and cannot update.")
	_, err = c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: id})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is UPDATING and cannot stop.")
	srv.Advance(time.Second)

	// STOPPING and STOPPED: no stop.
	if _, err := c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: id}); err != nil {
		t.Fatalf("StopWorkspacesPool: %v", err)
	}
	_, err = c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: id})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is STOPPING and cannot stop.")
	_, err = c.StartWorkspacesPool(ctx, &workspaces.StartWorkspacesPoolInput{PoolId: id})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is STOPPING and cannot start.")
	srv.Advance(time.Second)
	_, err = c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: id})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is STOPPED and cannot stop.")

	// An ALWAYS_ON pool does not stop.
	on := aws.ToString(createPool(t, c, dir, bundle, "on", 1, types.PoolsRunningModeAlwaysOn).PoolId)
	srv.Advance(time.Second)
	_, err = c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: aws.String(on)})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+on+" has running mode ALWAYS_ON; only an AUTO_STOP pool can be stopped.")

	// DELETING: nothing but terminate, which changes nothing.
	if _, err := c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: id}); err != nil {
		t.Fatalf("TerminateWorkspacesPool: %v", err)
	}
	_, err = c.StartWorkspacesPool(ctx, &workspaces.StartWorkspacesPoolInput{PoolId: id})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is DELETING and cannot start.")
	_, err = c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: id, Description: aws.String("z")})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool "+a+" is DELETING and cannot update.")
	if _, err := c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: id}); err != nil {
		t.Errorf("TerminateWorkspacesPool(DELETING) = %v, want accepted", err)
	}

	// The quota counts the pools that exist, DELETING ones too.
	createPool(t, c, dir, bundle, "b", 1, "")
	wantMessage(t, create("c", dir, bundle, 1), "ResourceLimitExceededException", "You have reached the quota of 3 WorkSpaces Pools in us-east-1.")

	// Unknown ids.
	const missing = "wspool-000000000"
	for op, call := range map[string]func() error{
		"Update": func() error {
			_, err := c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: aws.String(missing)})
			return err
		},
		"Start": func() error {
			_, err := c.StartWorkspacesPool(ctx, &workspaces.StartWorkspacesPoolInput{PoolId: aws.String(missing)})
			return err
		},
		"Stop": func() error {
			_, err := c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: aws.String(missing)})
			return err
		},
		"Terminate": func() error {
			_, err := c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: aws.String(missing)})
			return err
		},
		"DescribeSessions": func() error {
			_, err := c.DescribeWorkspacesPoolSessions(ctx, &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: aws.String(missing)})
			return err
		},
	} {
		err := call()
		notFound(t, err, missing)
		if ae := apiError(t, err, "ResourceNotFoundException"); ae.ErrorMessage() != "The WorkSpaces Pool "+missing+" could not be found." {
			t.Errorf("%s: message %q", op, ae.ErrorMessage())
		}
	}
	const noSession = "00000000-0000-4000-8000-000000000000"
	_, err = c.TerminateWorkspacesPoolSession(ctx, &workspaces.TerminateWorkspacesPoolSessionInput{SessionId: aws.String(noSession)})
	notFound(t, err, noSession)
	wantMessage(t, err, "ResourceNotFoundException", "The WorkSpaces Pool session "+noSession+" could not be found.")

	// A POOLS directory takes no WorkSpaces Personal, and is not
	// deregistered while a pool uses it.
	cw, err := c.CreateWorkspaces(ctx, &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{{
		DirectoryId: aws.String(dir), BundleId: aws.String(bundle), UserName: aws.String("alice")}}})
	if err != nil || len(cw.FailedRequests) != 1 || aws.ToString(cw.FailedRequests[0].ErrorCode) != "OperationNotSupportedException" {
		t.Errorf("CreateWorkspaces in a POOLS directory = %+v, %v, want a failed request OperationNotSupportedException", cw, err)
	}
	_, err = c.DeregisterWorkspaceDirectory(ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(dir)})
	if ae := apiError(t, err, "InvalidResourceStateException"); !regexp.MustCompile(`^The directory ` + dir + ` is used by WorkSpaces Pool wspool-[0-9a-z]{9}; terminate its pools first\.$`).MatchString(ae.ErrorMessage()) {
		t.Errorf("DeregisterWorkspaceDirectory message %q", ae.ErrorMessage())
	}
}

// TestPoolSessions: sessions through the control API, listed, filtered,
// paged and terminated, and the control API's refusals.
func TestPoolSessions(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	dir := registerPoolsDirectory(t, srv, c, "pools.example.com")
	bundle := publicBundleID(t, c, poolBundleName)
	id := aws.ToString(createPool(t, c, dir, bundle, "desk", 3, "").PoolId)

	if status, out := startSession(t, srv, id, "alice"); status != http.StatusConflict ||
		out["error"] != "cannot start a pool session: the WorkSpaces Pool "+id+" is CREATING, not RUNNING" {
		t.Errorf("session in a CREATING pool = %d %v, want 409", status, out)
	}
	if status, _ := startSession(t, srv, "wspool-000000000", "alice"); status != http.StatusNotFound {
		t.Errorf("session in a missing pool = %d, want 404", status)
	}
	var bad map[string]any
	if status := srv.Control(http.MethodPost, "/_wslocal/pools/"+id+"/sessions", map[string]string{"user": "x"}, &bad); status != http.StatusBadRequest {
		t.Errorf("session without userId = %d %v, want 400", status, bad)
	}
	srv.Advance(time.Second)
	ids := map[string]string{}
	for _, u := range []string{"alice", "bob", "carol"} {
		status, out := startSession(t, srv, id, u)
		if status != http.StatusCreated {
			t.Fatalf("start session %s = %d %v", u, status, out)
		}
		ids[u] = fmt.Sprint(out["SessionId"])
	}
	if status, out := startSession(t, srv, id, "dave"); status != http.StatusConflict ||
		out["error"] != "cannot start a pool session: the WorkSpaces Pool "+id+" has no session available (3 desired, 3 active)" {
		t.Errorf("session in a full pool = %d %v", status, out)
	}
	wantPoolState(t, c, id, "RUNNING 3/3/3/0")

	// UserId filters; Limit pages in session id order.
	one, err := c.DescribeWorkspacesPoolSessions(ctx, &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: aws.String(id), UserId: aws.String("bob")})
	if err != nil || len(one.Sessions) != 1 || aws.ToString(one.Sessions[0].SessionId) != ids["bob"] {
		t.Errorf("sessions of bob = %+v, %v", one, err)
	}
	paged, sizes := walkPages(t, func(token *string) ([]string, *string, error) {
		out, err := c.DescribeWorkspacesPoolSessions(ctx, &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: aws.String(id), Limit: aws.Int32(2), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		var ids []string
		for _, s := range out.Sessions {
			ids = append(ids, aws.ToString(s.SessionId))
		}
		return ids, out.NextToken, nil
	})
	if len(sizes) > 3 || slices.Max(sizes) > 2 {
		t.Fatalf("pages of sizes %v, want at most 3 pages of at most 2", sizes)
	}
	want := []string{ids["alice"], ids["bob"], ids["carol"]}
	slices.Sort(want)
	if !slices.Equal(paged, want) {
		t.Errorf("paged sessions = %v, want %v", paged, want)
	}

	// Lowering the desired capacity below the active sessions keeps them.
	if _, err := c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: aws.String(id),
		Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(1)}}); err != nil {
		t.Fatalf("UpdateWorkspacesPool: %v", err)
	}
	srv.Advance(time.Second)
	wantPoolState(t, c, id, "RUNNING 1/3/3/0")

	if _, err := c.TerminateWorkspacesPoolSession(ctx, &workspaces.TerminateWorkspacesPoolSessionInput{SessionId: aws.String(ids["bob"])}); err != nil {
		t.Fatalf("TerminateWorkspacesPoolSession: %v", err)
	}
	if got := sessionsOf(t, c, id); !slices.Equal(got, []string{"alice CONNECTED", "carol CONNECTED"}) {
		t.Errorf("sessions after terminating bob's = %v", got)
	}
	wantPoolState(t, c, id, "RUNNING 1/2/2/0")
	_, err = c.TerminateWorkspacesPoolSession(ctx, &workspaces.TerminateWorkspacesPoolSessionInput{SessionId: aws.String(ids["bob"])})
	notFound(t, err, ids["bob"])

	// A user has one session in a pool.
	_, err = c.TerminateWorkspacesPoolSession(ctx, &workspaces.TerminateWorkspacesPoolSessionInput{SessionId: aws.String(ids["carol"])})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.TerminateWorkspacesPoolSession(ctx, &workspaces.TerminateWorkspacesPoolSessionInput{SessionId: aws.String(ids["alice"])})
	startSession(t, srv, id, "alice")
	if status, out := startSession(t, srv, id, "alice"); status != http.StatusConflict {
		t.Errorf("a second session of alice = %d %v, want 409", status, out)
	}
}

// TestPoolDescribeFiltersAndPaging: every operator of the PoolName filter,
// filters together, PoolIds, and Limit/NextToken.
func TestPoolDescribeFiltersAndPaging(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	dir := registerPoolsDirectory(t, srv, c, "pools.example.com")
	bundle := publicBundleID(t, c, poolBundleName)
	byName := map[string]string{}
	for _, n := range []string{"sales-east", "sales-west", "support", "dev"} {
		byName[aws.ToString(createPool(t, c, dir, bundle, n, 1, "").PoolId)] = n
	}
	names := func(filters ...types.DescribeWorkspacesPoolsFilter) []string {
		t.Helper()
		out, err := c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{Filters: filters})
		if err != nil {
			t.Fatalf("DescribeWorkspacesPools(%+v): %v", filters, err)
		}
		var got []string
		for _, p := range out.WorkspacesPools {
			got = append(got, aws.ToString(p.PoolName))
		}
		slices.Sort(got)
		return got
	}
	f := func(op types.DescribeWorkspacesPoolsFilterOperator, vals ...string) types.DescribeWorkspacesPoolsFilter {
		return types.DescribeWorkspacesPoolsFilter{Name: types.DescribeWorkspacesPoolsFilterNamePoolname, Operator: op, Values: vals}
	}
	for _, c := range []struct {
		filters []types.DescribeWorkspacesPoolsFilter
		want    []string
	}{
		{nil, []string{"dev", "sales-east", "sales-west", "support"}},
		{[]types.DescribeWorkspacesPoolsFilter{f("EQUALS", "dev", "support")}, []string{"dev", "support"}},
		{[]types.DescribeWorkspacesPoolsFilter{f("NOTEQUALS", "dev", "support")}, []string{"sales-east", "sales-west"}},
		{[]types.DescribeWorkspacesPoolsFilter{f("CONTAINS", "sales")}, []string{"sales-east", "sales-west"}},
		{[]types.DescribeWorkspacesPoolsFilter{f("NOTCONTAINS", "sales", "dev")}, []string{"support"}},
		{[]types.DescribeWorkspacesPoolsFilter{f("CONTAINS", "sa", "su"), f("NOTCONTAINS", "east")}, []string{"sales-west", "support"}},
		{[]types.DescribeWorkspacesPoolsFilter{f("EQUALS", "sales")}, nil},
	} {
		if got := names(c.filters...); !slices.Equal(got, c.want) {
			t.Errorf("filters %+v: %v, want %v", c.filters, got, c.want)
		}
	}

	var ids []string
	for id := range byName {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out, err := c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{PoolIds: []string{ids[2], "wspool-000000000", ids[0]}})
	if err != nil || len(out.WorkspacesPools) != 2 || aws.ToString(out.WorkspacesPools[0].PoolId) != ids[0] || aws.ToString(out.WorkspacesPools[1].PoolId) != ids[2] {
		t.Errorf("DescribeWorkspacesPools(PoolIds) = %+v, %v, want %s and %s by id, the unknown one left out", out, err, ids[0], ids[2])
	}
	_, err = c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{PoolIds: []string{ids[0], ids[0]}})
	wantMessage(t, err, "InvalidParameterValuesException", "PoolIds contains the value "+ids[0]+" more than once.")

	paged, sizes := walkPages(t, func(token *string) ([]string, *string, error) {
		out, err := c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{Limit: aws.Int32(3), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		var ids []string
		for _, p := range out.WorkspacesPools {
			ids = append(ids, aws.ToString(p.PoolId))
		}
		return ids, out.NextToken, nil
	})
	if len(sizes) > 2 || slices.Max(sizes) > 3 {
		t.Fatalf("pages of sizes %v, want at most 2 pages of at most 3", sizes)
	}
	if !slices.Equal(paged, ids) {
		t.Errorf("paged = %v, want %v", paged, ids)
	}
	_, err = c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{NextToken: aws.String("bogus")})
	apiError(t, err, "InvalidParameterValuesException")
}

// TestPoolTerraformDelete replays aws_workspaces_pool's delete: it calls
// TerminateWorkspacesPool whatever the pool's state, then polls
// DescribeWorkspacesPools while the pool is STOPPING or DELETING until it
// is gone.
func TestPoolTerraformDelete(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	dir := registerPoolsDirectory(t, srv, c, "pools.example.com")
	bundle := publicBundleID(t, c, poolBundleName)
	running := aws.ToString(createPool(t, c, dir, bundle, "running", 2, "").PoolId)
	stopped := aws.ToString(createPool(t, c, dir, bundle, "stopped", 1, "").PoolId)
	srv.Advance(time.Second)
	if status, _ := startSession(t, srv, running, "alice"); status != http.StatusCreated {
		t.Fatalf("start session: %d", status)
	}
	if _, err := c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: aws.String(stopped)}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Second)

	// destroy is Terraform's Delete, on the manual clock: each poll moves
	// the clock a second, as its back-off would; it returns the states seen.
	destroy := func(id string) []string {
		t.Helper()
		if _, err := c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: aws.String(id)}); err != nil {
			t.Fatalf("TerminateWorkspacesPool(%s): %v", id, err)
		}
		var seen []string
		for polls := 0; ; polls++ {
			p := describePool(t, c, id)
			if p == nil {
				return seen
			}
			if p.State != types.WorkspacesPoolStateStopping && p.State != types.WorkspacesPoolStateDeleting {
				t.Fatalf("pool %s is %s while Terraform waits for it to go (pending: STOPPING, DELETING)", id, p.State)
			}
			if polls > 10 {
				t.Fatalf("pool %s still %s after %d polls", id, p.State, polls)
			}
			seen = append(seen, string(p.State))
			srv.Advance(time.Second)
		}
	}
	if got := destroy(running); !slices.Equal(got, []string{"STOPPING", "DELETING"}) {
		t.Errorf("terminate from RUNNING went through %v, want STOPPING, DELETING", got)
	}
	if got := destroy(stopped); !slices.Equal(got, []string{"DELETING"}) {
		t.Errorf("terminate from STOPPED went through %v, want DELETING", got)
	}
	creating := aws.ToString(createPool(t, c, dir, bundle, "creating", 1, "").PoolId)
	if got := destroy(creating); !slices.Equal(got, []string{"STOPPING", "DELETING"}) {
		t.Errorf("terminate from CREATING went through %v, want STOPPING, DELETING", got)
	}
	// A pool already STOPPING goes on to DELETING once stopped.
	stopping := aws.ToString(createPool(t, c, dir, bundle, "stopping", 1, "").PoolId)
	srv.Advance(time.Second)
	if _, err := c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: aws.String(stopping)}); err != nil {
		t.Fatal(err)
	}
	if got := destroy(stopping); !slices.Equal(got, []string{"STOPPING", "DELETING"}) {
		t.Errorf("terminate from STOPPING went through %v, want STOPPING, DELETING", got)
	}
	// Terraform treats ResourceNotFoundException as already deleted.
	_, err := c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: aws.String(running)})
	notFound(t, err, running)
	// With the pools gone, the directory can go.
	if _, err := c.DeregisterWorkspaceDirectory(ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(dir)}); err != nil {
		t.Errorf("DeregisterWorkspaceDirectory after the pools went: %v", err)
	}
}

// TestPoolSnapshotRoundTrip: pools, their sessions, tags and steps in
// flight survive export and import.
func TestPoolSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	dir := registerPoolsDirectory(t, srv, c, "pools.example.com")
	bundle := publicBundleID(t, c, poolBundleName)
	id := aws.ToString(createPool(t, c, dir, bundle, "desk", 2, "").PoolId)
	if _, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("desk")}}}); err != nil {
		t.Fatalf("CreateTags: %v", err)
	}
	srv.Advance(time.Second)
	if status, _ := startSession(t, srv, id, "alice"); status != http.StatusCreated {
		t.Fatalf("start session: %d", status)
	}
	if _, err := c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	// A second pool keeps its session, running.
	other := aws.ToString(createPool(t, c, dir, bundle, "other", 1, "").PoolId)
	srv.Advance(time.Second)
	if status, _ := startSession(t, srv, other, "bob"); status != http.StatusCreated {
		t.Fatalf("start session: %d", status)
	}
	if _, err := c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	before := []string{poolState(t, c, id), poolState(t, c, other)}

	state := exportState(t, srv)
	srv.Reset()
	if got := poolState(t, c, other); got != "gone" {
		t.Fatalf("after reset: %s", got)
	}
	importState(t, srv, state)
	after := []string{poolState(t, c, id), poolState(t, c, other)}
	if !slices.Equal(before, after) {
		t.Errorf("after the round trip: %v, want %v", after, before)
	}
	if got := sessionsOf(t, c, other); !slices.Equal(got, []string{"bob CONNECTED"}) {
		t.Errorf("sessions after the round trip: %v", got)
	}
	if tags := tagsOf(t, c, id); tags["team"] != "desk" {
		t.Errorf("tags after the round trip: %v", tags)
	}
	// The DELETING step in flight goes on.
	srv.Advance(time.Second)
	if got := poolState(t, c, id); got != "gone" {
		t.Errorf("the imported DELETING pool is %s a step later, want gone", got)
	}
}

// TestPoolSnapshotOddities: a snapshot whose pools are odd (an unknown
// state with a step due, an empty document, a negative session count, a
// session without a pool) imports, and every pool operation answers.
func TestPoolSnapshotOddities(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	res := func(kind, id, state string, dueAt int64, doc string) map[string]any {
		return map[string]any{"account": "000000000000", "region": "us-east-1", "kind": kind, "id": id, "state": state,
			"created": 1767225600000, "dueAt": dueAt, "doc": json.RawMessage(doc)}
	}
	snap := map[string]any{"version": 1, "resources": []any{
		res("pool", "wspool-odd000001", "WEIRD", 1, `{}`),
		res("pool", "wspool-odd000002", "RUNNING", 0, `{"wslocalActiveSessions": -3, "TimeoutSettings": null}`),
		res("pool-session", "00000000-0000-4000-8000-000000000001", "CONNECTED", 0, `{"UserId": "ghost"}`),
	}, "associations": []any{}, "tags": []any{}, "shares": []any{}}
	var answer map[string]any
	if status := srv.Control(http.MethodPut, "/_wslocal/state", snap, &answer); status != http.StatusOK {
		t.Fatalf("PUT state: %d %v", status, answer)
	}
	srv.Advance(time.Second)
	out, err := c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{})
	if err != nil || len(out.WorkspacesPools) != 2 {
		t.Fatalf("DescribeWorkspacesPools = %+v, %v", out, err)
	}
	if cs := out.WorkspacesPools[1].CapacityStatus; aws.ToInt32(cs.ActiveUserSessions) != 0 || aws.ToInt32(cs.AvailableUserSessions) != 0 {
		t.Errorf("capacity of a pool with a negative count = %+v, want 0 active, 0 available", cs)
	}
	for _, id := range []string{"wspool-odd000001", "wspool-odd000002"} {
		_, err = c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: aws.String(id), Description: aws.String("x")})
		if id == "wspool-odd000001" {
			wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool wspool-odd000001 is WEIRD and cannot update.")
		} else if err != nil {
			t.Errorf("UpdateWorkspacesPool(%s): %v", id, err)
		}
		if _, err := c.DescribeWorkspacesPoolSessions(ctx, &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: aws.String(id)}); err != nil {
			t.Errorf("DescribeWorkspacesPoolSessions(%s): %v", id, err)
		}
	}
	if status, out := startSession(t, srv, "wspool-odd000002", "alice"); status != http.StatusConflict {
		t.Errorf("a session in an UPDATING pool with no capacity = %d %v, want 409", status, out)
	}
	if _, err := c.TerminateWorkspacesPoolSession(ctx, &workspaces.TerminateWorkspacesPoolSessionInput{
		SessionId: aws.String("00000000-0000-4000-8000-000000000001")}); err != nil {
		t.Errorf("TerminateWorkspacesPoolSession of a session without a pool: %v", err)
	}
	_, err = c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: aws.String("wspool-odd000001")})
	wantMessage(t, err, "InvalidResourceStateException", "The WorkSpaces Pool wspool-odd000001 is WEIRD and cannot terminate.")
}

// TestPoolSessionEndsAtItsMaximumDuration: a session ends on the clock at
// its ExpirationTime, the pool's MaxUserDurationInSeconds after it started,
// and its place in the pool is free again.
func TestPoolSessionEndsAtItsMaximumDuration(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	dir := registerPoolsDirectory(t, srv, c, "pools.example.com")
	bundle := publicBundleID(t, c, poolBundleName)
	out, err := c.CreateWorkspacesPool(ctx, &workspaces.CreateWorkspacesPoolInput{
		PoolName: aws.String("short"), Description: aws.String("short sessions"), BundleId: aws.String(bundle),
		DirectoryId: aws.String(dir), Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(1)},
		TimeoutSettings: &types.TimeoutSettings{MaxUserDurationInSeconds: aws.Int32(600)}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.WorkspacesPool.PoolId)
	srv.Advance(time.Second)
	if status, _ := startSession(t, srv, id, "alice"); status != http.StatusCreated {
		t.Fatalf("start session: %d", status)
	}
	srv.Advance(599 * time.Second)
	if got := sessionsOf(t, c, id); !slices.Equal(got, []string{"alice CONNECTED"}) {
		t.Fatalf("sessions a second before the end = %v", got)
	}
	wantPoolState(t, c, id, "RUNNING 1/1/1/0")
	srv.Advance(time.Second)
	if got := sessionsOf(t, c, id); len(got) != 0 {
		t.Errorf("sessions at the maximum duration = %v, want none", got)
	}
	wantPoolState(t, c, id, "RUNNING 1/1/0/1")
	if status, out := startSession(t, srv, id, "alice"); status != http.StatusCreated {
		t.Errorf("a new session after the old one ended = %d %v", status, out)
	}
}
