package workspaces

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// Aliases are created CREATED and deleted at once: nothing in wslocal waits
// on their DNS side, so they have no lifecycle.
const aliasCreated = string(api.ConnectionAliasStateCreated)

// connectionAlias is the stored document of an alias: the wire shape.
// Associations holds at most one. The accounts it is shared with are its
// shares (store.Share).
type connectionAlias struct {
	api.ConnectionAlias
}

// reservation is the document of a kindConnectionString row.
type reservation struct {
	Account string `json:"Account"`
}

// findAlias returns an alias of p's account or one shared with it.
func findAlias(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *connectionAlias, error) {
	r, a, err := getDoc[connectionAlias](ctx, tx, p, kindAlias, id)
	if isNotFound(err) {
		var shares []store.Share
		if shares, err = tx.SharedWith(ctx, kindAlias, p.Account, p.Region); err == nil {
			err = store.ErrNotFound
			if i := slices.IndexFunc(shares, func(sh store.Share) bool { return sh.ID == id }); i >= 0 {
				r, a, err = getDoc[connectionAlias](ctx, tx, shares[i].Partition, kindAlias, id)
			}
		}
	}
	if isNotFound(err) {
		return nil, nil, notFound(id, "The connection alias %s could not be found.", id)
	}
	return r, a, err
}

// ownAlias returns an alias of p's account: only the owner may change it.
func ownAlias(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *connectionAlias, error) {
	return getFound[connectionAlias](ctx, tx, p, kindAlias, id, "connection alias")
}

// CreateConnectionAlias creates an alias for a connection string no other
// account has used; the string is compared without regard to case, as DNS
// names are.
func (s *Service) CreateConnectionAlias(ctx context.Context, in *api.CreateConnectionAliasRequest) (*api.CreateConnectionAliasResult, error) {
	cs := *in.ConnectionString
	if strings.HasPrefix(cs, ".") || strings.HasPrefix(cs, "-") || strings.Contains(cs, "..") || !strings.Contains(strings.TrimSuffix(cs, "."), ".") {
		return nil, invalidParameter("The connection string %s is not a fully qualified domain name.", cs)
	}
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	key := strings.ToLower(strings.TrimSuffix(cs, "."))
	p := partition(ctx)
	id := newKindID(kindAlias)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		_, res, err := getDoc[reservation](ctx, tx, store.Global, kindConnectionString, key)
		switch {
		case err == nil && res.Account != p.Account:
			return alreadyExists("The connection string %s is reserved for another account.", cs)
		case err != nil && !isNotFound(err):
			return err
		}
		rs, err := tx.ListResources(ctx, p, kindAlias, "", 0)
		if err != nil {
			return err
		}
		for i := range rs {
			a, err := loadDoc[connectionAlias](&rs[i])
			if err != nil {
				return err
			}
			if strings.ToLower(strings.TrimSuffix(api.ToString(a.ConnectionString), ".")) == key {
				return alreadyExists("The connection string %s is already used by the connection alias %s.", cs, rs[i].ID)
			}
		}
		if len(rs) >= s.quotas.ConnectionAliases {
			return limitExceeded("You have reached the quota of %d connection aliases in %s.", s.quotas.ConnectionAliases, p.Region)
		}
		if res == nil {
			rr := &store.Resource{Partition: store.Global, Kind: kindConnectionString, ID: key, State: "RESERVED", Created: now}
			if err := putDoc(ctx, tx, rr, reservation{Account: p.Account}); err != nil {
				return err
			}
		}
		a := &connectionAlias{ConnectionAlias: api.ConnectionAlias{AliasId: api.String(id), ConnectionString: api.String(cs),
			State: api.ConnectionAliasStateCreated, OwnerAccountId: api.String(p.Account)}}
		r := &store.Resource{Partition: p, Kind: kindAlias, ID: id, State: aliasCreated, Created: now}
		if err := putDoc(ctx, tx, r, a); err != nil {
			return err
		}
		return tx.PutTags(ctx, p, id, storeTags(in.Tags))
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateConnectionAliasResult{AliasId: api.String(id)}, nil
}

// DescribeConnectionAliases lists the caller's aliases and those shared
// with it, by id; ids in AliasIds that name no alias are left out.
func (s *Service) DescribeConnectionAliases(ctx context.Context, in *api.DescribeConnectionAliasesRequest) (*api.DescribeConnectionAliasesResult, error) {
	if err := distinct("AliasIds", in.AliasIds); err != nil {
		return nil, err
	}
	p := partition(ctx)
	items, next, err := describe(s, ctx, p, "DescribeConnectionAliases", in.NextToken, 1, pageSize(in.Limit), func(tx store.Tx, now time.Time, pg *page[api.ConnectionAlias]) error {
		keep := func(a *connectionAlias) error {
			if in.AliasIds != nil && !slices.Contains(in.AliasIds, *a.AliasId) {
				return nil
			}
			if in.ResourceId != nil && !slices.ContainsFunc(a.Associations, func(as api.ConnectionAliasAssociation) bool {
				return api.ToString(as.ResourceId) == *in.ResourceId
			}) {
				return nil
			}
			return pg.add(a.ConnectionAlias, *a.AliasId)
		}
		shared, err := tx.SharedWith(ctx, kindAlias, p.Account, p.Region)
		if err != nil {
			return err
		}
		// The caller's aliases a page at a time (by key with AliasIds),
		// merged in ID order with those shared with it.
		return eachOwnAndShared(ctx, tx, p, kindAlias, in.AliasIds, pg, shared, func(r *store.Resource) error {
			a, err := loadDoc[connectionAlias](r)
			if err != nil {
				return err
			}
			return keep(a)
		}, func(sh store.Share) error {
			_, a, err := getDoc[connectionAlias](ctx, tx, sh.Partition, kindAlias, sh.ID)
			if isNotFound(err) {
				return nil // a share left by a snapshot without its alias
			}
			if err != nil {
				return err
			}
			return keep(a)
		})
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeConnectionAliasesResult{ConnectionAliases: items, NextToken: next}, nil
}

// DeleteConnectionAlias deletes an alias that is neither associated nor
// shared (AWS asks for both to be undone first). Its connection string
// stays reserved for the account.
func (s *Service) DeleteConnectionAlias(ctx context.Context, in *api.DeleteConnectionAliasRequest) (*api.DeleteConnectionAliasResult, error) {
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, a, err := ownAlias(ctx, tx, p, *in.AliasId)
		if err != nil {
			return err
		}
		if len(a.Associations) > 0 {
			return associated("The connection alias %s is associated with directory %s; disassociate it first.",
				r.ID, api.ToString(a.Associations[0].ResourceId))
		}
		shares, err := tx.Shares(ctx, p, kindAlias, r.ID)
		if err != nil {
			return err
		}
		if len(shares) > 0 {
			return associated("The connection alias %s is shared with account %s; unshare it (UpdateConnectionAliasPermission) first.",
				r.ID, shares[0].Grantee)
		}
		return deleteResource(ctx, tx, r)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteConnectionAliasResult{}, nil
}

// AssociateConnectionAlias associates an alias, the caller's or shared with
// it, with a REGISTERED directory of the caller. An alias has one
// association at a time.
func (s *Service) AssociateConnectionAlias(ctx context.Context, in *api.AssociateConnectionAliasRequest) (*api.AssociateConnectionAliasResult, error) {
	p := partition(ctx)
	connID := newID("", 12)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, a, err := findAlias(ctx, tx, p, *in.AliasId)
		if err != nil {
			return err
		}
		if len(a.Associations) > 0 {
			return associated("The connection alias %s is already associated with directory %s.",
				r.ID, api.ToString(a.Associations[0].ResourceId))
		}
		dr, _, err := getDirectory(ctx, tx, p, *in.ResourceId)
		if err != nil {
			return err
		}
		if dr.State != dirRegistered {
			return invalidState("The directory %s is %s; it must be REGISTERED.", dr.ID, dr.State)
		}
		status := api.AssociationStatusAssociatedWithOwnerAccount
		if r.Account != p.Account {
			status = api.AssociationStatusAssociatedWithSharedAccount
		}
		a.Associations = []api.ConnectionAliasAssociation{{AssociationStatus: status, AssociatedAccountId: api.String(p.Account),
			ResourceId: api.String(dr.ID), ConnectionIdentifier: api.String(connID)}}
		return putDoc(ctx, tx, r, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.AssociateConnectionAliasResult{ConnectionIdentifier: api.String(connID)}, nil
}

// DisassociateConnectionAlias undoes an association; the account that made
// it and the alias's owner may.
func (s *Service) DisassociateConnectionAlias(ctx context.Context, in *api.DisassociateConnectionAliasRequest) (*api.DisassociateConnectionAliasResult, error) {
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, a, err := findAlias(ctx, tx, p, *in.AliasId)
		if err != nil {
			return err
		}
		if len(a.Associations) == 0 {
			return invalidState("The connection alias %s is not associated with a directory.", r.ID)
		}
		by := api.ToString(a.Associations[0].AssociatedAccountId)
		if by != p.Account && r.Account != p.Account {
			return &api.AccessDeniedException{Message: api.String(fmt.Sprintf(
				"The connection alias %s is associated by account %s; only it or the owner can disassociate it.", r.ID, by))}
		}
		a.Associations = nil
		return putDoc(ctx, tx, r, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.DisassociateConnectionAliasResult{}, nil
}

// UpdateConnectionAliasPermission shares an alias with an account of the
// same region, or unshares it unless that account has it associated.
func (s *Service) UpdateConnectionAliasPermission(ctx context.Context, in *api.UpdateConnectionAliasPermissionRequest) (*api.UpdateConnectionAliasPermissionResult, error) {
	p := partition(ctx)
	account := *in.ConnectionAliasPermission.SharedAccountId
	if account == p.Account {
		return nil, invalidParameter("A connection alias cannot be shared with the account that owns it.")
	}
	allow := *in.ConnectionAliasPermission.AllowAssociation
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, a, err := ownAlias(ctx, tx, p, *in.AliasId)
		if err != nil {
			return err
		}
		shares, err := tx.Shares(ctx, p, kindAlias, r.ID)
		if err != nil {
			return err
		}
		share := store.Share{Partition: p, Kind: kindAlias, ID: r.ID, Grantee: account}
		shared := slices.Contains(shares, share)
		switch {
		case allow && shared, !allow && !shared:
			return nil
		case allow:
			if len(shares) >= s.quotas.ConnectionAliasShares {
				return limitExceeded("A connection alias can be shared with at most %d accounts.", s.quotas.ConnectionAliasShares)
			}
			return tx.PutShare(ctx, share)
		default:
			if len(a.Associations) > 0 && api.ToString(a.Associations[0].AssociatedAccountId) == account {
				return associated("Account %s has the connection alias %s associated with directory %s; it must disassociate it first.",
					account, r.ID, api.ToString(a.Associations[0].ResourceId))
			}
			return tx.DeleteShare(ctx, share)
		}
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateConnectionAliasPermissionResult{}, nil
}

// DescribeConnectionAliasPermissions lists the accounts an alias of the
// caller's is shared with, by account.
func (s *Service) DescribeConnectionAliasPermissions(ctx context.Context, in *api.DescribeConnectionAliasPermissionsRequest) (*api.DescribeConnectionAliasPermissionsResult, error) {
	p := partition(ctx)
	items, next, err := describe(s, ctx, p, "DescribeConnectionAliasPermissions", in.NextToken, 1, pageSize(in.MaxResults),
		func(tx store.Tx, now time.Time, pg *page[api.ConnectionAliasPermission]) error {
			if _, _, err := ownAlias(ctx, tx, p, *in.AliasId); err != nil {
				return err
			}
			// The page's grantees and one more, which tells a next page follows.
			shares, err := tx.SharesAfter(ctx, p, kindAlias, *in.AliasId, pg.start(), pg.limit+1)
			if err != nil {
				return err
			}
			for _, sh := range shares {
				if !pg.past(sh.Grantee) {
					continue
				}
				if err := pg.add(api.ConnectionAliasPermission{SharedAccountId: api.String(sh.Grantee), AllowAssociation: api.Bool(true)}, sh.Grantee); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeConnectionAliasPermissionsResult{AliasId: in.AliasId, ConnectionAliasPermissions: items, NextToken: next}, nil
}
