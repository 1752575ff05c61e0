package gosdk_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

// Two accounts and two regions never see each other's images, associations
// or tags; each partition has its own names and quota.
func TestAccountAndRegionIsolation(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	type partition struct {
		name   string
		acct   string
		region string
		c      *workspaces.Client
		image  string
	}
	parts := []*partition{
		{name: "A us-east-1", acct: "111111111111", region: "us-east-1"},
		{name: "B us-east-1", acct: "222222222222", region: "us-east-1"},
		{name: "A eu-west-1", acct: "111111111111", region: "eu-west-1"},
		{name: "B eu-west-1", acct: "222222222222", region: "eu-west-1"},
	}
	office := appIDs(t, client(srv))[office2019]
	for _, p := range parts {
		p.c = newClient(srv.AWSConfigFor(p.acct, p.region))
		// The catalogue is the same everywhere, ids included.
		if got := appIDs(t, p.c)[office2019]; got != office {
			t.Errorf("%s: Office 2019 id = %s, want %s as everywhere", p.name, got, office)
		}
		// Same name in every partition: names are unique per account and region only.
		p.image = importImage(t, p.c, "golden", importOpts{
			apps: []types.Application{types.ApplicationMicrosoftOffice2019},
			tags: []types.Tag{{Key: aws.String("partition"), Value: aws.String(p.name)}},
		})
	}

	check := func(phase string, state types.AssociationState) {
		t.Helper()
		for _, p := range parts {
			// Own image: visible, owned, associated, tagged.
			if ids := allImageIDs(t, p.c); !slices.Equal(ids, []string{p.image}) {
				t.Errorf("%s %s: DescribeWorkspaceImages = %v, want only %s", phase, p.name, ids, p.image)
			}
			img := describeImage(t, p.c, p.image)
			if got := aws.ToString(img.OwnerAccountId); got != p.acct {
				t.Errorf("%s %s: OwnerAccountId = %s, want %s", phase, p.name, got, p.acct)
			}
			as := imageAssociations(t, p.c, p.image)
			if len(as) != 1 || as[0].State != state || aws.ToString(as[0].ImageId) != p.image {
				t.Errorf("%s %s: associations = %+v, want one %s for %s", phase, p.name, as, state, p.image)
			}
			if tags := tagsOf(t, p.c, p.image); tags["partition"] != p.name || len(tags) != 1 {
				t.Errorf("%s %s: tags = %v, want partition=%s only", phase, p.name, tags, p.name)
			}
			aa, err := p.c.DescribeApplicationAssociations(ctx, &workspaces.DescribeApplicationAssociationsInput{
				ApplicationId:           aws.String(office),
				AssociatedResourceTypes: []types.ApplicationAssociatedResourceType{types.ApplicationAssociatedResourceTypeImage},
			})
			if err != nil {
				t.Fatalf("%s %s: DescribeApplicationAssociations: %v", phase, p.name, err)
			}
			if len(aa.Associations) != 1 || aws.ToString(aa.Associations[0].AssociatedResourceId) != p.image {
				t.Errorf("%s %s: DescribeApplicationAssociations = %+v, want only %s", phase, p.name, aa.Associations, p.image)
			}

			// Other partitions' images: not found by id, by any operation.
			for _, o := range parts {
				if o == p {
					continue
				}
				out, err := p.c.DescribeWorkspaceImages(ctx, &workspaces.DescribeWorkspaceImagesInput{ImageIds: []string{o.image}})
				if err != nil {
					t.Fatalf("%s %s: DescribeWorkspaceImages(%s): %v", phase, p.name, o.name, err)
				}
				if len(out.Images) != 0 {
					t.Errorf("%s %s sees %s's image %s", phase, p.name, o.name, o.image)
				}
				_, err = p.c.DescribeImageAssociations(ctx, &workspaces.DescribeImageAssociationsInput{ImageId: aws.String(o.image),
					AssociatedResourceTypes: []types.ImageAssociatedResourceType{types.ImageAssociatedResourceTypeApplication}})
				notFound(t, err, o.image)
				_, err = p.c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(o.image)})
				notFound(t, err, o.image)
			}
		}
	}
	check("pending", types.AssociationStateInstalling)

	// Writes across partitions fail or do nothing.
	a, b, aEU := parts[0], parts[1], parts[2]
	_, err := b.c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String(a.image), Tags: []types.Tag{{Key: aws.String("x"), Value: aws.String("y")}}})
	notFound(t, err, a.image)
	_, err = aEU.c.DeleteTags(ctx, &workspaces.DeleteTagsInput{ResourceId: aws.String(a.image), TagKeys: []string{"partition"}})
	notFound(t, err, a.image)

	// One Advance moves every partition.
	srv.Advance(importStep)
	check("available", types.AssociationStateCompleted)

	// Deleting another partition's image id succeeds as a no-op (the caller
	// has no such image) and leaves the owner's image in place.
	for _, p := range []*partition{b, aEU} {
		if _, err := p.c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(a.image)}); err != nil {
			t.Errorf("%s: DeleteWorkspaceImage(%s's image): %v, want the idempotent success", p.name, a.name, err)
		}
	}
	check("after foreign deletes", types.AssociationStateCompleted)

	// A's delete removes only A's image in us-east-1.
	if _, err := a.c.DeleteWorkspaceImage(ctx, &workspaces.DeleteWorkspaceImageInput{ImageId: aws.String(a.image)}); err != nil {
		t.Fatal(err)
	}
	if ids := allImageIDs(t, a.c); len(ids) != 0 {
		t.Errorf("A us-east-1 after delete: %v, want none", ids)
	}
	for _, p := range parts[1:] {
		if ids := allImageIDs(t, p.c); !slices.Equal(ids, []string{p.image}) {
			t.Errorf("%s after A's delete: %v, want %s", p.name, ids, p.image)
		}
	}
}
