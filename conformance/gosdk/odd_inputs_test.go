package gosdk_test

import (
	"context"
	"errors"
	"image/color"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
	"github.com/aws/smithy-go"
)

// TestOddInputsToRecentOperationsNeverFail500: each of the pools, snapshot,
// restore, migrate, standby, branding, Connect add-in, encryption mode,
// streaming properties, account link and custom image import operations,
// called with odd ids (empty, unknown, of another kind, of another
// account, over-long) and odd lists, answers success or an AWS-shaped
// error, never HTTP 500 or InternalFailure.
func TestOddInputsToRecentOperationsNeverFail500(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	const owner, east, west = "000000000000", "us-east-1", "us-west-2"
	a := newClient(srv.AWSConfigFor(owner, east))
	aw := newClient(srv.AWSConfigFor(owner, west))
	b := newClient(srv.AWSConfigFor(linkTarget, east))

	// Account A's resources, of every family the operations touch.
	registerDirectory(t, a, primaryDir)
	registerDirectory(t, aw, standbyDir)
	srv.Advance(time.Minute)
	ws := createWorkspace(t, a, primaryDir, publicBundleID(t, a, win2019Std), "alice")
	pdir := registerPoolsDirectory(t, srv, a, "pools.example.com")
	bundle := publicBundleID(t, a, poolBundleName)
	pool := aws.ToString(createPool(t, a, pdir, bundle, "desk", 1, "").PoolId)
	img := importCustom(t, a, customImportInput("custom"))
	link := aws.ToString(invite(t, a, linkOther).AccountLinkId)
	ai, err := a.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(primaryDir),
		Name: aws.String("Contact center"), URL: aws.String(connectURL)})
	if err != nil {
		t.Fatal(err)
	}
	addin := aws.ToString(ai.AddInId)
	srv.Advance(31 * time.Minute)
	if status, _ := startSession(t, srv, pool, "bob"); status != http.StatusCreated {
		t.Fatalf("start session: %d", status)
	}

	ids := []string{"", "x", strings.Repeat("a", 300), "ws-000000000", "wspool-000000000", "d-0000000000",
		"wsi-000000000", "wsb-000000000", "link-000000000", "00000000-0000-0000-0000-000000000000",
		"000000000000", ws, pool, pdir, primaryDir, img, bundle, link, addin, "../..", "%00"}
	logo := pngLogo(t, 5, color.RGBA{R: 255, A: 255})
	calls := map[string]func(c *workspaces.Client, id string) error{
		"CreateWorkspacesPool": func(c *workspaces.Client, id string) error {
			_, err := c.CreateWorkspacesPool(ctx, &workspaces.CreateWorkspacesPoolInput{PoolName: aws.String("p" + strings.Trim(id, "-.%")),
				Description: aws.String(id), BundleId: aws.String(id), DirectoryId: aws.String(id), Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(0)}})
			return err
		},
		"DescribeWorkspacesPools": func(c *workspaces.Client, id string) error {
			_, err := c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{PoolIds: []string{id},
				Filters: []types.DescribeWorkspacesPoolsFilter{{Name: types.DescribeWorkspacesPoolsFilterNamePoolname, Values: []string{}, Operator: types.DescribeWorkspacesPoolsFilterOperatorEquals}}})
			return err
		},
		"DescribeWorkspacesPoolSessions": func(c *workspaces.Client, id string) error {
			_, err := c.DescribeWorkspacesPoolSessions(ctx, &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: aws.String(id), UserId: aws.String(id), NextToken: aws.String(id)})
			return err
		},
		"UpdateWorkspacesPool": func(c *workspaces.Client, id string) error {
			_, err := c.UpdateWorkspacesPool(ctx, &workspaces.UpdateWorkspacesPoolInput{PoolId: aws.String(id), BundleId: aws.String(id), DirectoryId: aws.String(id),
				Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(-1)}, TimeoutSettings: &types.TimeoutSettings{}})
			return err
		},
		"StartWorkspacesPool": func(c *workspaces.Client, id string) error {
			_, err := c.StartWorkspacesPool(ctx, &workspaces.StartWorkspacesPoolInput{PoolId: aws.String(id)})
			return err
		},
		"StopWorkspacesPool": func(c *workspaces.Client, id string) error {
			_, err := c.StopWorkspacesPool(ctx, &workspaces.StopWorkspacesPoolInput{PoolId: aws.String(id)})
			return err
		},
		"TerminateWorkspacesPoolSession": func(c *workspaces.Client, id string) error {
			_, err := c.TerminateWorkspacesPoolSession(ctx, &workspaces.TerminateWorkspacesPoolSessionInput{SessionId: aws.String(id)})
			return err
		},
		"DescribeWorkspaceSnapshots": func(c *workspaces.Client, id string) error {
			_, err := c.DescribeWorkspaceSnapshots(ctx, &workspaces.DescribeWorkspaceSnapshotsInput{WorkspaceId: aws.String(id)})
			return err
		},
		"RestoreWorkspace": func(c *workspaces.Client, id string) error {
			_, err := c.RestoreWorkspace(ctx, &workspaces.RestoreWorkspaceInput{WorkspaceId: aws.String(id)})
			return err
		},
		"MigrateWorkspace": func(c *workspaces.Client, id string) error {
			_, err := c.MigrateWorkspace(ctx, &workspaces.MigrateWorkspaceInput{SourceWorkspaceId: aws.String(id), BundleId: aws.String(id)})
			return err
		},
		"CreateStandbyWorkspaces": func(c *workspaces.Client, id string) error {
			_, err := c.CreateStandbyWorkspaces(ctx, &workspaces.CreateStandbyWorkspacesInput{PrimaryRegion: aws.String(id),
				StandbyWorkspaces: []types.StandbyWorkspace{{PrimaryWorkspaceId: aws.String(id), DirectoryId: aws.String(id), VolumeEncryptionKey: aws.String(id)}}})
			if err != nil {
				return err
			}
			_, err = c.CreateStandbyWorkspaces(ctx, &workspaces.CreateStandbyWorkspacesInput{PrimaryRegion: aws.String(east),
				StandbyWorkspaces: []types.StandbyWorkspace{{PrimaryWorkspaceId: aws.String(id), DirectoryId: aws.String(id)}}})
			return err
		},
		"ImportClientBranding": func(c *workspaces.Client, id string) error {
			_, err := c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(id),
				DeviceTypeWindows: &types.DefaultImportClientBrandingAttributes{Logo: logo, LoginMessage: map[string]string{id: id}},
				DeviceTypeIos:     &types.IosImportClientBrandingAttributes{Logo2x: []byte(id)}})
			return err
		},
		"DescribeClientBranding": func(c *workspaces.Client, id string) error {
			_, err := c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(id)})
			return err
		},
		"DeleteClientBranding": func(c *workspaces.Client, id string) error {
			_, err := c.DeleteClientBranding(ctx, &workspaces.DeleteClientBrandingInput{ResourceId: aws.String(id), Platforms: []types.ClientDeviceType{}})
			return err
		},
		"CreateConnectClientAddIn": func(c *workspaces.Client, id string) error {
			_, err := c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(id), Name: aws.String(id), URL: aws.String(id)})
			return err
		},
		"DescribeConnectClientAddIns": func(c *workspaces.Client, id string) error {
			_, err := c.DescribeConnectClientAddIns(ctx, &workspaces.DescribeConnectClientAddInsInput{ResourceId: aws.String(id), NextToken: aws.String(id), MaxResults: aws.Int32(0)})
			return err
		},
		"UpdateConnectClientAddIn": func(c *workspaces.Client, id string) error {
			_, err := c.UpdateConnectClientAddIn(ctx, &workspaces.UpdateConnectClientAddInInput{AddInId: aws.String(id), ResourceId: aws.String(id), Name: aws.String(""), URL: aws.String(id)})
			return err
		},
		"DeleteConnectClientAddIn": func(c *workspaces.Client, id string) error {
			_, err := c.DeleteConnectClientAddIn(ctx, &workspaces.DeleteConnectClientAddInInput{AddInId: aws.String(id), ResourceId: aws.String(id)})
			return err
		},
		"ModifyEndpointEncryptionMode": func(c *workspaces.Client, id string) error {
			_, err := c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(id), EndpointEncryptionMode: types.EndpointEncryptionMode(id + "X")})
			return err
		},
		"ModifyStreamingProperties": func(c *workspaces.Client, id string) error {
			_, err := c.ModifyStreamingProperties(ctx, &workspaces.ModifyStreamingPropertiesInput{ResourceId: aws.String(id),
				StreamingProperties: &types.StreamingProperties{UserSettings: []types.UserSetting{}, StorageConnectors: []types.StorageConnector{{ConnectorType: types.StorageConnectorTypeEnum(id + "X"), Status: types.StorageConnectorStatusEnum(id + "Y")}},
					GlobalAccelerator: &types.GlobalAcceleratorForDirectory{Mode: types.AGAModeForDirectoryEnum(id + "X")}}})
			return err
		},
		"CreateAccountLinkInvitation": func(c *workspaces.Client, id string) error {
			_, err := c.CreateAccountLinkInvitation(ctx, &workspaces.CreateAccountLinkInvitationInput{TargetAccountId: aws.String(id), ClientToken: aws.String(id)})
			return err
		},
		"AcceptAccountLinkInvitation": func(c *workspaces.Client, id string) error {
			_, err := c.AcceptAccountLinkInvitation(ctx, &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(id)})
			return err
		},
		"RejectAccountLinkInvitation": func(c *workspaces.Client, id string) error {
			_, err := c.RejectAccountLinkInvitation(ctx, &workspaces.RejectAccountLinkInvitationInput{LinkId: aws.String(id)})
			return err
		},
		"GetAccountLink": func(c *workspaces.Client, id string) error {
			_, err := c.GetAccountLink(ctx, &workspaces.GetAccountLinkInput{LinkId: aws.String(id), LinkedAccountId: aws.String(id)})
			return err
		},
		"ListAccountLinks": func(c *workspaces.Client, id string) error {
			_, err := c.ListAccountLinks(ctx, &workspaces.ListAccountLinksInput{LinkStatusFilter: []types.AccountLinkStatusEnum{}, NextToken: aws.String(id), MaxResults: aws.Int32(-1)})
			return err
		},
		"DescribeCustomWorkspaceImageImport": func(c *workspaces.Client, id string) error {
			_, err := c.DescribeCustomWorkspaceImageImport(ctx, &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String(id)})
			return err
		},
		"ImportCustomWorkspaceImage": func(c *workspaces.Client, id string) error {
			in := customImportInput("odd" + strings.Trim(id, "-.%"))
			in.ImageSource = &types.ImageSourceIdentifierMemberImageBuildVersionArn{Value: id}
			in.InfrastructureConfigurationArn = aws.String(id)
			_, err := c.ImportCustomWorkspaceImage(ctx, in)
			return err
		},
	}
	// The ones that end what they name run last, in a pass of their own.
	destructive := map[string]func(c *workspaces.Client, id string) error{
		"TerminateWorkspacesPool": func(c *workspaces.Client, id string) error {
			_, err := c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: aws.String(id)})
			return err
		},
		"DeleteAccountLinkInvitation": func(c *workspaces.Client, id string) error {
			_, err := c.DeleteAccountLinkInvitation(ctx, &workspaces.DeleteAccountLinkInvitationInput{LinkId: aws.String(id), ClientToken: aws.String(id)})
			return err
		},
	}
	if n := len(calls) + len(destructive); n != 29 {
		t.Fatalf("%d operations, want the 29", n)
	}
	answered := map[string]int{} // the calls of an operation the server refused
	check := func(op, who, id string, err error) {
		t.Helper()
		if err == nil {
			return
		}
		var re *awshttp.ResponseError
		if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
			t.Errorf("%s as %s with %q: HTTP %d: %v", op, who, id, re.HTTPStatusCode(), err)
			return
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) {
			t.Errorf("%s as %s with %q: not an AWS error: %v", op, who, id, err)
			return
		}
		if code := ae.ErrorCode(); code == "InternalFailure" || code == "InternalServerError" || code == "" {
			t.Errorf("%s as %s with %q: %s: %s", op, who, id, code, ae.ErrorMessage())
		}
		if errors.As(err, &re) {
			answered[op]++
		}
	}
	for _, set := range []map[string]func(*workspaces.Client, string) error{calls, destructive} {
		for op, call := range set {
			for _, id := range ids {
				check(op, "another account", id, call(b, id))
				check(op, "the owner", id, call(a, id))
				srv.Advance(time.Second)
			}
		}
	}
	// Every operation reached the server and was refused at least once (the
	// odd inputs are not all stopped by the SDK's own validation).
	for _, set := range []map[string]func(*workspaces.Client, string) error{calls, destructive} {
		for op := range set {
			if answered[op] == 0 {
				t.Errorf("%s: no call was refused by the server", op)
			}
		}
	}
	// The server still answers.
	if _, err := a.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{}); err != nil {
		t.Fatalf("DescribeWorkspacesPools after the odd inputs: %v", err)
	}
}
