// Package store is wslocal's storage contract. The service runs every
// operation as one transaction against a Store; store/sqlite and
// store/postgres implement it, with the SQL they share in store/sqlstore.
package store

import (
	"context"
	"errors"
	"time"
)

// UnixMilli is how the stores and snapshots keep times: unix milliseconds,
// 0 for the zero time (none).
func UnixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromUnixMilli reads a UnixMilli time, in UTC.
func FromUnixMilli(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// ErrNotFound is returned when a row asked for by key does not exist.
var ErrNotFound = errors.New("not found")

// ErrUnavailable is wrapped by the error of a transaction that could not
// reach the database, or could not take its lock, within the store's
// timeouts: the operation did not complete (unless only the answer to its
// commit was lost) and may be retried.
var ErrUnavailable = errors.New("the store is unavailable")

// ErrNUL is wrapped by the error of a write whose key or text column holds
// U+0000, which no store keeps (a PostgreSQL text column cannot hold it).
// Keys with U+0000 are never found: reads answer nothing and deletes
// delete nothing. Documents (Resource.Doc) may hold anything.
var ErrNUL = errors.New("text holds the character U+0000")

// Partition is the account and region a row belongs to. Nothing crosses it
// except what the service shares on purpose (Share), and what belongs to
// no account and region (Global).
type Partition struct {
	Account string
	Region  string
}

// Global is the scope of the rows that belong to the whole service rather
// than to one account and region, such as which account reserved a
// connection string. No caller has it: callers' accounts are 12 digits.
var Global = Partition{Account: "global", Region: "global"}

// Resource is one resource of the service, of any kind (the service's kind
// table lists them). The store indexes its key, state and due time; Doc is
// the service's own JSON for the rest, so new resource kinds need no
// migration.
type Resource struct {
	Partition
	Kind    string
	ID      string
	State   string
	Created time.Time
	// DueAt is when the next lifecycle step of the resource is due; zero
	// when nothing is in flight.
	DueAt time.Time
	Doc   []byte
}

// Association links an application to an image, bundle or WorkSpace.
type Association struct {
	Partition
	ResourceType  string // IMAGE, BUNDLE or WORKSPACE
	ResourceID    string
	ApplicationID string
	State         string
	ReasonCode    string
	ReasonMessage string
	Created       time.Time
	Updated       time.Time
	// DueAt is when the association's next step is due; zero when none is.
	DueAt time.Time
	// FailedStep is the state the association failed in (State is ERROR),
	// where a forced deployment resumes.
	FailedStep string
}

// AssociationQuery selects associations of one partition. Empty fields
// match everything; results are ordered by (ApplicationID, ResourceType,
// ResourceID) and start after After when it is set.
type AssociationQuery struct {
	Partition
	ResourceType  string
	ResourceTypes []string
	ResourceID    string
	ApplicationID string
	After         *AssociationKey
	Limit         int // 0: no limit
}

// AssociationKey orders associations for pagination.
type AssociationKey struct {
	ApplicationID string
	ResourceType  string
	ResourceID    string
}

// Tag is one tag of a resource.
type Tag struct {
	Key   string
	Value string
}

// Share lets another account of the same region use one resource of a
// partition: an image, a connection alias. It is the one way the service
// shares across accounts.
type Share struct {
	Partition // the owner's
	Kind      string
	ID        string
	Grantee   string // the account it is shared with
}

// ResourceTag is a tag with the resource it belongs to, as AllTags lists it.
type ResourceTag struct {
	Partition
	ResourceID string
	Tag
}

// AssociationCount is how many associations of every partition are in one
// state for one resource type.
type AssociationCount struct {
	State        string
	ResourceType string
	Count        int
}

// Tx is one transaction. Every method is scoped to the partition it is given.
type Tx interface {
	GetResource(ctx context.Context, p Partition, kind, id string) (*Resource, error)
	// ListResources returns resources of a kind ordered by ID, after the
	// given ID, at most limit (0: all).
	ListResources(ctx context.Context, p Partition, kind, afterID string, limit int) ([]Resource, error)
	CountResources(ctx context.Context, p Partition, kind string) (int, error)
	// PutResource inserts or replaces a resource.
	PutResource(ctx context.Context, r *Resource) error
	DeleteResource(ctx context.Context, p Partition, kind, id string) error

	Associations(ctx context.Context, q AssociationQuery) ([]Association, error)
	// GetResourceAssociations is GetResource of (kind, id) with the
	// associations of that resource as resourceType (Associations, by
	// application), in one statement.
	GetResourceAssociations(ctx context.Context, p Partition, kind, id, resourceType string) (*Resource, []Association, error)
	// GetResourceAssociationStates is GetResourceAssociations for a write
	// that decides by the associations' states: each association holds its
	// key, State, Created and DueAt only (ReasonCode, ReasonMessage,
	// FailedStep and Updated are left zero), and the document is read once.
	GetResourceAssociationStates(ctx context.Context, p Partition, kind, id, resourceType string) (*Resource, []Association, error)
	// PutAssociation inserts or replaces an association.
	PutAssociation(ctx context.Context, a *Association) error
	DeleteAssociation(ctx context.Context, p Partition, key AssociationKey) error
	DeleteAssociationsOf(ctx context.Context, p Partition, resourceType, resourceID string) error

	Tags(ctx context.Context, p Partition, resourceID string) ([]Tag, error)
	PutTags(ctx context.Context, p Partition, resourceID string, tags []Tag) error
	// AddTags is PutTags of the resource (kind, id) of p, in one statement,
	// done only if the resource exists and then has at most max tags:
	// added reports whether it was done.
	AddTags(ctx context.Context, p Partition, kind, id string, tags []Tag, max int) (added bool, err error)
	DeleteTags(ctx context.Context, p Partition, resourceID string, keys []string) error
	DeleteAllTags(ctx context.Context, p Partition, resourceID string) error

	// Shares lists the shares of the resource (kind, id) of p, by grantee.
	Shares(ctx context.Context, p Partition, kind, id string) ([]Share, error)
	// SharesAfter lists the shares of the resource (kind, id) of p whose
	// grantee follows afterGrantee, by grantee, at most limit of them
	// (all when limit is 0): a page of Shares.
	SharesAfter(ctx context.Context, p Partition, kind, id, afterGrantee string, limit int) ([]Share, error)
	// SharedWith lists the resources of a kind shared with account in
	// region, ordered by owner and ID.
	SharedWith(ctx context.Context, kind, account, region string) ([]Share, error)
	// PutShare inserts a share; one that exists is left as it is.
	PutShare(ctx context.Context, s Share) error
	DeleteShare(ctx context.Context, s Share) error
	DeleteSharesOf(ctx context.Context, p Partition, kind, id string) error

	// AllResources, AllAssociations, AllTags and AllShares list the rows of
	// every partition, ordered by their keys (bytewise, whatever the
	// database's collation): a snapshot of the store reads the same from
	// every backend.
	AllResources(ctx context.Context) ([]Resource, error)
	AllAssociations(ctx context.Context) ([]Association, error)
	AllTags(ctx context.Context) ([]ResourceTag, error)
	AllShares(ctx context.Context) ([]Share, error)
	// DeleteAll deletes every row of every partition within the
	// transaction, so that an import can replace the state atomically.
	DeleteAll(ctx context.Context) error
	// CountAssociations counts the associations of every partition by
	// state and resource type, ordered by both.
	CountAssociations(ctx context.Context) ([]AssociationCount, error)

	// AnyDue reports whether a lifecycle step is due at now, in p or, when
	// p is nil, anywhere.
	AnyDue(ctx context.Context, p *Partition, now time.Time) (bool, error)
	// DueResources and DueAssociations return what has a step due at now,
	// ordered by due time (rows due at the same instant in no given order),
	// the first limit (0: all) of them: the lifecycle reads them in batches
	// from the index on due_at.
	DueResources(ctx context.Context, p *Partition, now time.Time, limit int) ([]Resource, error)
	DueAssociations(ctx context.Context, p *Partition, now time.Time, limit int) ([]Association, error)
}

// ResourceView is a resource with its associations, and whether a
// lifecycle step is due in its partition, as of one instant.
type ResourceView struct {
	Resource     *Resource // nil: there is no such resource
	Associations []Association
	// Due reports that a step is due in the partition at the time asked:
	// the view is then of the past, and the caller must apply the steps.
	Due bool
	// NextDue is when the partition's earliest step is due (zero: none is
	// scheduled): until then, and until the next write, the view holds.
	NextDue time.Time
}

// ResourcesView is every resource of a kind in a partition, as of one
// instant.
type ResourcesView struct {
	Resources []Resource // ordered by ID
	// Due reports that a step is due in the partition at the time asked.
	Due bool
	// NextDue is when the partition's earliest step is due (zero: none).
	NextDue time.Time
	// Shared reports that resources of the kind of other accounts are
	// shared with the partition's account in its region.
	Shared bool
}

// ResourceViewer is a Store that can read a ResourceView or a
// ResourcesView in one statement, consistent without a transaction: the
// hot path of the Describe operations. It is optional; Store.Read does the
// same in a transaction. A store may keep the views it returns and return
// them again to other callers, who must not change them.
type ResourceViewer interface {
	// ViewResource reads the resource (kind, id) of p with its associations
	// of resourceType (ordered by application), and whether a step is due
	// in p at now.
	ViewResource(ctx context.Context, p Partition, kind, id, resourceType string, now time.Time) (ResourceView, error)
	// ViewResources reads every resource of a kind in p, whether a step is
	// due in p at now, and whether resources of the kind are shared with p.
	ViewResources(ctx context.Context, p Partition, kind string, now time.Time) (ResourcesView, error)
}

// Memoizer is a write Tx that keeps a value computed from a resource's
// rows (its own and its associations') for the writes that follow, until
// a write changes those rows: an operation that decides by them need not
// read them again. Only a store whose one process makes every write can
// (SQLite); it is optional.
type Memoizer interface {
	// Recall is the value last remembered for the resource id of p, if no
	// write since, this transaction's included, has written its row or
	// the rows of its associations (PutResource, DeleteResource,
	// PutAssociation, DeleteAssociation, DeleteAssociationsOf, WriteRows,
	// DeleteAll). The caller must not change it.
	Recall(p Partition, id string) (any, bool)
	// Remember keeps v for the resource id of p. v must follow from the
	// rows as they are now in this transaction; it is forgotten unless
	// the write commits.
	Remember(p Partition, id string, v any)
}

// DueFromReader is a Tx that reads due rows from an instant on: AnyDue,
// DueResources and DueAssociations of the rows due at from or later. A
// catch-up that has applied every step due before from reads past the
// rows it stepped, whose entries in the index on due_at PostgreSQL keeps
// until VACUUM. It is optional.
type DueFromReader interface {
	AnyDueFrom(ctx context.Context, p *Partition, from, now time.Time) (bool, error)
	DueResourcesFrom(ctx context.Context, p *Partition, from, now time.Time, limit int) ([]Resource, error)
	DueAssociationsFrom(ctx context.Context, p *Partition, from, now time.Time, limit int) ([]Association, error)
}

// DuePartitionLister is a Tx that lists the partitions where lifecycle
// steps are due, so that a sweep catches each up in writes of that
// partition alone (WriteIn): a write of every partition would make every
// other writer wait for each of its transactions. It is optional.
type DuePartitionLister interface {
	// DuePartitions lists the partitions that hold a resource or an
	// association due at now, each once, by the earliest due time of each
	// (partitions due at the same instant in no given order).
	DuePartitions(ctx context.Context, now time.Time) ([]Partition, error)
}

// RowWriter is a Tx that writes many resources and associations in a few
// statements rather than one each: a lifecycle catch-up gathers its steps'
// writes and hands them over together. It is optional.
type RowWriter interface {
	// WriteRows writes w: what Put* and Delete* of each row would, in
	// any order (w names each row at most once).
	WriteRows(ctx context.Context, w *RowWrites) error
}

// RowWrites are puts and deletes of rows, each row named at most once.
type RowWrites struct {
	Resources          []*Resource
	DeleteResources    []ResourceRef
	Associations       []*Association
	DeleteAssociations []AssociationRef
}

// Len is how many rows w writes.
func (w *RowWrites) Len() int {
	return len(w.Resources) + len(w.DeleteResources) + len(w.Associations) + len(w.DeleteAssociations)
}

// ResourceRef names a resource.
type ResourceRef struct {
	Partition
	Kind, ID string
}

// AssociationRef names an association.
type AssociationRef struct {
	Partition
	AssociationKey
}

// Store runs transactions.
type Store interface {
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a read-write transaction of every partition,
	// committed only if fn returns nil. It excludes every other write:
	// WriteIn(ctx, nil, fn).
	Write(ctx context.Context, fn func(Tx) error) error
	// WriteIn runs fn in a read-write transaction of the partitions ps
	// (nil: of every partition, as Write), committed only if fn returns
	// nil. Writes that share a partition, and writes of every partition,
	// are serialised; a store may run writes of disjoint partitions at the
	// same time (PostgreSQL does; SQLite has one writer). A transaction
	// may still read and write a partition it did not name, or every
	// partition (AllResources, AnyDue(nil), ...): the store then takes that
	// partition too, and may roll fn's work back and run fn again with the
	// partition named, so fn must not act outside the transaction.
	WriteIn(ctx context.Context, ps []Partition, fn func(Tx) error) error
	// Reset deletes every row.
	Reset(ctx context.Context) error
	// Kind names the backend, for the health endpoint ("sqlite", ...).
	Kind() string
	// Ping reports whether the store can be reached now: nil, or an error
	// (wrapping ErrUnavailable when the database does not answer) that
	// says why, for the health endpoint.
	Ping(ctx context.Context) error
	Close() error
}
