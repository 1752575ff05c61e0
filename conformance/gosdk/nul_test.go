package gosdk_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
	"github.com/aws/smithy-go"

	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/wslocaltest"
)

// nulStores are the stores the U+0000 test compares: each answers every
// call the same way.
func nulStores(t *testing.T) map[string]string {
	pg := os.Getenv("WSLOCAL_TEST_POSTGRES")
	if pg == "" {
		pg = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	t.Cleanup(func() {
		if err := postgres.DropSchema(context.Background(), pg, schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return map[string]string{
		"memory":   "memory",
		"sqlite":   "sqlite:" + filepath.Join(t.TempDir(), "state.db"),
		"postgres": pg + "&search_path=" + schema,
	}
}

// answer is what a call answered: "ok" and its output, or the error's code
// and message.
func answer(out any, err error) string {
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode() + ": " + ae.ErrorMessage()
		}
		return "not an API error: " + err.Error()
	}
	b, _ := json.Marshal(out)
	return "ok " + string(b)
}

// U+0000 in a tag key or value, or in an id or page token a call looks
// up, gets the same answer from every store: the tags are refused with
// InvalidParameterValuesException (AWS's tag rules allow letters, digits,
// spaces and _ . : / = + - @), ids with it name no resource, forged page
// tokens are not valid, and text kept in a resource's document (an IP
// group's description) comes back exactly as sent.
func TestNULGetsTheSameAnswerOnEveryStore(t *testing.T) {
	const nul = "\x00"
	tagErr := func(key string) string {
		return fmt.Sprintf("InvalidParameterValuesException: The tag %q contains the character U+0000, which tag keys and values cannot contain.", key)
	}
	// Each case is a call and the answer every store must give.
	type result struct{ name, got, want string }
	run := func(t *testing.T, spec string) []result {
		srv := wslocaltest.Start(t, wslocaltest.WithStore(spec))
		c := client(srv)
		ctx := context.Background()
		var res []result
		call := func(name, want string, out any, err error) {
			res = append(res, result{name, answer(out, err), want})
		}
		g, err := c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("g1"), GroupDesc: aws.String("desc" + nul + "ription"),
			Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		if err != nil {
			t.Fatalf("CreateIpGroup: %v", err)
		}
		id := *g.GroupId
		if _, err := c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("g2")}); err != nil {
			t.Fatalf("CreateIpGroup: %v", err)
		}

		out, err := c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: &id, Tags: []types.Tag{{Key: aws.String("a" + nul + "b"), Value: aws.String("v")}}})
		call("CreateTags key", tagErr("a"+nul+"b"), out, err)
		out, err = c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: &id, Tags: []types.Tag{{Key: aws.String("k2"), Value: aws.String("v" + nul)}}})
		call("CreateTags value", tagErr("k2"), out, err)
		cg, err := c.CreateIpGroup(ctx, &workspaces.CreateIpGroupInput{GroupName: aws.String("g3"), Tags: []types.Tag{{Key: aws.String(nul), Value: aws.String("v")}}})
		call("CreateIpGroup tag", tagErr(nul), cg, err)
		out, err = c.CreateTags(ctx, &workspaces.CreateTagsInput{ResourceId: aws.String("wsipg-" + nul), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		call("CreateTags on an id with U+0000", "ResourceNotFoundException: The resource wsipg-\x00 could not be found.", out, err)
		dt, err := c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: aws.String(id + nul)})
		call("DescribeTags of an id with U+0000", "ResourceNotFoundException: The resource "+id+"\x00 could not be found.", dt, err)
		del, err := c.DeleteTags(ctx, &workspaces.DeleteTagsInput{ResourceId: &id, TagKeys: []string{"k" + nul}})
		call("DeleteTags of a key with U+0000", `ok {"ResultMetadata":{}}`, del, err)
		dt, err = c.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: &id})
		call("DescribeTags after them", `ok {"TagList":[{"Key":"k","Value":"v"}],"ResultMetadata":{}}`, dt, err)

		groups, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{GroupIds: []string{id}})
		if err != nil || len(groups.Result) != 1 || aws.ToString(groups.Result[0].GroupDesc) != "desc"+nul+"ription" {
			t.Errorf("the description kept in the document: %v, %v; want it byte for byte", groups, err)
		}
		page, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{MaxResults: aws.Int32(1)})
		if err != nil || page.NextToken == nil {
			t.Fatalf("DescribeIpGroups page: %v, %v", page, err)
		}
		forged := forgeToken(t, *page.NextToken, nul)
		dg, err := c.DescribeIpGroups(ctx, &workspaces.DescribeIpGroupsInput{MaxResults: aws.Int32(1), NextToken: &forged})
		call("DescribeIpGroups with a token holding U+0000", fmt.Sprintf("InvalidParameterValuesException: The NextToken %q is not valid for DescribeIpGroups.", forged), dg, err)
		return res
	}

	// Every answer is spelled out, so every store answers alike.
	stores := nulStores(t)
	for _, name := range []string{"memory", "sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			for _, r := range run(t, stores[name]) {
				if r.got != r.want {
					t.Errorf("%s: %q\n want %q", r.name, r.got, r.want)
				}
			}
		})
	}
}

// forgeToken puts s into every key of a page token.
func forgeToken(t *testing.T, token, s string) string {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatalf("token %q: %v", token, err)
	}
	var tok map[string]any
	if err := json.Unmarshal(b, &tok); err != nil {
		t.Fatalf("token %q: %v", token, err)
	}
	keys, _ := tok["k"].([]any)
	for i := range keys {
		keys[i] = fmt.Sprint(keys[i]) + s
	}
	b, _ = json.Marshal(tok)
	return base64.RawURLEncoding.EncodeToString(b)
}
