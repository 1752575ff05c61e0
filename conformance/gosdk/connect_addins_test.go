package gosdk_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"
)

var addInIDPattern = regexp.MustCompile(`^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$`)

const connectURL = "https://example.my.connect.aws/ccp-v2"

func addIns(t *testing.T, c *workspaces.Client, dir string) []types.ConnectClientAddIn {
	t.Helper()
	out, err := c.DescribeConnectClientAddIns(context.Background(), &workspaces.DescribeConnectClientAddInsInput{ResourceId: aws.String(dir)})
	if err != nil {
		t.Fatalf("DescribeConnectClientAddIns(%s): %v", dir, err)
	}
	if out.NextToken != nil {
		t.Errorf("DescribeConnectClientAddIns(%s) NextToken = %q, want none", dir, aws.ToString(out.NextToken))
	}
	return out.AddIns
}

func TestConnectClientAddInLifecycle(t *testing.T) {
	t.Parallel()
	c, _ := registeredDirectory(t)
	ctx := context.Background()
	if got := addIns(t, c, propsDir); len(got) != 0 {
		t.Fatalf("a new directory has add-ins: %+v", got)
	}
	out, err := c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		Name: aws.String("Contact center"), URL: aws.String(connectURL)})
	if err != nil {
		t.Fatalf("CreateConnectClientAddIn: %v", err)
	}
	id := aws.ToString(out.AddInId)
	if !addInIDPattern.MatchString(id) {
		t.Fatalf("AddInId = %q, want a lowercase UUID", id)
	}
	got := addIns(t, c, propsDir)
	if len(got) != 1 || aws.ToString(got[0].AddInId) != id || aws.ToString(got[0].ResourceId) != propsDir ||
		aws.ToString(got[0].Name) != "Contact center" || aws.ToString(got[0].URL) != connectURL {
		t.Fatalf("DescribeConnectClientAddIns = %+v", got)
	}

	// Only one add-in per directory.
	_, err = c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		Name: aws.String("Second"), URL: aws.String(connectURL)})
	ae := apiError(t, err, "ResourceAlreadyExistsException")
	asType[*types.ResourceAlreadyExistsException](t, err)
	if want := "The directory " + propsDir + " already has an Amazon Connect client add-in (" + id + "); a directory can have only one."; ae.ErrorMessage() != want {
		t.Errorf("message %q, want %q", ae.ErrorMessage(), want)
	}

	// Update sets what it is given and keeps the rest.
	if _, err := c.UpdateConnectClientAddIn(ctx, &workspaces.UpdateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		AddInId: aws.String(id), Name: aws.String("Support desk")}); err != nil {
		t.Fatalf("UpdateConnectClientAddIn name: %v", err)
	}
	if _, err := c.UpdateConnectClientAddIn(ctx, &workspaces.UpdateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		AddInId: aws.String(id), URL: aws.String("https://other.my.connect.aws/ccp-v2")}); err != nil {
		t.Fatalf("UpdateConnectClientAddIn URL: %v", err)
	}
	got = addIns(t, c, propsDir)
	if len(got) != 1 || aws.ToString(got[0].Name) != "Support desk" || aws.ToString(got[0].URL) != "https://other.my.connect.aws/ccp-v2" {
		t.Errorf("after the updates: %+v", got)
	}

	// An add-in that is not the directory's.
	const missing = "00000000-0000-4000-8000-000000000000"
	_, err = c.UpdateConnectClientAddIn(ctx, &workspaces.UpdateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		AddInId: aws.String(missing), Name: aws.String("x")})
	notFound(t, err, missing)
	if ae := apiError(t, err, "ResourceNotFoundException"); ae.ErrorMessage() != "The client add-in "+missing+" could not be found in directory "+propsDir+"." {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	_, err = c.DeleteConnectClientAddIn(ctx, &workspaces.DeleteConnectClientAddInInput{ResourceId: aws.String(propsDir), AddInId: aws.String(missing)})
	notFound(t, err, missing)

	// Delete, then another may be created.
	if _, err := c.DeleteConnectClientAddIn(ctx, &workspaces.DeleteConnectClientAddInInput{ResourceId: aws.String(propsDir), AddInId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteConnectClientAddIn: %v", err)
	}
	if got := addIns(t, c, propsDir); len(got) != 0 {
		t.Errorf("after delete: %+v", got)
	}
	_, err = c.DeleteConnectClientAddIn(ctx, &workspaces.DeleteConnectClientAddInInput{ResourceId: aws.String(propsDir), AddInId: aws.String(id)})
	notFound(t, err, id)
	out2, err := c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		Name: aws.String("Again"), URL: aws.String(connectURL)})
	if err != nil || aws.ToString(out2.AddInId) == id {
		t.Errorf("CreateConnectClientAddIn after delete = %+v, %v; want a new id", out2, err)
	}
}

func TestConnectClientAddInErrors(t *testing.T) {
	t.Parallel()
	c, advance := registeredDirectory(t)
	ctx := context.Background()
	const other = "d-9999999999"
	_, err := c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(other),
		Name: aws.String("x"), URL: aws.String(connectURL)})
	notFound(t, err, other)
	_, err = c.DescribeConnectClientAddIns(ctx, &workspaces.DescribeConnectClientAddInsInput{ResourceId: aws.String(other)})
	notFound(t, err, other)
	_, err = c.UpdateConnectClientAddIn(ctx, &workspaces.UpdateConnectClientAddInInput{ResourceId: aws.String(other),
		AddInId: aws.String("00000000-0000-4000-8000-000000000000")})
	notFound(t, err, other)

	// The model: URL ^(http|https)://\S+, AddInId a UUID, MaxResults 1..25.
	_, err = c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		Name: aws.String("x"), URL: aws.String("ftp://example.com")})
	apiError(t, err, "ValidationException")
	_, err = c.DeleteConnectClientAddIn(ctx, &workspaces.DeleteConnectClientAddInInput{ResourceId: aws.String(propsDir), AddInId: aws.String("not-a-uuid")})
	apiError(t, err, "ValidationException")
	_, err = c.DescribeConnectClientAddIns(ctx, &workspaces.DescribeConnectClientAddInsInput{ResourceId: aws.String(propsDir), MaxResults: aws.Int32(26)})
	apiError(t, err, "ValidationException")

	// Paging: one add-in on a page of one, then a forged token.
	out, err := c.CreateConnectClientAddIn(ctx, &workspaces.CreateConnectClientAddInInput{ResourceId: aws.String(propsDir),
		Name: aws.String("x"), URL: aws.String(connectURL)})
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.DescribeConnectClientAddIns(ctx, &workspaces.DescribeConnectClientAddInsInput{ResourceId: aws.String(propsDir), MaxResults: aws.Int32(1)})
	if err != nil || len(page.AddIns) != 1 || aws.ToString(page.AddIns[0].AddInId) != aws.ToString(out.AddInId) || page.NextToken != nil {
		t.Errorf("a page of 1 = %+v, %v", page, err)
	}
	_, err = c.DescribeConnectClientAddIns(ctx, &workspaces.DescribeConnectClientAddInsInput{ResourceId: aws.String(propsDir), NextToken: aws.String("forged")})
	invalidValues(t, err, `The NextToken "forged" is not valid for DescribeConnectClientAddIns.`)

	// The add-in goes with its directory.
	if _, err := c.DeregisterWorkspaceDirectory(ctx, &workspaces.DeregisterWorkspaceDirectoryInput{DirectoryId: aws.String(propsDir)}); err != nil {
		t.Fatal(err)
	}
	advance(time.Minute)
	registerDirectory(t, c, propsDir)
	advance(time.Minute)
	if got := addIns(t, c, propsDir); len(got) != 0 {
		t.Errorf("the directory registered again has add-ins: %+v", got)
	}
}
