package workspaces

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wslocal/wslocal/store"
)

// A resource's document is its JSON in the store; these helpers load and
// save one with its indexed fields.
//
// One convention for every kind's document (the kind table's newDoc,
// kinds.go): the API's own shape of the resource, the generated wire
// struct embedded (api.WorkspaceImage, api.WorkspaceBundle, api.Workspace,
// api.WorkspaceDirectory, api.WorkspacesIpGroup, api.ConnectionAlias,
// api.WorkspacesPool, ...), plus fields whose JSON names are prefixed
// `wslocal` for what the service keeps that the wire shape lacks (an
// image's operating system name and custom import, a WorkSpace's image,
// ...). The row holds the state and the creation time; what the clock
// decides is computed by the kind's wire method. Rows that are no resource
// of the API (account settings, connection-string reservations, client
// branding) have documents of their own.

func loadDoc[T any](r *store.Resource) (*T, error) {
	var doc T
	if err := json.Unmarshal(r.Doc, &doc); err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Kind, r.ID, err)
	}
	if v, ok := any(&doc).(fromRower); ok {
		v.fromRow(r)
	}
	return &doc, nil
}

// fromRower is a document that completes itself from its row once decoded
// (an image document of the old form, which did not hold its id).
type fromRower interface{ fromRow(r *store.Resource) }

// getDoc reads a resource and its document; store.ErrNotFound if absent.
func getDoc[T any](ctx context.Context, tx store.Tx, p store.Partition, kind, id string) (*store.Resource, *T, error) {
	r, err := tx.GetResource(ctx, p, kind, id)
	if err != nil {
		return nil, nil, err
	}
	doc, err := loadDoc[T](r)
	return r, doc, err
}

// getFound is getDoc for a resource the caller names: a missing one is
// ResourceNotFoundException, "The <noun> <id> could not be found."
func getFound[T any](ctx context.Context, tx store.Tx, p store.Partition, kind, id, noun string) (*store.Resource, *T, error) {
	r, doc, err := getDoc[T](ctx, tx, p, kind, id)
	if isNotFound(err) {
		return nil, nil, notFound(id, "The %s %s could not be found.", noun, id)
	}
	return r, doc, err
}

// putDoc writes a resource with its document.
func putDoc(ctx context.Context, tx store.Tx, r *store.Resource, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	r.Doc = b
	return tx.PutResource(ctx, r)
}

// deleteResource deletes a resource with its tags, its shares and the
// associations of its kind (kindInfo.assocType).
func deleteResource(ctx context.Context, tx store.Tx, r *store.Resource) error {
	if err := tx.DeleteSharesOf(ctx, r.Partition, r.Kind, r.ID); err != nil {
		return err
	}
	if assocType := assocTypeOf(r.Kind); assocType != "" {
		if err := tx.DeleteAssociationsOf(ctx, r.Partition, assocType, r.ID); err != nil {
			return err
		}
	}
	if err := tx.DeleteAllTags(ctx, r.Partition, r.ID); err != nil {
		return err
	}
	return tx.DeleteResource(ctx, r.Partition, r.Kind, r.ID)
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// schedule sets a resource's next step at from+d, or none when d is zero.
func schedule(r *store.Resource, from time.Time, d time.Duration) {
	if d <= 0 {
		r.DueAt = time.Time{}
		return
	}
	r.DueAt = from.Add(d)
}
