package workspaces

import (
	"fmt"
	"time"

	"github.com/wslocal/wslocal/api"
)

// A seed image may be one being imported through EC2 Image Builder
// (ImportCustomWorkspaceImage), declared at a stage of its import: it moves
// on from there on the clock, one `import` step a stage, as an import the
// operation started does (custom_import.go).

// seedCustomImport is the import of a seed image (its customImport field).
type seedCustomImport struct {
	// State is the import's CustomWorkspaceImageImportState; default
	// PENDING. The image is PENDING until the import is COMPLETED
	// (AVAILABLE) or ERROR (ERROR).
	State string `yaml:"state"`
	// FailedStage is where an ERROR import failed; default PENDING. The
	// image's error gives the import's ErrorDetails.
	FailedStage                    string `yaml:"failedStage"`
	InfrastructureConfigurationArn string `yaml:"infrastructureConfigurationArn"` // default the account's "wslocal" configuration
	// The source: an AMI (default, minted) or an Image Builder image.
	Ec2ImageID           string `yaml:"ec2ImageId"`
	ImageBuildVersionArn string `yaml:"imageBuildVersionArn"`
	ComputeType          string `yaml:"computeType"` // default BASE
	Protocol             string `yaml:"protocol"`    // default DCV
	Platform             string `yaml:"platform"`    // default WINDOWS
	// instanceID is the Image Builder instance, minted once so that
	// applying the seed again gives the same one.
	instanceID string
}

// validateCustomImport checks the import of a seed image as
// ImportCustomWorkspaceImage would check the request, fills in defaults,
// and gives the image the state its import implies.
func (s *Seed) validateCustomImport(path string, a *seedPartition, si *seedImage) {
	d, ci := s.doc, si.CustomImport
	cp := path + ".customImport"
	def(&ci.State, ciPending)
	stateOK := d.oneOf(cp+".state", ci.State, names(api.CustomWorkspaceImageImportState("").Values()))
	want := imPending
	switch ci.State {
	case ciCompleted:
		want = imAvailable
	case ciError:
		want = imError
	}
	if si.State != "" && si.State != want && stateOK {
		d.errorf(path+".state", "the image's import is %s, so the image is %s, not %s (leave state out)", ci.State, want, si.State)
	}
	si.State = want
	switch {
	case ci.FailedStage != "" && ci.State != ciError:
		d.errorf(cp+".failedStage", "only an ERROR import has a failed stage; this one is %s", ci.State)
	case ci.FailedStage != "":
		d.oneOf(cp+".failedStage", ci.FailedStage, customImportStages[:len(customImportStages)-1])
	case ci.State == ciError:
		ci.FailedStage = ciPending
	}
	if len(si.Applications) > 0 {
		d.errorf(path+".applications", "an image imported through EC2 Image Builder has no applications (ImportCustomWorkspaceImage takes none)")
	}
	def(&si.OperatingSystem, string(api.OperatingSystemNameWindows10))
	osVersion := api.OSVersionWindows10
	switch si.OperatingSystem {
	case string(api.OperatingSystemNameWindows10):
	case string(api.OperatingSystemNameWindows11):
		osVersion = api.OSVersionWindows11
	default:
		d.errorf(path+".operatingSystem", "%q: an image imported through EC2 Image Builder runs WINDOWS_10 or WINDOWS_11", si.OperatingSystem)
	}
	def(&ci.InfrastructureConfigurationArn, fmt.Sprintf("arn:aws:imagebuilder:%s:%s:infrastructure-configuration/wslocal", a.Region, a.Account))
	def(&ci.ComputeType, string(api.ImageComputeTypeBase))
	def(&ci.Protocol, string(api.CustomImageProtocolDcv))
	def(&ci.Platform, string(api.PlatformWindows))
	src := &api.ImageSourceIdentifier{}
	switch {
	case ci.Ec2ImageID != "" && ci.ImageBuildVersionArn != "":
		d.errorf(cp+".imageBuildVersionArn", "give the source as ec2ImageId or as imageBuildVersionArn, not both")
	case ci.ImageBuildVersionArn != "":
		src.ImageBuildVersionArn = &ci.ImageBuildVersionArn
	default:
		def(&ci.Ec2ImageID, newHexID("ami-", 17))
		src.Ec2ImageId = &ci.Ec2ImageID
	}
	in := &api.ImportCustomWorkspaceImageRequest{ImageName: &si.Name, ImageDescription: &si.Description,
		ComputeType: api.ImageComputeType(ci.ComputeType), Protocol: api.CustomImageProtocol(ci.Protocol), ImageSource: src,
		InfrastructureConfigurationArn: &ci.InfrastructureConfigurationArn, Platform: api.Platform(ci.Platform), OsVersion: osVersion}
	modelOK := d.model(cp, api.Check(in), map[string]string{"computeType": "computeType", "protocol": "protocol",
		"platform": "platform", "infrastructureConfigurationArn": "infrastructureConfigurationArn",
		"imageSource.ec2ImageId": "ec2ImageId", "imageSource.imageBuildVersionArn": "imageBuildVersionArn"})
	// The API reference, Protocol: "Windows 11 does not support PCOIP protocol."
	if osVersion == api.OSVersionWindows11 && ci.Protocol == string(api.CustomImageProtocolPcoip) {
		d.errorf(cp+".protocol", "Windows 11 does not support the PCOIP protocol; use DCV or BYOP")
	}
	// "You must own the image" (API reference): the ARNs are of the
	// account and region the image is declared in.
	if modelOK {
		d.ownArn(cp+".infrastructureConfigurationArn", a, ci.InfrastructureConfigurationArn)
		if ci.ImageBuildVersionArn != "" {
			d.ownArn(cp+".imageBuildVersionArn", a, ci.ImageBuildVersionArn)
		}
	}
	if ci.instanceID == "" {
		ci.instanceID = newHexID("i-", 17)
	}
}

// customImportDoc is the document of a seed image imported through EC2
// Image Builder, as ImportCustomWorkspaceImage makes it, at the seed's stage.
func customImportDoc(si *seedImage, now time.Time) *image {
	ci := si.CustomImport
	osVersion := api.OSVersionWindows10
	if si.OperatingSystem == string(api.OperatingSystemNameWindows11) {
		osVersion = api.OSVersionWindows11
	}
	img := newImageDoc(si.Name, si.Description, api.OperatingSystemName(si.OperatingSystem),
		api.WorkspaceImageRequiredTenancyDedicated, "ImportCustomWorkspaceImage")
	src := api.ImageSourceIdentifier{}
	if ci.ImageBuildVersionArn != "" {
		src.ImageBuildVersionArn = api.String(ci.ImageBuildVersionArn)
	} else {
		src.Ec2ImageId = api.String(ci.Ec2ImageID)
		img.Ec2ImageID = ci.Ec2ImageID
	}
	img.CustomImport = &customImport{State: ci.State, FailedStage: ci.FailedStage, Source: src,
		InfrastructureConfigurationArn: ci.InfrastructureConfigurationArn, ComputeType: api.ImageComputeType(ci.ComputeType),
		Protocol: api.CustomImageProtocol(ci.Protocol), Platform: api.Platform(ci.Platform), OsVersion: osVersion,
		ImageBuilderInstanceID: ci.instanceID, Updated: now}
	if ci.State == ciError {
		code, msg := "InternalServerError", fmt.Sprintf("The image import failed in %s.", ci.FailedStage)
		if si.Error != nil {
			code, msg = si.Error.Code, si.Error.Message
		}
		img.CustomImport.ErrorCode, img.CustomImport.ErrorMessage = code, msg
		img.setError(code, msg)
	}
	return img
}

// ownArn is checkOwnArn for a seed: the ARN is of the account and region
// the image is declared in.
func (d *seedDoc) ownArn(path string, a *seedPartition, arn string) {
	m := arnParts().FindStringSubmatch(arn)
	switch {
	case m == nil:
		d.errorf(path, "%q is not an EC2 Image Builder ARN", arn)
	case m[2] != a.Account:
		d.errorf(path, "%s belongs to account %s; the image is declared under account %s, which must own it", arn, m[2], a.Account)
	case m[1] != a.Region:
		d.errorf(path, "%s is in %s; the image is declared in %s, where the import runs", arn, m[1], a.Region)
	}
}
