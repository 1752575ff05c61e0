package workspaces_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store/sqlite"
	ws "github.com/wslocal/wslocal/workspaces"
)

// TestImageAnswerFollowsRow: the answer DescribeWorkspaceImages encodes
// once per image (EncodeOnce) follows what the image's row and the clock
// decide with the document unchanged — its state, then an update once the
// image is a month old — and encodes as json.Marshal does every time.
func TestImageAnswerFollowsRow(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock, err := sim.NewSwitchableClock("manual", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	cctx := auth.WithCaller(ctx, auth.Caller{Account: "123456789012", Region: "us-east-1"})
	imported, err := svc.ImportWorkspaceImage(cctx, &api.ImportWorkspaceImageRequest{Ec2ImageId: api.String("ami-12345678"),
		IngestionProcess: api.WorkspaceImageIngestionProcessByolRegular, ImageName: api.String("answer"),
		ImageDescription: api.String("<&>")})
	if err != nil {
		t.Fatal(err)
	}
	describe := func(wantState api.WorkspaceImageState, wantUpdate bool) {
		t.Helper()
		for range 2 { // made, then reused
			out, err := svc.DescribeWorkspaceImages(cctx, &api.DescribeWorkspaceImagesRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Images) != 1 || *out.Images[0].ImageId != *imported.ImageId || out.Images[0].State != wantState ||
				out.Images[0].Updates == nil || *out.Images[0].Updates.UpdateAvailable != wantUpdate {
				t.Fatalf("DescribeWorkspaceImages = %+v, want %s in %s, update available %v", out.Images, *imported.ImageId, wantState, wantUpdate)
			}
			want, err := json.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.AppendJSON(nil); string(got) != string(want) {
				t.Fatalf("DescribeWorkspaceImages encodes as\n%s\njson.Marshal writes\n%s", got, want)
			}
		}
	}
	describe(api.WorkspaceImageStatePending, false)
	if _, err := clock.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	describe(api.WorkspaceImageStateAvailable, false)
	if _, err := clock.Advance(30 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	describe(api.WorkspaceImageStateAvailable, true)
}
