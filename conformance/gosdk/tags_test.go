package gosdk_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

func makeTags(prefix string, n int) []types.Tag {
	tags := make([]types.Tag, n)
	for i := range tags {
		tags[i] = types.Tag{Key: aws.String(fmt.Sprintf("%s%02d", prefix, i)), Value: aws.String(fmt.Sprint(i))}
	}
	return tags
}

// CreateTags adds and overwrites, DescribeTags lists by key, DeleteTags
// removes by key and ignores keys the image does not have.
func TestTagsOnImage(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	id := importImage(t, c, "tagged", importOpts{tags: []types.Tag{{Key: aws.String("origin"), Value: aws.String("import")}}})

	_, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{
		{Key: aws.String("zeta"), Value: aws.String("last")},
		{Key: aws.String("alpha"), Value: aws.String("first")},
		{Key: aws.String("empty"), Value: aws.String("")},
	}})
	if err != nil {
		t.Fatalf("CreateTags: %v", err)
	}
	out, err := c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeTags: %v", err)
	}
	var keys []string
	for _, tag := range out.TagList {
		keys = append(keys, aws.ToString(tag.Key))
	}
	if strings.Join(keys, ",") != "alpha,empty,origin,zeta" {
		t.Errorf("DescribeTags keys = %v, want [alpha empty origin zeta] (ordered by key)", keys)
	}
	want := map[string]string{"alpha": "first", "empty": "", "origin": "import", "zeta": "last"}
	if got := tagsOf(t, c, id); !maps.Equal(got, want) {
		t.Errorf("tags = %v, want %v", got, want)
	}

	// Overwrite one value; the others stay.
	if _, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id),
		Tags: []types.Tag{{Key: aws.String("alpha"), Value: aws.String("changed")}}}); err != nil {
		t.Fatalf("CreateTags overwrite: %v", err)
	}
	want["alpha"] = "changed"
	if got := tagsOf(t, c, id); !maps.Equal(got, want) {
		t.Errorf("after overwrite: tags = %v, want %v", got, want)
	}

	// Delete two keys, one of them absent.
	if _, err := c.DeleteTags(ctx, &workspaces.DeleteTagsInput{ResourceId: aws.String(id), TagKeys: []string{"zeta", "never-there"}}); err != nil {
		t.Fatalf("DeleteTags: %v", err)
	}
	delete(want, "zeta")
	if got := tagsOf(t, c, id); !maps.Equal(got, want) {
		t.Errorf("after DeleteTags: tags = %v, want %v", got, want)
	}

	// Tags do not move the lifecycle nor survive it changing.
	srv.Advance(importStep)
	if got := tagsOf(t, c, id); !maps.Equal(got, want) {
		t.Errorf("after the import: tags = %v, want %v", got, want)
	}
}

// 50 tags is the quota of one resource: the 51st is ResourceLimitExceededException,
// whether in one call, added later or given at import.
func TestTagsQuota(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	id := importImage(t, c, "quota", importOpts{})

	_, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: makeTags("k", 51)})
	apiError(t, err, "ResourceLimitExceededException")
	asType[*types.ResourceLimitExceededException](t, err)
	if got := tagsOf(t, c, id); len(got) != 0 {
		t.Errorf("after the refused CreateTags: %d tags, want 0 (all or nothing)", len(got))
	}

	if _, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: makeTags("k", 50)}); err != nil {
		t.Fatalf("CreateTags with 50 tags: %v", err)
	}
	_, err = c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{{Key: aws.String("one-more"), Value: aws.String("x")}}})
	apiError(t, err, "ResourceLimitExceededException")
	// Overwriting an existing key at the quota is fine.
	if _, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{{Key: aws.String("k07"), Value: aws.String("new")}}}); err != nil {
		t.Errorf("overwriting a tag at the quota: %v", err)
	}
	got := tagsOf(t, c, id)
	if len(got) != 50 || got["k07"] != "new" {
		t.Errorf("%d tags, k07=%q; want 50 and k07=new", len(got), got["k07"])
	}

	_, err = c.ImportWorkspaceImage(ctx, importInput("too-many-tags", importOpts{tags: makeTags("k", 51)}))
	apiError(t, err, "ResourceLimitExceededException")
	asType[*types.ResourceLimitExceededException](t, err)
	if ids := allImageIDs(t, c); len(ids) != 1 {
		t.Errorf("the refused import left images: %v", ids)
	}
	importImage(t, c, "fifty-tags", importOpts{tags: makeTags("k", 50)})
}

// Keys starting with aws: (any case) are reserved; a key given twice in one
// call makes no sense: both are InvalidParameterValuesException.
func TestTagsInvalid(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	id := importImage(t, c, "invalid-tags", importOpts{})

	for _, tags := range [][]types.Tag{
		{{Key: aws.String("aws:owner"), Value: aws.String("me")}},
		{{Key: aws.String("AWS:Owner"), Value: aws.String("me")}},
		{{Key: aws.String("ok"), Value: aws.String("1")}, {Key: aws.String("aws:x"), Value: aws.String("2")}},
		{{Key: aws.String("dup"), Value: aws.String("1")}, {Key: aws.String("dup"), Value: aws.String("2")}},
	} {
		_, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: tags})
		apiError(t, err, "InvalidParameterValuesException")
		asType[*types.InvalidParameterValuesException](t, err)

		_, err = c.ImportWorkspaceImage(ctx, importInput("bad-tags", importOpts{tags: tags}))
		apiError(t, err, "InvalidParameterValuesException")
		asType[*types.InvalidParameterValuesException](t, err)
	}
	if got := tagsOf(t, c, id); len(got) != 0 {
		t.Errorf("refused CreateTags left tags: %v", got)
	}

	// A key that merely contains aws: is fine, as is wslocal's own prefix.
	if _, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{
		{Key: aws.String("my-aws:key"), Value: aws.String("1")}}}); err != nil {
		t.Errorf("CreateTags my-aws:key: %v", err)
	}

	// Empty lists: the SDK sends them ([] is not nil), the server refuses.
	_, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{}})
	apiError(t, err, "InvalidParameterValuesException")
	_, err = c.DeleteTags(ctx, &workspaces.DeleteTagsInput{ResourceId: aws.String(id), TagKeys: []string{}})
	apiError(t, err, "InvalidParameterValuesException")

	// Model constraints are ValidationException.
	long := strings.Repeat("k", 128)
	_, err = c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{
		{Key: aws.String("fine"), Value: aws.String("1")}, {Key: aws.String(long), Value: aws.String("2")}}})
	validation(t, err, "1 validation error detected: Value '"+long+"' at 'tags.2.member.key' failed to satisfy constraint: "+
		"Member must have length less than or equal to 127")
	longValue := strings.Repeat("v", 256)
	_, err = c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{
		{Key: aws.String("fine"), Value: aws.String(longValue)}}})
	validation(t, err, "1 validation error detected: Value '"+longValue+"' at 'tags.1.member.value' failed to satisfy constraint: "+
		"Member must have length less than or equal to 255")
}

// Tags of a resource that does not exist: ResourceNotFoundException with its id.
func TestTagsUnknownResource(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := client(srv)
	ctx := context.Background()
	for _, id := range []string{"wsi-000000000", "ws-abcdefghi", "wsb-abcdefghi", "d-1234567890", "not-an-id"} {
		_, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(id), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		notFound(t, err, id)
		_, err = c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id)})
		notFound(t, err, id)
		_, err = c.DeleteTags(ctx, &workspaces.DeleteTagsInput{ResourceId: aws.String(id), TagKeys: []string{"k"}})
		notFound(t, err, id)
	}
}
