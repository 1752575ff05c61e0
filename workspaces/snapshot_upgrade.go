package workspaces

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// Version 1 of the snapshot format shared resources three ways: images in
// shares of their own shape, connection aliases by a row in the grantee's
// partition, and connection strings were reserved in a made-up partition.
// Version 2 has one kind of share and the global scope; upgradeV1 turns
// the one into the other. Version 3 stores an image's document as every
// other kind's is, the wire shape and wslocal-prefixed extras (images.go);
// upgradeV2 rewrites the image documents of a version 2 snapshot.

// snapshotV1 is version 1 of Snapshot.
type snapshotV1 struct {
	Version      int                   `json:"version"`
	ExportedAt   string                `json:"exportedAt"`
	Resources    []SnapshotResource    `json:"resources"`
	Associations []SnapshotAssociation `json:"associations"`
	Tags         []SnapshotTag         `json:"tags"`
	Shares       []struct {
		Account       string `json:"account"`
		Region        string `json:"region"`
		ImageID       string `json:"imageId"`
		SharedAccount string `json:"sharedAccount"`
	} `json:"shares"`
}

// Version 1's kind of an alias's share, and its reservations' partition.
const (
	v1AliasShare = "connection-alias-share"
	v1Account    = "000000000000"
	v1Region     = "global"
)

// upgradeV1 reads a version 1 snapshot strictly and returns it as the
// current version.
func upgradeV1(data []byte) (*Snapshot, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var old snapshotV1
	if err := dec.Decode(&old); err != nil {
		return nil, snapshotErr("the version 1 snapshot is malformed: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, snapshotErr("the snapshot has data after its JSON object")
	}
	snap := &Snapshot{Version: 2, ExportedAt: old.ExportedAt, Resources: []SnapshotResource{},
		Associations: old.Associations, Tags: old.Tags, Shares: []SnapshotShare{}}
	for _, sh := range old.Shares {
		snap.Shares = append(snap.Shares, SnapshotShare{Account: sh.Account, Region: sh.Region, Kind: kindImage,
			ID: sh.ImageID, Grantee: sh.SharedAccount})
	}
	for i, r := range old.Resources {
		switch {
		case r.Kind == v1AliasShare:
			// The row was the grantee's; its document named the owner.
			var doc struct{ Owner string }
			if err := json.Unmarshal(r.Doc, &doc); err != nil || doc.Owner == "" {
				return nil, snapshotErr("resources[%d] (%s %s): doc must name the alias's Owner", i, r.Kind, r.ID)
			}
			snap.Shares = append(snap.Shares, SnapshotShare{Account: doc.Owner, Region: r.Region, Kind: kindAlias,
				ID: r.ID, Grantee: r.Account})
			continue
		case r.Kind == kindConnectionString && r.Account == v1Account && r.Region == v1Region:
			r.Account, r.Region = store.Global.Account, store.Global.Region
		case r.Kind == kindAlias:
			// The accounts an alias was shared with were also listed in
			// its document; its shares say it now.
			var doc map[string]json.RawMessage
			if err := json.Unmarshal(r.Doc, &doc); err == nil {
				if _, ok := doc["SharedWith"]; ok {
					delete(doc, "SharedWith")
					r.Doc, _ = json.Marshal(doc)
				}
			}
		}
		snap.Resources = append(snap.Resources, r)
	}
	if snap.Associations == nil {
		snap.Associations = []SnapshotAssociation{}
	}
	if snap.Tags == nil {
		snap.Tags = []SnapshotTag{}
	}
	// Version 2 lists shares in key order, as an export does.
	slices.SortFunc(snap.Shares, func(a, b SnapshotShare) int {
		return slices.Compare([]string{a.Account, a.Region, a.Kind, a.ID, a.Grantee}, []string{b.Account, b.Region, b.Kind, b.ID, b.Grantee})
	})
	return snap, nil
}

// resourcePartition is the partition of a snapshot's resource row: the
// global scope for a global kind, else an account and region.
func resourcePartition(where string, r SnapshotResource) (store.Partition, error) {
	if k := kindByName[r.Kind]; k != nil && k.global {
		if (store.Partition{Account: r.Account, Region: r.Region}) != store.Global {
			return store.Partition{}, snapshotErr("%s: a %s belongs to the global scope: account and region must be %q",
				where, r.Kind, store.Global.Account)
		}
		return store.Global, nil
	}
	return snapshotPartition(where, r.Account, r.Region)
}

// checkShare checks a snapshot's share beyond its partition.
func checkShare(i int, sh SnapshotShare) error {
	if k := kindByName[sh.Kind]; k == nil || !k.shareable {
		return snapshotErr("shares[%d]: kind %q cannot be shared; kind must be %s", i, sh.Kind, orList(shareableKinds()))
	}
	if sh.ID == "" || !api.IsAccountID(sh.Grantee) || sh.Grantee == sh.Account {
		return snapshotErr("shares[%d]: id is required, and grantee must be 12 digits and not the owner", i)
	}
	return nil
}

func shareableKinds() []string {
	var out []string
	for _, k := range kindTable {
		if k.shareable {
			out = append(out, k.kind)
		}
	}
	return out
}

// imageDocV2 is the document of an image up to version 2 of the snapshot
// format (and of the store, before its migration 0005).
type imageDocV2 struct {
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
	Origin           string                  `json:"origin"`
	SourceImageID    string                  `json:"sourceImageId,omitempty"`
	CustomImport     json.RawMessage         `json:"customImport,omitempty"`
}

// upgradeV2 returns a version 2 snapshot as version 3: each image's
// document in the current form. A document that is not a version 2 image
// document is left as it is, for the row checks to name.
func upgradeV2(snap *Snapshot) (*Snapshot, error) {
	snap.Version = SnapshotVersion
	for i, r := range snap.Resources {
		if r.Kind != kindImage {
			continue
		}
		doc, ok := upgradeImageDoc(r.ID, r.Doc)
		if !ok {
			continue
		}
		snap.Resources[i].Doc = doc
	}
	return snap, nil
}

// upgradeImageDoc rewrites an image document of the old form as the
// current one; ok is false when doc is not of the old form (it has no
// "osName", which every old document had) or does not decode as one.
func upgradeImageDoc(id string, doc json.RawMessage) (_ json.RawMessage, ok bool) {
	if !isOldImageDoc(doc) {
		return doc, false
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	var old imageDocV2
	if dec.Decode(&old) != nil {
		return doc, false
	}
	img, err := old.current()
	if err != nil {
		return doc, false
	}
	img.ImageId = api.String(id)
	b, err := json.Marshal(img)
	if err != nil {
		return doc, false
	}
	return b, true
}

// isOldImageDoc reports whether an image document is of the form before
// version 3: it has the key "osName" (matched exactly), as every one had.
func isOldImageDoc(doc []byte) bool {
	if !bytes.Contains(doc, []byte(`"osName"`)) {
		return false
	}
	var keys map[string]json.RawMessage
	return json.Unmarshal(doc, &keys) == nil && keys["osName"] != nil
}

// current is the image document an old one says, without its ImageId
// (which the old form did not hold).
func (old *imageDocV2) current() (*image, error) {
	img := newImageDoc(old.Name, old.Description, old.OSName, api.WorkspaceImageRequiredTenancy(old.RequiredTenancy), old.Origin)
	img.OwnerAccountId = api.String(old.OwnerAccount)
	if old.ErrorCode != "" {
		img.setError(old.ErrorCode, old.ErrorMessage)
	}
	img.Ec2ImageID, img.IngestionProcess, img.Applications = old.Ec2ImageID, old.IngestionProcess, old.Applications
	img.SourceImageID = old.SourceImageID
	if len(old.CustomImport) > 0 && string(old.CustomImport) != "null" {
		img.CustomImport = new(customImport)
		if err := json.Unmarshal(old.CustomImport, img.CustomImport); err != nil {
			return nil, err
		}
	}
	return img, nil
}
