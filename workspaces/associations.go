package workspaces

import (
	"context"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

func stateReason(a *store.Association) *api.AssociationStateReason {
	if a.ReasonCode == "" {
		return nil
	}
	return &api.AssociationStateReason{ErrorCode: api.AssociationErrorCode(a.ReasonCode), ErrorMessage: api.String(a.ReasonMessage)}
}

// DescribeImageAssociations lists the applications associated with an image.
func (s *Service) DescribeImageAssociations(ctx context.Context, in *api.DescribeImageAssociationsRequest) (*api.DescribeImageAssociationsResult, error) {
	if err := distinct("AssociatedResourceTypes", in.AssociatedResourceTypes); err != nil {
		return nil, err
	}
	p := partition(ctx)
	// The caller's own image, with nothing due: one statement.
	if v, ok, err := s.viewResource(ctx, p, kindImage, *in.ImageId, assocImage); err != nil || ok {
		if err != nil {
			return nil, err
		}
		return s.imageAssociations(v.Resource, v.Associations)
	}
	var out *api.DescribeImageAssociationsResult
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		r, _, err := s.findImage(ctx, tx, p, *in.ImageId)
		if err != nil {
			return err
		}
		// A shared image's associations are its owner's: as current as p's.
		if err := s.current(ctx, tx, p, r.Partition, now); err != nil {
			return err
		}
		assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: r.Partition,
			ResourceType: assocImage, ResourceID: r.ID})
		if err != nil {
			return err
		}
		out, err = s.imageAssociations(r, assocs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// imageAssociations is the answer of DescribeImageAssociations for an image
// and its associations.
func (s *Service) imageAssociations(r *store.Resource, assocs []store.Association) (*api.DescribeImageAssociationsResult, error) {
	img, err := s.images.load(r)
	if err != nil {
		return nil, err
	}
	if !isWindows(img.OSName) {
		return nil, notSupported("UnsupportedOperatingSystem",
			"Application management is available for Windows images only; %s runs %s.", r.ID, img.OSName)
	}
	if len(assocs) == 1 {
		// An image with one application, the usual case: one allocation.
		one := &oneImageAssociation{id: r.ID}
		a := &assocs[0]
		one.times, one.app = [2]api.Time{api.Time(a.Created), api.Time(a.Updated)}, a.ApplicationID
		one.items[0] = imageAssociation(a, &one.id, &one.app, &one.times)
		one.out.Associations = one.items[:]
		return &one.out, nil
	}
	// The members the answer points to are allocated together: one
	// image id for all, one array of times, one of application ids.
	out := &api.DescribeImageAssociationsResult{Associations: make([]api.ImageResourceAssociation, 0, len(assocs))}
	imageID := api.String(r.ID)
	times := make([][2]api.Time, len(assocs))
	apps := make([]string, len(assocs))
	for i := range assocs {
		a := &assocs[i]
		times[i], apps[i] = [2]api.Time{api.Time(a.Created), api.Time(a.Updated)}, a.ApplicationID
		out.Associations = append(out.Associations, imageAssociation(a, imageID, &apps[i], &times[i]))
	}
	return out, nil
}

// oneImageAssociation is an answer of one association with what it
// points to.
type oneImageAssociation struct {
	out     api.DescribeImageAssociationsResult
	items   [1]api.ImageResourceAssociation
	id, app string
	times   [2]api.Time
}

// imageAssociation is a's element of the answer, pointing to the image id,
// the application id and the times (created, updated) given.
func imageAssociation(a *store.Association, imageID, app *string, times *[2]api.Time) api.ImageResourceAssociation {
	return api.ImageResourceAssociation{
		AssociatedResourceId:   app,
		AssociatedResourceType: api.ImageAssociatedResourceTypeApplication,
		Created:                &times[0],
		LastUpdatedTime:        &times[1],
		ImageId:                imageID,
		State:                  api.AssociationState(a.State),
		StateReason:            stateReason(a),
	}
}

// DescribeApplicationAssociations lists the images, bundles and WorkSpaces
// an application is associated with, a page at a time in a stable order.
func (s *Service) DescribeApplicationAssociations(ctx context.Context, in *api.DescribeApplicationAssociationsRequest) (*api.DescribeApplicationAssociationsResult, error) {
	if err := distinct("AssociatedResourceTypes", in.AssociatedResourceTypes); err != nil {
		return nil, err
	}
	if _, ok := findApplication(*in.ApplicationId); !ok {
		return nil, notFound(*in.ApplicationId, "The application %s could not be found.", *in.ApplicationId)
	}
	p := partition(ctx)
	items, next, err := describe(s, ctx, p, "DescribeApplicationAssociations", in.NextToken, 2, pageSize(in.MaxResults),
		func(tx store.Tx, now time.Time, pg *page[api.ApplicationResourceAssociation]) error {
			q := store.AssociationQuery{Partition: p, ApplicationID: *in.ApplicationId, Limit: pg.limit + 1}
			for _, t := range in.AssociatedResourceTypes {
				q.ResourceTypes = append(q.ResourceTypes, string(t))
			}
			if pg.after != nil {
				q.After = &store.AssociationKey{ApplicationID: *in.ApplicationId, ResourceType: pg.after[0], ResourceID: pg.after[1]}
			}
			assocs, err := tx.Associations(ctx, q)
			if err != nil {
				return err
			}
			for i := range assocs {
				a := &assocs[i]
				if err := pg.add(api.ApplicationResourceAssociation{
					ApplicationId:          api.String(a.ApplicationID),
					AssociatedResourceId:   api.String(a.ResourceID),
					AssociatedResourceType: api.ApplicationAssociatedResourceType(a.ResourceType),
					Created:                api.TimeOf(a.Created),
					LastUpdatedTime:        api.TimeOf(a.Updated),
					State:                  api.AssociationState(a.State),
					StateReason:            stateReason(a),
				}, a.ResourceType, a.ResourceID); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeApplicationAssociationsResult{Associations: items, NextToken: next}, nil
}
