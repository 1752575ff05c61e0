package workspaces

import (
	"context"
	"net/netip"
	"strconv"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// The account's BYOL settings are one row per account and region, made by
// the first ModifyAccount; without it the account shows AWS's defaults.
const (
	accountID = "byol"

	modPending   = string(api.DedicatedTenancyModificationStateEnumPending)
	modCompleted = string(api.DedicatedTenancyModificationStateEnumCompleted)
)

// account is the stored document of an account's BYOL settings. The row's
// state is that of the newest modification.
type account struct {
	Support   api.DedicatedTenancySupportResultEnum `json:"DedicatedTenancySupport"`
	CidrRange string                                `json:"DedicatedTenancyManagementCidrRange,omitempty"`
	// Modifications oldest first.
	Modifications []api.AccountModification `json:"Modifications"`
}

// managementPools are the private ranges the management interface's /16
// can be taken from.
var managementPools = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// managementRanges lists, in address order, every /16 of the pools that
// lies within constraint.
func managementRanges(constraint netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, pool := range managementPools {
		first := pool.Addr().As4()
		for i := 0; i < 1<<(16-pool.Bits()); i++ {
			b := first
			b[1] += byte(i)
			r := netip.PrefixFrom(netip.AddrFrom4(b), 16)
			if constraint.Bits() <= 16 && constraint.Contains(r.Addr()) {
				out = append(out, r)
			}
		}
	}
	return out
}

// availableRange reports whether a ModifyAccount range is one that
// ListAvailableManagementCidrRanges offers.
func availableRange(cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || p.Bits() != 16 || p.Masked() != p {
		return false
	}
	for _, pool := range managementPools {
		if pool.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func getAccount(ctx context.Context, tx store.Tx, p store.Partition) (*store.Resource, *account, error) {
	r, a, err := getDoc[account](ctx, tx, p, kindAccount, accountID)
	if isNotFound(err) {
		return nil, &account{Support: api.DedicatedTenancySupportResultEnumDisabled}, nil
	}
	return r, a, err
}

// DescribeAccount shows the account's BYOL settings: DISABLED until a
// ModifyAccount completes.
func (s *Service) DescribeAccount(ctx context.Context, in *api.DescribeAccountRequest) (*api.DescribeAccountResult, error) {
	p := partition(ctx)
	out := &api.DescribeAccountResult{}
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		_, a, err := getAccount(ctx, tx, p)
		if err != nil {
			return err
		}
		out.DedicatedTenancySupport = a.Support
		if a.CidrRange != "" {
			out.DedicatedTenancyManagementCidrRange = api.String(a.CidrRange)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ModifyAccount enables BYOL with a management range; the change is
// PENDING for Durations.Account, then COMPLETED. The API cannot disable
// BYOL (DedicatedTenancySupport has only ENABLED), so once enabled, or
// while a change is pending, a further change is refused.
func (s *Service) ModifyAccount(ctx context.Context, in *api.ModifyAccountRequest) (*api.ModifyAccountResult, error) {
	if in.DedicatedTenancySupport == "" {
		return nil, invalidParameter("DedicatedTenancySupport must be ENABLED.")
	}
	if in.DedicatedTenancyManagementCidrRange == nil {
		return nil, invalidParameter("Enabling BYOL needs a DedicatedTenancyManagementCidrRange; ListAvailableManagementCidrRanges lists them.")
	}
	cidr := *in.DedicatedTenancyManagementCidrRange
	if !availableRange(cidr) {
		return nil, invalidParameter("The management CIDR range %s is not available; choose a /16 that ListAvailableManagementCidrRanges lists.", cidr)
	}
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, a, err := getAccount(ctx, tx, p)
		if err != nil {
			return err
		}
		if r == nil {
			r = &store.Resource{Partition: p, Kind: kindAccount, ID: accountID, State: none, Created: now}
		}
		if a.Support == api.DedicatedTenancySupportResultEnumEnabled {
			return invalidState("BYOL is already enabled for this account, with management CIDR range %s.", a.CidrRange)
		}
		state, err := next(kindAccount, accountID, r.State, evModify)
		if err != nil {
			return err
		}
		a.Modifications = append(a.Modifications, api.AccountModification{
			ModificationState:                   api.DedicatedTenancyModificationStateEnumPending,
			DedicatedTenancySupport:             api.DedicatedTenancySupportResultEnumEnabled,
			DedicatedTenancyManagementCidrRange: api.String(cidr),
			StartTime:                           api.TimeOf(now),
		})
		r.State = state
		schedule(r, now, s.Durations().Account)
		if r.DueAt.IsZero() {
			return completeModification(ctx, tx, r, a)
		}
		return putDoc(ctx, tx, r, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifyAccountResult{}, nil
}

// stepAccount completes the pending modification.
func (s *Service) stepAccount(ctx context.Context, tx store.Tx, r *store.Resource) error {
	a, err := loadDoc[account](r)
	if err != nil {
		return err
	}
	return completeModification(ctx, tx, r, a)
}

func completeModification(ctx context.Context, tx store.Tx, r *store.Resource, a *account) error {
	// One guard for a row without modifications (a snapshot or seed
	// cannot store one; an older store might hold one): an error that
	// quarantines the row, not a panic.
	if len(a.Modifications) == 0 {
		return problem("doc.Modifications", "the account row %s (the BYOL settings of %s/%s) has no modification to complete", r.ID, r.Account, r.Region)
	}
	state, err := next(kindAccount, accountID, r.State, evStepDone)
	if err != nil {
		return err
	}
	m := &a.Modifications[len(a.Modifications)-1]
	m.ModificationState = api.DedicatedTenancyModificationStateEnumCompleted
	a.Support = m.DedicatedTenancySupport
	a.CidrRange = api.ToString(m.DedicatedTenancyManagementCidrRange)
	r.State, r.DueAt = state, time.Time{}
	return putDoc(ctx, tx, r, a)
}

// DescribeAccountModifications lists the account's modifications newest
// first, 25 a page.
func (s *Service) DescribeAccountModifications(ctx context.Context, in *api.DescribeAccountModificationsRequest) (*api.DescribeAccountModificationsResult, error) {
	// The key is the 1-based position in the history: the history only
	// grows, so it stays valid. The page goes from newest to oldest.
	p := partition(ctx)
	items, next, err := describe(s, ctx, p, "DescribeAccountModifications", in.NextToken, 1, defaultPageSize,
		func(tx store.Tx, now time.Time, pg *page[api.AccountModification]) error {
			_, a, err := getAccount(ctx, tx, p)
			if err != nil {
				return err
			}
			from := len(a.Modifications) // the page starts before this index
			if pg.after != nil {
				last, err := strconv.Atoi(pg.start())
				if err != nil || last < 1 {
					return invalidParameter("The NextToken %q is not valid for DescribeAccountModifications.", *in.NextToken)
				}
				from = min(from, last-1)
			}
			for i := from - 1; i >= 0; i-- {
				if err := pg.add(a.Modifications[i], strconv.Itoa(i+1)); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeAccountModificationsResult{AccountModifications: items, NextToken: next}, nil
}

// ListAvailableManagementCidrRanges lists the /16 ranges of 10.0.0.0/8,
// 172.16.0.0/12 and 192.168.0.0/16 that lie within the constraint, in
// address order. Every wslocal account may use BYOL.
func (s *Service) ListAvailableManagementCidrRanges(ctx context.Context, in *api.ListAvailableManagementCidrRangesRequest) (*api.ListAvailableManagementCidrRangesResult, error) {
	constraint, err := netip.ParsePrefix(*in.ManagementCidrRangeConstraint)
	if err != nil || !constraint.Addr().Is4() {
		return nil, invalidParameter("ManagementCidrRangeConstraint %q is not an IPv4 CIDR range.", *in.ManagementCidrRangeConstraint)
	}
	constraint = constraint.Masked()
	pg, err := newPage[string]("ListAvailableManagementCidrRanges", in.NextToken, 1, int(api.ToInt32(in.MaxResults, 5)))
	if err != nil {
		return nil, err
	}
	var from netip.Prefix // the last range returned: ranges go in address order
	if pg.after != nil {
		if from, err = netip.ParsePrefix(pg.after[0]); err != nil {
			return nil, invalidParameter("The NextToken %q is not valid for ListAvailableManagementCidrRanges.", *in.NextToken)
		}
	}
	for _, r := range managementRanges(constraint) {
		if from.IsValid() && r.Addr().Compare(from.Addr()) <= 0 {
			continue
		}
		if pg.add(r.String(), r.String()) != nil {
			break
		}
	}
	return &api.ListAvailableManagementCidrRangesResult{ManagementCidrRanges: pg.items, NextToken: pg.next}, nil
}
