package dashboard

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/chromedp/chromedp"

	"github.com/wslocal/wslocal/wslocaltest"
)

// The account links panel lists a link with its two accounts and follows
// its status when the target accepts it.
func TestDashboardAccountLinks(t *testing.T) {
	ctx := newBrowser(t)
	srv := wslocaltest.Start(t)
	src := workspaces.NewFromConfig(srv.AWSConfigFor("111111111111", "us-east-1"))
	dst := workspaces.NewFromConfig(srv.AWSConfigFor("222222222222", "us-east-1"))
	out, err := src.CreateAccountLinkInvitation(context.Background(), &workspaces.CreateAccountLinkInvitationInput{TargetAccountId: aws.String("222222222222")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.AccountLink.AccountLinkId)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_wslocal/ui")); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	row := fmt.Sprintf(`#links tr[data-link=%q]`, id)
	waitFor(t, ctx, "the link PENDING", stateIs(row, "PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT"))
	if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%s).innerText`, js(row))); !strings.Contains(got, "111111111111") ||
		!strings.Contains(got, "222222222222") || !strings.Contains(got, "us-east-1") {
		t.Errorf("the link's row reads %q; want both accounts and the region", got)
	}
	if got := eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).color`, js(row+" .badge"))); got != grey {
		t.Errorf("a pending link's badge is %s, want the grey of waiting on someone, %s", got, grey)
	}
	if _, err := dst.AcceptAccountLinkInvitation(context.Background(), &workspaces.AcceptAccountLinkInvitationInput{LinkId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the link LINKED", stateIs(row, "LINKED"))
	if got := eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).color`, js(row+" .badge"))); got != green {
		t.Errorf("a linked link's badge is %s, want green %s", got, green)
	}
}
