package workspaces

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// Account links (BYOL account linking): a source account invites a target
// account of the same region; the target accepts or rejects; the source
// deletes an invitation that was not accepted. The link is a row of the
// source's partition, shared with the target (store.Share), so exactly the
// two accounts see it, in that region. Every status change is immediate:
// the model has no in-between status to wait in.
const (
	linkPending  = string(api.AccountLinkStatusEnumPendingAcceptanceByTargetAccount)
	linkLinked   = string(api.AccountLinkStatusEnumLinked)
	linkRejected = string(api.AccountLinkStatusEnumRejected)
)

// accountLink is the stored document of a link: the wire shape, and the
// client tokens that made it and that accepted or rejected it.
type accountLink struct {
	api.AccountLink
	CreateToken  string `json:"CreateToken,omitempty"`
	ResolveToken string `json:"ResolveToken,omitempty"`
}

// linkRow is a link with its row, wherever it is stored.
type linkRow struct {
	r *store.Resource
	l *accountLink
}

// other is the account at the other end of the link from account.
func (lr linkRow) other(account string) string {
	if lr.r.Account == account {
		return api.ToString(lr.l.TargetAccountId)
	}
	return lr.r.Account
}

// wire is the link as the API shows it; the status is the row's state.
func (lr linkRow) wire() *api.AccountLink {
	a := lr.l.AccountLink
	a.AccountLinkStatus = api.AccountLinkStatusEnum(lr.r.State)
	return &a
}

// linksOf returns the links of p's account in p's region, those it
// invited and those it was invited to, ordered by ID.
func linksOf(ctx context.Context, tx store.Tx, p store.Partition) ([]linkRow, error) {
	own, err := tx.ListResources(ctx, p, kindAccountLink, "", 0)
	if err != nil {
		return nil, err
	}
	var out []linkRow
	for i := range own {
		l, err := loadDoc[accountLink](&own[i])
		if err != nil {
			return nil, err
		}
		out = append(out, linkRow{&own[i], l})
	}
	shared, err := tx.SharedWith(ctx, kindAccountLink, p.Account, p.Region)
	if err != nil {
		return nil, err
	}
	for _, sh := range shared {
		r, l, err := getDoc[accountLink](ctx, tx, sh.Partition, kindAccountLink, sh.ID)
		if isNotFound(err) {
			continue // a share left by a snapshot without its link
		}
		if err != nil {
			return nil, err
		}
		out = append(out, linkRow{r, l})
	}
	slices.SortFunc(out, func(a, b linkRow) int { return cmp.Compare(a.r.ID, b.r.ID) })
	return out, nil
}

// findLink returns a link of p's account, as source or as target; any
// other account is told it does not exist.
func findLink(ctx context.Context, tx store.Tx, p store.Partition, id string) (linkRow, error) {
	r, l, err := getDoc[accountLink](ctx, tx, p, kindAccountLink, id)
	if isNotFound(err) {
		var shares []store.Share
		if shares, err = tx.SharedWith(ctx, kindAccountLink, p.Account, p.Region); err == nil {
			err = store.ErrNotFound
			if i := slices.IndexFunc(shares, func(sh store.Share) bool { return sh.ID == id }); i >= 0 {
				r, l, err = getDoc[accountLink](ctx, tx, shares[i].Partition, kindAccountLink, id)
			}
		}
	}
	if isNotFound(err) {
		return linkRow{}, notFound(id, "The account link %s could not be found.", id)
	}
	return linkRow{r, l}, err
}

// linkedAs returns the LINKED link in which account (in region) is the
// target, and one in which it is the source; zero rows when none.
func linkedAs(ctx context.Context, tx store.Tx, account, region string) (asTarget, asSource linkRow, err error) {
	links, err := linksOf(ctx, tx, store.Partition{Account: account, Region: region})
	if err != nil {
		return linkRow{}, linkRow{}, err
	}
	for _, lr := range links {
		switch {
		case lr.r.State != linkLinked:
		case lr.r.Account == account && asSource.r == nil:
			asSource = lr
		case lr.r.Account != account && asTarget.r == nil:
			asTarget = lr
		}
	}
	return asTarget, asSource, nil
}

// checkLinkable refuses a link from source to target (in region) that
// would give an account two sources, or make an account both a source
// and a target: linked accounts share the source's BYOL infrastructure.
func checkLinkable(ctx context.Context, tx store.Tx, region, source, target string) error {
	asTarget, asSource, err := linkedAs(ctx, tx, target, region)
	if err != nil {
		return err
	}
	if asTarget.r != nil {
		return conflict("The account %s is already linked to the source account %s (account link %s).",
			target, asTarget.r.Account, asTarget.r.ID)
	}
	if asSource.r != nil {
		return conflict("The account %s is the source account of account link %s; a source account cannot be a target.",
			target, asSource.r.ID)
	}
	if asTarget, _, err = linkedAs(ctx, tx, source, region); err != nil {
		return err
	}
	if asTarget.r != nil {
		return conflict("The account %s is linked to the source account %s (account link %s); a target account cannot be a source.",
			source, asTarget.r.Account, asTarget.r.ID)
	}
	return nil
}

// CreateAccountLinkInvitation invites the target account to link with the
// caller's. A ClientToken used before by the caller answers the link it
// created, as it is now, when it named the same target.
func (s *Service) CreateAccountLinkInvitation(ctx context.Context, in *api.CreateAccountLinkInvitationRequest) (*api.CreateAccountLinkInvitationResult, error) {
	p := partition(ctx)
	target, token := *in.TargetAccountId, api.ToString(in.ClientToken)
	if target == p.Account {
		return nil, validation("The TargetAccountId %s is the caller's own account: an account cannot link to itself.", target)
	}
	var out *api.AccountLink
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		links, err := linksOf(ctx, tx, p)
		if err != nil {
			return err
		}
		for _, lr := range links {
			if token == "" || lr.r.Account != p.Account || lr.l.CreateToken != token {
				continue
			}
			if api.ToString(lr.l.TargetAccountId) != target {
				return conflict("The ClientToken %s was used to invite the account %s, not %s.", token, api.ToString(lr.l.TargetAccountId), target)
			}
			out = lr.wire()
			return nil
		}
		for _, lr := range links {
			if lr.other(p.Account) == target && live(lr) {
				return conflict("The account %s is already linked or invited: account link %s is %s.", target, lr.r.ID, lr.r.State)
			}
		}
		if err := checkLinkable(ctx, tx, p.Region, p.Account, target); err != nil {
			return err
		}
		id := newKindID(kindAccountLink)
		l := &accountLink{AccountLink: api.AccountLink{AccountLinkId: api.String(id), AccountLinkStatus: api.AccountLinkStatusEnum(linkPending),
			SourceAccountId: api.String(p.Account), TargetAccountId: api.String(target)}, CreateToken: token}
		r := &store.Resource{Partition: p, Kind: kindAccountLink, ID: id, State: linkPending, Created: now}
		if err := putDoc(ctx, tx, r, l); err != nil {
			return err
		}
		out = linkRow{r, l}.wire()
		return tx.PutShare(ctx, store.Share{Partition: p, Kind: kindAccountLink, ID: id, Grantee: target})
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateAccountLinkInvitationResult{AccountLink: out}, nil
}

// resolveLink is AcceptAccountLinkInvitation and RejectAccountLinkInvitation:
// the target account moves a pending link to status. Repeating the call
// with the ClientToken that did it answers the link again.
func (s *Service) resolveLink(ctx context.Context, id, token, verb string, status string) (*api.AccountLink, error) {
	p := partition(ctx)
	var out *api.AccountLink
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		lr, err := findLink(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if lr.r.Account == p.Account {
			return accessDenied("Only the target account %s can %s the account link %s.", api.ToString(lr.l.TargetAccountId), verb, id)
		}
		if token != "" && lr.r.State == status && lr.l.ResolveToken == token {
			out = lr.wire()
			return nil
		}
		if lr.r.State != linkPending {
			return conflict("The account link %s is %s; only a link that is %s can be %sed.", id, lr.r.State, linkPending, verb)
		}
		if status == linkLinked {
			if err := checkLinkable(ctx, tx, p.Region, lr.r.Account, p.Account); err != nil {
				return err
			}
		}
		lr.r.State, lr.l.ResolveToken = status, token
		lr.l.AccountLinkStatus = api.AccountLinkStatusEnum(status)
		if err := putDoc(ctx, tx, lr.r, lr.l); err != nil {
			return err
		}
		out = lr.wire()
		return nil
	})
	return out, err
}

// AcceptAccountLinkInvitation links the caller, the target, to the source.
// There is no unlinking afterwards.
func (s *Service) AcceptAccountLinkInvitation(ctx context.Context, in *api.AcceptAccountLinkInvitationRequest) (*api.AcceptAccountLinkInvitationResult, error) {
	l, err := s.resolveLink(ctx, *in.LinkId, api.ToString(in.ClientToken), "accept", linkLinked)
	if err != nil {
		return nil, err
	}
	return &api.AcceptAccountLinkInvitationResult{AccountLink: l}, nil
}

// RejectAccountLinkInvitation turns the invitation down; the source sees
// it REJECTED until it deletes it.
func (s *Service) RejectAccountLinkInvitation(ctx context.Context, in *api.RejectAccountLinkInvitationRequest) (*api.RejectAccountLinkInvitationResult, error) {
	l, err := s.resolveLink(ctx, *in.LinkId, api.ToString(in.ClientToken), "reject", linkRejected)
	if err != nil {
		return nil, err
	}
	return &api.RejectAccountLinkInvitationResult{AccountLink: l}, nil
}

// DeleteAccountLinkInvitation deletes an invitation of the caller's that
// was not accepted (AWS has no unlinking), with its share; it answers the
// link as it was.
func (s *Service) DeleteAccountLinkInvitation(ctx context.Context, in *api.DeleteAccountLinkInvitationRequest) (*api.DeleteAccountLinkInvitationResult, error) {
	p := partition(ctx)
	var out *api.AccountLink
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		lr, err := findLink(ctx, tx, p, *in.LinkId)
		if err != nil {
			return err
		}
		if lr.r.Account != p.Account {
			return accessDenied("Only the source account %s can delete the account link %s.", lr.r.Account, lr.r.ID)
		}
		if lr.r.State == linkLinked {
			return conflict("The account link %s is LINKED: an accepted link cannot be deleted.", lr.r.ID)
		}
		out = lr.wire()
		return deleteResource(ctx, tx, lr.r)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteAccountLinkInvitationResult{AccountLink: out}, nil
}

// live reports whether a link is pending or linked: a pair of accounts
// has at most one such link.
func live(lr linkRow) bool { return lr.r.State == linkPending || lr.r.State == linkLinked }

// GetAccountLink returns a link of the caller's by LinkId, or its link
// with LinkedAccountId (the live one, else the latest); with both, the
// link must match both.
func (s *Service) GetAccountLink(ctx context.Context, in *api.GetAccountLinkRequest) (*api.GetAccountLinkResult, error) {
	p := partition(ctx)
	linked := api.ToString(in.LinkedAccountId)
	switch {
	case in.LinkId == nil && in.LinkedAccountId == nil:
		return nil, validation("Either LinkId or LinkedAccountId is required.")
	case linked == p.Account:
		return nil, validation("The LinkedAccountId %s is the caller's own account.", linked)
	}
	var out *api.AccountLink
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		if in.LinkId != nil {
			lr, err := findLink(ctx, tx, p, *in.LinkId)
			if err != nil {
				return err
			}
			if linked != "" && lr.other(p.Account) != linked {
				return notFound(*in.LinkId, "The account link %s does not link the account %s.", *in.LinkId, linked)
			}
			out = lr.wire()
			return nil
		}
		links, err := linksOf(ctx, tx, p)
		if err != nil {
			return err
		}
		// The pair's one PENDING or LINKED link (Create allows no second),
		// else its latest.
		var latest *linkRow
		for i, lr := range links {
			if lr.other(p.Account) != linked {
				continue
			}
			if latest == nil || live(lr) && !live(*latest) || live(lr) == live(*latest) && !lr.r.Created.Before(latest.r.Created) {
				latest = &links[i]
			}
		}
		if latest == nil {
			return notFound(linked, "No account link between the accounts %s and %s could be found.", p.Account, linked)
		}
		out = latest.wire()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.GetAccountLinkResult{AccountLink: out}, nil
}

// ListAccountLinks lists the caller's links, as source and as target, by
// ID, with the statuses of LinkStatusFilter when it is set.
func (s *Service) ListAccountLinks(ctx context.Context, in *api.ListAccountLinksRequest) (*api.ListAccountLinksResult, error) {
	if err := distinct("LinkStatusFilter", in.LinkStatusFilter); err != nil {
		return nil, asValidation(err)
	}
	p := partition(ctx)
	items, next, err := describe(s, ctx, p, "ListAccountLinks", in.NextToken, 1, pageSize(in.MaxResults),
		func(tx store.Tx, now time.Time, pg *page[api.AccountLink]) error {
			keep := func(lr linkRow) error {
				if in.LinkStatusFilter != nil && !slices.Contains(in.LinkStatusFilter, api.AccountLinkStatusEnum(lr.r.State)) {
					return nil
				}
				return pg.add(*lr.wire(), lr.r.ID)
			}
			shared, err := tx.SharedWith(ctx, kindAccountLink, p.Account, p.Region)
			if err != nil {
				return err
			}
			// The links the caller invited a page at a time, merged in ID
			// order with those it was invited to (as linksOf lists them).
			return eachOwnAndShared(ctx, tx, p, kindAccountLink, nil, pg, shared, func(r *store.Resource) error {
				l, err := loadDoc[accountLink](r)
				if err != nil {
					return err
				}
				return keep(linkRow{r, l})
			}, func(sh store.Share) error {
				r, l, err := getDoc[accountLink](ctx, tx, sh.Partition, kindAccountLink, sh.ID)
				if isNotFound(err) {
					return nil // a share left by a snapshot without its link
				}
				if err != nil {
					return err
				}
				return keep(linkRow{r, l})
			})
		})
	if err != nil {
		return nil, asValidation(err)
	}
	return &api.ListAccountLinksResult{AccountLinks: items, NextToken: next}, nil
}
