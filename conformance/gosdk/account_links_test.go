package gosdk_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/wslocaltest"
)

// linkIDPattern is wslocal's IDs within the model's ^link-.{8,24}$.
var linkIDPattern = regexp.MustCompile(`^link-[0-9a-z]{9}$`)

const (
	linkSource = "111111111111"
	linkTarget = "222222222222"
	linkOther  = "333333333333"
)

const (
	pending  = types.AccountLinkStatusEnumPendingAcceptanceByTargetAccount
	linked   = types.AccountLinkStatusEnumLinked
	rejected = types.AccountLinkStatusEnumRejected
)

// linkClients are the source, the target and a third account, in the
// default region.
func linkClients(srv *wslocaltest.Server) (src, dst, other *workspaces.Client) {
	return newClient(srv.AWSConfigFor(linkSource, defaultRegion)), newClient(srv.AWSConfigFor(linkTarget, defaultRegion)),
		newClient(srv.AWSConfigFor(linkOther, defaultRegion))
}

// invite creates an invitation to target and returns its link; the call
// must succeed.
func invite(t *testing.T, c *workspaces.Client, target string) types.AccountLink {
	t.Helper()
	out, err := c.CreateAccountLinkInvitation(context.Background(), &workspaces.CreateAccountLinkInvitationInput{TargetAccountId: aws.String(target)})
	if err != nil {
		t.Fatalf("CreateAccountLinkInvitation(%s): %v", target, err)
	}
	l := *out.AccountLink
	if !linkIDPattern.MatchString(aws.ToString(l.AccountLinkId)) {
		t.Fatalf("AccountLinkId = %q, want link- and 9 lowercase alphanumerics", aws.ToString(l.AccountLinkId))
	}
	return l
}

// linkString renders a link for comparisons: "id source>target STATUS".
func linkString(l *types.AccountLink) string {
	if l == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%s %s>%s %s", aws.ToString(l.AccountLinkId), aws.ToString(l.SourceAccountId), aws.ToString(l.TargetAccountId), l.AccountLinkStatus)
}

func wantLink(id, source, target string, status types.AccountLinkStatusEnum) string {
	return fmt.Sprintf("%s %s>%s %s", id, source, target, status)
}

// getLink is GetAccountLink by id; the call must succeed.
func getLink(t *testing.T, c *workspaces.Client, id string) string {
	t.Helper()
	out, err := c.GetAccountLink(context.Background(), &workspaces.GetAccountLinkInput{LinkId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetAccountLink(%s): %v", id, err)
	}
	return linkString(out.AccountLink)
}

// listLinks follows every page of ListAccountLinks with filter.
func listLinks(t *testing.T, c *workspaces.Client, filter ...types.AccountLinkStatusEnum) []string {
	t.Helper()
	var got []string
	p := workspaces.NewListAccountLinksPaginator(c, &workspaces.ListAccountLinksInput{LinkStatusFilter: filter})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListAccountLinks(%v): %v", filter, err)
		}
		for i := range out.AccountLinks {
			got = append(got, linkString(&out.AccountLinks[i]))
		}
	}
	return got
}

// linkPages walks ListAccountLinks page by page from in and returns the
// links (as linkString) and the size of each page.
func linkPages(t *testing.T, c *workspaces.Client, in workspaces.ListAccountLinksInput) (links []string, sizes []int) {
	t.Helper()
	return walkPages(t, func(token *string) ([]string, *string, error) {
		in.NextToken = token
		out, err := c.ListAccountLinks(context.Background(), &in)
		if err != nil {
			return nil, nil, err
		}
		var page []string
		for i := range out.AccountLinks {
			page = append(page, linkString(&out.AccountLinks[i]))
		}
		return page, out.NextToken, nil
	})
}

// The invitation flow: the source invites, both accounts see the link
// (by id, by the other account, in their lists), a third account and the
// target in another region see nothing; only the target accepts, and an
// accepted link can be neither accepted again nor deleted.
func TestAccountLinkInvitationFlow(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	src, dst, other := linkClients(srv)
	l := invite(t, src, linkTarget)
	id := aws.ToString(l.AccountLinkId)
	want := wantLink(id, linkSource, linkTarget, pending)
	if got := linkString(&l); got != want {
		t.Fatalf("CreateAccountLinkInvitation = %s, want %s", got, want)
	}
	for name, c := range map[string]*workspaces.Client{"source": src, "target": dst} {
		if got := getLink(t, c, id); got != want {
			t.Errorf("GetAccountLink as the %s = %s, want %s", name, got, want)
		}
		if got := listLinks(t, c); !slices.Equal(got, []string{want}) {
			t.Errorf("ListAccountLinks as the %s = %v, want [%s]", name, got, want)
		}
	}
	for c, linkedAccount := range map[*workspaces.Client]string{src: linkTarget, dst: linkSource} {
		out, err := c.GetAccountLink(ctx, &workspaces.GetAccountLinkInput{LinkedAccountId: aws.String(linkedAccount)})
		if err != nil || linkString(out.AccountLink) != want {
			t.Errorf("GetAccountLink(LinkedAccountId %s) = %v, %v; want %s", linkedAccount, out, err, want)
		}
	}

	// Nobody else sees it: a third account, nor the target in another region.
	elsewhere := newClient(srv.AWSConfigFor(linkTarget, "eu-west-1"))
	for name, c := range map[string]*workspaces.Client{"a third account": other, "the target in eu-west-1": elsewhere} {
		_, err := c.GetAccountLink(ctx, &workspaces.GetAccountLinkInput{LinkId: aws.String(id)})
		wantAPIError(t, err, "ResourceNotFoundException", "The account link "+id+" could not be found.")
		notFound(t, err, id)
		if got := listLinks(t, c); len(got) != 0 {
			t.Errorf("ListAccountLinks as %s = %v, want none", name, got)
		}
		_, err = c.AcceptAccountLinkInvitation(ctx, &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(id)})
		notFound(t, err, id)
		_, err = c.RejectAccountLinkInvitation(ctx, &workspaces.RejectAccountLinkInvitationInput{LinkId: aws.String(id)})
		notFound(t, err, id)
		_, err = c.DeleteAccountLinkInvitation(ctx, &workspaces.DeleteAccountLinkInvitationInput{LinkId: aws.String(id)})
		notFound(t, err, id)
	}
	_, err := other.GetAccountLink(ctx, &workspaces.GetAccountLinkInput{LinkedAccountId: aws.String(linkSource)})
	wantAPIError(t, err, "ResourceNotFoundException", "No account link between the accounts 333333333333 and 111111111111 could be found.")
	notFound(t, err, linkSource)

	// Only the target accepts or rejects; only the source deletes.
	_, err = src.AcceptAccountLinkInvitation(ctx, &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(id)})
	wantAPIError(t, err, "AccessDeniedException", "Only the target account 222222222222 can accept the account link "+id+".")
	asType[*types.AccessDeniedException](t, err)
	_, err = src.RejectAccountLinkInvitation(ctx, &workspaces.RejectAccountLinkInvitationInput{LinkId: aws.String(id)})
	wantAPIError(t, err, "AccessDeniedException", "Only the target account 222222222222 can reject the account link "+id+".")
	_, err = dst.DeleteAccountLinkInvitation(ctx, &workspaces.DeleteAccountLinkInvitationInput{LinkId: aws.String(id)})
	wantAPIError(t, err, "AccessDeniedException", "Only the source account 111111111111 can delete the account link "+id+".")
	if got := getLink(t, src, id); got != want {
		t.Fatalf("after the refusals the link is %s, want %s", got, want)
	}

	out, err := dst.AcceptAccountLinkInvitation(ctx, &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(id)})
	want = wantLink(id, linkSource, linkTarget, linked)
	if err != nil || linkString(out.AccountLink) != want {
		t.Fatalf("AcceptAccountLinkInvitation = %v, %v; want %s", out, err, want)
	}
	if got := getLink(t, src, id); got != want {
		t.Errorf("the source sees %s, want %s", got, want)
	}
	_, err = dst.AcceptAccountLinkInvitation(ctx, &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(id)})
	wantAPIError(t, err, "ConflictException", "The account link "+id+" is LINKED; only a link that is PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT can be accepted.")
	asType[*types.ConflictException](t, err)
	_, err = dst.RejectAccountLinkInvitation(ctx, &workspaces.RejectAccountLinkInvitationInput{LinkId: aws.String(id)})
	wantAPIError(t, err, "ConflictException", "The account link "+id+" is LINKED; only a link that is PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT can be rejected.")
	_, err = src.DeleteAccountLinkInvitation(ctx, &workspaces.DeleteAccountLinkInvitationInput{LinkId: aws.String(id)})
	wantAPIError(t, err, "ConflictException", "The account link "+id+" is LINKED: an accepted link cannot be deleted.")
	_, err = src.CreateAccountLinkInvitation(ctx, &workspaces.CreateAccountLinkInvitationInput{TargetAccountId: aws.String(linkTarget)})
	wantAPIError(t, err, "ConflictException", "The account 222222222222 is already linked or invited: account link "+id+" is LINKED.")

	// The filter.
	for _, c := range []*workspaces.Client{src, dst} {
		if got := listLinks(t, c, linked); !slices.Equal(got, []string{want}) {
			t.Errorf("ListAccountLinks(LINKED) = %v, want [%s]", got, want)
		}
		if got := listLinks(t, c, pending, rejected); len(got) != 0 {
			t.Errorf("ListAccountLinks(PENDING, REJECTED) = %v, want none", got)
		}
	}
}

// A rejected invitation stays, REJECTED, for both accounts until the
// source deletes it; the source may invite the target again meanwhile.
func TestAccountLinkRejectAndDelete(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	src, dst, _ := linkClients(srv)
	id := aws.ToString(invite(t, src, linkTarget).AccountLinkId)
	out, err := dst.RejectAccountLinkInvitation(ctx, &workspaces.RejectAccountLinkInvitationInput{LinkId: aws.String(id)})
	want := wantLink(id, linkSource, linkTarget, rejected)
	if err != nil || linkString(out.AccountLink) != want {
		t.Fatalf("RejectAccountLinkInvitation = %v, %v; want %s", out, err, want)
	}
	if got := getLink(t, src, id); got != want {
		t.Errorf("the source sees %s, want %s", got, want)
	}
	_, err = dst.AcceptAccountLinkInvitation(ctx, &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(id)})
	wantAPIError(t, err, "ConflictException", "The account link "+id+" is REJECTED; only a link that is PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT can be accepted.")
	_, err = dst.RejectAccountLinkInvitation(ctx, &workspaces.RejectAccountLinkInvitationInput{LinkId: aws.String(id)})
	wantAPIError(t, err, "ConflictException", "The account link "+id+" is REJECTED; only a link that is PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT can be rejected.")

	again := aws.ToString(invite(t, src, linkTarget).AccountLinkId)
	if got := listLinks(t, dst, rejected); !slices.Equal(got, []string{want}) {
		t.Errorf("ListAccountLinks(REJECTED) = %v, want [%s]", got, want)
	}
	if got := listLinks(t, dst, pending); !slices.Equal(got, []string{wantLink(again, linkSource, linkTarget, pending)}) {
		t.Errorf("ListAccountLinks(PENDING) = %v, want the new invitation %s", got, again)
	}
	// GetAccountLink by the other account answers the live link.
	g, err := dst.GetAccountLink(ctx, &workspaces.GetAccountLinkInput{LinkedAccountId: aws.String(linkSource)})
	if err != nil || aws.ToString(g.AccountLink.AccountLinkId) != again {
		t.Errorf("GetAccountLink(LinkedAccountId) = %v, %v; want the live link %s", g, err, again)
	}

	d, err := src.DeleteAccountLinkInvitation(ctx, &workspaces.DeleteAccountLinkInvitationInput{LinkId: aws.String(id)})
	if err != nil || linkString(d.AccountLink) != want {
		t.Fatalf("DeleteAccountLinkInvitation = %v, %v; want the link as it was, %s", d, err, want)
	}
	for _, c := range []*workspaces.Client{src, dst} {
		_, err = c.GetAccountLink(ctx, &workspaces.GetAccountLinkInput{LinkId: aws.String(id)})
		notFound(t, err, id)
	}
	_, err = src.DeleteAccountLinkInvitation(ctx, &workspaces.DeleteAccountLinkInvitationInput{LinkId: aws.String(id)})
	notFound(t, err, id)
	// A pending invitation can be withdrawn too.
	d, err = src.DeleteAccountLinkInvitation(ctx, &workspaces.DeleteAccountLinkInvitationInput{LinkId: aws.String(again)})
	if err != nil || d.AccountLink.AccountLinkStatus != pending {
		t.Fatalf("DeleteAccountLinkInvitation(pending) = %v, %v", d, err)
	}
	if got := listLinks(t, dst); len(got) != 0 {
		t.Errorf("after both deletions the target lists %v", got)
	}
}

// Every refusal of CreateAccountLinkInvitation, with its code and message.
func TestAccountLinkCreateRefusals(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	src, dst, other := linkClients(srv)
	create := func(c *workspaces.Client, target string) error {
		_, err := c.CreateAccountLinkInvitation(ctx, &workspaces.CreateAccountLinkInvitationInput{TargetAccountId: aws.String(target)})
		return err
	}
	err := create(src, linkSource)
	wantAPIError(t, err, "ValidationException", "The TargetAccountId 111111111111 is the caller's own account: an account cannot link to itself.")
	asType[*types.ValidationException](t, err)
	wantAPIError(t, create(src, "12345"), "ValidationException",
		"1 validation error detected: Value '12345' at 'targetAccountId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\d{12}$")

	id := aws.ToString(invite(t, src, linkTarget).AccountLinkId)
	wantAPIError(t, create(src, linkTarget), "ConflictException",
		"The account 222222222222 is already linked or invited: account link "+id+" is PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT.")
	// Either way round.
	wantAPIError(t, create(dst, linkSource), "ConflictException",
		"The account 111111111111 is already linked or invited: account link "+id+" is PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT.")

	// Another source may invite the same target while it is only invited.
	competing := aws.ToString(invite(t, other, linkTarget).AccountLinkId)
	if _, err := dst.AcceptAccountLinkInvitation(ctx, &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	// Linked accounts share the source's infrastructure: one source per
	// target, and no account is both.
	_, err = dst.AcceptAccountLinkInvitation(ctx, &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(competing)})
	wantAPIError(t, err, "ConflictException", "The account 222222222222 is already linked to the source account 111111111111 (account link "+id+").")
	const fourth = "444444444444"
	wantAPIError(t, create(other, linkTarget), "ConflictException",
		"The account 222222222222 is already linked or invited: account link "+competing+" is PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT.")
	wantAPIError(t, create(dst, fourth), "ConflictException",
		"The account 222222222222 is linked to the source account 111111111111 (account link "+id+"); a target account cannot be a source.")
	wantAPIError(t, create(other, linkSource), "ConflictException",
		"The account 111111111111 is the source account of account link "+id+"; a source account cannot be a target.")
	// The source may link more targets.
	invite(t, src, fourth)
}

// A ClientToken makes each call idempotent: the same call again answers
// the same link; the token with another target is a conflict.
func TestAccountLinkClientToken(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	src, dst, _ := linkClients(srv)
	in := &workspaces.CreateAccountLinkInvitationInput{TargetAccountId: aws.String(linkTarget), ClientToken: aws.String("invite-1")}
	first, err := src.CreateAccountLinkInvitation(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := src.CreateAccountLinkInvitation(ctx, in)
	if err != nil || linkString(second.AccountLink) != linkString(first.AccountLink) {
		t.Fatalf("the same CreateAccountLinkInvitation again = %v, %v; want %s", second, err, linkString(first.AccountLink))
	}
	_, err = src.CreateAccountLinkInvitation(ctx, &workspaces.CreateAccountLinkInvitationInput{TargetAccountId: aws.String(linkOther), ClientToken: aws.String("invite-1")})
	wantAPIError(t, err, "ConflictException", "The ClientToken invite-1 was used to invite the account 222222222222, not 333333333333.")
	if got := listLinks(t, src); len(got) != 1 {
		t.Errorf("ListAccountLinks = %v, want the one link", got)
	}

	id := first.AccountLink.AccountLinkId
	accept := &workspaces.AcceptAccountLinkInvitationInput{LinkId: id, ClientToken: aws.String("accept-1")}
	for i := range 2 {
		out, err := dst.AcceptAccountLinkInvitation(ctx, accept)
		if err != nil || out.AccountLink.AccountLinkStatus != linked {
			t.Fatalf("AcceptAccountLinkInvitation #%d with its token = %v, %v", i+1, out, err)
		}
	}
	_, err = dst.AcceptAccountLinkInvitation(ctx, &workspaces.AcceptAccountLinkInvitationInput{LinkId: id, ClientToken: aws.String("accept-2")})
	apiError(t, err, "ConflictException")
	// The token that accepted does not reject.
	_, err = dst.RejectAccountLinkInvitation(ctx, &workspaces.RejectAccountLinkInvitationInput{LinkId: id, ClientToken: aws.String("accept-1")})
	apiError(t, err, "ConflictException")
}

// GetAccountLink's own rules.
func TestGetAccountLinkRefusals(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	src, _, _ := linkClients(srv)
	id := aws.ToString(invite(t, src, linkTarget).AccountLinkId)
	get := func(in workspaces.GetAccountLinkInput) error {
		_, err := src.GetAccountLink(ctx, &in)
		return err
	}
	wantAPIError(t, get(workspaces.GetAccountLinkInput{}), "ValidationException", "Either LinkId or LinkedAccountId is required.")
	wantAPIError(t, get(workspaces.GetAccountLinkInput{LinkedAccountId: aws.String(linkSource)}), "ValidationException",
		"The LinkedAccountId 111111111111 is the caller's own account.")
	wantAPIError(t, get(workspaces.GetAccountLinkInput{LinkId: aws.String("link-1")}), "ValidationException",
		"1 validation error detected: Value 'link-1' at 'linkId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^link-.{8,24}$")
	err := get(workspaces.GetAccountLinkInput{LinkId: aws.String("link-000000000")})
	wantAPIError(t, err, "ResourceNotFoundException", "The account link link-000000000 could not be found.")
	err = get(workspaces.GetAccountLinkInput{LinkId: aws.String(id), LinkedAccountId: aws.String(linkOther)})
	wantAPIError(t, err, "ResourceNotFoundException", "The account link "+id+" does not link the account 333333333333.")
	notFound(t, err, id)
	if err := get(workspaces.GetAccountLinkInput{LinkId: aws.String(id), LinkedAccountId: aws.String(linkTarget)}); err != nil {
		t.Errorf("GetAccountLink with both, matching: %v", err)
	}
}

// ListAccountLinks pages by link id, at most 25 a page, and refuses what
// is not a page of it.
func TestListAccountLinksPaging(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	src, _, _ := linkClients(srv)
	var want []string
	for i := range 7 {
		l := invite(t, src, fmt.Sprintf("5000000000%02d", i))
		want = append(want, linkString(&l))
	}
	slices.Sort(want)
	got, sizes := linkPages(t, src, workspaces.ListAccountLinksInput{MaxResults: aws.Int32(3)})
	if !slices.Equal(got, want) || !slices.Equal(sizes, []int{3, 3, 1}) {
		t.Errorf("pages of 3: sizes %v, links %v; want 3,3,1 of %v", sizes, got, want)
	}
	list := func(in workspaces.ListAccountLinksInput) error {
		_, err := src.ListAccountLinks(ctx, &in)
		return err
	}
	wantAPIError(t, list(workspaces.ListAccountLinksInput{MaxResults: aws.Int32(26)}), "ValidationException",
		"1 validation error detected: Value '26' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25")
	wantAPIError(t, list(workspaces.ListAccountLinksInput{NextToken: aws.String("bogus")}), "ValidationException",
		`The NextToken "bogus" is not valid for ListAccountLinks.`)
	wantAPIError(t, list(workspaces.ListAccountLinksInput{LinkStatusFilter: []types.AccountLinkStatusEnum{}}), "ValidationException",
		"LinkStatusFilter must contain at least one value.")
	wantAPIError(t, list(workspaces.ListAccountLinksInput{LinkStatusFilter: []types.AccountLinkStatusEnum{linked, linked}}), "ValidationException",
		"LinkStatusFilter contains the value LINKED more than once.")
	// Every status of the model filters, including those wslocal's own
	// operations never reach.
	for _, st := range []types.AccountLinkStatusEnum{types.AccountLinkStatusEnumLinkingFailed, types.AccountLinkStatusEnumLinkNotFound} {
		if got := listLinks(t, src, st); len(got) != 0 {
			t.Errorf("ListAccountLinks(%s) = %v", st, got)
		}
	}
}

// Export and import keep the links and the shares that let the target
// see them.
func TestAccountLinksSurviveSnapshot(t *testing.T) {
	t.Parallel()
	srv := start(t)
	src, dst, other := linkClients(srv)
	l := invite(t, src, linkTarget)
	id := aws.ToString(l.AccountLinkId)
	want := wantLink(id, linkSource, linkTarget, pending)

	state := exportState(t, srv)
	srv.Reset()
	if got := listLinks(t, dst); len(got) != 0 {
		t.Fatalf("links after reset = %v", got)
	}
	importState(t, srv, state)
	for _, c := range []*workspaces.Client{src, dst} {
		if got := listLinks(t, c); !slices.Equal(got, []string{want}) {
			t.Errorf("imported links = %v, want [%s]", got, want)
		}
	}
	if got := listLinks(t, other); len(got) != 0 {
		t.Errorf("a third account sees the imported links %v", got)
	}
	if _, err := dst.AcceptAccountLinkInvitation(context.Background(), &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(id)}); err != nil {
		t.Errorf("accepting the imported invitation: %v", err)
	}
}

// matrixLinkTarget is invited by every partition of the isolation matrix;
// it is outside the matrix.
const matrixLinkTarget = "888888888888"

// checkOwnLinks: p lists and gets its own link only (isolation matrix).
func checkOwnLinks(t *testing.T, p *matrixPartition) {
	t.Helper()
	want := wantLink(p.link, p.account, matrixLinkTarget, pending)
	if got := listLinks(t, p.c); !slices.Equal(got, []string{want}) {
		t.Errorf("ListAccountLinks = %v, want only %s", got, want)
	}
	if got := getLink(t, p.c, p.link); got != want {
		t.Errorf("GetAccountLink(own) = %s, want %s", got, want)
	}
	out, err := p.c.GetAccountLink(context.Background(), &workspaces.GetAccountLinkInput{LinkedAccountId: aws.String(matrixLinkTarget)})
	if err != nil || linkString(out.AccountLink) != want {
		t.Errorf("GetAccountLink(LinkedAccountId %s) = %v, %v; want %s", matrixLinkTarget, out, err, want)
	}
}

// checkForeignLinks: p gets nothing of o's link, by id or by account.
func checkForeignLinks(t *testing.T, p, o *matrixPartition) {
	t.Helper()
	ctx := context.Background()
	_, err := p.c.GetAccountLink(ctx, &workspaces.GetAccountLinkInput{LinkId: aws.String(o.link)})
	notFound(t, err, o.link)
	if o.account != p.account {
		_, err = p.c.GetAccountLink(ctx, &workspaces.GetAccountLinkInput{LinkedAccountId: aws.String(o.account)})
		notFound(t, err, o.account)
	}
}

// InternalServerException, which the model lists for every account link
// operation, is what a fault rule injects: the SDK parses it as its type.
func TestAccountLinkInternalServerException(t *testing.T) {
	t.Parallel()
	srv := start(t)
	src, _, _ := linkClients(srv)
	srv.InjectFault(sim.FaultRule{Operation: "ListAccountLinks", Count: 1,
		APIError: &sim.APIErrorEffect{Code: "InternalServerException", Message: "injected"}})
	_, err := src.ListAccountLinks(context.Background(), &workspaces.ListAccountLinksInput{})
	wantAPIError(t, err, "InternalServerException", "injected")
	asType[*types.InternalServerException](t, err)
	if got := listLinks(t, src); len(got) != 0 {
		t.Errorf("after the one fault ListAccountLinks = %v", got)
	}
}

// TestListAccountLinksInvitedAndInvitingPaged: the links an account
// invited and those it was invited to come in one ID order across pages of
// any size, with the status filter too.
func TestListAccountLinksInvitedAndInvitingPaged(t *testing.T) {
	t.Parallel()
	srv := start(t)
	src, _, _ := linkClients(srv)
	var want []string
	for i := range 4 {
		l := invite(t, src, fmt.Sprintf("6000000000%02d", i))
		want = append(want, linkString(&l))
		inviter := newClient(srv.AWSConfigFor(fmt.Sprintf("7000000000%02d", i), defaultRegion))
		l = invite(t, inviter, linkSource)
		want = append(want, linkString(&l))
	}
	slices.Sort(want)
	for _, filter := range [][]types.AccountLinkStatusEnum{nil, {types.AccountLinkStatusEnumPendingAcceptanceByTargetAccount}} {
		for _, size := range []int32{1, 3, 25} {
			got, _ := linkPages(t, src, workspaces.ListAccountLinksInput{MaxResults: aws.Int32(size), LinkStatusFilter: filter})
			if !slices.Equal(got, want) {
				t.Errorf("filter %v, pages of %d: %v, want %v", filter, size, got, want)
			}
		}
	}
}
