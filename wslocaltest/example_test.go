package wslocaltest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

// The import of an image with Office moves only when the test moves the clock.
func Example() {
	t := &testing.T{} // in a real test, the *testing.T you are given
	srv := wslocaltest.Start(t)
	client := workspaces.NewFromConfig(srv.AWSConfig())
	ctx := context.Background()

	img, err := client.ImportWorkspaceImage(ctx, &workspaces.ImportWorkspaceImageInput{
		Ec2ImageId: aws.String("ami-0123456789abcdef0"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
		ImageName: aws.String("golden"), ImageDescription: aws.String("Windows 10 with Office"),
		Applications: []types.Application{types.ApplicationMicrosoftOffice2019},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	describe := func() types.AssociationState {
		out, err := client.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{
			ImageId: img.ImageId, AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication},
		})
		if err != nil {
			return types.AssociationState(err.Error())
		}
		return out.Associations[0].State
	}
	fmt.Println(describe())
	srv.Advance(time.Minute)
	fmt.Println(describe())
	// Output:
	// INSTALLING
	// COMPLETED
}
