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

// TestCreateUpdatedWorkspaceImageRules: an image is updated only when an
// update is available, and "Only Windows 10, Windows Server 2016, and
// Windows Server 2019 WorkSpace images can be programmatically updated at
// this time" (API reference, CreateUpdatedWorkspaceImage): a Windows 11
// image never shows an update and is refused.
func TestCreateUpdatedWorkspaceImageRules(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	win10 := importImage(t, c, "updatable-win10", importOpts{})
	win11 := importImage(t, c, "not-updatable-win11", importOpts{tags: []types.Tag{
		{Key: aws.String("wslocal:OperatingSystemName"), Value: aws.String("WINDOWS_11")}}})
	srv.Advance(time.Minute) // both AVAILABLE
	update := func(id string) error {
		_, err := c.CreateUpdatedWorkspaceImage(ctx, &workspaces.CreateUpdatedWorkspaceImageInput{
			SourceImageId: aws.String(id), Name: aws.String("updated-" + id), Description: aws.String("updated")})
		return err
	}

	// A new Windows 10 image has nothing to apply.
	ae := apiError(t, update(win10), "OperationNotSupportedException")
	if want := "The image " + win10 + " is up to date; there is no update to apply."; ae.ErrorMessage() != want {
		t.Errorf("message = %q, want %q", ae.ErrorMessage(), want)
	}

	// A month on, AWS has updates for Windows 10 but not for Windows 11.
	srv.Advance(31 * 24 * time.Hour)
	if u := describeImage(t, c, win10).Updates; u == nil || !aws.ToBool(u.UpdateAvailable) {
		t.Errorf("Windows 10 image a month old: Updates = %+v, want UpdateAvailable", u)
	}
	if u := describeImage(t, c, win11).Updates; u == nil || aws.ToBool(u.UpdateAvailable) {
		t.Errorf("Windows 11 image: Updates = %+v, want no update available", u)
	}
	ae = apiError(t, update(win11), "OperationNotSupportedException")
	if want := "The image " + win11 + " runs WINDOWS_11; only Windows 10, Windows Server 2016 and Windows Server 2019 images can be updated."; ae.ErrorMessage() != want {
		t.Errorf("message = %q, want %q", ae.ErrorMessage(), want)
	}
	if err := update(win10); err != nil {
		t.Fatalf("CreateUpdatedWorkspaceImage of the Windows 10 image: %v", err)
	}
}

// TestUpdateWorkspaceImagePermissionRevokeNeedsShare: "This permission can
// be revoked only after an image has been shared" (API reference,
// UpdateWorkspaceImagePermission, AllowCopyImage).
func TestUpdateWorkspaceImagePermissionRevokeNeedsShare(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	img := importImage(t, c, "revoke-rules", importOpts{})
	srv.Advance(time.Minute)
	permit := func(allow bool) error {
		_, err := c.UpdateWorkspaceImagePermission(ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
			ImageId: aws.String(img), SharedAccountId: aws.String("111111111111"), AllowCopyImage: aws.Bool(allow)})
		return err
	}
	ae := apiError(t, permit(false), "InvalidParameterValuesException")
	if want := "The image " + img + " is not shared with account 111111111111: there is no permission to revoke."; ae.ErrorMessage() != want {
		t.Errorf("message = %q, want %q", ae.ErrorMessage(), want)
	}
	if err := permit(true); err != nil {
		t.Fatalf("share: %v", err)
	}
	if err := permit(false); err != nil {
		t.Fatalf("revoke after sharing: %v", err)
	}
	out, err := c.DescribeWorkspaceImagePermissions(ctx, &workspaces.DescribeWorkspaceImagePermissionsInput{ImageId: aws.String(img)})
	if err != nil || len(out.ImagePermissions) != 0 {
		t.Fatalf("permissions after revoking: %+v, %v; want none", out, err)
	}
	apiError(t, permit(false), "InvalidParameterValuesException")
}

// TestCopyWorkspaceImageNingxia: "In the China (Ningxia) Region, you can
// copy images only within the same Region" (API reference,
// CopyWorkspaceImage); copies within it work.
func TestCopyWorkspaceImageNingxia(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ningxia := newClient(srv.AWSConfigFor("000000000000", "cn-northwest-1"))
	virginia := client(srv)
	ctx := context.Background()
	local := importImage(t, ningxia, "ningxia-image", importOpts{})
	remote := importImage(t, virginia, "virginia-image", importOpts{})
	srv.Advance(time.Minute)
	copyImage := func(c *workspaces.Client, id, from string) error {
		_, err := c.CopyWorkspaceImage(ctx, &workspaces.CopyWorkspaceImageInput{
			Name: aws.String("copy-of-" + id), SourceImageId: aws.String(id), SourceRegion: aws.String(from)})
		return err
	}
	ae := apiError(t, copyImage(ningxia, remote, "us-east-1"), "OperationNotSupportedException")
	if want := "Images can be copied to or from cn-northwest-1 only within that Region; this copy is from us-east-1 to cn-northwest-1."; ae.ErrorMessage() != want {
		t.Errorf("message = %q, want %q", ae.ErrorMessage(), want)
	}
	apiError(t, copyImage(virginia, local, "cn-northwest-1"), "OperationNotSupportedException")
	if err := copyImage(ningxia, local, "cn-northwest-1"); err != nil {
		t.Fatalf("copy within cn-northwest-1: %v", err)
	}
	if err := copyImage(virginia, remote, "us-east-1"); err != nil {
		t.Fatalf("copy within us-east-1: %v", err)
	}
}

// TestShareByolImageGovCloud: "Sharing Bring Your Own License (BYOL) images
// across Amazon Web Services accounts isn't supported at this time in Amazon
// Web Services GovCloud (US)" (API reference, UpdateWorkspaceImagePermission).
func TestShareByolImageGovCloud(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	for _, region := range []string{"us-gov-west-1", "us-east-1"} {
		c := newClient(srv.AWSConfigFor("000000000000", region))
		img := importImage(t, c, "byol-"+region, importOpts{}) // imported images are BYOL (RequiredTenancy DEDICATED)
		srv.Advance(time.Minute)
		_, err := c.UpdateWorkspaceImagePermission(ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
			ImageId: aws.String(img), SharedAccountId: aws.String("111111111111"), AllowCopyImage: aws.Bool(true)})
		if region == "us-east-1" {
			if err != nil {
				t.Errorf("sharing a BYOL image in %s: %v", region, err)
			}
			continue
		}
		ae := apiError(t, err, "OperationNotSupportedException")
		if want := "The image " + img + " is a BYOL image; sharing BYOL images across accounts is not supported in us-gov-west-1."; ae.ErrorMessage() != want {
			t.Errorf("message = %q, want %q", ae.ErrorMessage(), want)
		}
	}
}

// TestDescribeWorkspaceImagePermissionsPaged: an image's permissions come
// by account, MaxResults a page, each page starting after the last.
func TestDescribeWorkspaceImagePermissionsPaged(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	img := importImage(t, c, "permissions-paged", importOpts{})
	srv.Advance(time.Minute)
	want := []string{"100000000001", "100000000002", "100000000003", "100000000004", "100000000005"}
	for _, i := range []int{3, 0, 4, 1, 2} {
		if _, err := c.UpdateWorkspaceImagePermission(ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
			ImageId: aws.String(img), SharedAccountId: aws.String(want[i]), AllowCopyImage: aws.Bool(true)}); err != nil {
			t.Fatalf("share with %s: %v", want[i], err)
		}
	}
	got, sizes := walkPages(t, func(token *string) ([]string, *string, error) {
		out, err := c.DescribeWorkspaceImagePermissions(ctx, &workspaces.DescribeWorkspaceImagePermissionsInput{ImageId: aws.String(img), MaxResults: aws.Int32(2), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		var accounts []string
		for _, p := range out.ImagePermissions {
			accounts = append(accounts, aws.ToString(p.SharedAccountId))
		}
		return accounts, out.NextToken, nil
	})
	if !slices.Equal(got, want) || !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Errorf("pages %v of %v, want 2, 2, 1 of %v", sizes, got, want)
	}
}

// TestDescribeWorkspaceImagesOwnAndSharedPaged: a caller's own images and
// those shared with it come in one ID order across pages of any size; by
// ImageType, only one of them; by ImageIds, those named.
func TestDescribeWorkspaceImagesOwnAndSharedPaged(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	const guest = "111122223333"
	gc := newClient(srv.AWSConfigFor(guest, defaultRegion))
	var own, shared []string
	for i := range 3 {
		shared = append(shared, importImage(t, c, fmt.Sprintf("shared-%d", i), importOpts{}))
		own = append(own, importImage(t, gc, fmt.Sprintf("own-%d", i), importOpts{}))
	}
	srv.Advance(time.Minute)
	for _, img := range shared {
		if _, err := c.UpdateWorkspaceImagePermission(ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
			ImageId: aws.String(img), SharedAccountId: aws.String(guest), AllowCopyImage: aws.Bool(true)}); err != nil {
			t.Fatalf("share %s: %v", img, err)
		}
	}
	all := slices.Sorted(slices.Values(append(slices.Clone(own), shared...)))
	slices.Sort(own)
	slices.Sort(shared)
	list := func(in workspaces.DescribeWorkspaceImagesInput) []string {
		t.Helper()
		var ids []string
		for {
			out, err := gc.DescribeWorkspaceImages(ctx, &in)
			if err != nil {
				t.Fatalf("DescribeWorkspaceImages: %v", err)
			}
			for _, img := range out.Images {
				ids = append(ids, aws.ToString(img.ImageId))
			}
			if out.NextToken == nil {
				return ids
			}
			in.NextToken = out.NextToken
		}
	}
	for _, size := range []int32{1, 2, 25} {
		for _, c := range []struct {
			typ  types.ImageType
			want []string
		}{{"", all}, {types.ImageTypeOwned, own}, {types.ImageTypeShared, shared}} {
			if got := list(workspaces.DescribeWorkspaceImagesInput{ImageType: c.typ, MaxResults: aws.Int32(size)}); !slices.Equal(got, c.want) {
				t.Errorf("ImageType %q, MaxResults %d: %v, want %v", c.typ, size, got, c.want)
			}
		}
	}
	byID := []string{all[4], all[0], all[3]}
	want := []string{all[0], all[3], all[4]}
	if got := list(workspaces.DescribeWorkspaceImagesInput{ImageIds: byID, MaxResults: aws.Int32(1)}); !slices.Equal(got, want) {
		t.Errorf("ImageIds %v: %v, want %v", byID, got, want)
	}
}
