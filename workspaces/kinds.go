package workspaces

import (
	"context"
	"fmt"
	"strings"

	"github.com/wslocal/wslocal/store"
)

// The kinds: every row of the store is a resource of one kind, and every
// state machine of the transition table is one. A new kind is a constant
// here and a row of kindTable; what the rest of the service knows about
// kinds (snapshot documents, tagging, the lifecycle steps and their
// counts, quotas, durations) comes from the table.
const (
	kindImage     = "image"
	kindBundle    = "bundle"
	kindWorkspace = "workspace"
	kindDirectory = "directory"
	kindIpGroup   = "ip-group"
	// kindAccount is an account's BYOL settings, one row per account and
	// region (accountID).
	kindAccount = "account"
	kindAlias   = "connection-alias"
	// kindConnectionString reserves a connection string for the first
	// account that used it, in every region and for good (AWS does the
	// same): its rows are in the global scope (store.Global).
	kindConnectionString = "connection-string"
	// kindPool is a WorkSpaces Pool; kindPoolSession a session of one,
	// keyed by its UUID (pool_sessions.go).
	kindPool        = "pool"
	kindPoolSession = "pool-session"
	// kindAccountLink is an account link: a row of the source (inviting)
	// account's partition, shared with the target account (store.Share).
	// Links are regional, like the accounts' BYOL settings they share.
	kindAccountLink = "account-link"
	// kindBranding is a directory's client branding, logos included: one
	// row per branded directory, under the directory's id, kept apart from
	// the directory so reading a directory does not read megabytes of logos.
	kindBranding = "client-branding"

	// State machines that are not resource rows.
	kindAssociation = "association" // a WorkSpace's application (an association row)
	kindImageApp    = "image-app"   // an image's application, moved by the image
	// kindCustomImport is the import of an image ImportCustomWorkspaceImage
	// made, kept in the image's document and moved by the image's step.
	kindCustomImport = "custom-image-import"
)

// kindInfo is what the service knows about one kind.
type kindInfo struct {
	kind string
	// newDoc returns the document a resource row of the kind stores; nil
	// for a state machine that is not a resource row.
	newDoc func() any
	// prefixes are the prefixes of the kind's IDs, by which a tagging call
	// recognises the kind of an ID; newKindID mints IDs with the first.
	prefixes []string
	// taggable: CreateTags, DescribeTags and DeleteTags accept its IDs.
	taggable bool
	// shareable: its resources can be shared with other accounts of their
	// region (store.Share).
	shareable bool
	// global: its rows belong to the whole service (store.Global), not to
	// an account and region.
	global bool
	// assocType is the ResourceType of the application associations of a
	// resource of the kind, deleted with it ("" for none).
	assocType string
	// step applies a resource's due lifecycle step (nil: no lifecycle).
	step func(s *Service, ctx context.Context, tx store.Tx, r *store.Resource) error
	// counted: StepCounts counts the kind's lifecycle steps.
	counted bool
	// quotas and durations name (by their JSON names) the fields of Quotas
	// and Durations that govern the kind.
	quotas    []string
	durations []string
}

// kindTable is every kind, set by init: the step functions refer, through
// the service, back to the table.
var kindTable []kindInfo

// kindByName indexes kindTable.
var kindByName map[string]*kindInfo

func init() {
	kindTable = []kindInfo{
		{kind: kindImage, newDoc: func() any { return new(image) }, prefixes: []string{"wsi-"}, taggable: true, shareable: true,
			assocType: assocImage, step: (*Service).stepImage, counted: true,
			quotas: []string{"images"}, durations: []string{"import", "image"}},
		{kind: kindBundle, newDoc: func() any { return new(bundle) }, prefixes: []string{"wsb-"}, taggable: true,
			assocType: assocBundle, quotas: []string{"bundles"}},
		{kind: kindWorkspace, newDoc: func() any { return new(workspace) }, prefixes: []string{"ws-"}, taggable: true,
			assocType: assocWorkspace, step: (*Service).stepWorkspace, counted: true,
			quotas: []string{"workspaces", "perCreate"}, durations: []string{"workspace", "terminated"}},
		// Directories registered by wslocal are wsd-; those of a seed or of
		// AWS Directory Service are d-.
		{kind: kindDirectory, newDoc: func() any { return new(directory) }, prefixes: []string{"wsd-", "d-"}, taggable: true,
			step: (*Service).stepDirectory, counted: true,
			quotas: []string{"directories"}, durations: []string{"directory"}},
		{kind: kindIpGroup, newDoc: func() any { return new(ipGroup) }, prefixes: []string{"wsipg-"}, taggable: true,
			quotas: []string{"ipGroups", "ipRules", "ipGroupsPerDirectory"}},
		{kind: kindAccount, newDoc: func() any { return new(account) },
			step: (*Service).stepAccount, counted: true, durations: []string{"account"}},
		{kind: kindAlias, newDoc: func() any { return new(connectionAlias) }, prefixes: []string{"wsca-"}, taggable: true, shareable: true,
			quotas: []string{"connectionAliases", "connectionAliasShares"}},
		{kind: kindConnectionString, newDoc: func() any { return new(reservation) }, global: true},
		{kind: kindPool, newDoc: func() any { return new(pool) }, prefixes: []string{"wspool-"}, taggable: true,
			step: (*Service).stepPool, counted: true, quotas: []string{"pools", "poolUserSessions"}, durations: []string{"pool"}},
		// A session ends on the clock at its ExpirationTime.
		{kind: kindPoolSession, newDoc: func() any { return new(poolSession) }, step: (*Service).stepPoolSession, counted: true},
		{kind: kindAccountLink, newDoc: func() any { return new(accountLink) }, prefixes: []string{"link-"}, shareable: true},
		{kind: kindBranding, newDoc: func() any { return new(clientBranding) }},

		// Associations step on their own rows (stepAssociation).
		{kind: kindAssociation, counted: true, durations: []string{"deploy", "removed"}},
		{kind: kindImageApp},
		{kind: kindCustomImport},
	}
	kindByName = make(map[string]*kindInfo, len(kindTable))
	for i := range kindTable {
		kindByName[kindTable[i].kind] = &kindTable[i]
	}
}

// resourceKinds lists the kinds stored as resource rows, in table order.
func resourceKinds() []string {
	var out []string
	for _, k := range kindTable {
		if k.newDoc != nil {
			out = append(out, k.kind)
		}
	}
	return out
}

// taggableKind maps an ID to the kind of taggable resource it names.
func taggableKind(id string) (string, bool) {
	for _, k := range kindTable {
		if !k.taggable {
			continue
		}
		for _, pre := range k.prefixes {
			if strings.HasPrefix(id, pre) {
				return k.kind, true
			}
		}
	}
	return "", false
}

// newKindID mints an ID of a kind: its first prefix and 9 random
// characters.
func newKindID(kind string) string {
	return newID(kindByName[kind].prefixes[0], 9)
}

// assocTypeOf is the ResourceType of the associations of a kind's resources.
func assocTypeOf(kind string) string {
	if k := kindByName[kind]; k != nil {
		return k.assocType
	}
	return ""
}

func (s *Service) stepResource(ctx context.Context, tx store.Tx, r *store.Resource) error {
	if k := kindByName[r.Kind]; k != nil && k.step != nil {
		return k.step(s, ctx, tx, r)
	}
	return fmt.Errorf("resource %s of kind %s has a step due but no lifecycle", r.ID, r.Kind)
}

// orList writes names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
