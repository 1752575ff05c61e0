package gosdk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// Reading a shared image from the account it is shared with applies the
// steps due in the owner's account first, as a read of one's own does:
// DescribeImageAssociations and DescribeWorkspaceImages (SHARED) see the
// owner's world as of now.
func TestSharedImageReadsAreCurrent(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	owner := newClient(srv.AWSConfigFor("111111111111", defaultRegion))
	reader := newClient(srv.AWSConfigFor("222222222222", defaultRegion))

	shared := importImage(t, owner, "shared", withOffice2019)
	srv.Advance(importStep)
	if _, err := owner.UpdateWorkspaceImagePermission(ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
		ImageId: aws.String(shared), AllowCopyImage: aws.Bool(true), SharedAccountId: aws.String("222222222222")}); err != nil {
		t.Fatalf("UpdateWorkspaceImagePermission: %v", err)
	}
	clock := srv.Clock
	steps := func() int64 { return srv.Service.StepsApplied()["image"] }

	for i, tc := range []struct {
		name string
		read func() error
	}{
		{"DescribeImageAssociations", func() error {
			as := imageAssociations(t, reader, shared)
			if len(as) != 1 || as[0].State != types.AssociationStateCompleted {
				t.Errorf("shared image's associations = %+v, want one COMPLETED", as)
			}
			return nil
		}},
		{"DescribeWorkspaceImages SHARED", func() error {
			out, err := reader.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageType: types.ImageTypeShared})
			if err == nil && (len(out.Images) != 1 || aws.ToString(out.Images[0].ImageId) != shared) {
				t.Errorf("shared images = %+v, want %s", out.Images, shared)
			}
			return err
		}},
	} {
		// A step comes due in the owner's account, and nobody sweeps.
		importImage(t, owner, fmt.Sprintf("pending-%d", i), importOpts{})
		if _, err := clock.Advance(importStep + time.Millisecond); err != nil {
			t.Fatal(err)
		}
		before := steps()
		if err := tc.read(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := steps(); got != before+1 {
			t.Errorf("%s from the account shared with applied %d of the owner's steps, want 1", tc.name, got-before)
		}
	}
}
