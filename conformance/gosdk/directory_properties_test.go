package gosdk_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

const (
	propsDir  = "d-0123456789"
	idpURL    = "https://idp.example.com/sso"
	privateCA = "arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/12345678-1234-1234-1234-123456789012"
)

// registeredDirectory registers propsDir for the default account and
// region and lets it reach REGISTERED.
func registeredDirectory(t *testing.T) (*workspaces.Client, func(time.Duration)) {
	t.Helper()
	srv := start(t)
	c := client(srv)
	registerDirectory(t, c, propsDir)
	srv.Advance(time.Minute)
	return c, srv.Advance
}

// describeDirectory returns the one directory id as DescribeWorkspaceDirectories shows it.
func describeDirectory(t *testing.T, c *workspaces.Client, id string) types.WorkspaceDirectory {
	t.Helper()
	out, err := c.DescribeWorkspaceDirectories(context.Background(), &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeWorkspaceDirectories(%s): %v", id, err)
	}
	if len(out.Directories) != 1 {
		t.Fatalf("DescribeWorkspaceDirectories(%s) = %d directories, want 1", id, len(out.Directories))
	}
	return out.Directories[0]
}

func clientProperties(t *testing.T, c *workspaces.Client, id string) types.ClientProperties {
	t.Helper()
	out, err := c.DescribeClientProperties(context.Background(), &workspaces.DescribeClientPropertiesInput{ResourceIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeClientProperties(%s): %v", id, err)
	}
	if len(out.ClientPropertiesList) != 1 || aws.ToString(out.ClientPropertiesList[0].ResourceId) != id || out.ClientPropertiesList[0].ClientProperties == nil {
		t.Fatalf("DescribeClientProperties(%s) = %+v, want one result for %s", id, out.ClientPropertiesList, id)
	}
	return *out.ClientPropertiesList[0].ClientProperties
}

// invalidValues asserts err is InvalidParameterValuesException whose
// message holds want.
func invalidValues(t *testing.T, err error, want string) {
	t.Helper()
	ae := apiError(t, err, "InvalidParameterValuesException")
	asType[*types.InvalidParameterValuesException](t, err)
	if !strings.Contains(ae.ErrorMessage(), want) {
		t.Errorf("InvalidParameterValuesException message %q does not mention %q", ae.ErrorMessage(), want)
	}
}

// A new directory shows the defaults AWS shows.
func TestDirectoryPropertyDefaults(t *testing.T) {
	t.Parallel()
	c, _ := registeredDirectory(t)
	d := describeDirectory(t, c, propsDir)
	if s := d.SamlProperties; s == nil || s.Status != types.SamlStatusEnumDisabled || aws.ToString(s.RelayStateParameterName) != "RelayState" || s.UserAccessUrl != nil {
		t.Errorf("SamlProperties = %+v, want DISABLED, RelayState, no URL", s)
	}
	if cba := d.CertificateBasedAuthProperties; cba == nil || cba.Status != types.CertificateBasedAuthStatusEnumDisabled || cba.CertificateAuthorityArn != nil {
		t.Errorf("CertificateBasedAuthProperties = %+v, want DISABLED without an ARN", cba)
	}
	if p := d.SelfservicePermissions; p == nil || p.RestartWorkspace != types.ReconnectEnumEnabled || p.RebuildWorkspace != types.ReconnectEnumDisabled {
		t.Errorf("SelfservicePermissions = %+v, want restart only", p)
	}
	if cp := clientProperties(t, c, propsDir); cp.ReconnectEnabled != types.ReconnectEnumEnabled || cp.LogUploadEnabled != types.LogUploadEnumEnabled {
		t.Errorf("ClientProperties = %+v, want both ENABLED", cp)
	}
}

// A creation-properties modify sets the members given and keeps the others.
func TestModifyWorkspaceCreationProperties(t *testing.T) {
	t.Parallel()
	c, _ := registeredDirectory(t)
	ctx := context.Background()
	modify := func(p types.WorkspaceCreationProperties) error {
		_, err := c.ModifyWorkspaceCreationProperties(ctx, &workspaces.ModifyWorkspaceCreationPropertiesInput{
			ResourceId: aws.String(propsDir), WorkspaceCreationProperties: &p})
		return err
	}
	const ou = "OU=WorkSpaces,DC=corp,DC=example,DC=com"
	const sg = "sg-0123456789abcdef0"
	if err := modify(types.WorkspaceCreationProperties{EnableInternetAccess: aws.Bool(true), DefaultOu: aws.String(ou), CustomSecurityGroupId: aws.String(sg)}); err != nil {
		t.Fatalf("ModifyWorkspaceCreationProperties: %v", err)
	}
	if err := modify(types.WorkspaceCreationProperties{EnableMaintenanceMode: aws.Bool(false)}); err != nil {
		t.Fatalf("ModifyWorkspaceCreationProperties (maintenance only): %v", err)
	}
	p := describeDirectory(t, c, propsDir).WorkspaceCreationProperties
	if p == nil {
		t.Fatal("WorkspaceCreationProperties missing")
	}
	if !aws.ToBool(p.EnableInternetAccess) || aws.ToString(p.DefaultOu) != ou || aws.ToString(p.CustomSecurityGroupId) != sg ||
		aws.ToBool(p.EnableMaintenanceMode) || !aws.ToBool(p.UserEnabledAsLocalAdministrator) {
		t.Errorf("WorkspaceCreationProperties = internet %v, OU %q, SG %q, maintenance %v, local admin %v; want true, %s, %s, false, true (kept)",
			aws.ToBool(p.EnableInternetAccess), aws.ToString(p.DefaultOu), aws.ToString(p.CustomSecurityGroupId),
			aws.ToBool(p.EnableMaintenanceMode), aws.ToBool(p.UserEnabledAsLocalAdministrator), ou, sg)
	}

	invalidValues(t, modify(types.WorkspaceCreationProperties{DefaultOu: aws.String("OU=WorkSpaces,DC=corp")}), "DefaultOu")
	invalidValues(t, modify(types.WorkspaceCreationProperties{InstanceIamRoleArn: aws.String("arn:aws:s3:::bucket/key")}), "InstanceIamRoleArn")
	_, err := c.ModifyWorkspaceCreationProperties(ctx, &workspaces.ModifyWorkspaceCreationPropertiesInput{
		ResourceId: aws.String("d-9999999999"), WorkspaceCreationProperties: &types.WorkspaceCreationProperties{EnableInternetAccess: aws.Bool(true)}})
	notFound(t, err, "d-9999999999")
}

// Self-service permissions and device access merge member by member.
func TestModifySelfserviceAndAccessProperties(t *testing.T) {
	t.Parallel()
	c, _ := registeredDirectory(t)
	ctx := context.Background()
	for _, p := range []types.SelfservicePermissions{
		{RebuildWorkspace: types.ReconnectEnumEnabled},
		{RestartWorkspace: types.ReconnectEnumDisabled, ChangeComputeType: types.ReconnectEnumEnabled},
	} {
		if _, err := c.ModifySelfservicePermissions(ctx, &workspaces.ModifySelfservicePermissionsInput{
			ResourceId: aws.String(propsDir), SelfservicePermissions: &p}); err != nil {
			t.Fatalf("ModifySelfservicePermissions(%+v): %v", p, err)
		}
	}
	for _, a := range []types.WorkspaceAccessProperties{
		{DeviceTypeWeb: types.AccessPropertyValueAllow},
		{DeviceTypeAndroid: types.AccessPropertyValueDeny},
	} {
		if _, err := c.ModifyWorkspaceAccessProperties(ctx, &workspaces.ModifyWorkspaceAccessPropertiesInput{
			ResourceId: aws.String(propsDir), WorkspaceAccessProperties: &a}); err != nil {
			t.Fatalf("ModifyWorkspaceAccessProperties(%+v): %v", a, err)
		}
	}
	d := describeDirectory(t, c, propsDir)
	want := types.SelfservicePermissions{RestartWorkspace: types.ReconnectEnumDisabled, IncreaseVolumeSize: types.ReconnectEnumDisabled,
		ChangeComputeType: types.ReconnectEnumEnabled, SwitchRunningMode: types.ReconnectEnumDisabled, RebuildWorkspace: types.ReconnectEnumEnabled}
	if d.SelfservicePermissions == nil || *d.SelfservicePermissions != want {
		t.Errorf("SelfservicePermissions = %+v, want %+v", d.SelfservicePermissions, want)
	}
	a := d.WorkspaceAccessProperties
	if a == nil || a.DeviceTypeWeb != types.AccessPropertyValueAllow || a.DeviceTypeAndroid != types.AccessPropertyValueDeny ||
		a.DeviceTypeWindows != types.AccessPropertyValueAllow || a.DeviceTypeOsx != types.AccessPropertyValueAllow {
		t.Errorf("WorkspaceAccessProperties = %+v, want web ALLOW, android DENY, windows and macOS kept ALLOW", a)
	}

	_, err := c.ModifySelfservicePermissions(ctx, &workspaces.ModifySelfservicePermissionsInput{
		ResourceId: aws.String("d-9999999999"), SelfservicePermissions: &types.SelfservicePermissions{RebuildWorkspace: types.ReconnectEnumEnabled}})
	notFound(t, err, "d-9999999999")
	_, err = c.ModifyWorkspaceAccessProperties(ctx, &workspaces.ModifyWorkspaceAccessPropertiesInput{
		ResourceId: aws.String("d-9999999999"), WorkspaceAccessProperties: &types.WorkspaceAccessProperties{DeviceTypeWeb: types.AccessPropertyValueAllow}})
	notFound(t, err, "d-9999999999")
}

// Client properties: a modify keeps the member it does not give;
// DescribeClientProperties answers in the order asked.
func TestClientProperties(t *testing.T) {
	t.Parallel()
	c, advance := registeredDirectory(t)
	ctx := context.Background()
	const other = "d-0000000001"
	registerDirectory(t, c, other)
	advance(time.Minute)
	if _, err := c.ModifyClientProperties(ctx, &workspaces.ModifyClientPropertiesInput{ResourceId: aws.String(propsDir),
		ClientProperties: &types.ClientProperties{LogUploadEnabled: types.LogUploadEnumDisabled}}); err != nil {
		t.Fatalf("ModifyClientProperties: %v", err)
	}
	out, err := c.DescribeClientProperties(ctx, &workspaces.DescribeClientPropertiesInput{ResourceIds: []string{propsDir, other}})
	if err != nil {
		t.Fatalf("DescribeClientProperties: %v", err)
	}
	if len(out.ClientPropertiesList) != 2 {
		t.Fatalf("DescribeClientProperties = %d results, want 2", len(out.ClientPropertiesList))
	}
	first, second := out.ClientPropertiesList[0], out.ClientPropertiesList[1]
	if aws.ToString(first.ResourceId) != propsDir || first.ClientProperties.LogUploadEnabled != types.LogUploadEnumDisabled ||
		first.ClientProperties.ReconnectEnabled != types.ReconnectEnumEnabled {
		t.Errorf("%s: %+v, want log upload DISABLED and reconnect kept ENABLED", aws.ToString(first.ResourceId), first.ClientProperties)
	}
	if aws.ToString(second.ResourceId) != other || second.ClientProperties.LogUploadEnabled != types.LogUploadEnumEnabled {
		t.Errorf("%s: %+v, want the other directory unchanged", aws.ToString(second.ResourceId), second.ClientProperties)
	}

	_, err = c.DescribeClientProperties(ctx, &workspaces.DescribeClientPropertiesInput{ResourceIds: []string{propsDir, "d-9999999999"}})
	notFound(t, err, "d-9999999999")
	_, err = c.DescribeClientProperties(ctx, &workspaces.DescribeClientPropertiesInput{ResourceIds: []string{propsDir, propsDir}})
	invalidValues(t, err, "more than once")
	_, err = c.ModifyClientProperties(ctx, &workspaces.ModifyClientPropertiesInput{ResourceId: aws.String("ws-notadirectory"),
		ClientProperties: &types.ClientProperties{ReconnectEnabled: types.ReconnectEnumDisabled}})
	notFound(t, err, "ws-notadirectory")
}

// SAML 2.0: enabling needs a user access URL; deletes remove members;
// deleting the relay state name restores RelayState.
func TestModifySamlProperties(t *testing.T) {
	t.Parallel()
	c, _ := registeredDirectory(t)
	ctx := context.Background()
	modify := func(p *types.SamlProperties, del ...types.DeletableSamlProperty) error {
		_, err := c.ModifySamlProperties(ctx, &workspaces.ModifySamlPropertiesInput{ResourceId: aws.String(propsDir), SamlProperties: p, PropertiesToDelete: del})
		return err
	}
	saml := func() types.SamlProperties {
		t.Helper()
		s := describeDirectory(t, c, propsDir).SamlProperties
		if s == nil {
			t.Fatal("SamlProperties missing")
		}
		return *s
	}

	invalidValues(t, modify(&types.SamlProperties{Status: types.SamlStatusEnumEnabled}), "UserAccessUrl")
	if s := saml(); s.Status != types.SamlStatusEnumDisabled {
		t.Errorf("after a refused modify Status = %s, want DISABLED", s.Status)
	}
	if err := modify(&types.SamlProperties{Status: types.SamlStatusEnumEnabledWithDirectoryLoginFallback, UserAccessUrl: aws.String(idpURL)}); err != nil {
		t.Fatalf("ModifySamlProperties enable: %v", err)
	}
	if err := modify(&types.SamlProperties{RelayStateParameterName: aws.String("TARGET")}); err != nil {
		t.Fatalf("ModifySamlProperties relay state: %v", err)
	}
	if s := saml(); s.Status != types.SamlStatusEnumEnabledWithDirectoryLoginFallback || aws.ToString(s.UserAccessUrl) != idpURL || aws.ToString(s.RelayStateParameterName) != "TARGET" {
		t.Errorf("SamlProperties = %+v, want fallback status and URL kept, relay TARGET", s)
	}

	invalidValues(t, modify(nil, types.DeletableSamlPropertySamlPropertiesUserAccessUrl), "UserAccessUrl")
	invalidValues(t, modify(&types.SamlProperties{UserAccessUrl: aws.String(idpURL)}, types.DeletableSamlPropertySamlPropertiesUserAccessUrl), "both set and deleted")

	if err := modify(&types.SamlProperties{Status: types.SamlStatusEnumDisabled}, types.DeletableSamlPropertySamlPropertiesUserAccessUrl,
		types.DeletableSamlPropertySamlPropertiesRelayStateParameterName); err != nil {
		t.Fatalf("ModifySamlProperties disable and delete: %v", err)
	}
	if s := saml(); s.Status != types.SamlStatusEnumDisabled || s.UserAccessUrl != nil || aws.ToString(s.RelayStateParameterName) != "RelayState" {
		t.Errorf("SamlProperties = %+v, want DISABLED, no URL, relay back to RelayState", s)
	}
	_, err := c.ModifySamlProperties(ctx, &workspaces.ModifySamlPropertiesInput{ResourceId: aws.String("d-9999999999"),
		SamlProperties: &types.SamlProperties{Status: types.SamlStatusEnumDisabled}})
	notFound(t, err, "d-9999999999")
}

// Certificate-based authentication needs a Private CA ARN and SAML 2.0
// enabled; SAML cannot be disabled under it.
func TestModifyCertificateBasedAuthProperties(t *testing.T) {
	t.Parallel()
	c, _ := registeredDirectory(t)
	ctx := context.Background()
	modify := func(p *types.CertificateBasedAuthProperties, del ...types.DeletableCertificateBasedAuthProperty) error {
		_, err := c.ModifyCertificateBasedAuthProperties(ctx, &workspaces.ModifyCertificateBasedAuthPropertiesInput{
			ResourceId: aws.String(propsDir), CertificateBasedAuthProperties: p, PropertiesToDelete: del})
		return err
	}
	cba := func() types.CertificateBasedAuthProperties {
		t.Helper()
		p := describeDirectory(t, c, propsDir).CertificateBasedAuthProperties
		if p == nil {
			t.Fatal("CertificateBasedAuthProperties missing")
		}
		return *p
	}
	enabled := &types.CertificateBasedAuthProperties{Status: types.CertificateBasedAuthStatusEnumEnabled, CertificateAuthorityArn: aws.String(privateCA)}
	const deleteARN = types.DeletableCertificateBasedAuthPropertyCertificateBasedAuthPropertiesCertificateAuthorityArn

	invalidValues(t, modify(enabled), "SAML 2.0")
	if _, err := c.ModifySamlProperties(ctx, &workspaces.ModifySamlPropertiesInput{ResourceId: aws.String(propsDir),
		SamlProperties: &types.SamlProperties{Status: types.SamlStatusEnumEnabled, UserAccessUrl: aws.String(idpURL)}}); err != nil {
		t.Fatalf("ModifySamlProperties: %v", err)
	}
	invalidValues(t, modify(&types.CertificateBasedAuthProperties{Status: types.CertificateBasedAuthStatusEnumEnabled}), "CertificateAuthorityArn")
	invalidValues(t, modify(&types.CertificateBasedAuthProperties{CertificateAuthorityArn: aws.String("arn:aws:iam::000000000000:role/ca")}), "Private CA")
	invalidValues(t, modify(&types.CertificateBasedAuthProperties{CertificateAuthorityArn: aws.String(privateCA)}, deleteARN), "both set and deleted")
	if err := modify(enabled); err != nil {
		t.Fatalf("ModifyCertificateBasedAuthProperties enable: %v", err)
	}
	if p := cba(); p.Status != types.CertificateBasedAuthStatusEnumEnabled || aws.ToString(p.CertificateAuthorityArn) != privateCA {
		t.Errorf("CertificateBasedAuthProperties = %+v, want ENABLED with %s", p, privateCA)
	}

	_, err := c.ModifySamlProperties(ctx, &workspaces.ModifySamlPropertiesInput{ResourceId: aws.String(propsDir),
		SamlProperties: &types.SamlProperties{Status: types.SamlStatusEnumDisabled}})
	invalidValues(t, err, "Certificate-based authentication is ENABLED")
	invalidValues(t, modify(nil, deleteARN), "CertificateAuthorityArn")

	if err := modify(&types.CertificateBasedAuthProperties{Status: types.CertificateBasedAuthStatusEnumDisabled}); err != nil {
		t.Fatalf("ModifyCertificateBasedAuthProperties disable: %v", err)
	}
	if p := cba(); p.Status != types.CertificateBasedAuthStatusEnumDisabled || aws.ToString(p.CertificateAuthorityArn) != privateCA {
		t.Errorf("CertificateBasedAuthProperties = %+v, want DISABLED with the ARN kept", p)
	}
	if err := modify(nil, deleteARN); err != nil {
		t.Fatalf("ModifyCertificateBasedAuthProperties delete ARN: %v", err)
	}
	if p := cba(); p.CertificateAuthorityArn != nil {
		t.Errorf("CertificateAuthorityArn = %s after its delete", aws.ToString(p.CertificateAuthorityArn))
	}
	_, err = c.ModifyCertificateBasedAuthProperties(ctx, &workspaces.ModifyCertificateBasedAuthPropertiesInput{ResourceId: aws.String("d-9999999999"),
		CertificateBasedAuthProperties: &types.CertificateBasedAuthProperties{Status: types.CertificateBasedAuthStatusEnumDisabled}})
	notFound(t, err, "d-9999999999")
}

// Another account, or the same account in another region, can neither
// see nor change the directory's properties.
func TestDirectoryPropertiesIsolation(t *testing.T) {
	t.Parallel()
	srv := start(t)
	owner := client(srv)
	registerDirectory(t, owner, propsDir)
	srv.Advance(time.Minute)
	ctx := context.Background()
	id := aws.String(propsDir)
	for name, c := range map[string]*workspaces.Client{
		"other account": newClient(srv.AWSConfigFor("111111111111", defaultRegion)),
		"other region":  newClient(srv.AWSConfigFor(defaultAccount, "eu-west-1")),
	} {
		calls := map[string]func() error{
			"ModifyWorkspaceCreationProperties": func() error {
				_, err := c.ModifyWorkspaceCreationProperties(ctx, &workspaces.ModifyWorkspaceCreationPropertiesInput{ResourceId: id,
					WorkspaceCreationProperties: &types.WorkspaceCreationProperties{EnableInternetAccess: aws.Bool(true)}})
				return err
			},
			"ModifySelfservicePermissions": func() error {
				_, err := c.ModifySelfservicePermissions(ctx, &workspaces.ModifySelfservicePermissionsInput{ResourceId: id,
					SelfservicePermissions: &types.SelfservicePermissions{RebuildWorkspace: types.ReconnectEnumEnabled}})
				return err
			},
			"ModifyWorkspaceAccessProperties": func() error {
				_, err := c.ModifyWorkspaceAccessProperties(ctx, &workspaces.ModifyWorkspaceAccessPropertiesInput{ResourceId: id,
					WorkspaceAccessProperties: &types.WorkspaceAccessProperties{DeviceTypeWeb: types.AccessPropertyValueAllow}})
				return err
			},
			"DescribeClientProperties": func() error {
				_, err := c.DescribeClientProperties(ctx, &workspaces.DescribeClientPropertiesInput{ResourceIds: []string{propsDir}})
				return err
			},
			"ModifyClientProperties": func() error {
				_, err := c.ModifyClientProperties(ctx, &workspaces.ModifyClientPropertiesInput{ResourceId: id,
					ClientProperties: &types.ClientProperties{ReconnectEnabled: types.ReconnectEnumDisabled}})
				return err
			},
			"ModifySamlProperties": func() error {
				_, err := c.ModifySamlProperties(ctx, &workspaces.ModifySamlPropertiesInput{ResourceId: id,
					SamlProperties: &types.SamlProperties{Status: types.SamlStatusEnumEnabled, UserAccessUrl: aws.String(idpURL)}})
				return err
			},
			"ModifyCertificateBasedAuthProperties": func() error {
				_, err := c.ModifyCertificateBasedAuthProperties(ctx, &workspaces.ModifyCertificateBasedAuthPropertiesInput{ResourceId: id,
					CertificateBasedAuthProperties: &types.CertificateBasedAuthProperties{Status: types.CertificateBasedAuthStatusEnumDisabled}})
				return err
			},
		}
		for op, call := range calls {
			t.Run(name+"/"+op, func(t *testing.T) { notFound(t, call(), propsDir) })
		}
	}
	d := describeDirectory(t, owner, propsDir)
	if aws.ToBool(d.WorkspaceCreationProperties.EnableInternetAccess) || d.SelfservicePermissions.RebuildWorkspace != types.ReconnectEnumDisabled ||
		d.WorkspaceAccessProperties.DeviceTypeWeb != types.AccessPropertyValueDeny || d.SamlProperties.Status != types.SamlStatusEnumDisabled {
		t.Errorf("the owner's directory changed: %+v", d)
	}
	if cp := clientProperties(t, owner, propsDir); cp.ReconnectEnabled != types.ReconnectEnumEnabled {
		t.Errorf("the owner's client properties changed: %+v", cp)
	}
}

// A directory's IP access control groups and its properties are kept in
// one document: changing either keeps the other.
func TestDirectoryPropertiesKeepIpGroups(t *testing.T) {
	t.Parallel()
	c, _ := registeredDirectory(t)
	ctx := context.Background()
	group := createIpGroup(t, c, "office", rule("10.0.0.0/16", "office"))
	if _, err := c.AssociateIpGroups(ctx, &workspaces.AssociateIpGroupsInput{DirectoryId: aws.String(propsDir), GroupIds: []string{group}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyClientProperties(ctx, &workspaces.ModifyClientPropertiesInput{ResourceId: aws.String(propsDir),
		ClientProperties: &types.ClientProperties{ReconnectEnabled: types.ReconnectEnumDisabled}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifySelfservicePermissions(ctx, &workspaces.ModifySelfservicePermissionsInput{ResourceId: aws.String(propsDir),
		SelfservicePermissions: &types.SelfservicePermissions{RebuildWorkspace: types.ReconnectEnumEnabled}}); err != nil {
		t.Fatal(err)
	}
	if got := directoryGroups(t, c, propsDir); !slices.Equal(got, []string{group}) {
		t.Errorf("IpGroupIds after the property changes = %v, want [%s]", got, group)
	}
	second := createIpGroup(t, c, "home", rule("192.168.0.0/24", "home"))
	if _, err := c.AssociateIpGroups(ctx, &workspaces.AssociateIpGroupsInput{DirectoryId: aws.String(propsDir), GroupIds: []string{second}}); err != nil {
		t.Fatal(err)
	}
	if got := clientProperties(t, c, propsDir); got.ReconnectEnabled != types.ReconnectEnumDisabled {
		t.Errorf("ReconnectEnabled after an IP group was associated = %s, want DISABLED", got.ReconnectEnabled)
	}
	if got := describeDirectory(t, c, propsDir).SelfservicePermissions; got == nil || got.RebuildWorkspace != types.ReconnectEnumEnabled {
		t.Errorf("SelfservicePermissions after an IP group was associated = %+v, want RebuildWorkspace ENABLED", got)
	}
}
