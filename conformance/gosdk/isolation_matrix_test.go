package gosdk_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// matrixPartition is one (account, region) of the isolation matrix and
// what it created.
type matrixPartition struct {
	name, account, region string
	c                     *workspaces.Client
	image, bundle, ws     string
	dir, ipGroup, alias   string
	customImage           string // ImportCustomWorkspaceImage
	byolRange             string
	poolDir, pool         string // a POOLS directory and a WorkSpaces Pool in it
	poolSession           string
	link                  string // an account link to matrixLinkTarget
	addIn                 string // the directory's Amazon Connect client add-in
}

// TestIsolationMatrix: three accounts in two regions each build the same
// things (an image with Office, a custom bundle, a directory, an IP access
// control group, a connection alias, a WorkSpace with the bundle's Office, tags, an image
// permission); every implemented Describe operation shows each partition
// its own and nothing of the other five, whether listing or asking by id.
func TestIsolationMatrix(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	const sharedWith = "999999999999" // outside the matrix
	var parts []*matrixPartition
	for i, account := range []string{"111111111111", "222222222222", "333333333333"} {
		for j, region := range []string{"us-east-1", "eu-west-1"} {
			parts = append(parts, &matrixPartition{
				name: account + "/" + region, account: account, region: region,
				c:         newClient(srv.AWSConfigFor(account, region)),
				dir:       fmt.Sprintf("d-%010d", 10*i+j),
				byolRange: fmt.Sprintf("10.%d.0.0/16", 10*i+j),
			})
		}
	}
	tag := func(p *matrixPartition) []types.Tag {
		return []types.Tag{{Key: aws.String("partition"), Value: aws.String(p.name)}}
	}
	for i, p := range parts {
		i /= 2 // the account's index
		p.image = importImage(t, p.c, "golden", importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2019}, tags: tag(p)})
		p.customImage = importCustomFor(t, p.c, p.account, p.region)
		registerDirectory(t, p.c, p.dir, tag(p)...)
		g, err := p.c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("office"), Tags: tag(p)})
		if err != nil {
			t.Fatalf("%s: CreateIpGroup: %v", p.name, err)
		}
		p.ipGroup = aws.ToString(g.GroupId)
		if err := enableBYOL(p.c, p.byolRange); err != nil {
			t.Fatalf("%s: ModifyAccount: %v", p.name, err)
		}
		// Connection strings are reserved per account, across regions.
		a, err := p.c.CreateConnectionAlias(ctx, &workspaces.CreateConnectionAliasInput{
			ConnectionString: aws.String(fmt.Sprintf("desktop%d.example.com", i)), Tags: tag(p)})
		if err != nil {
			t.Fatalf("%s: CreateConnectionAlias: %v", p.name, err)
		}
		p.alias = aws.ToString(a.AliasId)
		reg, err := p.c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{
			WorkspaceDirectoryName: aws.String("pools"), WorkspaceType: types.WorkspaceTypePools,
			UserIdentityType: types.UserIdentityTypeCustomerManaged, Tags: tag(p)})
		if err != nil {
			t.Fatalf("%s: RegisterWorkspaceDirectory(POOLS): %v", p.name, err)
		}
		p.poolDir = aws.ToString(reg.DirectoryId)
		p.link = aws.ToString(invite(t, p.c, matrixLinkTarget).AccountLinkId)
		if _, err := p.c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(p.dir),
			DeviceTypeWeb: &types.DefaultImportClientBrandingAttributes{SupportEmail: aws.String(brandingEmail(p))}}); err != nil {
			t.Fatalf("%s: ImportClientBranding: %v", p.name, err)
		}
		ai, err := p.c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(p.dir),
			Name: aws.String(p.name), URL: aws.String(connectURL)})
		if err != nil {
			t.Fatalf("%s: CreateConnectClientAddIn: %v", p.name, err)
		}
		p.addIn = aws.ToString(ai.AddInId)
	}
	srv.Advance(time.Minute)
	for _, p := range parts {
		out, err := p.c.CreateWorkspaceBundle(ctx, &workspaces.CreateWorkspaceBundleInput{
			BundleName: aws.String("golden"), BundleDescription: aws.String("golden for " + p.name), ImageId: aws.String(p.image),
			ComputeType: &types.ComputeType{Name: types.ComputeStandard}, UserStorage: &types.UserStorage{Capacity: aws.String("50")},
			Tags: tag(p),
		})
		if err != nil {
			t.Fatalf("%s: CreateWorkspaceBundle: %v", p.name, err)
		}
		p.bundle = aws.ToString(out.WorkspaceBundle.BundleId)
		if _, err := p.c.UpdateWorkspaceImagePermission(ctx, &workspaces.UpdateWorkspaceImagePermissionInput{
			ImageId: aws.String(p.image), AllowCopyImage: aws.Bool(true), SharedAccountId: aws.String(sharedWith)}); err != nil {
			t.Fatalf("%s: UpdateWorkspaceImagePermission: %v", p.name, err)
		}
		p.ws = createWorkspace(t, p.c, p.dir, p.bundle, "alice", tag(p)...)
		pool, err := p.c.CreateWorkspacesPool(ctx, &workspaces.CreateWorkspacesPoolInput{PoolName: aws.String("desk"),
			Description: aws.String("desk"), BundleId: aws.String(p.bundle), DirectoryId: aws.String(p.poolDir),
			Capacity: &types.Capacity{DesiredUserSessions: aws.Int32(1)}, Tags: tag(p)})
		if err != nil {
			t.Fatalf("%s: CreateWorkspacesPool: %v", p.name, err)
		}
		p.pool = aws.ToString(pool.WorkspacesPool.PoolId)
	}
	srv.Advance(time.Minute)
	for _, p := range parts {
		var sess map[string]any
		if status := srv.Control("POST", "/_wslocal/pools/"+p.pool+"/sessions",
			map[string]string{"userId": "alice", "account": p.account, "region": p.region}, &sess); status != 201 {
			t.Fatalf("%s: start pool session: %d %v", p.name, status, sess)
		}
		p.poolSession = fmt.Sprint(sess["SessionId"])
	}

	office := appIDs(t, client(srv))[office2019]
	for _, p := range parts {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			checkOwnPartition(t, p, office, sharedWith)
			for _, o := range parts {
				if o != p {
					checkForeignPartition(t, p, o)
				}
			}
		})
	}
}

// checkOwnPartition: p sees exactly what it created, by listing and by id.
func checkOwnPartition(t *testing.T, p *matrixPartition, office, sharedWith string) {
	ctx := context.Background()
	c := p.c
	fail := func(op string, err error) { t.Helper(); t.Fatalf("%s: %v", op, err) }

	apps, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	if err != nil {
		fail("DescribeApplications", err)
	}
	if len(apps.Applications) != len(catalogue) {
		t.Errorf("DescribeApplications (global): %d applications, want the %d of the catalogue", len(apps.Applications), len(catalogue))
	}

	if ids, want := allImageIDs(t, c), sortedIDs(p.image, p.customImage); !slices.Equal(ids, want) {
		t.Errorf("DescribeWorkspaceImages = %v, want only %v", ids, want)
	}
	if got := describeCustom(t, c, p.customImage); got.State != types.CustomWorkspaceImageImportStateCompleted {
		t.Errorf("DescribeCustomWorkspaceImageImport(own) = %s, want COMPLETED", got.State)
	}
	if as := imageAssociations(t, c, p.image); len(as) != 1 || aws.ToString(as[0].ImageId) != p.image {
		t.Errorf("DescribeImageAssociations(own) = %+v", as)
	}

	aa, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId: aws.String(office), AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{
			types.ApplicationAssociatedResourceTypeImage, types.ApplicationAssociatedResourceTypeBundle, types.ApplicationAssociatedResourceTypeWorkspace}})
	if err != nil {
		fail("DescribeApplicationAssociations", err)
	}
	var got []string
	for _, a := range aa.Associations {
		got = append(got, string(a.AssociatedResourceType)+" "+aws.ToString(a.AssociatedResourceId))
	}
	slices.Sort(got)
	want := []string{"BUNDLE " + p.bundle, "IMAGE " + p.image, "WORKSPACE " + p.ws}
	if !slices.Equal(got, want) {
		t.Errorf("DescribeApplicationAssociations(Office 2019) = %v, want %v", got, want)
	}

	bundles, err := c.DescribeWorkspaceBundles(ctx, &workspaces.DescribeWorkspaceBundlesInput{})
	if err != nil {
		fail("DescribeWorkspaceBundles", err)
	}
	if len(bundles.Bundles) != 1 || aws.ToString(bundles.Bundles[0].BundleId) != p.bundle || aws.ToString(bundles.Bundles[0].Owner) != p.account {
		t.Errorf("DescribeWorkspaceBundles (custom) = %+v, want only %s owned by %s", bundles.Bundles, p.bundle, p.account)
	}
	ba, err := c.DescribeBundleAssociations(ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String(p.bundle),
		AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
	if err != nil {
		fail("DescribeBundleAssociations", err)
	}
	if len(ba.Associations) != 1 || aws.ToString(ba.Associations[0].BundleId) != p.bundle {
		t.Errorf("DescribeBundleAssociations(own) = %+v", ba.Associations)
	}

	wss, err := c.DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{})
	if err != nil {
		fail("DescribeWorkspaces", err)
	}
	if len(wss.Workspaces) != 1 || aws.ToString(wss.Workspaces[0].WorkspaceId) != p.ws || aws.ToString(wss.Workspaces[0].DirectoryId) != p.dir {
		t.Errorf("DescribeWorkspaces = %+v, want only %s in %s", wss.Workspaces, p.ws, p.dir)
	}
	if as := workspaceAssociations(t, c, p.ws); len(as) != 1 || aws.ToString(as[0].AssociatedResourceId) != office {
		t.Errorf("DescribeWorkspaceAssociations(own) = %+v, want the bundle's Office", as)
	}

	dirs, err := c.DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{})
	if err != nil {
		fail("DescribeWorkspaceDirectories", err)
	}
	if len(dirs.Directories) != 2 || !slices.ContainsFunc(dirs.Directories, func(d types.WorkspaceDirectory) bool { return aws.ToString(d.DirectoryId) == p.dir }) ||
		!slices.ContainsFunc(dirs.Directories, func(d types.WorkspaceDirectory) bool { return aws.ToString(d.DirectoryId) == p.poolDir }) {
		t.Errorf("DescribeWorkspaceDirectories = %+v, want only %s and %s", dirs.Directories, p.dir, p.poolDir)
	}

	pools, err := c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{})
	if err != nil {
		fail("DescribeWorkspacesPools", err)
	}
	if len(pools.WorkspacesPools) != 1 || aws.ToString(pools.WorkspacesPools[0].PoolId) != p.pool {
		t.Errorf("DescribeWorkspacesPools = %+v, want only %s", pools.WorkspacesPools, p.pool)
	}
	sessions, err := c.DescribeWorkspacesPoolSessions(ctx, &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: aws.String(p.pool)})
	if err != nil {
		fail("DescribeWorkspacesPoolSessions", err)
	}
	if len(sessions.Sessions) != 1 || aws.ToString(sessions.Sessions[0].SessionId) != p.poolSession {
		t.Errorf("DescribeWorkspacesPoolSessions = %+v, want only %s", sessions.Sessions, p.poolSession)
	}

	groups, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{})
	if err != nil {
		fail("DescribeIpGroups", err)
	}
	if len(groups.Result) != 1 || aws.ToString(groups.Result[0].GroupId) != p.ipGroup {
		t.Errorf("DescribeIpGroups = %+v, want only %s", groups.Result, p.ipGroup)
	}

	aliases, err := c.DescribeConnectionAliases(ctx, &workspaces.DescribeConnectionAliasesInput{})
	if err != nil {
		fail("DescribeConnectionAliases", err)
	}
	if len(aliases.ConnectionAliases) != 1 || aws.ToString(aliases.ConnectionAliases[0].AliasId) != p.alias ||
		aws.ToString(aliases.ConnectionAliases[0].OwnerAccountId) != p.account {
		t.Errorf("DescribeConnectionAliases = %+v, want only %s owned by %s", aliases.ConnectionAliases, p.alias, p.account)
	}

	cps, err := c.DescribeClientProperties(ctx, &workspaces.DescribeClientPropertiesInput{ResourceIds: []string{p.dir}})
	if err != nil {
		fail("DescribeClientProperties", err)
	}
	if len(cps.ClientPropertiesList) != 1 || aws.ToString(cps.ClientPropertiesList[0].ResourceId) != p.dir {
		t.Errorf("DescribeClientProperties(own) = %+v, want %s only", cps.ClientPropertiesList, p.dir)
	}

	brand, err := c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(p.dir)})
	if err != nil {
		fail("DescribeClientBranding", err)
	}
	if brand.DeviceTypeWeb == nil || aws.ToString(brand.DeviceTypeWeb.SupportEmail) != brandingEmail(p) {
		t.Errorf("DescribeClientBranding(own) = %+v, want the web branding of %s", brand.DeviceTypeWeb, p.name)
	}
	if got := addIns(t, c, p.dir); len(got) != 1 || aws.ToString(got[0].AddInId) != p.addIn || aws.ToString(got[0].Name) != p.name {
		t.Errorf("DescribeConnectClientAddIns(own) = %+v, want %s only", got, p.addIn)
	}

	for _, id := range []string{p.image, p.bundle, p.ws, p.dir, p.ipGroup, p.alias, p.poolDir, p.pool} {
		if tags := tagsOf(t, c, id); len(tags) != 1 || tags["partition"] != p.name {
			t.Errorf("DescribeTags(%s) = %v, want partition=%s only", id, tags, p.name)
		}
	}

	perms, err := c.DescribeWorkspaceImagePermissions(ctx, &workspaces.DescribeWorkspaceImagePermissionsInput{ImageId: aws.String(p.image)})
	if err != nil {
		fail("DescribeWorkspaceImagePermissions", err)
	}
	if snaps, err := c.DescribeWorkspaceSnapshots(ctx, &workspaces.DescribeWorkspaceSnapshotsInput{WorkspaceId: aws.String(p.ws)}); err != nil {
		fail("DescribeWorkspaceSnapshots", err)
	} else if snaps.RestoreSnapshots == nil || snaps.RebuildSnapshots == nil {
		t.Errorf("DescribeWorkspaceSnapshots(own) = %+v, want its (possibly empty) lists", snaps)
	}
	if got := connectionStates(t, c); len(got) != 1 || got[p.ws] == "" {
		t.Errorf("DescribeWorkspacesConnectionStatus = %v, want only %s", got, p.ws)
	}
	if got := byol(t, c); got != "ENABLED "+p.byolRange {
		t.Errorf("DescribeAccount = %q, want ENABLED %s", got, p.byolRange)
	}
	if ms := modifications(t, c); len(ms) != 1 || aws.ToString(ms[0].DedicatedTenancyManagementCidrRange) != p.byolRange {
		t.Errorf("DescribeAccountModifications = %+v, want only the change to %s", ms, p.byolRange)
	}
	if len(perms.ImagePermissions) != 1 || aws.ToString(perms.ImagePermissions[0].SharedAccountId) != sharedWith {
		t.Errorf("DescribeWorkspaceImagePermissions(own) = %+v, want %s only", perms.ImagePermissions, sharedWith)
	}
	checkOwnLinks(t, p)
}

// checkForeignPartition: p sees nothing of o, whichever id it asks for.
func checkForeignPartition(t *testing.T, p, o *matrixPartition) {
	ctx := context.Background()
	c := p.c
	// empty asserts a by-id listing found nothing: an empty answer, or
	// ResourceNotFoundException where the operation refuses unknown ids.
	empty := func(op string, n int, err error) {
		t.Helper()
		var nf *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &nf) {
			t.Errorf("%s of %s's resource: %v", op, o.name, err)
		} else if n != 0 {
			t.Errorf("%s shows %d of %s's resources to %s", op, n, o.name, p.name)
		}
	}
	imgs, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{o.image}})
	empty("DescribeWorkspaceImages", len(imgsOf(imgs)), err)
	bundles, err := c.DescribeWorkspaceBundles(ctx, &workspaces.DescribeWorkspaceBundlesInput{BundleIds: []string{o.bundle}})
	n := 0
	if bundles != nil {
		n = len(bundles.Bundles)
	}
	empty("DescribeWorkspaceBundles", n, err)
	wss, err := c.DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{WorkspaceIds: []string{o.ws}})
	n = 0
	if wss != nil {
		n = len(wss.Workspaces)
	}
	empty("DescribeWorkspaces by id", n, err)
	wss, err = c.DescribeWorkspaces(ctx, &workspaces.DescribeWorkspacesInput{DirectoryId: aws.String(o.dir)})
	n = 0
	if wss != nil {
		n = len(wss.Workspaces)
	}
	empty("DescribeWorkspaces by directory", n, err)
	dirs, err := c.DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: []string{o.dir}})
	n = 0
	if dirs != nil {
		n = len(dirs.Directories)
	}
	empty("DescribeWorkspaceDirectories", n, err)
	pools, err := c.DescribeWorkspacesPools(ctx, &workspaces.DescribeWorkspacesPoolsInput{PoolIds: []string{o.pool}})
	n = 0
	if pools != nil {
		n = len(pools.WorkspacesPools)
	}
	empty("DescribeWorkspacesPools", n, err)
	_, err = c.DescribeWorkspacesPoolSessions(ctx, &workspaces.DescribeWorkspacesPoolSessionsInput{PoolId: aws.String(o.pool)})
	notFound(t, err, o.pool)
	_, err = c.TerminateWorkspacesPoolSession(ctx, &workspaces.TerminateWorkspacesPoolSessionInput{SessionId: aws.String(o.poolSession)})
	notFound(t, err, o.poolSession)
	_, err = c.TerminateWorkspacesPool(ctx, &workspaces.TerminateWorkspacesPoolInput{PoolId: aws.String(o.pool)})
	notFound(t, err, o.pool)
	groups, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{GroupIds: []string{o.ipGroup}})
	n = 0
	if groups != nil {
		n = len(groups.Result)
	}
	empty("DescribeIpGroups", n, err)
	aliases, err := c.DescribeConnectionAliases(ctx, &workspaces.DescribeConnectionAliasesInput{AliasIds: []string{o.alias}})
	n = 0
	if aliases != nil {
		n = len(aliases.ConnectionAliases)
	}
	empty("DescribeConnectionAliases", n, err)
	cps, err := c.DescribeClientProperties(ctx, &workspaces.DescribeClientPropertiesInput{ResourceIds: []string{o.dir}})
	n = 0
	if cps != nil {
		n = len(cps.ClientPropertiesList)
	}
	empty("DescribeClientProperties", n, err)
	_, err = c.DescribeClientBranding(ctx, &workspaces.DescribeClientBrandingInput{ResourceId: aws.String(o.dir)})
	notFound(t, err, o.dir)
	_, err = c.DescribeConnectClientAddIns(ctx, &workspaces.DescribeConnectClientAddInsInput{ResourceId: aws.String(o.dir)})
	notFound(t, err, o.dir)
	if got := connectionStates(t, c, o.ws); len(got) != 0 {
		t.Errorf("DescribeWorkspacesConnectionStatus shows %s's WorkSpace to %s: %v", o.name, p.name, got)
	}

	_, err = c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String(o.image),
		AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	notFound(t, err, o.image)
	_, err = c.DescribeBundleAssociations(ctx, &workspaces.DescribeBundleAssociationsInput{BundleId: aws.String(o.bundle),
		AssociatedResourceTypes: []types.BundleAssociatedResourceType{types.BundleAssociatedResourceTypeApplication}})
	notFound(t, err, o.bundle)
	_, err = c.DescribeWorkspaceAssociations(ctx, &workspaces.DescribeWorkspaceAssociationsInput{WorkspaceId: aws.String(o.ws),
		AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication}})
	notFound(t, err, o.ws)
	_, err = c.DescribeWorkspaceImagePermissions(ctx, &workspaces.DescribeWorkspaceImagePermissionsInput{ImageId: aws.String(o.image)})
	notFound(t, err, o.image)
	_, err = c.DescribeCustomWorkspaceImageImport(ctx, &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String(o.customImage)})
	notFound(t, err, o.customImage)
	for _, id := range []string{o.image, o.bundle, o.ws, o.dir, o.ipGroup, o.alias, o.poolDir, o.pool} {
		_, err = c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
		notFound(t, err, id)
	}
	_, err = c.DescribeWorkspaceSnapshots(ctx, &workspaces.DescribeWorkspaceSnapshotsInput{WorkspaceId: aws.String(o.ws)})
	notFound(t, err, o.ws)
	checkForeignLinks(t, p, o)
}

func imgsOf(out *workspaces.DescribeWorkspaceImagesOutput) []types.WorkspaceImage {
	if out == nil {
		return nil
	}
	return out.Images
}

// brandingEmail is the support email of p's web branding.
func brandingEmail(p *matrixPartition) string {
	return "help-" + p.account + "-" + p.region + "@example.com"
}
