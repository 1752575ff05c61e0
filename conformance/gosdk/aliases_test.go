package gosdk_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	wsl "github.com/wslocal/wslocal/workspaces"
	"github.com/wslocal/wslocal/wslocaltest"
)

var (
	aliasIDPattern      = regexp.MustCompile(`^wsca-[0-9a-z]{8,63}$`)
	connectionIDPattern = regexp.MustCompile(`^[a-zA-Z0-9]{1,20}$`)
)

// createAlias creates an alias and returns its id; the call must succeed.
func createAlias(t *testing.T, c *workspaces.Client, cs string, tags ...types.Tag) string {
	t.Helper()
	out, err := c.CreateConnectionAlias(context.Background(), &workspaces.CreateConnectionAliasInput{ConnectionString: aws.String(cs), Tags: tags})
	if err != nil {
		t.Fatalf("CreateConnectionAlias(%s): %v", cs, err)
	}
	id := aws.ToString(out.AliasId)
	if !aliasIDPattern.MatchString(id) {
		t.Fatalf("CreateConnectionAlias(%s) AliasId = %q, want the model's pattern", cs, id)
	}
	return id
}

// describeAlias returns the one alias with id, as c sees it; it must exist.
func describeAlias(t *testing.T, c *workspaces.Client, id string) types.ConnectionAlias {
	t.Helper()
	out, err := c.DescribeConnectionAliases(context.Background(), &workspaces.DescribeConnectionAliasesInput{AliasIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeConnectionAliases(%s): %v", id, err)
	}
	if len(out.ConnectionAliases) != 1 || aws.ToString(out.ConnectionAliases[0].AliasId) != id {
		t.Fatalf("DescribeConnectionAliases(%s) = %+v, want exactly that alias", id, out.ConnectionAliases)
	}
	return out.ConnectionAliases[0]
}

// aliasIDs lists the ids c sees with in, following every page.
func aliasIDs(t *testing.T, c *workspaces.Client, in workspaces.DescribeConnectionAliasesInput) []string {
	t.Helper()
	var ids []string
	for {
		out, err := c.DescribeConnectionAliases(context.Background(), &in)
		if err != nil {
			t.Fatalf("DescribeConnectionAliases: %v", err)
		}
		if in.Limit != nil && len(out.ConnectionAliases) > int(*in.Limit) {
			t.Fatalf("page of %d aliases, Limit %d", len(out.ConnectionAliases), *in.Limit)
		}
		for _, a := range out.ConnectionAliases {
			ids = append(ids, aws.ToString(a.AliasId))
		}
		if out.NextToken == nil {
			return ids
		}
		in.NextToken = out.NextToken
	}
}

func associate(t *testing.T, c *workspaces.Client, alias, dir string) string {
	t.Helper()
	out, err := c.AssociateConnectionAlias(context.Background(), &workspaces.AssociateConnectionAliasInput{AliasId: aws.String(alias), ResourceId: aws.String(dir)})
	if err != nil {
		t.Fatalf("AssociateConnectionAlias(%s, %s): %v", alias, dir, err)
	}
	id := aws.ToString(out.ConnectionIdentifier)
	if !connectionIDPattern.MatchString(id) {
		t.Fatalf("ConnectionIdentifier = %q, want the model's pattern", id)
	}
	return id
}

func share(t *testing.T, c *workspaces.Client, alias, account string, allow bool) error {
	t.Helper()
	_, err := c.UpdateConnectionAliasPermission(context.Background(), &workspaces.UpdateConnectionAliasPermissionInput{
		AliasId: aws.String(alias), ConnectionAliasPermission: &types.ConnectionAliasPermission{SharedAccountId: aws.String(account), AllowAssociation: aws.Bool(allow)}})
	return err
}

func TestConnectionAliasCreateAndDescribe(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	id := createAlias(t, c, "desktop.example.com", types.Tag{Key: aws.String("team"), Value: aws.String("it")})
	a := describeAlias(t, c, id)
	if aws.ToString(a.ConnectionString) != "desktop.example.com" || a.State != types.ConnectionAliasStateCreated ||
		aws.ToString(a.OwnerAccountId) != defaultAccount || len(a.Associations) != 0 {
		t.Errorf("new alias = %+v, want CREATED, owned by %s, no associations", a, defaultAccount)
	}
	if tags := tagsOf(t, c, id); len(tags) != 1 || tags["team"] != "it" {
		t.Errorf("tags at creation = %v", tags)
	}
	if _, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteTags(ctx, &workspaces.DeleteTagsInput{ResourceId: aws.String(id), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if tags := tagsOf(t, c, id); len(tags) != 1 || tags["env"] != "prod" {
		t.Errorf("tags after CreateTags/DeleteTags = %v", tags)
	}

	// A connection string is used once in a region, whatever its case.
	_, err := c.CreateConnectionAlias(ctx, &workspaces.CreateConnectionAliasInput{ConnectionString: aws.String("Desktop.Example.COM")})
	apiError(t, err, "ResourceAlreadyExistsException")
	_, err = c.CreateConnectionAlias(ctx, &workspaces.CreateConnectionAliasInput{ConnectionString: aws.String("localhost")})
	apiError(t, err, "InvalidParameterValuesException")
	_, err = c.CreateConnectionAlias(ctx, &workspaces.CreateConnectionAliasInput{ConnectionString: aws.String("desk top.example.com")})
	validation(t, err, "1 validation error detected: Value 'desk top.example.com' at 'connectionString' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[.0-9a-zA-Z\\-]{1,255}$")

	// The same account uses it again in another region (cross-Region
	// redirection needs it); another account cannot, even after deletion.
	eu := newClient(srv.AWSConfigFor(defaultAccount, "eu-west-1"))
	createAlias(t, eu, "desktop.example.com")
	other := newClient(srv.AWSConfigFor("111122223333", "eu-west-1"))
	_, err = other.CreateConnectionAlias(ctx, &workspaces.CreateConnectionAliasInput{ConnectionString: aws.String("desktop.example.com")})
	apiError(t, err, "ResourceAlreadyExistsException")
	if _, err := c.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = other.CreateConnectionAlias(ctx, &workspaces.CreateConnectionAliasInput{ConnectionString: aws.String("desktop.example.com")})
	apiError(t, err, "ResourceAlreadyExistsException")
	again := createAlias(t, c, "desktop.example.com")
	if again == id {
		t.Errorf("the recreated alias has the deleted one's id %s", id)
	}
	if ids := aliasIDs(t, c, workspaces.DescribeConnectionAliasesInput{}); !slices.Equal(ids, []string{again}) {
		t.Errorf("DescribeConnectionAliases after delete and recreate = %v, want [%s]", ids, again)
	}
	_, err = c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
	notFound(t, err, id)
	_, err = c.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String(id)})
	notFound(t, err, id)
}

func TestConnectionAliasesPagination(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	var want []string
	for i := range 7 {
		want = append(want, createAlias(t, c, fmt.Sprintf("d%d.example.com", i)))
	}
	slices.Sort(want)
	if got := aliasIDs(t, c, workspaces.DescribeConnectionAliasesInput{Limit: aws.Int32(3)}); !slices.Equal(got, want) {
		t.Errorf("pages of 3 = %v, want %v", got, want)
	}
	sub := []string{want[1], want[4], want[6]}
	if got := aliasIDs(t, c, workspaces.DescribeConnectionAliasesInput{AliasIds: sub, Limit: aws.Int32(2)}); !slices.Equal(got, sub) {
		t.Errorf("AliasIds in pages of 2 = %v, want %v", got, sub)
	}
	_, err := c.DescribeConnectionAliases(context.Background(), &workspaces.DescribeConnectionAliasesInput{NextToken: aws.String("bogus")})
	apiError(t, err, "InvalidParameterValuesException")
}

func TestConnectionAliasAssociation(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	id := createAlias(t, c, "desktop.example.com")
	other := createAlias(t, c, "other.example.com")
	registerDirectory(t, c, "d-0123456789")

	_, err := c.AssociateConnectionAlias(ctx, &workspaces.AssociateConnectionAliasInput{AliasId: aws.String(id), ResourceId: aws.String("d-0123456789")})
	apiError(t, err, "InvalidResourceStateException") // still REGISTERING
	srv.Advance(time.Minute)
	_, err = c.AssociateConnectionAlias(ctx, &workspaces.AssociateConnectionAliasInput{AliasId: aws.String(id), ResourceId: aws.String("d-9999999999")})
	notFound(t, err, "d-9999999999")
	_, err = c.AssociateConnectionAlias(ctx, &workspaces.AssociateConnectionAliasInput{AliasId: aws.String("wsca-000000000"), ResourceId: aws.String("d-0123456789")})
	notFound(t, err, "wsca-000000000")

	conn := associate(t, c, id, "d-0123456789")
	a := describeAlias(t, c, id)
	want := types.ConnectionAliasAssociation{AssociationStatus: types.AssociationStatusAssociatedWithOwnerAccount,
		AssociatedAccountId: aws.String(defaultAccount), ResourceId: aws.String("d-0123456789"), ConnectionIdentifier: aws.String(conn)}
	if len(a.Associations) != 1 || !sameAssociation(a.Associations[0], want) {
		t.Errorf("Associations = %q, want [%q]", assocStrings(a.Associations), assocString(want))
	}
	_, err = c.AssociateConnectionAlias(ctx, &workspaces.AssociateConnectionAliasInput{AliasId: aws.String(id), ResourceId: aws.String("d-0123456789")})
	apiError(t, err, "ResourceAssociatedException")
	if got := aliasIDs(t, c, workspaces.DescribeConnectionAliasesInput{ResourceId: aws.String("d-0123456789")}); !slices.Equal(got, []string{id}) {
		t.Errorf("ResourceId filter = %v, want [%s] (not %s)", got, id, other)
	}

	_, err = c.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String(id)})
	apiError(t, err, "ResourceAssociatedException")
	if _, err := c.DisassociateConnectionAlias(ctx, &workspaces.DisassociateConnectionAliasInput{AliasId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if a := describeAlias(t, c, id); len(a.Associations) != 0 {
		t.Errorf("Associations after disassociation = %+v, want none", a.Associations)
	}
	_, err = c.DisassociateConnectionAlias(ctx, &workspaces.DisassociateConnectionAliasInput{AliasId: aws.String(id)})
	apiError(t, err, "InvalidResourceStateException")
	if conn2 := associate(t, c, id, "d-0123456789"); conn2 == conn {
		t.Errorf("a new association kept the ConnectionIdentifier %s", conn)
	}
	if _, err := c.DisassociateConnectionAlias(ctx, &workspaces.DisassociateConnectionAliasInput{AliasId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteConnectionAlias once disassociated: %v", err)
	}
}

func sameAssociation(a, b types.ConnectionAliasAssociation) bool {
	return assocString(a) == assocString(b)
}

// assocString renders an association readably, for comparison and messages.
func assocString(a types.ConnectionAliasAssociation) string {
	return fmt.Sprintf("%s by %s to %s as %s", a.AssociationStatus, aws.ToString(a.AssociatedAccountId),
		aws.ToString(a.ResourceId), aws.ToString(a.ConnectionIdentifier))
}

func assocStrings(as []types.ConnectionAliasAssociation) []string {
	var out []string
	for _, a := range as {
		out = append(out, assocString(a))
	}
	return out
}

func TestConnectionAliasSharing(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	const guest, stranger = "111122223333", "444455556666"
	gc := newClient(srv.AWSConfigFor(guest, defaultRegion))
	sc := newClient(srv.AWSConfigFor(stranger, defaultRegion))
	id := createAlias(t, c, "desktop.example.com")
	registerDirectory(t, gc, "d-1111111111")
	registerDirectory(t, sc, "d-2222222222")
	srv.Advance(time.Minute)

	// Not shared: the guest sees nothing and cannot associate.
	if ids := aliasIDs(t, gc, workspaces.DescribeConnectionAliasesInput{}); len(ids) != 0 {
		t.Errorf("guest sees %v before sharing", ids)
	}
	_, err := gc.AssociateConnectionAlias(ctx, &workspaces.AssociateConnectionAliasInput{AliasId: aws.String(id), ResourceId: aws.String("d-1111111111")})
	notFound(t, err, id)

	apiError(t, share(t, c, id, defaultAccount, true), "InvalidParameterValuesException")
	if err := share(t, c, id, guest, true); err != nil {
		t.Fatal(err)
	}
	if err := share(t, c, id, guest, true); err != nil {
		t.Fatalf("sharing twice: %v", err)
	}
	perms, err := c.DescribeConnectionAliasPermissions(ctx, &workspaces.DescribeConnectionAliasPermissionsInput{AliasId: aws.String(id)})
	if err != nil || aws.ToString(perms.AliasId) != id || len(perms.ConnectionAliasPermissions) != 1 ||
		aws.ToString(perms.ConnectionAliasPermissions[0].SharedAccountId) != guest || !aws.ToBool(perms.ConnectionAliasPermissions[0].AllowAssociation) {
		t.Fatalf("DescribeConnectionAliasPermissions = %+v, %v; want %s allowed", perms, err, guest)
	}
	// Only the owner manages permissions.
	_, err = gc.DescribeConnectionAliasPermissions(ctx, &workspaces.DescribeConnectionAliasPermissionsInput{AliasId: aws.String(id)})
	notFound(t, err, id)
	notFound(t, share(t, gc, id, stranger, true), id)

	// The guest sees it, owned by the owner, and associates it with its own directory.
	if a := describeAlias(t, gc, id); aws.ToString(a.OwnerAccountId) != defaultAccount {
		t.Errorf("guest sees OwnerAccountId %s, want %s", aws.ToString(a.OwnerAccountId), defaultAccount)
	}
	if ids := aliasIDs(t, sc, workspaces.DescribeConnectionAliasesInput{}); len(ids) != 0 {
		t.Errorf("a stranger sees %v", ids)
	}
	_, err = gc.AssociateConnectionAlias(ctx, &workspaces.AssociateConnectionAliasInput{AliasId: aws.String(id), ResourceId: aws.String("d-0123456789")})
	notFound(t, err, "d-0123456789") // the owner's directory id, not the guest's
	conn := associate(t, gc, id, "d-1111111111")
	want := types.ConnectionAliasAssociation{AssociationStatus: types.AssociationStatusAssociatedWithSharedAccount,
		AssociatedAccountId: aws.String(guest), ResourceId: aws.String("d-1111111111"), ConnectionIdentifier: aws.String(conn)}
	for who, cl := range map[string]*workspaces.Client{"owner": c, "guest": gc} {
		if a := describeAlias(t, cl, id); len(a.Associations) != 1 || !sameAssociation(a.Associations[0], want) {
			t.Errorf("%s sees Associations %q, want [%q]", who, assocStrings(a.Associations), assocString(want))
		}
	}
	if ids := aliasIDs(t, gc, workspaces.DescribeConnectionAliasesInput{ResourceId: aws.String("d-1111111111")}); !slices.Equal(ids, []string{id}) {
		t.Errorf("guest's ResourceId filter = %v", ids)
	}

	// Unsharing and deleting wait for the guest to disassociate; then for unsharing.
	apiError(t, share(t, c, id, guest, false), "ResourceAssociatedException")
	_, err = c.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String(id)})
	apiError(t, err, "ResourceAssociatedException")
	_, err = gc.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String(id)})
	notFound(t, err, id)
	if _, err := gc.DisassociateConnectionAlias(ctx, &workspaces.DisassociateConnectionAliasInput{AliasId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String(id)})
	apiError(t, err, "ResourceAssociatedException") // still shared

	// A guest cannot undo the owner's association.
	associate(t, c, id, mustRegister(t, srv, c, "d-0123456789"))
	_, err = gc.DisassociateConnectionAlias(ctx, &workspaces.DisassociateConnectionAliasInput{AliasId: aws.String(id)})
	apiError(t, err, "AccessDeniedException")
	if _, err := c.DisassociateConnectionAlias(ctx, &workspaces.DisassociateConnectionAliasInput{AliasId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}

	if err := share(t, c, id, guest, false); err != nil {
		t.Fatal(err)
	}
	if ids := aliasIDs(t, gc, workspaces.DescribeConnectionAliasesInput{}); len(ids) != 0 {
		t.Errorf("guest sees %v after unsharing", ids)
	}
	perms, err = c.DescribeConnectionAliasPermissions(ctx, &workspaces.DescribeConnectionAliasPermissionsInput{AliasId: aws.String(id)})
	if err != nil || len(perms.ConnectionAliasPermissions) != 0 {
		t.Errorf("permissions after unsharing = %+v, %v", perms, err)
	}
	if _, err := c.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteConnectionAlias unshared and unassociated: %v", err)
	}
}

// mustRegister registers a directory and lets it become REGISTERED.
func mustRegister(t *testing.T, srv *wslocaltest.Server, c *workspaces.Client, dir string) string {
	t.Helper()
	registerDirectory(t, c, dir)
	srv.Advance(time.Minute)
	return dir
}

func TestConnectionAliasQuotas(t *testing.T) {
	t.Parallel()
	cfg := wsl.DefaultConfig()
	if cfg.Quotas.ConnectionAliases != 20 {
		t.Errorf("default ConnectionAliases quota = %d, want AWS's 20", cfg.Quotas.ConnectionAliases)
	}
	cfg.Quotas.ConnectionAliases, cfg.Quotas.ConnectionAliasShares = 2, 2
	srv := start(t, wslocaltest.WithConfig(cfg))
	c := client(srv)
	ctx := context.Background()
	id := createAlias(t, c, "a.example.com")
	createAlias(t, c, "b.example.com")
	_, err := c.CreateConnectionAlias(ctx, &workspaces.CreateConnectionAliasInput{ConnectionString: aws.String("c.example.com")})
	apiError(t, err, "ResourceLimitExceededException")
	// The quota is per account and region.
	createAlias(t, newClient(srv.AWSConfigFor(defaultAccount, "eu-west-1")), "c.example.com")

	for _, acct := range []string{"111111111111", "222222222222"} {
		if err := share(t, c, id, acct, true); err != nil {
			t.Fatal(err)
		}
	}
	apiError(t, share(t, c, id, "333333333333", true), "ResourceLimitExceededException")
	perms, err := c.DescribeConnectionAliasPermissions(ctx, &workspaces.DescribeConnectionAliasPermissionsInput{AliasId: aws.String(id), MaxResults: aws.Int32(1)})
	if err != nil || len(perms.ConnectionAliasPermissions) != 1 || perms.NextToken == nil {
		t.Fatalf("first permissions page = %+v, %v", perms, err)
	}
	perms, err = c.DescribeConnectionAliasPermissions(ctx, &workspaces.DescribeConnectionAliasPermissionsInput{AliasId: aws.String(id), MaxResults: aws.Int32(1), NextToken: perms.NextToken})
	if err != nil || len(perms.ConnectionAliasPermissions) != 1 || aws.ToString(perms.ConnectionAliasPermissions[0].SharedAccountId) != "222222222222" || perms.NextToken != nil {
		t.Fatalf("second permissions page = %+v, %v", perms, err)
	}
}

func TestConnectionAliasesIsolation(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	c := client(srv)
	id := createAlias(t, c, "desktop.example.com")
	for _, o := range []struct{ account, region string }{{"111122223333", defaultRegion}, {defaultAccount, "eu-west-1"}} {
		oc := newClient(srv.AWSConfigFor(o.account, o.region))
		registerDirectory(t, oc, "d-0123456789")
		srv.Advance(time.Minute)
		if ids := aliasIDs(t, oc, workspaces.DescribeConnectionAliasesInput{}); len(ids) != 0 {
			t.Errorf("%s/%s sees %v", o.account, o.region, ids)
		}
		if ids := aliasIDs(t, oc, workspaces.DescribeConnectionAliasesInput{AliasIds: []string{id}}); len(ids) != 0 {
			t.Errorf("%s/%s sees %v by id", o.account, o.region, ids)
		}
		_, err := oc.AssociateConnectionAlias(ctx, &workspaces.AssociateConnectionAliasInput{AliasId: aws.String(id), ResourceId: aws.String("d-0123456789")})
		notFound(t, err, id)
		_, err = oc.DisassociateConnectionAlias(ctx, &workspaces.DisassociateConnectionAliasInput{AliasId: aws.String(id)})
		notFound(t, err, id)
		_, err = oc.DeleteConnectionAlias(ctx, &workspaces.DeleteConnectionAliasInput{AliasId: aws.String(id)})
		notFound(t, err, id)
		_, err = oc.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
		notFound(t, err, id)
	}
	// Sharing reaches the account in the alias's region only.
	if err := share(t, c, id, "111122223333", true); err != nil {
		t.Fatal(err)
	}
	euGuest := newClient(srv.AWSConfigFor("111122223333", "eu-west-1"))
	if ids := aliasIDs(t, euGuest, workspaces.DescribeConnectionAliasesInput{}); len(ids) != 0 {
		t.Errorf("the guest in another region sees %v", ids)
	}
}

// TestConnectionAliasesStateRoundTrip: an exported state holds aliases,
// their tags, shares, associations and reserved connection strings.
func TestConnectionAliasesStateRoundTrip(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	const guest = "111122223333"
	gc := newClient(srv.AWSConfigFor(guest, defaultRegion))
	id := createAlias(t, c, "desktop.example.com", types.Tag{Key: aws.String("team"), Value: aws.String("it")})
	if err := share(t, c, id, guest, true); err != nil {
		t.Fatal(err)
	}
	registerDirectory(t, gc, "d-1111111111")
	srv.Advance(time.Minute)
	conn := associate(t, gc, id, "d-1111111111")

	state := exportState(t, srv)
	srv.Reset()
	if ids := aliasIDs(t, c, workspaces.DescribeConnectionAliasesInput{}); len(ids) != 0 {
		t.Fatalf("aliases after reset = %v", ids)
	}
	importState(t, srv, state)
	a := describeAlias(t, gc, id)
	if aws.ToString(a.ConnectionString) != "desktop.example.com" || len(a.Associations) != 1 || aws.ToString(a.Associations[0].ConnectionIdentifier) != conn {
		t.Errorf("imported alias as the guest sees it = %+v", a)
	}
	if tags := tagsOf(t, c, id); tags["team"] != "it" {
		t.Errorf("imported tags = %v", tags)
	}
	_, err := gc.CreateConnectionAlias(ctx, &workspaces.CreateConnectionAliasInput{ConnectionString: aws.String("desktop.example.com")})
	apiError(t, err, "ResourceAlreadyExistsException")
}

// TestConnectionAliasesOwnAndSharedPaged: a caller's own aliases and those
// shared with it come in one ID order across pages of any size, with and
// without AliasIds.
func TestConnectionAliasesOwnAndSharedPaged(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	const guest = "111122223333"
	gc := newClient(srv.AWSConfigFor(guest, defaultRegion))
	var all []string
	for i := range 4 {
		shared := createAlias(t, c, fmt.Sprintf("shared%d.example.com", i))
		if err := share(t, c, shared, guest, true); err != nil {
			t.Fatal(err)
		}
		all = append(all, shared, createAlias(t, gc, fmt.Sprintf("own%d.example.com", i)))
	}
	slices.Sort(all)
	for _, limit := range []int32{1, 2, 3, 25} {
		if got := aliasIDs(t, gc, workspaces.DescribeConnectionAliasesInput{Limit: aws.Int32(limit)}); !slices.Equal(got, all) {
			t.Errorf("Limit %d: %v, want %v", limit, got, all)
		}
	}
	sub := []string{all[6], all[1], all[3]}
	want := []string{all[1], all[3], all[6]}
	if got := aliasIDs(t, gc, workspaces.DescribeConnectionAliasesInput{AliasIds: sub, Limit: aws.Int32(1)}); !slices.Equal(got, want) {
		t.Errorf("AliasIds %v: %v, want %v", sub, got, want)
	}
}
