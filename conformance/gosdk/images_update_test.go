package gosdk_test

import (
	"context"
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
