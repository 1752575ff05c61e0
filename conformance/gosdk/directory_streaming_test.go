package gosdk_test

import (
	"bytes"
	"context"
	"image/color"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

func TestModifyEndpointEncryptionMode(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	registerDirectory(t, c, propsDir)
	srv.Advance(time.Minute)
	if got := describeDirectory(t, c, propsDir).EndpointEncryptionMode; got != "" {
		t.Errorf("a new directory shows EndpointEncryptionMode %q, want none until it is set", got)
	}
	for _, mode := range []types.EndpointEncryptionMode{types.EndpointEncryptionModeFipsValidated, types.EndpointEncryptionModeStandardTls} {
		if _, err := c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(propsDir),
			EndpointEncryptionMode: mode}); err != nil {
			t.Fatalf("ModifyEndpointEncryptionMode %s: %v", mode, err)
		}
		if got := describeDirectory(t, c, propsDir).EndpointEncryptionMode; got != mode {
			t.Errorf("EndpointEncryptionMode = %q, want %s", got, mode)
		}
	}

	// With a WorkSpace (standard TLS), the directory cannot switch to FIPS.
	ws := createWorkspace(t, c, propsDir, "wsb-bh8rsxt14", "alice")
	srv.Advance(time.Hour)
	_, err := c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(propsDir),
		EndpointEncryptionMode: types.EndpointEncryptionModeFipsValidated})
	ae := apiError(t, err, "OperationNotSupportedException")
	asType[*types.OperationNotSupportedException](t, err)
	if want := "The directory " + propsDir + " has WorkSpaces that use standard TLS (" + ws + "): a directory can switch to FIPS_VALIDATED only while it has no WorkSpaces."; ae.ErrorMessage() != want {
		t.Errorf("message %q, want %q", ae.ErrorMessage(), want)
	}
	// Standard TLS again is no change: allowed.
	if _, err := c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(propsDir),
		EndpointEncryptionMode: types.EndpointEncryptionModeStandardTls}); err != nil {
		t.Errorf("ModifyEndpointEncryptionMode STANDARD_TLS with a WorkSpace: %v", err)
	}

	const other = "d-9999999999"
	_, err = c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(other),
		EndpointEncryptionMode: types.EndpointEncryptionModeStandardTls})
	notFound(t, err, other)
	_, err = c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(propsDir),
		EndpointEncryptionMode: "TLS_1_3"})
	apiError(t, err, "ValidationException")
}

func TestModifyStreamingProperties(t *testing.T) {
	t.Parallel()
	c, _ := registeredDirectory(t)
	ctx := context.Background()
	if sp := describeDirectory(t, c, propsDir).StreamingProperties; sp != nil {
		t.Errorf("a new directory shows StreamingProperties %+v, want none until they are set", sp)
	}
	modify := func(sp *types.StreamingProperties) error {
		_, err := c.ModifyStreamingProperties(ctx, &workspaces.ModifyStreamingPropertiesInput{ResourceId: aws.String(propsDir), StreamingProperties: sp})
		return err
	}
	if err := modify(&types.StreamingProperties{
		StreamingExperiencePreferredProtocol: types.StreamingExperiencePreferredProtocolEnumUdp,
		UserSettings: []types.UserSetting{
			{Action: types.UserSettingActionEnumClipboardCopyFromLocalDevice, Permission: types.UserSettingPermissionEnumEnabled, MaximumLength: aws.Int32(20000)},
			{Action: types.UserSettingActionEnumPrintingToLocalDevice, Permission: types.UserSettingPermissionEnumDisabled},
		},
		StorageConnectors: []types.StorageConnector{{ConnectorType: types.StorageConnectorTypeEnumHomeFolder, Status: types.StorageConnectorStatusEnumEnabled}},
	}); err != nil {
		t.Fatalf("ModifyStreamingProperties: %v", err)
	}
	// A second call sets only what it gives: the protocol and the global
	// accelerator; the user settings and connectors stay.
	if err := modify(&types.StreamingProperties{
		StreamingExperiencePreferredProtocol: types.StreamingExperiencePreferredProtocolEnumTcp,
		GlobalAccelerator:                    &types.GlobalAcceleratorForDirectory{Mode: types.AGAModeForDirectoryEnumEnabledAuto, PreferredProtocol: types.AGAPreferredProtocolForDirectoryTcp},
	}); err != nil {
		t.Fatalf("ModifyStreamingProperties again: %v", err)
	}
	sp := describeDirectory(t, c, propsDir).StreamingProperties
	if sp == nil || sp.StreamingExperiencePreferredProtocol != types.StreamingExperiencePreferredProtocolEnumTcp ||
		len(sp.UserSettings) != 2 || sp.UserSettings[0].Action != types.UserSettingActionEnumClipboardCopyFromLocalDevice ||
		aws.ToInt32(sp.UserSettings[0].MaximumLength) != 20000 || sp.UserSettings[1].Permission != types.UserSettingPermissionEnumDisabled ||
		sp.UserSettings[1].MaximumLength != nil ||
		len(sp.StorageConnectors) != 1 || sp.StorageConnectors[0].Status != types.StorageConnectorStatusEnumEnabled ||
		sp.GlobalAccelerator == nil || sp.GlobalAccelerator.Mode != types.AGAModeForDirectoryEnumEnabledAuto ||
		sp.GlobalAccelerator.PreferredProtocol != types.AGAPreferredProtocolForDirectoryTcp {
		t.Errorf("StreamingProperties = %+v", sp)
	}
	// A list given replaces the list.
	if err := modify(&types.StreamingProperties{UserSettings: []types.UserSetting{
		{Action: types.UserSettingActionEnumSmartCard, Permission: types.UserSettingPermissionEnumEnabled}}}); err != nil {
		t.Fatal(err)
	}
	sp = describeDirectory(t, c, propsDir).StreamingProperties
	if len(sp.UserSettings) != 1 || sp.UserSettings[0].Action != types.UserSettingActionEnumSmartCard || len(sp.StorageConnectors) != 1 {
		t.Errorf("after replacing the user settings: %+v", sp)
	}
	// No StreamingProperties at all changes nothing.
	if err := modify(nil); err != nil {
		t.Errorf("ModifyStreamingProperties without properties: %v", err)
	}

	for _, tc := range []struct {
		name string
		sp   types.StreamingProperties
		want string
	}{
		{"an action twice", types.StreamingProperties{UserSettings: []types.UserSetting{
			{Action: types.UserSettingActionEnumSmartCard, Permission: types.UserSettingPermissionEnumEnabled},
			{Action: types.UserSettingActionEnumSmartCard, Permission: types.UserSettingPermissionEnumDisabled}}},
			"UserSettings names the action SMART_CARD more than once."},
		{"a length on printing", types.StreamingProperties{UserSettings: []types.UserSetting{
			{Action: types.UserSettingActionEnumPrintingToLocalDevice, Permission: types.UserSettingPermissionEnumEnabled, MaximumLength: aws.Int32(10)}}},
			"MaximumLength applies only to the clipboard actions (CLIPBOARD_COPY_FROM_LOCAL_DEVICE, CLIPBOARD_COPY_TO_LOCAL_DEVICE), not to PRINTING_TO_LOCAL_DEVICE."},
		{"a connector twice", types.StreamingProperties{StorageConnectors: []types.StorageConnector{
			{ConnectorType: types.StorageConnectorTypeEnumHomeFolder, Status: types.StorageConnectorStatusEnumEnabled},
			{ConnectorType: types.StorageConnectorTypeEnumHomeFolder, Status: types.StorageConnectorStatusEnumDisabled}}},
			"StorageConnectors names the connector type HOME_FOLDER more than once."},
	} {
		err := modify(&tc.sp)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		invalidValues(t, err, tc.want)
	}
	sp = describeDirectory(t, c, propsDir).StreamingProperties
	if len(sp.UserSettings) != 1 || sp.UserSettings[0].Action != types.UserSettingActionEnumSmartCard {
		t.Errorf("a refused call changed the properties: %+v", sp)
	}

	// The model: an empty list, a negative length.
	apiError(t, modify(&types.StreamingProperties{UserSettings: []types.UserSetting{}}), "ValidationException")
	apiError(t, modify(&types.StreamingProperties{UserSettings: []types.UserSetting{
		{Action: types.UserSettingActionEnumClipboardCopyToLocalDevice, Permission: types.UserSettingPermissionEnumEnabled, MaximumLength: aws.Int32(-1)}}}),
		"ValidationException")

	const other = "d-9999999999"
	_, err := c.ModifyStreamingProperties(ctx, &workspaces.ModifyStreamingPropertiesInput{ResourceId: aws.String(other),
		StreamingProperties: &types.StreamingProperties{StreamingExperiencePreferredProtocol: types.StreamingExperiencePreferredProtocolEnumTcp}})
	notFound(t, err, other)
}

// Streaming properties, the encryption mode and the add-ins share the
// directory document with the other properties: changing one keeps the
// others.
func TestDirectoryExtrasKeepEachOther(t *testing.T) {
	t.Parallel()
	c, _ := registeredDirectory(t)
	ctx := context.Background()
	if _, err := c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(propsDir),
		EndpointEncryptionMode: types.EndpointEncryptionModeFipsValidated}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		Name: aws.String("x"), URL: aws.String(connectURL)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyStreamingProperties(ctx, &workspaces.ModifyStreamingPropertiesInput{ResourceId: aws.String(propsDir),
		StreamingProperties: &types.StreamingProperties{StreamingExperiencePreferredProtocol: types.StreamingExperiencePreferredProtocolEnumUdp}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyClientProperties(ctx, &workspaces.ModifyClientPropertiesInput{ResourceId: aws.String(propsDir),
		ClientProperties: &types.ClientProperties{ReconnectEnabled: types.ReconnectEnumDisabled}}); err != nil {
		t.Fatal(err)
	}
	d := describeDirectory(t, c, propsDir)
	if d.EndpointEncryptionMode != types.EndpointEncryptionModeFipsValidated || d.StreamingProperties == nil ||
		d.StreamingProperties.StreamingExperiencePreferredProtocol != types.StreamingExperiencePreferredProtocolEnumUdp {
		t.Errorf("directory = %+v", d)
	}
	if got := addIns(t, c, propsDir); len(got) != 1 {
		t.Errorf("add-ins = %+v", got)
	}
}

// The directory's extras survive an export and import of the state: the
// branding with its logos, the add-in, the encryption mode and the
// streaming properties.
func TestDirectoryExtrasSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	srv, c := brandedDirectory(t)
	ctx := context.Background()
	logo := pngLogo(t, 5, color.RGBA{B: 255, A: 255})
	if _, err := c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(propsDir),
		DeviceTypeIos: &types.IosImportClientBrandingAttributes{Logo3x: logo, SupportEmail: aws.String("help@example.com")}}); err != nil {
		t.Fatal(err)
	}
	ai, err := c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		Name: aws.String("Contact center"), URL: aws.String(connectURL)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(propsDir),
		EndpointEncryptionMode: types.EndpointEncryptionModeFipsValidated}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyStreamingProperties(ctx, &workspaces.ModifyStreamingPropertiesInput{ResourceId: aws.String(propsDir),
		StreamingProperties: &types.StreamingProperties{StreamingExperiencePreferredProtocol: types.StreamingExperiencePreferredProtocolEnumUdp,
			UserSettings: []types.UserSetting{{Action: types.UserSettingActionEnumClipboardCopyToLocalDevice,
				Permission: types.UserSettingPermissionEnumEnabled, MaximumLength: aws.Int32(500)}}}}); err != nil {
		t.Fatal(err)
	}

	state := exportState(t, srv)
	srv.Reset()
	importState(t, srv, state)

	b, err := c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(propsDir)})
	if err != nil || b.DeviceTypeIos == nil || aws.ToString(b.DeviceTypeIos.SupportEmail) != "help@example.com" ||
		b.DeviceTypeIos.LogoUrl != nil || b.DeviceTypeIos.Logo3xUrl == nil {
		t.Fatalf("imported branding = %+v, %v", b, err)
	}
	if st, ct, body := fetch(t, aws.ToString(b.DeviceTypeIos.Logo3xUrl), nil); st != 200 || ct != "image/png" || !bytes.Equal(body, logo) {
		t.Errorf("imported logo = %d %s, %d bytes", st, ct, len(body))
	}
	if got := addIns(t, c, propsDir); len(got) != 1 || aws.ToString(got[0].AddInId) != aws.ToString(ai.AddInId) || aws.ToString(got[0].Name) != "Contact center" {
		t.Errorf("imported add-ins = %+v", got)
	}
	d := describeDirectory(t, c, propsDir)
	if d.EndpointEncryptionMode != types.EndpointEncryptionModeFipsValidated || d.StreamingProperties == nil ||
		d.StreamingProperties.StreamingExperiencePreferredProtocol != types.StreamingExperiencePreferredProtocolEnumUdp ||
		len(d.StreamingProperties.UserSettings) != 1 || aws.ToInt32(d.StreamingProperties.UserSettings[0].MaximumLength) != 500 {
		t.Errorf("imported directory = %+v", d)
	}
}
