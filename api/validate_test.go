package api

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The expected messages below are written from the service model
// (api/model/workspaces-2015-04-08.json) and AWS's phrasing, not copied
// from the validators' output.

const (
	patWorkspaceImageId    = `wsi-[0-9a-z]{9,63}$`
	patEc2ImageId          = `^ami\-([a-f0-9]{8}|[a-f0-9]{17})$`
	patWorkspaceImageName  = `^[a-zA-Z0-9_./()\\-]+$`
	patWorkspaceImageDesc  = `^[a-zA-Z0-9_./() -]+$`
	enumImageAssocType     = `[APPLICATION]`
	enumImageType          = `[OWNED, SHARED]`
	enumApplication        = `[Microsoft_Office_2016, Microsoft_Office_2019]`
	enumIngestionProcess   = `[BYOL_REGULAR, BYOL_GRAPHICS, BYOL_GRAPHICSPRO, BYOL_GRAPHICS_G4DN, BYOL_REGULAR_WSP, BYOL_GRAPHICS_G4DN_WSP, BYOL_REGULAR_BYOP, BYOL_GRAPHICS_G4DN_BYOP]`
	validImageId           = "wsi-123456789"
	validEc2ImageId        = "ami-0123abcd"
	validInfraConfigArn    = "arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/my-config"
	validImageBuildVersion = "arn:aws:imagebuilder:us-east-1:123456789012:image/my-image/1.0.0/1"
	validEc2ImportTaskId   = "import-ami-0123abcd"
	emoji                  = "\U0001F600" // one rune, two UTF-16 code units
	failedToSatisfy        = "' failed to satisfy constraint: "
	valueNullAtImageId     = "Value null at 'imageId' failed to satisfy constraint: Member must not be null"
	oneError               = "1 validation error detected: "
	mustNotBeNull          = "Member must not be null"
	lengthAtMost           = "Member must have length less than or equal to "
	lengthAtLeast          = "Member must have length greater than or equal to "
	valueAtMost            = "Member must have value less than or equal to "
	valueAtLeast           = "Member must have value greater than or equal to "
	satisfyPattern         = "Member must satisfy regular expression pattern: "
	satisfyEnum            = "Member must satisfy enum value set: "
	exactlyOneMember       = "Member must have exactly one member set"
	validDirectoryId       = "d-0123456789"
	patDirectoryId         = `^(d-[0-9a-f]{8,63}$)|(wsd-[0-9a-z]{8,63}$)`
	patClientLocale        = `^[a-z]{2}_[A-Z]{2}$`
	patClientLoginMessage  = `^.*$`
)

// membersMust is how AWS reports a list of plain values (strings, enums,
// numbers): once, at the list's path, naming every constraint of the
// member shape (enum set, max, min, pattern).
func membersMust(constraints ...string) string {
	return "Member must satisfy constraint: [" + strings.Join(constraints, ", ") + "]"
}

// mapKeysMust and mapValueMust report a map's keys or values, at the map's path.
func mapKeysMust(constraints ...string) string {
	return "Map keys must satisfy constraint: [" + strings.Join(constraints, ", ") + "]"
}

func mapValueMust(constraints ...string) string {
	return "Map value must satisfy constraint: [" + strings.Join(constraints, ", ") + "]"
}

// Every constraint of the member shapes used below, in AWS's order.
var (
	directoryIdConstraints = []string{lengthAtMost + "65", lengthAtLeast + "10", satisfyPattern + patDirectoryId}
	// ClientLocale: min 5, max 5, pattern.
	clientLocaleConstraints = []string{lengthAtMost + "5", lengthAtLeast + "5", satisfyPattern + patClientLocale}
	// ClientLoginMessage: min 0, max 2000, pattern.
	clientLoginMessageConstraints = []string{lengthAtMost + "2000", lengthAtLeast + "0", satisfyPattern + patClientLoginMessage}
)

// violation phrases one broken constraint the way AWS does.
func violation(value, path, constraint string) string {
	return "Value '" + value + "' at '" + path + failedToSatisfy + constraint
}

func nullViolation(path, constraint string) string {
	return "Value null at '" + path + failedToSatisfy + constraint
}

// detected joins violations into the message of a ValidationException.
func detected(vs ...string) string {
	if len(vs) == 1 {
		return oneError + vs[0]
	}
	return strconv.Itoa(len(vs)) + " validation errors detected: " + strings.Join(vs, "; ")
}

func imageAssociations(mod func(*DescribeImageAssociationsRequest)) *DescribeImageAssociationsRequest {
	in := &DescribeImageAssociationsRequest{
		ImageId:                 String(validImageId),
		AssociatedResourceTypes: []ImageAssociatedResourceType{ImageAssociatedResourceTypeApplication},
	}
	if mod != nil {
		mod(in)
	}
	return in
}

func importImage(mod func(*ImportWorkspaceImageRequest)) *ImportWorkspaceImageRequest {
	in := &ImportWorkspaceImageRequest{
		Ec2ImageId:       String(validEc2ImageId),
		IngestionProcess: WorkspaceImageIngestionProcessByolRegular,
		ImageName:        String("my-image"),
		ImageDescription: String("My image (v1.0)"),
	}
	if mod != nil {
		mod(in)
	}
	return in
}

func describeImages(mod func(*DescribeWorkspaceImagesRequest)) *DescribeWorkspaceImagesRequest {
	in := &DescribeWorkspaceImagesRequest{}
	if mod != nil {
		mod(in)
	}
	return in
}

func createTags(mod func(*CreateTagsRequest)) *CreateTagsRequest {
	in := &CreateTagsRequest{
		ResourceId: String(validImageId),
		Tags:       []Tag{{Key: String("team"), Value: String("blue")}},
	}
	if mod != nil {
		mod(in)
	}
	return in
}

func importCustomImage(mod func(*ImportCustomWorkspaceImageRequest)) *ImportCustomWorkspaceImageRequest {
	in := &ImportCustomWorkspaceImageRequest{
		ImageName:                      String("my-image"),
		ImageDescription:               String("my image"),
		ComputeType:                    ImageComputeTypeBase,
		Protocol:                       CustomImageProtocolDcv,
		ImageSource:                    &ImageSourceIdentifier{Ec2ImageId: String(validEc2ImageId)},
		InfrastructureConfigurationArn: String(validInfraConfigArn),
		Platform:                       PlatformWindows,
		OsVersion:                      OSVersionWindows11,
	}
	if mod != nil {
		mod(in)
	}
	return in
}

func describeDirectories(mod func(*DescribeWorkspaceDirectoriesRequest)) *DescribeWorkspaceDirectoriesRequest {
	in := &DescribeWorkspaceDirectoriesRequest{}
	if mod != nil {
		mod(in)
	}
	return in
}

func importBranding(mod func(*ImportClientBrandingRequest)) *ImportClientBrandingRequest {
	in := &ImportClientBrandingRequest{
		ResourceId: String(validDirectoryId),
		DeviceTypeWindows: &DefaultImportClientBrandingAttributes{
			LoginMessage: map[string]string{"en_US": "Welcome", "fr_FR": "Bienvenue"},
		},
	}
	if mod != nil {
		mod(in)
	}
	return in
}

// badLoginMessage has one bad key (EN_us breaks the pattern) and one bad
// value (a newline breaks ^.*$), among several good entries.
func badLoginMessage() map[string]string {
	return map[string]string{
		"de_DE": "Willkommen",
		"en_US": "Welcome",
		"EN_us": "ok",
		"fr_FR": "line one\nline two",
		"ja_JP": "ようこそ",
		"pt_BR": "Bem-vindo",
	}
}

// badLoginMessageWant is what AWS says about badLoginMessage at path: the
// keys first, then the values, with the whole map (entries by key) as the value.
func badLoginMessageWant(path string) []string {
	value := "{EN_us=ok, de_DE=Willkommen, en_US=Welcome, fr_FR=line one\nline two, ja_JP=ようこそ, pt_BR=Bem-vindo}"
	return []string{
		violation(value, path, mapKeysMust(clientLocaleConstraints...)),
		violation(value, path, mapValueMust(clientLoginMessageConstraints...)),
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want string // "" when the input is valid
	}{
		// A valid input of each operation under test passes.
		{"valid/DescribeImageAssociations", imageAssociations(nil), ""},
		{"valid/ImportWorkspaceImage", importImage(nil), ""},
		{"valid/ImportWorkspaceImage with optional members", importImage(func(in *ImportWorkspaceImageRequest) {
			in.Tags = []Tag{{Key: String("k")}, {Key: String("k2"), Value: String("")}}
			in.Applications = []Application{ApplicationMicrosoftOffice2016, ApplicationMicrosoftOffice2019}
		}), ""},
		{"valid/DescribeWorkspaceImages empty", describeImages(nil), ""},
		{"valid/DescribeWorkspaceImages full", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			in.ImageIds = []string{validImageId, "wsi-abcdefghi0"}
			in.ImageType = ImageTypeShared
			in.NextToken = String("t")
			in.MaxResults = Int32(25)
		}), ""},
		{"valid/CreateTags", createTags(nil), ""},
		{"valid/ImportCustomWorkspaceImage", importCustomImage(nil), ""},
		{"valid/DescribeWorkspaceDirectories", describeDirectories(func(in *DescribeWorkspaceDirectoriesRequest) {
			in.DirectoryIds = []string{validDirectoryId, "wsd-abcdefgh1"}
		}), ""},
		{"valid/ImportClientBranding", importBranding(nil), ""},
		{"valid/ImportClientBranding empty login message", importBranding(func(in *ImportClientBrandingRequest) {
			in.DeviceTypeWindows.LoginMessage = map[string]string{"en_US": ""}
		}), ""},

		// required
		{"required/missing imageId", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.ImageId = nil
		}), detected(valueNullAtImageId)},
		{"required/missing list", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.AssociatedResourceTypes = nil
		}), detected(nullViolation("associatedResourceTypes", mustNotBeNull))},
		{"required/empty list is present", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.AssociatedResourceTypes = []ImageAssociatedResourceType{}
		}), ""},
		{"required/missing enum", importImage(func(in *ImportWorkspaceImageRequest) {
			in.IngestionProcess = ""
		}), detected(nullViolation("ingestionProcess", mustNotBeNull))},

		// pattern
		{"pattern/WorkspaceImageId", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.ImageId = String("abc")
		}), detected(violation("abc", "imageId", satisfyPattern+patWorkspaceImageId))},
		{"pattern/unanchored model pattern matches whole value", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.ImageId = String("x" + validImageId)
		}), detected(violation("xwsi-123456789", "imageId", satisfyPattern+patWorkspaceImageId))},
		{"pattern/trailing newline", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.ImageId = String(validImageId + "\n")
		}), detected(violation("wsi-123456789\n", "imageId", satisfyPattern+patWorkspaceImageId))},
		{"pattern/too short for the repetition", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.ImageId = String("wsi-12345678")
		}), detected(violation("wsi-12345678", "imageId", satisfyPattern+patWorkspaceImageId))},
		{"pattern/anchored model pattern", importImage(func(in *ImportWorkspaceImageRequest) {
			in.Ec2ImageId = String("ami-0123abcd0")
		}), detected(violation("ami-0123abcd0", "ec2ImageId", satisfyPattern+patEc2ImageId))},
		{"pattern/in a list", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			in.ImageIds = []string{validImageId, "wsi-"}
		}), detected(violation("[wsi-123456789, wsi-]", "imageIds", membersMust(satisfyPattern+patWorkspaceImageId)))},

		// enum
		{"enum/top-level member", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			in.ImageType = "MINE"
		}), detected(violation("MINE", "imageType", satisfyEnum+enumImageType))},
		{"enum/enum values are case-sensitive", importImage(func(in *ImportWorkspaceImageRequest) {
			in.IngestionProcess = "byol_regular"
		}), detected(violation("byol_regular", "ingestionProcess", satisfyEnum+enumIngestionProcess))},
		{"enum/in a list, 1-based path", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.AssociatedResourceTypes = []ImageAssociatedResourceType{"APPLICATION", "BUNDLE"}
		}), detected(violation("[APPLICATION, BUNDLE]", "associatedResourceTypes", membersMust(satisfyEnum+enumImageAssocType)))},
		{"enum/in a bounded list", importImage(func(in *ImportWorkspaceImageRequest) {
			in.Applications = []Application{"Microsoft_Office_2021"}
		}), detected(violation("[Microsoft_Office_2021]", "applications", membersMust(satisfyEnum+enumApplication)))},

		// string length (WorkspaceImageName 1..64, WorkspaceImageDescription 1..256)
		{"length/name at max", importImage(func(in *ImportWorkspaceImageRequest) {
			in.ImageName = String(strings.Repeat("n", 64))
		}), ""},
		{"length/name over max", importImage(func(in *ImportWorkspaceImageRequest) {
			in.ImageName = String(strings.Repeat("n", 65))
		}), detected(violation(strings.Repeat("n", 65), "imageName", lengthAtMost+"64"))},
		{"length/empty name breaks min and pattern", importImage(func(in *ImportWorkspaceImageRequest) {
			in.ImageName = String("")
		}), detected(
			violation("", "imageName", lengthAtLeast+"1"),
			violation("", "imageName", satisfyPattern+patWorkspaceImageName),
		)},
		{"length/description at max", importImage(func(in *ImportWorkspaceImageRequest) {
			in.ImageDescription = String(strings.Repeat("d", 256))
		}), ""},
		{"length/description over max", importImage(func(in *ImportWorkspaceImageRequest) {
			in.ImageDescription = String(strings.Repeat("d", 257))
		}), detected(violation(strings.Repeat("d", 257), "imageDescription", lengthAtMost+"256"))},
		{"length/empty description breaks min and pattern", importImage(func(in *ImportWorkspaceImageRequest) {
			in.ImageDescription = String("")
		}), detected(
			violation("", "imageDescription", lengthAtLeast+"1"),
			violation("", "imageDescription", satisfyPattern+patWorkspaceImageDesc),
		)},
		{"length/min only (NonEmptyString)", createTags(func(in *CreateTagsRequest) {
			in.ResourceId = String("")
		}), detected(violation("", "resourceId", lengthAtLeast+"1"))},

		// string length counts UTF-16 code units (TagKey 1..127, TagValue ..255)
		{"utf16/emoji counts two, at max", createTags(func(in *CreateTagsRequest) {
			in.Tags = []Tag{{Key: String(strings.Repeat("k", 125) + emoji)}}
		}), ""},
		{"utf16/emoji counts two, over max", createTags(func(in *CreateTagsRequest) {
			in.Tags = []Tag{{Key: String(strings.Repeat("k", 126) + emoji)}}
		}), detected(violation(strings.Repeat("k", 126)+emoji, "tags.1.member.key", lengthAtMost+"127"))},
		{"utf16/BMP letters count one, not their UTF-8 bytes", createTags(func(in *CreateTagsRequest) {
			in.Tags = []Tag{{Key: String(strings.Repeat("é", 127)), Value: String(strings.Repeat("€", 255))}}
		}), ""},
		{"utf16/max only (TagValue)", createTags(func(in *CreateTagsRequest) {
			in.Tags = []Tag{{Key: String("k"), Value: String(strings.Repeat(emoji, 128))}}
		}), detected(violation(strings.Repeat(emoji, 128), "tags.1.member.value", lengthAtMost+"255"))},

		// integer value (Limit 1..25)
		{"value/MaxResults 0", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			in.MaxResults = Int32(0)
		}), detected(violation("0", "maxResults", valueAtLeast+"1"))},
		{"value/MaxResults 1", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			in.MaxResults = Int32(1)
		}), ""},
		{"value/MaxResults 26", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			in.MaxResults = Int32(26)
		}), detected(violation("26", "maxResults", valueAtMost+"25"))},
		{"value/MaxResults negative", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			in.MaxResults = Int32(-3)
		}), detected(violation("-3", "maxResults", valueAtLeast+"1"))},

		// list size (ApplicationList 1..5, WorkspaceImageIdList 1..25)
		{"list/at max", importImage(func(in *ImportWorkspaceImageRequest) {
			in.Applications = []Application{"Microsoft_Office_2016", "Microsoft_Office_2016", "Microsoft_Office_2016", "Microsoft_Office_2019", "Microsoft_Office_2019"}
		}), ""},
		{"list/over max", importImage(func(in *ImportWorkspaceImageRequest) {
			in.Applications = []Application{"Microsoft_Office_2016", "Microsoft_Office_2019", "Microsoft_Office_2016", "Microsoft_Office_2019", "Microsoft_Office_2016", "Microsoft_Office_2019"}
		}), detected(violation(
			"[Microsoft_Office_2016, Microsoft_Office_2019, Microsoft_Office_2016, Microsoft_Office_2019, Microsoft_Office_2016, Microsoft_Office_2019]",
			"applications", lengthAtMost+"5"))},
		{"list/under min", importImage(func(in *ImportWorkspaceImageRequest) {
			in.Applications = []Application{}
		}), detected(violation("[]", "applications", lengthAtLeast+"1"))},
		{"list/under min (string list)", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			in.ImageIds = []string{}
		}), detected(violation("[]", "imageIds", lengthAtLeast+"1"))},
		{"list/size and element together", importImage(func(in *ImportWorkspaceImageRequest) {
			in.Applications = []Application{"A", "Microsoft_Office_2016", "Microsoft_Office_2016", "Microsoft_Office_2016", "Microsoft_Office_2016", "Microsoft_Office_2016"}
		}), detected(
			violation("[A, Microsoft_Office_2016, Microsoft_Office_2016, Microsoft_Office_2016, Microsoft_Office_2016, Microsoft_Office_2016]",
				"applications", lengthAtMost+"5"),
			violation("[A, Microsoft_Office_2016, Microsoft_Office_2016, Microsoft_Office_2016, Microsoft_Office_2016, Microsoft_Office_2016]",
				"applications", membersMust(satisfyEnum+enumApplication)),
		)},
		{"list/too many string members and a bad last one", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			for range 25 {
				in.ImageIds = append(in.ImageIds, validImageId)
			}
			in.ImageIds = append(in.ImageIds, "wsi-")
		}), detected(
			violation("["+strings.Repeat(validImageId+", ", 25)+"wsi-]", "imageIds", lengthAtMost+"25"),
			violation("["+strings.Repeat(validImageId+", ", 25)+"wsi-]", "imageIds", membersMust(satisfyPattern+patWorkspaceImageId)),
		)},

		// a list of plain values is reported once, however many members break it
		{"members/two bad enum members, reported once", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.AssociatedResourceTypes = []ImageAssociatedResourceType{"BUNDLE", "APPLICATION", "application"}
		}), detected(violation("[BUNDLE, APPLICATION, application]", "associatedResourceTypes", membersMust(satisfyEnum+enumImageAssocType)))},
		{"members/two bad strings, reported once", describeImages(func(in *DescribeWorkspaceImagesRequest) {
			in.ImageIds = []string{"wsi-", validImageId, "ami-0123abcd"}
		}), detected(violation("[wsi-, wsi-123456789, ami-0123abcd]", "imageIds", membersMust(satisfyPattern+patWorkspaceImageId)))},
		{"members/every constraint of the member shape is named", describeDirectories(func(in *DescribeWorkspaceDirectoriesRequest) {
			in.DirectoryIds = []string{validDirectoryId, "d-123"} // breaks min length and pattern
		}), detected(violation("[d-0123456789, d-123]", "directoryIds", membersMust(directoryIdConstraints...)))},
		{"members/one broken constraint still names them all", describeDirectories(func(in *DescribeWorkspaceDirectoriesRequest) {
			in.DirectoryIds = []string{"d-0123456789X"} // length fine, pattern broken
		}), detected(violation("[d-0123456789X]", "directoryIds", membersMust(directoryIdConstraints...)))},

		// maps (LoginMessage: ClientLocale keys, ClientLoginMessage values)
		{"map/bad key", importBranding(func(in *ImportClientBrandingRequest) {
			in.DeviceTypeWindows.LoginMessage = map[string]string{"en_US": "hi", "english": "hi"}
		}), detected(violation("{en_US=hi, english=hi}", "deviceTypeWindows.loginMessage", mapKeysMust(clientLocaleConstraints...)))},
		{"map/bad value", importBranding(func(in *ImportClientBrandingRequest) {
			in.DeviceTypeWindows.LoginMessage = map[string]string{"en_US": strings.Repeat("m", 2001)}
		}), detected(violation("{en_US="+strings.Repeat("m", 2001)+"}", "deviceTypeWindows.loginMessage", mapValueMust(clientLoginMessageConstraints...)))},
		{"map/bad keys before bad values", importBranding(func(in *ImportClientBrandingRequest) {
			in.DeviceTypeWindows.LoginMessage = badLoginMessage()
		}), detected(badLoginMessageWant("deviceTypeWindows.loginMessage")...)},
		{"map/in two members, in member order", importBranding(func(in *ImportClientBrandingRequest) {
			in.DeviceTypeIos = &IosImportClientBrandingAttributes{LoginMessage: map[string]string{"xx": "hi"}}
			in.DeviceTypeWindows.LoginMessage = badLoginMessage()
		}), detected(append(badLoginMessageWant("deviceTypeWindows.loginMessage"),
			violation("{xx=hi}", "deviceTypeIos.loginMessage", mapKeysMust(clientLocaleConstraints...)))...)},

		// structures nested in lists
		{"nested/missing key in second tag", createTags(func(in *CreateTagsRequest) {
			in.Tags = []Tag{{Key: String("a")}, {Value: String("v")}}
		}), detected(nullViolation("tags.2.member.key", mustNotBeNull))},
		{"nested/empty key in third tag", createTags(func(in *CreateTagsRequest) {
			in.Tags = []Tag{{Key: String("a")}, {Key: String("b")}, {Key: String("")}}
		}), detected(violation("", "tags.3.member.key", lengthAtLeast+"1"))},
		{"nested/tags of ImportWorkspaceImage", importImage(func(in *ImportWorkspaceImageRequest) {
			in.Tags = []Tag{{}}
		}), detected(nullViolation("tags.1.member.key", mustNotBeNull))},

		// several violations, in model member order
		{"several/every required member missing", &ImportWorkspaceImageRequest{}, detected(
			nullViolation("ec2ImageId", mustNotBeNull),
			nullViolation("ingestionProcess", mustNotBeNull),
			nullViolation("imageName", mustNotBeNull),
			nullViolation("imageDescription", mustNotBeNull),
		)},
		{"several/both members of DescribeImageAssociations", &DescribeImageAssociationsRequest{}, detected(
			valueNullAtImageId,
			nullViolation("associatedResourceTypes", mustNotBeNull),
		)},
		{"several/mixed kinds follow member order, not field assignment order", importImage(func(in *ImportWorkspaceImageRequest) {
			in.Applications = []Application{"X"}
			in.Tags = []Tag{{Key: String("ok")}, {}}
			in.ImageDescription = nil
			in.IngestionProcess = "NOPE"
			in.Ec2ImageId = String("ami-XYZ")
		}), detected(
			violation("ami-XYZ", "ec2ImageId", satisfyPattern+patEc2ImageId),
			violation("NOPE", "ingestionProcess", satisfyEnum+enumIngestionProcess),
			nullViolation("imageDescription", mustNotBeNull),
			nullViolation("tags.2.member.key", mustNotBeNull),
			violation("[X]", "applications", membersMust(satisfyEnum+enumApplication)),
		)},
		{"several/pattern then list", imageAssociations(func(in *DescribeImageAssociationsRequest) {
			in.ImageId = String("abc")
			in.AssociatedResourceTypes = []ImageAssociatedResourceType{"A", "APPLICATION", "B"}
		}), detected(
			violation("abc", "imageId", satisfyPattern+patWorkspaceImageId),
			violation("[A, APPLICATION, B]", "associatedResourceTypes", membersMust(satisfyEnum+enumImageAssocType)),
		)},

		// union (ImageSourceIdentifier, the ImageSource of ImportCustomWorkspaceImage)
		{"union/each single member is valid: Ec2ImportTaskId", importCustomImage(func(in *ImportCustomWorkspaceImageRequest) {
			in.ImageSource = &ImageSourceIdentifier{Ec2ImportTaskId: String(validEc2ImportTaskId)}
		}), ""},
		{"union/each single member is valid: ImageBuildVersionArn", importCustomImage(func(in *ImportCustomWorkspaceImageRequest) {
			in.ImageSource = &ImageSourceIdentifier{ImageBuildVersionArn: String(validImageBuildVersion)}
		}), ""},
		{"union/absent is a missing required member", importCustomImage(func(in *ImportCustomWorkspaceImageRequest) {
			in.ImageSource = nil
		}), detected(nullViolation("imageSource", mustNotBeNull))},
		{"union/no member set", importCustomImage(func(in *ImportCustomWorkspaceImageRequest) {
			in.ImageSource = &ImageSourceIdentifier{}
		}), detected(nullViolation("imageSource", exactlyOneMember))},
		{"union/two members set", importCustomImage(func(in *ImportCustomWorkspaceImageRequest) {
			in.ImageSource = &ImageSourceIdentifier{Ec2ImportTaskId: String(validEc2ImportTaskId), Ec2ImageId: String(validEc2ImageId)}
		}), detected(violation("2 members set", "imageSource", exactlyOneMember))},
		{"union/the set member is still validated", importCustomImage(func(in *ImportCustomWorkspaceImageRequest) {
			in.ImageSource = &ImageSourceIdentifier{Ec2ImportTaskId: String("import-ami-1")}
		}), detected(
			violation("import-ami-1", "imageSource.ec2ImportTaskId", lengthAtLeast+"19"),
			violation("import-ami-1", "imageSource.ec2ImportTaskId",
				satisfyPattern+`^import-ami\-([a-zA-Z0-9]{8}|[a-zA-Z0-9]{17})$`),
		)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *ValidationException
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %#v, want a *ValidationException", err)
			}
			if ve.ErrorCode() != "ValidationException" {
				t.Errorf("ErrorCode() = %q", ve.ErrorCode())
			}
			if ve.Message == nil {
				t.Fatalf("Message is nil, want %q", tc.want)
			}
			if got := *ve.Message; got != tc.want {
				t.Errorf("Message mismatch\n got: %q\nwant: %q", got, tc.want)
			}
			if got, want := err.Error(), "ValidationException: "+tc.want; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
		})
	}
}

// TestValidateMapIsStable guards against reporting a map in Go's random
// iteration order: the message must not change from one call to the next.
func TestValidateMapIsStable(t *testing.T) {
	in := importBranding(func(in *ImportClientBrandingRequest) {
		in.DeviceTypeWindows.LoginMessage = badLoginMessage()
	})
	want := detected(badLoginMessageWant("deviceTypeWindows.loginMessage")...)
	if keys, values := strings.Index(want, "Map keys"), strings.Index(want, "Map value"); keys < 0 || values < keys {
		t.Fatalf("want %q: keys should come before values", want)
	}
	for i := range 20 {
		err := in.Validate()
		var ve *ValidationException
		if !errors.As(err, &ve) {
			t.Fatalf("call %d: Validate() = %#v, want a *ValidationException", i+1, err)
		}
		if got := ToString(ve.Message); got != want {
			t.Fatalf("call %d: message changed\n got: %q\nwant: %q", i+1, got, want)
		}
	}
}

// TestValidateDoesNotModifyInput guards against validators that normalise values.
func TestValidateDoesNotModifyInput(t *testing.T) {
	in := importImage(func(in *ImportWorkspaceImageRequest) {
		in.Applications = []Application{"X", ApplicationMicrosoftOffice2016}
		in.Tags = []Tag{{Key: String("k"), Value: String("v")}}
	})
	before, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	_ = in.Validate()
	after, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Errorf("Validate changed its input:\nbefore %s\nafter  %s", before, after)
	}
}

// TestValidateFromJSON decodes a wire body and validates it, as the protocol layer does.
func TestValidateFromJSON(t *testing.T) {
	tests := []struct {
		op, body, want string
	}{
		{"DescribeImageAssociations", `{"ImageId":"wsi-123456789","AssociatedResourceTypes":["APPLICATION"]}`, ""},
		{"DescribeImageAssociations", `{"AssociatedResourceTypes":["APPLICATION"]}`, detected(valueNullAtImageId)},
		{"DescribeImageAssociations", `{"ImageId":null,"AssociatedResourceTypes":[]}`, detected(valueNullAtImageId)},
		{"DescribeWorkspaceImages", `{"MaxResults":26}`, detected(violation("26", "maxResults", valueAtMost+"25"))},
		{"DescribeWorkspaceImages", `{"ImageIds":["wsi-","x"]}`, detected(violation("[wsi-, x]", "imageIds", membersMust(satisfyPattern+patWorkspaceImageId)))},
		{"ImportClientBranding", `{"ResourceId":"` + validDirectoryId + `","DeviceTypeLinux":{"LoginMessage":{"en_US":"a\nb","EN":"c"}}}`,
			detected(
				violation("{EN=c, en_US=a\nb}", "deviceTypeLinux.loginMessage", mapKeysMust(clientLocaleConstraints...)),
				violation("{EN=c, en_US=a\nb}", "deviceTypeLinux.loginMessage", mapValueMust(clientLoginMessageConstraints...)),
			)},
		{"CreateTags", `{"ResourceId":"r","Tags":[{"Key":"a"},{"Value":"v"}]}`, detected(nullViolation("tags.2.member.key", mustNotBeNull))},
		{"ImportCustomWorkspaceImage", `{"ImageName":"n","ImageDescription":"d","ComputeType":"BASE","Protocol":"DCV","ImageSource":{},` +
			`"InfrastructureConfigurationArn":"` + validInfraConfigArn + `","Platform":"WINDOWS","OsVersion":"Windows_10"}`,
			detected(nullViolation("imageSource", exactlyOneMember))},
	}
	for _, tc := range tests {
		op, ok := Operations[tc.op]
		if !ok {
			t.Fatalf("no operation %s", tc.op)
		}
		in := op.NewInput()
		if err := json.Unmarshal([]byte(tc.body), in); err != nil {
			t.Fatalf("%s: decode %s: %v", tc.op, tc.body, err)
		}
		err := in.Validate()
		got := ""
		if err != nil {
			var ve *ValidationException
			if !errors.As(err, &ve) {
				t.Fatalf("%s %s: Validate() = %#v, want a *ValidationException", tc.op, tc.body, err)
			}
			got = ToString(ve.Message)
		}
		if got != tc.want {
			t.Errorf("%s %s:\n got: %q\nwant: %q", tc.op, tc.body, got, tc.want)
		}
	}
}

func TestStringLength(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"é", 1},         // two UTF-8 bytes, one UTF-16 unit
		{"€", 1},         // three UTF-8 bytes, one UTF-16 unit
		{emoji, 2},       // four UTF-8 bytes, a surrogate pair
		{"a" + emoji, 3}, // mixed
		{"\U0010FFFF", 2},
	}
	for _, tc := range tests {
		if got := stringLength(tc.s); got != tc.want {
			t.Errorf("stringLength(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

func TestTimeJSON(t *testing.T) {
	whole := time.Unix(1700000000, 0).UTC()
	frac := time.Unix(1700000000, 123*int64(time.Millisecond)).UTC()

	marshal := []struct {
		in   time.Time
		want string
	}{
		{whole, "1700000000"},
		{frac, "1700000000.123"},
		{time.Unix(1700000000, 500*int64(time.Millisecond)), "1700000000.5"},
		{time.Unix(1700000000, 5*int64(time.Millisecond)), "1700000000.005"},
		{time.Unix(0, 0), "0"},
	}
	for _, tc := range marshal {
		b, err := json.Marshal(Time(tc.in))
		if err != nil {
			t.Fatalf("Marshal(%v): %v", tc.in, err)
		}
		if string(b) != tc.want {
			t.Errorf("Marshal(%v) = %s, want %s", tc.in, b, tc.want)
		}
	}

	unmarshal := []struct {
		in   string
		want time.Time
	}{
		{"1700000000", whole},
		{"1700000000.0", whole},
		{"1700000000.123", frac},
		{"1.700000000123e9", frac},
	}
	for _, tc := range unmarshal {
		var got Time
		if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
			t.Errorf("Unmarshal(%s): %v", tc.in, err)
			continue
		}
		if !got.T().Equal(tc.want) {
			t.Errorf("Unmarshal(%s) = %v, want %v", tc.in, got.T(), tc.want)
		}
	}

	for _, bad := range []string{`"1700000000"`, `"2023-11-14T22:13:20Z"`, `true`, `{}`} {
		var got Time
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", bad, got.T())
		}
	}

	// Round trip through a generated shape, with a pointer member.
	in := ImageResourceAssociation{Created: TimeOf(frac), LastUpdatedTime: TimeOf(whole)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Created":1700000000.123,"LastUpdatedTime":1700000000}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var out ImageResourceAssociation
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Created == nil || !out.Created.T().Equal(frac) {
		t.Errorf("Created = %v, want %v", out.Created, frac)
	}
	if out.LastUpdatedTime == nil || !out.LastUpdatedTime.T().Equal(whole) {
		t.Errorf("LastUpdatedTime = %v, want %v", out.LastUpdatedTime, whole)
	}
	if err := json.Unmarshal([]byte(`{"Created":"1700000000"}`), &out); err == nil {
		t.Error(`Unmarshal({"Created":"1700000000"}) succeeded, want an error`)
	}
}
