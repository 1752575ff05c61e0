package gosdk_test

// WorkSpaces, their directories and their bundles' images, checked against
// the AWS API reference, the administration guide and the AWS CLI's shipped
// examples (docs/fidelity-workspaces.md lists each rule with its source).

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

const (
	fidDir  = "d-926722edaf" // the AWS CLI examples' directory
	fidDir2 = "d-9267000001"
)

// publicBundleOf returns an AWS-owned Windows bundle with this compute type
// and volumes (GiB), whatever its name.
func publicBundleOf(t *testing.T, c *workspaces.Client, compute types.Compute, root, user string) string {
	t.Helper()
	in := &workspaces.DescribeWorkspaceBundlesInput{Owner: aws.String("AMAZON")}
	for {
		out, err := c.DescribeWorkspaceBundles(context.Background(), in)
		if err != nil {
			t.Fatalf("DescribeWorkspaceBundles: %v", err)
		}
		for _, b := range out.Bundles {
			if b.ComputeType != nil && b.ComputeType.Name == compute && b.RootStorage != nil && b.UserStorage != nil &&
				aws.ToString(b.RootStorage.Capacity) == root && aws.ToString(b.UserStorage.Capacity) == user {
				return aws.ToString(b.BundleId)
			}
		}
		if out.NextToken == nil {
			t.Fatalf("no AWS bundle %s with %s/%s GiB", compute, root, user)
		}
		in.NextToken = out.NextToken
	}
}

// wantAPIError asserts err is the service error code with exactly msg.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	ae := apiError(t, err, code)
	if ae.ErrorMessage() != msg {
		t.Errorf("%s message\n got: %s\nwant: %s", code, ae.ErrorMessage(), msg)
	}
}

// wantFailed asserts a CreateWorkspaces call failed its one request with
// code and msg, and created nothing.
func wantFailed(t *testing.T, out *workspaces.CreateWorkspacesOutput, err error, code, msg string) {
	t.Helper()
	if err != nil {
		t.Fatalf("CreateWorkspaces: %v", err)
	}
	if len(out.PendingRequests) != 0 || len(out.FailedRequests) != 1 {
		t.Fatalf("CreateWorkspaces: pending %+v, failed %+v; want one failed", out.PendingRequests, out.FailedRequests)
	}
	f := out.FailedRequests[0]
	if aws.ToString(f.ErrorCode) != code || aws.ToString(f.ErrorMessage) != msg {
		t.Errorf("FailedRequests[0]\n got: %s %s\nwant: %s %s", aws.ToString(f.ErrorCode), aws.ToString(f.ErrorMessage), code, msg)
	}
}

func describeWorkspace(t *testing.T, c *workspaces.Client, id string) types.Workspace {
	t.Helper()
	out, err := c.DescribeWorkspaces(context.Background(), &workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeWorkspaces(%s): %v", id, err)
	}
	if len(out.Workspaces) != 1 {
		t.Fatalf("DescribeWorkspaces(%s) = %+v, want that WorkSpace", id, out.Workspaces)
	}
	return out.Workspaces[0]
}

// workspacesEnv is a server with a REGISTERED directory and a Standard
// (80/50 GiB) public bundle.
func workspacesEnv(t *testing.T) (*wslocaltest.Server, *workspaces.Client, string) {
	srv := start(t)
	c := client(srv)
	registerDirectory(t, c, fidDir)
	srv.Advance(time.Second)
	return srv, c, publicBundleOf(t, c, types.ComputeStandard, "80", "50")
}

func createOne(c *workspaces.Client, req types.WorkspaceRequest) (*workspaces.CreateWorkspacesOutput, error) {
	return c.CreateWorkspaces(context.Background(), &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{req}})
}

// The API reference of DescribeWorkspaces: "You can filter the results by
// using the bundle identifier, directory identifier, or owner, but you can
// specify only one filter at a time"; WorkspaceIds, DirectoryId and
// BundleId each "cannot be combined with any other filter"; UserName "You
// must specify this parameter with DirectoryId".
func TestDescribeWorkspacesOneFilterAtATime(t *testing.T) {
	t.Parallel()
	_, c, bundle := workspacesEnv(t)
	ws := createWorkspace(t, c, fidDir, bundle, "Mateo")
	ctx := context.Background()
	const oneFilter = "An invalid number of parameters provided with DescribeWorkspaces. " +
		"Only one of the following are allowed to be specified: BundleId, DirectoryId, WorkSpaceIds, Filters."
	for _, tc := range []struct {
		name string
		in   workspaces.DescribeWorkspacesInput
		msg  string
	}{
		{"DirectoryId and BundleId", workspaces.DescribeWorkspacesInput{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle)},
			oneFilter},
		{"WorkspaceIds and DirectoryId", workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{ws}, DirectoryId: aws.String(fidDir)},
			oneFilter},
		{"WorkspaceIds and BundleId", workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{ws}, BundleId: aws.String(bundle)},
			oneFilter},
		{"BundleId and WorkspaceName", workspaces.DescribeWorkspacesInput{BundleId: aws.String(bundle), WorkspaceName: aws.String("desk1")},
			oneFilter},
		{"DirectoryId, UserName and WorkspaceName", workspaces.DescribeWorkspacesInput{DirectoryId: aws.String(fidDir),
			UserName: aws.String("Mateo"), WorkspaceName: aws.String("desk1")},
			oneFilter},
		{"UserName alone", workspaces.DescribeWorkspacesInput{UserName: aws.String("Mateo")},
			"The DirectoryId parameter is required when UserName is used."},
	} {
		_, err := c.DescribeWorkspaces(ctx, &tc.in)
		wantAPIError(t, err, "InvalidParameterValuesException", tc.msg)
	}
	// Each filter alone, and DirectoryId with UserName, find the WorkSpace.
	for _, in := range []workspaces.DescribeWorkspacesInput{
		{WorkspaceIds: []string{ws}}, {DirectoryId: aws.String(fidDir)}, {BundleId: aws.String(bundle)},
		{DirectoryId: aws.String(fidDir), UserName: aws.String("Mateo")},
	} {
		out, err := c.DescribeWorkspaces(ctx, &in)
		if err != nil || len(out.Workspaces) != 1 || aws.ToString(out.Workspaces[0].WorkspaceId) != ws {
			t.Errorf("DescribeWorkspaces(%+v) = %+v, %v; want %s", in, out, err, ws)
		}
	}
}

// The API reference of WorkspaceProperties: the AutoStop timeout is
// "Configured in 60-minute intervals"; "The MANUAL value is only supported
// by Amazon WorkSpaces Core"; AWS refuses a timeout for an AlwaysOn
// WorkSpace ("RunningModeAutoStopTimeoutInMinutes is not applicable for
// WorkSpace with running mode set to ALWAYS_ON.").
func TestCreateWorkspacesRunningModeRules(t *testing.T) {
	t.Parallel()
	srv, c, bundle := workspacesEnv(t)
	const code = "InvalidParameterValuesException"
	for i, tc := range []struct {
		props types.WorkspaceProperties
		msg   string
	}{
		{types.WorkspaceProperties{RunningMode: types.RunningModeAlwaysOn, RunningModeAutoStopTimeoutInMinutes: aws.Int32(60)},
			"RunningModeAutoStopTimeoutInMinutes is not applicable for WorkSpace with running mode set to ALWAYS_ON."},
		{types.WorkspaceProperties{RunningModeAutoStopTimeoutInMinutes: aws.Int32(120)}, // ALWAYS_ON by default
			"RunningModeAutoStopTimeoutInMinutes is not applicable for WorkSpace with running mode set to ALWAYS_ON."},
		{types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop, RunningModeAutoStopTimeoutInMinutes: aws.Int32(90)},
			"RunningModeAutoStopTimeoutInMinutes must be a multiple of 60 minutes; 90 is not."},
		{types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop, RunningModeAutoStopTimeoutInMinutes: aws.Int32(0)},
			"RunningModeAutoStopTimeoutInMinutes must be a multiple of 60 minutes; 0 is not."},
		{types.WorkspaceProperties{RunningMode: types.RunningModeManual},
			"The MANUAL running mode is only supported by Amazon WorkSpaces Core; contact your account team to be allow-listed."},
	} {
		props := tc.props
		out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle),
			UserName: aws.String(fmt.Sprintf("user%d", i)), WorkspaceProperties: &props})
		wantFailed(t, out, err, code, tc.msg)
	}
	// AUTO_STOP takes 60 by default, or a multiple of 60.
	for user, timeout := range map[string]*int32{"Mary": nil, "Ana": aws.Int32(180)} {
		out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle), UserName: aws.String(user),
			WorkspaceProperties: &types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop, RunningModeAutoStopTimeoutInMinutes: timeout}})
		if err != nil || len(out.PendingRequests) != 1 {
			t.Fatalf("CreateWorkspaces AUTO_STOP %v: %+v, %v", timeout, out, err)
		}
		srv.Advance(time.Second)
		p := describeWorkspace(t, c, aws.ToString(out.PendingRequests[0].WorkspaceId)).WorkspaceProperties
		if want := aws.ToInt32(timeout); p.RunningMode != types.RunningModeAutoStop || aws.ToInt32(p.RunningModeAutoStopTimeoutInMinutes) != max(want, 60) {
			t.Errorf("%s: running mode %s, timeout %d; want AUTO_STOP, %d", user, p.RunningMode, aws.ToInt32(p.RunningModeAutoStopTimeoutInMinutes), max(want, 60))
		}
	}
}

func TestModifyWorkspacePropertiesRunningModeRules(t *testing.T) {
	t.Parallel()
	srv, c, bundle := workspacesEnv(t)
	ctx := context.Background()
	ws := createWorkspace(t, c, fidDir, bundle, "Mateo")
	srv.Advance(time.Second)
	modify := func(p types.WorkspaceProperties) error {
		_, err := c.ModifyWorkspaceProperties(ctx, &workspaces.ModifyWorkspacePropertiesInput{WorkspaceId: aws.String(ws), WorkspaceProperties: &p})
		return err
	}
	mode := func() (types.RunningMode, int32) {
		p := describeWorkspace(t, c, ws).WorkspaceProperties
		return p.RunningMode, aws.ToInt32(p.RunningModeAutoStopTimeoutInMinutes)
	}
	notApplicable := "RunningModeAutoStopTimeoutInMinutes is not applicable for WorkSpace with running mode set to ALWAYS_ON."
	wantAPIError(t, modify(types.WorkspaceProperties{RunningModeAutoStopTimeoutInMinutes: aws.Int32(60)}), "InvalidParameterValuesException", notApplicable)
	wantAPIError(t, modify(types.WorkspaceProperties{RunningMode: types.RunningModeAlwaysOn, RunningModeAutoStopTimeoutInMinutes: aws.Int32(60)}),
		"InvalidParameterValuesException", notApplicable)
	err := modify(types.WorkspaceProperties{RunningMode: types.RunningModeManual})
	wantAPIError(t, err, "UnsupportedWorkspaceConfigurationException",
		"The MANUAL running mode is only supported by Amazon WorkSpaces Core; contact your account team to be allow-listed.")
	asType[*types.UnsupportedWorkspaceConfigurationException](t, err)
	if m, _ := mode(); m != types.RunningModeAlwaysOn {
		t.Fatalf("refused calls changed the running mode to %s", m)
	}

	// The CLI example: RunningMode=AUTO_STOP alone; the timeout is 60.
	if err := modify(types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop}); err != nil {
		t.Fatalf("ModifyWorkspaceProperties AUTO_STOP: %v", err)
	}
	if m, to := mode(); m != types.RunningModeAutoStop || to != 60 {
		t.Fatalf("after AUTO_STOP: %s %d, want AUTO_STOP 60", m, to)
	}
	wantAPIError(t, modify(types.WorkspaceProperties{RunningModeAutoStopTimeoutInMinutes: aws.Int32(61)}),
		"InvalidParameterValuesException", "RunningModeAutoStopTimeoutInMinutes must be a multiple of 60 minutes; 61 is not.")
	if err := modify(types.WorkspaceProperties{RunningModeAutoStopTimeoutInMinutes: aws.Int32(120)}); err != nil {
		t.Fatalf("timeout 120: %v", err)
	}
	// AUTO_STOP again keeps the timeout; ALWAYS_ON drops it.
	if err := modify(types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop}); err != nil {
		t.Fatal(err)
	}
	if m, to := mode(); m != types.RunningModeAutoStop || to != 120 {
		t.Fatalf("after AUTO_STOP again: %s %d, want AUTO_STOP 120", m, to)
	}
	if err := modify(types.WorkspaceProperties{RunningMode: types.RunningModeAlwaysOn}); err != nil {
		t.Fatal(err)
	}
	if m, to := mode(); m != types.RunningModeAlwaysOn || to != 0 {
		t.Fatalf("after ALWAYS_ON: %s %d, want ALWAYS_ON without a timeout", m, to)
	}
}

// The administration guide ("Modify a WorkSpace"): root and user volumes
// come in the groups [80, 10], [80, 50], [80, 100] and [175 to 2000, 100 to
// 2000]; they only grow; the root and user volumes cannot be increased at
// the same time, nor a volume together with the compute type.
func TestCreateWorkspacesVolumeRules(t *testing.T) {
	t.Parallel()
	srv, c, bundle := workspacesEnv(t)
	const code = "InvalidParameterValuesException"
	for i, tc := range []struct {
		root, user *int32
		msg        string
	}{
		{aws.Int32(-1), nil, "The volumes (root -1 GiB, user 50 GiB) cannot be smaller than the bundle's (root 80 GiB, user 50 GiB)."},
		{nil, aws.Int32(2147483647), "The volume sizes (root 80 GiB, user 2147483647 GiB) are not an allowed combination: " +
			"root 80 with user 10, 50 or 100, or root 175 to 2000 with user 100 to 2000."},
		{nil, aws.Int32(10), "The volumes (root 80 GiB, user 10 GiB) cannot be smaller than the bundle's (root 80 GiB, user 50 GiB)."},
		{aws.Int32(175), nil, "The volume sizes (root 175 GiB, user 50 GiB) are not an allowed combination: " +
			"root 80 with user 10, 50 or 100, or root 175 to 2000 with user 100 to 2000."},
		{aws.Int32(2001), aws.Int32(100), "The volume sizes (root 2001 GiB, user 100 GiB) are not an allowed combination: " +
			"root 80 with user 10, 50 or 100, or root 175 to 2000 with user 100 to 2000."},
	} {
		out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle),
			UserName:            aws.String(fmt.Sprintf("user%d", i)),
			WorkspaceProperties: &types.WorkspaceProperties{RootVolumeSizeGib: tc.root, UserVolumeSizeGib: tc.user}})
		wantFailed(t, out, err, code, tc.msg)
	}
	out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle), UserName: aws.String("big"),
		WorkspaceProperties: &types.WorkspaceProperties{RootVolumeSizeGib: aws.Int32(175), UserVolumeSizeGib: aws.Int32(100)}})
	if err != nil || len(out.PendingRequests) != 1 {
		t.Fatalf("CreateWorkspaces 175/100: %+v, %v", out, err)
	}
	srv.Advance(time.Second)
	p := describeWorkspace(t, c, aws.ToString(out.PendingRequests[0].WorkspaceId)).WorkspaceProperties
	if aws.ToInt32(p.RootVolumeSizeGib) != 175 || aws.ToInt32(p.UserVolumeSizeGib) != 100 {
		t.Errorf("volumes %d/%d, want 175/100", aws.ToInt32(p.RootVolumeSizeGib), aws.ToInt32(p.UserVolumeSizeGib))
	}
}

func TestModifyWorkspacePropertiesVolumeRules(t *testing.T) {
	t.Parallel()
	srv, c, bundle := workspacesEnv(t)
	ctx := context.Background()
	ws := createWorkspace(t, c, fidDir, bundle, "Mateo") // 80/50
	srv.Advance(time.Second)
	modify := func(p types.WorkspaceProperties) error {
		_, err := c.ModifyWorkspaceProperties(ctx, &workspaces.ModifyWorkspacePropertiesInput{WorkspaceId: aws.String(ws), WorkspaceProperties: &p})
		return err
	}
	const code = "InvalidParameterValuesException"
	for _, tc := range []struct {
		p   types.WorkspaceProperties
		msg string
	}{
		{types.WorkspaceProperties{UserVolumeSizeGib: aws.Int32(10)}, "UserVolumeSizeGib can only grow: it is 50."},
		{types.WorkspaceProperties{RootVolumeSizeGib: aws.Int32(-1)}, "RootVolumeSizeGib can only grow: it is 80."},
		{types.WorkspaceProperties{RootVolumeSizeGib: aws.Int32(175), UserVolumeSizeGib: aws.Int32(100)},
			"The root and user volumes cannot be increased at the same time."},
		{types.WorkspaceProperties{UserVolumeSizeGib: aws.Int32(100), ComputeTypeName: types.ComputePerformance},
			"The volume size and the compute type cannot be changed at the same time."},
		{types.WorkspaceProperties{RootVolumeSizeGib: aws.Int32(175)}, "The volume sizes (root 175 GiB, user 50 GiB) are not an allowed combination: " +
			"root 80 with user 10, 50 or 100, or root 175 to 2000 with user 100 to 2000."},
		{types.WorkspaceProperties{UserVolumeSizeGib: aws.Int32(2147483647)}, "The volume sizes (root 80 GiB, user 2147483647 GiB) are not an allowed combination: " +
			"root 80 with user 10, 50 or 100, or root 175 to 2000 with user 100 to 2000."},
	} {
		wantAPIError(t, modify(tc.p), code, tc.msg)
	}
	// 80/50 -> 80/100 -> 175/100 -> 175/2000, one volume at a time.
	for _, p := range []types.WorkspaceProperties{{UserVolumeSizeGib: aws.Int32(100)}, {RootVolumeSizeGib: aws.Int32(175)},
		{UserVolumeSizeGib: aws.Int32(2000)}} {
		if err := modify(p); err != nil {
			t.Fatalf("ModifyWorkspaceProperties %+v: %v", p, err)
		}
	}
	p := describeWorkspace(t, c, ws).WorkspaceProperties
	if aws.ToInt32(p.RootVolumeSizeGib) != 175 || aws.ToInt32(p.UserVolumeSizeGib) != 2000 {
		t.Errorf("volumes %d/%d, want 175/2000", aws.ToInt32(p.RootVolumeSizeGib), aws.ToInt32(p.UserVolumeSizeGib))
	}
}

// AWS shows TERMINATED "only briefly": on the default durations a
// terminated WorkSpace is listed for a minute, then its id is gone.
func TestTerminatedWorkspaceDisappearsAfterAMinute(t *testing.T) {
	t.Parallel()
	srv, c, bundle := workspacesEnv(t)
	ctx := context.Background()
	ws := createWorkspace(t, c, fidDir, bundle, "Mateo")
	srv.Advance(time.Second)
	out, err := c.TerminateWorkspaces(ctx, &workspaces.TerminateWorkspacesInput{TerminateWorkspaceRequests: []types.TerminateRequest{{WorkspaceId: aws.String(ws)}}})
	if err != nil || len(out.FailedRequests) != 0 {
		t.Fatalf("TerminateWorkspaces: %+v, %v", out, err)
	}
	if s := describeWorkspace(t, c, ws).State; s != types.WorkspaceStateTerminating {
		t.Fatalf("state %s, want TERMINATING", s)
	}
	srv.Advance(time.Second)
	if s := describeWorkspace(t, c, ws).State; s != types.WorkspaceStateTerminated {
		t.Fatalf("state %s, want TERMINATED", s)
	}
	srv.Advance(time.Minute - time.Millisecond)
	if s := describeWorkspace(t, c, ws).State; s != types.WorkspaceStateTerminated {
		t.Fatalf("state %s just before a minute, want TERMINATED", s)
	}
	srv.Advance(time.Millisecond)
	got, err := c.DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{ws}})
	if err != nil || len(got.Workspaces) != 0 {
		t.Fatalf("a minute after TERMINATED: %+v, %v; want no WorkSpace", got, err)
	}
}

// A directory always has two subnets (given, or chosen and kept) and a DNS
// address in each; its WorkSpaces are in those subnets, with addresses
// unique in the subnet and inside its range (a /20, docs/behaviour.md).
func TestDirectorySubnetsAndAddresses(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	registerDirectory(t, c, fidDir)
	given := []string{"subnet-9d19c4c6", "subnet-500d5819"}
	if _, err := c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{
		DirectoryId: aws.String(fidDir2), SubnetIds: given}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Second)
	d := describeDirectory(t, c, fidDir)
	if len(d.SubnetIds) != 2 || d.SubnetIds[0] == d.SubnetIds[1] || len(d.DnsIpAddresses) != 2 {
		t.Fatalf("directory without SubnetIds: subnets %v, DNS %v; want two of each", d.SubnetIds, d.DnsIpAddresses)
	}
	if again := describeDirectory(t, c, fidDir); !slices.Equal(again.SubnetIds, d.SubnetIds) || !slices.Equal(again.DnsIpAddresses, d.DnsIpAddresses) {
		t.Fatalf("subnets changed between calls: %v %v, then %v %v", d.SubnetIds, d.DnsIpAddresses, again.SubnetIds, again.DnsIpAddresses)
	}
	if d2 := describeDirectory(t, c, fidDir2); !slices.Equal(d2.SubnetIds, given) || len(d2.DnsIpAddresses) != 2 {
		t.Fatalf("directory with SubnetIds %v: %v, DNS %v", given, d2.SubnetIds, d2.DnsIpAddresses)
	}

	// 40 WorkSpaces in each directory.
	bundle := publicBundleOf(t, c, types.ComputeStandard, "80", "50")
	for _, dir := range []string{fidDir, fidDir2} {
		for batch := range 2 {
			var reqs []types.WorkspaceRequest
			for i := range 20 {
				reqs = append(reqs, types.WorkspaceRequest{DirectoryId: aws.String(dir), BundleId: aws.String(bundle),
					UserName: aws.String(fmt.Sprintf("user%02d", batch*20+i))})
			}
			out, err := c.CreateWorkspaces(ctx, &workspaces.CreateWorkspacesInput{Workspaces: reqs})
			if err != nil || len(out.FailedRequests) != 0 {
				t.Fatalf("CreateWorkspaces: %+v, %v", out, err)
			}
		}
	}
	srv.Advance(time.Second)
	for _, dir := range []string{fidDir, fidDir2} {
		d := describeDirectory(t, c, dir)
		ranges := map[string]netip.Prefix{}
		used := map[string]string{} // subnet/address -> what has it
		for i, sn := range d.SubnetIds {
			dns := netip.MustParseAddr(d.DnsIpAddresses[i])
			ranges[sn] = netip.PrefixFrom(dns, 20).Masked()
			used[sn+"/"+dns.String()] = "DNS"
		}
		perSubnet := map[string]int{}
		in := &workspaces.DescribeWorkspacesInput{DirectoryId: aws.String(dir)}
		n := 0
		for {
			out, err := c.DescribeWorkspaces(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range out.Workspaces {
				n++
				sn, ip := aws.ToString(w.SubnetId), aws.ToString(w.IpAddress)
				r, ok := ranges[sn]
				if !ok {
					t.Errorf("%s: SubnetId %s is not one of %s's %v", aws.ToString(w.WorkspaceId), sn, dir, d.SubnetIds)
					continue
				}
				addr, err := netip.ParseAddr(ip)
				if err != nil || !r.Contains(addr) {
					t.Errorf("%s: IpAddress %q is not inside %s (%s)", aws.ToString(w.WorkspaceId), ip, r, sn)
				}
				if other := used[sn+"/"+ip]; other != "" {
					t.Errorf("%s: IpAddress %s in %s is also %s's", aws.ToString(w.WorkspaceId), ip, sn, other)
				}
				used[sn+"/"+ip] = aws.ToString(w.WorkspaceId)
				perSubnet[sn]++
			}
			if out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
		if n != 40 || perSubnet[d.SubnetIds[0]] != 20 || perSubnet[d.SubnetIds[1]] != 20 {
			t.Errorf("%s: %d WorkSpaces, per subnet %v; want 40, 20 in each", dir, n, perSubnet)
		}
	}
}

// The AWS CLI's examples: create-workspaces' PendingRequests carry the
// request's members, the new id and PENDING, nothing else;
// describe-workspaces shows "ModificationStates": []. While PENDING a
// WorkSpace has no address, subnet or computer name yet.
func TestWorkspaceShapesAsTheCLIExamplesShow(t *testing.T) {
	t.Parallel()
	srv, _, bundle := workspacesEnv(t)
	created := rawCall(t, srv, "CreateWorkspaces", fmt.Sprintf(
		`{"Workspaces":[{"DirectoryId":%q,"UserName":"Mary","BundleId":%q,"WorkspaceProperties":{"RunningMode":"AUTO_STOP"}},`+
			`{"DirectoryId":%q,"UserName":"[UNDEFINED]","WorkspaceName":"MaryWorkspace1","BundleId":%q}]}`, fidDir, bundle, fidDir, bundle))
	if created.Status != 200 {
		t.Fatalf("CreateWorkspaces: %d %v", created.Status, created.Body)
	}
	failed, _ := created.Body["FailedRequests"].([]any)
	pending, _ := created.Body["PendingRequests"].([]any)
	if failed == nil || len(failed) != 0 || len(pending) != 2 {
		t.Fatalf("CreateWorkspaces = %v; want FailedRequests [] and two PendingRequests", created.Body)
	}
	wantKeys := [][]string{
		{"BundleId", "DirectoryId", "State", "UserName", "WorkspaceId"},
		{"BundleId", "DirectoryId", "State", "UserName", "WorkspaceId", "WorkspaceName"},
	}
	var ids []string
	for i, p := range pending {
		m := p.(map[string]any)
		if keys := sortedKeys(m); !slices.Equal(keys, wantKeys[i]) {
			t.Errorf("PendingRequests[%d] members %v, want %v", i, keys, wantKeys[i])
		}
		if m["State"] != "PENDING" || m["DirectoryId"] != fidDir || m["BundleId"] != bundle {
			t.Errorf("PendingRequests[%d] = %v", i, m)
		}
		ids = append(ids, m["WorkspaceId"].(string))
	}

	describe := func(id string) map[string]any {
		r := rawCall(t, srv, "DescribeWorkspaces", fmt.Sprintf(`{"WorkspaceIds":[%q]}`, id))
		ws, _ := r.Body["Workspaces"].([]any)
		if r.Status != 200 || len(ws) != 1 {
			t.Fatalf("DescribeWorkspaces(%s): %d %v", id, r.Status, r.Body)
		}
		return ws[0].(map[string]any)
	}
	w := describe(ids[0])
	for _, k := range []string{"IpAddress", "SubnetId", "ComputerName"} {
		if _, ok := w[k]; ok {
			t.Errorf("a PENDING WorkSpace shows %s: %v", k, w)
		}
	}
	if ms, ok := w["ModificationStates"].([]any); !ok || len(ms) != 0 {
		t.Errorf("ModificationStates = %#v, want []", w["ModificationStates"])
	}
	srv.Advance(time.Second)
	w = describe(ids[0])
	// The describe-workspaces example's members (Protocols and
	// OperatingSystemName came to the API after it).
	for _, k := range []string{"WorkspaceId", "DirectoryId", "UserName", "IpAddress", "State", "BundleId", "SubnetId", "ComputerName",
		"WorkspaceProperties", "ModificationStates"} {
		if _, ok := w[k]; !ok {
			t.Errorf("an AVAILABLE WorkSpace lacks %s: %v", k, w)
		}
	}
	props := w["WorkspaceProperties"].(map[string]any)
	if props["RunningMode"] != "AUTO_STOP" || props["RunningModeAutoStopTimeoutInMinutes"] != float64(60) ||
		props["RootVolumeSizeGib"] != float64(80) || props["UserVolumeSizeGib"] != float64(50) || props["ComputeTypeName"] != "STANDARD" {
		t.Errorf("WorkspaceProperties = %v", props)
	}
	if ms, ok := w["ModificationStates"].([]any); !ok || len(ms) != 0 {
		t.Errorf("ModificationStates = %#v, want []", w["ModificationStates"])
	}
	if w := describe(ids[1]); w["UserName"] != "[UNDEFINED]" || w["WorkspaceName"] != "MaryWorkspace1" {
		t.Errorf("user-decoupled WorkSpace = %v", w)
	}
}

// The describe-workspace-directories example: two subnets, two DNS
// addresses, and the default access properties (Linux clients DENY).
func TestDescribeWorkspaceDirectoriesAsTheCLIExampleShows(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	registerDirectory(t, c, fidDir)
	srv.Advance(time.Second)
	r := rawCall(t, srv, "DescribeWorkspaceDirectories", fmt.Sprintf(`{"DirectoryIds":[%q]}`, fidDir))
	dirs, _ := r.Body["Directories"].([]any)
	if r.Status != 200 || len(dirs) != 1 {
		t.Fatalf("DescribeWorkspaceDirectories: %d %v", r.Status, r.Body)
	}
	d := dirs[0].(map[string]any)
	for _, k := range []string{"DirectoryId", "Alias", "DirectoryName", "RegistrationCode", "SubnetIds", "DnsIpAddresses",
		"CustomerUserName", "IamRoleId", "DirectoryType", "WorkspaceSecurityGroupId", "State", "WorkspaceCreationProperties",
		"WorkspaceAccessProperties", "Tenancy", "SelfservicePermissions"} {
		if _, ok := d[k]; !ok {
			t.Errorf("the directory lacks %s: %v", k, d)
		}
	}
	if sn, _ := d["SubnetIds"].([]any); len(sn) != 2 {
		t.Errorf("SubnetIds = %v, want two", d["SubnetIds"])
	}
	if dns, _ := d["DnsIpAddresses"].([]any); len(dns) != 2 {
		t.Errorf("DnsIpAddresses = %v, want two", d["DnsIpAddresses"])
	}
	want := map[string]any{"DeviceTypeWindows": "ALLOW", "DeviceTypeOsx": "ALLOW", "DeviceTypeWeb": "DENY", "DeviceTypeIos": "ALLOW",
		"DeviceTypeAndroid": "ALLOW", "DeviceTypeChromeOs": "ALLOW", "DeviceTypeZeroClient": "ALLOW", "DeviceTypeLinux": "DENY"}
	access := d["WorkspaceAccessProperties"].(map[string]any)
	for k, v := range want {
		if access[k] != v {
			t.Errorf("WorkspaceAccessProperties.%s = %v, want %v", k, access[k], v)
		}
	}
	if d["State"] != "REGISTERED" || d["DirectoryType"] != "SIMPLE_AD" || d["Tenancy"] != "SHARED" || d["CustomerUserName"] != "Administrator" {
		t.Errorf("directory = %v", d)
	}
}

// The API reference of DeregisterWorkspaceDirectory: "If any WorkSpaces are
// registered to this directory, you must remove them before you deregister
// the directory, or you will receive an OperationNotSupportedException
// error."
func TestDeregisterWorkspaceDirectoryWithWorkspaces(t *testing.T) {
	t.Parallel()
	srv, c, bundle := workspacesEnv(t)
	ctx := context.Background()
	ws := createWorkspace(t, c, fidDir, bundle, "Mateo")
	srv.Advance(time.Second)
	_, err := c.DeregisterWorkspaceDirectory(ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(fidDir)})
	wantAPIError(t, err, "OperationNotSupportedException",
		fmt.Sprintf("The directory %s is used by WorkSpace %s; terminate its WorkSpaces first.", fidDir, ws))
	asType[*types.OperationNotSupportedException](t, err)
	if _, err := c.TerminateWorkspaces(ctx, &workspaces.TerminateWorkspacesInput{
		TerminateWorkspaceRequests: []types.TerminateRequest{{WorkspaceId: aws.String(ws)}}}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Second)
	if _, err := c.DeregisterWorkspaceDirectory(ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(fidDir)}); err != nil {
		t.Fatalf("DeregisterWorkspaceDirectory with only a TERMINATED WorkSpace: %v", err)
	}
}

// The administration guide ("Share or unshare a custom image"): images
// shared with you can be copied, and "you can then use your copies of the
// shared images to create bundles". A bundle is never made of another
// account's image, so the owner unsharing and deleting it leaves the
// copy's bundle launching; a bundle stored on a shared image (state from
// before this rule) launches while the image is shared, and not after.
func TestBundlesOfSharedImages(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	owner := newClient(srv.AWSConfigFor("111111111111", defaultRegion))
	friend := newClient(srv.AWSConfigFor("222222222222", defaultRegion))
	img := importImage(t, owner, "golden", importOpts{})
	registerDirectory(t, friend, fidDir)
	srv.Advance(time.Second)
	share := func(allow bool) {
		if _, err := owner.UpdateWorkspaceImagePermission(ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
			ImageId: aws.String(img), AllowCopyImage: aws.Bool(allow), SharedAccountId: aws.String("222222222222")}); err != nil {
			t.Fatalf("UpdateWorkspaceImagePermission %v: %v", allow, err)
		}
	}
	share(true)
	bundleOf := func(name, image string) (string, error) {
		out, err := friend.CreateWorkspaceBundle(ctx, &workspaces.CreateWorkspaceBundleInput{BundleName: aws.String(name),
			BundleDescription: aws.String(name), ImageId: aws.String(image), ComputeType: &types.ComputeType{Name: types.ComputeStandard},
			UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.WorkspaceBundle.BundleId), nil
	}
	_, err := bundleOf("shared", img)
	wantAPIError(t, err, "InvalidParameterValuesException", fmt.Sprintf(
		"The image %s is shared with your account by 111111111111; copy it (CopyWorkspaceImage) and make the bundle from the copy.", img))
	cp, err := friend.CopyWorkspaceImage(ctx, &workspaces.CopyWorkspaceImageInput{Name: aws.String("mine"),
		SourceImageId: aws.String(img), SourceRegion: aws.String(defaultRegion)})
	if err != nil {
		t.Fatalf("CopyWorkspaceImage: %v", err)
	}
	srv.Advance(time.Second)
	mine, err := bundleOf("mine", aws.ToString(cp.ImageId))
	if err != nil {
		t.Fatalf("CreateWorkspaceBundle of the copy: %v", err)
	}
	// A bundle of the shared image, as state from before the rule holds it.
	legacy, err := bundleOf("legacy", aws.ToString(cp.ImageId))
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if code := srv.Control("GET", "/_wslocal/state", nil, &state); code != 200 {
		t.Fatalf("GET state: %d", code)
	}
	for _, r := range state["resources"].([]any) {
		row := r.(map[string]any)
		if row["kind"] == "bundle" && row["id"] == legacy {
			row["doc"].(map[string]any)["ImageId"] = img
		}
	}
	if code := srv.Control("PUT", "/_wslocal/state", state, nil); code != 200 {
		t.Fatalf("PUT state: %d", code)
	}
	launch := func(bundle, user string) (*workspaces.CreateWorkspacesOutput, error) {
		return createOne(friend, types.WorkspaceRequest{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle), UserName: aws.String(user)})
	}
	if out, err := launch(legacy, "while-shared"); err != nil || len(out.PendingRequests) != 1 {
		t.Fatalf("launch of the legacy bundle while shared: %+v, %v", out, err)
	}
	srv.Advance(time.Second)

	// The owner unshares and deletes the image.
	share(false)
	if _, err := owner.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(img)}); err != nil {
		t.Fatalf("DeleteWorkspaceImage: %v", err)
	}
	out, err := launch(legacy, "after-delete")
	wantFailed(t, out, err, "ResourceNotFound.Image", fmt.Sprintf("The image %s of bundle %s could not be found.", img, legacy))
	if out, err := launch(mine, "copy"); err != nil || len(out.PendingRequests) != 1 {
		t.Fatalf("launch of the copy's bundle: %+v, %v", out, err)
	}
	srv.Advance(time.Second)
	// Rebuilding the WorkSpace of the legacy bundle fails the same way.
	got, err := friend.DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{BundleId: aws.String(legacy)})
	if err != nil || len(got.Workspaces) != 1 {
		t.Fatalf("DescribeWorkspaces of the legacy bundle: %+v, %v", got, err)
	}
	rb, err := friend.RebuildWorkspaces(ctx, &workspaces.RebuildWorkspacesInput{RebuildWorkspaceRequests: []types.RebuildRequest{
		{WorkspaceId: got.Workspaces[0].WorkspaceId}}})
	if err != nil || len(rb.FailedRequests) != 1 || aws.ToString(rb.FailedRequests[0].ErrorCode) != "ResourceNotFound.Image" {
		t.Fatalf("RebuildWorkspaces: %+v, %v; want one ResourceNotFound.Image", rb, err)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// setWorkspaceState puts a WorkSpace in a state no call reaches (ERROR,
// SUSPENDED, ...) through the control API's state snapshot.
func setWorkspaceState(t *testing.T, srv *wslocaltest.Server, id, state string) {
	t.Helper()
	var snap map[string]any
	if code := srv.Control("GET", "/_wslocal/state", nil, &snap); code != 200 {
		t.Fatalf("GET state: %d", code)
	}
	found := false
	for _, r := range snap["resources"].([]any) {
		row := r.(map[string]any)
		if row["kind"] == "workspace" && row["id"] == id {
			row["state"], row["dueAt"], found = state, 0, true
		}
	}
	if !found {
		t.Fatalf("no WorkSpace %s in the state", id)
	}
	if code := srv.Control("PUT", "/_wslocal/state", snap, nil); code != 200 {
		t.Fatalf("PUT state: %d", code)
	}
}

// The API reference of each batch call: StopWorkspaces "a running mode of
// AutoStop or Manual and a state of AVAILABLE, IMPAIRED, UNHEALTHY, or
// ERROR"; RebootWorkspaces "AVAILABLE, UNHEALTHY, or REBOOTING";
// RebuildWorkspaces "AVAILABLE, ERROR, UNHEALTHY, STOPPED, or REBOOTING";
// StartWorkspaces "STOPPED"; TerminateWorkspaces "any state except
// SUSPENDED"; ModifyWorkspaceState: "WorkSpaces in this state
// [ADMIN_MAINTENANCE] do not respond to requests to reboot, stop, start,
// rebuild, or restore".
func TestWorkspaceActionStates(t *testing.T) {
	t.Parallel()
	srv, c, bundle := workspacesEnv(t)
	ctx := context.Background()
	out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle), UserName: aws.String("Mary"),
		WorkspaceProperties: &types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop}})
	if err != nil || len(out.PendingRequests) != 1 {
		t.Fatalf("CreateWorkspaces: %+v, %v", out, err)
	}
	ws := aws.ToString(out.PendingRequests[0].WorkspaceId)
	srv.Advance(time.Second)
	ref := []*string{aws.String(ws)}
	type call func() ([]types.FailedWorkspaceChangeRequest, error)
	reboot := func() ([]types.FailedWorkspaceChangeRequest, error) {
		o, err := c.RebootWorkspaces(ctx, &workspaces.RebootWorkspacesInput{RebootWorkspaceRequests: []types.RebootRequest{{WorkspaceId: ref[0]}}})
		if err != nil {
			return nil, err
		}
		return o.FailedRequests, nil
	}
	rebuild := func() ([]types.FailedWorkspaceChangeRequest, error) {
		o, err := c.RebuildWorkspaces(ctx, &workspaces.RebuildWorkspacesInput{RebuildWorkspaceRequests: []types.RebuildRequest{{WorkspaceId: ref[0]}}})
		if err != nil {
			return nil, err
		}
		return o.FailedRequests, nil
	}
	stop := func() ([]types.FailedWorkspaceChangeRequest, error) {
		o, err := c.StopWorkspaces(ctx, &workspaces.StopWorkspacesInput{StopWorkspaceRequests: []types.StopRequest{{WorkspaceId: ref[0]}}})
		if err != nil {
			return nil, err
		}
		return o.FailedRequests, nil
	}
	startWS := func() ([]types.FailedWorkspaceChangeRequest, error) {
		o, err := c.StartWorkspaces(ctx, &workspaces.StartWorkspacesInput{StartWorkspaceRequests: []types.StartRequest{{WorkspaceId: ref[0]}}})
		if err != nil {
			return nil, err
		}
		return o.FailedRequests, nil
	}
	terminate := func() ([]types.FailedWorkspaceChangeRequest, error) {
		o, err := c.TerminateWorkspaces(ctx, &workspaces.TerminateWorkspacesInput{TerminateWorkspaceRequests: []types.TerminateRequest{{WorkspaceId: ref[0]}}})
		if err != nil {
			return nil, err
		}
		return o.FailedRequests, nil
	}
	ok := func(name string, f call, want types.WorkspaceState) {
		t.Helper()
		failed, err := f()
		if err != nil || len(failed) != 0 {
			t.Fatalf("%s: %+v, %v", name, failed, err)
		}
		if s := describeWorkspace(t, c, ws).State; s != want {
			t.Fatalf("after %s: %s, want %s", name, s, want)
		}
	}
	refused := func(name string, f call, msg string) {
		t.Helper()
		failed, err := f()
		if err != nil || len(failed) != 1 {
			t.Fatalf("%s: %+v, %v; want one FailedRequest", name, failed, err)
		}
		if got := failed[0]; aws.ToString(got.WorkspaceId) != ws || aws.ToString(got.ErrorCode) != "InvalidResourceState" || aws.ToString(got.ErrorMessage) != msg {
			t.Errorf("%s: FailedRequest %s %s %s; want InvalidResourceState %s", name, aws.ToString(got.WorkspaceId),
				aws.ToString(got.ErrorCode), aws.ToString(got.ErrorMessage), msg)
		}
	}

	ok("RebootWorkspaces", reboot, types.WorkspaceStateRebooting)
	ok("RebootWorkspaces of a REBOOTING WorkSpace", reboot, types.WorkspaceStateRebooting)
	ok("RebuildWorkspaces of a REBOOTING WorkSpace", rebuild, types.WorkspaceStateRebuilding)
	srv.Advance(time.Second)

	// ADMIN_MAINTENANCE answers none of them.
	if _, err := c.ModifyWorkspaceState(ctx, &workspaces.ModifyWorkspaceStateInput{WorkspaceId: aws.String(ws),
		WorkspaceState: types.TargetWorkspaceStateAdminMaintenance}); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]call{"reboot": reboot, "rebuild": rebuild, "stop": stop, "start": startWS} {
		refused(name+" in ADMIN_MAINTENANCE", f, fmt.Sprintf("The WorkSpace %s is ADMIN_MAINTENANCE and cannot %s.", ws, name))
	}
	if _, err := c.ModifyWorkspaceState(ctx, &workspaces.ModifyWorkspaceStateInput{WorkspaceId: aws.String(ws),
		WorkspaceState: types.TargetWorkspaceStateAvailable}); err != nil {
		t.Fatal(err)
	}
	refused("StartWorkspaces of an AVAILABLE WorkSpace", startWS, fmt.Sprintf("The WorkSpace %s is AVAILABLE and cannot start.", ws))

	// Stopped from ERROR, UNHEALTHY and IMPAIRED too.
	for _, st := range []string{"ERROR", "UNHEALTHY", "IMPAIRED"} {
		setWorkspaceState(t, srv, ws, st)
		ok("StopWorkspaces of an "+st+" WorkSpace", stop, types.WorkspaceStateStopping)
		srv.Advance(time.Second)
		ok("StartWorkspaces", startWS, types.WorkspaceStateStarting)
		srv.Advance(time.Second)
	}
	setWorkspaceState(t, srv, ws, "REBUILDING")
	refused("StopWorkspaces of a REBUILDING WorkSpace", stop, fmt.Sprintf("The WorkSpace %s is REBUILDING and cannot stop.", ws))

	// Terminated from any state but SUSPENDED; again, nothing changes.
	setWorkspaceState(t, srv, ws, "SUSPENDED")
	refused("TerminateWorkspaces of a SUSPENDED WorkSpace", terminate, fmt.Sprintf("The WorkSpace %s is SUSPENDED and cannot terminate.", ws))
	setWorkspaceState(t, srv, ws, "STOPPED")
	ok("TerminateWorkspaces", terminate, types.WorkspaceStateTerminating)
	ok("TerminateWorkspaces again", terminate, types.WorkspaceStateTerminating)
	srv.Advance(time.Second)
	ok("TerminateWorkspaces of a TERMINATED WorkSpace", terminate, types.WorkspaceStateTerminated)
}

// The API reference of RegisterWorkspaceDirectory: SubnetIds "must also be
// in separate Availability Zones. If these conditions are not met, you will
// receive an OperationNotSupportedException error"; Tenancy DEDICATED needs
// an account enabled for BYOL, "you will receive an
// InvalidParameterValuesException error".
func TestRegisterWorkspaceDirectoryRules(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	_, err := c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(fidDir),
		SubnetIds: []string{"subnet-9d19c4c6", "subnet-9d19c4c6"}})
	wantAPIError(t, err, "OperationNotSupportedException", "The subnets must be in separate Availability Zones; subnet-9d19c4c6 is given twice.")
	asType[*types.OperationNotSupportedException](t, err)
	_, err = c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(fidDir),
		SubnetIds: []string{"subnet-9d19c4c6"}})
	wantAPIError(t, err, "InvalidParameterValuesException", "SubnetIds must name two subnets in different Availability Zones; 1 given.")

	dedicated := &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String(fidDir), Tenancy: types.TenancyDedicated}
	_, err = c.RegisterWorkspaceDirectory(ctx, dedicated)
	wantAPIError(t, err, "InvalidParameterValuesException", "Tenancy DEDICATED needs an account enabled for BYOL (ModifyAccount); this account is not.")
	if err := enableBYOL(c, "10.3.0.0/16"); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Second)
	if _, err := c.RegisterWorkspaceDirectory(ctx, dedicated); err != nil {
		t.Fatalf("RegisterWorkspaceDirectory DEDICATED with BYOL enabled: %v", err)
	}
	srv.Advance(time.Second)
	if d := describeDirectory(t, c, fidDir); d.Tenancy != types.TenancyDedicated {
		t.Errorf("Tenancy = %s, want DEDICATED", d.Tenancy)
	}
}

// The API reference of WorkspaceRequest: "The reserved keyword,
// [UNDEFINED], is used when creating user-decoupled WorkSpaces" (the
// create-workspaces example's third case): several may share a directory,
// where a named user has one WorkSpace.
func TestUserDecoupledWorkspaces(t *testing.T) {
	t.Parallel()
	_, c, bundle := workspacesEnv(t)
	for _, name := range []string{"MaryWorkspace1", "MaryWorkspace2"} {
		out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle),
			UserName: aws.String("[UNDEFINED]"), WorkspaceName: aws.String(name)})
		if err != nil || len(out.FailedRequests) != 0 || aws.ToString(out.PendingRequests[0].WorkspaceName) != name {
			t.Fatalf("CreateWorkspaces [UNDEFINED] %s: %+v, %v", name, out, err)
		}
	}
	ws := createWorkspace(t, c, fidDir, bundle, "Mateo")
	out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle), UserName: aws.String("mateo")})
	wantFailed(t, out, err, "ResourceExists.User", fmt.Sprintf("The user mateo already has WorkSpace %s in directory %s.", ws, fidDir))
}

// The administration guide ("Modify a WorkSpace"): "If you want to modify a
// WorkSpace, it must have a status of AVAILABLE or STOPPED."
func TestModifyWorkspacePropertiesNeedsAvailableOrStopped(t *testing.T) {
	t.Parallel()
	srv, c, bundle := workspacesEnv(t)
	ctx := context.Background()
	ws := createWorkspace(t, c, fidDir, bundle, "Mateo") // PENDING
	modify := func() error {
		_, err := c.ModifyWorkspaceProperties(ctx, &workspaces.ModifyWorkspacePropertiesInput{WorkspaceId: aws.String(ws),
			WorkspaceProperties: &types.WorkspaceProperties{UserVolumeSizeGib: aws.Int32(100)}})
		return err
	}
	err := modify()
	wantAPIError(t, err, "InvalidResourceStateException",
		fmt.Sprintf("The WorkSpace %s is PENDING; its properties can be changed when it is AVAILABLE or STOPPED.", ws))
	asType[*types.InvalidResourceStateException](t, err)
	srv.Advance(time.Second)
	if err := modify(); err != nil {
		t.Fatalf("ModifyWorkspaceProperties of an AVAILABLE WorkSpace: %v", err)
	}
}

// The AWS CLI's examples: the batch calls answer {"FailedRequests": []} when
// all went well; modify-workspace-properties, modify-workspace-state,
// modify-workspace-creation-properties and deregister-workspace-directory
// "produce no output" (an empty object). register-workspace-directory's
// example predates the model's result members (DirectoryId, State), which
// wslocal answers.
func TestWorkspaceActionOutputsAsTheCLIExamplesShow(t *testing.T) {
	t.Parallel()
	srv, c, bundle := workspacesEnv(t)
	out, err := createOne(c, types.WorkspaceRequest{DirectoryId: aws.String(fidDir), BundleId: aws.String(bundle), UserName: aws.String("Mary"),
		WorkspaceProperties: &types.WorkspaceProperties{RunningMode: types.RunningModeAutoStop}})
	if err != nil || len(out.PendingRequests) != 1 {
		t.Fatalf("CreateWorkspaces: %+v, %v", out, err)
	}
	ws := aws.ToString(out.PendingRequests[0].WorkspaceId)
	srv.Advance(time.Second)
	exactly := func(op, body string, want map[string]any) {
		t.Helper()
		r := rawCall(t, srv, op, body)
		if r.Status != 200 || fmt.Sprint(r.Body) != fmt.Sprint(want) {
			t.Errorf("%s = %d %v, want 200 %v", op, r.Status, r.Body, want)
		}
		srv.Advance(time.Second)
	}
	none := map[string]any{"FailedRequests": []any{}}
	exactly("StopWorkspaces", fmt.Sprintf(`{"StopWorkspaceRequests":[{"WorkspaceId":%q}]}`, ws), none)
	exactly("StartWorkspaces", fmt.Sprintf(`{"StartWorkspaceRequests":[{"WorkspaceId":%q}]}`, ws), none)
	exactly("RebootWorkspaces", fmt.Sprintf(`{"RebootWorkspaceRequests":[{"WorkspaceId":%q}]}`, ws), none)
	exactly("RebuildWorkspaces", fmt.Sprintf(`{"RebuildWorkspaceRequests":[{"WorkspaceId":%q}]}`, ws), none)
	exactly("ModifyWorkspaceProperties", fmt.Sprintf(`{"WorkspaceId":%q,"WorkspaceProperties":{"RunningMode":"AUTO_STOP"}}`, ws), map[string]any{})
	exactly("ModifyWorkspaceState", fmt.Sprintf(`{"WorkspaceId":%q,"WorkspaceState":"ADMIN_MAINTENANCE"}`, ws), map[string]any{})
	exactly("ModifyWorkspaceState", fmt.Sprintf(`{"WorkspaceId":%q,"WorkspaceState":"AVAILABLE"}`, ws), map[string]any{})
	exactly("ModifyWorkspaceCreationProperties", fmt.Sprintf(`{"ResourceId":%q,"WorkspaceCreationProperties":{"EnableInternetAccess":true}}`, fidDir),
		map[string]any{})
	exactly("TerminateWorkspaces", fmt.Sprintf(`{"TerminateWorkspaceRequests":[{"WorkspaceId":%q}]}`, ws), none)
	exactly("DeregisterWorkspaceDirectory", fmt.Sprintf(`{"DirectoryId":%q}`, fidDir), map[string]any{})
	exactly("RegisterWorkspaceDirectory", fmt.Sprintf(`{"DirectoryId":%q}`, fidDir2), map[string]any{"DirectoryId": fidDir2, "State": "REGISTERING"})
}

// The API reference of DescribeWorkspaceBundles: "You can filter the
// results using either bundle ID or owner, but not both."
func TestDescribeWorkspaceBundlesBundleIdsOrOwner(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	bundle := publicBundleOf(t, c, types.ComputeStandard, "80", "50")
	_, err := c.DescribeWorkspaceBundles(context.Background(), &workspaces.DescribeWorkspaceBundlesInput{
		BundleIds: []string{bundle}, Owner: aws.String("AMAZON")})
	wantAPIError(t, err, "InvalidParameterValuesException", "BundleIds and Owner cannot be combined.")
	out, err := c.DescribeWorkspaceBundles(context.Background(), &workspaces.DescribeWorkspaceBundlesInput{BundleIds: []string{bundle}})
	if err != nil || len(out.Bundles) != 1 || aws.ToString(out.Bundles[0].BundleId) != bundle {
		t.Fatalf("DescribeWorkspaceBundles(%s) = %+v, %v", bundle, out, err)
	}
}
