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

// Association resource types, as the API spells them.
const (
	assocImage     = string(api.ApplicationAssociatedResourceTypeImage)
	assocBundle    = string(api.ApplicationAssociatedResourceTypeBundle)
	assocWorkspace = string(api.ApplicationAssociatedResourceTypeWorkspace)
)

// workspace is the stored document of a WorkSpace: the wire shape (its
// State lives in the resource row) and what wslocal needs besides.
type workspace struct {
	api.Workspace
	// ImageID is the image the WorkSpace was built from.
	ImageID string `json:"wslocalImageId"`
	// BundleApps are the applications that came with the bundle's image:
	// they were validated when the image was made.
	BundleApps []string `json:"wslocalBundleApps,omitempty"`
}

func (w *workspace) wire(r *store.Resource) api.Workspace {
	out := w.Workspace
	out.State = api.WorkspaceState(r.State)
	return out
}

func (w *workspace) os() api.OperatingSystemName { return w.WorkspaceProperties.OperatingSystemName }

// memoryGiB is the memory of each compute type, for the deployment checks.
var memoryGiB = map[api.Compute]int{
	api.ComputeValue: 2, api.ComputeStandard: 4, api.ComputePerformance: 8, api.ComputePower: 16,
	api.ComputePowerpro: 32, api.ComputeGeneralpurpose4xlarge: 64, api.ComputeGeneralpurpose8xlarge: 128,
	api.ComputeGraphics: 15, api.ComputeGraphicspro: 122, api.ComputeGraphicsG4dn: 16, api.ComputeGraphicsproG4dn: 64,
	api.ComputeGraphicsG6Xlarge: 16, api.ComputeGraphicsG62xlarge: 32, api.ComputeGraphicsG64xlarge: 64,
	api.ComputeGraphicsG68xlarge: 128, api.ComputeGraphicsG616xlarge: 256, api.ComputeGraphicsGr64xlarge: 128,
	api.ComputeGraphicsGr68xlarge: 256, api.ComputeGraphicsG6fLarge: 8, api.ComputeGraphicsG6fXlarge: 16,
	api.ComputeGraphicsG6f2xlarge: 32, api.ComputeGraphicsG6f4xlarge: 64, api.ComputeGraphicsGr6f4xlarge: 128,
}

type storedWorkspace struct {
	res *store.Resource
	doc *workspace
}

func (s *Service) listWorkspaces(ctx context.Context, tx store.Tx, p store.Partition) ([]storedWorkspace, error) {
	rs, err := tx.ListResources(ctx, p, kindWorkspace, "", 0)
	if err != nil {
		return nil, err
	}
	out := make([]storedWorkspace, 0, len(rs))
	for i := range rs {
		w, err := loadDoc[workspace](&rs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, storedWorkspace{&rs[i], w})
	}
	return out, nil
}

func getWorkspace(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *workspace, error) {
	return getFound[workspace](ctx, tx, p, kindWorkspace, id, "WorkSpace")
}

// CreateWorkspaces launches WorkSpaces; each request succeeds or fails on
// its own, as AWS's FailedRequests report.
func (s *Service) CreateWorkspaces(ctx context.Context, in *api.CreateWorkspacesRequest) (*api.CreateWorkspacesResult, error) {
	if len(in.Workspaces) > s.quotas.PerCreate {
		return nil, limitExceeded("At most %d WorkSpaces can be created in one call.", s.quotas.PerCreate)
	}
	p := partition(ctx)
	out := &api.CreateWorkspacesResult{FailedRequests: []api.FailedCreateWorkspaceRequest{}, PendingRequests: []api.Workspace{}}
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		existing, err := s.listWorkspaces(ctx, tx, p)
		if err != nil {
			return err
		}
		live := 0
		for _, w := range existing {
			if w.res.State != wsTerminated {
				live++
			}
		}
		for i := range in.Workspaces {
			req := in.Workspaces[i]
			ws, code, msg, err := s.createWorkspace(ctx, tx, p, &req, existing, live, now)
			if err != nil {
				return err
			}
			if code != "" {
				out.FailedRequests = append(out.FailedRequests, api.FailedCreateWorkspaceRequest{
					WorkspaceRequest: &req, ErrorCode: api.String(code), ErrorMessage: api.String(msg)})
				continue
			}
			live++
			existing = append(existing, *ws)
			out.PendingRequests = append(out.PendingRequests, ws.doc.wire(ws.res))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createWorkspace creates one WorkSpace, or returns why it cannot.
func (s *Service) createWorkspace(ctx context.Context, tx store.Tx, p store.Partition, req *api.WorkspaceRequest,
	existing []storedWorkspace, live int, now time.Time) (*storedWorkspace, string, string, error) {
	dirID := *req.DirectoryId
	dirRes, dir, err := getDoc[directory](ctx, tx, p, kindDirectory, dirID)
	if isNotFound(err) {
		return nil, "ResourceNotFound.Directory", fmt.Sprintf("The directory %s is not registered.", dirID), nil
	}
	if err != nil {
		return nil, "", "", err
	}
	if dirRes.State != dirRegistered {
		return nil, "InvalidResourceState.Directory", fmt.Sprintf("The directory %s is %s, not REGISTERED.", dirID, dirRes.State), nil
	}
	if dir.WorkspaceType == api.WorkspaceTypePools {
		return nil, "OperationNotSupportedException", fmt.Sprintf("The directory %s is registered for WorkSpaces Pools (WorkspaceType POOLS); WorkSpaces Personal need a directory registered with WorkspaceType PERSONAL.", dirID), nil
	}
	_, b, err := findBundle(ctx, tx, p, *req.BundleId)
	if err != nil {
		if _, ok := err.(*api.ResourceNotFoundException); ok {
			return nil, "ResourceNotFound.Bundle", fmt.Sprintf("The bundle %s could not be found.", *req.BundleId), nil
		}
		return nil, "", "", err
	}
	if err := checkNewTags(req.Tags, s.quotas.Tags); err != nil {
		return nil, "InvalidParameterValuesException", err.Error(), nil
	}
	for _, w := range existing {
		if w.res.State != wsTerminated && api.ToString(w.doc.DirectoryId) == dirID &&
			strings.EqualFold(api.ToString(w.doc.UserName), *req.UserName) {
			return nil, "ResourceExists.User", fmt.Sprintf("The user %s already has WorkSpace %s in directory %s.", *req.UserName, w.res.ID, dirID), nil
		}
	}
	if live >= s.quotas.Workspaces {
		return nil, "ResourceLimitExceeded", fmt.Sprintf("You have reached the quota of %d WorkSpaces in %s.", s.quotas.Workspaces, p.Region), nil
	}
	id := newKindID(kindWorkspace)
	w, msg := newWorkspace(id, dir, b, req)
	if msg != "" {
		return nil, "InvalidParameterValuesException", msg, nil
	}
	state, err := next(kindWorkspace, "", none, evCreate)
	if err != nil {
		return nil, "", "", err
	}
	r := &store.Resource{Partition: p, Kind: kindWorkspace, ID: id, State: state, Created: now}
	schedule(r, now, s.Durations().Workspace)
	// The bundle's applications install while the WorkSpace is built.
	if w.BundleApps, err = s.installBundleApps(ctx, tx, p, *req.BundleId, id, now); err != nil {
		return nil, "", "", err
	}
	if err := putDoc(ctx, tx, r, w); err != nil {
		return nil, "", "", err
	}
	if err := tx.PutTags(ctx, p, id, storeTags(req.Tags)); err != nil {
		return nil, "", "", err
	}
	return &storedWorkspace{r, w}, "", "", nil
}

// newWorkspace is the document of a WorkSpace launched from a bundle into
// a directory, as CreateWorkspaces stores it; msg says why the request's
// properties do not fit the bundle.
func newWorkspace(id string, dir *directory, b *bundle, req *api.WorkspaceRequest) (*workspace, string) {
	props, msg := workspaceProperties(b, req.WorkspaceProperties)
	if msg != "" {
		return nil, msg
	}
	subnet := newHexID("subnet-", 17)
	if len(dir.SubnetIds) > 0 {
		subnet = dir.SubnetIds[0]
	}
	return &workspace{ImageID: api.ToString(b.ImageId), Workspace: api.Workspace{
		WorkspaceId: api.String(id), DirectoryId: req.DirectoryId, UserName: req.UserName,
		IpAddress: api.String(fmt.Sprintf("10.0.%d.%d", randByte()%2, 10+randByte()%240)),
		BundleId:  req.BundleId, SubnetId: api.String(subnet),
		ComputerName:        api.String("WSAMZN-" + strings.ToUpper(rand.Text()[:8])),
		VolumeEncryptionKey: req.VolumeEncryptionKey, UserVolumeEncryptionEnabled: req.UserVolumeEncryptionEnabled,
		RootVolumeEncryptionEnabled: req.RootVolumeEncryptionEnabled, WorkspaceName: req.WorkspaceName,
		WorkspaceProperties: props,
	}}, ""
}

func randByte() int {
	var b [1]byte
	_, _ = rand.Read(b[:])
	return int(b[0])
}

// installBundleApps starts installing a bundle's applications on a new or
// rebuilt WorkSpace and returns their ids.
func (s *Service) installBundleApps(ctx context.Context, tx store.Tx, p store.Partition, bundleID, wsID string, now time.Time) ([]string, error) {
	assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: p, ResourceType: assocBundle, ResourceID: bundleID})
	if err != nil {
		return nil, err
	}
	var apps []string
	for _, a := range assocs {
		state, err := next(kindAssociation, wsID, none, evCreate)
		if err != nil {
			return nil, err
		}
		wa := &store.Association{Partition: p, ResourceType: assocWorkspace, ResourceID: wsID, ApplicationID: a.ApplicationID,
			State: state, Created: now, Updated: now, DueAt: now.Add(s.Durations().Deploy)}
		if err := tx.PutAssociation(ctx, wa); err != nil {
			return nil, err
		}
		apps = append(apps, a.ApplicationID)
	}
	return apps, nil
}

// workspaceProperties are the bundle's, overridden by the request's.
func workspaceProperties(b *bundle, req *api.WorkspaceProperties) (*api.WorkspaceProperties, string) {
	protocol := api.ProtocolPcoip
	if !isWindows(b.OSName) || b.OSName == api.OperatingSystemNameWindows11 {
		protocol = api.ProtocolWsp
	}
	props := &api.WorkspaceProperties{
		RunningMode:         api.RunningModeAlwaysOn,
		RootVolumeSizeGib:   api.Int32(int32(b.rootGiB())),
		UserVolumeSizeGib:   api.Int32(int32(b.userGiB())),
		ComputeTypeName:     b.ComputeType.Name,
		Protocols:           []api.Protocol{protocol},
		OperatingSystemName: b.OSName,
	}
	if req == nil {
		return props, ""
	}
	if req.OperatingSystemName != "" && req.OperatingSystemName != b.OSName {
		return nil, fmt.Sprintf("OperatingSystemName %s does not match the bundle's %s.", req.OperatingSystemName, b.OSName)
	}
	if req.RunningMode != "" {
		props.RunningMode = req.RunningMode
	}
	if props.RunningMode == api.RunningModeAutoStop {
		props.RunningModeAutoStopTimeoutInMinutes = api.Int32(api.ToInt32(req.RunningModeAutoStopTimeoutInMinutes, 60))
	}
	if req.RootVolumeSizeGib != nil {
		props.RootVolumeSizeGib = req.RootVolumeSizeGib
	}
	if req.UserVolumeSizeGib != nil {
		props.UserVolumeSizeGib = req.UserVolumeSizeGib
	}
	if req.ComputeTypeName != "" {
		props.ComputeTypeName = req.ComputeTypeName
	}
	if req.Protocols != nil {
		props.Protocols = slices.Clone(req.Protocols)
	}
	return props, ""
}

// DescribeWorkspaces lists WorkSpaces by id order. WorkspaceIds cannot be
// combined with the other filters, and UserName needs DirectoryId.
func (s *Service) DescribeWorkspaces(ctx context.Context, in *api.DescribeWorkspacesRequest) (*api.DescribeWorkspacesResult, error) {
	if in.WorkspaceIds != nil && (in.DirectoryId != nil || in.UserName != nil || in.BundleId != nil || in.WorkspaceName != nil) {
		return nil, invalidParameter("WorkspaceIds cannot be combined with other filters.")
	}
	if in.UserName != nil && in.DirectoryId == nil {
		return nil, invalidParameter("UserName can be used only together with DirectoryId.")
	}
	if err := distinct("WorkspaceIds", in.WorkspaceIds); err != nil {
		return nil, err
	}
	p := partition(ctx)
	items, next, err := describeKind(s, ctx, p, "DescribeWorkspaces", in.NextToken, pageSize(in.Limit), kindWorkspace, in.WorkspaceIds,
		func(r *store.Resource, d *workspace) (api.Workspace, bool) {
			switch {
			case in.DirectoryId != nil && *in.DirectoryId != api.ToString(d.DirectoryId):
			case in.UserName != nil && !strings.EqualFold(*in.UserName, api.ToString(d.UserName)):
			case in.BundleId != nil && *in.BundleId != api.ToString(d.BundleId):
			case in.WorkspaceName != nil && *in.WorkspaceName != api.ToString(d.WorkspaceName):
			default:
				return d.wire(r), true
			}
			return api.Workspace{}, false
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeWorkspacesResult{Workspaces: items, NextToken: next}, nil
}
