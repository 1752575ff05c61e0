// Package dashboard tests wslocal's dashboard (/_wslocal/ui) in a real
// headless Chromium: state made through the AWS SDK for Go v2 must show on
// the page, and the page must follow the clock without a reload.
package dashboard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
	"github.com/chromedp/chromedp"

	"github.com/wslocal/wslocal/wslocaltest"
)

// The colours of style.css, as getComputedStyle reports them.
const (
	green = "rgb(31, 138, 76)"
	red   = "rgb(200, 50, 45)"
	amber = "rgb(184, 110, 0)"
	grey  = "rgb(107, 114, 128)"
)

func assocSel(resource, app string) string { return assocIn("#resources", resource, app) }

// assocIn selects an association row within the part of the page scope selects.
func assocIn(scope, resource, app string) string {
	return fmt.Sprintf(`%s article.resource[data-id=%q] li.assoc[data-app=%q]`, scope, resource, app)
}

func edgeSel(resource, app string) string {
	return fmt.Sprintf(`#graph svg path.edge[data-resource=%q][data-app=%q]`, resource, app)
}

// stateIs is a predicate: the element exists and its data-state is state.
func stateIs(sel, state string) string {
	return fmt.Sprintf(`document.querySelector(%s)?.dataset.state === %s`, js(sel), js(state))
}

func TestDashboard(t *testing.T) {
	began := time.Now()
	ctx := newBrowser(t)
	srv := wslocaltest.Start(t)
	s := makeScene(t, srv)
	dir := artifactsDir(t)

	// One failed call, for the request log to show.
	c := workspaces.NewFromConfig(srv.AWSConfig())
	_, err := c.DescribeImageAssociations(context.Background(), &workspaces.DescribeImageAssociationsInput{
		ImageId: aws.String("wsi-000000000"), AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("DescribeImageAssociations of a missing image: %v, want ResourceNotFoundException", err)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/_wslocal/ui")); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}

	t.Run("catalogue", func(t *testing.T) {
		var checks []string
		for name, id := range s.apps {
			checks = append(checks, fmt.Sprintf(`document.querySelector(%s)?.innerText.includes(%s)`,
				js(fmt.Sprintf(`#applications tr[data-app=%q]`, id)), js(name)))
		}
		waitFor(t, ctx, "every application of the catalogue", strings.Join(checks, " && "))
		waitFor(t, ctx, "Office 2019 UNINSTALL_ONLY",
			stateIs(fmt.Sprintf(`#applications tr[data-app=%q] .badge`, s.office2019), "UNINSTALL_ONLY"))
	})

	t.Run("resources and their associations", func(t *testing.T) {
		waitFor(t, ctx, "the image's Office 2019 COMPLETED", stateIs(assocSel(s.image, s.office2019), "COMPLETED"))
		waitFor(t, ctx, "the bundle's Office 2019 COMPLETED", stateIs(assocSel(s.bundle, s.office2019), "COMPLETED"))
		waitFor(t, ctx, "Office 2021 INSTALLING on the WorkSpace", stateIs(assocSel(s.workspace, s.officeNew), "INSTALLING"))
		waitFor(t, ctx, "Visual Studio ERROR on the WorkSpace", stateIs(assocSel(s.workspace, s.visual), "ERROR"))
		vs := assocSel(s.workspace, s.visual)
		if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%s).innerText`, js(vs))); !strings.Contains(got, "Microsoft Visual Studio Professional 2022") ||
			!strings.Contains(got, "ValidationError.InsufficientDiskSpace") || !strings.Contains(got, "90 GiB") {
			t.Errorf("the failed association reads %q; want the application's name, the StateReason code and its message", got)
		}
		for sel, want := range map[string]string{
			assocSel(s.workspace, s.visual) + " .badge":     red,
			assocSel(s.workspace, s.visual) + " .reason":    red,
			assocSel(s.workspace, s.officeNew) + " .badge":  amber,
			assocSel(s.image, s.office2019) + " .badge":     green,
			`.dir[data-id="` + s.directory + `"] .badge`:    green,
			`article[data-id="` + s.workspace + `"] .badge`: green, // the WorkSpace is AVAILABLE
		} {
			if got := eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).color`, js(sel))); got != want {
				t.Errorf("%s is coloured %s, want %s", sel, got, want)
			}
		}
		ws := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%s).innerText`, js(fmt.Sprintf(`article[data-id=%q]`, s.workspace))))
		for _, want := range []string{"alice", "WINDOWS_SERVER_2019", "STANDARD", "80 GiB root", s.directory} {
			if !strings.Contains(ws, want) {
				t.Errorf("the WorkSpace's card lacks %q:\n%s", want, ws)
			}
		}
		dir := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%s).innerText`, js(fmt.Sprintf(`.dir[data-id=%q]`, s.directory))))
		for _, want := range []string{"FIPS_VALIDATED", "streaming UDP", "branding: DeviceTypeIos, DeviceTypeWindows", "Connect add-in: Contact center"} {
			if !strings.Contains(dir, want) {
				t.Errorf("the directory's line lacks %q:\n%s", want, dir)
			}
		}
		waitFor(t, ctx, "the other account's image under its own account and region",
			stateIs(assocIn(`.partition[data-account="111111111111"][data-region="eu-west-1"]`, s.euImage, s.office2016), "COMPLETED"))
		if n := eval[int](t, ctx, `document.querySelectorAll("#resources .partition").length`); n != 2 {
			t.Errorf("%d account/region groups, want 2", n)
		}
	})

	t.Run("graph", func(t *testing.T) {
		waitFor(t, ctx, "an edge per association", fmt.Sprintf(`document.querySelectorAll("#graph svg path.edge").length === %d`, s.assocsTotal))
		waitFor(t, ctx, "the Visual Studio edge ERROR", stateIs(edgeSel(s.workspace, s.visual), "ERROR"))
		for sel, want := range map[string]string{
			edgeSel(s.workspace, s.visual):    red,
			edgeSel(s.workspace, s.officeNew): amber,
			edgeSel(s.image, s.office2019):    green,
		} {
			if got := eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).stroke`, js(sel))); got != want {
				t.Errorf("%s is drawn %s, want %s", sel, got, want)
			}
		}
		// Applications on the left, resources on the right.
		appX := eval[float64](t, ctx, fmt.Sprintf(`document.querySelector('#graph g.app[data-app=%q]').getBBox().x`, s.visual))
		resX := eval[float64](t, ctx, fmt.Sprintf(`document.querySelector('#graph g.res[data-resource=%q]').getBBox().x`, s.workspace))
		if appX >= resX {
			t.Errorf("the application node is at x=%v, the resource at x=%v: applications belong on the left", appX, resX)
		}
		label := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('#graph g.app[data-app=%q]').textContent`, s.visual))
		if !strings.Contains(label, "Microsoft Visual Studio Professional 2022") {
			t.Errorf("the application node reads %q", label)
		}
	})

	t.Run("request log", func(t *testing.T) {
		waitFor(t, ctx, "the failed call in the request log",
			`[...document.querySelectorAll("#requests tr.failed")].some(r => r.innerText.includes("ResourceNotFoundException") && r.dataset.operation === "DescribeImageAssociations")`)
		ops := eval[[]string](t, ctx, `[...document.querySelectorAll("#requests tr[data-operation]")].map(r => r.dataset.operation)`)
		// Newest first: the deployment came after the associations, which
		// came after the import.
		at := func(op string) int {
			for i, o := range ops {
				if o == op {
					return i
				}
			}
			t.Errorf("the request log lacks %s: %v", op, ops)
			return -1
		}
		deploy, assoc, create, imp := at("DeployWorkspaceApplications"), at("AssociateWorkspaceApplication"), at("CreateWorkspaces"), at("ImportWorkspaceImage")
		if !(deploy < assoc && assoc < create && create < imp) {
			t.Errorf("the request log is not newest first: %v", ops)
		}
	})
	screenshot(t, ctx, dir, "dashboard-installing.png")

	t.Run("live update", func(t *testing.T) {
		// A mark in the page's JS state: a reload would wipe it.
		eval[bool](t, ctx, `window.wslocalTestMark = true`)
		srv.Advance(time.Second)
		waitFor(t, ctx, "Office 2021 COMPLETED on the WorkSpace", stateIs(assocSel(s.workspace, s.officeNew), "COMPLETED"))
		waitFor(t, ctx, "the Office 2021 edge COMPLETED", stateIs(edgeSel(s.workspace, s.officeNew), "COMPLETED"))
		if !eval[bool](t, ctx, `window.wslocalTestMark === true`) {
			t.Error("the page was reloaded; it should update in place")
		}
		if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%s).dataset.state`, js(assocSel(s.workspace, s.visual)))); got != "ERROR" {
			t.Errorf("Visual Studio is %s after the clock moved, want ERROR (a failed deploy stays failed)", got)
		}
		// The page itself sends the AWS endpoint nothing (a favicon request
		// would show here as an operation-less UnknownOperationException).
		if ops := eval[[]string](t, ctx, `[...document.querySelectorAll("#requests tr[data-operation]")].map(r => r.dataset.operation)`); slices.Contains(ops, "") {
			t.Errorf("the request log holds a request without an operation, made by the page: %v", ops)
		}
	})
	screenshot(t, ctx, dir, "dashboard.png")

	t.Run("uninstall", func(t *testing.T) {
		office := assocSel(s.workspace, s.officeNew)
		_, err := c.DisassociateWorkspaceApplication(context.Background(), &workspaces.DisassociateWorkspaceApplicationInput{
			WorkspaceId: aws.String(s.workspace), ApplicationId: aws.String(s.officeNew)})
		if err != nil {
			t.Fatalf("DisassociateWorkspaceApplication: %v", err)
		}
		waitFor(t, ctx, "Office 2021 waiting for a deployment", stateIs(office, "PENDING_UNINSTALL_DEPLOYMENT"))
		if got := eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).color`, js(office+" .badge"))); got != grey {
			t.Errorf("PENDING_UNINSTALL_DEPLOYMENT is coloured %s, want grey %s", got, grey)
		}
		if _, err := c.DeployWorkspaceApplications(context.Background(), &workspaces.DeployWorkspaceApplicationsInput{
			WorkspaceId: aws.String(s.workspace)}); err != nil {
			t.Fatalf("DeployWorkspaceApplications: %v", err)
		}
		srv.Advance(5 * time.Second) // PENDING_UNINSTALL, UNINSTALLING, REMOVED
		waitFor(t, ctx, "Office 2021 REMOVED", stateIs(office, "REMOVED"))
		for _, sel := range []string{office + " .app-name", office + " .badge"} {
			if got := eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).textDecorationLine`, js(sel))); got != "line-through" {
				t.Errorf("%s of a REMOVED association is decorated %q, want line-through", sel, got)
			}
		}
		waitFor(t, ctx, "the Office 2021 edge REMOVED", stateIs(edgeSel(s.workspace, s.officeNew), "REMOVED"))
		if got := eval[string](t, ctx, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).strokeDasharray`, js(edgeSel(s.workspace, s.officeNew)))); got == "none" || got == "" {
			t.Errorf("the REMOVED edge is drawn solid; want it dashed")
		}
	})
	screenshot(t, ctx, dir, "dashboard-removed.png")
	t.Logf("the browser test took %v", time.Since(began).Round(time.Millisecond))
}
