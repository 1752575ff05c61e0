package workspaces_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// The example seed's directory shows its encryption mode, streaming
// properties and add-in through the SDK.
func TestSeedDirectoryExtras(t *testing.T) {
	srv, _ := startWithExampleSeed(t)
	ctx := context.Background()
	c := workspaces.NewFromConfig(srv.AWSConfig())
	dirs, err := c.DescribeWorkspaceDirectories(ctx, &workspaces.DescribeWorkspaceDirectoriesInput{DirectoryIds: []string{"d-1234567890"}})
	if err != nil || len(dirs.Directories) != 1 {
		t.Fatalf("DescribeWorkspaceDirectories = %+v, %v", dirs, err)
	}
	d := dirs.Directories[0]
	sp := d.StreamingProperties
	if d.EndpointEncryptionMode != types.EndpointEncryptionModeStandardTls || sp == nil ||
		sp.StreamingExperiencePreferredProtocol != types.StreamingExperiencePreferredProtocolEnumUdp ||
		len(sp.UserSettings) != 2 || aws.ToInt32(sp.UserSettings[0].MaximumLength) != 20000 ||
		len(sp.StorageConnectors) != 1 || sp.GlobalAccelerator == nil || sp.GlobalAccelerator.Mode != types.AGAModeForDirectoryEnumEnabledAuto {
		t.Errorf("seeded directory = %+v, streaming %+v", d, sp)
	}
	out, err := c.DescribeConnectClientAddIns(ctx, &workspaces.DescribeConnectClientAddInsInput{ResourceId: aws.String("d-1234567890")})
	if err != nil || len(out.AddIns) != 1 || aws.ToString(out.AddIns[0].AddInId) != "2f6b8c1e-5a4d-4e3b-9c7a-1d2e3f4a5b6c" ||
		aws.ToString(out.AddIns[0].Name) != "Contact center" || aws.ToString(out.AddIns[0].ResourceId) != "d-1234567890" {
		t.Errorf("seeded add-ins = %+v, %v", out, err)
	}
	// A minted add-in id is a UUID the API accepts back.
	srv.Seed(`{"accounts": [{"directories": [{"id": "d-0123456789", "connectClientAddIns": [{"name": "cc", "url": "https://x.example"}]}]}]}`)
	out, err = c.DescribeConnectClientAddIns(ctx, &workspaces.DescribeConnectClientAddInsInput{ResourceId: aws.String("d-0123456789")})
	if err != nil || len(out.AddIns) != 1 {
		t.Fatalf("minted add-in = %+v, %v", out, err)
	}
	if _, err := c.DeleteConnectClientAddIn(ctx, &workspaces.DeleteConnectClientAddInInput{ResourceId: aws.String("d-0123456789"),
		AddInId: out.AddIns[0].AddInId}); err != nil {
		t.Errorf("DeleteConnectClientAddIn of the minted id: %v", err)
	}
}

func TestSeedDirectoryExtrasErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc, field, msg string
	}{
		{"bad mode", `{"accounts": [{"directories": [{"id": "d-0123456789", "endpointEncryptionMode": "TLS"}]}]}`,
			"accounts[0].directories[0].endpointEncryptionMode", `endpointEncryptionMode "TLS" breaks the model's constraint`},
		{"bad protocol", `{"accounts": [{"directories": [{"id": "d-0123456789", "streamingProperties": {"streamingExperiencePreferredProtocol": "QUIC"}}]}]}`,
			"accounts[0].directories[0].streamingProperties", `"QUIC" breaks the model's constraint`},
		{"an action twice", `{"accounts": [{"directories": [{"id": "d-0123456789", "streamingProperties": {"userSettings": [
			{"action": "SMART_CARD", "permission": "ENABLED"}, {"action": "SMART_CARD", "permission": "DISABLED"}]}}]}]}`,
			"accounts[0].directories[0].streamingProperties", "UserSettings names the action SMART_CARD more than once."},
		{"two add-ins", `{"accounts": [{"directories": [{"id": "d-0123456789", "connectClientAddIns": [
			{"name": "a", "url": "https://a.example"}, {"name": "b", "url": "https://b.example"}]}]}]}`,
			"accounts[0].directories[0].connectClientAddIns", "2 add-ins; a directory can have only one Amazon Connect client add-in"},
		{"bad add-in URL", `{"accounts": [{"directories": [{"id": "d-0123456789", "connectClientAddIns": [{"name": "a", "url": "ftp://a"}]}]}]}`,
			"accounts[0].directories[0].connectClientAddIns[0]", `"ftp://a" breaks the model's constraint`},
		{"bad add-in id", `{"accounts": [{"directories": [{"id": "d-0123456789", "connectClientAddIns": [{"id": "X", "name": "a", "url": "https://a"}]}]}]}`,
			"accounts[0].directories[0].connectClientAddIns[0]", `addInId "X" breaks the model's constraint`},
	} {
		se, err := seedErr(t, c.doc)
		if se.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v (field %q), want field %s saying %q", c.name, err, se.Field, c.field, c.msg)
		}
	}
}
