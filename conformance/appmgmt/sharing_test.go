package appmgmt_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

const (
	friend   = "222222222222"
	stranger = "333333333333"
)

// sharedImage makes an AVAILABLE image with Office in the owner's account.
func sharedImage(e *env) (img, app string) {
	e.t.Helper()
	w := e.winWorkspace("alice", nil)
	app = e.appID(officePro)
	e.install(w, app)
	return e.image(w, "golden"), app
}

func share(e *env, img, account string, allow bool) {
	e.t.Helper()
	_, err := e.c.UpdateWorkspaceImagePermission(e.ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
		ImageId: aws.String(img), SharedAccountId: aws.String(account), AllowCopyImage: aws.Bool(allow)})
	e.ok(err)
}

func images(e *env, c *workspaces.Client, typ types.ImageType) []types.WorkspaceImage {
	e.t.Helper()
	out, err := c.DescribeWorkspaceImages(e.ctx, &workspaces.DescribeWorkspaceImagesInput{ImageType: typ})
	e.ok(err)
	return out.Images
}

func imageIDs(list []types.WorkspaceImage) []string {
	var ids []string
	for _, i := range list {
		ids = append(ids, *i.ImageId)
	}
	slices.Sort(ids)
	return ids
}

func TestSharing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	img, app := sharedImage(e)
	imgAt := e.now()
	friendC := clientOf(e.srv, friend, region)
	strangerC := clientOf(e.srv, stranger, region)
	friendWest := clientOf(e.srv, friend, "us-west-2")

	// Not yet shared: the friend sees nothing.
	if got := images(e, friendC, ""); len(got) != 0 {
		t.Fatalf("friend sees %v before sharing", imageIDs(got))
	}
	_, err := e.imageAssocs(friendC, img)
	if got := wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException"); aws.ToString(got.ResourceId) != img {
		t.Fatalf("ResourceId %q", aws.ToString(got.ResourceId))
	}

	share(e, img, friend, true)

	// The friend sees it as SHARED, owned by the owner.
	for _, typ := range []types.ImageType{"", types.ImageTypeShared} {
		got := images(e, friendC, typ)
		if len(got) != 1 || *got[0].ImageId != img {
			t.Fatalf("friend's images (%q): %v", typ, imageIDs(got))
		}
		wantStr(t, "shared image OwnerAccountId", got[0].OwnerAccountId, owner)
		if got[0].State != types.WorkspaceImageStateAvailable || aws.ToString(got[0].Name) != "golden" {
			t.Fatalf("shared image: %+v", got[0])
		}
	}
	if got := images(e, friendC, types.ImageTypeOwned); len(got) != 0 {
		t.Fatalf("friend OWNS %v", imageIDs(got))
	}
	// The owner still sees it as its own, not shared.
	if got := images(e, e.c, types.ImageTypeOwned); len(got) != 1 || *got[0].ImageId != img {
		t.Fatalf("owner's OWNED images: %v", imageIDs(got))
	}
	if got := images(e, e.c, types.ImageTypeShared); len(got) != 0 {
		t.Fatalf("owner's SHARED images: %v", imageIDs(got))
	}
	// Describing by id works from the friend too.
	byID, err := friendC.DescribeWorkspaceImages(e.ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{img}})
	e.ok(err)
	if len(byID.Images) != 1 {
		t.Fatalf("friend DescribeWorkspaceImages by id: %v", imageIDs(byID.Images))
	}

	// The friend can describe its associations.
	e.wantImageApps(friendC, img, types.AssociationStateCompleted, imgAt, app)

	// ... and copy it: the copy is the friend's, with the applications.
	cp, err := friendC.CopyWorkspaceImage(e.ctx, &workspaces.CopyWorkspaceImageInput{
		Name: aws.String("golden-copy"), SourceImageId: aws.String(img), SourceRegion: aws.String(region)})
	e.ok(err)
	copyAt := e.now()
	copyID := *cp.ImageId
	if copyID == img {
		t.Fatal("the copy has the source's id")
	}
	e.wantImageApps(friendC, copyID, types.AssociationStateInstalling, copyAt, app)
	e.advance(step)
	e.wantImageApps(friendC, copyID, types.AssociationStateCompleted, copyAt.Add(step), app)
	owned := images(e, friendC, types.ImageTypeOwned)
	if len(owned) != 1 || *owned[0].ImageId != copyID || owned[0].State != types.WorkspaceImageStateAvailable {
		t.Fatalf("friend's own images: %+v", owned)
	}
	wantStr(t, "copy OwnerAccountId", owned[0].OwnerAccountId, friend)
	// The copy is not visible to the owner.
	if got := images(e, e.c, ""); !slices.Equal(imageIDs(got), []string{img}) {
		t.Fatalf("owner sees %v", imageIDs(got))
	}

	// The friend can copy it into another of its regions, too.
	cpw, err := friendWest.CopyWorkspaceImage(e.ctx, &workspaces.CopyWorkspaceImageInput{
		Name: aws.String("golden-west"), SourceImageId: aws.String(img), SourceRegion: aws.String(region)})
	e.ok(err)
	e.advance(step)
	e.wantImageApps(friendWest, *cpw.ImageId, types.AssociationStateCompleted, e.now(), app)

	// A third account, and the friend in another region, see nothing of it.
	if got := images(e, strangerC, ""); len(got) != 0 {
		t.Fatalf("stranger sees %v", imageIDs(got))
	}
	_, err = e.imageAssocs(strangerC, img)
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	_, err = strangerC.CopyWorkspaceImage(e.ctx, &workspaces.CopyWorkspaceImageInput{
		Name: aws.String("stolen"), SourceImageId: aws.String(img), SourceRegion: aws.String(region)})
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	if got := images(e, friendWest, ""); !slices.Equal(imageIDs(got), []string{*cpw.ImageId}) {
		t.Fatalf("friend in us-west-2 sees %v, want only its copy", imageIDs(got))
	}
	_, err = e.imageAssocs(friendWest, img)
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")

	// Only the owner manages the permissions.
	_, err = friendC.UpdateWorkspaceImagePermission(e.ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
		ImageId: aws.String(img), SharedAccountId: aws.String(stranger), AllowCopyImage: aws.Bool(true)})
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	_, err = friendC.DescribeWorkspaceImagePermissions(e.ctx, &workspaces.DescribeWorkspaceImagePermissionsInput{ImageId: aws.String(img)})
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")

	// Revoked: the friend no longer sees it; its copies stay.
	share(e, img, friend, false)
	if got := images(e, friendC, ""); !slices.Equal(imageIDs(got), []string{copyID}) {
		t.Fatalf("friend sees %v after revocation, want only its copy", imageIDs(got))
	}
	if got := images(e, friendC, types.ImageTypeShared); len(got) != 0 {
		t.Fatalf("friend's SHARED images after revocation: %v", imageIDs(got))
	}
	_, err = e.imageAssocs(friendC, img)
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	e.wantImageApps(friendC, copyID, types.AssociationStateCompleted, copyAt.Add(step), app)
}

func TestSharingPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	img, _ := sharedImage(e)
	perms := func(max int32, token *string) *workspaces.DescribeWorkspaceImagePermissionsOutput {
		t.Helper()
		in := &workspaces.DescribeWorkspaceImagePermissionsInput{ImageId: aws.String(img), NextToken: token}
		if max > 0 {
			in.MaxResults = aws.Int32(max)
		}
		out, err := e.c.DescribeWorkspaceImagePermissions(e.ctx, in)
		e.ok(err)
		wantStr(t, "DescribeWorkspaceImagePermissions ImageId", out.ImageId, img)
		return out
	}
	if got := perms(0, nil); len(got.ImagePermissions) != 0 || got.NextToken != nil {
		t.Fatalf("permissions before sharing: %+v", got.ImagePermissions)
	}
	accounts := []string{"555555555555", friend, "444444444444", stranger, "666666666666"}
	for _, a := range accounts {
		share(e, img, a, true)
	}
	share(e, img, friend, true) // again: no duplicate
	want := slices.Clone(accounts)
	slices.Sort(want)

	var got []string
	var token *string
	pages := 0
	for {
		out := perms(2, token)
		pages++
		for _, p := range out.ImagePermissions {
			got = append(got, *p.SharedAccountId)
		}
		if token = out.NextToken; token == nil {
			if len(out.ImagePermissions) == 0 {
				t.Fatal("an empty last page")
			}
			break
		}
		if len(out.ImagePermissions) != 2 {
			t.Fatalf("a page holds %d permissions, want 2", len(out.ImagePermissions))
		}
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Fatalf("permissions in %d pages: %v, want %v in 3", pages, got, want)
	}
	share(e, img, stranger, false)
	want = slices.DeleteFunc(want, func(a string) bool { return a == stranger })
	got = nil
	for _, p := range perms(0, nil).ImagePermissions {
		got = append(got, *p.SharedAccountId)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("after revoking %s: %v, want %v", stranger, got, want)
	}

	// Sharing with oneself, or an unknown image, is refused.
	_, err := e.c.UpdateWorkspaceImagePermission(e.ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
		ImageId: aws.String(img), SharedAccountId: aws.String(owner), AllowCopyImage: aws.Bool(true)})
	wantErr[*types.InvalidParameterValuesException](t, err, "InvalidParameterValuesException")
	_, err = e.c.UpdateWorkspaceImagePermission(e.ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
		ImageId: aws.String("wsi-zzzzzzzzz"), SharedAccountId: aws.String(friend), AllowCopyImage: aws.Bool(true)})
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
}

// A copy into another region of the same account carries the applications.
func TestCopyAcrossRegions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	img, app := sharedImage(e)
	west := clientOf(e.srv, owner, "us-west-2")
	cp, err := west.CopyWorkspaceImage(e.ctx, &workspaces.CopyWorkspaceImageInput{Name: aws.String("golden"),
		Description: aws.String("copy"), SourceImageId: aws.String(img), SourceRegion: aws.String(region)})
	e.ok(err)
	at := e.now()
	got, err := west.DescribeWorkspaceImages(e.ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{*cp.ImageId}})
	e.ok(err)
	if len(got.Images) != 1 || got.Images[0].State != types.WorkspaceImageStatePending {
		t.Fatalf("copy: %+v", got.Images)
	}
	wantStr(t, "copy OwnerAccountId", got.Images[0].OwnerAccountId, owner)
	e.wantImageApps(west, *cp.ImageId, types.AssociationStateInstalling, at, app)
	e.advance(step)
	e.wantImageApps(west, *cp.ImageId, types.AssociationStateCompleted, at.Add(step), app)
	got, err = west.DescribeWorkspaceImages(e.ctx, &workspaces.DescribeWorkspaceImagesInput{})
	e.ok(err)
	if len(got.Images) != 1 || got.Images[0].State != types.WorkspaceImageStateAvailable {
		t.Fatalf("us-west-2 images: %+v", got.Images)
	}
	// The source region still has only the source; the copy is not there.
	if ids := imageIDs(images(e, e.c, "")); !slices.Equal(ids, []string{img}) {
		t.Fatalf("us-east-1 images: %v", ids)
	}
	_, err = e.imageAssocs(e.c, *cp.ImageId)
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
	// A bundle of the copy, in us-west-2, carries the application too.
	b, err := west.CreateWorkspaceBundle(e.ctx, &workspaces.CreateWorkspaceBundleInput{BundleName: aws.String("west"),
		BundleDescription: aws.String("west"), ImageId: cp.ImageId, ComputeType: &types.ComputeType{Name: types.ComputeStandard},
		UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
	e.ok(err)
	ba, err := west.DescribeBundleAssociations(e.ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: b.WorkspaceBundle.BundleId,
		AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
	e.ok(err)
	if len(ba.Associations) != 1 || *ba.Associations[0].AssociatedResourceId != app || ba.Associations[0].State != types.AssociationStateCompleted {
		t.Fatalf("bundle of the copy: %+v", ba.Associations)
	}
	// Copying from a region where the image is not is ResourceNotFound.
	_, err = west.CopyWorkspaceImage(e.ctx, &workspaces.CopyWorkspaceImageInput{Name: aws.String("nope"),
		SourceImageId: aws.String(img), SourceRegion: aws.String("eu-west-1")})
	wantErr[*types.ResourceNotFoundException](t, err, "ResourceNotFoundException")
}

// The API reference of DeleteWorkspaceImage: "To delete an image, you must
// first delete any bundles that are associated with the image and unshare
// the image if it is shared with other accounts."
func TestSharingDeleteSharedImage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	img, app := sharedImage(e)
	imgAt := e.now()
	share(e, img, friend, true)
	friendC := clientOf(e.srv, friend, region)
	_, err := e.c.DeleteWorkspaceImage(e.ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(img)})
	var assoc *types.ResourceAssociatedException
	var state *types.InvalidResourceStateException
	if !errors.As(err, &assoc) && !errors.As(err, &state) {
		t.Fatalf("DeleteWorkspaceImage of a shared image: %v, want a refusal", err)
	}
	e.wantImage(img, types.WorkspaceImageStateAvailable)
	e.wantImageApps(friendC, img, types.AssociationStateCompleted, imgAt, app)
	share(e, img, friend, false)
	_, err = e.c.DeleteWorkspaceImage(e.ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(img)})
	e.ok(err)
}
