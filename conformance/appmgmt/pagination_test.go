package appmgmt_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// Paging DescribeApplicationAssociations while new WorkSpaces of a bundle
// with the application appear between pages: no association twice, none
// that was there at the start missed.
func TestPaginationApplicationAssociationsConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src := e.winWorkspace("src", nil)
	app := e.appID(officePro)
	e.install(src, app)
	img := e.image(src, "golden")
	b := e.bundle(img, "office")
	users := 0
	launch := func() string {
		users++
		return e.launch(dirID, b, fmt.Sprintf("user%02d", users), nil)
	}
	for range 6 {
		launch()
	}
	all := []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeWorkspace,
		types.ApplicationAssociatedResourceTypeBundle, types.ApplicationAssociatedResourceTypeImage}
	page := func(max int32, token *string) *workspaces.DescribeApplicationAssociationsOutput {
		t.Helper()
		in := &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(app), AssociatedResourceTypes: all, NextToken: token}
		if max > 0 {
			in.MaxResults = aws.Int32(max)
		}
		out, err := e.c.DescribeApplicationAssociations(e.ctx, in)
		e.ok(err)
		return out
	}
	key := func(a types.ApplicationResourceAssociation) string {
		return string(a.AssociatedResourceType) + " " + *a.AssociatedResourceId
	}
	// At the start: the image, the bundle, the source WorkSpace and six more.
	start := map[string]bool{}
	first := page(0, nil)
	if first.NextToken != nil {
		t.Fatal("a full listing of 9 associations has a NextToken")
	}
	for _, a := range first.Associations {
		start[key(a)] = true
	}
	if len(start) != 9 || !start["IMAGE "+img] || !start["BUNDLE "+b] || !start["WORKSPACE "+src] {
		t.Fatalf("associations at the start: %v", start)
	}

	seen := map[string]bool{}
	var added []string
	var token *string
	pages := 0
	for {
		out := page(2, token)
		pages++
		if len(out.Associations) > 2 {
			t.Fatalf("page %d holds %d associations with MaxResults 2", pages, len(out.Associations))
		}
		for _, a := range out.Associations {
			if seen[key(a)] {
				t.Fatalf("page %d lists %s again", pages, key(a))
			}
			seen[key(a)] = true
			wantStr(t, "ApplicationId", a.ApplicationId, app)
		}
		if token = out.NextToken; token == nil {
			break
		}
		if len(out.Associations) != 2 {
			t.Fatalf("page %d holds %d associations and has a NextToken", pages, len(out.Associations))
		}
		// Between pages: two new WorkSpaces, and the clock moves (states change).
		added = append(added, launch(), launch())
		e.advance(step)
		if pages > 50 {
			t.Fatal("paging does not end")
		}
	}
	for k := range start {
		if !seen[k] {
			t.Errorf("%s, there at the start, was never listed", k)
		}
	}
	// Every association listed exists now.
	now := map[string]bool{}
	for token := (*string)(nil); ; {
		out := page(0, token) // 25 a page
		for _, a := range out.Associations {
			now[key(a)] = true
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	for k := range seen {
		if !now[k] {
			t.Errorf("listed %s does not exist", k)
		}
	}
	if len(now) != 9+len(added) {
		t.Fatalf("%d associations at the end, want %d", len(now), 9+len(added))
	}
	t.Logf("%d pages; %d of the %d added while paging were listed", pages, len(seen)-len(start), len(added))

	// Page tokens belong to their operation.
	ws, err := e.c.DescribeWorkspaces(e.ctx, &workspaces.DescribeWorkspacesInput{Limit: aws.Int32(1)})
	e.ok(err)
	if ws.NextToken == nil {
		t.Fatal("DescribeWorkspaces Limit 1 of many: no NextToken")
	}
	_, err = e.c.DescribeApplicationAssociations(e.ctx, &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId: aws.String(app), AssociatedResourceTypes: all, NextToken: ws.NextToken})
	wantErr[*types.InvalidParameterValuesException](t, err, "InvalidParameterValuesException")
	_, err = e.c.DescribeApplicationAssociations(e.ctx, &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId: aws.String(app), AssociatedResourceTypes: all, NextToken: aws.String("not-a-token")})
	wantErr[*types.InvalidParameterValuesException](t, err, "InvalidParameterValuesException")
	// An empty or repeated resource type list makes no sense.
	_, err = e.c.DescribeApplicationAssociations(e.ctx, &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId: aws.String(app), AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{}})
	wantErr[*types.InvalidParameterValuesException](t, err, "InvalidParameterValuesException")
	_, err = e.c.DescribeApplicationAssociations(e.ctx, &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId: aws.String(app), AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{
			types.ApplicationAssociatedResourceTypeImage, types.ApplicationAssociatedResourceTypeImage}})
	wantErr[*types.InvalidParameterValuesException](t, err, "InvalidParameterValuesException")
}

func TestPaginationDescribeWorkspaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.registerDir(dirID)
	e.registerDir(dirID2)
	std, pow := e.bundleID(winStd), e.bundleID(winPow)
	ids := map[string]string{
		"1/alice": e.launch(dirID, std, "alice", nil),
		"1/bob":   e.launch(dirID, std, "bob", nil),
		"1/carol": e.launch(dirID, pow, "carol", nil),
		"2/alice": e.launch(dirID2, std, "alice", nil),
		"2/dave":  e.launch(dirID2, pow, "dave", nil),
	}
	e.advance(step)
	sorted := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, ids[n])
		}
		slices.Sort(out)
		return out
	}
	// list pages through DescribeWorkspaces with in's filters, asserting
	// page sizes and that no WorkSpace comes twice.
	list := func(in workspaces.DescribeWorkspacesInput, limit int32) ([]string, int) {
		t.Helper()
		var got []string
		pages := 0
		p := workspaces.NewDescribeWorkspacesPaginator(e.c, &in, func(o *workspaces.DescribeWorkspacesPaginatorOptions) { o.Limit = limit })
		for p.HasMorePages() {
			out, err := p.NextPage(e.ctx)
			e.ok(err)
			pages++
			if len(out.Workspaces) > int(limit) || out.NextToken != nil && len(out.Workspaces) != int(limit) {
				t.Fatalf("page %d: %d WorkSpaces with Limit %d (NextToken %v)", pages, len(out.Workspaces), limit, out.NextToken != nil)
			}
			if out.NextToken == nil && len(out.Workspaces) == 0 && pages > 1 {
				t.Fatalf("an empty last page")
			}
			for _, w := range out.Workspaces {
				if slices.Contains(got, *w.WorkspaceId) {
					t.Fatalf("%s listed twice", *w.WorkspaceId)
				}
				got = append(got, *w.WorkspaceId)
			}
		}
		if !slices.IsSorted(got) {
			t.Fatalf("WorkSpaces not in id order: %v", got)
		}
		return got, pages
	}
	check := func(name string, in workspaces.DescribeWorkspacesInput, limit int32, wantPages int, want []string) {
		t.Helper()
		got, pages := list(in, limit)
		if !slices.Equal(got, want) || pages != wantPages {
			t.Fatalf("%s: %v in %d pages, want %v in %d", name, got, pages, want, wantPages)
		}
	}
	everyone := sorted("1/alice", "1/bob", "1/carol", "2/alice", "2/dave")
	check("all, Limit 2", workspaces.DescribeWorkspacesInput{}, 2, 3, everyone)
	check("all, Limit 5", workspaces.DescribeWorkspacesInput{}, 5, 1, everyone)
	check("all, Limit 25", workspaces.DescribeWorkspacesInput{}, 25, 1, everyone)
	check("DirectoryId 1, Limit 2", workspaces.DescribeWorkspacesInput{DirectoryId: aws.String(dirID)}, 2, 2,
		sorted("1/alice", "1/bob", "1/carol"))
	check("DirectoryId 2", workspaces.DescribeWorkspacesInput{DirectoryId: aws.String(dirID2)}, 2, 1, sorted("2/alice", "2/dave"))
	check("DirectoryId 2 and UserName", workspaces.DescribeWorkspacesInput{DirectoryId: aws.String(dirID2), UserName: aws.String("alice")},
		25, 1, sorted("2/alice"))
	check("DirectoryId and an unknown UserName", workspaces.DescribeWorkspacesInput{DirectoryId: aws.String(dirID), UserName: aws.String("dave")},
		25, 1, nil)
	check("BundleId", workspaces.DescribeWorkspacesInput{BundleId: aws.String(pow)}, 25, 1, sorted("1/carol", "2/dave"))
	check("BundleId, Limit 2", workspaces.DescribeWorkspacesInput{BundleId: aws.String(std)}, 2, 2, sorted("1/alice", "1/bob", "2/alice"))
	check("WorkspaceIds", workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{ids["2/dave"], ids["1/bob"]}}, 25, 1,
		sorted("1/bob", "2/dave"))
	check("WorkspaceIds, Limit 1", workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{ids["2/dave"], ids["1/bob"]}}, 1, 2,
		sorted("1/bob", "2/dave"))

	for name, in := range map[string]*workspaces.DescribeWorkspacesInput{
		"UserName without DirectoryId":  {UserName: aws.String("alice")},
		"UserName with BundleId":        {UserName: aws.String("alice"), BundleId: aws.String(std)},
		"WorkspaceIds with DirectoryId": {WorkspaceIds: []string{ids["1/bob"]}, DirectoryId: aws.String(dirID)},
		"WorkspaceIds with BundleId":    {WorkspaceIds: []string{ids["1/bob"]}, BundleId: aws.String(std)},
		"WorkspaceIds with UserName":    {WorkspaceIds: []string{ids["1/bob"]}, DirectoryId: aws.String(dirID), UserName: aws.String("bob")},
		"a NextToken of another call":   {NextToken: aws.String("eyJvIjoiRGVzY3JpYmVXb3Jrc3BhY2VCdW5kbGVzIiwiayI6WyJ4Il19")},
	} {
		_, err := e.c.DescribeWorkspaces(e.ctx, in)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		wantErr[*types.InvalidParameterValuesException](t, err, "InvalidParameterValuesException")
	}

	// WorkSpaces created between pages: none listed twice, none of the
	// first ones missed.
	var got []string
	var token *string
	for n := 0; ; n++ {
		out, err := e.c.DescribeWorkspaces(e.ctx, &workspaces.DescribeWorkspacesInput{Limit: aws.Int32(2), NextToken: token})
		e.ok(err)
		for _, w := range out.Workspaces {
			if slices.Contains(got, *w.WorkspaceId) {
				t.Fatalf("%s listed twice", *w.WorkspaceId)
			}
			got = append(got, *w.WorkspaceId)
		}
		if token = out.NextToken; token == nil {
			break
		}
		e.launch(dirID, std, fmt.Sprintf("late%d", n), nil)
	}
	for _, id := range everyone {
		if !slices.Contains(got, id) {
			t.Fatalf("%s missed while paging", id)
		}
	}
}
