package gosdk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/sim"
)

const (
	// infraConfig is an Image Builder infrastructure configuration of the
	// default account and region.
	infraConfig = "arn:aws:imagebuilder:us-east-1:000000000000:infrastructure-configuration/workspaces-byol"
	// customImportStep is how long each stage of a custom import takes (the
	// `import` duration).
	customImportStep = time.Second
)

// customStages are the stages of a custom image import, in order, with
// the ProgressPercentage each shows: the model's CustomWorkspaceImageImportState
// values in the model's order (docs/behaviour.md).
var customStages = []struct {
	state    types.CustomWorkspaceImageImportState
	progress int32
}{
	{types.CustomWorkspaceImageImportStatePending, 0},
	{types.CustomWorkspaceImageImportStateInProgress, 8},
	{types.CustomWorkspaceImageImportStateProcessingSourceImage, 16},
	{types.CustomWorkspaceImageImportStateImageTestingStart, 25},
	{types.CustomWorkspaceImageImportStateUpdatingOperatingSystem, 33},
	{types.CustomWorkspaceImageImportStateImageCompatibilityChecking, 41},
	{types.CustomWorkspaceImageImportStateImageTestingGeneralization, 50},
	{types.CustomWorkspaceImageImportStateCreatingTestInstance, 58},
	{types.CustomWorkspaceImageImportStateInstallingComponents, 66},
	{types.CustomWorkspaceImageImportStateGeneralizing, 75},
	{types.CustomWorkspaceImageImportStateValidating, 83},
	{types.CustomWorkspaceImageImportStatePublishing, 91},
	{types.CustomWorkspaceImageImportStateCompleted, 100},
}

var instanceIDPattern = regexp.MustCompile(`^i-[0-9a-f]{17}$`)

// customImportInput is a valid ImportCustomWorkspaceImage request of the
// default account and region, from an EC2 image.
func customImportInput(name string) *workspaces.ImportCustomWorkspaceImageInput {
	return &workspaces.ImportCustomWorkspaceImageInput{
		ImageName:                      aws.String(name),
		ImageDescription:               aws.String("Imported through EC2 Image Builder"),
		ComputeType:                    types.ImageComputeTypeBase,
		Protocol:                       types.CustomImageProtocolDcv,
		ImageSource:                    &types.ImageSourceIdentifierMemberEc2ImageId{Value: ec2ImageID},
		InfrastructureConfigurationArn: aws.String(infraConfig),
		Platform:                       types.PlatformWindows,
		OsVersion:                      types.OSVersionWindows10,
	}
}

// importCustom starts a custom import and returns the image id; the call
// must succeed and answer PENDING.
func importCustom(t *testing.T, c *workspaces.Client, in *workspaces.ImportCustomWorkspaceImageInput) string {
	t.Helper()
	out, err := c.ImportCustomWorkspaceImage(context.Background(), in)
	if err != nil {
		t.Fatalf("ImportCustomWorkspaceImage(%s): %v", aws.ToString(in.ImageName), err)
	}
	id := aws.ToString(out.ImageId)
	if !imageIDPattern.MatchString(id) {
		t.Fatalf("ImportCustomWorkspaceImage ImageId = %q, want wsi- and 9..63 lowercase alphanumerics", id)
	}
	if out.State != types.CustomWorkspaceImageImportStatePending {
		t.Fatalf("ImportCustomWorkspaceImage State = %q, want PENDING", out.State)
	}
	return id
}

// describeCustom returns DescribeCustomWorkspaceImageImport of id; it must succeed.
func describeCustom(t *testing.T, c *workspaces.Client, id string) *workspaces.DescribeCustomWorkspaceImageImportOutput {
	t.Helper()
	out, err := c.DescribeCustomWorkspaceImageImport(context.Background(), &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeCustomWorkspaceImageImport(%s): %v", id, err)
	}
	if got := aws.ToString(out.ImageId); got != id {
		t.Fatalf("DescribeCustomWorkspaceImageImport(%s).ImageId = %q", id, got)
	}
	return out
}

// TestCustomImageImportStages: every stage on the clock, one step each,
// with ProgressPercentage rising to 100; the image is PENDING until the
// import COMPLETES, then AVAILABLE, and application management works on it:
// a bundle of it, a WorkSpace of the bundle, an application installed.
func TestCustomImageImportStages(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()

	in := customImportInput("byol-win10")
	in.Tags = []types.Tag{{Key: aws.String("team"), Value: aws.String("desktops")}}
	id := importCustom(t, c, in)

	var instance string
	for i, st := range customStages {
		if i > 0 {
			srv.Advance(customImportStep)
		}
		now := clockStart.Add(time.Duration(i) * customImportStep)
		got := describeCustom(t, c, id)
		if got.State != st.state || aws.ToInt32(got.ProgressPercentage) != st.progress {
			t.Fatalf("after %d steps: State %s, ProgressPercentage %d; want %s, %d", i, got.State, aws.ToInt32(got.ProgressPercentage), st.state, st.progress)
		}
		if !aws.ToTime(got.Created).Equal(clockStart) || !aws.ToTime(got.LastUpdatedTime).Equal(now) {
			t.Errorf("%s: Created %v, LastUpdatedTime %v; want %v and %v", st.state, got.Created, got.LastUpdatedTime, clockStart, now)
		}
		if aws.ToString(got.InfrastructureConfigurationArn) != infraConfig {
			t.Errorf("%s: InfrastructureConfigurationArn = %q", st.state, aws.ToString(got.InfrastructureConfigurationArn))
		}
		if src, ok := got.ImageSource.(*types.ImageSourceIdentifierMemberEc2ImageId); !ok || src.Value != ec2ImageID {
			t.Errorf("%s: ImageSource = %#v, want Ec2ImageId %s", st.state, got.ImageSource, ec2ImageID)
		}
		if aws.ToString(got.StateMessage) == "" || len(got.ErrorDetails) != 0 {
			t.Errorf("%s: StateMessage %q, ErrorDetails %+v; want a message and no errors", st.state, aws.ToString(got.StateMessage), got.ErrorDetails)
		}
		// The Image Builder instance exists once the import has started, and stays the same.
		switch b := aws.ToString(got.ImageBuilderInstanceId); {
		case i == 0 && b != "":
			t.Errorf("PENDING: ImageBuilderInstanceId = %q, want none yet", b)
		case i > 0 && !instanceIDPattern.MatchString(b):
			t.Errorf("%s: ImageBuilderInstanceId = %q, want i- and 17 hex digits", st.state, b)
		case i > 1 && b != instance:
			t.Errorf("%s: ImageBuilderInstanceId changed from %s to %s", st.state, instance, b)
		case i > 0:
			instance = b
		}
		img := describeImage(t, c, id)
		wantImage := types.WorkspaceImageStatePending
		if st.state == types.CustomWorkspaceImageImportStateCompleted {
			wantImage = types.WorkspaceImageStateAvailable
		}
		if img.State != wantImage {
			t.Fatalf("%s: DescribeWorkspaceImages State = %s, want %s", st.state, img.State, wantImage)
		}
	}
	// Nothing moves after COMPLETED.
	srv.Advance(time.Hour)
	if got := describeCustom(t, c, id); got.State != types.CustomWorkspaceImageImportStateCompleted ||
		!aws.ToTime(got.LastUpdatedTime).Equal(clockStart.Add(12*customImportStep)) {
		t.Errorf("an hour after COMPLETED: %s, updated %v", got.State, got.LastUpdatedTime)
	}

	var stats struct {
		LifecycleSteps map[string]int64 `json:"lifecycleSteps"`
	}
	if status := srv.Control(http.MethodGet, "/_wslocal/stats", nil, &stats); status != http.StatusOK || stats.LifecycleSteps["image"] != 12 {
		t.Errorf("GET stats = %d %v, want 12 image steps (one a stage)", status, stats.LifecycleSteps)
	}

	img := describeImage(t, c, id)
	if aws.ToString(img.Name) != "byol-win10" || aws.ToString(img.Description) != "Imported through EC2 Image Builder" ||
		img.RequiredTenancy != types.WorkspaceImageRequiredTenancyDedicated || img.OperatingSystem == nil ||
		img.OperatingSystem.Type != types.OperatingSystemTypeWindows || aws.ToString(img.OwnerAccountId) != defaultAccount ||
		!aws.ToTime(img.Created).Equal(clockStart) || img.ErrorCode != nil {
		t.Errorf("DescribeWorkspaceImages = %+v", img)
	}
	if tags := tagsOf(t, c, id); len(tags) != 1 || tags["team"] != "desktops" {
		t.Errorf("DescribeTags = %v, want team=desktops", tags)
	}
	if as := imageAssociations(t, c, id); len(as) != 0 {
		t.Errorf("DescribeImageAssociations = %+v, want none: a custom import brings no applications", as)
	}

	// Application management on the imported image.
	bundle, err := c.CreateWorkspaceBundle(ctx, &workspaces.CreateWorkspaceBundleInput{
		BundleName: aws.String("byol"), BundleDescription: aws.String("BYOL Windows 10"), ImageId: aws.String(id),
		ComputeType: &types.ComputeType{Name: types.ComputeStandard}, UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
	if err != nil {
		t.Fatalf("CreateWorkspaceBundle of the imported image: %v", err)
	}
	registerDirectory(t, c, "d-0123456789")
	srv.Advance(time.Minute)
	ws := createWorkspace(t, c, "d-0123456789", aws.ToString(bundle.WorkspaceBundle.BundleId), "alice")
	srv.Advance(time.Minute)
	visio := appIDs(t, c)["Microsoft Visio LTSC Professional 2021"]
	if _, err := c.AssociateWorkspaceApplication(ctx, &workspaces.AssociateWorkspaceApplicationInput{
		WorkspaceId: aws.String(ws), ApplicationId: aws.String(visio)}); err != nil {
		t.Fatalf("AssociateWorkspaceApplication: %v", err)
	}
	if _, err := c.DeployWorkspaceApplications(ctx, &workspaces.DeployWorkspaceApplicationsInput{WorkspaceId: aws.String(ws)}); err != nil {
		t.Fatalf("DeployWorkspaceApplications: %v", err)
	}
	srv.Advance(time.Minute)
	if as := workspaceAssociations(t, c, ws); len(as) != 1 || aws.ToString(as[0].AssociatedResourceId) != visio ||
		as[0].State != types.AssociationStateCompleted {
		t.Errorf("DescribeWorkspaceAssociations = %+v, want Visio COMPLETED", as)
	}
}

// TestCustomImageImportSources: the three members of ImageSourceIdentifier,
// Windows 11 with DCV, and the model's compute types; each source is
// answered as given.
func TestCustomImageImportSources(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	build := "arn:aws:imagebuilder:us-east-1:000000000000:image/byol-win11/1.0.0/3"
	cases := []struct {
		name    string
		src     types.ImageSourceIdentifier
		compute types.ImageComputeType
		os      types.OSVersion
		proto   types.CustomImageProtocol
	}{
		{"from-task", &types.ImageSourceIdentifierMemberEc2ImportTaskId{Value: "import-ami-0123456789abcdef0"}, types.ImageComputeTypeGraphicsG4dn, types.OSVersionWindows10, types.CustomImageProtocolPcoip},
		{"from-build", &types.ImageSourceIdentifierMemberImageBuildVersionArn{Value: build}, types.ImageComputeTypeGraphicsG6, types.OSVersionWindows11, types.CustomImageProtocolDcv},
		{"from-ami", &types.ImageSourceIdentifierMemberEc2ImageId{Value: ec2ImageID}, types.ImageComputeTypeBase, types.OSVersionWindows11, types.CustomImageProtocolByop},
	}
	// The union takes exactly one member (the SDK cannot send another number).
	base := `{"ImageName":"raw","ImageDescription":"raw","ComputeType":"BASE","Protocol":"DCV","Platform":"WINDOWS",` +
		`"OsVersion":"Windows_10","InfrastructureConfigurationArn":"` + infraConfig + `","ImageSource":`
	for _, src := range []string{`{}`, `{"Ec2ImageId":"` + ec2ImageID + `","Ec2ImportTaskId":"import-ami-0123456789abcdef0"}`} {
		msg := rawError(t, rawCall(t, srv, "ImportCustomWorkspaceImage", base+src+`}`), http.StatusBadRequest, "ValidationException")
		if !strings.Contains(msg, "Member must have exactly one member set") {
			t.Errorf("ImageSource %s: %q, want the union's constraint", src, msg)
		}
	}
	ids := map[string]string{}
	for _, tc := range cases {
		in := customImportInput(tc.name)
		in.ImageSource, in.ComputeType, in.OsVersion, in.Protocol = tc.src, tc.compute, tc.os, tc.proto
		ids[tc.name] = importCustom(t, c, in)
	}
	srv.Advance(time.Minute)
	for _, tc := range cases {
		got := describeCustom(t, c, ids[tc.name])
		if got.State != types.CustomWorkspaceImageImportStateCompleted {
			t.Errorf("%s: State %s, want COMPLETED", tc.name, got.State)
		}
		if fmt.Sprintf("%#v", got.ImageSource) != fmt.Sprintf("%#v", tc.src) {
			t.Errorf("%s: ImageSource = %#v, want %#v", tc.name, got.ImageSource, tc.src)
		}
		if img := describeImage(t, c, ids[tc.name]); img.State != types.WorkspaceImageStateAvailable {
			t.Errorf("%s: image %s, want AVAILABLE", tc.name, img.State)
		}
	}
}

// TestCustomImageImportFault: an importError rule ends the import in ERROR
// in the stage it names, with its ErrorDetails; the image is ERROR with the
// same ErrorCode and ErrorMessage, keeps its progress, and cannot make a
// bundle. The rule matches by operation and image id.
func TestCustomImageImportFault(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()

	ok := importCustom(t, c, customImportInput("good"))
	bad := importCustom(t, c, customImportInput("bad"))
	srv.InjectFault(sim.FaultRule{Operation: "ImportCustomWorkspaceImage", ResourceID: bad, Count: 1,
		ImportError: &sim.ImportErrorEffect{Code: "ImageCompatibilityError", Message: "Sysprep failed: remove the AppX packages.", Stage: "GENERALIZING"}})

	// GENERALIZING is the 10th stage: reached after 9 steps, failed at the 10th.
	srv.Advance(9 * customImportStep)
	if got := describeCustom(t, c, bad); got.State != types.CustomWorkspaceImageImportStateGeneralizing {
		t.Fatalf("after 9 steps: %s, want GENERALIZING", got.State)
	}
	srv.Advance(customImportStep)
	got := describeCustom(t, c, bad)
	if got.State != types.CustomWorkspaceImageImportStateError || aws.ToInt32(got.ProgressPercentage) != 75 ||
		!aws.ToTime(got.LastUpdatedTime).Equal(clockStart.Add(10*customImportStep)) {
		t.Errorf("failed import: State %s, ProgressPercentage %d, LastUpdatedTime %v; want ERROR, 75, %v",
			got.State, aws.ToInt32(got.ProgressPercentage), got.LastUpdatedTime, clockStart.Add(10*customImportStep))
	}
	if len(got.ErrorDetails) != 1 || aws.ToString(got.ErrorDetails[0].ErrorCode) != "ImageCompatibilityError" ||
		aws.ToString(got.ErrorDetails[0].ErrorMessage) != "Sysprep failed: remove the AppX packages." {
		t.Errorf("ErrorDetails = %+v", got.ErrorDetails)
	}
	if msg := aws.ToString(got.StateMessage); msg != "The image import failed in GENERALIZING." {
		t.Errorf("StateMessage = %q", msg)
	}
	if !instanceIDPattern.MatchString(aws.ToString(got.ImageBuilderInstanceId)) {
		t.Errorf("ImageBuilderInstanceId = %q, want the instance of the failed build", aws.ToString(got.ImageBuilderInstanceId))
	}
	img := describeImage(t, c, bad)
	if img.State != types.WorkspaceImageStateError || aws.ToString(img.ErrorCode) != "ImageCompatibilityError" ||
		aws.ToString(img.ErrorMessage) != "Sysprep failed: remove the AppX packages." {
		t.Errorf("DescribeWorkspaceImages of the failed import = %s %q %q", img.State, aws.ToString(img.ErrorCode), aws.ToString(img.ErrorMessage))
	}
	srv.Advance(time.Minute)
	if got := describeCustom(t, c, bad); got.State != types.CustomWorkspaceImageImportStateError {
		t.Errorf("a minute later the failed import is %s, want ERROR still", got.State)
	}
	if got := describeCustom(t, c, ok); got.State != types.CustomWorkspaceImageImportStateCompleted {
		t.Errorf("the other import is %s, want COMPLETED: the rule names only %s", got.State, bad)
	}
	_, err := c.CreateWorkspaceBundle(ctx, &workspaces.CreateWorkspaceBundleInput{
		BundleName: aws.String("bad"), BundleDescription: aws.String("from an ERROR image"), ImageId: aws.String(bad),
		ComputeType: &types.ComputeType{Name: types.ComputeStandard}, UserStorage: &types.UserStorage{Capacity: aws.String("50")}})
	if ae := apiError(t, err, "ResourceUnavailableException"); ae.ErrorMessage() != fmt.Sprintf("The image %s is ERROR; it must be AVAILABLE.", bad) {
		t.Errorf("CreateWorkspaceBundle of the ERROR image: %q", ae.ErrorMessage())
	}

	// A rule without a stage fails the import in PENDING, with a message of
	// wslocal's when the rule gives none; it fired once (count 1) and is gone.
	rule := srv.InjectFault(sim.FaultRule{Operation: "ImportCustomWorkspaceImage", Count: 1, ImportError: &sim.ImportErrorEffect{Code: "InvalidSourceImage"}})
	early := importCustom(t, c, customImportInput("early"))
	srv.Advance(customImportStep)
	got = describeCustom(t, c, early)
	if got.State != types.CustomWorkspaceImageImportStateError || aws.ToInt32(got.ProgressPercentage) != 0 ||
		got.ImageBuilderInstanceId != nil || len(got.ErrorDetails) != 1 ||
		aws.ToString(got.ErrorDetails[0].ErrorCode) != "InvalidSourceImage" ||
		aws.ToString(got.ErrorDetails[0].ErrorMessage) != "The image import failed in PENDING." {
		t.Errorf("failed in PENDING: %s %d%% instance %v details %+v", got.State, aws.ToInt32(got.ProgressPercentage), got.ImageBuilderInstanceId, got.ErrorDetails)
	}
	for _, r := range srv.Faults.List() {
		if r.ID == rule.ID {
			t.Errorf("rule %s (count 1) is still in force after firing: %+v", rule.ID, r)
		}
	}
	// An image whose import failed can be deleted, and its import goes with it.
	if _, err := c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(early)}); err != nil {
		t.Fatalf("DeleteWorkspaceImage of the ERROR image: %v", err)
	}
	_, err = c.DescribeCustomWorkspaceImageImport(ctx, &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String(early)})
	notFound(t, err, early)

	// Other effects do not touch a custom import: an associationError rule
	// for the same operation leaves it alone.
	srv.InjectFault(sim.FaultRule{Operation: "ImportCustomWorkspaceImage",
		AssociationError: &sim.AssociationErrorEffect{Code: "DeploymentError.InternalServerError"}})
	later := importCustom(t, c, customImportInput("later"))
	srv.Advance(time.Minute)
	if got := describeCustom(t, c, later); got.State != types.CustomWorkspaceImageImportStateCompleted {
		t.Errorf("with an associationError rule the import is %s, want COMPLETED", got.State)
	}
}

// TestCustomImageImportFaultRules: the control API takes importError rules,
// lists them as it took them (a listed rule posted again is the same rule),
// and refuses malformed ones.
func TestCustomImageImportFaultRules(t *testing.T) {
	t.Parallel()
	srv := start(t)
	body := map[string]any{"operation": "ImportCustomWorkspaceImage", "resourceId": "wsi-0123456789", "count": 2,
		"importError": map[string]any{"code": "ImageBuildFailed", "message": "The build timed out.", "stage": "VALIDATING"}}
	var added sim.FaultRule
	if status := srv.Control(http.MethodPost, "/_wslocal/faults", body, &added); status != http.StatusCreated {
		t.Fatalf("POST importError rule = %d", status)
	}
	want := sim.FaultRule{ID: added.ID, Operation: "ImportCustomWorkspaceImage", ResourceID: "wsi-0123456789", Count: 2,
		ImportError: &sim.ImportErrorEffect{Code: "ImageBuildFailed", Message: "The build timed out.", Stage: "VALIDATING"}}
	if added.ImportError == nil || *added.ImportError != *want.ImportError || added.Operation != want.Operation ||
		added.ResourceID != want.ResourceID || added.Count != want.Count || added.Fired != 0 || added.APIError != nil || added.AssociationError != nil {
		t.Errorf("added %+v %+v, want %+v %+v", added, added.ImportError, want, want.ImportError)
	}
	var listed struct {
		Faults []json.RawMessage `json:"faults"`
	}
	if status := srv.Control(http.MethodGet, "/_wslocal/faults", nil, &listed); status != http.StatusOK || len(listed.Faults) != 1 {
		t.Fatalf("GET faults = %d %s", status, listed.Faults)
	}
	// Export and import are symmetric: what GET lists, POST takes back.
	var again sim.FaultRule
	if status := srv.Control(http.MethodPost, "/_wslocal/faults", listed.Faults[0], &again); status != http.StatusCreated {
		t.Fatalf("POST the listed rule = %d", status)
	}
	if again.ID == added.ID || fmt.Sprintf("%+v", again.ImportError) != fmt.Sprintf("%+v", added.ImportError) ||
		again.Operation != added.Operation || again.ResourceID != added.ResourceID || again.Count != added.Count {
		t.Errorf("the listed rule posted again = %+v %+v, want %+v %+v with a new id", again, again.ImportError, added, added.ImportError)
	}

	for _, tc := range []struct {
		name string
		body string
		want string
	}{
		{"no code", `{"importError":{"message":"m"}}`, "importError.code is required"},
		{"unknown stage", `{"importError":{"code":"X","stage":"COMPLETED"}}`, `importError.stage "COMPLETED" must be one of`},
		{"two effects", `{"importError":{"code":"X"},"apiError":{"code":"ThrottlingException"}}`, "exactly one effect: apiError, associationError or importError"},
		{"an application", `{"applicationId":"wsa-123456789","importError":{"code":"X"}}`, "cannot match an applicationId"},
		{"long code", `{"importError":{"code":"` + strings.Repeat("x", 257) + `"}}`, "at most 256 characters"},
	} {
		var out map[string]any
		status := srv.Control(http.MethodPost, "/_wslocal/faults", json.RawMessage(tc.body), &out)
		if msg, _ := out["error"].(string); status != http.StatusBadRequest || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: POST = %d %v, want 400 containing %q", tc.name, status, out, tc.want)
		}
	}
}

// TestCustomImageImportRefusals: every refusal, with its code and message.
func TestCustomImageImportRefusals(t *testing.T) {
	t.Parallel()
	srv := start(t, withMaxImages(3))
	c := client(srv)
	ctx := context.Background()
	refuse := func(name string, mutate func(*workspaces.ImportCustomWorkspaceImageInput), code, msg string) {
		t.Helper()
		in := customImportInput("refused")
		mutate(in)
		_, err := c.ImportCustomWorkspaceImage(ctx, in)
		if ae := apiError(t, err, code); ae.ErrorMessage() != msg {
			t.Errorf("%s: message %q, want %q", name, ae.ErrorMessage(), msg)
		}
	}
	// The API reference, Protocol: "Windows 11 does not support PCOIP protocol."
	refuse("Windows 11 with PCOIP", func(in *workspaces.ImportCustomWorkspaceImageInput) {
		in.OsVersion, in.Protocol = types.OSVersionWindows11, types.CustomImageProtocolPcoip
	}, "InvalidParameterValuesException", "Windows 11 does not support the PCOIP protocol; use DCV or BYOP.")
	// "you must own the image": Image Builder resources of the caller's account and region.
	refuse("another account's configuration", func(in *workspaces.ImportCustomWorkspaceImageInput) {
		in.InfrastructureConfigurationArn = aws.String("arn:aws:imagebuilder:us-east-1:111122223333:infrastructure-configuration/theirs")
	}, "InvalidParameterValuesException", "InfrastructureConfigurationArn arn:aws:imagebuilder:us-east-1:111122223333:infrastructure-configuration/theirs belongs to account 111122223333; it must belong to your account 000000000000.")
	refuse("another region's configuration", func(in *workspaces.ImportCustomWorkspaceImageInput) {
		in.InfrastructureConfigurationArn = aws.String("arn:aws:imagebuilder:eu-west-1:000000000000:infrastructure-configuration/workspaces-byol")
	}, "InvalidParameterValuesException", "InfrastructureConfigurationArn arn:aws:imagebuilder:eu-west-1:000000000000:infrastructure-configuration/workspaces-byol is in eu-west-1; it must be in the Region of the import, us-east-1.")
	refuse("an Amazon-managed image", func(in *workspaces.ImportCustomWorkspaceImageInput) {
		in.ImageSource = &types.ImageSourceIdentifierMemberImageBuildVersionArn{Value: "arn:aws:imagebuilder:us-east-1:aws:image/windows-11-x86/x.x.x"}
	}, "InvalidParameterValuesException", "ImageSource.ImageBuildVersionArn arn:aws:imagebuilder:us-east-1:aws:image/windows-11-x86/x.x.x belongs to account aws; it must belong to your account 000000000000.")
	refuse("too many tags", func(in *workspaces.ImportCustomWorkspaceImageInput) {
		for i := range 51 {
			in.Tags = append(in.Tags, types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")})
		}
	}, "ResourceLimitExceededException", "A resource can have at most 50 tags.")

	// Names are shared with every image: one of ImportWorkspaceImage's too.
	importImage(t, c, "golden", importOpts{})
	refuse("a name in use", func(in *workspaces.ImportCustomWorkspaceImageInput) { in.ImageName = aws.String("golden") },
		"ResourceAlreadyExistsException", "An image named golden already exists.")
	importCustom(t, c, customImportInput("custom"))
	refuse("a custom import's name", func(in *workspaces.ImportCustomWorkspaceImageInput) { in.ImageName = aws.String("custom") },
		"ResourceAlreadyExistsException", "An image named custom already exists.")
	// The images quota counts every image (3 here).
	importCustom(t, c, customImportInput("third"))
	refuse("the images quota", func(in *workspaces.ImportCustomWorkspaceImageInput) {},
		"ResourceLimitExceededException", "You have reached the quota of 3 images in us-east-1.")

	// DescribeCustomWorkspaceImageImport: only images of a custom import.
	_, err := c.DescribeCustomWorkspaceImageImport(ctx, &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String("wsi-000000000")})
	if ae := apiError(t, err, "ResourceNotFoundException"); ae.ErrorMessage() != "The image wsi-000000000 could not be found." {
		t.Errorf("unknown image: %q", ae.ErrorMessage())
	}
	notFound(t, err, "wsi-000000000")
	golden := allImageIDs(t, c)
	for _, id := range golden {
		if aws.ToString(describeImage(t, c, id).Name) != "golden" {
			continue
		}
		_, err := c.DescribeCustomWorkspaceImageImport(ctx, &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String(id)})
		if ae := apiError(t, err, "ResourceNotFoundException"); ae.ErrorMessage() !=
			fmt.Sprintf("The image %s was not imported with ImportCustomWorkspaceImage; it has no import to describe.", id) {
			t.Errorf("an ImportWorkspaceImage image: %q", ae.ErrorMessage())
		}
		notFound(t, err, id)
	}
	// A PENDING import's image cannot be deleted (as any PENDING image).
	ids := allImageIDs(t, c)
	for _, id := range ids {
		if aws.ToString(describeImage(t, c, id).Name) != "custom" {
			continue
		}
		_, err := c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(id)})
		apiError(t, err, "InvalidResourceStateException")
	}
}

// TestCustomImageImportIsolation: another account, or another region of
// the same account, cannot describe an import.
func TestCustomImageImportIsolation(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	id := importCustom(t, c, customImportInput("mine"))
	for _, cfg := range []aws.Config{srv.AWSConfigFor("111122223333", defaultRegion), srv.AWSConfigFor(defaultAccount, "eu-west-1")} {
		_, err := newClient(cfg).DescribeCustomWorkspaceImageImport(context.Background(),
			&workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String(id)})
		notFound(t, err, id)
	}
	describeCustom(t, c, id)
}

// TestCustomImageImportStateRoundTrip: an exported state holds imports
// mid-way and failed; imported, a mid-way import goes on from its stage on
// the clock, and a failed one keeps its ErrorDetails. A snapshot whose
// import is in no state of the model is refused.
func TestCustomImageImportStateRoundTrip(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	mid := importCustom(t, c, customImportInput("mid"))
	failed := importCustom(t, c, customImportInput("failed"))
	srv.InjectFault(sim.FaultRule{ResourceID: failed, ImportError: &sim.ImportErrorEffect{Code: "E1", Message: "broken", Stage: "IN_PROGRESS"}})
	srv.Advance(3 * customImportStep)
	before := describeCustom(t, c, mid)
	if before.State != types.CustomWorkspaceImageImportStateImageTestingStart {
		t.Fatalf("after 3 steps: %s, want IMAGE_TESTING_START", before.State)
	}

	state := exportState(t, srv)
	srv.Reset()
	srv.Faults.Clear("")
	if ids := allImageIDs(t, c); len(ids) != 0 {
		t.Fatalf("images after reset: %v", ids)
	}
	importState(t, srv, state)
	after := describeCustom(t, c, mid)
	if after.State != before.State || aws.ToInt32(after.ProgressPercentage) != 25 ||
		aws.ToString(after.ImageBuilderInstanceId) != aws.ToString(before.ImageBuilderInstanceId) ||
		!aws.ToTime(after.LastUpdatedTime).Equal(aws.ToTime(before.LastUpdatedTime)) {
		t.Errorf("imported mid-way import = %+v, want %+v", after, before)
	}
	f := describeCustom(t, c, failed)
	if f.State != types.CustomWorkspaceImageImportStateError || len(f.ErrorDetails) != 1 ||
		aws.ToString(f.ErrorDetails[0].ErrorCode) != "E1" || aws.ToString(f.ErrorDetails[0].ErrorMessage) != "broken" {
		t.Errorf("imported failed import = %s %+v", f.State, f.ErrorDetails)
	}
	srv.Advance(9 * customImportStep)
	if got := describeCustom(t, c, mid); got.State != types.CustomWorkspaceImageImportStateCompleted {
		t.Errorf("9 steps after the import: %s, want COMPLETED", got.State)
	}
	if img := describeImage(t, c, mid); img.State != types.WorkspaceImageStateAvailable {
		t.Errorf("image %s, want AVAILABLE", img.State)
	}

	// A state whose import is in no state of the model is refused whole.
	var snap map[string]any
	if err := json.Unmarshal(state, &snap); err != nil {
		t.Fatal(err)
	}
	for _, r := range snap["resources"].([]any) {
		res := r.(map[string]any)
		if res["id"] == mid {
			doc := res["doc"].(map[string]any)
			doc["wslocalCustomImport"].(map[string]any)["state"] = "BAKING"
		}
	}
	var refused map[string]any
	if status := srv.Control(http.MethodPut, "/_wslocal/state", snap, &refused); status != http.StatusBadRequest ||
		!strings.Contains(fmt.Sprint(refused["error"]), `wslocalCustomImport.state "BAKING" is not a CustomWorkspaceImageImportState`) {
		t.Errorf("PUT a bad import state = %d %v, want 400 naming the state", status, refused)
	}
	if got := describeCustom(t, c, mid); got.State != types.CustomWorkspaceImageImportStateCompleted {
		t.Errorf("after the refused PUT: %s, want the state unchanged (COMPLETED)", got.State)
	}
}

// importCustomFor starts a custom import in an account and region (its
// configuration is of that account and region) and returns the image id.
func importCustomFor(t *testing.T, c *workspaces.Client, account, region string) string {
	t.Helper()
	in := customImportInput("byol-custom")
	in.InfrastructureConfigurationArn = aws.String(fmt.Sprintf("arn:aws:imagebuilder:%s:%s:infrastructure-configuration/byol", region, account))
	return importCustom(t, c, in)
}

// sortedIDs returns ids in order, as DescribeWorkspaceImages lists them.
func sortedIDs(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
