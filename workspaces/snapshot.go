package workspaces

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// SnapshotVersion is the newest snapshot format this wslocal reads and
// writes. A change that older readers would misread gets a new version;
// DecodeSnapshot upgrades older ones (snapshot_upgrade.go).
const SnapshotVersion = 3

// Snapshot is the whole state of wslocal as one JSON document: every row
// of the store, of every account and region, in key order. Times are unix
// milliseconds (0: none); a resource's doc is the service's own document.
type Snapshot struct {
	Version      int                   `json:"version"`
	ExportedAt   string                `json:"exportedAt"`
	Resources    []SnapshotResource    `json:"resources"`
	Associations []SnapshotAssociation `json:"associations"`
	Tags         []SnapshotTag         `json:"tags"`
	Shares       []SnapshotShare       `json:"shares"`
}

// SnapshotResource is a resource of any kind of the kind table (kinds.go):
// its doc is that kind's document.
type SnapshotResource struct {
	Account string          `json:"account"`
	Region  string          `json:"region"`
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	State   string          `json:"state"`
	Created int64           `json:"created"`
	DueAt   int64           `json:"dueAt"`
	Doc     json.RawMessage `json:"doc"`
}

// SnapshotAssociation is an application's association with a resource.
type SnapshotAssociation struct {
	Account       string `json:"account"`
	Region        string `json:"region"`
	ApplicationID string `json:"applicationId"`
	ResourceType  string `json:"resourceType"`
	ResourceID    string `json:"resourceId"`
	State         string `json:"state"`
	ReasonCode    string `json:"reasonCode"`
	ReasonMessage string `json:"reasonMessage"`
	Created       int64  `json:"created"`
	Updated       int64  `json:"updated"`
	DueAt         int64  `json:"dueAt"`
	FailedStep    string `json:"failedStep"`
}

// SnapshotTag is one tag of a resource.
type SnapshotTag struct {
	Account    string `json:"account"`
	Region     string `json:"region"`
	ResourceID string `json:"resourceId"`
	Key        string `json:"key"`
	Value      string `json:"value"`
}

// SnapshotShare is a resource (an image, a connection alias) shared with
// another account of its region.
type SnapshotShare struct {
	Account string `json:"account"` // the owner's
	Region  string `json:"region"`
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Grantee string `json:"grantee"`
}

// SnapshotError says why a snapshot cannot be imported: the caller's
// mistake (HTTP 400), not the server's.
type SnapshotError struct{ msg string }

func (e *SnapshotError) Error() string { return e.msg }

func snapshotErr(format string, args ...any) error {
	return &SnapshotError{fmt.Sprintf(format, args...)}
}

// Snapshot times are the store's: unix milliseconds, 0 for none.
var millis, fromMillis = store.UnixMilli, store.FromUnixMilli

// ExportState applies the lifecycle steps due on the clock and returns
// everything in the store, as of now.
func (s *Service) ExportState(ctx context.Context) (*Snapshot, error) {
	// The state is exported as stored even when the steps due cannot all
	// be applied: a bad row must not keep the state from being saved.
	if err := s.Sweep(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		s.log.Error("export: the lifecycle steps due were not applied; exporting the state as stored", "err", err)
	}
	snap := &Snapshot{Version: SnapshotVersion, ExportedAt: s.clock.Now().Format(time.RFC3339Nano),
		Resources: []SnapshotResource{}, Associations: []SnapshotAssociation{}, Tags: []SnapshotTag{}, Shares: []SnapshotShare{}}
	err := s.store.Read(ctx, func(tx store.Tx) error {
		rs, err := tx.AllResources(ctx)
		if err != nil {
			return err
		}
		for _, r := range rs {
			snap.Resources = append(snap.Resources, SnapshotResource{Account: r.Account, Region: r.Region, Kind: r.Kind,
				ID: r.ID, State: r.State, Created: millis(r.Created), DueAt: millis(r.DueAt), Doc: r.Doc})
		}
		as, err := tx.AllAssociations(ctx)
		if err != nil {
			return err
		}
		for _, a := range as {
			snap.Associations = append(snap.Associations, SnapshotAssociation{Account: a.Account, Region: a.Region,
				ApplicationID: a.ApplicationID, ResourceType: a.ResourceType, ResourceID: a.ResourceID, State: a.State,
				ReasonCode: a.ReasonCode, ReasonMessage: a.ReasonMessage, Created: millis(a.Created),
				Updated: millis(a.Updated), DueAt: millis(a.DueAt), FailedStep: a.FailedStep})
		}
		tags, err := tx.AllTags(ctx)
		if err != nil {
			return err
		}
		for _, t := range tags {
			snap.Tags = append(snap.Tags, SnapshotTag{Account: t.Account, Region: t.Region, ResourceID: t.ResourceID, Key: t.Key, Value: t.Value})
		}
		shares, err := tx.AllShares(ctx)
		if err != nil {
			return err
		}
		for _, sh := range shares {
			snap.Shares = append(snap.Shares, SnapshotShare{Account: sh.Account, Region: sh.Region, Kind: sh.Kind, ID: sh.ID, Grantee: sh.Grantee})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export the state: %w", err)
	}
	return snap, nil
}

// DecodeSnapshot reads a snapshot strictly: malformed JSON, unknown fields
// and a version newer than SnapshotVersion are a *SnapshotError.
func DecodeSnapshot(data []byte) (*Snapshot, error) {
	// The version comes first, leniently: a newer snapshot may have fields
	// this wslocal does not know, and "too new" is the useful answer then.
	var head struct {
		Version json.RawMessage `json:"version"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&head); err != nil {
		return nil, snapshotErr("the snapshot is not a JSON object: %v", err)
	}
	var version int
	if len(head.Version) == 0 {
		return nil, snapshotErr(`the snapshot has no "version"; export one with GET /_wslocal/state`)
	}
	if err := json.Unmarshal(head.Version, &version); err != nil || version < 1 {
		return nil, snapshotErr(`the snapshot's "version" must be a positive whole number, not %s`, head.Version)
	}
	if version > SnapshotVersion {
		return nil, snapshotErr("the snapshot has version %d, newer than this wslocal supports (%d): upgrade wslocal to import it",
			version, SnapshotVersion)
	}
	if version == 1 {
		snap, err := upgradeV1(data)
		if err != nil {
			return nil, err
		}
		return upgradeV2(snap)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var snap Snapshot
	if err := dec.Decode(&snap); err != nil {
		return nil, snapshotErr("the snapshot is malformed: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, snapshotErr("the snapshot has data after its JSON object")
	}
	if version == 2 {
		return upgradeV2(&snap)
	}
	return &snap, nil
}

// ImportState replaces the whole state with a snapshot in one transaction:
// on any error nothing changes. Every row is checked as a row of its kind
// (checkResource, checkAssociation) before it is written, so a bad row
// anywhere aborts the import with a *SnapshotError naming it and its field.
func (s *Service) ImportState(ctx context.Context, snap *Snapshot) error {
	if snap.Version != SnapshotVersion {
		return snapshotErr("the snapshot has version %d; this wslocal imports version %d (DecodeSnapshot upgrades older ones)",
			snap.Version, SnapshotVersion)
	}
	err := s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.DeleteAll(ctx); err != nil {
			return err
		}
		seen := map[string]bool{}
		// A row in a moving state without a due time takes its next step
		// the usual duration after the import (dueFor).
		now := s.clock.Now()
		pendingImages := map[string]bool{}
		// once refuses a second row with the same key in one table.
		once := func(what string, key ...string) error {
			k := fmt.Sprintf("%q", key)
			if seen[k] {
				return snapshotErr("%s appears twice", what)
			}
			seen[k] = true
			return nil
		}
		for i, r := range snap.Resources {
			row, err := importResource(i, r)
			if err == nil {
				err = once(fmt.Sprintf("resources[%d]: %s %s of %s/%s", i, r.Kind, r.ID, r.Account, r.Region), "resource", r.Account, r.Region, r.Kind, r.ID)
			}
			if err != nil {
				return err
			}
			row.DueAt = s.dueFor(row, now)
			if row.Kind == kindImage && row.State == imPending {
				pendingImages[fmt.Sprintf("%q", []string{r.Account, r.Region, r.ID})] = true
			}
			if err := tx.PutResource(ctx, row); err != nil {
				return err
			}
		}
		for i, a := range snap.Associations {
			row, err := importAssociation(i, a)
			if err == nil {
				err = once(fmt.Sprintf("associations[%d]: %s on %s %s", i, a.ApplicationID, a.ResourceType, a.ResourceID),
					"association", a.Account, a.Region, a.ApplicationID, a.ResourceType, a.ResourceID)
			}
			if err != nil {
				return err
			}
			row.DueAt = s.assocDueFor(row, pendingImages[fmt.Sprintf("%q", []string{a.Account, a.Region, a.ResourceID})], now)
			if err := tx.PutAssociation(ctx, row); err != nil {
				return err
			}
		}
		for i, t := range snap.Tags {
			p, err := snapshotPartition(fmt.Sprintf("tags[%d]", i), t.Account, t.Region)
			if err == nil && (t.ResourceID == "" || t.Key == "") {
				err = snapshotErr("tags[%d]: resourceId and key are required", i)
			}
			if err == nil {
				err = once(fmt.Sprintf("tags[%d]: key %q of %s", i, t.Key, t.ResourceID), "tag", t.Account, t.Region, t.ResourceID, t.Key)
			}
			if err != nil {
				return err
			}
			if err := tx.PutTags(ctx, p, t.ResourceID, []store.Tag{{Key: t.Key, Value: t.Value}}); err != nil {
				return err
			}
		}
		for i, sh := range snap.Shares {
			p, err := snapshotPartition(fmt.Sprintf("shares[%d]", i), sh.Account, sh.Region)
			if err == nil {
				err = checkShare(i, sh)
			}
			if err == nil {
				err = once(fmt.Sprintf("shares[%d]: %s %s with %s", i, sh.Kind, sh.ID, sh.Grantee),
					"share", sh.Account, sh.Region, sh.Kind, sh.ID, sh.Grantee)
			}
			if err != nil {
				return err
			}
			if err := tx.PutShare(ctx, store.Share{Partition: p, Kind: sh.Kind, ID: sh.ID, Grantee: sh.Grantee}); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.ClearQuarantine() // the rows it named are gone
	}
	return err
}

func snapshotPartition(where, account, region string) (store.Partition, error) {
	if !api.IsAccountID(account) {
		return store.Partition{}, snapshotErr("%s: account %q must be 12 digits", where, account)
	}
	if region == "" {
		return store.Partition{}, snapshotErr("%s: region is required", where)
	}
	return store.Partition{Account: account, Region: region}, nil
}

func importResource(i int, r SnapshotResource) (*store.Resource, error) {
	where := fmt.Sprintf("resources[%d] (%s %s)", i, r.Kind, r.ID)
	p, err := resourcePartition(where, r)
	if err != nil {
		return nil, err
	}
	if r.Created < 0 || r.DueAt < 0 {
		return nil, snapshotErr("%s: times cannot be negative", where)
	}
	// The document is stored compact, as the service writes it.
	var doc bytes.Buffer
	if err := json.Compact(&doc, r.Doc); err != nil {
		return nil, snapshotErr("%s: doc: must be a JSON object", where)
	}
	row := &store.Resource{Partition: p, Kind: r.Kind, ID: r.ID, State: r.State,
		Created: fromMillis(r.Created), DueAt: fromMillis(r.DueAt), Doc: doc.Bytes()}
	if bad := checkResource(row); bad != nil {
		return nil, snapshotErr("%s: %s", where, bad)
	}
	return row, nil
}

func importAssociation(i int, a SnapshotAssociation) (*store.Association, error) {
	where := fmt.Sprintf("associations[%d] (%s on %s %s)", i, a.ApplicationID, a.ResourceType, a.ResourceID)
	p, err := snapshotPartition(where, a.Account, a.Region)
	if err != nil {
		return nil, err
	}
	if a.Created < 0 || a.Updated < 0 || a.DueAt < 0 {
		return nil, snapshotErr("%s: times cannot be negative", where)
	}
	row := &store.Association{Partition: p, ApplicationID: a.ApplicationID, ResourceType: a.ResourceType,
		ResourceID: a.ResourceID, State: a.State, ReasonCode: a.ReasonCode, ReasonMessage: a.ReasonMessage,
		Created: fromMillis(a.Created), Updated: fromMillis(a.Updated), DueAt: fromMillis(a.DueAt), FailedStep: a.FailedStep}
	if bad := checkAssociation(row); bad != nil {
		return nil, snapshotErr("%s: %s", where, bad)
	}
	return row, nil
}
