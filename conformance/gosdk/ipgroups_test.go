package gosdk_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	wsl "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

var ipGroupIDPattern = regexp.MustCompile(`^wsipg-[0-9a-z]{9}$`)

func rule(cidr, desc string) types.IpRuleItem {
	return types.IpRuleItem{IpRule: aws.String(cidr), RuleDesc: aws.String(desc)}
}

// createIpGroup creates a group and returns its id; the call must succeed.
func createIpGroup(t *testing.T, c *workspaces.Client, name string, rules ...types.IpRuleItem) string {
	t.Helper()
	out, err := c.CreateIpGroup(context.Background(), &workspaces.CreateIpGroupInput{GroupName: aws.String(name), UserRules: rules})
	if err != nil {
		t.Fatalf("CreateIpGroup(%s): %v", name, err)
	}
	id := aws.ToString(out.GroupId)
	if !ipGroupIDPattern.MatchString(id) {
		t.Fatalf("CreateIpGroup(%s) GroupId = %q, want wsipg- and 9 lowercase alphanumerics", name, id)
	}
	return id
}

// describeIpGroup returns the one group with id; it must exist.
func describeIpGroup(t *testing.T, c *workspaces.Client, id string) types.WorkspacesIpGroup {
	t.Helper()
	out, err := c.DescribeIpGroups(context.Background(), &workspaces.DescribeIpGroupsInput{GroupIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeIpGroups(%s): %v", id, err)
	}
	if len(out.Result) != 1 || aws.ToString(out.Result[0].GroupId) != id {
		t.Fatalf("DescribeIpGroups(%s) = %+v, want exactly that group", id, out.Result)
	}
	return out.Result[0]
}

// rulesOf renders a group's rules as "cidr desc" in order.
func rulesOf(t *testing.T, c *workspaces.Client, id string) []string {
	t.Helper()
	var got []string
	for _, r := range describeIpGroup(t, c, id).UserRules {
		got = append(got, strings.TrimSpace(aws.ToString(r.IpRule)+" "+aws.ToString(r.RuleDesc)))
	}
	return got
}

// directoryGroups returns the IpGroupIds DescribeWorkspaceDirectories shows.
func directoryGroups(t *testing.T, c *workspaces.Client, dir string) []string {
	t.Helper()
	out, err := c.DescribeWorkspaceDirectories(context.Background(), &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: []string{dir}})
	if err != nil || len(out.Directories) != 1 {
		t.Fatalf("DescribeWorkspaceDirectories(%s) = %+v, %v", dir, out, err)
	}
	got := slices.Clone(out.Directories[0].IpGroupIds)
	slices.Sort(got)
	return got
}

func TestIpGroupCreateAndDescribe(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()

	out, err := c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{
		GroupName: aws.String("offices"), GroupDesc: aws.String("Head and branch offices"),
		UserRules: []types.IpRuleItem{rule("203.0.113.0/24", "head office"), {IpRule: aws.String("198.51.100.7")}},
		Tags:      []types.Tag{{Key: aws.String("team"), Value: aws.String("it")}},
	})
	if err != nil {
		t.Fatalf("CreateIpGroup: %v", err)
	}
	id := aws.ToString(out.GroupId)
	if !ipGroupIDPattern.MatchString(id) {
		t.Fatalf("GroupId = %q, want wsipg- and 9 lowercase alphanumerics", id)
	}
	g := describeIpGroup(t, c, id)
	if aws.ToString(g.GroupName) != "offices" || aws.ToString(g.GroupDesc) != "Head and branch offices" {
		t.Errorf("group = %+v, want name offices with its description", g)
	}
	if got, want := rulesOf(t, c, id), []string{"203.0.113.0/24 head office", "198.51.100.7"}; !slices.Equal(got, want) {
		t.Errorf("UserRules = %q, want %q (as given, in order)", got, want)
	}
	if tags := tagsOf(t, c, id); len(tags) != 1 || tags["team"] != "it" {
		t.Errorf("DescribeTags = %v, want team=it", tags)
	}

	// Tags on a group work like on any resource, and go with it.
	if _, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id),
		Tags: []types.Tag{{Key: aws.String("cost"), Value: aws.String("42")}}}); err != nil {
		t.Fatalf("CreateTags: %v", err)
	}
	if _, err := c.DeleteTags(ctx, &workspaces.DeleteTagsInput{ResourceId: aws.String(id), TagKeys: []string{"team"}}); err != nil {
		t.Fatalf("DeleteTags: %v", err)
	}
	if tags := tagsOf(t, c, id); len(tags) != 1 || tags["cost"] != "42" {
		t.Errorf("DescribeTags after CreateTags/DeleteTags = %v, want cost=42", tags)
	}

	_, err = c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("offices")})
	if ae := apiError(t, err, "ResourceAlreadyExistsException"); !strings.Contains(ae.ErrorMessage(), id) {
		t.Errorf("duplicate name message %q does not name the existing group %s", ae.ErrorMessage(), id)
	}

	if _, err := c.DeleteIpGroup(ctx, &workspaces.DeleteIpGroupInput{GroupId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteIpGroup: %v", err)
	}
	list, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{})
	if err != nil || len(list.Result) != 0 {
		t.Fatalf("DescribeIpGroups after delete = %+v, %v; want none", list, err)
	}
	_, err = c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
	notFound(t, err, id)
	_, err = c.DeleteIpGroup(ctx, &workspaces.DeleteIpGroupInput{GroupId: aws.String(id)})
	notFound(t, err, id)
	// The name is free again.
	createIpGroup(t, c, "offices")
}

func TestIpGroupsPagination(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	var want []string
	for i := range 5 {
		want = append(want, createIpGroup(t, c, fmt.Sprintf("group-%d", i)))
	}
	slices.Sort(want)

	var got []string
	var token *string
	for page := 0; ; page++ {
		out, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{MaxResults: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatalf("DescribeIpGroups page %d: %v", page, err)
		}
		if wantLen := min(2, 5-2*page); len(out.Result) != wantLen {
			t.Fatalf("page %d has %d groups, want %d", page, len(out.Result), wantLen)
		}
		for _, g := range out.Result {
			got = append(got, aws.ToString(g.GroupId))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged ids = %v, want every group once, by id: %v", got, want)
	}

	out, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{GroupIds: []string{want[3], want[1], "wsipg-000000000"}})
	if err != nil {
		t.Fatalf("DescribeIpGroups(GroupIds): %v", err)
	}
	var ids []string
	for _, g := range out.Result {
		ids = append(ids, aws.ToString(g.GroupId))
	}
	if !slices.Equal(ids, []string{want[1], want[3]}) {
		t.Errorf("DescribeIpGroups(GroupIds) = %v, want %v (unknown ids left out)", ids, []string{want[1], want[3]})
	}

	_, err = c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{NextToken: aws.String("bm90LWEtdG9rZW4")})
	apiError(t, err, "InvalidParameterValuesException")
	_, err = c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{GroupIds: []string{want[0], want[0]}})
	apiError(t, err, "InvalidParameterValuesException")
}

func TestIpGroupRules(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	id := createIpGroup(t, c, "vpn", rule("10.0.0.0/16", "vpn"))
	authorize := func(rules ...types.IpRuleItem) error {
		_, err := c.AuthorizeIpRules(ctx, &workspaces.AuthorizeIpRulesInput{GroupId: aws.String(id), UserRules: rules})
		return err
	}
	revoke := func(rules ...string) error {
		_, err := c.RevokeIpRules(ctx, &workspaces.RevokeIpRulesInput{GroupId: aws.String(id), UserRules: rules})
		return err
	}

	if err := authorize(rule("192.0.2.0/24", "lab"), rule("198.51.100.1", "home")); err != nil {
		t.Fatalf("AuthorizeIpRules: %v", err)
	}
	if got, want := rulesOf(t, c, id), []string{"10.0.0.0/16 vpn", "192.0.2.0/24 lab", "198.51.100.1 home"}; !slices.Equal(got, want) {
		t.Errorf("after AuthorizeIpRules: %q, want %q", got, want)
	}

	// Refused, each leaving the rules as they were.
	for name, err := range map[string]error{
		"a range the group has":      authorize(rule("10.0.0.0/16", "again")),
		"an address the group has":   authorize(rule("198.51.100.1/32", "same as 198.51.100.1")),
		"a range twice in one call":  authorize(rule("172.16.0.0/12", ""), rule("172.16.0.0/12", "")),
		"not an address":             authorize(rule("10.0.0.300/24", "")),
		"a bad prefix length":        authorize(rule("10.0.0.0/33", "")),
		"an IPv6 range":              authorize(rule("2001:db8::/32", "")),
		"no rules":                   authorize([]types.IpRuleItem{}...),
		"revoking a range it lacks":  revoke("172.16.0.0/12"),
		"revoking a malformed range": revoke("ten.0.0.0/8"),
	} {
		ae := apiError(t, err, "InvalidParameterValuesException")
		t.Logf("%s: %s", name, ae.ErrorMessage())
	}
	if got := rulesOf(t, c, id); len(got) != 3 {
		t.Errorf("refused calls changed the rules: %q", got)
	}

	if err := revoke("192.0.2.0/24", "198.51.100.1/32"); err != nil {
		t.Fatalf("RevokeIpRules: %v", err)
	}
	if got, want := rulesOf(t, c, id), []string{"10.0.0.0/16 vpn"}; !slices.Equal(got, want) {
		t.Errorf("after RevokeIpRules: %q, want %q", got, want)
	}

	if _, err := c.UpdateRulesOfIpGroup(ctx, &workspaces.UpdateRulesOfIpGroupInput{GroupId: aws.String(id),
		UserRules: []types.IpRuleItem{rule("0.0.0.0/0", "anywhere"), rule("192.0.2.10", "printer")}}); err != nil {
		t.Fatalf("UpdateRulesOfIpGroup: %v", err)
	}
	if got, want := rulesOf(t, c, id), []string{"0.0.0.0/0 anywhere", "192.0.2.10 printer"}; !slices.Equal(got, want) {
		t.Errorf("after UpdateRulesOfIpGroup: %q, want %q", got, want)
	}
	_, err := c.UpdateRulesOfIpGroup(ctx, &workspaces.UpdateRulesOfIpGroupInput{GroupId: aws.String(id),
		UserRules: []types.IpRuleItem{rule("not-an-ip", "")}})
	apiError(t, err, "InvalidParameterValuesException")

	// Ten rules at most (AWS's quota), however they arrive.
	ten := make([]types.IpRuleItem, 10)
	for i := range ten {
		ten[i] = rule(fmt.Sprintf("192.0.2.%d", i), "")
	}
	eleven := append(slices.Clone(ten), rule("198.51.100.0/24", ""))
	_, err = c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("too many"), UserRules: eleven})
	apiError(t, err, "ResourceLimitExceededException")
	_, err = c.UpdateRulesOfIpGroup(ctx, &workspaces.UpdateRulesOfIpGroupInput{GroupId: aws.String(id), UserRules: eleven})
	apiError(t, err, "ResourceLimitExceededException")
	if _, err := c.UpdateRulesOfIpGroup(ctx, &workspaces.UpdateRulesOfIpGroupInput{GroupId: aws.String(id), UserRules: ten}); err != nil {
		t.Fatalf("UpdateRulesOfIpGroup with 10 rules: %v", err)
	}
	ae := apiError(t, authorize(rule("198.51.100.0/24", "")), "ResourceLimitExceededException")
	if !strings.Contains(ae.ErrorMessage(), "10") {
		t.Errorf("quota message %q does not give the quota", ae.ErrorMessage())
	}
	if got := rulesOf(t, c, id); len(got) != 10 {
		t.Errorf("rules after the refused AuthorizeIpRules: %d, want 10", len(got))
	}

	// Unknown groups.
	const missing = "wsipg-000000000"
	_, err = c.AuthorizeIpRules(ctx, &workspaces.AuthorizeIpRulesInput{GroupId: aws.String(missing), UserRules: []types.IpRuleItem{rule("192.0.2.0/24", "")}})
	notFound(t, err, missing)
	_, err = c.RevokeIpRules(ctx, &workspaces.RevokeIpRulesInput{GroupId: aws.String(missing), UserRules: []string{"192.0.2.0/24"}})
	notFound(t, err, missing)
	_, err = c.UpdateRulesOfIpGroup(ctx, &workspaces.UpdateRulesOfIpGroupInput{GroupId: aws.String(missing), UserRules: []types.IpRuleItem{}})
	notFound(t, err, missing)
}

func TestIpGroupsAndDirectories(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	const dir, unknownDir = "d-0123456789", "d-9999999999"
	office := createIpGroup(t, c, "office", rule("203.0.113.0/24", ""))
	vpn := createIpGroup(t, c, "vpn", rule("10.0.0.0/8", ""))
	associate := func(dir string, ids ...string) error {
		_, err := c.AssociateIpGroups(ctx, &workspaces.AssociateIpGroupsInput{DirectoryId: aws.String(dir), GroupIds: ids})
		return err
	}
	disassociate := func(dir string, ids ...string) error {
		_, err := c.DisassociateIpGroups(ctx, &workspaces.DisassociateIpGroupsInput{DirectoryId: aws.String(dir), GroupIds: ids})
		return err
	}

	notFound(t, associate(unknownDir, office), unknownDir)
	registerDirectory(t, c, dir)
	apiError(t, associate(dir, office), "InvalidResourceStateException") // still REGISTERING
	srv.Advance(time.Minute)
	notFound(t, associate(dir, office, "wsipg-000000000"), "wsipg-000000000")
	apiError(t, associate(dir, office, office), "InvalidParameterValuesException")
	if got := directoryGroups(t, c, dir); len(got) != 0 {
		t.Fatalf("refused associations left IpGroupIds %v", got)
	}

	if err := associate(dir, office, vpn); err != nil {
		t.Fatalf("AssociateIpGroups: %v", err)
	}
	want := []string{office, vpn}
	slices.Sort(want)
	if got := directoryGroups(t, c, dir); !slices.Equal(got, want) {
		t.Errorf("IpGroupIds = %v, want %v", got, want)
	}
	if err := associate(dir, office); err != nil {
		t.Errorf("associating an associated group again: %v", err)
	}
	if got := directoryGroups(t, c, dir); !slices.Equal(got, want) {
		t.Errorf("IpGroupIds after associating again = %v, want %v", got, want)
	}

	_, err := c.DeleteIpGroup(ctx, &workspaces.DeleteIpGroupInput{GroupId: aws.String(office)})
	if ae := apiError(t, err, "ResourceAssociatedException"); !strings.Contains(ae.ErrorMessage(), dir) {
		t.Errorf("ResourceAssociatedException message %q does not name %s", ae.ErrorMessage(), dir)
	}
	describeIpGroup(t, c, office) // still there

	if err := disassociate(dir, office); err != nil {
		t.Fatalf("DisassociateIpGroups: %v", err)
	}
	if got := directoryGroups(t, c, dir); !slices.Equal(got, []string{vpn}) {
		t.Errorf("IpGroupIds after disassociating %s = %v, want [%s]", office, got, vpn)
	}
	if err := disassociate(dir, office); err != nil {
		t.Errorf("disassociating a group that is not associated: %v", err)
	}
	notFound(t, disassociate(unknownDir, vpn), unknownDir)
	notFound(t, disassociate(dir, "wsipg-000000000"), "wsipg-000000000")
	if _, err := c.DeleteIpGroup(ctx, &workspaces.DeleteIpGroupInput{GroupId: aws.String(office)}); err != nil {
		t.Fatalf("DeleteIpGroup once disassociated: %v", err)
	}
	if err := disassociate(dir, vpn); err != nil {
		t.Fatalf("DisassociateIpGroups: %v", err)
	}
	if got := directoryGroups(t, c, dir); len(got) != 0 {
		t.Errorf("IpGroupIds after disassociating all = %v, want none", got)
	}

	// A directory being deregistered takes no change.
	if err := associate(dir, vpn); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeregisterWorkspaceDirectory(ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(dir)}); err != nil {
		t.Fatal(err)
	}
	apiError(t, disassociate(dir, vpn), "InvalidResourceStateException")
	srv.Advance(time.Minute)
	// Deregistered, the directory no longer holds the group.
	if _, err := c.DeleteIpGroup(ctx, &workspaces.DeleteIpGroupInput{GroupId: aws.String(vpn)}); err != nil {
		t.Fatalf("DeleteIpGroup after its directory was deregistered: %v", err)
	}
}

func TestIpGroupQuotas(t *testing.T) {
	t.Parallel()
	cfg := wsl.DefaultConfig()
	cfg.Quotas.IpGroups, cfg.Quotas.IpGroupsPerDirectory = 3, 2
	srv := start(t, wslocaltest.WithConfig(cfg))
	c := client(srv)
	ctx := context.Background()
	a, b, d := createIpGroup(t, c, "a"), createIpGroup(t, c, "b"), createIpGroup(t, c, "c")
	_, err := c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("d")})
	apiError(t, err, "ResourceLimitExceededException")

	// The quota is per account and region.
	other := newClient(srv.AWSConfigFor("111122223333", defaultRegion))
	createIpGroup(t, other, "d")

	registerDirectory(t, c, "d-0123456789")
	srv.Advance(time.Minute)
	if _, err := c.AssociateIpGroups(ctx, &workspaces.AssociateIpGroupsInput{DirectoryId: aws.String("d-0123456789"), GroupIds: []string{a, b}}); err != nil {
		t.Fatalf("AssociateIpGroups up to the quota: %v", err)
	}
	_, err = c.AssociateIpGroups(ctx, &workspaces.AssociateIpGroupsInput{DirectoryId: aws.String("d-0123456789"), GroupIds: []string{d}})
	apiError(t, err, "ResourceLimitExceededException")
	if got := directoryGroups(t, c, "d-0123456789"); len(got) != 2 {
		t.Errorf("IpGroupIds after the refused association = %v, want 2 groups", got)
	}
}

func TestIpGroupsIsolation(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	c := client(srv)
	id := createIpGroup(t, c, "office", rule("203.0.113.0/24", ""))
	registerDirectory(t, c, "d-0123456789")
	for _, o := range []struct{ account, region string }{{"111122223333", defaultRegion}, {defaultAccount, "eu-west-1"}} {
		oc := newClient(srv.AWSConfigFor(o.account, o.region))
		registerDirectory(t, oc, "d-0123456789")
		srv.Advance(time.Minute)
		out, err := oc.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{})
		if err != nil || len(out.Result) != 0 {
			t.Errorf("%s/%s: DescribeIpGroups = %+v, %v; want none", o.account, o.region, out, err)
		}
		out, err = oc.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{GroupIds: []string{id}})
		if err != nil || len(out.Result) != 0 {
			t.Errorf("%s/%s: DescribeIpGroups(%s) = %+v, %v; want none", o.account, o.region, id, out, err)
		}
		_, err = oc.AuthorizeIpRules(ctx, &workspaces.AuthorizeIpRulesInput{GroupId: aws.String(id), UserRules: []types.IpRuleItem{rule("192.0.2.0/24", "")}})
		notFound(t, err, id)
		_, err = oc.AssociateIpGroups(ctx, &workspaces.AssociateIpGroupsInput{DirectoryId: aws.String("d-0123456789"), GroupIds: []string{id}})
		notFound(t, err, id)
		_, err = oc.DeleteIpGroup(ctx, &workspaces.DeleteIpGroupInput{GroupId: aws.String(id)})
		notFound(t, err, id)
		_, err = oc.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
		notFound(t, err, id)
		// Its own group of the same name is no duplicate.
		createIpGroup(t, oc, "office")
	}
	if got := rulesOf(t, c, id); !slices.Equal(got, []string{"203.0.113.0/24"}) {
		t.Errorf("the owner's rules changed: %q", got)
	}
}

// TestIpGroupsStateRoundTrip: an exported state holds the groups, their
// rules, tags and associations; imported, the API sees them again.
func TestIpGroupsStateRoundTrip(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	out, err := c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("office"), GroupDesc: aws.String("HQ"),
		UserRules: []types.IpRuleItem{rule("203.0.113.0/24", "hq")}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("it")}}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.GroupId)
	registerDirectory(t, c, "d-0123456789")
	srv.Advance(time.Minute)
	if _, err := c.AssociateIpGroups(ctx, &workspaces.AssociateIpGroupsInput{DirectoryId: aws.String("d-0123456789"), GroupIds: []string{id}}); err != nil {
		t.Fatal(err)
	}

	state := exportState(t, srv)
	srv.Reset()
	if gone, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{}); err != nil || len(gone.Result) != 0 {
		t.Fatalf("DescribeIpGroups after reset = %+v, %v; want none", gone, err)
	}
	importState(t, srv, state)
	g := describeIpGroup(t, c, id)
	if aws.ToString(g.GroupName) != "office" || aws.ToString(g.GroupDesc) != "HQ" {
		t.Errorf("imported group = %+v", g)
	}
	if got := rulesOf(t, c, id); !slices.Equal(got, []string{"203.0.113.0/24 hq"}) {
		t.Errorf("imported rules = %q", got)
	}
	if tags := tagsOf(t, c, id); tags["team"] != "it" {
		t.Errorf("imported tags = %v", tags)
	}
	if got := directoryGroups(t, c, "d-0123456789"); !slices.Equal(got, []string{id}) {
		t.Errorf("imported directory IpGroupIds = %v, want [%s]", got, id)
	}
}
