package clients_test

import (
	"testing"

	"github.com/wslocal/wslocal/internal/proctest"
)

// TestBoto3AccountLinks: the account link invitation flow between two
// accounts, a third that sees nothing, and the modelled exceptions.
func TestBoto3AccountLinks(t *testing.T) { runPython(t, "python/account_links.py") }

// TestCLIAccountLinks: the invitation flow with `aws workspaces`, one
// access key per account: invite, the target lists and rejects it, the
// source sees it REJECTED and deletes it.
func TestCLIAccountLinks(t *testing.T) {
	proctest.RequireTool(t, "the AWS CLI", "aws", "--version")
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual")
	as := func(account string) *awsCLI {
		return &awsCLI{t: t, url: p.URL, env: proctest.ClientEnv(t, "AWS_ACCESS_KEY_ID="+account)}
	}
	src, dst, other := as("111111111111"), as("222222222222"), as("333333333333")
	type link struct{ AccountLinkId, AccountLinkStatus, SourceAccountId, TargetAccountId string }
	var created struct{ AccountLink link }
	src.ok(&created, "create-account-link-invitation", "--target-account-id", "222222222222")
	l := created.AccountLink
	if l.AccountLinkStatus != "PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT" || l.SourceAccountId != "111111111111" || l.TargetAccountId != "222222222222" {
		t.Fatalf("create-account-link-invitation = %+v", l)
	}
	var listed struct{ AccountLinks []link }
	dst.ok(&listed, "list-account-links", "--link-status-filter", "PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT")
	if len(listed.AccountLinks) != 1 || listed.AccountLinks[0] != l {
		t.Fatalf("the target's list-account-links = %+v, want [%+v]", listed.AccountLinks, l)
	}
	other.fails("ResourceNotFoundException", "The account link "+l.AccountLinkId+" could not be found.",
		"get-account-link", "--link-id", l.AccountLinkId)
	src.fails("AccessDeniedException", "Only the target account 222222222222 can reject the account link "+l.AccountLinkId+".",
		"reject-account-link-invitation", "--link-id", l.AccountLinkId)
	var rejected struct{ AccountLink link }
	dst.ok(&rejected, "reject-account-link-invitation", "--link-id", l.AccountLinkId)
	var got struct{ AccountLink link }
	src.ok(&got, "get-account-link", "--linked-account-id", "222222222222")
	if got.AccountLink.AccountLinkStatus != "REJECTED" || rejected.AccountLink.AccountLinkStatus != "REJECTED" {
		t.Errorf("after the rejection: reject answered %+v, the source gets %+v", rejected.AccountLink, got.AccountLink)
	}
	src.ok(nil, "delete-account-link-invitation", "--link-id", l.AccountLinkId)
	dst.ok(&listed, "list-account-links")
	if len(listed.AccountLinks) != 0 {
		t.Errorf("after the deletion the target lists %+v", listed.AccountLinks)
	}
}
