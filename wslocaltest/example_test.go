package wslocaltest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/wslocaltest"
)

// The import of an image with Office moves only when the clock moves. In a
// test, wslocaltest.Start(t) does the same and closes the server itself.
func Example() {
	srv, err := wslocaltest.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
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

// A seeded WorkSpace waits for a deployment, which a fault rule makes fail.
func ExampleServer_InjectFault() {
	srv, err := wslocaltest.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	srv.Seed(`
accounts:
  - directories: [{id: d-1234567890}]
    workspaces:
      - id: ws-example01
        directory: d-1234567890
        bundle: wsb-gk1wpk43z   # AWS's Standard with Windows 10 (Server 2019 based)
        userName: alice
        applications:
          - {application: Microsoft Visio LTSC Standard 2021, state: PENDING_INSTALL_DEPLOYMENT}
`)
	srv.InjectFault(sim.FaultRule{Operation: "DeployWorkspaceApplications", Count: 1,
		AssociationError: &sim.AssociationErrorEffect{Code: "DeploymentError.InternalServerError", Message: "injected"}})

	client := workspaces.NewFromConfig(srv.AWSConfig())
	ctx := context.Background()
	if _, err := client.DeployWorkspaceApplications(ctx, &workspaces.DeployWorkspaceApplicationsInput{
		WorkspaceId: aws.String("ws-example01")}); err != nil {
		fmt.Println(err)
		return
	}
	srv.Advance(time.Minute)
	out, err := client.DescribeWorkspaceAssociations(ctx, &workspaces.DescribeWorkspaceAssociationsInput{
		WorkspaceId:             aws.String("ws-example01"),
		AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	a := out.Associations[0]
	fmt.Println(a.State, a.StateReason.ErrorCode)
	// Output:
	// ERROR DeploymentError.InternalServerError
}
