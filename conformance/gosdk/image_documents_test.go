package gosdk_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	"github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/wslocaltest"
)

// Image documents as the store kept them before migration 0005: lowercase
// fields of wslocal's own.
const (
	oldPendingImage = `{"name":"old-pending","description":"imported before","osName":"WINDOWS_10","requiredTenancy":"DEDICATED",` +
		`"ownerAccount":"000000000000","ec2ImageId":"ami-0123456789abcdef0","ingestionProcess":"BYOL_REGULAR",` +
		`"applications":["Microsoft_Office_2019"],"origin":"ImportWorkspaceImage"}`
	oldErrorImage = `{"name":"old-error","description":"","osName":"AMAZON_LINUX_2","requiredTenancy":"DEFAULT",` +
		`"errorCode":"InternalServerError","errorMessage":"the build failed","ownerAccount":"000000000000",` +
		`"origin":"CreateWorkspaceImage"}`
	// U+0000 in a description: PostgreSQL's jsonb cannot parse it, so its
	// migration leaves the row as it is, and wslocal reads the old form.
	oldNULImage = `{"name":"old-nul","description":"with\u0000nul","osName":"WINDOWS_10","requiredTenancy":"DEDICATED",` +
		`"ownerAccount":"000000000000","origin":"ImportWorkspaceImage"}`
	oldCustomImage = `{"name":"old-custom","description":"through Image Builder","osName":"WINDOWS_11","requiredTenancy":"DEDICATED",` +
		`"ownerAccount":"000000000000","origin":"ImportCustomWorkspaceImage","customImport":{"state":"GENERALIZING",` +
		`"source":{"Ec2ImageId":"ami-0123456789abcdef1"},"infrastructureConfigurationArn":` +
		`"arn:aws:imagebuilder:us-east-1:000000000000:infrastructure-configuration/old","computeType":"BASE",` +
		`"protocol":"DCV","platform":"WINDOWS","osVersion":"Windows_11","imageBuilderInstanceId":"i-0123456789abcdef0",` +
		`"updated":"2026-01-01T00:00:00Z"}}`
)

// TestOldImageDocumentsMigrate: a database whose image documents are of
// the form before migration 0005 (written through the store, then the
// migration forgotten, so the next start runs it on them) reads and steps
// as it did, and its image documents are of the current form.
func TestOldImageDocumentsMigrate(t *testing.T) {
	everyStore(t, func(t *testing.T, spec string) {
		if spec == "memory" {
			t.Skip("the memory store has no migrations")
		}
		ctx := context.Background()
		due := clockStart.Add(time.Hour)
		first, err := wslocaltest.New(wslocaltest.WithStore(spec))
		if err != nil {
			t.Fatal(err)
		}
		office := appIDs(t, workspaces.NewFromConfig(first.AWSConfig()))[office2019]
		p := store.Partition{Account: defaultAccount, Region: "us-east-1"}
		err = first.Store.Write(ctx, func(tx store.Tx) error {
			for _, r := range []*store.Resource{
				{Partition: p, Kind: "image", ID: "wsi-oldpend01", State: "PENDING", Created: clockStart, DueAt: due, Doc: []byte(oldPendingImage)},
				{Partition: p, Kind: "image", ID: "wsi-olderr001", State: "ERROR", Created: clockStart, Doc: []byte(oldErrorImage)},
				{Partition: p, Kind: "image", ID: "wsi-oldcust01", State: "PENDING", Created: clockStart, DueAt: due, Doc: []byte(oldCustomImage)},
				{Partition: p, Kind: "image", ID: "wsi-oldnul001", State: "PENDING", Created: clockStart, DueAt: due, Doc: []byte(oldNULImage)},
			} {
				if err := tx.PutResource(ctx, r); err != nil {
					return err
				}
			}
			return tx.PutAssociation(ctx, &store.Association{Partition: p, ResourceType: "IMAGE", ResourceID: "wsi-oldpend01",
				ApplicationID: office, State: "INSTALLING", Created: clockStart, Updated: clockStart})
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		forgetMigration(t, spec, "0005_image_documents.sql")

		srv := wslocaltest.Start(t, wslocaltest.WithStore(spec))
		c := workspaces.NewFromConfig(srv.AWSConfig())
		checkForm := func(when string, skip string) {
			t.Helper()
			docs := map[string]string{}
			err := srv.Store.Read(ctx, func(tx store.Tx) error {
				rs, err := tx.ListResources(ctx, p, "image", "", 0)
				for _, r := range rs {
					docs[r.ID] = string(r.Doc)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != 4 {
				t.Fatalf("%s: %d images, want 4", when, len(docs))
			}
			for id, doc := range docs {
				if id == skip {
					continue
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(doc), &m); err != nil || m["osName"] != nil || m["ImageId"] != id ||
					m["OwnerAccountId"] != defaultAccount || m["wslocalOrigin"] == nil || m["wslocalOperatingSystemName"] == nil {
					t.Errorf("%s: image %s is %s, want the current form", when, id, doc)
				}
				if id == "wsi-oldcust01" && m["wslocalCustomImport"] == nil || id == "wsi-oldpend01" && m["wslocalApplications"] == nil {
					t.Errorf("%s: image %s lost its extras: %s", when, id, doc)
				}
				if id == "wsi-oldpend01" && m["ErrorCode"] != nil || id == "wsi-olderr001" && m["ErrorCode"] != "InternalServerError" {
					t.Errorf("%s: image %s is %s, want its error code as it was", when, id, doc)
				}
			}
		}
		// PostgreSQL leaves the row with U+0000 for wslocal to read.
		checkForm("after the migration", "wsi-oldnul001")

		pend := describeImage(t, c, "wsi-oldpend01")
		if pend.State != types.WorkspaceImageStatePending || aws.ToString(pend.Name) != "old-pending" ||
			aws.ToString(pend.Description) != "imported before" || pend.RequiredTenancy != types.WorkspaceImageRequiredTenancyDedicated ||
			pend.OperatingSystem == nil || pend.OperatingSystem.Type != types.OperatingSystemTypeWindows ||
			aws.ToString(pend.OwnerAccountId) != defaultAccount || pend.ErrorCode != nil {
			t.Errorf("old PENDING image = %+v", pend)
		}
		failed := describeImage(t, c, "wsi-olderr001")
		if failed.State != types.WorkspaceImageStateError || aws.ToString(failed.ErrorCode) != "InternalServerError" ||
			aws.ToString(failed.ErrorMessage) != "the build failed" || failed.OperatingSystem.Type != types.OperatingSystemTypeLinux ||
			failed.RequiredTenancy != types.WorkspaceImageRequiredTenancyDefault {
			t.Errorf("old ERROR image = %+v", failed)
		}
		ci, err := c.DescribeCustomWorkspaceImageImport(ctx, &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String("wsi-oldcust01")})
		if err != nil || ci.State != types.CustomWorkspaceImageImportStateGeneralizing || aws.ToString(ci.ImageBuilderInstanceId) != "i-0123456789abcdef0" {
			t.Fatalf("DescribeCustomWorkspaceImageImport of the old import = %+v, %v", ci, err)
		}

		nul := describeImage(t, c, "wsi-oldnul001")
		if nul.State != types.WorkspaceImageStatePending || aws.ToString(nul.Description) != "with\x00nul" || aws.ToString(nul.OwnerAccountId) != defaultAccount {
			t.Errorf("old image with U+0000 = %+v", nul)
		}

		srv.Advance(time.Hour)
		if img := describeImage(t, c, "wsi-oldnul001"); img.State != types.WorkspaceImageStateAvailable || aws.ToString(img.Description) != "with\x00nul" {
			t.Errorf("old image with U+0000 after its step = %+v, want AVAILABLE", img)
		}
		// A step writes the document in the current form, the one the
		// migration could not rewrite included.
		checkForm("after the step", "")
		if img := describeImage(t, c, "wsi-oldpend01"); img.State != types.WorkspaceImageStateAvailable {
			t.Errorf("old PENDING image after its step = %s, want AVAILABLE", img.State)
		}
		if as := imageAssociations(t, c, "wsi-oldpend01"); len(as) != 1 || as[0].State != types.AssociationStateCompleted {
			t.Errorf("old image's application after its step = %+v, want COMPLETED", as)
		}
		ci, err = c.DescribeCustomWorkspaceImageImport(ctx, &workspaces.DescribeCustomWorkspaceImageImportInput{ImageId: aws.String("wsi-oldcust01")})
		if err != nil || ci.State != types.CustomWorkspaceImageImportStateValidating || !aws.ToTime(ci.LastUpdatedTime).Equal(due) {
			t.Fatalf("old import after its step = %+v, %v; want VALIDATING at %s", ci, err, due)
		}
	})
}

// forgetMigration removes a migration from the record of a stopped store's
// database, so the next start runs it again.
func forgetMigration(t *testing.T, spec, name string) {
	t.Helper()
	driver, dsn := "pgx", spec
	if path, ok := strings.CutPrefix(spec, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`DELETE FROM schema_migrations WHERE name = $1`, name)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("the database had not run migration %s", name)
	}
}
