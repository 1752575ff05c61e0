package clients_test

import (
	"regexp"
	"testing"

	"github.com/wslocal/wslocal/internal/proctest"
)

// TestCLIDirectoryExtras: the Amazon Connect add-in, the endpoint
// encryption mode and the streaming properties through `aws workspaces`,
// with the shorthand syntax of the CLI's documentation.
func TestCLIDirectoryExtras(t *testing.T) {
	proctest.RequireTool(t, "the AWS CLI", "aws", "--version")
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual", "--step", "1s")
	cli := &awsCLI{t: t, url: p.URL, env: proctest.ClientEnv(t)}
	const dir = "d-0123456789"
	cli.ok(nil, "register-workspace-directory", "--directory-id", dir)

	// CLI v1 fetches a parameter that is an http(s) URL (cli_follow_urlparam):
	// the URL goes in JSON.
	addIn := func(name string) string {
		return `{"ResourceId": "` + dir + `", "Name": "` + name + `", "URL": "https://example.my.connect.aws/ccp-v2"}`
	}
	var created struct{ AddInId string }
	cli.ok(&created, "create-connect-client-add-in", "--cli-input-json", addIn("Contact center"))
	if !regexp.MustCompile(`^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`).MatchString(created.AddInId) {
		t.Fatalf("AddInId = %q, want a UUID", created.AddInId)
	}
	cli.fails("ResourceAlreadyExistsException", "The directory "+dir+" already has an Amazon Connect client add-in ("+created.AddInId+"); a directory can have only one.",
		"create-connect-client-add-in", "--cli-input-json", addIn("Second"))
	cli.ok(nil, "update-connect-client-add-in", "--resource-id", dir, "--add-in-id", created.AddInId, "--name", "Support desk")
	var listed struct {
		AddIns []struct{ AddInId, ResourceId, Name, URL string }
	}
	cli.ok(&listed, "describe-connect-client-add-ins", "--resource-id", dir)
	if len(listed.AddIns) != 1 || listed.AddIns[0].Name != "Support desk" || listed.AddIns[0].URL != "https://example.my.connect.aws/ccp-v2" ||
		listed.AddIns[0].ResourceId != dir {
		t.Errorf("describe-connect-client-add-ins = %+v", listed)
	}

	cli.ok(nil, "modify-endpoint-encryption-mode", "--directory-id", dir, "--endpoint-encryption-mode", "FIPS_VALIDATED")
	cli.ok(nil, "modify-streaming-properties", "--resource-id", dir, "--streaming-properties",
		"StreamingExperiencePreferredProtocol=UDP,UserSettings=[{Action=CLIPBOARD_COPY_TO_LOCAL_DEVICE,Permission=ENABLED,MaximumLength=100}]")
	var dirs struct {
		Directories []struct {
			EndpointEncryptionMode string
			StreamingProperties    struct {
				StreamingExperiencePreferredProtocol string
				UserSettings                         []struct {
					Action, Permission string
					MaximumLength      int
				}
			}
		}
	}
	cli.ok(&dirs, "describe-workspace-directories", "--directory-ids", dir)
	if len(dirs.Directories) != 1 {
		t.Fatalf("describe-workspace-directories = %+v", dirs)
	}
	d := dirs.Directories[0]
	if d.EndpointEncryptionMode != "FIPS_VALIDATED" || d.StreamingProperties.StreamingExperiencePreferredProtocol != "UDP" ||
		len(d.StreamingProperties.UserSettings) != 1 || d.StreamingProperties.UserSettings[0].MaximumLength != 100 {
		t.Errorf("the directory = %+v", d)
	}
	cli.fails("InvalidParameterValuesException", "MaximumLength applies only to the clipboard actions",
		"modify-streaming-properties", "--resource-id", dir, "--streaming-properties",
		"UserSettings=[{Action=SMART_CARD,Permission=ENABLED,MaximumLength=5}]")

	cli.ok(nil, "delete-connect-client-add-in", "--resource-id", dir, "--add-in-id", created.AddInId)
	cli.fails("ResourceNotFoundException", "The client add-in "+created.AddInId+" could not be found in directory "+dir+".",
		"delete-connect-client-add-in", "--resource-id", dir, "--add-in-id", created.AddInId)
}
