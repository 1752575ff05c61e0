package gosdk_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// publicBundleID returns the id of the AWS-owned bundle with this name.
func publicBundleID(t *testing.T, c *workspaces.Client, name string) string {
	t.Helper()
	in := &workspaces.DescribeWorkspaceBundlesInput{Owner: aws.String("AMAZON")}
	for {
		out, err := c.DescribeWorkspaceBundles(context.Background(), in)
		if err != nil {
			t.Fatalf("DescribeWorkspaceBundles: %v", err)
		}
		for _, b := range out.Bundles {
			if aws.ToString(b.Name) == name {
				return aws.ToString(b.BundleId)
			}
		}
		if out.NextToken == nil {
			t.Fatalf("no AWS bundle named %q", name)
		}
		in.NextToken = out.NextToken
	}
}

// registerDirectory registers a directory id; it is REGISTERED once the
// clock has moved a step.
func registerDirectory(t *testing.T, c *workspaces.Client, id string, tags ...types.Tag) {
	t.Helper()
	if _, err := c.RegisterWorkspaceDirectory(context.Background(), &workspaces.RegisterWorkspaceDirectoryInput{
		DirectoryId: aws.String(id), Tags: tags}); err != nil {
		t.Fatalf("RegisterWorkspaceDirectory(%s): %v", id, err)
	}
}

// createWorkspace creates one WorkSpace and returns its id; it is
// AVAILABLE once the clock has moved a step.
func createWorkspace(t *testing.T, c *workspaces.Client, dir, bundle, user string, tags ...types.Tag) string {
	t.Helper()
	out, err := c.CreateWorkspaces(context.Background(), &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{{
		DirectoryId: aws.String(dir), BundleId: aws.String(bundle), UserName: aws.String(user), Tags: tags,
	}}})
	if err != nil {
		t.Fatalf("CreateWorkspaces: %v", err)
	}
	if len(out.FailedRequests) != 0 || len(out.PendingRequests) != 1 {
		t.Fatalf("CreateWorkspaces: failed %+v", out.FailedRequests)
	}
	return aws.ToString(out.PendingRequests[0].WorkspaceId)
}

// workspaceAssociations lists a WorkSpace's applications.
func workspaceAssociations(t *testing.T, c *workspaces.Client, ws string) []types.WorkspaceResourceAssociation {
	t.Helper()
	out, err := c.DescribeWorkspaceAssociations(context.Background(), &workspaces.DescribeWorkspaceAssociationsInput{
		WorkspaceId: aws.String(ws), AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication}})
	if err != nil {
		t.Fatalf("DescribeWorkspaceAssociations(%s): %v", ws, err)
	}
	return out.Associations
}
