package appmgmt_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// TestUpdateWorkspaceBundleLeavesWorkspaces: "To update existing WorkSpaces
// that are based on a bundle that you've updated, you must either rebuild
// the WorkSpaces or delete and recreate them" (API reference,
// UpdateWorkspaceBundle). The bundle takes the new image's applications at
// once; a WorkSpace made from it before keeps what it had, and one made after
// gets the new image's.
func TestUpdateWorkspaceBundleLeavesWorkspaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	office, visio := e.appID(officePro), e.appID(visioPro)
	withOffice := e.winWorkspace("alice", nil)
	e.install(withOffice, office)
	imgOffice := e.image(withOffice, "img-office")
	withVisio := e.winWorkspace("bob", nil)
	e.install(withVisio, visio)
	imgVisio := e.image(withVisio, "img-visio")

	bundle := e.bundle(imgOffice, "updated-bundle")
	before := e.workspace(dirID, bundle, "carol", nil)
	apps := func(ws string) []string {
		var ids []string
		for _, a := range e.wsAssocs(ws) {
			ids = append(ids, aws.ToString(a.AssociatedResourceId))
		}
		slices.Sort(ids)
		return ids
	}
	if got := apps(before); !slices.Equal(got, []string{office}) {
		t.Fatalf("WorkSpace of the bundle has %v, want Office (%s)", got, office)
	}

	_, err := e.c.UpdateWorkspaceBundle(e.ctx, &workspaces.UpdateWorkspaceBundleInput{BundleId: aws.String(bundle), ImageId: aws.String(imgVisio)})
	e.ok(err)
	out, err := e.c.DescribeBundleAssociations(e.ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String(bundle),
		AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
	e.ok(err)
	if len(out.Associations) != 1 || aws.ToString(out.Associations[0].AssociatedResourceId) != visio {
		t.Fatalf("bundle after UpdateWorkspaceBundle: %+v, want Visio (%s) only", out.Associations, visio)
	}
	if got := apps(before); !slices.Equal(got, []string{office}) {
		t.Errorf("the existing WorkSpace has %v after the bundle's update, want Office still (it is updated by a rebuild)", got)
	}
	after := e.workspace(dirID, bundle, "dave", nil)
	if got := apps(after); !slices.Equal(got, []string{visio}) {
		t.Errorf("a WorkSpace made after the update has %v, want Visio (%s)", got, visio)
	}
}
