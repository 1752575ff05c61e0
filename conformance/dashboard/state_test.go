package dashboard

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

// scene is what makeScene built, by the ids the page must show.
type scene struct {
	apps        map[string]string // application name -> id
	image       string            // Office 2019 imported, association COMPLETED
	bundle      string            // custom bundle of image, association COMPLETED
	directory   string
	workspace   string // Office 2021 INSTALLING, Visual Studio ERROR
	euImage     string // another account and region, Office 2016 COMPLETED
	officeNew   string // Microsoft Office LTSC Professional Plus 2021
	visual      string // Microsoft Visual Studio Professional 2022
	office2019  string
	office2016  string
	assocsTotal int
}

// makeScene creates, through the AWS SDK for Go v2, a state with an
// association in each colour the dashboard draws: COMPLETED (image,
// bundle), in flight (Office 2021 INSTALLING on a WorkSpace) and ERROR
// (Visual Studio needs a 90 GiB root volume; the public Standard bundle
// has 80), in two accounts and regions.
func makeScene(t *testing.T, srv *wslocaltest.Server) scene {
	t.Helper()
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfig())
	eu := workspaces.NewFromConfig(srv.AWSConfigFor("111111111111", "eu-west-1"))
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	var s scene
	apps, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	must("DescribeApplications", err)
	s.apps = map[string]string{}
	for _, a := range apps.Applications {
		s.apps[*a.Name] = *a.ApplicationId
	}
	s.officeNew = s.apps["Microsoft Office LTSC Professional Plus 2021"]
	s.visual = s.apps["Microsoft Visual Studio Professional 2022"]
	s.office2019 = s.apps["Microsoft Office 2019"]
	s.office2016 = s.apps["Microsoft Office 2016"]
	if s.officeNew == "" || s.visual == "" || s.office2019 == "" || s.office2016 == "" {
		t.Fatalf("the catalogue lacks an application this test uses: %v", s.apps)
	}

	importImage := func(c *workspaces.Client, name string, app types.Application) string {
		t.Helper()
		out, err := c.ImportWorkspaceImage(ctx, &workspaces.ImportWorkspaceImageInput{
			Ec2ImageId: aws.String("ami-0123456789abcdef0"), IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
			ImageName: aws.String(name), ImageDescription: aws.String("Windows 10 with " + string(app)),
			Applications: []types.Application{app},
		})
		must("ImportWorkspaceImage "+name, err)
		return *out.ImageId
	}
	s.image = importImage(c, "golden", types.ApplicationMicrosoftOffice2019)
	s.euImage = importImage(eu, "eu-golden", types.ApplicationMicrosoftOffice2016)
	s.directory = "d-9067a1b2c3"
	_, err = c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{
		DirectoryId: aws.String(s.directory), EnableSelfService: aws.Bool(false), Tenancy: types.TenancyShared,
	})
	must("RegisterWorkspaceDirectory", err)
	srv.Advance(time.Minute) // images AVAILABLE, directory REGISTERED
	// The directory's extras, which its line on the dashboard lists (FIPS
	// first: a directory with WorkSpaces cannot switch to it).
	_, err = c.ModifyEndpointEncryptionMode(ctx, &workspaces.ModifyEndpointEncryptionModeInput{DirectoryId: aws.String(s.directory),
		EndpointEncryptionMode: types.EndpointEncryptionModeFipsValidated})
	must("ModifyEndpointEncryptionMode", err)
	_, err = c.ModifyStreamingProperties(ctx, &workspaces.ModifyStreamingPropertiesInput{ResourceId: aws.String(s.directory),
		StreamingProperties: &types.StreamingProperties{StreamingExperiencePreferredProtocol: types.StreamingExperiencePreferredProtocolEnumUdp}})
	must("ModifyStreamingProperties", err)
	_, err = c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(s.directory),
		Name: aws.String("Contact center"), URL: aws.String("https://example.my.connect.aws/ccp-v2")})
	must("CreateConnectClientAddIn", err)
	_, err = c.ImportClientBranding(ctx, &workspaces.ImportClientBrandingInput{ResourceId: aws.String(s.directory),
		DeviceTypeWindows: &types.DefaultImportClientBrandingAttributes{SupportEmail: aws.String("help@example.com")},
		DeviceTypeIos:     &types.IosImportClientBrandingAttributes{SupportLink: aws.String("https://example.com/help")}})
	must("ImportClientBranding", err)

	bundle, err := c.CreateWorkspaceBundle(ctx, &workspaces.CreateWorkspaceBundleInput{
		BundleName: aws.String("golden-standard"), BundleDescription: aws.String("golden image on Standard"),
		ImageId: aws.String(s.image), ComputeType: &types.ComputeType{Name: types.ComputeStandard},
		UserStorage: &types.UserStorage{Capacity: aws.String("50")}, RootStorage: &types.RootStorage{Capacity: aws.String("80")},
	})
	must("CreateWorkspaceBundle", err)
	s.bundle = *bundle.WorkspaceBundle.BundleId

	var standard string
	pages := workspaces.NewDescribeWorkspaceBundlesPaginator(c, &workspaces.DescribeWorkspaceBundlesInput{Owner: aws.String("AMAZON")})
	for standard == "" && pages.HasMorePages() {
		public, err := pages.NextPage(ctx)
		must("DescribeWorkspaceBundles", err)
		for _, b := range public.Bundles {
			if *b.Name == "Standard with Windows 10 (Server 2019 based)" {
				standard = *b.BundleId
				break
			}
		}
	}
	if standard == "" {
		t.Fatal("no public bundle named Standard with Windows 10 (Server 2019 based)")
	}
	created, err := c.CreateWorkspaces(ctx, &workspaces.CreateWorkspacesInput{Workspaces: []types.WorkspaceRequest{{
		DirectoryId: aws.String(s.directory), UserName: aws.String("alice"), BundleId: aws.String(standard),
	}}})
	must("CreateWorkspaces", err)
	if len(created.FailedRequests) > 0 {
		f := created.FailedRequests[0]
		t.Fatalf("CreateWorkspaces: %s: %s", aws.ToString(f.ErrorCode), aws.ToString(f.ErrorMessage))
	}
	s.workspace = *created.PendingRequests[0].WorkspaceId
	srv.Advance(time.Minute) // WorkSpace AVAILABLE

	for _, app := range []string{s.officeNew, s.visual} {
		_, err := c.AssociateWorkspaceApplication(ctx, &workspaces.AssociateWorkspaceApplicationInput{
			WorkspaceId: aws.String(s.workspace), ApplicationId: aws.String(app)})
		must("AssociateWorkspaceApplication "+app, err)
	}
	_, err = c.DeployWorkspaceApplications(ctx, &workspaces.DeployWorkspaceApplicationsInput{WorkspaceId: aws.String(s.workspace)})
	must("DeployWorkspaceApplications", err)
	// One deploy step: Office moves to INSTALLING, Visual Studio's disk
	// check fails. The next step (taken by the test) completes Office.
	srv.Advance(time.Second)

	got, err := c.DescribeWorkspaceAssociations(ctx, &workspaces.DescribeWorkspaceAssociationsInput{
		WorkspaceId: aws.String(s.workspace), AssociatedResourceTypes: []types.WorkSpaceAssociatedResourceType{types.WorkSpaceAssociatedResourceTypeApplication}})
	must("DescribeWorkspaceAssociations", err)
	states := map[string]types.WorkspaceResourceAssociation{}
	for _, a := range got.Associations {
		states[*a.AssociatedResourceId] = a
	}
	if st := states[s.officeNew].State; st != types.AssociationStateInstalling {
		t.Fatalf("Office 2021 on %s is %s, want INSTALLING", s.workspace, st)
	}
	if a := states[s.visual]; a.State != types.AssociationStateError || a.StateReason == nil ||
		a.StateReason.ErrorCode != types.AssociationErrorCodeInsufficientDiskspace {
		t.Fatalf("Visual Studio on %s: %+v, want ERROR ValidationError.InsufficientDiskSpace", s.workspace, a)
	}
	s.assocsTotal = 5 // image, bundle, WorkSpace x2, eu image
	return s
}
