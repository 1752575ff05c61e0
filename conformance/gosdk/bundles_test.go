package gosdk_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// TestPublicBundlesAsAWSAnswers looks AWS's bundles up the way the
// Terraform provider's acceptance tests do against AWS
// (internal/service/workspaces/bundle_data_source_test.go and the WorkSpaces
// Pools test): by id, and by owner AMAZON and name, the first match of the
// listing; and checks what those tests assert.
func TestPublicBundlesAsAWSAnswers(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()

	out, err := c.DescribeWorkspaceBundles(ctx, &workspaces.DescribeWorkspaceBundlesInput{BundleIds: []string{"wsb-b0s22j3d7", "wsb-bh8rsxt14"}})
	if err != nil {
		t.Fatalf("DescribeWorkspaceBundles by id: %v", err)
	}
	got := map[string]types.WorkspaceBundle{}
	for _, b := range out.Bundles {
		got[aws.ToString(b.BundleId)] = b
	}
	if len(got) != 2 {
		t.Fatalf("by id: %d bundles, want wsb-b0s22j3d7 and wsb-bh8rsxt14", len(out.Bundles))
	}
	check := func(b types.WorkspaceBundle, name, compute, root, user string) {
		t.Helper()
		have := [...]string{aws.ToString(b.Name), string(b.ComputeType.Name), aws.ToString(b.RootStorage.Capacity),
			aws.ToString(b.UserStorage.Capacity), aws.ToString(b.Owner), string(b.State)}
		if want := [...]string{name, compute, root, user, "Amazon", "AVAILABLE"}; have != want {
			t.Errorf("%s = %v, want %v", aws.ToString(b.BundleId), have, want)
		}
	}
	perf7 := got["wsb-b0s22j3d7"]
	check(perf7, "Performance with Windows 7", "PERFORMANCE", "80", "100")
	if d := aws.ToString(perf7.Description); d != "Windows 7 Experience provided by Windows Server 2008 R2, 2 vCPU, 7.5GiB Memory, 100GB Storage" {
		t.Errorf("wsb-b0s22j3d7 Description = %q", d)
	}
	check(got["wsb-bh8rsxt14"], "Value with Windows 10 (Server 2016 based)", "VALUE", "80", "10")

	// By owner and name: the first of the listing, as AWS answers it.
	if id := publicBundleID(t, c, "Value with Windows 10 and Office 2016"); id != "wsb-df76rqys9" {
		t.Errorf("Value with Windows 10 and Office 2016 is %s first; AWS lists wsb-df76rqys9 first", id)
	}
	pool := publicBundleID(t, c, "Standard with Windows 10 (Server 2022 based) (WSP)")
	if pool != "wsb-93xk71ss4" {
		t.Errorf("the WorkSpaces Pools bundle is %s, want wsb-93xk71ss4", pool)
	}

	// "You cannot combine this parameter with any other filter" (BundleIds, Owner).
	_, err = c.DescribeWorkspaceBundles(ctx, &workspaces.DescribeWorkspaceBundlesInput{BundleIds: []string{pool}, Owner: aws.String("AMAZON")})
	if ae := apiError(t, err, "InvalidParameterValuesException"); ae.ErrorMessage() != "BundleIds and Owner cannot be combined." {
		t.Errorf("message = %q", ae.ErrorMessage())
	}

	// AWS's bundles are not the caller's to change.
	_, err = c.UpdateWorkspaceBundle(ctx, &workspaces.UpdateWorkspaceBundleInput{BundleId: aws.String(pool), ImageId: aws.String("wsi-123456789")})
	if ae := apiError(t, err, "OperationNotSupportedException"); ae.ErrorMessage() != "The bundle wsb-93xk71ss4 is one of AWS's public bundles (Owner Amazon) and cannot be updated." {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
	_, err = c.DeleteWorkspaceBundle(ctx, &workspaces.DeleteWorkspaceBundleInput{BundleId: aws.String(pool)})
	if ae := apiError(t, err, "InvalidParameterValuesException"); ae.ErrorMessage() != "The bundle wsb-93xk71ss4 is one of AWS's public bundles (Owner Amazon) and cannot be deleted." {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
	// Not one of AWS's ids: not found, as before.
	_, err = c.DeleteWorkspaceBundle(ctx, &workspaces.DeleteWorkspaceBundleInput{BundleId: aws.String("wsb-2j8lozd0i")})
	notFound(t, err, "wsb-2j8lozd0i")
}

// TestCreateWorkspaceBundleCapacities: CreateWorkspaceBundle lists
// InvalidParameterValuesException; a volume capacity that is not a positive
// number of GiB is one (the model types Capacity as a string).
func TestCreateWorkspaceBundleCapacities(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	img := importImage(t, c, "bundle-capacities", importOpts{})
	srv.Advance(time.Minute)
	create := func(name, root, user string) error {
		in := &workspaces.CreateWorkspaceBundleInput{
			BundleName: aws.String(name), BundleDescription: aws.String(name), ImageId: aws.String(img),
			ComputeType: &types.ComputeType{Name: types.ComputeStandard},
			UserStorage: &types.UserStorage{Capacity: aws.String(user)},
		}
		if root != "" {
			in.RootStorage = &types.RootStorage{Capacity: aws.String(root)}
		}
		_, err := c.CreateWorkspaceBundle(ctx, in)
		return err
	}
	for _, tc := range []struct{ root, user, msg string }{
		{"", "0", `UserStorage.Capacity must be a positive number of GiB, not "0".`},
		{"", "ten", `UserStorage.Capacity must be a positive number of GiB, not "ten".`},
		{"-80", "50", `RootStorage.Capacity must be a positive number of GiB, not "-80".`},
	} {
		ae := apiError(t, create("bad", tc.root, tc.user), "InvalidParameterValuesException")
		if ae.ErrorMessage() != tc.msg {
			t.Errorf("root %q user %q: message = %q, want %q", tc.root, tc.user, ae.ErrorMessage(), tc.msg)
		}
	}
	if err := create("good", "175", "100"); err != nil {
		t.Fatalf("CreateWorkspaceBundle 175/100: %v", err)
	}
}

// TestOwnBundlesPaged: the caller's bundles come 25 a page by id, with and
// without Owner; by BundleIds, AWS's come first in the catalogue's order,
// then the caller's by id.
func TestOwnBundlesPaged(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	img := importImage(t, c, "bundles-paged", importOpts{})
	srv.Advance(time.Minute)
	var own []string
	for i := range 27 {
		out, err := c.CreateWorkspaceBundle(ctx, &workspaces.CreateWorkspaceBundleInput{
			BundleName: aws.String(fmt.Sprintf("b%02d", i)), BundleDescription: aws.String("paged"), ImageId: aws.String(img),
			ComputeType: &types.ComputeType{Name: types.ComputeStandard}, UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
		if err != nil {
			t.Fatalf("CreateWorkspaceBundle %d: %v", i, err)
		}
		own = append(own, aws.ToString(out.WorkspaceBundle.BundleId))
	}
	slices.Sort(own)
	list := func(in workspaces.DescribeWorkspaceBundlesInput) (ids []string, sizes []int) {
		t.Helper()
		for {
			out, err := c.DescribeWorkspaceBundles(ctx, &in)
			if err != nil {
				t.Fatalf("DescribeWorkspaceBundles: %v", err)
			}
			sizes = append(sizes, len(out.Bundles))
			for _, b := range out.Bundles {
				ids = append(ids, aws.ToString(b.BundleId))
			}
			if out.NextToken == nil {
				return ids, sizes
			}
			in.NextToken = out.NextToken
		}
	}
	for _, owner := range []*string{nil, aws.String(defaultAccount)} {
		if ids, sizes := list(workspaces.DescribeWorkspaceBundlesInput{Owner: owner}); !slices.Equal(ids, own) || !slices.Equal(sizes, []int{25, 2}) {
			t.Errorf("Owner %v: pages %v of %v, want 25, 2 of %v", aws.ToString(owner), sizes, ids, own)
		}
	}
	byID := []string{own[20], "wsb-bh8rsxt14", own[3], "wsb-b0s22j3d7", own[11]}
	want := []string{"wsb-b0s22j3d7", "wsb-bh8rsxt14", own[3], own[11], own[20]}
	if ids, _ := list(workspaces.DescribeWorkspaceBundlesInput{BundleIds: byID}); !slices.Equal(ids, want) {
		t.Errorf("BundleIds %v: %v, want %v", byID, ids, want)
	}
}
