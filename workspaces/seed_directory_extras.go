package workspaces

import (
	"fmt"

	"github.com/wslocal/wslocal/api"
)

// A seed directory may carry what ModifyEndpointEncryptionMode,
// ModifyStreamingProperties and CreateConnectClientAddIn set.

type seedStreaming struct {
	StreamingExperiencePreferredProtocol string                 `yaml:"streamingExperiencePreferredProtocol"` // TCP | UDP
	UserSettings                         []seedUserSetting      `yaml:"userSettings"`
	StorageConnectors                    []seedStorageConnector `yaml:"storageConnectors"`
	GlobalAccelerator                    *seedGlobalAccelerator `yaml:"globalAccelerator"`
}

type seedUserSetting struct {
	Action        string `yaml:"action"`
	Permission    string `yaml:"permission"`
	MaximumLength *int32 `yaml:"maximumLength"`
}

type seedStorageConnector struct {
	ConnectorType string `yaml:"connectorType"`
	Status        string `yaml:"status"`
}

type seedGlobalAccelerator struct {
	Mode              string `yaml:"mode"`
	PreferredProtocol string `yaml:"preferredProtocol"`
}

type seedAddIn struct {
	ID   string `yaml:"id"` // a lowercase UUID; minted when empty
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

func (sp *seedStreaming) wire() *api.StreamingProperties {
	out := &api.StreamingProperties{StreamingExperiencePreferredProtocol: api.StreamingExperiencePreferredProtocolEnum(sp.StreamingExperiencePreferredProtocol)}
	for _, u := range sp.UserSettings {
		out.UserSettings = append(out.UserSettings, api.UserSetting{Action: api.UserSettingActionEnum(u.Action),
			Permission: api.UserSettingPermissionEnum(u.Permission), MaximumLength: u.MaximumLength})
	}
	for _, c := range sp.StorageConnectors {
		out.StorageConnectors = append(out.StorageConnectors, api.StorageConnector{ConnectorType: api.StorageConnectorTypeEnum(c.ConnectorType),
			Status: api.StorageConnectorStatusEnum(c.Status)})
	}
	if g := sp.GlobalAccelerator; g != nil {
		out.GlobalAccelerator = &api.GlobalAcceleratorForDirectory{Mode: api.AGAModeForDirectoryEnum(g.Mode),
			PreferredProtocol: api.AGAPreferredProtocolForDirectory(g.PreferredProtocol)}
	}
	return out
}

// violations reports the model's violations of a request under path.
func (d *seedDoc) violations(path string, vs []api.Violation) {
	for _, v := range vs {
		if v.Path == "directoryId" || v.Path == "resourceId" {
			continue // the directory's id is checked, and reported, as its id
		}
		if v.Null {
			d.errorf(path, "%s is required", v.Path)
			continue
		}
		d.errorf(path, "%s %q breaks the model's constraint: %s", v.Path, v.Value, v.Constraint)
	}
}

// validateDirectoryExtras checks a seed directory's encryption mode,
// streaming properties and add-ins as the operations that set them would,
// and mints the add-ins' ids.
func (d *seedDoc) validateDirectoryExtras(path string, sd *seedDirectory) {
	id := sd.ID
	if sd.EndpointEncryptionMode != "" {
		d.violations(path+".endpointEncryptionMode", api.Check(&api.ModifyEndpointEncryptionModeRequest{DirectoryId: &id,
			EndpointEncryptionMode: api.EndpointEncryptionMode(sd.EndpointEncryptionMode)}))
	}
	if sd.StreamingProperties != nil {
		sp := sd.StreamingProperties.wire()
		vs := api.Check(&api.ModifyStreamingPropertiesRequest{ResourceId: &id, StreamingProperties: sp})
		d.violations(path+".streamingProperties", vs)
		if len(vs) == 0 {
			if err := checkStreamingProperties(sp); err != nil {
				d.errorf(path+".streamingProperties", "%s", api.ToString(err.(*api.InvalidParameterValuesException).Message))
			}
		}
	}
	if n := len(sd.ConnectClientAddIns); n > maxAddInsPerDirectory {
		d.errorf(path+".connectClientAddIns", "%d add-ins; a directory can have only one Amazon Connect client add-in", n)
	}
	for i := range sd.ConnectClientAddIns {
		a, apath := &sd.ConnectClientAddIns[i], fmt.Sprintf("%s.connectClientAddIns[%d]", path, i)
		if a.ID == "" {
			a.ID = newUUID()
		}
		d.violations(apath, api.Check(&api.UpdateConnectClientAddInRequest{ResourceId: &id, AddInId: &a.ID, Name: &a.Name, URL: &a.URL}))
	}
}

// applyDirectoryExtras sets a seed directory's extras on its document.
func applyDirectoryExtras(sd *seedDirectory, dir *directory) {
	dir.EndpointEncryptionMode = api.EndpointEncryptionMode(sd.EndpointEncryptionMode)
	if sd.StreamingProperties != nil {
		dir.StreamingProperties = sd.StreamingProperties.wire()
	}
	for _, a := range sd.ConnectClientAddIns {
		dir.ConnectClientAddIns = append(dir.ConnectClientAddIns, api.ConnectClientAddIn{AddInId: api.String(a.ID),
			ResourceId: api.String(sd.ID), Name: api.String(a.Name), URL: api.String(a.URL)})
	}
}
