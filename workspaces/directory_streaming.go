package workspaces

import (
	"context"
	"slices"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// A directory's endpoint encryption mode and streaming properties are
// members of the directory itself (WorkspaceDirectory.EndpointEncryptionMode
// and .StreamingProperties), shown by DescribeWorkspaceDirectories.

// ModifyEndpointEncryptionMode switches a directory between standard TLS
// and FIPS 140-2 validated endpoint encryption. The administration guide
// ("Configure FedRAMP authorization or DoD SRG compliance for WorkSpaces
// Personal"): "To use the FIPS 140-2 Validated Mode setting, the WorkSpaces
// directory must either be new, or all existing WorkSpaces in the directory
// must be using FIPS 140-2 Validated Mode": switching a directory that has
// WorkSpaces to FIPS is OperationNotSupportedException.
func (s *Service) ModifyEndpointEncryptionMode(ctx context.Context, in *api.ModifyEndpointEncryptionModeRequest) (*api.ModifyEndpointEncryptionModeResponse, error) {
	p := partition(ctx)
	id := *in.DirectoryId
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		r, d, err := getDirectory(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if in.EndpointEncryptionMode == api.EndpointEncryptionModeFipsValidated && d.EndpointEncryptionMode != api.EndpointEncryptionModeFipsValidated {
			wss, err := s.listWorkspaces(ctx, tx, p)
			if err != nil {
				return err
			}
			for _, w := range wss {
				if api.ToString(w.doc.DirectoryId) == id && w.res.State != wsTerminated {
					return notSupported("", "The directory %s has WorkSpaces that use standard TLS (%s): a directory can switch to FIPS_VALIDATED only while it has no WorkSpaces.", id, w.res.ID)
				}
			}
		}
		d.EndpointEncryptionMode = in.EndpointEncryptionMode
		return putDoc(ctx, tx, r, d)
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifyEndpointEncryptionModeResponse{}, nil
}

// clipboardActions are the user settings that MaximumLength applies to.
var clipboardActions = []api.UserSettingActionEnum{api.UserSettingActionEnumClipboardCopyFromLocalDevice, api.UserSettingActionEnumClipboardCopyToLocalDevice}

// checkStreamingProperties applies the rules the model cannot say: each
// action and connector type at most once, and a MaximumLength only on a
// clipboard action.
func checkStreamingProperties(sp *api.StreamingProperties) error {
	seen := map[api.UserSettingActionEnum]bool{}
	for _, u := range sp.UserSettings {
		if seen[u.Action] {
			return invalidParameter("UserSettings names the action %s more than once.", u.Action)
		}
		seen[u.Action] = true
		if u.MaximumLength != nil && !slices.Contains(clipboardActions, u.Action) {
			return invalidParameter("MaximumLength applies only to the clipboard actions (CLIPBOARD_COPY_FROM_LOCAL_DEVICE, CLIPBOARD_COPY_TO_LOCAL_DEVICE), not to %s.", u.Action)
		}
	}
	connectors := map[api.StorageConnectorTypeEnum]bool{}
	for _, c := range sp.StorageConnectors {
		if connectors[c.ConnectorType] {
			return invalidParameter("StorageConnectors names the connector type %s more than once.", c.ConnectorType)
		}
		connectors[c.ConnectorType] = true
	}
	return nil
}

// ModifyStreamingProperties sets the streaming properties of a directory:
// each member the request gives replaces the directory's (a list as a
// whole), and the others are kept, as the other Modify operations of a
// directory do.
func (s *Service) ModifyStreamingProperties(ctx context.Context, in *api.ModifyStreamingPropertiesRequest) (*api.ModifyStreamingPropertiesResult, error) {
	w := in.StreamingProperties
	if w == nil {
		w = &api.StreamingProperties{}
	}
	if err := checkStreamingProperties(w); err != nil {
		return nil, err
	}
	err := s.modifyDirectory(ctx, *in.ResourceId, func(d *directory) error {
		sp := api.StreamingProperties{}
		if d.StreamingProperties != nil {
			sp = *d.StreamingProperties
		}
		set(&sp.StreamingExperiencePreferredProtocol, w.StreamingExperiencePreferredProtocol)
		if w.UserSettings != nil {
			sp.UserSettings = slices.Clone(w.UserSettings)
		}
		if w.StorageConnectors != nil {
			sp.StorageConnectors = slices.Clone(w.StorageConnectors)
		}
		if w.GlobalAccelerator != nil {
			ga := *w.GlobalAccelerator
			sp.GlobalAccelerator = &ga
		}
		d.StreamingProperties = &sp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ModifyStreamingPropertiesResult{}, nil
}
