package workspaces

import (
	"context"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// The Modify operations of a directory's properties set only the members a
// request gives and keep the others, as AWS does.

// defaultRelayState is the relay state parameter name AWS shows on a new
// directory and restores when the name is deleted.
const defaultRelayState = "RelayState"

func defaultSamlProperties() *api.SamlProperties {
	return &api.SamlProperties{Status: api.SamlStatusEnumDisabled, RelayStateParameterName: api.String(defaultRelayState)}
}

func defaultClientProperties() *api.ClientProperties {
	return &api.ClientProperties{ReconnectEnabled: api.ReconnectEnumEnabled, LogUploadEnabled: api.LogUploadEnumEnabled}
}

// modifyDirectory applies fn to the document of the caller's directory id
// and saves it, in one write transaction.
func (s *Service) modifyDirectory(ctx context.Context, id string, fn func(d *directory) error) error {
	p := partition(ctx)
	return s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, d, err := getDirectory(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
		return putDoc(ctx, tx, r, d)
	})
}

// set overwrites *dst with v when the request gives v (non-zero).
func set[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

// ModifyWorkspaceCreationProperties changes the defaults of the WorkSpaces
// created in a directory.
func (s *Service) ModifyWorkspaceCreationProperties(ctx context.Context, in *api.ModifyWorkspaceCreationPropertiesRequest) (*api.ModifyWorkspaceCreationPropertiesResult, error) {
	w := in.WorkspaceCreationProperties
	if ou := api.ToString(w.DefaultOu); ou != "" && !isDistinguishedOU(ou) {
		return nil, invalidParameter("The DefaultOu %s is not valid: it must be a distinguished name of the form OU=value,DC=value,DC=value, with two or more DC components.", ou)
	}
	if arn := api.ToString(w.InstanceIamRoleArn); arn != "" && !isRoleARN(arn) {
		return nil, invalidParameter("The InstanceIamRoleArn %s is not the ARN of an IAM role.", arn)
	}
	err := s.modifyDirectory(ctx, *in.ResourceId, func(d *directory) error {
		c := d.WorkspaceCreationProperties
		if c == nil {
			c = &api.DefaultWorkspaceCreationProperties{}
			d.WorkspaceCreationProperties = c
		}
		set(&c.EnableInternetAccess, w.EnableInternetAccess)
		set(&c.UserEnabledAsLocalAdministrator, w.UserEnabledAsLocalAdministrator)
		set(&c.EnableMaintenanceMode, w.EnableMaintenanceMode)
		set(&c.CustomSecurityGroupId, w.CustomSecurityGroupId)
		set(&c.InstanceIamRoleArn, w.InstanceIamRoleArn)
		if w.DefaultOu != nil {
			// An empty DefaultOu clears the OU: WorkSpaces go to the default one.
			c.DefaultOu = nil
			if *w.DefaultOu != "" {
				c.DefaultOu = w.DefaultOu
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifyWorkspaceCreationPropertiesResult{}, nil
}

// isDistinguishedOU reports whether ou has the form AWS documents for
// DefaultOu: OU=value,DC=value,DC=value with two or more DCs.
func isDistinguishedOU(ou string) bool {
	parts := strings.Split(ou, ",")
	if !strings.HasPrefix(strings.ToUpper(parts[0]), "OU=") || len(parts[0]) == 3 {
		return false
	}
	dcs := 0
	for _, part := range parts[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || v == "" {
			return false
		}
		if strings.EqualFold(k, "DC") {
			dcs++
		}
	}
	return dcs >= 2
}

// isRoleARN reports whether arn names an IAM role (arn:partition:iam::account:role/name).
func isRoleARN(arn string) bool {
	f := strings.SplitN(arn, ":", 6)
	return len(f) == 6 && f[2] == "iam" && strings.HasPrefix(f[5], "role/") && len(f[5]) > len("role/")
}

// ModifySelfservicePermissions changes what users may do to their own
// WorkSpaces in a directory.
func (s *Service) ModifySelfservicePermissions(ctx context.Context, in *api.ModifySelfservicePermissionsRequest) (*api.ModifySelfservicePermissionsResult, error) {
	w := in.SelfservicePermissions
	err := s.modifyDirectory(ctx, *in.ResourceId, func(d *directory) error {
		p := d.SelfservicePermissions
		if p == nil {
			p = &api.SelfservicePermissions{}
			d.SelfservicePermissions = p
		}
		set(&p.RestartWorkspace, w.RestartWorkspace)
		set(&p.IncreaseVolumeSize, w.IncreaseVolumeSize)
		set(&p.ChangeComputeType, w.ChangeComputeType)
		set(&p.SwitchRunningMode, w.SwitchRunningMode)
		set(&p.RebuildWorkspace, w.RebuildWorkspace)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifySelfservicePermissionsResult{}, nil
}

// ModifyWorkspaceAccessProperties changes which devices may connect to the
// WorkSpaces of a directory.
func (s *Service) ModifyWorkspaceAccessProperties(ctx context.Context, in *api.ModifyWorkspaceAccessPropertiesRequest) (*api.ModifyWorkspaceAccessPropertiesResult, error) {
	w := in.WorkspaceAccessProperties
	err := s.modifyDirectory(ctx, *in.ResourceId, func(d *directory) error {
		a := d.WorkspaceAccessProperties
		if a == nil {
			a = &api.WorkspaceAccessProperties{}
			d.WorkspaceAccessProperties = a
		}
		set(&a.DeviceTypeWindows, w.DeviceTypeWindows)
		set(&a.DeviceTypeOsx, w.DeviceTypeOsx)
		set(&a.DeviceTypeWeb, w.DeviceTypeWeb)
		set(&a.DeviceTypeIos, w.DeviceTypeIos)
		set(&a.DeviceTypeAndroid, w.DeviceTypeAndroid)
		set(&a.DeviceTypeChromeOs, w.DeviceTypeChromeOs)
		set(&a.DeviceTypeZeroClient, w.DeviceTypeZeroClient)
		set(&a.DeviceTypeLinux, w.DeviceTypeLinux)
		set(&a.DeviceTypeWorkSpacesThinClient, w.DeviceTypeWorkSpacesThinClient)
		set(&a.AccessEndpointConfig, w.AccessEndpointConfig)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifyWorkspaceAccessPropertiesResult{}, nil
}

// DescribeClientProperties answers the client properties of the caller's
// directories, in the order asked; an id that is not one of them is
// ResourceNotFoundException.
func (s *Service) DescribeClientProperties(ctx context.Context, in *api.DescribeClientPropertiesRequest) (*api.DescribeClientPropertiesResult, error) {
	if err := distinct("ResourceIds", in.ResourceIds); err != nil {
		return nil, err
	}
	p := partition(ctx)
	var out *api.DescribeClientPropertiesResult
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		// view may run fn again: start afresh each time.
		out = &api.DescribeClientPropertiesResult{ClientPropertiesList: []api.ClientPropertiesResult{}}
		for _, id := range in.ResourceIds {
			_, d, err := getDirectory(ctx, tx, p, id)
			if err != nil {
				return err
			}
			cp := d.ClientProperties
			if cp == nil {
				cp = defaultClientProperties()
			}
			out.ClientPropertiesList = append(out.ClientPropertiesList, api.ClientPropertiesResult{ResourceId: api.String(id), ClientProperties: cp})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ModifyClientProperties changes the client properties of a directory.
func (s *Service) ModifyClientProperties(ctx context.Context, in *api.ModifyClientPropertiesRequest) (*api.ModifyClientPropertiesResult, error) {
	w := in.ClientProperties
	err := s.modifyDirectory(ctx, *in.ResourceId, func(d *directory) error {
		if d.ClientProperties == nil {
			d.ClientProperties = defaultClientProperties()
		}
		set(&d.ClientProperties.ReconnectEnabled, w.ReconnectEnabled)
		set(&d.ClientProperties.LogUploadEnabled, w.LogUploadEnabled)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifyClientPropertiesResult{}, nil
}

func samlEnabled(p *api.SamlProperties) bool {
	return p != nil && p.Status != "" && p.Status != api.SamlStatusEnumDisabled
}

func cbaEnabled(p *api.CertificateBasedAuthProperties) bool {
	return p != nil && p.Status == api.CertificateBasedAuthStatusEnumEnabled
}

// ModifySamlProperties changes a directory's SAML 2.0 federation: members
// given are set, members in PropertiesToDelete removed.
func (s *Service) ModifySamlProperties(ctx context.Context, in *api.ModifySamlPropertiesRequest) (*api.ModifySamlPropertiesResult, error) {
	w := in.SamlProperties
	if w == nil {
		w = &api.SamlProperties{}
	}
	var delURL, delRelay bool
	for _, p := range in.PropertiesToDelete {
		switch p {
		case api.DeletableSamlPropertySamlPropertiesUserAccessUrl:
			delURL = true
		case api.DeletableSamlPropertySamlPropertiesRelayStateParameterName:
			delRelay = true
		}
	}
	if delURL && w.UserAccessUrl != nil {
		return nil, invalidParameter("UserAccessUrl cannot be both set and deleted (SAML_PROPERTIES_USER_ACCESS_URL) in one request.")
	}
	if delRelay && w.RelayStateParameterName != nil {
		return nil, invalidParameter("RelayStateParameterName cannot be both set and deleted (SAML_PROPERTIES_RELAY_STATE_PARAMETER_NAME) in one request.")
	}
	id := *in.ResourceId
	err := s.modifyDirectory(ctx, id, func(d *directory) error {
		p := d.SamlProperties
		if p == nil {
			p = defaultSamlProperties()
		}
		next := *p
		set(&next.Status, w.Status)
		set(&next.UserAccessUrl, w.UserAccessUrl)
		set(&next.RelayStateParameterName, w.RelayStateParameterName)
		if delURL {
			next.UserAccessUrl = nil
		}
		if delRelay {
			next.RelayStateParameterName = api.String(defaultRelayState)
		}
		if samlEnabled(&next) && next.UserAccessUrl == nil {
			return invalidParameter("SAML 2.0 authentication with Status %s needs a UserAccessUrl; directory %s has none.", next.Status, id)
		}
		if !samlEnabled(&next) && cbaEnabled(d.CertificateBasedAuthProperties) {
			return invalidParameter("Certificate-based authentication is ENABLED for directory %s; disable it before disabling SAML 2.0 authentication.", id)
		}
		d.SamlProperties = &next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifySamlPropertiesResult{}, nil
}

// ModifyCertificateBasedAuthProperties changes a directory's
// certificate-based authentication, which works on top of SAML 2.0.
func (s *Service) ModifyCertificateBasedAuthProperties(ctx context.Context, in *api.ModifyCertificateBasedAuthPropertiesRequest) (*api.ModifyCertificateBasedAuthPropertiesResult, error) {
	w := in.CertificateBasedAuthProperties
	if w == nil {
		w = &api.CertificateBasedAuthProperties{}
	}
	delARN := len(in.PropertiesToDelete) > 0 // the model's only deletable member is the ARN
	if delARN && w.CertificateAuthorityArn != nil {
		return nil, invalidParameter("CertificateAuthorityArn cannot be both set and deleted (CERTIFICATE_BASED_AUTH_PROPERTIES_CERTIFICATE_AUTHORITY_ARN) in one request.")
	}
	if arn := api.ToString(w.CertificateAuthorityArn); arn != "" && !isPrivateCAARN(arn) {
		return nil, invalidParameter("The CertificateAuthorityArn %s is not the ARN of an AWS Private CA certificate authority.", arn)
	}
	id := *in.ResourceId
	err := s.modifyDirectory(ctx, id, func(d *directory) error {
		next := api.CertificateBasedAuthProperties{Status: api.CertificateBasedAuthStatusEnumDisabled}
		if d.CertificateBasedAuthProperties != nil {
			next = *d.CertificateBasedAuthProperties
		}
		set(&next.Status, w.Status)
		set(&next.CertificateAuthorityArn, w.CertificateAuthorityArn)
		if delARN {
			next.CertificateAuthorityArn = nil
		}
		if cbaEnabled(&next) {
			if next.CertificateAuthorityArn == nil {
				return invalidParameter("Certificate-based authentication with Status ENABLED needs a CertificateAuthorityArn; directory %s has none.", id)
			}
			if !samlEnabled(d.SamlProperties) {
				return invalidParameter("Certificate-based authentication needs SAML 2.0 authentication; enable it for directory %s first (ModifySamlProperties).", id)
			}
		}
		d.CertificateBasedAuthProperties = &next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifyCertificateBasedAuthPropertiesResult{}, nil
}

// isPrivateCAARN reports whether arn names an AWS Private CA
// (arn:partition:acm-pca:region:account:certificate-authority/id).
func isPrivateCAARN(arn string) bool {
	f := strings.SplitN(arn, ":", 6)
	return len(f) == 6 && f[2] == "acm-pca" && strings.HasPrefix(f[5], "certificate-authority/") && len(f[5]) > len("certificate-authority/")
}
