package workspaces

import (
	"context"
	"fmt"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// seedAccountLink is an account link of the seed: the partition it is
// declared under is the source's.
type seedAccountLink struct {
	ID     string `yaml:"id"`     // link-...; minted when empty
	Target string `yaml:"target"` // the target account, 12 digits
	Status string `yaml:"status"` // default PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT
}

// validateAccountLinks checks a partition's account links. Any status of
// the model may be seeded, LINKING_FAILED and LINK_NOT_FOUND included
// (the operations never reach them); the seed is a picture of a state,
// so the rules of CreateAccountLinkInvitation are not applied to it.
func (s *Seed) validateAccountLinks(pp string, a *seedPartition) {
	d := s.doc
	ids := map[string]bool{}
	for i := range a.AccountLinks {
		sl, path := &a.AccountLinks[i], fmt.Sprintf("%s.accountLinks[%d]", pp, i)
		if sl.ID == "" {
			sl.ID = newKindID(kindAccountLink)
		} else if d.model(path, api.Check(&api.GetAccountLinkRequest{LinkId: &sl.ID}), map[string]string{"linkId": "id"}) && ids[sl.ID] {
			d.errorf(path+".id", "the account link %s is declared twice", sl.ID)
		}
		ids[sl.ID] = true
		if d.model(path, api.Check(&api.CreateAccountLinkInvitationRequest{TargetAccountId: &sl.Target}),
			map[string]string{"targetAccountId": "target"}) && sl.Target == a.Account {
			d.errorf(path+".target", "%s is the account itself; an account cannot link to itself", sl.Target)
		}
		def(&sl.Status, linkPending)
		d.oneOf(path+".status", sl.Status, names(api.AccountLinkStatusEnum("").Values()))
	}
}

// seedAccountLink writes a link of p (the source) and its share with the
// target, replacing a link with the same id.
func (s *Service) seedAccountLink(ctx context.Context, tx store.Tx, p store.Partition, sl *seedAccountLink, now time.Time) error {
	if err := replace(ctx, tx, p, kindAccountLink, sl.ID); err != nil {
		return err
	}
	l := &accountLink{AccountLink: api.AccountLink{AccountLinkId: api.String(sl.ID), AccountLinkStatus: api.AccountLinkStatusEnum(sl.Status),
		SourceAccountId: api.String(p.Account), TargetAccountId: api.String(sl.Target)}}
	r := &store.Resource{Partition: p, Kind: kindAccountLink, ID: sl.ID, State: sl.Status, Created: now}
	if err := putDoc(ctx, tx, r, l); err != nil {
		return err
	}
	return tx.PutShare(ctx, store.Share{Partition: p, Kind: kindAccountLink, ID: sl.ID, Grantee: sl.Target})
}
