package workspaces

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// OSTag is the tag that tells ImportWorkspaceImage which Windows the AMI
// runs (WINDOWS_10, the default, or WINDOWS_11): wslocal has no EC2 to ask.
const OSTag = "wslocal:OperatingSystemName"

// image is the stored document of a WorkSpace image: the wire shape, with
// ImageId, Name, Description, OperatingSystem, RequiredTenancy,
// OwnerAccountId and, once it failed, ErrorCode and ErrorMessage (State,
// Created and Updates are the row's and the clock's), and what the wire
// shape lacks.
type image struct {
	api.WorkspaceImage
	OSName           api.OperatingSystemName `json:"wslocalOperatingSystemName,omitzero"`
	Ec2ImageID       string                  `json:"wslocalEc2ImageId,omitzero"`
	IngestionProcess string                  `json:"wslocalIngestionProcess,omitzero"`
	Applications     []api.Application       `json:"wslocalApplications,omitzero"`
	// Origin is the operation that made the image; fault rules match it.
	Origin        string `json:"wslocalOrigin,omitzero"`
	SourceImageID string `json:"wslocalSourceImageId,omitzero"`
	// CustomImport is the import of an image ImportCustomWorkspaceImage
	// made (custom_import.go).
	CustomImport *customImport `json:"wslocalCustomImport,omitzero"`
	// legacy: the document was of the form before the convention (see
	// UnmarshalJSON), so it does not hold its ImageId.
	legacy bool
	// wired holds what wire derives from the document alone, made once
	// for an image the Describe cache shares (imageCache.load).
	wired *imageWired
}

// imageWired are the members of an image's answer that its document
// decides, shared by every answer that encodes it (never changed), and,
// for an image the Describe cache shares, its last answer.
type imageWired struct {
	os                        *api.OperatingSystem
	name, desc, owner, errMsg *string
	last                      atomic.Pointer[imageAnswer]
}

// imageAnswer is an image's answer (wire) with its JSON recorded, and what
// it was made of besides the document: the row's id, state and creation,
// and whether an update was available.
type imageAnswer struct {
	id, state string
	created   time.Time
	update    bool
	wire      api.WorkspaceImage
}

func (img *image) wiredParts() *imageWired {
	if img.wired != nil {
		return img.wired
	}
	w := &imageWired{os: &api.OperatingSystem{Type: osType(img.OSName)}, name: api.String(img.name()),
		desc: api.String(api.ToString(img.Description)), owner: api.String(api.ToString(img.OwnerAccountId))}
	if api.ToString(img.ErrorCode) != "" {
		w.errMsg = api.String(api.ToString(img.ErrorMessage))
	}
	return w
}

// updateResults are the two answers of Updates.
var (
	updateNone  = &api.UpdateResult{UpdateAvailable: api.Bool(false)}
	updateReady = &api.UpdateResult{UpdateAvailable: api.Bool(true),
		Description: api.String("A newer WorkSpaces agent and drivers are available for this image.")}
)

// UnmarshalJSON reads the current form, and the form before the one
// convention (imageDocV2) that the store's migration 0005 and the snapshot
// upgrade rewrite: a row either could not rewrite (the migration leaves a
// row PostgreSQL cannot parse as it is) still reads as it did.
func (img *image) UnmarshalJSON(b []byte) error {
	type plain image
	if !isOldImageDoc(b) {
		return json.Unmarshal(b, (*plain)(img))
	}
	var old imageDocV2
	if err := json.Unmarshal(b, &old); err != nil {
		return err
	}
	cur, err := old.current()
	if err != nil {
		return err
	}
	*img = *cur
	img.legacy = true
	return nil
}

// fromRow gives a document read in the old form the id of its row, so it
// is written back in the current form, whole.
func (img *image) fromRow(r *store.Resource) {
	if img.legacy && img.ImageId == nil {
		img.ImageId = api.String(r.ID)
	}
}

// newImageDoc is the document of a new image; newImage (or a seed) gives
// it its ID and owner.
func newImageDoc(name, desc string, os api.OperatingSystemName, tenancy api.WorkspaceImageRequiredTenancy, origin string) *image {
	return &image{WorkspaceImage: api.WorkspaceImage{Name: api.String(name), Description: api.String(desc),
		OperatingSystem: &api.OperatingSystem{Type: osType(os)}, RequiredTenancy: tenancy},
		OSName: os, Origin: origin}
}

func (img *image) name() string { return api.ToString(img.Name) }

// setError records why the image is in ERROR.
func (img *image) setError(code, message string) {
	img.ErrorCode, img.ErrorMessage = api.String(code), api.String(message)
}

func osType(name api.OperatingSystemName) api.OperatingSystemType {
	if isWindows(name) {
		return api.OperatingSystemTypeWindows
	}
	return api.OperatingSystemTypeLinux
}

// updateAge is how old (on the clock) an AVAILABLE image is when AWS has
// released newer WorkSpaces agents and drivers for it.
const updateAge = 30 * 24 * time.Hour

// updateAvailable reports whether CreateUpdatedWorkspaceImage has something
// to apply to the image at now.
func updateAvailable(r *store.Resource, img *image, now time.Time) bool {
	return r.State == imAvailable && updatable(img.OSName) && now.Sub(r.Created) >= updateAge
}

// updatable reports whether CreateUpdatedWorkspaceImage can update images
// of an operating system: "Only Windows 10, Windows Server 2016, and Windows
// Server 2019 WorkSpace images can be programmatically updated at this time"
// (API reference).
func updatable(os api.OperatingSystemName) bool {
	return os == api.OperatingSystemNameWindows10 || os == api.OperatingSystemNameWindowsServer2016 ||
		os == api.OperatingSystemNameWindowsServer2019
}

func (img *image) wire(r *store.Resource, now time.Time) api.WorkspaceImage {
	w := img.wiredParts()
	out := img.WorkspaceImage
	out.ImageId = api.String(r.ID)
	out.State = api.WorkspaceImageState(r.State)
	out.Created = api.TimeOf(r.Created)
	out.OperatingSystem = w.os
	out.Name, out.Description, out.OwnerAccountId = w.name, w.desc, w.owner
	out.Updates = updateNone
	if updateAvailable(r, img, now) {
		out.Updates = updateReady
	}
	if w.errMsg == nil {
		out.ErrorCode, out.ErrorMessage = nil, nil
	} else {
		out.ErrorMessage = w.errMsg
	}
	return out
}

// answer is wire(r, now) with its JSON recorded (EncodeOnce), made once
// for as long as the row's id, state and creation and the availability
// of an update stay the same: the answers of an image the Describe cache
// shares encode it once, not once a request.
func (img *image) answer(r *store.Resource, now time.Time) api.WorkspaceImage {
	w, update := img.wiredParts(), updateAvailable(r, img, now)
	if a := w.last.Load(); a != nil && a.id == r.ID && a.state == r.State && a.created.Equal(r.Created) && a.update == update {
		return a.wire
	}
	a := &imageAnswer{id: r.ID, state: r.State, created: r.Created, update: update, wire: img.wire(r, now)}
	a.wire.EncodeOnce()
	w.last.Store(a)
	return a.wire
}

// getImage reads an image of the caller's own, or ResourceNotFoundException.
func getImage(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *image, error) {
	return getFound[image](ctx, tx, p, kindImage, id, "image")
}

// findImage returns an image of the caller's, or one shared with it.
func (s *Service) findImage(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *image, error) {
	r, err := tx.GetResource(ctx, p, kindImage, id)
	if isNotFound(err) {
		r, err = sharedImage(ctx, tx, p, id)
	}
	if isNotFound(err) {
		return nil, nil, notFound(id, "The image %s could not be found.", id)
	}
	if err != nil {
		return nil, nil, err
	}
	img, err := loadDoc[image](r)
	return r, img, err
}

// sharedImage returns an image another account shares with p's account.
func sharedImage(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, error) {
	shares, err := tx.SharedWith(ctx, kindImage, p.Account, p.Region)
	if err != nil {
		return nil, err
	}
	for _, sh := range shares {
		if sh.ID == id {
			return tx.GetResource(ctx, sh.Partition, kindImage, id)
		}
	}
	return nil, store.ErrNotFound
}

// ownerOf returns the partition an image visible to p lives in, after
// applying the lifecycle steps due there, so shared images are current.
func (s *Service) ownerOf(ctx context.Context, p store.Partition, id string) (store.Partition, error) {
	owner := p
	err := s.store.Read(ctx, func(tx store.Tx) error {
		if _, err := tx.GetResource(ctx, p, kindImage, id); err == nil || !isNotFound(err) {
			return err
		}
		r, err := sharedImage(ctx, tx, p, id)
		if err == nil {
			owner = r.Partition
		}
		if isNotFound(err) {
			return nil
		}
		return err
	})
	if err != nil || owner == p {
		return owner, err
	}
	return owner, s.catchUp(ctx, owner)
}

// newImage stores a PENDING image with its applications INSTALLING; both
// finish when the step of duration d has passed.
func (s *Service) newImage(ctx context.Context, tx store.Tx, p store.Partition, img *image, apps []string, tags []api.Tag, d time.Duration, now time.Time) (*store.Resource, error) {
	images, err := tx.ListResources(ctx, p, kindImage, "", 0)
	if err != nil {
		return nil, err
	}
	if len(images) >= s.quotas.Images {
		return nil, limitExceeded("You have reached the quota of %d images in %s.", s.quotas.Images, p.Region)
	}
	for i := range images {
		other, err := loadDoc[image](&images[i])
		if err != nil {
			return nil, err
		}
		if other.name() == img.name() {
			return nil, alreadyExists("An image named %s already exists.", img.name())
		}
	}
	state, err := next(kindImage, "", none, evCreate)
	if err != nil {
		return nil, err
	}
	r := &store.Resource{Partition: p, Kind: kindImage, ID: newKindID(kindImage), State: state, Created: now}
	img.ImageId, img.OwnerAccountId = api.String(r.ID), api.String(p.Account)
	schedule(r, now, d)
	if err := putDoc(ctx, tx, r, img); err != nil {
		return nil, err
	}
	for _, app := range apps {
		st, err := next(kindImageApp, r.ID, none, evCreate)
		if err != nil {
			return nil, err
		}
		if err := tx.PutAssociation(ctx, &store.Association{Partition: p, ResourceType: assocImage, ResourceID: r.ID,
			ApplicationID: app, State: st, Created: now, Updated: now}); err != nil {
			return nil, err
		}
	}
	return r, tx.PutTags(ctx, p, r.ID, storeTags(tags))
}

// ImportWorkspaceImage registers a BYOL image. It is PENDING, with its
// applications INSTALLING, until the import step has passed on the clock.
func (s *Service) ImportWorkspaceImage(ctx context.Context, in *api.ImportWorkspaceImageRequest) (*api.ImportWorkspaceImageResult, error) {
	p := partition(ctx)
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	osName := api.OperatingSystemNameWindows10
	for _, t := range in.Tags {
		if *t.Key == OSTag {
			osName = api.OperatingSystemName(api.ToString(t.Value))
		}
	}
	if osName != api.OperatingSystemNameWindows10 && osName != api.OperatingSystemNameWindows11 {
		return nil, invalidParameter("The tag %s must be WINDOWS_10 or WINDOWS_11: BYOL images run Windows 10 or 11.", OSTag)
	}
	var apps []string
	if in.Applications != nil {
		if err := distinct("Applications", in.Applications); err != nil {
			return nil, err
		}
		if len(in.Applications) > 1 {
			return nil, invalidParameter("Only one application can be specified in Applications at this time.")
		}
		if err := officeImportSupported(in.IngestionProcess, osName, in.Applications[0]); err != nil {
			return nil, err
		}
		app, _ := applicationForImport(in.Applications[0])
		apps = append(apps, app.ID)
	}
	var id string
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, err := s.newImage(ctx, tx, p, importedImage(in, osName), apps, in.Tags, s.Durations().Import, now)
		if err != nil {
			return err
		}
		id = r.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ImportWorkspaceImageResult{ImageId: api.String(id)}, nil
}

// importedImage is the document of an image ImportWorkspaceImage registers.
func importedImage(in *api.ImportWorkspaceImageRequest, osName api.OperatingSystemName) *image {
	img := newImageDoc(*in.ImageName, *in.ImageDescription, osName, api.WorkspaceImageRequiredTenancyDedicated, "ImportWorkspaceImage")
	img.Ec2ImageID, img.IngestionProcess, img.Applications = *in.Ec2ImageId, string(in.IngestionProcess), in.Applications
	return img
}

// officeImportSupported applies the documented limits of Office on imported
// images: Windows 11 on a DCV (WSP) bundle takes only Office 2019, and not
// at all on GPU DCV.
func officeImportSupported(process api.WorkspaceImageIngestionProcess, os api.OperatingSystemName, app api.Application) error {
	if os != api.OperatingSystemNameWindows11 {
		return nil
	}
	switch process {
	case api.WorkspaceImageIngestionProcessByolGraphicsG4dnWsp:
		return notSupported("UnsupportedOfficeConfiguration",
			"GPU DCV WorkSpaces with Windows 11 do not support Office installation during import.")
	case api.WorkspaceImageIngestionProcessByolRegularWsp:
		if app != api.ApplicationMicrosoftOffice2019 {
			return notSupported("UnsupportedOfficeConfiguration",
				"Non-GPU DCV WorkSpaces with Windows 11 support only Microsoft_Office_2019 during import.")
		}
	}
	return nil
}

// CreateWorkspaceImage builds an image from an AVAILABLE WorkSpace; the
// image has the WorkSpace's installed applications.
func (s *Service) CreateWorkspaceImage(ctx context.Context, in *api.CreateWorkspaceImageRequest) (*api.CreateWorkspaceImageResult, error) {
	p := partition(ctx)
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	var out api.CreateWorkspaceImageResult
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		wr, w, err := getWorkspace(ctx, tx, p, *in.WorkspaceId)
		if err != nil {
			return err
		}
		if wr.State != wsAvailable {
			return invalidState("The WorkSpace %s is %s; an image can be made only from an AVAILABLE WorkSpace.", wr.ID, wr.State)
		}
		assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: p, ResourceType: assocWorkspace, ResourceID: wr.ID})
		if err != nil {
			return err
		}
		var apps []string
		for _, a := range assocs {
			if a.State == asCompleted {
				apps = append(apps, a.ApplicationID)
			}
		}
		img := newImageDoc(*in.Name, *in.Description, w.os(), api.WorkspaceImageRequiredTenancyDefault, "CreateWorkspaceImage")
		r, err := s.newImage(ctx, tx, p, img, apps, in.Tags, s.Durations().Image, now)
		if err != nil {
			return err
		}
		wi := img.wire(r, now)
		out = api.CreateWorkspaceImageResult{ImageId: wi.ImageId, Name: wi.Name, Description: wi.Description,
			OperatingSystem: wi.OperatingSystem, State: wi.State, RequiredTenancy: wi.RequiredTenancy,
			Created: wi.Created, OwnerAccountId: wi.OwnerAccountId}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// deriveImage makes a new image in p from an AVAILABLE source image (of
// the caller, or shared with it), carrying its applications.
func (s *Service) deriveImage(ctx context.Context, tx store.Tx, p store.Partition, src *store.Resource, srcImg *image,
	name, desc, origin string, tags []api.Tag, now time.Time) (string, error) {
	if src.State != imAvailable {
		return "", unavailable(src.ID, "The image %s is %s; it must be AVAILABLE.", src.ID, src.State)
	}
	assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: src.Partition, ResourceType: assocImage, ResourceID: src.ID})
	if err != nil {
		return "", err
	}
	var apps []string
	for _, a := range assocs {
		if a.State == asCompleted {
			apps = append(apps, a.ApplicationID)
		}
	}
	img := newImageDoc(name, desc, srcImg.OSName, srcImg.RequiredTenancy, origin)
	img.Applications, img.SourceImageID = srcImg.Applications, src.ID
	r, err := s.newImage(ctx, tx, p, img, apps, tags, s.Durations().Image, now)
	if err != nil {
		return "", err
	}
	return r.ID, nil
}

// ningxia is the China (Ningxia) Region, where "you can copy images only
// within the same Region" (API reference, CopyWorkspaceImage).
const ningxia = "cn-northwest-1"

// CopyWorkspaceImage copies an image of the caller's (or shared with it,
// from any region) into the caller's region.
func (s *Service) CopyWorkspaceImage(ctx context.Context, in *api.CopyWorkspaceImageRequest) (*api.CopyWorkspaceImageResult, error) {
	p := partition(ctx)
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	if *in.SourceRegion != p.Region && (*in.SourceRegion == ningxia || p.Region == ningxia) {
		return nil, notSupported("CrossRegionCopyNotSupported",
			"Images can be copied to or from %s only within that Region; this copy is from %s to %s.", ningxia, *in.SourceRegion, p.Region)
	}
	src := store.Partition{Account: p.Account, Region: *in.SourceRegion}
	owner, err := s.ownerOf(ctx, src, *in.SourceImageId)
	if err != nil {
		return nil, err
	}
	if err := s.catchUp(ctx, owner); err != nil {
		return nil, err
	}
	var id string
	err = s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, img, err := s.findImage(ctx, tx, src, *in.SourceImageId)
		if err != nil {
			return err
		}
		id, err = s.deriveImage(ctx, tx, p, r, img, *in.Name, api.ToString(in.Description), "CopyWorkspaceImage", in.Tags, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.CopyWorkspaceImageResult{ImageId: api.String(id)}, nil
}

// CreateUpdatedWorkspaceImage makes a copy of an image with the latest
// WorkSpaces agent, when the image has an update available.
func (s *Service) CreateUpdatedWorkspaceImage(ctx context.Context, in *api.CreateUpdatedWorkspaceImageRequest) (*api.CreateUpdatedWorkspaceImageResult, error) {
	p := partition(ctx)
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	var id string
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, img, err := getImage(ctx, tx, p, *in.SourceImageId)
		if err != nil {
			return err
		}
		if r.State != imAvailable {
			return invalidState("The image %s is %s; it must be AVAILABLE.", r.ID, r.State)
		}
		if !updatable(img.OSName) {
			return notSupported("UnsupportedOperatingSystem",
				"The image %s runs %s; only Windows 10, Windows Server 2016 and Windows Server 2019 images can be updated.", r.ID, img.OSName)
		}
		if !updateAvailable(r, img, now) {
			return notSupported("NoUpdateAvailable", "The image %s is up to date; there is no update to apply.", r.ID)
		}
		id, err = s.deriveImage(ctx, tx, p, r, img, *in.Name, *in.Description, "CreateUpdatedWorkspaceImage", in.Tags, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateUpdatedWorkspaceImageResult{ImageId: api.String(id)}, nil
}

// DescribeWorkspaceImages lists the caller's images and those shared with
// it, ordered by id.
func (s *Service) DescribeWorkspaceImages(ctx context.Context, in *api.DescribeWorkspaceImagesRequest) (*api.DescribeWorkspaceImagesResult, error) {
	p := partition(ctx)
	if err := distinct("ImageIds", in.ImageIds); err != nil {
		return nil, err
	}
	const op = "DescribeWorkspaceImages"
	// Nothing due and no image shared with the caller: one statement.
	if viewer, ok := s.store.(store.ResourceViewer); ok {
		pg, err := newPage[api.WorkspaceImage](op, in.NextToken, 1, pageSize(in.MaxResults))
		if err != nil {
			return nil, err
		}
		now := s.clock.Now()
		v, err := viewer.ViewResources(ctx, p, kindImage, now)
		if err != nil {
			return nil, err
		}
		if !v.Due && !v.Shared {
			if in.ImageType == api.ImageTypeShared {
				v.Resources = nil
			}
			if err := pg.end(s.imagesPage(v.Resources, in, now, pg)); err != nil {
				return nil, err
			}
			return &api.DescribeWorkspaceImagesResult{Images: pg.items, NextToken: pg.next}, nil
		}
	}
	items, next, err := describe(s, ctx, p, op, in.NextToken, 1, pageSize(in.MaxResults), func(tx store.Tx, now time.Time, pg *page[api.WorkspaceImage]) error {
		var shares []store.Share
		if in.ImageType != api.ImageTypeOwned {
			var err error
			if shares, err = tx.SharedWith(ctx, kindImage, p.Account, p.Region); err != nil {
				return err
			}
			// Shared images are as current as the caller's own.
			for i, sh := range shares {
				if i > 0 && sh.Partition == shares[i-1].Partition {
					continue // ordered by owner
				}
				if err := s.current(ctx, tx, p, sh.Partition, now); err != nil {
					return err
				}
			}
		}
		add := func(r *store.Resource) error {
			if in.ImageIds != nil && !slices.Contains(in.ImageIds, r.ID) {
				return nil
			}
			img, err := s.images.load(r)
			if err != nil {
				return err
			}
			return pg.add(img.answer(r, now), r.ID)
		}
		addShared := func(sh store.Share) error {
			r, err := tx.GetResource(ctx, sh.Partition, kindImage, sh.ID)
			if err != nil {
				return err
			}
			return add(r)
		}
		if in.ImageType == api.ImageTypeShared {
			shares = slices.DeleteFunc(shares, func(sh store.Share) bool { return !pg.past(sh.ID) })
			slices.SortStableFunc(shares, func(a, b store.Share) int { return strings.Compare(a.ID, b.ID) })
			for _, sh := range shares {
				if err := addShared(sh); err != nil {
					return err
				}
			}
			return nil
		}
		// The caller's images a page at a time (by key with ImageIds),
		// merged in ID order with those shared with it.
		return eachOwnAndShared(ctx, tx, p, kindImage, in.ImageIds, pg, shares, add, addShared)
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeWorkspaceImagesResult{Images: items, NextToken: next}, nil
}

// imagesPage fills the page of DescribeWorkspaceImages the request asks
// for, out of the images it may see, ordered by ID. It does not change
// rs, which may be a view other requests share.
func (s *Service) imagesPage(rs []store.Resource, in *api.DescribeWorkspaceImagesRequest, now time.Time, pg *page[api.WorkspaceImage]) error {
	if cap(pg.items) == 0 {
		// One allocation for the page: an image's answer is large.
		pg.items = make([]api.WorkspaceImage, 0, min(len(rs), pg.limit))
	}
	for i := range rs {
		if !pg.past(rs[i].ID) || in.ImageIds != nil && !slices.Contains(in.ImageIds, rs[i].ID) {
			continue
		}
		img, err := s.images.load(&rs[i])
		if err != nil {
			return err
		}
		if err := pg.add(img.answer(&rs[i], now), rs[i].ID); err != nil {
			return err
		}
	}
	return nil
}

// imageCache keeps decoded image documents for the Describe operations,
// with what their answers share (image.wired).
type imageCache struct{ docCache[*image] }

func (c *imageCache) load(r *store.Resource) (*image, error) {
	return c.get(r.Doc, func() (*image, error) {
		img, err := loadDoc[image](r)
		if err != nil {
			return nil, err
		}
		img.wired = img.wiredParts()
		return img, nil
	})
}

// DeleteWorkspaceImage deletes an image with its associations and tags,
// unless a bundle uses it or it is shared (AWS asks to unshare first). Deleting an image that does not exist
// succeeds, as deletes are idempotent.
func (s *Service) DeleteWorkspaceImage(ctx context.Context, in *api.DeleteWorkspaceImageRequest) (*api.DeleteWorkspaceImageResult, error) {
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, err := tx.GetResource(ctx, p, kindImage, *in.ImageId)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.State == imPending {
			return invalidState("The image %s is %s; it can be deleted once it is AVAILABLE or ERROR.", r.ID, r.State)
		}
		bundles, err := tx.ListResources(ctx, p, kindBundle, "", 0)
		if err != nil {
			return err
		}
		for i := range bundles {
			b, err := loadDoc[bundle](&bundles[i])
			if err != nil {
				return err
			}
			if api.ToString(b.ImageId) == r.ID {
				return associated("The image %s is used by bundle %s.", r.ID, bundles[i].ID)
			}
		}
		shares, err := tx.Shares(ctx, p, kindImage, r.ID)
		if err != nil {
			return err
		}
		if len(shares) > 0 {
			return associated("The image %s is shared with account %s; unshare it (UpdateWorkspaceImagePermission) before deleting it.",
				r.ID, shares[0].Grantee)
		}
		return deleteResource(ctx, tx, r)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteWorkspaceImageResult{}, nil
}

// UpdateWorkspaceImagePermission shares an AVAILABLE image with another
// account of the same region, or stops sharing it.
func (s *Service) UpdateWorkspaceImagePermission(ctx context.Context, in *api.UpdateWorkspaceImagePermissionRequest) (*api.UpdateWorkspaceImagePermissionResult, error) {
	p := partition(ctx)
	if *in.SharedAccountId == p.Account {
		return nil, invalidParameter("An image cannot be shared with the account that owns it.")
	}
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, img, err := getImage(ctx, tx, p, *in.ImageId)
		if err != nil {
			return err
		}
		if r.State != imAvailable {
			return unavailable(r.ID, "The image %s is %s; only AVAILABLE images can be shared.", r.ID, r.State)
		}
		// "Sharing Bring Your Own License (BYOL) images across Amazon Web
		// Services accounts isn't supported at this time in Amazon Web
		// Services GovCloud (US)" (API reference).
		if *in.AllowCopyImage && strings.HasPrefix(p.Region, "us-gov-") && img.RequiredTenancy == api.WorkspaceImageRequiredTenancyDedicated {
			return notSupported("ByolImageSharingNotSupported",
				"The image %s is a BYOL image; sharing BYOL images across accounts is not supported in %s.", r.ID, p.Region)
		}
		share := store.Share{Partition: p, Kind: kindImage, ID: r.ID, Grantee: *in.SharedAccountId}
		if *in.AllowCopyImage {
			return tx.PutShare(ctx, share)
		}
		// "This permission can be revoked only after an image has been
		// shared" (API reference, AllowCopyImage).
		shares, err := tx.Shares(ctx, p, kindImage, r.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(shares, func(sh store.Share) bool { return sh.Grantee == share.Grantee }) {
			return invalidParameter("The image %s is not shared with account %s: there is no permission to revoke.", r.ID, share.Grantee)
		}
		return tx.DeleteShare(ctx, share)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateWorkspaceImagePermissionResult{}, nil
}

// DescribeWorkspaceImagePermissions lists the accounts an image is shared with.
func (s *Service) DescribeWorkspaceImagePermissions(ctx context.Context, in *api.DescribeWorkspaceImagePermissionsRequest) (*api.DescribeWorkspaceImagePermissionsResult, error) {
	p := partition(ctx)
	items, next, err := describe(s, ctx, p, "DescribeWorkspaceImagePermissions", in.NextToken, 1, pageSize(in.MaxResults),
		func(tx store.Tx, now time.Time, pg *page[api.ImagePermission]) error {
			if _, _, err := getImage(ctx, tx, p, *in.ImageId); err != nil {
				return err
			}
			// The page's grantees and one more, which tells a next page follows.
			shares, err := tx.SharesAfter(ctx, p, kindImage, *in.ImageId, pg.start(), pg.limit+1)
			if err != nil {
				return err
			}
			for _, sh := range shares {
				if pg.past(sh.Grantee) {
					if err := pg.add(api.ImagePermission{SharedAccountId: api.String(sh.Grantee)}, sh.Grantee); err != nil {
						return err
					}
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeWorkspaceImagePermissionsResult{ImageId: in.ImageId, ImagePermissions: items, NextToken: next}, nil
}

// stepImage finishes building an image: AVAILABLE with its applications
// COMPLETED, or ERROR with them ERROR when a fault rule on the image (one
// that names no application) says so. A rule naming one application fails
// that application only, as its own step would (stepImageApp): the image
// and its other applications complete.
func (s *Service) stepImage(ctx context.Context, tx store.Tx, r *store.Resource) error {
	at := r.DueAt
	img, err := loadDoc[image](r)
	if err != nil {
		return err
	}
	if img.CustomImport != nil && r.State == imPending {
		return s.stepCustomImport(ctx, tx, r, img)
	}
	assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: r.Partition, ResourceType: assocImage, ResourceID: r.ID})
	if err != nil {
		return err
	}
	var fault *faultReason
	if f := s.faults.StepFault(ctx, img.Origin, "", r.ID); f != nil {
		fault = &faultReason{f.Code, f.Message}
	}
	ev := evStepDone
	if fault != nil {
		ev = evStepFailed
		img.setError(fault.code, fault.message)
	}
	state, err := next(kindImage, r.ID, r.State, ev)
	if err != nil {
		return err
	}
	r.State, r.DueAt = state, time.Time{}
	if err := putDoc(ctx, tx, r, img); err != nil {
		return err
	}
	for i := range assocs {
		a := &assocs[i]
		if a.State != asInstalling {
			continue // only the applications being installed move with the image
		}
		if err := s.finishImageApp(ctx, a, img, r.ID, fault, at); err != nil {
			return err
		}
		if err := tx.PutAssociation(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// finishImageApp ends the install of an image's application: failed with
// the image (fault), or by a fault rule naming it, or COMPLETED.
func (s *Service) finishImageApp(ctx context.Context, a *store.Association, img *image, imageID string, fault *faultReason, at time.Time) error {
	if fault == nil {
		if f := s.faults.ApplicationStepFault(ctx, img.Origin, a.ApplicationID, imageID); f != nil {
			fault = &faultReason{f.Code, f.Message}
		}
	}
	ev := evStepDone
	if fault != nil {
		ev = evStepFailed
	}
	to, err := next(kindImageApp, imageID, a.State, ev)
	if err != nil {
		return err
	}
	a.State, a.Updated, a.DueAt = to, at, time.Time{}
	if fault != nil {
		a.FailedStep, a.ReasonCode, a.ReasonMessage = asInstalling, fault.code, fault.message
	}
	return nil
}

// stepImageApp is the step of an image's application that has its own due
// time (declared INSTALLING or REMOVED by a seed or a snapshot on an image
// that is not being built): it completes (or fails by fault rule), or a
// REMOVED one goes.
func (s *Service) stepImageApp(ctx context.Context, tx store.Tx, a *store.Association) error {
	at := a.DueAt
	if a.State == asRemoved {
		if _, err := next(kindImageApp, a.ResourceID, a.State, evExpire); err != nil {
			return err
		}
		return tx.DeleteAssociation(ctx, a.Partition, assocKey(a))
	}
	r, img, err := getDoc[image](ctx, tx, a.Partition, kindImage, a.ResourceID)
	if isNotFound(err) {
		return tx.DeleteAssociation(ctx, a.Partition, assocKey(a)) // the image is gone, and its applications with it
	}
	if err != nil {
		return err
	}
	if err := s.finishImageApp(ctx, a, img, r.ID, nil, at); err != nil {
		return err
	}
	return tx.PutAssociation(ctx, a)
}

type faultReason struct{ code, message string }
