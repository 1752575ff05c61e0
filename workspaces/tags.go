package workspaces

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

func storeTags(tags []api.Tag) []store.Tag {
	out := make([]store.Tag, 0, len(tags))
	for _, t := range tags {
		out = append(out, store.Tag{Key: *t.Key, Value: api.ToString(t.Value)})
	}
	return out
}

// checkNewTags refuses reserved keys, duplicate keys, the character U+0000
// and more than max tags.
func checkNewTags(tags []api.Tag, max int) error {
	seen := map[string]bool{}
	for _, t := range tags {
		// AWS's tag rules allow letters, digits, spaces and _ . : / = + - @;
		// wslocal refuses only U+0000, which no store keeps.
		if strings.ContainsRune(*t.Key, 0) || strings.ContainsRune(api.ToString(t.Value), 0) {
			return invalidParameter("The tag %q contains the character U+0000, which tag keys and values cannot contain.", *t.Key)
		}
		if strings.HasPrefix(strings.ToLower(*t.Key), "aws:") {
			return invalidParameter("The tag key %s is reserved: keys cannot start with aws:.", *t.Key)
		}
		if seen[*t.Key] {
			return invalidParameter("The tag key %s is given more than once.", *t.Key)
		}
		seen[*t.Key] = true
	}
	if len(tags) > max {
		return limitExceeded("A resource can have at most %d tags.", max)
	}
	return nil
}

// requireTaggable returns ResourceNotFoundException unless id names a
// resource of the caller that takes tags.
func requireTaggable(ctx context.Context, tx store.Tx, p store.Partition, id string) error {
	kind, ok := taggableKind(id)
	if ok {
		_, err := tx.GetResource(ctx, p, kind, id)
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return notFound(id, "The resource %s could not be found.", id)
}

// CreateTags adds or overwrites tags of a resource.
func (s *Service) CreateTags(ctx context.Context, in *api.CreateTagsRequest) (*api.CreateTagsResult, error) {
	if len(in.Tags) == 0 {
		return nil, invalidParameter("Tags must contain at least one tag.")
	}
	if err := checkNewTags(in.Tags, s.quotas.Tags); err != nil {
		return nil, err
	}
	p := partition(ctx)
	tags := storeTags(in.Tags)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		// One statement when the resource exists and has room; otherwise
		// the reads below say why not.
		if kind, ok := taggableKind(*in.ResourceId); ok {
			if added, err := tx.AddTags(ctx, p, kind, *in.ResourceId, tags, s.quotas.Tags); err != nil || added {
				return err
			}
		}
		if err := requireTaggable(ctx, tx, p, *in.ResourceId); err != nil {
			return err
		}
		have, err := tx.Tags(ctx, p, *in.ResourceId)
		if err != nil {
			return err
		}
		keys := map[string]bool{}
		for _, t := range have {
			keys[t.Key] = true
		}
		for _, t := range in.Tags {
			keys[*t.Key] = true
		}
		if len(keys) > s.quotas.Tags {
			return limitExceeded("A resource can have at most %d tags; %s would have %d.", s.quotas.Tags, *in.ResourceId, len(keys))
		}
		return tx.PutTags(ctx, p, *in.ResourceId, tags)
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateTagsResult{}, nil
}

// DescribeTags lists the tags of a resource, ordered by key.
func (s *Service) DescribeTags(ctx context.Context, in *api.DescribeTagsRequest) (*api.DescribeTagsResult, error) {
	p := partition(ctx)
	out := &api.DescribeTagsResult{TagList: []api.Tag{}}
	err := s.view(ctx, p, func(tx store.Tx, now time.Time) error {
		out.TagList = out.TagList[:0] // a view may run fn again
		if err := requireTaggable(ctx, tx, p, *in.ResourceId); err != nil {
			return err
		}
		tags, err := tx.Tags(ctx, p, *in.ResourceId)
		if err != nil {
			return err
		}
		for _, t := range tags {
			out.TagList = append(out.TagList, api.Tag{Key: api.String(t.Key), Value: api.String(t.Value)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteTags removes tags by key; keys the resource does not have are ignored.
func (s *Service) DeleteTags(ctx context.Context, in *api.DeleteTagsRequest) (*api.DeleteTagsResult, error) {
	if len(in.TagKeys) == 0 {
		return nil, invalidParameter("TagKeys must contain at least one key.")
	}
	p := partition(ctx)
	err := s.update(ctx, p, func(tx store.Tx, now time.Time) error {
		if err := requireTaggable(ctx, tx, p, *in.ResourceId); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, p, *in.ResourceId, in.TagKeys)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteTagsResult{}, nil
}
