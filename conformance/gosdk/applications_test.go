package gosdk_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// The catalogue: the ten applications of the administration guide's Manage
// applications page (docs/behaviour.md), with their fields.
func TestApplicationsCatalogue(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	out, err := c.DescribeApplications(context.Background(), &workspaces.DescribeApplicationsInput{})
	if err != nil {
		t.Fatalf("DescribeApplications: %v", err)
	}
	if out.NextToken != nil {
		t.Errorf("NextToken = %q, want none: 10 applications fit the default page", *out.NextToken)
	}
	if len(out.Applications) != len(catalogue) {
		t.Fatalf("DescribeApplications = %d applications, want %d", len(out.Applications), len(catalogue))
	}
	allWindows := []types.OperatingSystemName{
		types.OperatingSystemNameWindows10, types.OperatingSystemNameWindows11,
		types.OperatingSystemNameWindowsServer2016, types.OperatingSystemNameWindowsServer2019,
		types.OperatingSystemNameWindowsServer2022, types.OperatingSystemNameWindowsServer2025,
	}
	seen := map[string]bool{}
	for _, a := range out.Applications {
		name, id := aws.ToString(a.Name), aws.ToString(a.ApplicationId)
		if !slices.Contains(catalogue, name) {
			t.Errorf("unexpected application %q", name)
			continue
		}
		if seen[id] {
			t.Errorf("application id %s listed twice", id)
		}
		seen[id] = true
		if !appIDPattern.MatchString(id) {
			t.Errorf("%s: ApplicationId %q does not match ^wsa-[0-9a-z]{8,63}$", name, id)
		}
		wantState := types.WorkSpaceApplicationStateAvailable
		if name == office2016 || name == office2019 {
			wantState = types.WorkSpaceApplicationStateUninstallOnly
		}
		if a.State != wantState {
			t.Errorf("%s: State = %s, want %s", name, a.State, wantState)
		}
		if aws.ToString(a.Owner) != "AMAZON" {
			t.Errorf("%s: Owner = %q, want AMAZON", name, aws.ToString(a.Owner))
		}
		if a.LicenseType != types.WorkSpaceApplicationLicenseTypeLicensed {
			t.Errorf("%s: LicenseType = %s, want LICENSED", name, a.LicenseType)
		}
		if a.Created == nil || a.Created.IsZero() {
			t.Errorf("%s: no Created", name)
		}
		if aws.ToString(a.Description) == "" {
			t.Errorf("%s: no Description", name)
		}
		for _, os := range allWindows {
			if !slices.Contains(a.SupportedOperatingSystemNames, os) {
				t.Errorf("%s: SupportedOperatingSystemNames %v lacks %s", name, a.SupportedOperatingSystemNames, os)
			}
		}
		isVS := name == vsPro || name == vsEnt
		if got := slices.Contains(a.SupportedComputeTypeNames, types.ComputeValue); got == isVS {
			t.Errorf("%s: VALUE in SupportedComputeTypeNames = %v, want %v", name, got, !isVS)
		}
		if !slices.Contains(a.SupportedComputeTypeNames, types.ComputeStandard) ||
			!slices.Contains(a.SupportedComputeTypeNames, types.ComputePower) {
			t.Errorf("%s: SupportedComputeTypeNames %v lacks STANDARD or POWER", name, a.SupportedComputeTypeNames)
		}
	}
}

// Application ids derive from the name: the same on another server, in
// another account and region.
func TestApplicationIDsAreStable(t *testing.T) {
	t.Parallel()
	a := appIDs(t, client(start(t)))
	srv := start(t)
	b := appIDs(t, newClient(srv.AWSConfigFor("123456789012", "eu-west-1")))
	for name, id := range a {
		if b[name] != id {
			t.Errorf("%s: id %s on one server, %s on another account/region/server", name, id, b[name])
		}
	}
}

// DescribeApplications with MaxResults 3 walks all ten applications, in the
// order of the unpaged answer, with no duplicate and no empty page.
func TestDescribeApplicationsPagination(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()

	whole, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, a := range whole.Applications {
		want = append(want, aws.ToString(a.ApplicationId))
	}

	walk := func() (ids []string, pageSizes []int) {
		var token *string
		for {
			out, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{MaxResults: aws.Int32(3), NextToken: token})
			if err != nil {
				t.Fatalf("DescribeApplications page %d: %v", len(pageSizes)+1, err)
			}
			pageSizes = append(pageSizes, len(out.Applications))
			for _, a := range out.Applications {
				ids = append(ids, aws.ToString(a.ApplicationId))
			}
			if out.NextToken == nil {
				return ids, pageSizes
			}
			if *out.NextToken == "" {
				t.Fatalf("page %d: empty NextToken", len(pageSizes))
			}
			token = out.NextToken
			if len(pageSizes) > 10 {
				t.Fatal("more than 10 pages for 10 applications")
			}
		}
	}
	ids, sizes := walk()
	if !slices.Equal(sizes, []int{3, 3, 3, 1}) {
		t.Errorf("page sizes = %v, want [3 3 3 1]", sizes)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("paged ids = %v\nunpaged   = %v", ids, want)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(catalogue) {
		t.Errorf("paged ids %v: want %d distinct", ids, len(catalogue))
	}
	again, _ := walk()
	if !slices.Equal(again, ids) {
		t.Errorf("second walk = %v, first = %v: the order is not stable", again, ids)
	}

	// The SDK's own paginator walks the same list.
	p := workspaces.NewDescribeApplicationsPaginator(c, &workspaces.DescribeApplicationsInput{MaxResults: aws.Int32(4)})
	var viaPaginator []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("paginator: %v", err)
		}
		pages++
		for _, a := range out.Applications {
			viaPaginator = append(viaPaginator, aws.ToString(a.ApplicationId))
		}
	}
	if pages != 3 || !slices.Equal(viaPaginator, want) {
		t.Errorf("paginator: %d pages %v, want 3 pages %v", pages, viaPaginator, want)
	}
}

// Filters combine with AND; the values of one filter with OR.
func TestDescribeApplicationsFilters(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ids := appIDs(t, c)
	all := slices.Clone(catalogue)
	without := func(names ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(n string) bool { return slices.Contains(names, n) })
	}
	for _, tc := range []struct {
		name string
		in   workspaces.DescribeApplicationsInput
		want []string
	}{
		{"LicenseType LICENSED", workspaces.DescribeApplicationsInput{LicenseType: types.WorkSpaceApplicationLicenseTypeLicensed}, all},
		{"LicenseType UNLICENSED", workspaces.DescribeApplicationsInput{LicenseType: types.WorkSpaceApplicationLicenseTypeUnlicensed}, nil},
		{"ComputeTypeNames VALUE", workspaces.DescribeApplicationsInput{ComputeTypeNames: []types.Compute{types.ComputeValue}}, without(vsPro, vsEnt)},
		{"ComputeTypeNames VALUE or STANDARD", workspaces.DescribeApplicationsInput{ComputeTypeNames: []types.Compute{types.ComputeValue, types.ComputeStandard}}, all},
		{"ComputeTypeNames GRAPHICS_G4DN", workspaces.DescribeApplicationsInput{ComputeTypeNames: []types.Compute{types.ComputeGraphicsG4dn}}, all},
		{"OperatingSystemNames WINDOWS_11", workspaces.DescribeApplicationsInput{OperatingSystemNames: []types.OperatingSystemName{types.OperatingSystemNameWindows11}}, all},
		{"OperatingSystemNames WINDOWS_SERVER_2022 or WINDOWS_10", workspaces.DescribeApplicationsInput{OperatingSystemNames: []types.OperatingSystemName{types.OperatingSystemNameWindowsServer2022, types.OperatingSystemNameWindows10}}, all},
		{"Owner AMAZON", workspaces.DescribeApplicationsInput{Owner: aws.String("AMAZON")}, all},
		{"Owner a 12-digit account", workspaces.DescribeApplicationsInput{Owner: aws.String("123456789012")}, nil},
		{"Owner the caller's own account", workspaces.DescribeApplicationsInput{Owner: aws.String(defaultAccount)}, nil},
		{"ApplicationIds", workspaces.DescribeApplicationsInput{ApplicationIds: []string{ids[office2019], ids[office2016]}}, []string{office2016, office2019}},
		{"ApplicationIds AND ComputeTypeNames VALUE", workspaces.DescribeApplicationsInput{
			ApplicationIds: []string{ids[vsPro], ids[office2019]}, ComputeTypeNames: []types.Compute{types.ComputeValue}}, []string{office2019}},
		{"ComputeTypeNames VALUE AND Owner AMAZON AND LICENSED", workspaces.DescribeApplicationsInput{
			ComputeTypeNames: []types.Compute{types.ComputeValue}, Owner: aws.String("AMAZON"),
			LicenseType: types.WorkSpaceApplicationLicenseTypeLicensed}, without(vsPro, vsEnt)},
		{"ApplicationIds AND a 12-digit Owner", workspaces.DescribeApplicationsInput{
			ApplicationIds: []string{ids[office2019]}, Owner: aws.String("123456789012")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			out, err := c.DescribeApplications(context.Background(), &in)
			if err != nil {
				t.Fatalf("DescribeApplications: %v", err)
			}
			var got []string
			for _, a := range out.Applications {
				got = append(got, aws.ToString(a.Name))
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("got %v\nwant %v", got, want)
			}
			if out.NextToken != nil {
				t.Errorf("NextToken = %q on a complete page", *out.NextToken)
			}
		})
	}
}

// Paging combined with a filter: the token carries on within the filter.
func TestDescribeApplicationsPagingWithFilter(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	in := workspaces.DescribeApplicationsInput{ComputeTypeNames: []types.Compute{types.ComputeValue}, MaxResults: aws.Int32(4)}
	var names []string
	var sizes []int
	for {
		out, err := c.DescribeApplications(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(out.Applications))
		for _, a := range out.Applications {
			names = append(names, aws.ToString(a.Name))
		}
		if out.NextToken == nil || len(sizes) > 5 {
			break
		}
		in.NextToken = out.NextToken
	}
	if !slices.Equal(sizes, []int{4, 4}) {
		t.Errorf("page sizes = %v, want [4 4] (8 applications run on VALUE)", sizes)
	}
	if slices.Contains(names, vsPro) || slices.Contains(names, vsEnt) || len(slices.Compact(slices.Sorted(slices.Values(names)))) != 8 {
		t.Errorf("names = %v, want the 8 distinct non-Visual Studio applications", names)
	}
}

// DescribeApplicationAssociations pages one association at a time over
// several images; the SDK paginator agrees.
func TestDescribeApplicationAssociationsPagination(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	office := appIDs(t, c)[office2019]
	var want []string
	for _, name := range []string{"a", "b", "c", "d"} {
		want = append(want, importImage(t, c, "img-"+name, withOffice2019))
	}
	importImage(t, c, "img-2016", importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2016}})
	importImage(t, c, "img-none", importOpts{})
	slices.Sort(want)

	in := &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId:           aws.String(office),
		AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage},
		MaxResults:              aws.Int32(1),
	}
	var got []string
	pages := 0
	for {
		out, err := c.DescribeApplicationAssociations(ctx, in)
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		if len(out.Associations) != 1 {
			t.Fatalf("page %d: %d associations, want 1", pages, len(out.Associations))
		}
		a := out.Associations[0]
		if aws.ToString(a.ApplicationId) != office || a.AssociatedResourceType != types.ApplicationAssociatedResourceTypeImage ||
			a.State != types.AssociationStateInstalling {
			t.Errorf("page %d: %+v, want an INSTALLING IMAGE association of Office 2019", pages, a)
		}
		got = append(got, aws.ToString(a.AssociatedResourceId))
		if out.NextToken == nil || pages > 10 {
			break
		}
		in.NextToken = out.NextToken
	}
	if pages != 4 {
		t.Errorf("%d pages, want 4", pages)
	}
	sortedGot := slices.Sorted(slices.Values(got))
	if !slices.Equal(sortedGot, want) {
		t.Errorf("paged images = %v, want %v", got, want)
	}

	// The paginator, after the imports completed.
	srv.Advance(importStep)
	p := workspaces.NewDescribeApplicationAssociationsPaginator(c, &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId:           aws.String(office),
		AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage, types.ApplicationAssociatedResourceTypeBundle},
		MaxResults:              aws.Int32(3),
	})
	var viaPaginator []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("paginator: %v", err)
		}
		for _, a := range out.Associations {
			if a.State != types.AssociationStateCompleted {
				t.Errorf("paginator: %s State = %s, want COMPLETED", aws.ToString(a.AssociatedResourceId), a.State)
			}
			viaPaginator = append(viaPaginator, aws.ToString(a.AssociatedResourceId))
		}
	}
	if !slices.Equal(viaPaginator, got) {
		t.Errorf("paginator = %v, manual paging = %v: want the same stable order", viaPaginator, got)
	}
}

// DescribeWorkspaceImages with MaxResults 2 over five images.
func TestDescribeWorkspaceImagesPagination(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	var want []string
	for _, name := range []string{"one", "two", "three", "four", "five"} {
		want = append(want, importImage(t, c, name, importOpts{}))
	}
	slices.Sort(want)

	walk := func(in workspaces.DescribeWorkspaceImagesInput) (ids []string, sizes []int) {
		t.Helper()
		in.MaxResults = aws.Int32(2)
		for {
			out, err := c.DescribeWorkspaceImages(ctx, &in)
			if err != nil {
				t.Fatalf("page %d: %v", len(sizes)+1, err)
			}
			sizes = append(sizes, len(out.Images))
			for _, img := range out.Images {
				ids = append(ids, aws.ToString(img.ImageId))
			}
			if out.NextToken == nil || len(sizes) > 10 {
				return ids, sizes
			}
			in.NextToken = out.NextToken
		}
	}
	ids, sizes := walk(workspaces.DescribeWorkspaceImagesInput{})
	if !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Errorf("page sizes = %v, want [2 2 1]", sizes)
	}
	if !slices.Equal(slices.Sorted(slices.Values(ids)), want) || len(slices.Compact(slices.Clone(ids))) != 5 {
		t.Errorf("paged ids = %v, want each of %v once", ids, want)
	}
	if again, _ := walk(workspaces.DescribeWorkspaceImagesInput{}); !slices.Equal(again, ids) {
		t.Errorf("second walk %v differs from the first %v", again, ids)
	}

	// Paging over ImageIds (three of them, one unknown id skipped).
	sub, sizes := walk(workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{want[4], want[0], "wsi-000000000", want[2]}})
	if !slices.Equal(slices.Sorted(slices.Values(sub)), []string{want[0], want[2], want[4]}) || !slices.Equal(sizes, []int{2, 1}) {
		t.Errorf("paged ImageIds = %v in pages %v, want %v in pages [2 1]", sub, sizes, []string{want[0], want[2], want[4]})
	}

	// An image added while paging: the walk neither repeats nor skips what was there.
	out, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{MaxResults: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	seen := []string{}
	for _, img := range out.Images {
		seen = append(seen, aws.ToString(img.ImageId))
	}
	added := importImage(t, c, "six", importOpts{})
	token := out.NextToken
	for token != nil {
		out, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{MaxResults: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range out.Images {
			seen = append(seen, aws.ToString(img.ImageId))
		}
		token = out.NextToken
	}
	rest := slices.DeleteFunc(slices.Clone(seen), func(id string) bool { return id == added })
	if !slices.Equal(slices.Sorted(slices.Values(rest)), want) || len(slices.Compact(slices.Sorted(slices.Values(seen)))) != len(seen) {
		t.Errorf("walk with an import in the middle = %v, want every one of %v exactly once", seen, want)
	}

	// ImageType SHARED: nothing is shared with this account.
	shared, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageType: types.ImageTypeShared})
	if err != nil {
		t.Fatal(err)
	}
	if len(shared.Images) != 0 {
		t.Errorf("ImageType SHARED = %d images, want none", len(shared.Images))
	}
	owned, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageType: types.ImageTypeOwned})
	if err != nil {
		t.Fatal(err)
	}
	if len(owned.Images) != 6 {
		t.Errorf("ImageType OWNED = %d images, want 6", len(owned.Images))
	}
}

// A NextToken the server did not issue, or issued for another operation,
// is InvalidParameterValuesException.
func TestGarbageNextToken(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	office := appIDs(t, c)[office2019]
	for _, n := range []string{"a", "b", "c"} {
		importImage(t, c, "tok-"+n, withOffice2019)
	}
	imgPage, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{MaxResults: aws.Int32(1)})
	if err != nil || imgPage.NextToken == nil {
		t.Fatalf("DescribeWorkspaceImages: %v, token %v", err, imgPage.NextToken)
	}
	appPage, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{MaxResults: aws.Int32(1)})
	if err != nil || appPage.NextToken == nil {
		t.Fatalf("DescribeApplications: %v, token %v", err, appPage.NextToken)
	}

	for _, token := range []string{"garbage", "!!not base64!!", "eyJmb28iOjF9", *imgPage.NextToken} {
		_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{NextToken: aws.String(token)})
		apiError(t, err, "InvalidParameterValuesException")
		asType[*types.InvalidParameterValuesException](t, err)

		_, err = c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{
			ApplicationId: aws.String(office), NextToken: aws.String(token),
			AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage}})
		apiError(t, err, "InvalidParameterValuesException")
	}
	// DescribeWorkspaceImages lists only AccessDeniedException in the model:
	// the SDK gives the code as a smithy.GenericAPIError.
	for _, token := range []string{"garbage", *appPage.NextToken} {
		_, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{NextToken: aws.String(token)})
		apiError(t, err, "InvalidParameterValuesException")
	}
}
