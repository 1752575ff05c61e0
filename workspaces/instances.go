package workspaces

import (
	"context"
	"crypto/rand"
	"errors"
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
	// Snap is the history the WorkSpace's snapshots are computed from
	// (snapshots.go); nil for one stored before it was kept.
	Snap *snapHistory `json:"wslocalSnapshots,omitempty"`
	// Primary and Standby name the other side of a standby pair
	// (standby.go): a standby names its primary, a primary its standby.
	Primary *relatedRef `json:"wslocalPrimary,omitempty"`
	Standby *relatedRef `json:"wslocalStandby,omitempty"`
	// MigratedTo is the WorkSpace that replaces this one (migrate.go).
	MigratedTo string `json:"wslocalMigratedTo,omitempty"`
}

// wire is the WorkSpace as DescribeWorkspaces shows it. AWS answers
// ModificationStates [] when nothing is being modified (wslocal applies
// modifications at once), and a WorkSpace still PENDING has no computer
// name, subnet or address yet.
func (w *workspace) wire(r *store.Resource) api.Workspace {
	out := w.Workspace
	out.State = api.WorkspaceState(r.State)
	out.ModificationStates = []api.ModificationState{}
	if r.State == wsPending {
		out.IpAddress, out.SubnetId, out.ComputerName = nil, nil, nil
	}
	return out
}

// pending is the WorkSpace as CreateWorkspaces' PendingRequests show it:
// what the request said, with the new id and state (the AWS CLI's
// create-workspaces examples).
func (w *workspace) pending(r *store.Resource) api.Workspace {
	return api.Workspace{WorkspaceId: w.WorkspaceId, DirectoryId: w.DirectoryId, UserName: w.UserName,
		State: api.WorkspaceState(r.State), BundleId: w.BundleId, WorkspaceName: w.WorkspaceName}
}

func (w *workspace) os() api.OperatingSystemName {
	if w.WorkspaceProperties == nil {
		return ""
	}
	return w.WorkspaceProperties.OperatingSystemName
}

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
		out.FailedRequests, out.PendingRequests = out.FailedRequests[:0], out.PendingRequests[:0] // a store may run fn again
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
			out.PendingRequests = append(out.PendingRequests, ws.doc.pending(ws.res))
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
	bRes, b, err := findBundle(ctx, tx, p, *req.BundleId)
	if err != nil {
		if _, ok := err.(*api.ResourceNotFoundException); ok {
			return nil, "ResourceNotFound.Bundle", fmt.Sprintf("The bundle %s could not be found.", *req.BundleId), nil
		}
		return nil, "", "", err
	}
	if code, msg, err := s.bundleLaunchable(ctx, tx, p, bRes, b); code != "" || err != nil {
		return nil, code, msg, err
	}
	if err := checkNewTags(req.Tags, s.quotas.Tags); err != nil {
		return nil, "InvalidParameterValuesException", err.Error(), nil
	}
	// The API reference of WorkspaceRequest: "The reserved keyword,
	// [UNDEFINED], is used when creating user-decoupled WorkSpaces": it names
	// no user, so any number of them may share a directory.
	for _, w := range existing {
		if *req.UserName != undefinedUser && w.res.State != wsTerminated && api.ToString(w.doc.DirectoryId) == dirID &&
			strings.EqualFold(api.ToString(w.doc.UserName), *req.UserName) {
			return nil, "ResourceExists.User", fmt.Sprintf("The user %s already has WorkSpace %s in directory %s.", *req.UserName, w.res.ID, dirID), nil
		}
	}
	if live >= s.quotas.Workspaces {
		return nil, "ResourceLimitExceeded", fmt.Sprintf("You have reached the quota of %d WorkSpaces in %s.", s.quotas.Workspaces, p.Region), nil
	}
	// The API reference: "The MANUAL value is only supported by Amazon
	// WorkSpaces Core." (a seed may still declare one).
	if req.WorkspaceProperties != nil && req.WorkspaceProperties.RunningMode == api.RunningModeManual {
		return nil, "InvalidParameterValuesException", manualOnlyCore, nil
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
	if err := s.placeWorkspace(ctx, tx, p, dir, w, existing); err != nil {
		var full *errNoAddress
		if errors.As(err, &full) {
			return nil, "InsufficientIpAddresses", fmt.Sprintf("The subnet %s has no free IP address.", full.subnet), nil
		}
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
	// The subnet and address are the directory's: placeWorkspace sets them.
	subnets := dir.subnets()
	return &workspace{ImageID: api.ToString(b.ImageId), Workspace: api.Workspace{
		WorkspaceId: api.String(id), DirectoryId: req.DirectoryId, UserName: req.UserName,
		BundleId: req.BundleId, SubnetId: api.String(subnets[0]),
		ComputerName:        api.String(newComputerName()),
		VolumeEncryptionKey: req.VolumeEncryptionKey, UserVolumeEncryptionEnabled: req.UserVolumeEncryptionEnabled,
		RootVolumeEncryptionEnabled: req.RootVolumeEncryptionEnabled, WorkspaceName: req.WorkspaceName,
		WorkspaceProperties: props,
	}}, ""
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
	if msg := runningModeProblem(props.RunningMode, req.RunningModeAutoStopTimeoutInMinutes); msg != "" {
		return nil, msg
	}
	if props.RunningMode == api.RunningModeAutoStop {
		props.RunningModeAutoStopTimeoutInMinutes = api.Int32(api.ToInt32(req.RunningModeAutoStopTimeoutInMinutes, 60))
	}
	if req.RootVolumeSizeGib != nil || req.UserVolumeSizeGib != nil {
		root, user := api.ToInt32(req.RootVolumeSizeGib, *props.RootVolumeSizeGib), api.ToInt32(req.UserVolumeSizeGib, *props.UserVolumeSizeGib)
		if root < *props.RootVolumeSizeGib || user < *props.UserVolumeSizeGib {
			return nil, fmt.Sprintf("The volumes (root %d GiB, user %d GiB) cannot be smaller than the bundle's (root %d GiB, user %d GiB).",
				root, user, *props.RootVolumeSizeGib, *props.UserVolumeSizeGib)
		}
		if msg := volumeProblem(root, user); msg != "" {
			return nil, msg
		}
		props.RootVolumeSizeGib, props.UserVolumeSizeGib = api.Int32(root), api.Int32(user)
	}
	if req.ComputeTypeName != "" {
		props.ComputeTypeName = req.ComputeTypeName
	}
	if req.Protocols != nil {
		props.Protocols = slices.Clone(req.Protocols)
	}
	return props, ""
}

// Running modes and volumes, as the API reference and the administration
// guide document them.
const (
	// autoStopInterval: "Configured in 60-minute intervals."
	autoStopInterval = 60
	maxVolumeGiB     = 2000
)

// undefinedUser is the UserName of a user-decoupled WorkSpace.
const undefinedUser = "[UNDEFINED]"

const manualOnlyCore = "The MANUAL running mode is only supported by Amazon WorkSpaces Core; contact your account team to be allow-listed."

// runningModeProblem says why a running mode and an AutoStop timeout do
// not go together, or "".
func runningModeProblem(mode api.RunningMode, timeout *int32) string {
	if timeout == nil {
		return ""
	}
	if mode != api.RunningModeAutoStop {
		return fmt.Sprintf("RunningModeAutoStopTimeoutInMinutes is not applicable for WorkSpace with running mode set to %s.", mode)
	}
	if *timeout < autoStopInterval || *timeout%autoStopInterval != 0 {
		return fmt.Sprintf("RunningModeAutoStopTimeoutInMinutes must be a multiple of %d minutes; %d is not.", autoStopInterval, *timeout)
	}
	return ""
}

// volumeProblem says why a pair of root and user volume sizes is not one of
// the groups WorkSpaces allows, or "". The administration guide ("Modify a
// WorkSpace"): [80, 10], [80, 50], [80, 100], [175 to 2000, 100 to 2000].
func volumeProblem(root, user int32) string {
	switch {
	case root == 80 && (user == 10 || user == 50 || user == 100):
	case root >= 175 && root <= maxVolumeGiB && user >= 100 && user <= maxVolumeGiB:
	default:
		return fmt.Sprintf("The volume sizes (root %d GiB, user %d GiB) are not an allowed combination: "+
			"root 80 with user 10, 50 or 100, or root 175 to 2000 with user 100 to 2000.", root, user)
	}
	return ""
}

// bundleLaunchable checks that a custom bundle's image can still be
// launched: it must be an AVAILABLE image the caller sees. Bundles are made
// from the caller's own images (ownImage); a bundle stored before that rule
// may rest on an image shared with the caller, and once the owner unshares
// or deletes it the bundle launches nothing. AWS's bundles (r nil) always
// launch.
func (s *Service) bundleLaunchable(ctx context.Context, tx store.Tx, p store.Partition, r *store.Resource, b *bundle) (string, string, error) {
	if r == nil {
		return "", "", nil
	}
	id := api.ToString(b.ImageId)
	img, _, err := s.findImage(ctx, tx, p, id)
	if _, ok := err.(*api.ResourceNotFoundException); ok {
		return "ResourceNotFound.Image", fmt.Sprintf("The image %s of bundle %s could not be found.", id, r.ID), nil
	}
	if err != nil {
		return "", "", err
	}
	if img.State != imAvailable {
		return "ResourceUnavailable.Image", fmt.Sprintf("The image %s of bundle %s is %s, not AVAILABLE.", id, r.ID, img.State), nil
	}
	return "", "", nil
}

// describeWorkspacesOneFilter is the refusal of combined filters, in the
// words AWS is reported to use (docs/behaviour.md).
const describeWorkspacesOneFilter = "An invalid number of parameters provided with DescribeWorkspaces. " +
	"Only one of the following are allowed to be specified: BundleId, DirectoryId, WorkSpaceIds, Filters."

// DescribeWorkspaces lists WorkSpaces by id order. The API reference:
// WorkspaceIds, DirectoryId (with UserName, which needs it) and BundleId
// each cannot be combined with any other filter.
func (s *Service) DescribeWorkspaces(ctx context.Context, in *api.DescribeWorkspacesRequest) (*api.DescribeWorkspacesResult, error) {
	if in.UserName != nil && in.DirectoryId == nil {
		return nil, invalidParameter("The DirectoryId parameter is required when UserName is used.")
	}
	filters := 0
	for _, set := range []bool{in.WorkspaceIds != nil, in.DirectoryId != nil, in.BundleId != nil, in.WorkspaceName != nil} {
		if set {
			filters++
		}
	}
	if filters > 1 {
		return nil, invalidParameter("%s", describeWorkspacesOneFilter)
	}
	if err := distinct("WorkspaceIds", in.WorkspaceIds); err != nil {
		return nil, err
	}
	p := partition(ctx)
	// describeKind, with the transaction: a WorkSpace of a standby pair
	// shows the other side, read from its partition (standby.go).
	items, next, err := describe(s, ctx, p, "DescribeWorkspaces", in.NextToken, 1, pageSize(in.Limit),
		func(tx store.Tx, now time.Time, pg *page[api.Workspace]) error {
			return eachResource(ctx, tx, p, kindWorkspace, in.WorkspaceIds, pg, func(r *store.Resource) error {
				d, err := loadDoc[workspace](r)
				if err != nil {
					return err
				}
				switch {
				case in.DirectoryId != nil && *in.DirectoryId != api.ToString(d.DirectoryId):
				case in.UserName != nil && !strings.EqualFold(*in.UserName, api.ToString(d.UserName)):
				case in.BundleId != nil && *in.BundleId != api.ToString(d.BundleId):
				case in.WorkspaceName != nil && *in.WorkspaceName != api.ToString(d.WorkspaceName):
				default:
					item := d.wire(r)
					if err := s.relatedWire(ctx, tx, p, r, d, now, &item); err != nil {
						return err
					}
					return pg.add(item, r.ID)
				}
				return nil
			})
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeWorkspacesResult{Workspaces: items, NextToken: next}, nil
}

// newComputerName mints a WorkSpace's computer name: WSAMZN- and 8
// random uppercase characters.
func newComputerName() string {
	return "WSAMZN-" + strings.ToUpper(rand.Text()[:8])
}
