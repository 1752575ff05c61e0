package workspaces

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// ipGroupState is the state every IP access control group row has: AWS
// gives groups no lifecycle, but a resource row needs a state.
const ipGroupState = "AVAILABLE"

// ipGroup is the stored document of an IP access control group: the wire
// shape itself. The directories it is associated with are kept on the
// directories (IpGroupIds), where DescribeWorkspaceDirectories shows them.
type ipGroup struct {
	api.WorkspacesIpGroup
}

// ruleKey is the address range a rule covers, so that 10.0.0.1 and
// 10.0.0.1/32 are the same rule; ok is false when rule is neither an IPv4
// address nor an IPv4 CIDR range.
func ruleKey(rule string) (key string, ok bool) {
	if a, err := netip.ParseAddr(rule); err == nil {
		if !a.Is4() {
			return "", false
		}
		return netip.PrefixFrom(a, 32).String(), true
	}
	p, err := netip.ParsePrefix(rule)
	if err != nil || !p.Addr().Is4() {
		return "", false
	}
	return p.String(), true
}

// checkRules refuses rules that are not IPv4 addresses or ranges, and a
// range given twice; it returns the rules keyed by range.
func checkRules(rules []api.IpRuleItem) (map[string]bool, error) {
	keys := map[string]bool{}
	for _, r := range rules {
		rule := api.ToString(r.IpRule)
		key, ok := ruleKey(rule)
		if !ok {
			return nil, invalidParameter("The IP rule %q is not an IPv4 address or CIDR range.", rule)
		}
		if keys[key] {
			return nil, invalidParameter("The IP rule %s is given more than once.", rule)
		}
		keys[key] = true
	}
	return keys, nil
}

func (s *Service) checkRuleCount(n int) error {
	if n > s.quotas.IpRules {
		return limitExceeded("An IP access control group can have at most %d rules; it would have %d.", s.quotas.IpRules, n)
	}
	return nil
}

func copyRules(rules []api.IpRuleItem) []api.IpRuleItem {
	out := make([]api.IpRuleItem, 0, len(rules))
	for _, r := range rules {
		out = append(out, api.IpRuleItem{IpRule: r.IpRule, RuleDesc: r.RuleDesc})
	}
	return out
}

// getIpGroup reads a group of p, or ResourceNotFoundException.
func getIpGroup(ctx context.Context, tx store.Tx, p store.Partition, id string) (*store.Resource, *ipGroup, error) {
	return getFound[ipGroup](ctx, tx, p, kindIpGroup, id, "IP access control group")
}

// CreateIpGroup creates an IP access control group, its name unique in the
// account and region.
func (s *Service) CreateIpGroup(ctx context.Context, in *api.CreateIpGroupRequest) (*api.CreateIpGroupResult, error) {
	name := *in.GroupName
	if strings.TrimSpace(name) == "" {
		return nil, invalidParameter("GroupName cannot be empty.")
	}
	if _, err := checkRules(in.UserRules); err != nil {
		return nil, err
	}
	if err := s.checkRuleCount(len(in.UserRules)); err != nil {
		return nil, err
	}
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	p := partition(ctx)
	id := newKindID(kindIpGroup)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		rs, err := tx.ListResources(ctx, p, kindIpGroup, "", 0)
		if err != nil {
			return err
		}
		if len(rs) >= s.quotas.IpGroups {
			return limitExceeded("You have reached the quota of %d IP access control groups in %s.", s.quotas.IpGroups, p.Region)
		}
		for i := range rs {
			g, err := loadDoc[ipGroup](&rs[i])
			if err != nil {
				return err
			}
			if api.ToString(g.GroupName) == name {
				return alreadyExists("An IP access control group named %s already exists: %s.", name, rs[i].ID)
			}
		}
		g := &ipGroup{api.WorkspacesIpGroup{GroupId: api.String(id), GroupName: api.String(name),
			GroupDesc: in.GroupDesc, UserRules: copyRules(in.UserRules)}}
		r := &store.Resource{Partition: p, Kind: kindIpGroup, ID: id, State: ipGroupState, Created: now}
		if err := putDoc(ctx, tx, r, g); err != nil {
			return err
		}
		return tx.PutTags(ctx, p, id, storeTags(in.Tags))
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateIpGroupResult{GroupId: api.String(id)}, nil
}

// DescribeIpGroups lists the caller's groups by id order; ids in GroupIds
// that name no group are left out.
func (s *Service) DescribeIpGroups(ctx context.Context, in *api.DescribeIpGroupsRequest) (*api.DescribeIpGroupsResult, error) {
	if err := distinct("GroupIds", in.GroupIds); err != nil {
		return nil, err
	}
	p := partition(ctx)
	items, next, err := describeKind(s, ctx, p, "DescribeIpGroups", in.NextToken, pageSize(in.MaxResults), kindIpGroup, in.GroupIds,
		func(r *store.Resource, g *ipGroup) (api.WorkspacesIpGroup, bool) {
			w := g.WorkspacesIpGroup
			w.UserRules = copyRules(w.UserRules) // [] rather than absent
			return w, true
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeIpGroupsResult{Result: items, NextToken: next}, nil
}

// directoriesWith lists the directories of p that group id is associated with.
func directoriesWith(ctx context.Context, tx store.Tx, p store.Partition, id string) ([]string, error) {
	rs, err := tx.ListResources(ctx, p, kindDirectory, "", 0)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for i := range rs {
		d, err := loadDoc[directory](&rs[i])
		if err != nil {
			return nil, err
		}
		if slices.Contains(d.IpGroupIds, id) {
			dirs = append(dirs, rs[i].ID)
		}
	}
	return dirs, nil
}

// DeleteIpGroup deletes a group no directory uses.
func (s *Service) DeleteIpGroup(ctx context.Context, in *api.DeleteIpGroupRequest) (*api.DeleteIpGroupResult, error) {
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, _, err := getIpGroup(ctx, tx, p, *in.GroupId)
		if err != nil {
			return err
		}
		dirs, err := directoriesWith(ctx, tx, p, r.ID)
		if err != nil {
			return err
		}
		if len(dirs) > 0 {
			return associated("The IP access control group %s is associated with directory %s; disassociate it first.", r.ID, strings.Join(dirs, ", "))
		}
		return deleteResource(ctx, tx, r)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteIpGroupResult{}, nil
}

// changeRules applies change to the rules of a group and saves it.
func (s *Service) changeRules(ctx context.Context, id string, change func(rules []api.IpRuleItem) ([]api.IpRuleItem, error)) error {
	p := partition(ctx)
	return s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, g, err := getIpGroup(ctx, tx, p, id)
		if err != nil {
			return err
		}
		rules, err := change(g.UserRules)
		if err != nil {
			return err
		}
		if err := s.checkRuleCount(len(rules)); err != nil {
			return err
		}
		g.UserRules = rules
		return putDoc(ctx, tx, r, g)
	})
}

// AuthorizeIpRules adds rules to a group; a range the group already has is
// refused, as EC2 refuses a duplicate security group rule.
func (s *Service) AuthorizeIpRules(ctx context.Context, in *api.AuthorizeIpRulesRequest) (*api.AuthorizeIpRulesResult, error) {
	if len(in.UserRules) == 0 {
		return nil, invalidParameter("UserRules must contain at least one rule.")
	}
	keys, err := checkRules(in.UserRules)
	if err != nil {
		return nil, err
	}
	err = s.changeRules(ctx, *in.GroupId, func(rules []api.IpRuleItem) ([]api.IpRuleItem, error) {
		for _, r := range rules {
			if key, _ := ruleKey(api.ToString(r.IpRule)); keys[key] {
				return nil, invalidParameter("The IP access control group %s already has the rule %s.", *in.GroupId, *r.IpRule)
			}
		}
		return append(rules, copyRules(in.UserRules)...), nil
	})
	if err != nil {
		return nil, err
	}
	return &api.AuthorizeIpRulesResult{}, nil
}

// RevokeIpRules removes rules, named by their range, from a group; a range
// the group does not have is refused.
func (s *Service) RevokeIpRules(ctx context.Context, in *api.RevokeIpRulesRequest) (*api.RevokeIpRulesResult, error) {
	if len(in.UserRules) == 0 {
		return nil, invalidParameter("UserRules must contain at least one rule.")
	}
	items := make([]api.IpRuleItem, 0, len(in.UserRules))
	for _, rule := range in.UserRules {
		items = append(items, api.IpRuleItem{IpRule: api.String(rule)})
	}
	keys, err := checkRules(items)
	if err != nil {
		return nil, err
	}
	err = s.changeRules(ctx, *in.GroupId, func(rules []api.IpRuleItem) ([]api.IpRuleItem, error) {
		kept := make([]api.IpRuleItem, 0, len(rules))
		found := map[string]bool{}
		for _, r := range rules {
			key, _ := ruleKey(api.ToString(r.IpRule))
			if keys[key] {
				found[key] = true
				continue
			}
			kept = append(kept, r)
		}
		for _, rule := range in.UserRules {
			if key, _ := ruleKey(rule); !found[key] {
				return nil, invalidParameter("The IP access control group %s has no rule %s.", *in.GroupId, rule)
			}
		}
		return kept, nil
	})
	if err != nil {
		return nil, err
	}
	return &api.RevokeIpRulesResult{}, nil
}

// UpdateRulesOfIpGroup replaces all the rules of a group.
func (s *Service) UpdateRulesOfIpGroup(ctx context.Context, in *api.UpdateRulesOfIpGroupRequest) (*api.UpdateRulesOfIpGroupResult, error) {
	if _, err := checkRules(in.UserRules); err != nil {
		return nil, err
	}
	err := s.changeRules(ctx, *in.GroupId, func([]api.IpRuleItem) ([]api.IpRuleItem, error) {
		return copyRules(in.UserRules), nil
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateRulesOfIpGroupResult{}, nil
}

// changeDirectoryGroups checks a REGISTERED directory and groups of the
// caller, then applies change to the directory's IpGroupIds.
func (s *Service) changeDirectoryGroups(ctx context.Context, dirID string, groupIDs []string, change func(have []string) []string) error {
	if err := distinct("GroupIds", groupIDs); err != nil {
		return err
	}
	p := partition(ctx)
	return s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, d, err := getDirectory(ctx, tx, p, dirID)
		if err != nil {
			return err
		}
		if r.State != dirRegistered {
			return invalidState("The directory %s is %s; it must be REGISTERED.", dirID, r.State)
		}
		for _, id := range groupIDs {
			if _, _, err := getIpGroup(ctx, tx, p, id); err != nil {
				return err
			}
		}
		ids := change(d.IpGroupIds)
		if len(ids) > s.quotas.IpGroupsPerDirectory {
			return limitExceeded("A directory can have at most %d IP access control groups; %s would have %d.",
				s.quotas.IpGroupsPerDirectory, dirID, len(ids))
		}
		if len(ids) == 0 {
			ids = nil // none: the field is left out, as before any association
		}
		d.IpGroupIds = ids
		return putDoc(ctx, tx, r, d)
	})
}

// AssociateIpGroups associates groups with a directory; a group already
// associated stays so.
func (s *Service) AssociateIpGroups(ctx context.Context, in *api.AssociateIpGroupsRequest) (*api.AssociateIpGroupsResult, error) {
	err := s.changeDirectoryGroups(ctx, *in.DirectoryId, in.GroupIds, func(have []string) []string {
		for _, id := range in.GroupIds {
			if !slices.Contains(have, id) {
				have = append(have, id)
			}
		}
		return have
	})
	if err != nil {
		return nil, err
	}
	return &api.AssociateIpGroupsResult{}, nil
}

// DisassociateIpGroups disassociates groups from a directory; a group that
// is not associated is ignored.
func (s *Service) DisassociateIpGroups(ctx context.Context, in *api.DisassociateIpGroupsRequest) (*api.DisassociateIpGroupsResult, error) {
	err := s.changeDirectoryGroups(ctx, *in.DirectoryId, in.GroupIds, func(have []string) []string {
		return slices.DeleteFunc(have, func(id string) bool { return slices.Contains(in.GroupIds, id) })
	})
	if err != nil {
		return nil, err
	}
	return &api.DisassociateIpGroupsResult{}, nil
}
