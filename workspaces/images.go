package workspaces

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

const kindImage = "image"

// OSTag is the tag that tells ImportWorkspaceImage which Windows the AMI
// runs (WINDOWS_10, the default, or WINDOWS_11): wslocal has no EC2 to ask.
const OSTag = "wslocal:OperatingSystemName"

// image is the stored document of a WorkSpace image.
type image struct {
	Name             string                  `json:"name"`
	Description      string                  `json:"description"`
	OSName           api.OperatingSystemName `json:"osName"`
	RequiredTenancy  string                  `json:"requiredTenancy"`
	ErrorCode        string                  `json:"errorCode,omitempty"`
	ErrorMessage     string                  `json:"errorMessage,omitempty"`
	OwnerAccount     string                  `json:"ownerAccount"`
	Ec2ImageID       string                  `json:"ec2ImageId,omitempty"`
	IngestionProcess string                  `json:"ingestionProcess,omitempty"`
	Applications     []api.Application       `json:"applications,omitempty"`
}

func osType(name api.OperatingSystemName) api.OperatingSystemType {
	if isWindows(name) {
		return api.OperatingSystemTypeWindows
	}
	return api.OperatingSystemTypeLinux
}

func loadImage(r *store.Resource) (*image, error) {
	var img image
	if err := json.Unmarshal(r.Doc, &img); err != nil {
		return nil, fmt.Errorf("image %s: %w", r.ID, err)
	}
	return &img, nil
}

func imageResource(p store.Partition, id, state string, created, due time.Time, img *image) *store.Resource {
	doc, _ := json.Marshal(img)
	return &store.Resource{Partition: p, Kind: kindImage, ID: id, State: state, Created: created, DueAt: due, Doc: doc}
}

func (img *image) wire(r *store.Resource) api.WorkspaceImage {
	out := api.WorkspaceImage{
		ImageId:         api.String(r.ID),
		Name:            api.String(img.Name),
		Description:     api.String(img.Description),
		OperatingSystem: &api.OperatingSystem{Type: osType(img.OSName)},
		State:           api.WorkspaceImageState(r.State),
		RequiredTenancy: api.WorkspaceImageRequiredTenancy(img.RequiredTenancy),
		Created:         api.TimeOf(r.Created),
		OwnerAccountId:  api.String(img.OwnerAccount),
		Updates:         &api.UpdateResult{UpdateAvailable: api.Bool(false)},
	}
	if img.ErrorCode != "" {
		out.ErrorCode = api.String(img.ErrorCode)
		out.ErrorMessage = api.String(img.ErrorMessage)
	}
	return out
}

// ImportWorkspaceImage registers a BYOL image. It is PENDING, with its
// applications INSTALLING, until the import step has passed on the clock.
func (s *Service) ImportWorkspaceImage(ctx context.Context, in *api.ImportWorkspaceImageRequest) (*api.ImportWorkspaceImageResult, error) {
	p := partition(ctx)
	if err := checkNewTags(in.Tags, s.cfg.MaxTags); err != nil {
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
	var apps []Application
	if in.Applications != nil {
		if err := distinct("Applications", in.Applications); err != nil {
			return nil, err
		}
		if len(in.Applications) > 1 {
			return nil, invalidParameter("Only one application can be specified in Applications at this time.")
		}
		app, _ := applicationForImport(in.Applications[0])
		if err := officeImportSupported(in.IngestionProcess, osName, in.Applications[0]); err != nil {
			return nil, err
		}
		apps = append(apps, app)
	}
	id := newID("wsi-", 9)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		images, err := tx.ListResources(ctx, p, kindImage, "", 0)
		if err != nil {
			return err
		}
		if len(images) >= s.cfg.MaxImages {
			return limitExceeded("You have reached the quota of %d images in %s.", s.cfg.MaxImages, p.Region)
		}
		for i := range images {
			other, err := loadImage(&images[i])
			if err != nil {
				return err
			}
			if other.Name == *in.ImageName {
				return alreadyExists("An image named %s already exists.", *in.ImageName)
			}
		}
		img := &image{Name: *in.ImageName, Description: *in.ImageDescription, OSName: osName,
			RequiredTenancy: string(api.WorkspaceImageRequiredTenancyDedicated), OwnerAccount: p.Account,
			Ec2ImageID: *in.Ec2ImageId, IngestionProcess: string(in.IngestionProcess), Applications: in.Applications}
		if err := tx.PutResource(ctx, imageResource(p, id, string(api.WorkspaceImageStatePending), now, now.Add(s.cfg.ImportStep), img)); err != nil {
			return err
		}
		for _, app := range apps {
			a := &store.Association{Partition: p, ResourceType: string(api.ApplicationAssociatedResourceTypeImage), ResourceID: id,
				ApplicationID: app.ID, State: string(api.AssociationStateInstalling), Created: now, Updated: now}
			if err := tx.PutAssociation(ctx, a); err != nil {
				return err
			}
		}
		return tx.PutTags(ctx, p, id, storeTags(in.Tags))
	})
	if err != nil {
		return nil, err
	}
	return &api.ImportWorkspaceImageResult{ImageId: api.String(id)}, nil
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

// DescribeWorkspaceImages lists the caller's images, ordered by id.
func (s *Service) DescribeWorkspaceImages(ctx context.Context, in *api.DescribeWorkspaceImagesRequest) (*api.DescribeWorkspaceImagesResult, error) {
	p := partition(ctx)
	after, err := decodeToken("DescribeWorkspaceImages", in.NextToken, 1)
	if err != nil {
		return nil, err
	}
	out := &api.DescribeWorkspaceImagesResult{Images: []api.WorkspaceImage{}}
	err = s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		if in.ImageType == api.ImageTypeShared {
			return nil // nothing is shared with anyone yet
		}
		var rs []store.Resource
		if in.ImageIds != nil {
			for _, id := range in.ImageIds {
				r, err := tx.GetResource(ctx, p, kindImage, id)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				rs = append(rs, *r)
			}
		} else {
			var err error
			if rs, err = tx.ListResources(ctx, p, kindImage, "", 0); err != nil {
				return err
			}
		}
		sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
		rs = slices.CompactFunc(rs, func(a, b store.Resource) bool { return a.ID == b.ID })
		limit := pageSize(in.MaxResults)
		for i := range rs {
			if after != nil && rs[i].ID <= after[0] {
				continue
			}
			if len(out.Images) == limit {
				out.NextToken = encodeToken("DescribeWorkspaceImages", *out.Images[limit-1].ImageId)
				break
			}
			img, err := loadImage(&rs[i])
			if err != nil {
				return err
			}
			out.Images = append(out.Images, img.wire(&rs[i]))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteWorkspaceImage deletes an image with its associations and tags.
// Deleting an image that does not exist succeeds, as deletes are idempotent.
func (s *Service) DeleteWorkspaceImage(ctx context.Context, in *api.DeleteWorkspaceImageRequest) (*api.DeleteWorkspaceImageResult, error) {
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, err := tx.GetResource(ctx, p, kindImage, *in.ImageId)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.State == string(api.WorkspaceImageStatePending) {
			return invalidState("The image %s is %s; it can be deleted once it is AVAILABLE or ERROR.", r.ID, r.State)
		}
		if err := tx.DeleteAssociationsOf(ctx, p, string(api.ApplicationAssociatedResourceTypeImage), r.ID); err != nil {
			return err
		}
		if err := tx.DeleteAllTags(ctx, p, r.ID); err != nil {
			return err
		}
		return tx.DeleteResource(ctx, p, kindImage, r.ID)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteWorkspaceImageResult{}, nil
}
