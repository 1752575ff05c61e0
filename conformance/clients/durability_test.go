package clients_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/internal/proctest"
)

// The durability tests run wslocal on a SQLite file with the real clock,
// stop it in different ways, start a new process on the same file, and read
// back through aws-sdk-go-v2 what the first one acknowledged.

const durableImages = 20

// imported is what the first process acknowledged for one image.
type imported struct {
	id, name string
}

func importImage(ctx context.Context, c *workspaces.Client, name string) (string, error) {
	out, err := c.ImportWorkspaceImage(ctx, &workspaces.ImportWorkspaceImageInput{
		Ec2ImageId:       aws.String("ami-0123456789abcdef0"),
		IngestionProcess: types.WorkspaceImageIngestionProcessByolRegular,
		ImageName:        aws.String(name),
		ImageDescription: aws.String("durable " + name),
		Applications:     []types.Application{types.ApplicationMicrosoftOffice2019},
		Tags:             []types.Tag{{Key: aws.String("name"), Value: aws.String(name)}},
	})
	if err != nil {
		return "", fmt.Errorf("import %s: %w", name, err)
	}
	return aws.ToString(out.ImageId), nil
}

// listImages pages through DescribeWorkspaceImages, 7 at a time so that the
// 20 images take three pages.
func listImages(t *testing.T, ctx context.Context, c *workspaces.Client) []types.WorkspaceImage {
	t.Helper()
	var all []types.WorkspaceImage
	in := &workspaces.DescribeWorkspaceImagesInput{MaxResults: aws.Int32(7)}
	for page := 0; ; page++ {
		if page > 10 {
			t.Fatalf("DescribeWorkspaceImages: more than 10 pages for %d images", len(all))
		}
		out, err := c.DescribeWorkspaceImages(ctx, in)
		if err != nil {
			t.Fatalf("DescribeWorkspaceImages: %v", err)
		}
		all = append(all, out.Images...)
		if out.NextToken == nil {
			return all
		}
		in.NextToken = out.NextToken
	}
}

// checkRestored checks that every acknowledged image is there with its
// name, tag and Office association, and, once wantDone, AVAILABLE with the
// association COMPLETED at Created+step. It returns whether all are done.
func checkRestored(t *testing.T, ctx context.Context, c *workspaces.Client, want []imported, step time.Duration, wantDone bool) bool {
	t.Helper()
	images := listImages(t, ctx, c)
	byID := map[string]types.WorkspaceImage{}
	for _, img := range images {
		byID[aws.ToString(img.ImageId)] = img
	}
	if len(images) != len(want) {
		t.Errorf("after the restart there are %d images, want the %d acknowledged", len(images), len(want))
	}
	allDone := true
	for _, w := range want {
		img, ok := byID[w.id]
		if !ok {
			t.Errorf("acknowledged image %s (%s) is gone after the restart", w.id, w.name)
			continue
		}
		if aws.ToString(img.Name) != w.name {
			t.Errorf("image %s: Name %q, want %q", w.id, aws.ToString(img.Name), w.name)
		}
		assocs, err := c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{
			ImageId: aws.String(w.id), AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication},
		})
		if err != nil {
			t.Errorf("DescribeImageAssociations %s: %v", w.id, err)
			continue
		}
		if len(assocs.Associations) != 1 {
			t.Errorf("image %s has %d associations after the restart, want 1: %+v", w.id, len(assocs.Associations), assocs.Associations)
			continue
		}
		a := assocs.Associations[0]
		// The image was read before its association, so the step may fall
		// between the two reads (PENDING, then COMPLETED); never the reverse.
		done := img.State == types.WorkspaceImageStateAvailable && a.State == types.AssociationStateCompleted
		inFlight := img.State == types.WorkspaceImageStatePending &&
			(a.State == types.AssociationStateInstalling || a.State == types.AssociationStateCompleted)
		if a.State == types.AssociationStateCompleted {
			if got := aws.ToTime(a.LastUpdatedTime).Sub(aws.ToTime(a.Created)); got != step {
				t.Errorf("image %s: association COMPLETED %v after it was created, want exactly the import step %v", w.id, got, step)
			}
		}
		switch {
		case done:
		case inFlight && !wantDone:
			allDone = false
		default:
			t.Errorf("image %s is %s with its association %s, want AVAILABLE+COMPLETED (or, while the import runs, PENDING+INSTALLING)", w.id, img.State, a.State)
			allDone = false
		}
		if !aws.ToTime(a.Created).Equal(aws.ToTime(img.Created)) {
			t.Errorf("image %s: association Created %v != image Created %v", w.id, a.Created, img.Created)
		}
		tags, err := c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(w.id)})
		if err != nil {
			t.Errorf("DescribeTags %s: %v", w.id, err)
		} else if len(tags.TagList) != 1 || aws.ToString(tags.TagList[0].Value) != w.name {
			t.Errorf("image %s: tags %+v, want name=%s", w.id, tags.TagList, w.name)
		}
	}
	return allDone
}

// waitRestored polls checkRestored, the first time at once, until every
// image is done (bounded: the real clock needs about one import step).
func waitRestored(t *testing.T, ctx context.Context, c *workspaces.Client, want []imported, step time.Duration) {
	t.Helper()
	deadline := time.Now().Add(step + 5*time.Second)
	for !checkRestored(t, ctx, c, want, step, false) {
		if t.Failed() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the imports were not AVAILABLE+COMPLETED within %v of the restart", step+5*time.Second)
		}
		time.Sleep(100 * time.Millisecond)
	}
	checkRestored(t, ctx, c, want, step, true)
}

func TestDurableAcrossGracefulRestart(t *testing.T) {
	bin := proctest.Build(t)
	ctx := context.Background()
	store := "sqlite:" + filepath.Join(t.TempDir(), "state.db")
	args := []string{"--store", store, "--clock", "real", "--step", "1s"}

	p := proctest.Start(t, bin, args...)
	c := sdk(p, "000000000000", "us-east-1")
	var want []imported
	for i := range durableImages {
		name := fmt.Sprintf("graceful-%02d", i)
		id, err := importImage(ctx, c, name)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, imported{id, name})
	}
	// The real clock cannot be moved.
	resp, err := http.Post(p.URL+"/_wslocal/clock", "application/json", strings.NewReader(`{"advance":"2s"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("POST /_wslocal/clock on the real clock: %s, want 400", resp.Status)
	}

	p.Signal(syscall.SIGTERM)
	if code := p.Wait(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0\n%s", code, p.Stderr())
	}
	if !strings.Contains(p.Stderr(), "shutting down") {
		t.Errorf("no graceful-shutdown log line after SIGTERM:\n%s", p.Stderr())
	}

	p2 := proctest.Start(t, bin, args...)
	waitRestored(t, ctx, sdk(p2, "000000000000", "us-east-1"), want, time.Second)
}

func TestDurableAcrossSIGKILL(t *testing.T) {
	bin := proctest.Build(t)
	ctx := context.Background()
	store := "sqlite:" + filepath.Join(t.TempDir(), "state.db")
	args := []string{"--store", store, "--clock", "real", "--step", "1s"}

	p := proctest.Start(t, bin, args...)
	c := sdk(p, "000000000000", "us-east-1")
	// Concurrent writers, then SIGKILL the moment the last one is acknowledged.
	var (
		mu   sync.Mutex
		want []imported
		errs []error
		wg   sync.WaitGroup
	)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < durableImages; i += 4 {
				name := fmt.Sprintf("killed-%02d", i)
				id, err := importImage(ctx, c, name)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					want = append(want, imported{id, name})
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	p.Kill()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent imports failed (%d of %d acknowledged): %v", len(want), durableImages, err)
	}
	sort.Slice(want, func(i, j int) bool { return want[i].name < want[j].name })

	p2 := proctest.Start(t, bin, args...)
	waitRestored(t, ctx, sdk(p2, "000000000000", "us-east-1"), want, time.Second)
}

// TestRestartDuringImport: the import's due time is stored, not a timer of
// the process: a restart neither loses nor restarts it.
func TestRestartDuringImport(t *testing.T) {
	const step = 3 * time.Second
	bin := proctest.Build(t)
	for _, tc := range []struct {
		name string
		// down is how long no process runs: within the step, or past it.
		down time.Duration
	}{
		{"RestartAtOnce", 0},
		{"DownPastTheDueTime", step + 500*time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := "sqlite:" + filepath.Join(t.TempDir(), "state.db")
			args := []string{"--store", store, "--clock", "real", "--durations", "import=" + step.String()}

			p := proctest.Start(t, bin, args...)
			c := sdk(p, "000000000000", "us-east-1")
			id, err := importImage(ctx, c, "mid-import")
			if err != nil {
				t.Fatal(err)
			}
			imgs := listImages(t, ctx, c)
			if len(imgs) != 1 || imgs[0].State != types.WorkspaceImageStatePending {
				t.Fatalf("right after the import: %+v, want one PENDING image", imgs)
			}
			created := aws.ToTime(imgs[0].Created)
			p.Kill()
			time.Sleep(tc.down)

			p2 := proctest.Start(t, bin, args...)
			c2 := sdk(p2, "000000000000", "us-east-1")
			want := []imported{{id, "mid-import"}}
			// Read at once: still PENDING while the due time has not come,
			// already AVAILABLE (caught up on the first read) when it has.
			before := time.Now()
			done := checkRestored(t, ctx, c2, want, step, false)
			after := time.Now()
			due := created.Add(step)
			switch {
			case t.Failed():
				return
			case done && after.Before(due):
				t.Fatalf("AVAILABLE by %v, before the due time %v: the restart finished the import early", after, due)
			case !done && before.After(due.Add(50*time.Millisecond)):
				t.Fatalf("still PENDING at %v, past the due time %v: the restart lost or restarted the import's due time", before, due)
			}
			t.Logf("first read after the restart, %v after the import: done=%v", before.Sub(created).Round(time.Millisecond), done)
			waitRestored(t, ctx, c2, want, step)
			if finished := time.Since(created); finished > step+2*time.Second {
				t.Errorf("AVAILABLE only %v after the import, want about %v", finished, step)
			}
		})
	}
}
