package workspaces

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// ApplySeed writes a seed in one transaction: everything or, on any error,
// nothing. Documents are built by the same functions the operations use.
// An item whose id is already in the store replaces it (with its
// associations and tags), so a durable store restarted with the same seed
// ends up the same; items without an id get a new one on every run.
// Rows in a state that moves on (PENDING, INSTALLING, ...) take their next
// step after the usual duration from now.
func (s *Service) ApplySeed(ctx context.Context, seed *Seed) error {
	err := s.store.Write(ctx, func(tx store.Tx) error { return s.applySeed(ctx, tx, seed) })
	if err != nil {
		return fmt.Errorf("apply the seed %s: %w", seed.doc.name, err)
	}
	return nil
}

// ResetAndSeed deletes every row of every account and region and applies
// the seed, in one transaction: a reader sees the old state or the seeded
// one, never an empty store, and on any error nothing changes. Items
// without an id in the seed get new ids, as on every ApplySeed.
func (s *Service) ResetAndSeed(ctx context.Context, seed *Seed) error {
	err := s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.DeleteAll(ctx); err != nil {
			return err
		}
		return s.applySeed(ctx, tx, seed)
	})
	if err != nil {
		return fmt.Errorf("reset and apply the seed %s: %w", seed.doc.name, err)
	}
	return nil
}

// applySeed writes the seed within stx, every row checked (checkedTx).
func (s *Service) applySeed(ctx context.Context, stx store.Tx, seed *Seed) error {
	tx := checkedTx{stx}
	now := s.clock.Now()
	for i := range seed.file.Accounts {
		a := &seed.file.Accounts[i]
		p := store.Partition{Account: a.Account, Region: a.Region}
		if err := s.seedPartition(ctx, tx, seed.doc, fmt.Sprintf("accounts[%d]", i), p, a, now); err != nil {
			return err
		}
	}
	return s.seedStandbys(ctx, tx, seed)
}

// checkedTx checks every row a seed writes as a snapshot's rows are
// checked (checkResource, checkAssociation): a seed cannot store what an
// import would refuse.
type checkedTx struct{ store.Tx }

func (tx checkedTx) PutResource(ctx context.Context, r *store.Resource) error {
	if bad := checkResource(r); bad != nil {
		return fmt.Errorf("the seed makes %s %s, not a valid row of its kind: %w", r.Kind, r.ID, bad)
	}
	return tx.Tx.PutResource(ctx, r)
}

func (tx checkedTx) PutAssociation(ctx context.Context, a *store.Association) error {
	if bad := checkAssociation(a); bad != nil {
		return fmt.Errorf("the seed makes the association of %s with %s %s, not a valid row: %w", a.ApplicationID, a.ResourceType, a.ResourceID, bad)
	}
	return tx.Tx.PutAssociation(ctx, a)
}

// seedProblem is a problem found while applying, at a field of the seed.
func seedProblem(d *seedDoc, path, format string, args ...any) error {
	return d.errAt(path, false, fmt.Sprintf(format, args...))
}

func (s *Service) seedPartition(ctx context.Context, tx store.Tx, d *seedDoc, pp string, p store.Partition, a *seedPartition, now time.Time) error {
	for i := range a.Directories {
		if err := s.seedDirectory(ctx, tx, p, &a.Directories[i], now); err != nil {
			return fmt.Errorf("%s.directories[%d]: %w", pp, i, err)
		}
	}
	for i := range a.Images {
		path := fmt.Sprintf("%s.images[%d]", pp, i)
		if err := s.seedImage(ctx, tx, d, path, p, &a.Images[i], now); err != nil {
			return err
		}
	}
	for i := range a.Bundles {
		path := fmt.Sprintf("%s.bundles[%d]", pp, i)
		if err := s.seedBundle(ctx, tx, d, path, p, &a.Bundles[i], now); err != nil {
			return err
		}
	}
	for i := range a.Workspaces {
		path := fmt.Sprintf("%s.workspaces[%d]", pp, i)
		if err := s.seedWorkspace(ctx, tx, d, path, p, &a.Workspaces[i], now); err != nil {
			return err
		}
	}
	for i := range a.Pools {
		path := fmt.Sprintf("%s.pools[%d]", pp, i)
		if err := s.seedPool(ctx, tx, d, path, p, &a.Pools[i], now); err != nil {
			return err
		}
	}
	for i := range a.AccountLinks {
		if err := s.seedAccountLink(ctx, tx, p, &a.AccountLinks[i], now); err != nil {
			return fmt.Errorf("%s.accountLinks[%d]: %w", pp, i, err)
		}
	}
	return nil
}

// replace deletes a resource the seed redeclares, with what hangs off it.
func replace(ctx context.Context, tx store.Tx, p store.Partition, kind, id string) error {
	r, err := tx.GetResource(ctx, p, kind, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return deleteResource(ctx, tx, r)
}

func (s *Service) seedTags(ctx context.Context, tx store.Tx, d *seedDoc, path string, p store.Partition, id string, tags map[string]string) error {
	if len(tags) > s.quotas.Tags {
		return seedProblem(d, path+".tags", "%d tags; a resource can have at most %d", len(tags), s.quotas.Tags)
	}
	return tx.PutTags(ctx, p, id, storeTagsOf(tags))
}

func (s *Service) seedDirectory(ctx context.Context, tx store.Tx, p store.Partition, sd *seedDirectory, now time.Time) error {
	if err := replace(ctx, tx, p, kindDirectory, sd.ID); err != nil {
		return err
	}
	in := &api.RegisterWorkspaceDirectoryRequest{DirectoryId: &sd.ID}
	dirType := api.WorkspaceDirectoryTypeSimpleAd
	if strings.HasPrefix(sd.ID, "wsd-") {
		dirType = api.WorkspaceDirectoryTypeAwsIamIdentityCenter
	}
	if sd.Name != "" {
		in.WorkspaceDirectoryName = &sd.Name
	}
	if sd.Description != "" {
		in.WorkspaceDirectoryDescription = &sd.Description
	}
	in.WorkspaceType = api.WorkspaceType(sd.WorkspaceType)
	r := &store.Resource{Partition: p, Kind: kindDirectory, ID: sd.ID, State: sd.State, Created: now}
	if sd.State != dirRegistered {
		schedule(r, now, s.Durations().Directory)
	}
	if err := deleteBranding(ctx, tx, p, sd.ID); err != nil {
		return err
	}
	dir := newDirectory(p, sd.ID, dirType, in)
	applyDirectoryExtras(sd, dir)
	if err := putDoc(ctx, tx, r, dir); err != nil {
		return err
	}
	if err := seedBranding(ctx, tx, p, sd, now); err != nil {
		return err
	}
	return tx.PutTags(ctx, p, sd.ID, storeTagsOf(sd.Tags))
}

func (s *Service) seedImage(ctx context.Context, tx store.Tx, d *seedDoc, path string, p store.Partition, si *seedImage, now time.Time) error {
	if err := replace(ctx, tx, p, kindImage, si.ID); err != nil {
		return err
	}
	others, err := tx.ListResources(ctx, p, kindImage, "", 0)
	if err != nil {
		return err
	}
	for i := range others {
		other, err := loadDoc[image](&others[i])
		if err != nil {
			continue // a damaged row has no name to clash with; it must not stop start-up
		}
		if other.name() == si.Name {
			return seedProblem(d, path+".name", "the image %s in the store is already named %q", others[i].ID, si.Name)
		}
	}
	var imports []api.Application
	for _, sa := range si.Applications {
		if app, _ := findApplication(sa.Application); app.ImportName != "" {
			imports = append(imports, app.ImportName)
		}
	}
	in := &api.ImportWorkspaceImageRequest{Ec2ImageId: api.String(newHexID("ami-", 17)),
		IngestionProcess: api.WorkspaceImageIngestionProcessByolRegular, ImageName: &si.Name,
		ImageDescription: &si.Description, Applications: imports}
	img := importedImage(in, api.OperatingSystemName(si.OperatingSystem))
	if si.CustomImport != nil {
		img = customImportDoc(si, now)
	} else if si.State == imError {
		img.setError(imageError(si))
	}
	img.ImageId, img.OwnerAccountId = api.String(si.ID), api.String(p.Account)
	r := &store.Resource{Partition: p, Kind: kindImage, ID: si.ID, State: si.State, Created: now}
	if si.State == imPending {
		schedule(r, now, s.Durations().Import)
	}
	if err := putDoc(ctx, tx, r, img); err != nil {
		return err
	}
	for _, sa := range si.Applications {
		// An image's INSTALLING applications move with the image while it
		// is PENDING; otherwise a moving one takes its own step.
		a := seedAssoc(p, assocImage, si.ID, sa, now, time.Time{})
		a.DueAt = s.assocDueFor(a, si.State == imPending, now)
		if err := tx.PutAssociation(ctx, a); err != nil {
			return err
		}
	}
	return s.seedTags(ctx, tx, d, path, p, si.ID, si.Tags)
}

// imageError is an ERROR image's ErrorCode and ErrorMessage: as given, or
// its first failed application's reason.
func imageError(si *seedImage) (string, string) {
	if si.Error != nil {
		return si.Error.Code, si.Error.Message
	}
	for _, sa := range si.Applications {
		if sa.Reason != nil {
			return sa.Reason.Code, sa.Reason.Message
		}
	}
	return "InternalServerError", "The image could not be imported."
}

func seedAssoc(p store.Partition, typ, id string, sa seedAssociation, now, due time.Time) *store.Association {
	a := &store.Association{Partition: p, ResourceType: typ, ResourceID: id, ApplicationID: sa.Application,
		State: sa.State, FailedStep: sa.FailedStep, Created: now, Updated: now, DueAt: due}
	if sa.Reason != nil {
		a.ReasonCode, a.ReasonMessage = sa.Reason.Code, sa.Reason.Message
	}
	return a
}

func (s *Service) seedBundle(ctx context.Context, tx store.Tx, d *seedDoc, path string, p store.Partition, sb *seedBundle, now time.Time) error {
	if err := replace(ctx, tx, p, kindBundle, sb.ID); err != nil {
		return err
	}
	others, err := tx.ListResources(ctx, p, kindBundle, "", 0)
	if err != nil {
		return err
	}
	for i := range others {
		other, err := loadDoc[bundle](&others[i])
		if err != nil {
			continue // as for images
		}
		if api.ToString(other.Name) == sb.Name {
			return seedProblem(d, path+".name", "the bundle %s in the store is already named %q", others[i].ID, sb.Name)
		}
	}
	imgRes, img, err := getDoc[image](ctx, tx, p, kindImage, sb.Image)
	if err != nil {
		return fmt.Errorf("%s.image: %w", path, err)
	}
	in := &api.CreateWorkspaceBundleRequest{BundleName: &sb.Name, BundleDescription: &sb.Description, ImageId: &sb.Image,
		ComputeType: &api.ComputeType{Name: api.Compute(sb.ComputeType)},
		RootStorage: &api.RootStorage{Capacity: api.String(strconv.Itoa(sb.RootStorage))},
		UserStorage: &api.UserStorage{Capacity: api.String(strconv.Itoa(sb.UserStorage))}}
	b := newBundle(p, sb.ID, imgRes.ID, img, in, now)
	r := &store.Resource{Partition: p, Kind: kindBundle, ID: sb.ID, State: string(b.State), Created: now}
	if err := putDoc(ctx, tx, r, b); err != nil {
		return err
	}
	if err := s.copyImageApps(ctx, tx, imgRes, p, assocBundle, sb.ID, now); err != nil {
		return err
	}
	return s.seedTags(ctx, tx, d, path, p, sb.ID, sb.Tags)
}

func (s *Service) seedWorkspace(ctx context.Context, tx store.Tx, d *seedDoc, path string, p store.Partition, sw *seedWorkspace, now time.Time) error {
	if err := replace(ctx, tx, p, kindWorkspace, sw.ID); err != nil {
		return err
	}
	existing, err := s.listWorkspaces(ctx, tx, p)
	if err != nil {
		return err
	}
	for _, w := range existing {
		if sw.State != wsTerminated && w.res.State != wsTerminated && api.ToString(w.doc.DirectoryId) == sw.Directory &&
			strings.EqualFold(api.ToString(w.doc.UserName), sw.UserName) {
			return seedProblem(d, path+".userName", "the user %s already has WorkSpace %s in directory %s", sw.UserName, w.res.ID, sw.Directory)
		}
	}
	_, dir, err := getDoc[directory](ctx, tx, p, kindDirectory, sw.Directory)
	if err != nil {
		return fmt.Errorf("%s.directory: %w", path, err)
	}
	_, b, err := findBundle(ctx, tx, p, sw.Bundle)
	if err != nil {
		return fmt.Errorf("%s.bundle: %w", path, err)
	}
	props := &api.WorkspaceProperties{RunningMode: api.RunningMode(sw.RunningMode), ComputeTypeName: api.Compute(sw.ComputeType)}
	if sw.RootVolumeGiB > 0 {
		props.RootVolumeSizeGib = api.Int32(int32(sw.RootVolumeGiB))
	}
	if sw.UserVolumeGiB > 0 {
		props.UserVolumeSizeGib = api.Int32(int32(sw.UserVolumeGiB))
	}
	req := &api.WorkspaceRequest{DirectoryId: &sw.Directory, BundleId: &sw.Bundle, UserName: &sw.UserName, WorkspaceProperties: props}
	if sw.Name != "" {
		req.WorkspaceName = &sw.Name
	}
	w, msg := newWorkspace(sw.ID, dir, b, req)
	if msg != "" {
		return seedProblem(d, path, "%s", msg)
	}
	if err := s.placeWorkspace(ctx, tx, p, dir, w, existing); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	bundleApps, err := tx.Associations(ctx, store.AssociationQuery{Partition: p, ResourceType: assocBundle, ResourceID: sw.Bundle})
	if err != nil {
		return err
	}
	for _, a := range bundleApps {
		w.BundleApps = append(w.BundleApps, a.ApplicationID)
	}
	r := &store.Resource{Partition: p, Kind: kindWorkspace, ID: sw.ID, State: sw.State, Created: now}
	switch _, err := next(kindWorkspace, sw.ID, sw.State, evStepDone); {
	case err == nil:
		schedule(r, now, s.Durations().Workspace)
	case sw.State == wsTerminated:
		schedule(r, now, s.Durations().Terminated)
	}
	if err := putDoc(ctx, tx, r, w); err != nil {
		return err
	}
	declared := map[string]bool{}
	for _, sa := range sw.Applications {
		declared[sa.Application] = true
		if err := tx.PutAssociation(ctx, seedAssoc(p, assocWorkspace, sw.ID, sa, now, s.assocDue(sa.State, now))); err != nil {
			return err
		}
	}
	// The bundle's applications come with the WorkSpace, as CreateWorkspaces
	// installs them: still installing while it is PENDING, installed after.
	if sw.State != wsTerminated {
		state := asCompleted
		if sw.State == wsPending {
			state = asPendingInstall
		}
		for _, id := range w.BundleApps {
			if declared[id] {
				continue
			}
			sa := seedAssociation{Application: id, State: state}
			if err := tx.PutAssociation(ctx, seedAssoc(p, assocWorkspace, sw.ID, sa, now, s.assocDue(state, now))); err != nil {
				return err
			}
		}
	}
	return s.seedTags(ctx, tx, d, path, p, sw.ID, sw.Tags)
}

// assocDue is when a WorkSpace's application in state takes its next step.
func (s *Service) assocDue(state string, now time.Time) time.Time {
	switch state {
	case asPendingInstall, asInstalling, asPendingUninstall, asUninstalling:
		return now.Add(s.Durations().Deploy)
	case asRemoved:
		return now.Add(s.Durations().Removed)
	}
	return time.Time{}
}
