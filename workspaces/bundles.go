package workspaces

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// bundle is a WorkSpace bundle: public ones come from the catalogue below,
// custom ones are stored with this as their document.
type bundle struct {
	api.WorkspaceBundle
	OSName api.OperatingSystemName `json:"wslocalOperatingSystemName"`
}

func (b *bundle) rootGiB() int { return capacity(b.RootStorage) }
func (b *bundle) userGiB() int {
	if b.UserStorage == nil {
		return 0
	}
	n, _ := strconv.Atoi(api.ToString(b.UserStorage.Capacity))
	return n
}

func capacity(r *api.RootStorage) int {
	if r == nil {
		return 0
	}
	n, _ := strconv.Atoi(api.ToString(r.Capacity))
	return n
}

// stableID derives an id from a name: the same in every account, region
// and run, like the ids of AWS's public resources.
func stableID(prefix, name string) string {
	sum := sha256.Sum256([]byte("wslocal " + prefix + name))
	return prefix + new(big.Int).SetBytes(sum[:]).Text(36)[:9]
}

// publicCreated is the CreationTime of every public bundle.
var publicCreated = time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC)

// publicOwner is the Owner AWS gives its bundles: "Amazon", although the
// Owner filter that lists them is AMAZON (the Terraform provider's
// acceptance tests and the AWS CLI's older shipped example show it).
const publicOwner = "Amazon"

// catalogueJSON is AWS's public bundles with the source of every id; see
// its "about" and "sources" members.
//
//go:embed public_bundles.json
var catalogueJSON []byte

// catalogueEntry is one bundle of public_bundles.json.
type catalogueEntry struct {
	ID          string                  `json:"id"` // empty for invented entries: derived from the name
	Name        string                  `json:"name"`
	Compute     api.Compute             `json:"compute"`
	Root        string                  `json:"root"`
	User        string                  `json:"user"`
	OS          api.OperatingSystemName `json:"os"`
	Image       string                  `json:"image"` // the operating system the image id is derived from
	Description string                  `json:"description"`
	Sources     []string                `json:"sources"`
	Invented    bool                    `json:"invented"`
}

// publicCatalogue is AWS's bundles, in the order AWS lists them, and the
// position of each by id; decoded on first use, which most requests and
// many processes never make (decoding at start took about 1 ms of it and
// kept 80 KB live).
var publicCatalogue = sync.OnceValues(func() ([]bundle, map[string]int) {
	var doc struct {
		Sources map[string]string `json:"sources"`
		Bundles []catalogueEntry  `json:"bundles"`
	}
	if err := json.Unmarshal(catalogueJSON, &doc); err != nil {
		panic("public_bundles.json: " + err.Error())
	}
	out := make([]bundle, 0, len(doc.Bundles))
	rank := make(map[string]int, len(doc.Bundles))
	for _, e := range doc.Bundles {
		id := e.ID
		if id == "" {
			id = stableID("wsb-", e.Name)
		}
		for _, s := range e.Sources {
			if doc.Sources[s] == "" {
				panic("public_bundles.json: " + id + " names unknown source " + s)
			}
		}
		if _, dup := rank[id]; dup {
			panic("public_bundles.json: " + id + " twice")
		}
		rank[id] = len(out)
		out = append(out, bundle{OSName: e.OS, WorkspaceBundle: api.WorkspaceBundle{
			BundleId:        api.String(id),
			Name:            api.String(e.Name),
			Owner:           api.String(publicOwner),
			Description:     api.String(e.Description),
			ImageId:         api.String(stableID("wsi-", e.Image)),
			RootStorage:     &api.RootStorage{Capacity: api.String(e.Root)},
			UserStorage:     &api.UserStorage{Capacity: api.String(e.User)},
			ComputeType:     &api.ComputeType{Name: e.Compute},
			LastUpdatedTime: api.TimeOf(publicCreated),
			CreationTime:    api.TimeOf(publicCreated),
			State:           api.WorkspaceBundleStateAvailable,
			BundleType:      api.BundleTypeRegular,
		}})
	}
	return out, rank
})

// publicBundles is the AWS-owned catalogue, in the order AWS lists it.
func publicBundles() []bundle {
	b, _ := publicCatalogue()
	return b
}

// publicRank is the position of each public bundle in publicBundles.
func publicRank(id string) (int, bool) {
	_, rank := publicCatalogue()
	i, ok := rank[id]
	return i, ok
}

// bundleBefore orders DescribeWorkspaceBundles: AWS's bundles in the
// catalogue's order, then the caller's by id.
func bundleBefore(a, b string) bool {
	ra, pa := publicRank(a)
	rb, pb := publicRank(b)
	switch {
	case pa && pb:
		return ra < rb
	case pa != pb:
		return pa
	}
	return a < b
}

func publicBundle(id string) (*bundle, bool) {
	i, ok := publicRank(id)
	if !ok {
		return nil, false
	}
	b := publicBundles()[i]
	return &b, true
}

// findBundle returns a public bundle or one of the caller's.
func findBundle(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *bundle, error) {
	if b, ok := publicBundle(id); ok {
		return nil, b, nil
	}
	return getFound[bundle](ctx, tx, p, kindBundle, id, "bundle")
}

func parseCapacity(member, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, invalidParameter("%s.Capacity must be a positive number of GiB, not %q.", member, v)
	}
	return n, nil
}

// CreateWorkspaceBundle makes a custom bundle from an AVAILABLE image; the
// bundle carries the image's applications.
func (s *Service) CreateWorkspaceBundle(ctx context.Context, in *api.CreateWorkspaceBundleRequest) (*api.CreateWorkspaceBundleResult, error) {
	p := partition(ctx)
	if in.ComputeType.Name == "" {
		return nil, invalidParameter("ComputeType.Name is required.")
	}
	if _, err := parseCapacity("UserStorage", api.ToString(in.UserStorage.Capacity)); err != nil {
		return nil, err
	}
	if in.RootStorage != nil {
		if _, err := parseCapacity("RootStorage", api.ToString(in.RootStorage.Capacity)); err != nil {
			return nil, err
		}
	}
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	var out api.WorkspaceBundle
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		imgRes, img, err := s.ownImage(ctx, tx, p, *in.ImageId)
		if err != nil {
			return err
		}
		rs, err := tx.ListResources(ctx, p, kindBundle, "", 0)
		if err != nil {
			return err
		}
		if len(rs) >= s.quotas.Bundles {
			return limitExceeded("You have reached the quota of %d custom bundles in %s.", s.quotas.Bundles, p.Region)
		}
		for i := range rs {
			other, err := loadDoc[bundle](&rs[i])
			if err != nil {
				return err
			}
			if api.ToString(other.Name) == *in.BundleName {
				return alreadyExists("A bundle named %s already exists.", *in.BundleName)
			}
		}
		id := newKindID(kindBundle)
		b := newBundle(p, id, imgRes.ID, img, in, now)
		r := &store.Resource{Partition: p, Kind: kindBundle, ID: id, State: string(b.State), Created: now}
		if err := putDoc(ctx, tx, r, b); err != nil {
			return err
		}
		if err := s.copyImageApps(ctx, tx, imgRes, p, assocBundle, id, now); err != nil {
			return err
		}
		out = b.WorkspaceBundle
		return tx.PutTags(ctx, p, id, storeTags(in.Tags))
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateWorkspaceBundleResult{WorkspaceBundle: &out}, nil
}

// newBundle is the document of a custom bundle made from an image, as
// CreateWorkspaceBundle stores it; the root volume is 80 GiB unless asked.
func newBundle(p store.Partition, id, imageID string, img *image, in *api.CreateWorkspaceBundleRequest, now time.Time) *bundle {
	root := &api.RootStorage{Capacity: api.String("80")}
	if in.RootStorage != nil {
		root = in.RootStorage
	}
	return &bundle{OSName: img.OSName, WorkspaceBundle: api.WorkspaceBundle{
		BundleId: api.String(id), Name: in.BundleName, Owner: api.String(p.Account), Description: in.BundleDescription,
		ImageId: api.String(imageID), RootStorage: root, UserStorage: in.UserStorage, ComputeType: in.ComputeType,
		LastUpdatedTime: api.TimeOf(now), CreationTime: api.TimeOf(now),
		State: api.WorkspaceBundleStateAvailable, BundleType: api.BundleTypeRegular,
	}}
}

// usableImage returns an AVAILABLE image the caller owns or that is shared
// with it.
func (s *Service) usableImage(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *image, error) {
	r, img, err := s.findImage(ctx, tx, p, id)
	if err != nil {
		return nil, nil, err
	}
	if r.State != imAvailable {
		return nil, nil, unavailable(id, "The image %s is %s; it must be AVAILABLE.", id, r.State)
	}
	return r, img, nil
}

// ownImage is usableImage for a bundle: the image must be the caller's own.
// The administration guide ("Share or unshare a custom image"): images
// shared with you can be copied, and "you can then use your copies of the
// shared images to create bundles". A bundle never rests on another
// account's image, which its owner may unshare and delete.
func (s *Service) ownImage(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *image, error) {
	r, img, err := s.usableImage(ctx, tx, p, id)
	if err != nil {
		return nil, nil, err
	}
	if r.Partition != p {
		return nil, nil, invalidParameter("The image %s is shared with your account by %s; copy it (CopyWorkspaceImage) and make the bundle from the copy.",
			id, r.Partition.Account)
	}
	return r, img, nil
}

// copyImageApps gives a bundle or image the applications of an image:
// what is installed on the source, as the target's state says.
func (s *Service) copyImageApps(ctx context.Context, tx store.Tx, src *store.Resource, p store.Partition, targetType, targetID string, now time.Time) error {
	assocs, err := tx.Associations(ctx, store.AssociationQuery{Partition: src.Partition, ResourceType: assocImage, ResourceID: src.ID})
	if err != nil {
		return err
	}
	state := asCompleted
	if targetType == assocImage {
		state = asInstalling // moves with the new image
	}
	for _, a := range assocs {
		if a.State != asCompleted {
			continue
		}
		if err := tx.PutAssociation(ctx, &store.Association{Partition: p, ResourceType: targetType, ResourceID: targetID,
			ApplicationID: a.ApplicationID, State: state, Created: now, Updated: now}); err != nil {
			return err
		}
	}
	return nil
}

// UpdateWorkspaceBundle points a custom bundle at another image; the
// bundle's applications become the new image's. Existing WorkSpaces keep
// theirs until rebuilt.
func (s *Service) UpdateWorkspaceBundle(ctx context.Context, in *api.UpdateWorkspaceBundleRequest) (*api.UpdateWorkspaceBundleResult, error) {
	if in.BundleId == nil || in.ImageId == nil {
		return nil, invalidParameter("BundleId and ImageId are required.")
	}
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, b, err := findBundle(ctx, tx, p, *in.BundleId)
		if err != nil {
			return err
		}
		if r == nil {
			return notSupported("AmazonOwnedBundle", "The bundle %s is one of AWS's public bundles (Owner Amazon) and cannot be updated.", *in.BundleId)
		}
		imgRes, img, err := s.ownImage(ctx, tx, p, *in.ImageId)
		if err != nil {
			return err
		}
		b.ImageId, b.OSName, b.LastUpdatedTime = api.String(imgRes.ID), img.OSName, api.TimeOf(now)
		if err := putDoc(ctx, tx, r, b); err != nil {
			return err
		}
		if err := tx.DeleteAssociationsOf(ctx, p, assocBundle, r.ID); err != nil {
			return err
		}
		return s.copyImageApps(ctx, tx, imgRes, p, assocBundle, r.ID, now)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateWorkspaceBundleResult{}, nil
}

// DeleteWorkspaceBundle deletes a custom bundle no WorkSpace uses.
func (s *Service) DeleteWorkspaceBundle(ctx context.Context, in *api.DeleteWorkspaceBundleRequest) (*api.DeleteWorkspaceBundleResult, error) {
	if in.BundleId == nil {
		return nil, invalidParameter("BundleId is required.")
	}
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, _, err := findBundle(ctx, tx, p, *in.BundleId)
		if err != nil {
			return err
		}
		if r == nil {
			return invalidParameter("The bundle %s is one of AWS's public bundles (Owner Amazon) and cannot be deleted.", *in.BundleId)
		}
		wss, err := s.listWorkspaces(ctx, tx, p)
		if err != nil {
			return err
		}
		for _, w := range wss {
			if api.ToString(w.doc.BundleId) == r.ID && w.res.State != wsTerminated {
				return associated("The bundle %s is used by WorkSpace %s.", r.ID, w.res.ID)
			}
		}
		return deleteResource(ctx, tx, r)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteWorkspaceBundleResult{}, nil
}

// DescribeWorkspaceBundles lists bundles: by id (public or the caller's),
// AWS's (Owner AMAZON), or the caller's own (no filter).
func (s *Service) DescribeWorkspaceBundles(ctx context.Context, in *api.DescribeWorkspaceBundlesRequest) (*api.DescribeWorkspaceBundlesResult, error) {
	if in.BundleIds != nil && in.Owner != nil {
		return nil, invalidParameter("BundleIds and Owner cannot be combined.")
	}
	if err := distinct("BundleIds", in.BundleIds); err != nil {
		return nil, err
	}
	p := partition(ctx)
	items, next, err := describe(s, ctx, p, "DescribeWorkspaceBundles", in.NextToken, 1, defaultPageSize, func(tx store.Tx, now time.Time, pg *page[api.WorkspaceBundle]) error {
		owner := api.ToString(in.Owner)
		wanted := func(id string) bool { return in.BundleIds == nil || slices.Contains(in.BundleIds, id) }
		// AWS's bundles first, in the catalogue's order (publicBundles is in it).
		if owner == "AMAZON" || in.BundleIds != nil {
			for _, b := range publicBundles() {
				id := *b.BundleId
				if pg.after != nil && !bundleBefore(pg.after[0], id) || !wanted(id) {
					continue
				}
				if err := pg.add(b.WorkspaceBundle, id); err != nil {
					return err
				}
			}
		}
		if owner != "" && owner != p.Account && in.BundleIds == nil {
			return nil
		}
		// Then the caller's, by id: a page at a time, or by key with
		// BundleIds. A page that ended on one of AWS's bundles goes on with
		// the caller's first.
		if pg.after != nil {
			if _, public := publicRank(pg.after[0]); public {
				after := pg.after
				pg.after = nil
				defer func() { pg.after = after }() // describe may run this again
			}
		}
		return eachResource(ctx, tx, p, kindBundle, in.BundleIds, pg, func(r *store.Resource) error {
			b, err := loadDoc[bundle](r)
			if err != nil {
				return err
			}
			return pg.add(b.WorkspaceBundle, r.ID)
		})
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeWorkspaceBundlesResult{Bundles: items, NextToken: next}, nil
}

// DescribeBundleAssociations lists the applications of a bundle.
func (s *Service) DescribeBundleAssociations(ctx context.Context, in *api.DescribeBundleAssociationsRequest) (*api.DescribeBundleAssociationsResult, error) {
	if err := distinct("AssociatedResourceTypes", in.AssociatedResourceTypes); err != nil {
		return nil, err
	}
	p := partition(ctx)
	// The caller's own bundle, with nothing due: one statement.
	if _, public := publicBundle(*in.BundleId); !public {
		if v, ok, err := s.viewResource(ctx, p, kindBundle, *in.BundleId, assocBundle); err != nil || ok {
			if err != nil {
				return nil, err
			}
			b, err := loadDoc[bundle](v.Resource)
			if err != nil {
				return nil, err
			}
			return bundleAssociations(*in.BundleId, b, v.Resource, v.Associations)
		}
	}
	var out *api.DescribeBundleAssociationsResult
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		r, b, err := findBundle(ctx, tx, p, *in.BundleId)
		if err != nil {
			return err
		}
		var assocs []store.Association
		if r != nil {
			assocs, err = tx.Associations(ctx, store.AssociationQuery{Partition: p, ResourceType: assocBundle, ResourceID: r.ID})
			if err != nil {
				return err
			}
		}
		out, err = bundleAssociations(*in.BundleId, b, r, assocs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// bundleAssociations is the answer of DescribeBundleAssociations for a
// bundle (r is nil for AWS's) and its associations.
func bundleAssociations(id string, b *bundle, r *store.Resource, assocs []store.Association) (*api.DescribeBundleAssociationsResult, error) {
	if !isWindows(b.OSName) {
		return nil, notSupported("UnsupportedOperatingSystem",
			"Application management is available for Windows bundles only; %s runs %s.", id, b.OSName)
	}
	out := &api.DescribeBundleAssociationsResult{Associations: []api.BundleResourceAssociation{}}
	if r == nil {
		return out, nil // AWS's bundles come with no applications
	}
	for i := range assocs {
		a := &assocs[i]
		out.Associations = append(out.Associations, api.BundleResourceAssociation{
			AssociatedResourceId: api.String(a.ApplicationID), AssociatedResourceType: api.BundleAssociatedResourceTypeApplication,
			BundleId: api.String(r.ID), Created: api.TimeOf(a.Created), LastUpdatedTime: api.TimeOf(a.Updated),
			State: api.AssociationState(a.State), StateReason: stateReason(a),
		})
	}
	return out, nil
}
