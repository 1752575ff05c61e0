package clients_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/internal/proctest"
)

// awsCLI runs `aws workspaces ...` against one server.
type awsCLI struct {
	t   *testing.T
	url string
	env []string
}

// try runs a command and returns stdout, stderr and the exit code.
func (c *awsCLI) try(args ...string) (stdout, stderr string, code int) {
	c.t.Helper()
	full := append([]string{"workspaces"}, args...)
	full = append(full, "--endpoint-url", c.url, "--output", "json")
	return run(c.t, 60*time.Second, c.env, "aws", full...)
}

// ok runs a command that must succeed and decodes its JSON output into v.
func (c *awsCLI) ok(v any, args ...string) {
	c.t.Helper()
	stdout, stderr, code := c.try(args...)
	if code != 0 {
		c.t.Fatalf("aws workspaces %s: exit code %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout, stderr)
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal([]byte(stdout), v); err != nil {
		c.t.Fatalf("aws workspaces %s: output is not the JSON expected: %v\n%s", strings.Join(args, " "), err, stdout)
	}
}

// fails runs a command that must fail as a service error (exit code 254 in
// newer CLIs, 255 in v1) whose message names code and, if given, says msg.
func (c *awsCLI) fails(code, msg string, args ...string) {
	c.t.Helper()
	stdout, stderr, exit := c.try(args...)
	if exit != 254 && exit != 255 {
		c.t.Errorf("aws workspaces %s: exit code %d, want 254 or 255 (a service error)\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), exit, stdout, stderr)
		return
	}
	if !strings.Contains(stderr, "("+code+")") {
		c.t.Errorf("aws workspaces %s: stderr does not name %s:\n%s", strings.Join(args, " "), code, stderr)
	}
	if msg != "" && !strings.Contains(stderr, ": "+msg) {
		c.t.Errorf("aws workspaces %s: stderr lacks the message %q:\n%s", strings.Join(args, " "), msg, stderr)
	}
}

// The CLI prints timestamps as it received them: epoch seconds.
type cliAssociation struct {
	AssociatedResourceId   string
	AssociatedResourceType string
	Created                json.Number
	LastUpdatedTime        json.Number
	ImageId                string
	State                  string
	StateReason            *struct{ ErrorCode, ErrorMessage string }
}

type cliImage struct {
	ImageId, Name, Description, State, RequiredTenancy, OwnerAccountId string
	ErrorCode, ErrorMessage                                            string
	OperatingSystem                                                    struct{ Type string }
	Created                                                            json.Number
	Updates                                                            *struct{ UpdateAvailable *bool }
}

func millis(t *testing.T, n json.Number) int64 {
	t.Helper()
	f, err := n.Float64()
	if err != nil || f <= 0 {
		t.Fatalf("timestamp %q is not positive epoch seconds: %v", n, err)
	}
	return int64(f*1000 + 0.5)
}

// TestCLIStory tells the story of story.py with `aws workspaces`: import
// with Office 2019, INSTALLING, the clock moves, COMPLETED, the image's
// fields, tags, and the errors the CLI reports.
func TestCLIStory(t *testing.T) {
	proctest.RequireTool(t, "the AWS CLI", "aws", "--version")
	t.Parallel()
	p := proctest.Start(t, proctest.Build(t), "--store", "memory", "--clock", "manual", "--step", "1s")
	cli := &awsCLI{t: t, url: p.URL, env: proctest.ClientEnv(t)}
	start := time.Now()

	var apps struct {
		Applications []struct{ ApplicationId, Name, State, Owner string }
	}
	cli.ok(&apps, "describe-applications")
	var officeID string
	for _, a := range apps.Applications {
		if a.Name == "Microsoft Office 2019" {
			officeID = a.ApplicationId
		}
	}
	if !regexp.MustCompile(`^wsa-[0-9a-z]{8,63}$`).MatchString(officeID) {
		t.Fatalf("no Microsoft Office 2019 with a wsa- id in %+v", apps)
	}

	var imported struct{ ImageId string }
	cli.ok(&imported, "import-workspace-image", "--ec2-image-id", "ami-0123456789abcdef0",
		"--ingestion-process", "BYOL_REGULAR", "--image-name", "cli-golden",
		"--image-description", "Windows 10 with Office 2019", "--applications", "Microsoft_Office_2019",
		"--tags", "Key=team,Value=blue")
	id := imported.ImageId
	if !regexp.MustCompile(`^wsi-[0-9a-z]{9,63}$`).MatchString(id) {
		t.Fatalf("ImageId %q does not match wsi-[0-9a-z]{9,63}", id)
	}

	describe := func() cliAssociation {
		t.Helper()
		var out struct{ Associations []cliAssociation }
		cli.ok(&out, "describe-image-associations", "--image-id", id, "--associated-resource-types", "APPLICATION")
		if len(out.Associations) != 1 {
			t.Fatalf("associations of %s = %+v, want exactly one", id, out.Associations)
		}
		a := out.Associations[0]
		if a.AssociatedResourceId != officeID || a.AssociatedResourceType != "APPLICATION" || a.ImageId != id || a.StateReason != nil {
			t.Fatalf("association = %+v, want Office 2019 (%s) of %s, without StateReason", a, officeID, id)
		}
		return a
	}
	installing := describe()
	if installing.State != "INSTALLING" {
		t.Fatalf("State after import = %s, want INSTALLING", installing.State)
	}
	if millis(t, installing.Created) != millis(t, installing.LastUpdatedTime) {
		t.Errorf("INSTALLING association: Created %s != LastUpdatedTime %s", installing.Created, installing.LastUpdatedTime)
	}

	advance(t, p, "2s")
	completed := describe()
	if completed.State != "COMPLETED" {
		t.Fatalf("State after the clock moved 2s past a 1s import = %s, want COMPLETED", completed.State)
	}
	if c, u := millis(t, completed.Created), millis(t, completed.LastUpdatedTime); c != millis(t, installing.Created) || u-c != 1000 {
		t.Errorf("COMPLETED association: Created %s, LastUpdatedTime %s; want the import's Created and Created+1s", completed.Created, completed.LastUpdatedTime)
	}

	// What follows reads the AVAILABLE image independently: side by side.
	sub := func(t *testing.T) *awsCLI { return &awsCLI{t: t, url: cli.url, env: cli.env} }
	t.Run("AVAILABLE", func(t *testing.T) {
		t.Run("DescribeWorkspaceImages", func(t *testing.T) {
			t.Parallel()
			var images struct{ Images []cliImage }
			sub(t).ok(&images, "describe-workspace-images", "--image-ids", id)
			if len(images.Images) != 1 {
				t.Fatalf("describe-workspace-images --image-ids %s = %+v", id, images.Images)
			}
			img := images.Images[0]
			if img.ImageId != id || img.Name != "cli-golden" || img.Description != "Windows 10 with Office 2019" ||
				img.State != "AVAILABLE" || img.RequiredTenancy != "DEDICATED" || img.OwnerAccountId != "000000000000" ||
				img.OperatingSystem.Type != "WINDOWS" || img.ErrorCode != "" || img.ErrorMessage != "" ||
				img.Updates == nil || img.Updates.UpdateAvailable == nil || *img.Updates.UpdateAvailable {
				t.Errorf("image = %+v", img)
			}
			if millis(t, img.Created) != millis(t, completed.Created) {
				t.Errorf("image Created %s != association Created %s", img.Created, completed.Created)
			}
		})
		t.Run("Tags", func(t *testing.T) {
			t.Parallel()
			// Given at import, then one added and that one removed.
			c := sub(t)
			c.ok(nil, "create-tags", "--resource-id", id, "--tags", "Key=env,Value=test")
			c.ok(nil, "delete-tags", "--resource-id", id, "--tag-keys", "team")
			var tags struct{ TagList []struct{ Key, Value string } }
			c.ok(&tags, "describe-tags", "--resource-id", id)
			if len(tags.TagList) != 1 || tags.TagList[0].Key != "env" || tags.TagList[0].Value != "test" {
				t.Errorf("tags after create env=test and delete team = %+v, want [env=test]", tags.TagList)
			}
		})
		for _, e := range []struct {
			name, code, msg string
			args            []string
		}{
			{"ResourceNotFound", "ResourceNotFoundException", "The image wsi-000000000 could not be found.",
				[]string{"describe-image-associations", "--image-id", "wsi-000000000", "--associated-resource-types", "APPLICATION"}},
			{"ValidationPattern", "ValidationException", "1 validation error detected: Value 'abc' at 'imageId' failed to satisfy constraint: " +
				"Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$",
				[]string{"describe-image-associations", "--image-id", "abc", "--associated-resource-types", "APPLICATION"}},
			{"ValidationEnum", "ValidationException", "",
				[]string{"describe-image-associations", "--image-id", id, "--associated-resource-types", "NOPE"}},
			{"TagsOfMissingImage", "ResourceNotFoundException", "", []string{"describe-tags", "--resource-id", "wsi-000000000"}},
		} {
			t.Run("Error"+e.name, func(t *testing.T) {
				t.Parallel()
				sub(t).fails(e.code, e.msg, e.args...)
			})
		}
	})
	if t.Failed() {
		return
	}

	// Deleted: gone from the list, its associations not found.
	cli.ok(nil, "delete-workspace-image", "--image-id", id)
	var images struct{ Images []cliImage }
	cli.ok(&images, "describe-workspace-images")
	if len(images.Images) != 0 {
		t.Errorf("images after delete = %+v, want none", images.Images)
	}
	cli.fails("ResourceNotFoundException", "", "describe-image-associations", "--image-id", id, "--associated-resource-types", "APPLICATION")
	t.Logf("aws CLI story: %v", time.Since(start).Round(time.Millisecond))
}
