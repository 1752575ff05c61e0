package gosdk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
	"github.com/aws/smithy-go"
)

// enumSet renders an SDK enum's values the way AWS lists them in a message.
func enumSet[E ~string](values []E) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// Model constraints the SDK does not check on the client (patterns, enums,
// ranges, list lengths) come back from the server as ValidationException,
// worded as AWS words them.
func TestValidationMessages(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	office := appIDs(t, c)[office2019]
	appTypes := []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage}
	imgTypes := []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}
	const prefix = "1 validation error detected: "
	ids26 := make([]string, 26)
	for i := range ids26 {
		ids26[i] = fmt.Sprintf("wsi-%09d", i)
	}

	cases := []struct {
		name string
		call func() error
		msg  string
	}{
		{"DescribeImageAssociations imageId abc", func() error {
			_, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String("abc"), AssociatedResourceTypes: imgTypes})
			return err
		}, `1 validation error detected: Value 'abc' at 'imageId' failed to satisfy constraint: Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$`},
		{"DescribeImageAssociations imageId upper case", func() error {
			_, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String("wsi-ABCDEFGHI"), AssociatedResourceTypes: imgTypes})
			return err
		}, prefix + `Value 'wsi-ABCDEFGHI' at 'imageId' failed to satisfy constraint: Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$`},
		// The model's pattern has no ^, but patterns are whole-string matches.
		{"DescribeImageAssociations imageId with a prefix", func() error {
			_, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String("xwsi-abcdefghi"), AssociatedResourceTypes: imgTypes})
			return err
		}, prefix + `Value 'xwsi-abcdefghi' at 'imageId' failed to satisfy constraint: Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$`},
		{"DescribeImageAssociations imageId too short", func() error {
			_, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String("wsi-abcdefgh"), AssociatedResourceTypes: imgTypes})
			return err
		}, prefix + `Value 'wsi-abcdefgh' at 'imageId' failed to satisfy constraint: Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$`},
		{"DescribeImageAssociations unknown resource type", func() error {
			_, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String("wsi-abcdefghi"),
				AssociatedResourceTypes: []types.ImageAssociatedResourceType{"FOO"}})
			return err
		}, prefix + `Value '[FOO]' at 'associatedResourceTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [APPLICATION]]`},
		{"DeleteWorkspaceImage imageId abc", func() error {
			_, err := c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String("abc")})
			return err
		}, prefix + `Value 'abc' at 'imageId' failed to satisfy constraint: Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$`},
		{"DescribeWorkspaceImages imageIds", func() error {
			_, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{"wsi-abcdefghi", "abc"}})
			return err
		}, prefix + `Value '[wsi-abcdefghi, abc]' at 'imageIds' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$]`},
		{"DescribeWorkspaceImages empty imageIds", func() error {
			_, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{}})
			return err
		}, prefix + `Value '[]' at 'imageIds' failed to satisfy constraint: Member must have length greater than or equal to 1`},
		{"DescribeWorkspaceImages 26 imageIds", func() error {
			_, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: ids26})
			return err
		}, prefix + `Value '[` + strings.Join(ids26, ", ") + `]' at 'imageIds' failed to satisfy constraint: Member must have length less than or equal to 25`},
		{"DescribeWorkspaceImages imageType", func() error {
			_, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageType: "PUBLIC"})
			return err
		}, prefix + `Value 'PUBLIC' at 'imageType' failed to satisfy constraint: Member must satisfy enum value set: ` + enumSet(types.ImageType("").Values())},
		{"DescribeWorkspaceImages maxResults 26", func() error {
			_, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{MaxResults: aws.Int32(26)})
			return err
		}, prefix + `Value '26' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25`},
		{"DescribeApplications maxResults 26", func() error {
			_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{MaxResults: aws.Int32(26)})
			return err
		}, prefix + `Value '26' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25`},
		{"DescribeApplications maxResults 0", func() error {
			_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{MaxResults: aws.Int32(0)})
			return err
		}, prefix + `Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`},
		{"DescribeApplications licenseType", func() error {
			_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{LicenseType: "FREE"})
			return err
		}, prefix + `Value 'FREE' at 'licenseType' failed to satisfy constraint: Member must satisfy enum value set: ` + enumSet(types.WorkSpaceApplicationLicenseType("").Values())},
		{"DescribeApplications computeTypeNames", func() error {
			_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{ComputeTypeNames: []types.Compute{types.ComputeValue, "TINY"}})
			return err
		}, prefix + `Value '[VALUE, TINY]' at 'computeTypeNames' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: ` + enumSet(types.Compute("").Values()) + `]`},
		{"DescribeApplications operatingSystemNames", func() error {
			_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{OperatingSystemNames: []types.OperatingSystemName{"WINDOWS_95"}})
			return err
		}, prefix + `Value '[WINDOWS_95]' at 'operatingSystemNames' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: ` + enumSet(types.OperatingSystemName("").Values()) + `]`},
		{"DescribeApplications owner", func() error {
			_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{Owner: aws.String("bogus")})
			return err
		}, prefix + `Value 'bogus' at 'owner' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\d{12}|AMAZON$`},
		{"DescribeApplications applicationIds", func() error {
			_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{ApplicationIds: []string{"wsa-SHOUT1234"}})
			return err
		}, prefix + `Value '[wsa-SHOUT1234]' at 'applicationIds' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: ^wsa-[0-9a-z]{8,63}$]`},
		{"DescribeApplications empty applicationIds", func() error {
			_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{ApplicationIds: []string{}})
			return err
		}, prefix + `Value '[]' at 'applicationIds' failed to satisfy constraint: Member must have length greater than or equal to 1`},
		{"DescribeApplicationAssociations applicationId", func() error {
			_, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String("office"), AssociatedResourceTypes: appTypes})
			return err
		}, prefix + `Value 'office' at 'applicationId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^wsa-[0-9a-z]{8,63}$`},
		{"DescribeApplicationAssociations maxResults 26", func() error {
			_, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(office), AssociatedResourceTypes: appTypes, MaxResults: aws.Int32(26)})
			return err
		}, prefix + `Value '26' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25`},
		{"DescribeApplicationAssociations resource type", func() error {
			_, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(office),
				AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{"APPLICATION"}})
			return err
		}, prefix + `Value '[APPLICATION]' at 'associatedResourceTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [WORKSPACE, BUNDLE, IMAGE]]`},
		{"ImportWorkspaceImage ec2ImageId", func() error {
			in := importInput("bad-ami", importOpts{})
			in.Ec2ImageId = aws.String("ami-xyz")
			_, err := c.ImportWorkspaceImage(ctx, in)
			return err
		}, prefix + `Value 'ami-xyz' at 'ec2ImageId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^ami\-([a-f0-9]{8}|[a-f0-9]{17})$`},
		{"ImportWorkspaceImage imageName", func() error {
			_, err := c.ImportWorkspaceImage(ctx, importInput("has space", importOpts{}))
			return err
		}, prefix + `Value 'has space' at 'imageName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_./()\\-]+$`},
		{"ImportWorkspaceImage imageDescription", func() error {
			in := importInput("bad-description", importOpts{})
			in.ImageDescription = aws.String("Office & more!")
			_, err := c.ImportWorkspaceImage(ctx, in)
			return err
		}, prefix + `Value 'Office & more!' at 'imageDescription' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_./() -]+$`},
		{"ImportWorkspaceImage imageName too long", func() error {
			_, err := c.ImportWorkspaceImage(ctx, importInput(strings.Repeat("n", 65), importOpts{}))
			return err
		}, prefix + `Value '` + strings.Repeat("n", 65) + `' at 'imageName' failed to satisfy constraint: Member must have length less than or equal to 64`},
		{"ImportWorkspaceImage ingestionProcess", func() error {
			_, err := c.ImportWorkspaceImage(ctx, importInput("bad-process", importOpts{process: "BYOL_FANCY"}))
			return err
		}, prefix + `Value 'BYOL_FANCY' at 'ingestionProcess' failed to satisfy constraint: Member must satisfy enum value set: ` + enumSet(types.WorkspaceImageIngestionProcess("").Values())},
		{"ImportWorkspaceImage empty applications", func() error {
			_, err := c.ImportWorkspaceImage(ctx, importInput("no-apps", importOpts{apps: []types.Application{}}))
			return err
		}, prefix + `Value '[]' at 'applications' failed to satisfy constraint: Member must have length greater than or equal to 1`},
		{"ImportWorkspaceImage unknown application", func() error {
			_, err := c.ImportWorkspaceImage(ctx, importInput("office-2013", importOpts{apps: []types.Application{"Microsoft_Office_2013"}}))
			return err
		}, prefix + `Value '[Microsoft_Office_2013]' at 'applications' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [Microsoft_Office_2016, Microsoft_Office_2019]]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			validation(t, tc.call(), tc.msg)
		})
	}

	// Several violations are counted and joined with "; ".
	_, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{LicenseType: "FREE", MaxResults: aws.Int32(26)})
	ae := apiError(t, err, "ValidationException")
	msg := ae.ErrorMessage()
	want1 := `Value 'FREE' at 'licenseType' failed to satisfy constraint: Member must satisfy enum value set: [LICENSED, UNLICENSED]`
	want2 := `Value '26' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25`
	rest, ok := strings.CutPrefix(msg, "2 validation errors detected: ")
	parts := strings.Split(rest, "; ")
	if !ok || len(parts) != 2 || !(parts[0] == want1 && parts[1] == want2 || parts[0] == want2 && parts[1] == want1) {
		t.Errorf("two violations: message %q, want \"2 validation errors detected: \" and both violations joined with \"; \"", msg)
	}

	// Nothing was created by the refused imports.
	if ids := allImageIDs(t, c); len(ids) != 0 {
		t.Errorf("refused imports left images %v", ids)
	}
}

// The SDK checks required members itself: such a request never reaches the
// server. Sent raw, the server answers what AWS answers.
func TestRequiredMembers(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	_, err := c.DescribeImageAssociations(context.Background(), &workspaces.DescribeImageAssociationsInput{
		AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	var invalid smithy.InvalidParamsError
	if !errors.As(err, &invalid) {
		t.Errorf("SDK without ImageId: %v (%T), want a client-side smithy.InvalidParamsError", err, err)
	}

	r := rawCall(t, srv, "DescribeImageAssociations", `{"AssociatedResourceTypes":["APPLICATION"]}`)
	if msg := rawError(t, r, http.StatusBadRequest, "ValidationException"); msg != "1 validation error detected: Value null at 'imageId' failed to satisfy constraint: Member must not be null" {
		t.Errorf("message = %q", msg)
	}
	r = rawCall(t, srv, "DescribeImageAssociations", `{}`)
	want := "2 validation errors detected: Value null at 'imageId' failed to satisfy constraint: Member must not be null; " +
		"Value null at 'associatedResourceTypes' failed to satisfy constraint: Member must not be null"
	if msg := rawError(t, r, http.StatusBadRequest, "ValidationException"); msg != want {
		t.Errorf("message = %q\nwant %q", msg, want)
	}
}

// Values that pass the model but make no sense: an empty
// AssociatedResourceTypes, or one value twice, are InvalidParameterValuesException.
func TestInvalidParameterValues(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	office := appIDs(t, c)[office2019]
	img := importImage(t, c, "ipv", withOffice2019)

	// The SDK serializes a non-nil empty list as [] (it drops only nil), so
	// these reach the server as empty lists; the raw calls below prove the
	// server's answer to [] on the wire independently of the SDK.
	for name, in := range map[string][]types.ImageAssociatedResourceType{
		"empty":      {},
		"duplicated": {types.ImageAssociatedResourceTypeApplication, types.ImageAssociatedResourceTypeApplication},
	} {
		_, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String(img), AssociatedResourceTypes: in})
		if err == nil {
			t.Errorf("DescribeImageAssociations with %s AssociatedResourceTypes succeeded", name)
			continue
		}
		apiError(t, err, "InvalidParameterValuesException")
		asType[*types.InvalidParameterValuesException](t, err)
	}
	for name, in := range map[string][]types.ApplicationAssociatedResourceType{
		"empty":      {},
		"duplicated": {types.ApplicationAssociatedResourceTypeImage, types.ApplicationAssociatedResourceTypeBundle, types.ApplicationAssociatedResourceTypeImage},
	} {
		_, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(office), AssociatedResourceTypes: in})
		if err == nil {
			t.Errorf("DescribeApplicationAssociations with %s AssociatedResourceTypes succeeded", name)
			continue
		}
		apiError(t, err, "InvalidParameterValuesException")
		asType[*types.InvalidParameterValuesException](t, err)
	}
	for _, body := range []string{
		fmt.Sprintf(`{"ImageId":%q,"AssociatedResourceTypes":[]}`, img),
		fmt.Sprintf(`{"ImageId":%q,"AssociatedResourceTypes":["APPLICATION","APPLICATION"]}`, img),
	} {
		rawError(t, rawCall(t, srv, "DescribeImageAssociations", body), http.StatusBadRequest, "InvalidParameterValuesException")
	}
	rawError(t, rawCall(t, srv, "DescribeApplicationAssociations", fmt.Sprintf(`{"ApplicationId":%q,"AssociatedResourceTypes":[]}`, office)),
		http.StatusBadRequest, "InvalidParameterValuesException")

	// DescribeApplications filters: empty or duplicated values.
	for name, in := range map[string]*workspaces.DescribeApplicationsInput{
		"empty ComputeTypeNames":          {ComputeTypeNames: []types.Compute{}},
		"duplicated ComputeTypeNames":     {ComputeTypeNames: []types.Compute{types.ComputeValue, types.ComputeValue}},
		"empty OperatingSystemNames":      {OperatingSystemNames: []types.OperatingSystemName{}},
		"duplicated OperatingSystemNames": {OperatingSystemNames: []types.OperatingSystemName{types.OperatingSystemNameWindows10, types.OperatingSystemNameWindows10}},
		"duplicated ApplicationIds":       {ApplicationIds: []string{office, office}},
	} {
		_, err := c.DescribeApplications(ctx, in)
		if err == nil {
			t.Errorf("DescribeApplications with %s succeeded", name)
			continue
		}
		apiError(t, err, "InvalidParameterValuesException")
	}
}

// Application management is Windows-only: asking the catalogue for a Linux
// operating system is OperationNotSupportedException with a reason.
func TestApplicationsForLinux(t *testing.T) {
	t.Parallel()
	c := client(start(t))
	_, err := c.DescribeApplications(context.Background(), &workspaces.DescribeApplicationsInput{
		OperatingSystemNames: []types.OperatingSystemName{types.OperatingSystemNameWindows10, types.OperatingSystemNameAmazonLinux2}})
	apiError(t, err, "OperationNotSupportedException")
	e := asType[*types.OperationNotSupportedException](t, err)
	if aws.ToString(e.Reason) == "" {
		t.Errorf("OperationNotSupportedException without a reason")
	}
}

// Unknown images and applications are ResourceNotFoundException with their id.
func TestResourceNotFound(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	const image, app = "wsi-000000000", "wsa-000000000"
	_, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String(image),
		AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
	notFound(t, err, image)
	_, err = c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(app),
		AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage}})
	notFound(t, err, app)
	office := appIDs(t, c)[office2019]
	_, err = c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{ApplicationIds: []string{office, app}})
	notFound(t, err, app)

	// An unknown id among ImageIds is no error: the image is just not listed.
	out, err := c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{image}})
	if err != nil {
		t.Fatalf("DescribeWorkspaceImages(unknown): %v", err)
	}
	if len(out.Images) != 0 {
		t.Errorf("DescribeWorkspaceImages(unknown) = %+v, want none", out.Images)
	}
}

// ImportWorkspaceImage refuses what AWS refuses, and a refused import
// leaves nothing behind.
func TestImportRefusals(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	existing := importImage(t, c, "taken", importOpts{})

	win11 := []types.Tag{{Key: aws.String(osTag), Value: aws.String("WINDOWS_11")}}
	cases := []struct {
		name   string
		in     *workspaces.ImportWorkspaceImageInput
		code   string
		reason string
	}{
		{"two applications", importInput("two-apps", importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2016, types.ApplicationMicrosoftOffice2019}}),
			"InvalidParameterValuesException", ""},
		{"one application twice", importInput("dup-apps", importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2019, types.ApplicationMicrosoftOffice2019}}),
			"InvalidParameterValuesException", ""},
		{"duplicate name", importInput("taken", importOpts{}), "ResourceAlreadyExistsException", ""},
		{"duplicate name with Office", importInput("taken", withOffice2019), "ResourceAlreadyExistsException", ""},
		{"Windows 11 DCV with Office 2016", importInput("w11-2016", importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2016},
			process: types.WorkspaceImageIngestionProcessByolRegularWsp, tags: win11}), "OperationNotSupportedException", "UnsupportedOfficeConfiguration"},
		{"Windows 11 GPU DCV with Office 2019", importInput("w11-gpu", importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2019},
			process: types.WorkspaceImageIngestionProcessByolGraphicsG4dnWsp, tags: win11}), "OperationNotSupportedException", "UnsupportedOfficeConfiguration"},
		{"unknown Windows version", importInput("w12", importOpts{tags: []types.Tag{{Key: aws.String(osTag), Value: aws.String("WINDOWS_SERVER_2022")}}}),
			"InvalidParameterValuesException", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ImportWorkspaceImage(ctx, tc.in)
			apiError(t, err, tc.code)
			switch tc.code {
			case "InvalidParameterValuesException":
				asType[*types.InvalidParameterValuesException](t, err)
			case "ResourceAlreadyExistsException":
				asType[*types.ResourceAlreadyExistsException](t, err)
			case "OperationNotSupportedException":
				e := asType[*types.OperationNotSupportedException](t, err)
				if got := aws.ToString(e.Reason); got != tc.reason {
					t.Errorf("Reason = %q, want %q", got, tc.reason)
				}
			}
		})
	}
	if ids := allImageIDs(t, c); len(ids) != 1 || ids[0] != existing {
		t.Errorf("images after the refusals = %v, want only %s", ids, existing)
	}
	office := appIDs(t, c)[office2019]
	aa, err := c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{ApplicationId: aws.String(office),
		AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage}})
	if err != nil {
		t.Fatal(err)
	}
	if len(aa.Associations) != 0 {
		t.Errorf("refused imports left associations: %+v", aa.Associations)
	}

	// The documented combinations that are allowed.
	for _, ok := range []*workspaces.ImportWorkspaceImageInput{
		importInput("w11-dcv-2019", importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2019},
			process: types.WorkspaceImageIngestionProcessByolRegularWsp, tags: win11}),
		importInput("w11-gpu-plain", importOpts{process: types.WorkspaceImageIngestionProcessByolGraphicsG4dnWsp, tags: win11}),
		importInput("w10-dcv-2016", importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2016},
			process: types.WorkspaceImageIngestionProcessByolRegularWsp}),
		importInput("w10-gpu-2019", importOpts{apps: []types.Application{types.ApplicationMicrosoftOffice2019},
			process: types.WorkspaceImageIngestionProcessByolGraphicsG4dnWsp}),
	} {
		if _, err := c.ImportWorkspaceImage(ctx, ok); err != nil {
			t.Errorf("ImportWorkspaceImage(%s): %v, want success", aws.ToString(ok.ImageName), err)
		}
	}
}

// 40 images per account and region (AWS's default quota): the 41st import
// is ResourceLimitExceededException; deleting one frees a slot.
func TestImagesQuotaDefault(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	var first string
	for i := range 40 {
		id := importImage(t, c, fmt.Sprintf("img-%02d", i), importOpts{})
		if i == 0 {
			first = id
		}
	}
	_, err := c.ImportWorkspaceImage(ctx, importInput("img-40", importOpts{}))
	apiError(t, err, "ResourceLimitExceededException")
	asType[*types.ResourceLimitExceededException](t, err)

	// Another account in the same region has its own quota.
	other := newClient(srv.AWSConfigFor("111111111111", defaultRegion))
	importImage(t, other, "img-40", importOpts{})

	srv.Advance(importStep)
	if _, err := c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(first)}); err != nil {
		t.Fatal(err)
	}
	importImage(t, c, "img-40", importOpts{})
}

// A lowered quota (workspaces.Config) is enforced the same way.
func TestImagesQuotaConfigured(t *testing.T) {
	t.Parallel()
	srv := start(t, withMaxImages(3))
	c := client(srv)
	for i := range 3 {
		importImage(t, c, fmt.Sprintf("q-%d", i), withOffice2019)
	}
	_, err := c.ImportWorkspaceImage(context.Background(), importInput("q-3", withOffice2019))
	apiError(t, err, "ResourceLimitExceededException")
	if ids := allImageIDs(t, c); len(ids) != 3 {
		t.Errorf("%d images, want 3", len(ids))
	}
	// Another region has its own quota.
	importImage(t, newClient(srv.AWSConfigFor(defaultAccount, "eu-west-1")), "q-3", importOpts{})
}

// Errors of the protocol itself, sent raw since the SDK cannot produce them.
func TestProtocolErrors(t *testing.T) {
	t.Parallel()
	srv := start(t)
	rawError(t, rawCall(t, srv, "DescribeImageAssociations", `{"ImageId":5,"AssociatedResourceTypes":["APPLICATION"]}`),
		http.StatusBadRequest, "SerializationException")
	rawError(t, rawCall(t, srv, "DescribeImageAssociations", `{"ImageId":`), http.StatusBadRequest, "SerializationException")
	rawError(t, rawCall(t, srv, "DescribeApplications", `[]`), http.StatusBadRequest, "SerializationException")
	rawError(t, rawCall(t, srv, "LaunchRocket", `{}`), http.StatusBadRequest, "UnknownOperationException")
	// An empty body is an empty object.
	r := rawCall(t, srv, "DescribeApplications", ``)
	if r.Status != http.StatusOK {
		t.Errorf("DescribeApplications with an empty body: status %d %v, want 200", r.Status, r.Body)
	}
	if apps, _ := r.Body["Applications"].([]any); len(apps) != len(catalogue) {
		t.Errorf("DescribeApplications with an empty body: %d applications, want %d", len(apps), len(catalogue))
	}
}

// Every answer, success or error, carries a request id the SDK exposes.
func TestRequestIDs(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	out, err := c.DescribeApplications(ctx, &workspaces.DescribeApplicationsInput{})
	if err != nil {
		t.Fatal(err)
	}
	okID, found := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if !found || okID == "" {
		t.Errorf("success without a request id")
	}
	_, err = c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String("wsi-000000000")})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v carries no *awshttp.ResponseError", err)
	}
	if re.HTTPStatusCode() != http.StatusBadRequest {
		t.Errorf("ResourceNotFoundException status = %d, want 400", re.HTTPStatusCode())
	}
	if id := re.ServiceRequestID(); id == "" || id == okID {
		t.Errorf("error request id = %q (success had %q), want a fresh one", id, okID)
	}
}
