package workspaces

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// A custom image import (ImportCustomWorkspaceImage) is part of the image
// it makes: the image is PENDING while the import passes its stages, one
// `import` step each on the clock, and AVAILABLE when it is COMPLETED (or
// ERROR with it). The stages are the model's CustomWorkspaceImageImportState
// values, in the model's order.
const (
	ciPending               = string(api.CustomWorkspaceImageImportStatePending)
	ciInProgress            = string(api.CustomWorkspaceImageImportStateInProgress)
	ciProcessingSource      = string(api.CustomWorkspaceImageImportStateProcessingSourceImage)
	ciTestingStart          = string(api.CustomWorkspaceImageImportStateImageTestingStart)
	ciUpdatingOS            = string(api.CustomWorkspaceImageImportStateUpdatingOperatingSystem)
	ciCompatibilityChecking = string(api.CustomWorkspaceImageImportStateImageCompatibilityChecking)
	ciTestingGeneralization = string(api.CustomWorkspaceImageImportStateImageTestingGeneralization)
	ciCreatingTestInstance  = string(api.CustomWorkspaceImageImportStateCreatingTestInstance)
	ciInstallingComponents  = string(api.CustomWorkspaceImageImportStateInstallingComponents)
	ciGeneralizing          = string(api.CustomWorkspaceImageImportStateGeneralizing)
	ciValidating            = string(api.CustomWorkspaceImageImportStateValidating)
	ciPublishing            = string(api.CustomWorkspaceImageImportStatePublishing)
	ciCompleted             = string(api.CustomWorkspaceImageImportStateCompleted)
	ciError                 = string(api.CustomWorkspaceImageImportStateError)
)

// customImportStages are the stages an import passes, in order, up to
// COMPLETED; ProgressPercentage is a stage's share of the way.
var customImportStages = []string{ciPending, ciInProgress, ciProcessingSource, ciTestingStart, ciUpdatingOS,
	ciCompatibilityChecking, ciTestingGeneralization, ciCreatingTestInstance, ciInstallingComponents,
	ciGeneralizing, ciValidating, ciPublishing, ciCompleted}

// customImportMessages are the StateMessage of each state (AWS documents
// none; these say what the stage's name says).
var customImportMessages = map[string]string{
	ciPending:               "The image import is waiting to start.",
	ciInProgress:            "The image import has started.",
	ciProcessingSource:      "Processing the source image.",
	ciTestingStart:          "Starting the image tests.",
	ciUpdatingOS:            "Updating the operating system.",
	ciCompatibilityChecking: "Checking that the image is compatible with WorkSpaces.",
	ciTestingGeneralization: "Testing that the image can be generalized.",
	ciCreatingTestInstance:  "Creating a test instance from the image.",
	ciInstallingComponents:  "Installing the WorkSpaces components.",
	ciGeneralizing:          "Generalizing the image.",
	ciValidating:            "Validating the image.",
	ciPublishing:            "Publishing the WorkSpaces image.",
	ciCompleted:             "The image import completed.",
}

// customImport is the import part of an image's document.
type customImport struct {
	State string `json:"state"`
	// FailedStage is the stage an ERROR import failed in.
	FailedStage                    string                    `json:"failedStage,omitempty"`
	ErrorCode                      string                    `json:"errorCode,omitempty"`
	ErrorMessage                   string                    `json:"errorMessage,omitempty"`
	Source                         api.ImageSourceIdentifier `json:"source"`
	InfrastructureConfigurationArn string                    `json:"infrastructureConfigurationArn"`
	ComputeType                    api.ImageComputeType      `json:"computeType"`
	Protocol                       api.CustomImageProtocol   `json:"protocol"`
	Platform                       api.Platform              `json:"platform"`
	OsVersion                      api.OSVersion             `json:"osVersion"`
	ImageBuilderInstanceID         string                    `json:"imageBuilderInstanceId"`
	Updated                        time.Time                 `json:"updated"`
}

// UnmarshalJSON refuses a document whose state is not the model's, so a
// snapshot cannot hold an import no step can move.
func (ci *customImport) UnmarshalJSON(b []byte) error {
	type plain customImport
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if !slices.Contains(api.CustomWorkspaceImageImportState("").Values(), api.CustomWorkspaceImageImportState(v.State)) {
		return fmt.Errorf("wslocalCustomImport.state %q is not a CustomWorkspaceImageImportState", v.State)
	}
	if v.FailedStage != "" && !slices.Contains(customImportStages[:len(customImportStages)-1], v.FailedStage) {
		return fmt.Errorf("wslocalCustomImport.failedStage %q is not a stage an import can fail in", v.FailedStage)
	}
	*ci = customImport(v)
	return nil
}

// progress is the ProgressPercentage of the import: the share of the
// stages passed; an ERROR import keeps the share it had reached.
func (ci *customImport) progress() int32 {
	state := ci.State
	if state == ciError {
		state = ci.FailedStage
	}
	i := slices.Index(customImportStages, state)
	if i < 0 {
		return 0
	}
	return int32(i * 100 / (len(customImportStages) - 1))
}

func (ci *customImport) wire(r *store.Resource) *api.DescribeCustomWorkspaceImageImportResult {
	src := ci.Source
	out := &api.DescribeCustomWorkspaceImageImportResult{
		ImageId:                        api.String(r.ID),
		InfrastructureConfigurationArn: api.String(ci.InfrastructureConfigurationArn),
		State:                          api.CustomWorkspaceImageImportState(ci.State),
		ProgressPercentage:             api.Int32(ci.progress()),
		Created:                        api.TimeOf(r.Created),
		LastUpdatedTime:                api.TimeOf(ci.Updated),
		ImageSource:                    &src,
	}
	msg := customImportMessages[ci.State]
	if ci.State == ciError {
		msg = fmt.Sprintf("The image import failed in %s.", ci.FailedStage)
		out.ErrorDetails = []api.CustomWorkspaceImageImportErrorDetails{{
			ErrorCode: api.String(ci.ErrorCode), ErrorMessage: api.String(ci.ErrorMessage)}}
	}
	if msg != "" {
		out.StateMessage = api.String(msg)
	}
	// The build instance exists once the import has started.
	if ci.State != ciPending && !(ci.State == ciError && ci.FailedStage == ciPending) {
		out.ImageBuilderInstanceId = api.String(ci.ImageBuilderInstanceID)
	}
	return out
}

// arnParts reads the region and account of an Image Builder ARN, which the
// model's pattern has already checked.
var arnParts = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^arn:aws[^:]*:imagebuilder:([^:]+):([^:]+):`) })

// checkOwnArn applies the API reference's "you must own the image" to an
// Image Builder ARN: it must be of the caller's account and region.
func checkOwnArn(p store.Partition, member, arn string) error {
	m := arnParts().FindStringSubmatch(arn)
	if m == nil {
		return invalidParameter("%s %s is not an EC2 Image Builder ARN.", member, arn)
	}
	if m[2] != p.Account {
		return invalidParameter("%s %s belongs to account %s; it must belong to your account %s.", member, arn, m[2], p.Account)
	}
	if m[1] != p.Region {
		return invalidParameter("%s %s is in %s; it must be in the Region of the import, %s.", member, arn, m[1], p.Region)
	}
	return nil
}

// ImportCustomWorkspaceImage imports a BYOL image through EC2 Image
// Builder. The image is returned at once, PENDING; its import passes the
// stages of customImportStages, one `import` step each.
func (s *Service) ImportCustomWorkspaceImage(ctx context.Context, in *api.ImportCustomWorkspaceImageRequest) (*api.ImportCustomWorkspaceImageResult, error) {
	p := partition(ctx)
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	// The API reference, Protocol: "Windows 11 does not support PCOIP protocol."
	if in.OsVersion == api.OSVersionWindows11 && in.Protocol == api.CustomImageProtocolPcoip {
		return nil, invalidParameter("Windows 11 does not support the PCOIP protocol; use DCV or BYOP.")
	}
	if err := checkOwnArn(p, "InfrastructureConfigurationArn", *in.InfrastructureConfigurationArn); err != nil {
		return nil, err
	}
	if arn := in.ImageSource.ImageBuildVersionArn; arn != nil {
		if err := checkOwnArn(p, "ImageSource.ImageBuildVersionArn", *arn); err != nil {
			return nil, err
		}
	}
	osName := api.OperatingSystemNameWindows10
	if in.OsVersion == api.OSVersionWindows11 {
		osName = api.OperatingSystemNameWindows11
	}
	var out api.ImportCustomWorkspaceImageResult
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		state, err := next(kindCustomImport, "", none, evCreate)
		if err != nil {
			return err
		}
		img := newImageDoc(*in.ImageName, *in.ImageDescription, osName, api.WorkspaceImageRequiredTenancyDedicated, "ImportCustomWorkspaceImage")
		img.Ec2ImageID = api.ToString(in.ImageSource.Ec2ImageId)
		img.CustomImport = &customImport{State: state, Source: *in.ImageSource,
			InfrastructureConfigurationArn: *in.InfrastructureConfigurationArn, ComputeType: in.ComputeType,
			Protocol: in.Protocol, Platform: in.Platform, OsVersion: in.OsVersion,
			ImageBuilderInstanceID: newHexID("i-", 17), Updated: now}
		r, err := s.newImage(ctx, tx, p, img, nil, in.Tags, s.Durations().Import, now)
		if err != nil {
			return err
		}
		out = api.ImportCustomWorkspaceImageResult{ImageId: api.String(r.ID), State: api.CustomWorkspaceImageImportState(state)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DescribeCustomWorkspaceImageImport shows the import of an image of the
// caller's that ImportCustomWorkspaceImage made.
func (s *Service) DescribeCustomWorkspaceImageImport(ctx context.Context, in *api.DescribeCustomWorkspaceImageImportRequest) (*api.DescribeCustomWorkspaceImageImportResult, error) {
	p := partition(ctx)
	var out *api.DescribeCustomWorkspaceImageImportResult
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		r, img, err := getImage(ctx, tx, p, *in.ImageId)
		if err != nil {
			return err
		}
		if img.CustomImport == nil {
			return notFound(r.ID, "The image %s was not imported with ImportCustomWorkspaceImage; it has no import to describe.", r.ID)
		}
		out = img.CustomImport.wire(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// stepCustomImport moves an import to its next stage, or ends it: COMPLETED
// makes the image AVAILABLE, a fault rule (importError) ERROR with the
// rule's ErrorDetails.
func (s *Service) stepCustomImport(ctx context.Context, tx store.Tx, r *store.Resource, img *image) error {
	at := r.DueAt
	ci := img.CustomImport
	ev := evStepDone
	if f := s.faults.ImportFault(ctx, img.Origin, r.ID, ci.State); f != nil {
		ev = evStepFailed
		msg := f.Message
		if msg == "" {
			msg = fmt.Sprintf("The image import failed in %s.", ci.State)
		}
		ci.FailedStage, ci.ErrorCode, ci.ErrorMessage = ci.State, f.Code, msg
	}
	to, err := next(kindCustomImport, r.ID, ci.State, ev)
	if err != nil {
		// An import that has already ended (a snapshot's): the image follows it.
		to = ci.State
		ev = evStepDone
		if to == ciError {
			ev = evStepFailed
		}
	}
	ci.State, ci.Updated = to, at
	switch to {
	case ciCompleted, ciError:
		if ev == evStepFailed {
			img.setError(ci.ErrorCode, ci.ErrorMessage)
		}
		state, err := next(kindImage, r.ID, r.State, ev)
		if err != nil {
			return err
		}
		r.State, r.DueAt = state, time.Time{}
	default:
		schedule(r, at, s.Durations().Import)
	}
	return putDoc(ctx, tx, r, img)
}
