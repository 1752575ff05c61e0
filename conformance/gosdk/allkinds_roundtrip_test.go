package gosdk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/color"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// TestEveryKindRoundTripsByteForByte: a state holding a resource of every
// kind, built through the API (images, one of them a custom import, a
// bundle, WorkSpaces with a standby pair and a migrated one, a directory
// with branding, an add-in, streaming properties and an encryption mode,
// an IP group, a shared alias, an account link, a pool with a session, the
// account's BYOL modifications, tags and an image share) exports, imports
// after a reset and exports again to the same bytes.
func TestEveryKindRoundTripsByteForByte(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	const account, east, west = "000000000000", "us-east-1", "us-west-2"
	c := newClient(srv.AWSConfigFor(account, east))
	cw := newClient(srv.AWSConfigFor(account, west))
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// BYOL: the account's modifications.
	must("ModifyAccount", enableBYOL(c, "10.0.0.0/16"))

	// Images: an import, shared with another account, and a custom import.
	img := importImage(t, c, "golden", importOpts{tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("desk")}}})
	custom := importCustom(t, c, customImportInput("custom"))
	srv.Advance(time.Hour)
	_, err := c.UpdateWorkspaceImagePermission(ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
		ImageId: aws.String(img), AllowCopyImage: aws.Bool(true), SharedAccountId: aws.String("222222222222")})
	must("UpdateWorkspaceImagePermission", err)

	// A bundle of the image.
	b, err := c.CreateWorkspaceBundle(ctx, &workspaces.CreateWorkspaceBundleInput{
		BundleName: aws.String("golden"), BundleDescription: aws.String("golden image"), ImageId: aws.String(img),
		ComputeType: &types.ComputeType{Name: types.ComputeStandard}, UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
	must("CreateWorkspaceBundle", err)
	bundle := aws.ToString(b.WorkspaceBundle.BundleId)

	// Directories: one with branding, an add-in, streaming and encryption;
	// one in the standby Region.
	registerDirectory(t, c, primaryDir)
	registerDirectory(t, cw, standbyDir)
	srv.Advance(time.Minute)
	_, err = c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(primaryDir),
		DeviceTypeIos: &types.IosImportClientBrandingAttributes{Logo3x: pngLogo(t, 5, color.RGBA{B: 255, A: 255}), SupportEmail: aws.String("help@example.com")}})
	must("ImportClientBranding", err)
	_, err = c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(primaryDir),
		Name: aws.String("Contact center"), URL: aws.String(connectURL)})
	must("CreateConnectClientAddIn", err)
	_, err = c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(primaryDir),
		EndpointEncryptionMode: types.EndpointEncryptionModeFipsValidated})
	must("ModifyEndpointEncryptionMode", err)
	_, err = c.ModifyStreamingProperties(ctx, &workspaces.ModifyStreamingPropertiesInput{ResourceId: aws.String(primaryDir),
		StreamingProperties: &types.StreamingProperties{StreamingExperiencePreferredProtocol: types.StreamingExperiencePreferredProtocolEnumUdp}})
	must("ModifyStreamingProperties", err)

	// An IP group, associated.
	g, err := c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("office"),
		UserRules: []types.IpRuleItem{{IpRule: aws.String("10.1.0.0/16"), RuleDesc: aws.String("office")}}})
	must("CreateIpGroup", err)
	_, err = c.AssociateIpGroups(ctx, &workspaces.AssociateIpGroupsInput{DirectoryId: aws.String(primaryDir), GroupIds: []string{aws.ToString(g.GroupId)}})
	must("AssociateIpGroups", err)

	// A connection alias, shared.
	alias := createAlias(t, c, "www.example.com")
	must("UpdateConnectionAliasPermission", share(t, c, alias, "222222222222", true))

	// An account link.
	invite(t, c, "333333333333")

	// WorkSpaces: one of the bundle, a standby pair, a migrated one.
	createWorkspace(t, c, primaryDir, bundle, "carol")
	primary := createWorkspace(t, c, primaryDir, publicBundleID(t, c, win2019Std), "alice")
	migrated := createWorkspace(t, c, primaryDir, publicBundleID(t, c, win2019Std), "bob")
	srv.Advance(31 * time.Minute)
	createStandby(t, cw, east, standbyRequest(primary, standbyDir, ""))
	_, err = migrate(c, migrated, publicBundleID(t, c, "Performance with Windows 10 (Server 2022 based) (WSP)"))
	must("MigrateWorkspace", err)

	// A pool with a session.
	pdir := registerPoolsDirectory(t, srv, c, "pools.example.com")
	pool := aws.ToString(createPool(t, c, pdir, publicBundleID(t, c, poolBundleName), "desk", 2, "").PoolId)
	srv.Advance(time.Second)
	if status, _ := startSession(t, srv, pool, "dave"); status != http.StatusCreated {
		t.Fatalf("start session: %d", status)
	}
	srv.Advance(time.Second)
	// Resources mid-way, with steps due: a custom import and a WorkSpace.
	inflight := importCustom(t, c, customImportInput("inflight"))
	createWorkspace(t, c, primaryDir, bundle, "erin")
	srv.Advance(time.Second)

	var first json.RawMessage
	if status := srv.Control(http.MethodGet, "/_wslocal/state", nil, &first); status != http.StatusOK {
		t.Fatalf("GET state: %d", status)
	}
	var doc struct {
		Resources []struct {
			Kind string `json:"kind"`
		} `json:"resources"`
		Tags   []json.RawMessage `json:"tags"`
		Shares []json.RawMessage `json:"shares"`
	}
	if err := json.Unmarshal(first, &doc); err != nil {
		t.Fatalf("the export: %v", err)
	}
	seen := map[string]bool{}
	for _, r := range doc.Resources {
		seen[r.Kind] = true
	}
	for _, k := range []string{"image", "bundle", "workspace", "directory", "ip-group", "account", "connection-alias",
		"pool", "pool-session", "account-link", "client-branding"} {
		if !seen[k] {
			t.Errorf("the export holds no %s resource", k)
		}
	}
	// A custom import lives in its image's document.
	for _, id := range []string{custom, inflight} {
		if !bytes.Contains(first, []byte(id)) {
			t.Errorf("the export does not hold the custom import's image %s", id)
		}
	}
	if len(doc.Tags) == 0 || len(doc.Shares) == 0 {
		t.Errorf("the export holds %d tags and %d shares, want some of each", len(doc.Tags), len(doc.Shares))
	}
	if testing.Verbose() {
		t.Logf("%s", first)
	}
	srv.Reset()
	if status := srv.Control(http.MethodPut, "/_wslocal/state", first, nil); status != http.StatusOK {
		t.Fatalf("PUT state: %d", status)
	}
	var second json.RawMessage
	if status := srv.Control(http.MethodGet, "/_wslocal/state", nil, &second); status != http.StatusOK {
		t.Fatalf("GET state again: %d", status)
	}
	if !bytes.Equal(first, second) {
		i := 0
		for i < len(first) && i < len(second) && first[i] == second[i] {
			i++
		}
		lo := max(0, i-200)
		t.Fatalf("the second export differs from the first at byte %d:\nfirst:  %s\nsecond: %s", i,
			first[lo:min(len(first), i+200)], second[lo:min(len(second), i+200)])
	}
}
