package gosdk_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// importConcurrently runs n imports at once and returns the ids that
// succeeded and the errors of the others.
func importConcurrently(t *testing.T, c *workspaces.Client, n int, name func(i int) string) ([]string, []error) {
	t.Helper()
	var mu sync.Mutex
	var ids []string
	var errs []error
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := c.ImportWorkspaceImage(context.Background(), importInput(name(i), withOffice2019))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			ids = append(ids, aws.ToString(out.ImageId))
		}()
	}
	wg.Wait()
	return ids, errs
}

// Ten simultaneous imports of one name: exactly one wins, the others are
// ResourceAlreadyExistsException, and exactly one image exists.
func TestConcurrentImportsOfOneName(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ids, errs := importConcurrently(t, c, 10, func(int) string { return "same-name" })
	if len(ids) != 1 {
		t.Errorf("%d imports succeeded (%v), want exactly 1", len(ids), ids)
	}
	for _, err := range errs {
		var e *types.ResourceAlreadyExistsException
		if !errors.As(err, &e) {
			t.Errorf("losing import: %v, want ResourceAlreadyExistsException", err)
		}
	}
	if got := allImageIDs(t, c); len(got) != 1 {
		t.Errorf("images = %v, want exactly one", got)
	}
	aa, err := c.DescribeApplicationAssociations(context.Background(), &workspaces.DescribeApplicationAssociationsInput{
		ApplicationId:           aws.String(appIDs(t, c)[office2019]),
		AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(aa.Associations) != 1 {
		t.Errorf("%d associations, want exactly 1", len(aa.Associations))
	}
}

// Simultaneous imports never overrun the images quota.
func TestConcurrentImportsAgainstQuota(t *testing.T) {
	t.Parallel()
	srv := start(t, withMaxImages(3))
	c := client(srv)
	ids, errs := importConcurrently(t, c, 10, func(i int) string { return fmt.Sprintf("racer-%d", i) })
	if len(ids) != 3 {
		t.Errorf("%d imports succeeded, want exactly 3 (the quota)", len(ids))
	}
	for _, err := range errs {
		var e *types.ResourceLimitExceededException
		if !errors.As(err, &e) {
			t.Errorf("refused import: %v, want ResourceLimitExceededException", err)
		}
	}
	if got := allImageIDs(t, c); len(got) != 3 {
		t.Errorf("images = %v, want exactly 3", got)
	}
}

// Tags written concurrently to one image never exceed the quota.
func TestConcurrentTagsAgainstQuota(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	id := importImage(t, c, "tag-race", importOpts{tags: makeTags("base", 45)})
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CreateTags(context.Background(), &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{
				{Key: aws.String(fmt.Sprintf("extra-%d", i)), Value: aws.String("x")}}})
			var e *types.ResourceLimitExceededException
			if err != nil && !errors.As(err, &e) {
				t.Errorf("CreateTags: %v, want success or ResourceLimitExceededException", err)
			}
		}()
	}
	wg.Wait()
	if got := tagsOf(t, c, id); len(got) != 50 {
		t.Errorf("%d tags after the race, want exactly 50", len(got))
	}
}
