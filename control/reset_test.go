package control_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/wslocaltest"
)

// resetSeed is a seed of one registered directory and one available image.
const resetSeed = `
accounts:
  - account: "000000000000"
    region: us-east-1
    directories:
      - {id: d-1234567890, state: REGISTERED}
    images:
      - {id: wsi-golden001, name: golden, state: AVAILABLE}
`

func seedFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(path, []byte(resetSeed), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// directories lists the registered directories' ids and states, sorted.
func directories(t *testing.T, c *workspaces.Client) []string {
	t.Helper()
	out, err := c.DescribeWorkspaceDirectories(context.Background(), &workspaces.DescribeWorkspaceDirectoriesInput{})
	if err != nil {
		t.Fatalf("DescribeWorkspaceDirectories: %v", err)
	}
	var got []string
	for _, d := range out.Directories {
		got = append(got, aws.ToString(d.DirectoryId)+" "+string(d.State))
	}
	slices.Sort(got)
	return got
}

// images lists the images' ids and states, sorted.
func images(t *testing.T, c *workspaces.Client) []string {
	t.Helper()
	out, err := c.DescribeWorkspaceImages(context.Background(), &workspaces.DescribeWorkspaceImagesInput{})
	if err != nil {
		t.Fatalf("DescribeWorkspaceImages: %v", err)
	}
	var got []string
	for _, im := range out.Images {
		got = append(got, aws.ToString(im.ImageId)+" "+string(im.State))
	}
	slices.Sort(got)
	return got
}

// mess changes the seeded state through the API: another directory, the
// seeded image deleted.
func mess(t *testing.T, c *workspaces.Client) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.RegisterWorkspaceDirectory(ctx, &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String("d-2222222222")}); err != nil {
		t.Fatalf("RegisterWorkspaceDirectory: %v", err)
	}
	if _, err := c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String("wsi-golden001")}); err != nil {
		t.Fatalf("DeleteWorkspaceImage: %v", err)
	}
}

func TestResetSeedReappliesTheSeed(t *testing.T) {
	srv := wslocaltest.Start(t, wslocaltest.WithSeedFile(seedFile(t)))
	c := workspaces.NewFromConfig(srv.AWSConfig())
	seeded := []string{"d-1234567890 " + string(types.WorkspaceDirectoryStateRegistered)}
	seededImages := []string{"wsi-golden001 " + string(types.WorkspaceImageStateAvailable)}
	mess(t, c)
	if got := directories(t, c); len(got) != 2 {
		t.Fatalf("after registering another directory: %v, want 2", got)
	}

	var ans map[string]any
	if status := srv.Control(http.MethodPost, "/_wslocal/reset", map[string]any{"seed": true}, &ans); status != http.StatusOK {
		t.Fatalf("POST reset {seed:true} = %d %v", status, ans)
	}
	if ans["reset"] != true || ans["seeded"] != true {
		t.Errorf("answer = %v, want reset and seeded true", ans)
	}
	if got := directories(t, c); !slices.Equal(got, seeded) {
		t.Errorf("directories after reset+seed = %v, want %v", got, seeded)
	}
	if got := images(t, c); !slices.Equal(got, seededImages) {
		t.Errorf("images after reset+seed = %v, want %v", got, seededImages)
	}

	// Again, through the Go helper.
	mess(t, c)
	srv.ResetAndSeed()
	if got := directories(t, c); !slices.Equal(got, seeded) {
		t.Errorf("directories after ResetAndSeed = %v, want %v", got, seeded)
	}
	if got := images(t, c); !slices.Equal(got, seededImages) {
		t.Errorf("images after ResetAndSeed = %v, want %v", got, seededImages)
	}

	// {"seed": false}, no body at all and a body without "seed" (any body
	// was ignored before "seed" existed) reset to nothing.
	for _, body := range []any{map[string]any{"seed": false}, nil, map[string]any{"advance": "1s"}} {
		ans = nil
		if status := srv.Control(http.MethodPost, "/_wslocal/reset", body, &ans); status != http.StatusOK {
			t.Fatalf("POST reset %v = %d %v", body, status, ans)
		}
		if ans["reset"] != true || ans["seeded"] != false {
			t.Errorf("POST reset %v answered %v, want reset true, seeded false", body, ans)
		}
		if got := directories(t, c); len(got) != 0 {
			t.Errorf("directories after POST reset %v = %v, want none", body, got)
		}
		srv.ResetAndSeed()
	}
}

func TestResetRefusesWhatItCannotDo(t *testing.T) {
	noSeed := wslocaltest.Start(t)
	seeded := wslocaltest.Start(t, wslocaltest.WithSeedFile(seedFile(t)))
	for _, tc := range []struct {
		name string
		srv  *wslocaltest.Server
		body string
		want string
	}{
		{"seed without --seed", noSeed, `{"seed": true}`,
			`{"error":"{\"seed\": true} re-applies the --seed file, and this wslocal started without --seed: nothing was reset"}` + "\n"},
		{"not a boolean", seeded, `{"seed": "yes"}`,
			`{"error":"the body of a reset is empty or {\"seed\": true|false}; nothing was reset: json: cannot unmarshal string into Go struct field resetRequest.seed of type bool"}` + "\n"},
		{"not JSON", seeded, `seed=true`,
			`{"error":"the body of a reset is empty or {\"seed\": true|false}; nothing was reset: invalid character 's' looking for beginning of value"}` + "\n"},
		{"two objects", seeded, `{"seed": true} {}`,
			`{"error":"the body of a reset is empty or {\"seed\": true|false}; nothing was reset: data after the JSON object"}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := workspaces.NewFromConfig(tc.srv.AWSConfig())
			if _, err := c.RegisterWorkspaceDirectory(context.Background(), &workspaces.RegisterWorkspaceDirectoryInput{DirectoryId: aws.String("d-3333333333")}); err != nil {
				t.Fatalf("RegisterWorkspaceDirectory: %v", err)
			}
			before := directories(t, c)
			status, body := raw(t, tc.srv, http.MethodPost, "/_wslocal/reset", []byte(tc.body))
			if status != http.StatusBadRequest || string(body) != tc.want {
				t.Errorf("POST reset %s = %d %s, want 400 %s", tc.body, status, body, tc.want)
			}
			if got := directories(t, c); !slices.Equal(got, before) {
				t.Errorf("a refused reset changed the directories: %v, then %v", before, got)
			}
			tc.srv.Reset()
		})
	}
}
