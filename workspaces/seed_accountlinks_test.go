package workspaces_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	ws "github.com/wslocal/wslocal/workspaces"
)

// The example seed's account link is seen by its source and its target,
// in its region, and by nobody else.
func TestSeedAccountLinks(t *testing.T) {
	srv, seed := startWithExampleSeed(t)
	ctx := context.Background()
	for _, c := range []struct {
		account, region string
		want            int
	}{{"111111111111", "eu-west-1", 1}, {"222222222222", "eu-west-1", 1}, {"222222222222", "us-east-1", 0}, {"000000000000", "eu-west-1", 0}} {
		out, err := workspaces.NewFromConfig(srv.AWSConfigFor(c.account, c.region)).ListAccountLinks(ctx, &workspaces.ListAccountLinksInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.AccountLinks) != c.want {
			t.Fatalf("%s in %s lists %+v, want %d links", c.account, c.region, out.AccountLinks, c.want)
		}
		if c.want == 1 {
			l := out.AccountLinks[0]
			if aws.ToString(l.AccountLinkId) != "link-byol00001" || l.AccountLinkStatus != types.AccountLinkStatusEnumLinked ||
				aws.ToString(l.SourceAccountId) != "111111111111" || aws.ToString(l.TargetAccountId) != "222222222222" {
				t.Errorf("%s sees %+v", c.account, l)
			}
		}
	}
	// Applying the seed again replaces the link, and its share, in place.
	if err := srv.Service.ApplySeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	out, err := workspaces.NewFromConfig(srv.AWSConfigFor("222222222222", "eu-west-1")).ListAccountLinks(ctx, &workspaces.ListAccountLinksInput{})
	if err != nil || len(out.AccountLinks) != 1 {
		t.Errorf("after a second apply the target lists %+v, %v", out, err)
	}
}

func TestSeedAccountLinkErrors(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`
accounts:
  - account: "111111111111"
    accountLinks:
      - target: "111111111111"
`, `accounts[0].accountLinks[0].target: 111111111111 is the account itself`},
		{`
accounts:
  - accountLinks:
      - target: "12345"
`, `accounts[0].accountLinks[0].target: "12345" breaks the model's constraint`},
		{`
accounts:
  - accountLinks:
      - target: "222222222222"
        status: ACCEPTED
`, `accounts[0].accountLinks[0].status: "ACCEPTED" is not one of LINKED, LINKING_FAILED, LINK_NOT_FOUND, PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT, REJECTED`},
		{`
accounts:
  - accountLinks:
      - id: link-1
        target: "222222222222"
`, `accounts[0].accountLinks[0].id: "link-1" breaks the model's constraint`},
		{`
accounts:
  - accountLinks:
      - id: link-00000001
        target: "222222222222"
      - id: link-00000001
        target: "333333333333"
`, `accounts[0].accountLinks[1].id: the account link link-00000001 is declared twice`},
	} {
		_, err := ws.ParseSeed("seed.yaml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSeed(%s) = %v, want an error with %q", c.doc, err, c.want)
		}
	}
}
