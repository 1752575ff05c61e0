package dashboard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wslocal/wslocal/wslocaltest"
)

// TestDashboardPools: a seeded pool shows under its account and region
// with its state and sessions.
func TestDashboardPools(t *testing.T) {
	ctx := newBrowser(t)
	srv := wslocaltest.Start(t)
	srv.Seed(`accounts:
  - directories: [{id: wsd-pools0001, workspaceType: POOLS}]
    pools:
      - {id: wspool-desk00001, name: call-centre, directory: wsd-pools0001, bundle: wsb-93xk71ss4,
         desiredUserSessions: 2, sessions: [{userId: alice}]}
`)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_wslocal/ui")); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	sel := `.pool[data-id="wspool-desk00001"]`
	waitFor(t, ctx, "the pool RUNNING", stateIs(sel+" .badge", "RUNNING"))
	got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%s).innerText`, js(sel)))
	for _, want := range []string{"wspool-desk00001", "call-centre", "1/2 sessions"} {
		if !strings.Contains(got, want) {
			t.Errorf("the pool reads %q; want %q in it", got, want)
		}
	}
}
