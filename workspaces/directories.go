package workspaces

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// directory is the stored document of a registered directory: the wire
// shape itself (its State lives in the resource row), and the client
// properties, which DescribeClientProperties answers instead.
type directory struct {
	api.WorkspaceDirectory
	ClientProperties *api.ClientProperties `json:"ClientProperties,omitzero"`
	// ConnectClientAddIns are the directory's Amazon Connect client
	// add-ins (connect_addins.go).
	ConnectClientAddIns []api.ConnectClientAddIn `json:"ConnectClientAddIns,omitzero"`
}

func (d *directory) wire(r *store.Resource) api.WorkspaceDirectory {
	out := d.WorkspaceDirectory
	out.State = api.WorkspaceDirectoryState(r.State)
	// Always the two subnets and a DNS address in each, even for a
	// directory stored before it kept them.
	out.SubnetIds = slices.Clone(d.subnets())
	out.DnsIpAddresses = d.dnsAddresses()
	return out
}

// getDirectory reads a directory of p; a missing one is
// ResourceNotFoundException, worded as AWS words it for directories.
func getDirectory(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *directory, error) {
	r, d, err := getDoc[directory](ctx, tx, p, kindDirectory, id)
	if isNotFound(err) {
		return nil, nil, notFound(id, "The directory %s is not registered.", id)
	}
	return r, d, err
}

// RegisterWorkspaceDirectory registers a directory for WorkSpaces. wslocal
// does not emulate AWS Directory Service: any well-formed d- id registers.
// Without a DirectoryId, a WorkspaceDirectoryName registers an IAM Identity
// Center or Entra directory under a new wsd- id.
func (s *Service) RegisterWorkspaceDirectory(ctx context.Context, in *api.RegisterWorkspaceDirectoryRequest) (*api.RegisterWorkspaceDirectoryResult, error) {
	p := partition(ctx)
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	id := api.ToString(in.DirectoryId)
	dirType := api.WorkspaceDirectoryTypeSimpleAd
	if id == "" {
		if in.WorkspaceDirectoryName == nil {
			return nil, invalidParameter("Either DirectoryId or WorkspaceDirectoryName is required.")
		}
		id = newKindID(kindDirectory)
		dirType = api.WorkspaceDirectoryTypeAwsIamIdentityCenter
	}
	if n := len(in.SubnetIds); n != 0 && n != 2 {
		return nil, invalidParameter("SubnetIds must name two subnets in different Availability Zones; %d given.", n)
	}
	// The API reference: "The subnets must also be in separate Availability
	// Zones. If these conditions are not met, you will receive an
	// OperationNotSupportedException error." One subnet twice is one zone.
	if len(in.SubnetIds) == 2 && in.SubnetIds[0] == in.SubnetIds[1] {
		return nil, notSupported("", "The subnets must be in separate Availability Zones; %s is given twice.", in.SubnetIds[0])
	}
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		// The API reference: "To use Bring Your Own License (BYOL) images,
		// this value must be set to DEDICATED and your Amazon Web Services
		// account must be enabled for BYOL. If your account has not been
		// enabled for BYOL, you will receive an InvalidParameterValuesException
		// error."
		if in.Tenancy == api.TenancyDedicated {
			_, acct, err := getAccount(ctx, tx, p)
			if err != nil {
				return err
			}
			if acct.Support != api.DedicatedTenancySupportResultEnumEnabled {
				return invalidParameter("Tenancy DEDICATED needs an account enabled for BYOL (ModifyAccount); this account is not.")
			}
		}
		if _, err := tx.GetResource(ctx, p, kindDirectory, id); err == nil {
			return alreadyExists("The directory %s is already registered.", id)
		} else if !isNotFound(err) {
			return err
		}
		n, err := tx.CountResources(ctx, p, kindDirectory)
		if err != nil {
			return err
		}
		if n >= s.quotas.Directories {
			return limitExceeded("You have reached the quota of %d registered directories in %s.", s.quotas.Directories, p.Region)
		}
		state, err := next(kindDirectory, id, none, evCreate)
		if err != nil {
			return err
		}
		d := newDirectory(p, id, dirType, in)
		r := &store.Resource{Partition: p, Kind: kindDirectory, ID: id, State: state, Created: now}
		schedule(r, now, s.Durations().Directory)
		if err := putDoc(ctx, tx, r, d); err != nil {
			return err
		}
		return tx.PutTags(ctx, p, id, storeTags(in.Tags))
	})
	if err != nil {
		return nil, err
	}
	return &api.RegisterWorkspaceDirectoryResult{DirectoryId: api.String(id), State: api.WorkspaceDirectoryStateRegistering}, nil
}

func newDirectory(p store.Partition, id string, dirType api.WorkspaceDirectoryType, in *api.RegisterWorkspaceDirectoryRequest) *directory {
	name := api.ToString(in.WorkspaceDirectoryName)
	if name == "" {
		name = id + ".wslocal.internal"
	}
	tenancy := in.Tenancy
	if tenancy == "" {
		tenancy = api.TenancyShared
	}
	identity := in.UserIdentityType
	if identity == "" {
		identity = api.UserIdentityTypeAwsDirectoryService
	}
	wsType := in.WorkspaceType
	if wsType == "" {
		wsType = api.WorkspaceTypePersonal
	}
	selfService := api.ReconnectEnumDisabled
	if api.ToBool(in.EnableSelfService) {
		selfService = api.ReconnectEnumEnabled
	}
	code := strings.ToUpper(rand.Text()[:6])
	d := &directory{WorkspaceDirectory: api.WorkspaceDirectory{
		DirectoryId:              api.String(id),
		Alias:                    api.String(id),
		DirectoryName:            api.String(name),
		RegistrationCode:         api.String("WSpdx+" + code),
		SubnetIds:                slices.Clone(in.SubnetIds),
		CustomerUserName:         api.String("Administrator"),
		IamRoleId:                api.String(fmt.Sprintf("arn:aws:iam::%s:role/workspaces_DefaultRole", p.Account)),
		DirectoryType:            dirType,
		WorkspaceSecurityGroupId: api.String(newHexID("sg-", 17)),
		WorkspaceCreationProperties: &api.DefaultWorkspaceCreationProperties{
			EnableInternetAccess: api.Bool(false), UserEnabledAsLocalAdministrator: api.Bool(true),
			EnableMaintenanceMode: api.Bool(true),
		},
		WorkspaceAccessProperties: &api.WorkspaceAccessProperties{
			DeviceTypeWindows: api.AccessPropertyValueAllow, DeviceTypeOsx: api.AccessPropertyValueAllow,
			DeviceTypeWeb: api.AccessPropertyValueDeny, DeviceTypeIos: api.AccessPropertyValueAllow,
			DeviceTypeAndroid: api.AccessPropertyValueAllow, DeviceTypeChromeOs: api.AccessPropertyValueAllow,
			DeviceTypeZeroClient: api.AccessPropertyValueAllow, DeviceTypeLinux: api.AccessPropertyValueDeny,
		},
		Tenancy: tenancy,
		SelfservicePermissions: &api.SelfservicePermissions{
			RestartWorkspace: api.ReconnectEnumEnabled, IncreaseVolumeSize: selfService,
			ChangeComputeType: selfService, SwitchRunningMode: selfService, RebuildWorkspace: selfService,
		},
		WorkspaceDirectoryName:        api.String(name),
		WorkspaceDirectoryDescription: in.WorkspaceDirectoryDescription,
		UserIdentityType:              identity,
		WorkspaceType:                 wsType,
		SamlProperties:                defaultSamlProperties(),
		CertificateBasedAuthProperties: &api.CertificateBasedAuthProperties{
			Status: api.CertificateBasedAuthStatusEnumDisabled,
		},
	}, ClientProperties: defaultClientProperties()}
	// Without SubnetIds, the directory gets two subnets of its own, kept.
	d.SubnetIds = slices.Clone(d.subnets())
	d.DnsIpAddresses = d.dnsAddresses()
	return d
}

// DescribeWorkspaceDirectories lists registered directories by id order.
func (s *Service) DescribeWorkspaceDirectories(ctx context.Context, in *api.DescribeWorkspaceDirectoriesRequest) (*api.DescribeWorkspaceDirectoriesResult, error) {
	if err := distinct("DirectoryIds", in.DirectoryIds); err != nil {
		return nil, err
	}
	p := partition(ctx)
	items, next, err := describeKind(s, ctx, p, "DescribeWorkspaceDirectories", in.NextToken, pageSize(in.Limit), kindDirectory, in.DirectoryIds,
		func(r *store.Resource, d *directory) (api.WorkspaceDirectory, bool) {
			ok := (in.WorkspaceDirectoryNames == nil || slices.Contains(in.WorkspaceDirectoryNames, api.ToString(d.WorkspaceDirectoryName))) &&
				directoryMatches(d, in.Filters)
			return d.wire(r), ok
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeWorkspaceDirectoriesResult{Directories: items, NextToken: next}, nil
}

func directoryMatches(d *directory, filters []api.DescribeWorkspaceDirectoriesFilter) bool {
	for _, f := range filters {
		var have string
		switch f.Name {
		case api.DescribeWorkspaceDirectoriesFilterNameUserIdentityType:
			have = string(d.UserIdentityType)
		case api.DescribeWorkspaceDirectoriesFilterNameWorkspaceType:
			have = string(d.WorkspaceType)
		}
		if !slices.Contains(f.Values, have) {
			return false
		}
	}
	return true
}

// DeregisterWorkspaceDirectory deregisters a directory no WorkSpace uses.
func (s *Service) DeregisterWorkspaceDirectory(ctx context.Context, in *api.DeregisterWorkspaceDirectoryRequest) (*api.DeregisterWorkspaceDirectoryResult, error) {
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, _, err := getDirectory(ctx, tx, p, *in.DirectoryId)
		if err != nil {
			return err
		}
		wss, err := s.listWorkspaces(ctx, tx, p)
		if err != nil {
			return err
		}
		for _, w := range wss {
			if api.ToString(w.doc.DirectoryId) == r.ID && w.res.State != wsTerminated {
				// The API reference: "If any WorkSpaces are registered to this
				// directory, you must remove them before you deregister the
				// directory, or you will receive an OperationNotSupportedException".
				return notSupported("", "The directory %s is used by WorkSpace %s; terminate its WorkSpaces first.", r.ID, w.res.ID)
			}
		}
		if pools, err := poolsIn(ctx, tx, p, r.ID); err != nil {
			return err
		} else if len(pools) > 0 {
			return invalidState("The directory %s is used by WorkSpaces Pool %s; terminate its pools first.", r.ID, pools[0])
		}
		state, err := next(kindDirectory, r.ID, r.State, evDeregister)
		if err != nil {
			return err
		}
		r.State = state
		schedule(r, now, s.Durations().Directory)
		return tx.PutResource(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeregisterWorkspaceDirectoryResult{}, nil
}

// stepDirectory finishes a registration or a deregistration.
func (s *Service) stepDirectory(ctx context.Context, tx store.Tx, r *store.Resource) error {
	state, err := next(kindDirectory, r.ID, r.State, evStepDone)
	if err != nil {
		return err
	}
	if state == none {
		if err := deleteBranding(ctx, tx, r.Partition, r.ID); err != nil {
			return err
		}
		return deleteResource(ctx, tx, r)
	}
	r.State, r.DueAt = state, time.Time{}
	return tx.PutResource(ctx, r)
}
