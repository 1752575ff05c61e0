package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/wslocal/wslocal/api"
)

// validService answers every operation FuzzDecode drives with a valid
// result, so any 500 comes from the protocol layer or the validators.
type validService struct{ api.Unimplemented }

func (validService) DescribeImageAssociations(_ context.Context, in *api.DescribeImageAssociationsRequest) (*api.DescribeImageAssociationsResult, error) {
	return &api.DescribeImageAssociationsResult{Associations: []api.ImageResourceAssociation{{
		AssociatedResourceId:   api.String("Microsoft_Office_2019"),
		AssociatedResourceType: api.ImageAssociatedResourceTypeApplication,
		Created:                api.TimeOf(created),
		LastUpdatedTime:        api.TimeOf(updated),
		ImageId:                in.ImageId,
		State:                  api.AssociationStateCompleted,
	}}}, nil
}

func (validService) DescribeWorkspaceImages(context.Context, *api.DescribeWorkspaceImagesRequest) (*api.DescribeWorkspaceImagesResult, error) {
	return &api.DescribeWorkspaceImagesResult{}, nil
}

func (validService) ImportWorkspaceImage(context.Context, *api.ImportWorkspaceImageRequest) (*api.ImportWorkspaceImageResult, error) {
	return &api.ImportWorkspaceImageResult{ImageId: api.String("wsi-0123456789")}, nil
}

func (validService) CreateTags(context.Context, *api.CreateTagsRequest) (*api.CreateTagsResult, error) {
	return &api.CreateTagsResult{}, nil
}

func (validService) ImportCustomWorkspaceImage(context.Context, *api.ImportCustomWorkspaceImageRequest) (*api.ImportCustomWorkspaceImageResult, error) {
	return &api.ImportCustomWorkspaceImageResult{ImageId: api.String("wsi-0123456789")}, nil
}

func (validService) CreateWorkspaces(context.Context, *api.CreateWorkspacesRequest) (*api.CreateWorkspacesResult, error) {
	return &api.CreateWorkspacesResult{}, nil
}

// fuzzOps are the operations FuzzDecode sends bodies to, chosen for their
// shapes: required members, enums, lists of structures, unions, nesting.
var fuzzOps = []string{
	"DescribeImageAssociations",
	"DescribeWorkspaceImages",
	"ImportWorkspaceImage",
	"CreateTags",
	"ImportCustomWorkspaceImage",
	"CreateWorkspaces",
}

func FuzzDecode(f *testing.F) {
	seeds := []struct {
		op   uint8
		body string
	}{
		{0, `{"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"]}`},
		{0, `{"ImageId":"abc","AssociatedResourceTypes":["NOPE",""]}`},
		{1, `{"ImageIds":["wsi-0123456789"],"MaxResults":25,"NextToken":"abc"}`},
		{1, `{"MaxResults":"5","ImageIds":{}}`},
		{2, `{"Ec2ImageId":"ami-12345678","IngestionProcess":"BYOL_REGULAR","ImageName":"bench","ImageDescription":"bench","Applications":["Microsoft_Office_2019"],"Tags":[{"Key":"k","Value":"v"}]}`},
		{3, `{"ResourceId":"wsi-0123456789","Tags":[{"Key":"a"},{"Key":"","Value":null},{}]}`},
		{4, `{"ImageName":"x","ImageSource":{"Ec2ImportTaskId":"import-ami-0123456789abcdef0","ImageBuildVersionArn":"arn:aws:imagebuilder:us-east-1:123456789012:image/x/1.0.0/1"}}`},
		{5, `{"Workspaces":[{"DirectoryId":"d-1234567890","UserName":"u","BundleId":"wsb-123456789","WorkspaceProperties":{"RunningMode":"AUTO_STOP","RunningModeAutoStopTimeoutInMinutes":60},"Tags":[{"Key":"k"}]}]}`},
		{0, `{"ImageId":"wsi-0123456789"`},
		{0, `[]`},
		{1, ``},
		{1, "\xef\xbb\xbf{}"},
		{2, `{"Applications":[null,1,"\ud800"],"Tags":[[]]}`},
		{5, `{"Workspaces":[{"WorkspaceProperties":{"RunningModeAutoStopTimeoutInMinutes":1e400}}]}`},
		// What encoding/json alone would accept or mangle.
		{0, `{"ImageId":"wsi-0123456789","ImageId":"wsi-9876543210","AssociatedResourceTypes":["APPLICATION"]}`},
		{0, `{"imageid":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"]}`},
		{3, `{"ResourceId":"wsi-0123456789","Tags":[{"Key":"k","key":"K"}]}`},
		{1, "{\"NextToken\":\"\xff\xfe\"}"},
		{1, "{\"NextToken\":\"\xed\xa0\x80\"}"},
		{1, `{"NextToken":"\udc00"}`},
		{1, `{"NextToken":"\ud83d\ude00"}`},
		{1, `{"X":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`},
		{1, `{"MaxResults":99999999999,"ImageIds":null}`},
		{1, `{"MaxResults":-0.5e-400}`},
		{1, `{"ImageIds":null,"NextToken":null,"MaxResults":null,"ImageType":null}`},
		{2, `{"Tags":null,"Applications":null,"Ec2ImageId":null}`},
		{5, `{"Workspaces":[null,{"Tags":[null]}]}`},
		{0, `{"AſſociatedResourceTypes":["X"],"ImageId":"wsi-0123456789","A\u017f\u017fociatedResourceTypes":[null],"AssociatedResourceTypes":["APPLICATION",null]}`},
		{3, `{"ResourceId":"wsi-0123456789","Tags":[{"\u212Aey":"k","Key":"x\"y"},null]}`},
		{1, `{"ImageIds":[null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null]}`},
	}
	for _, s := range seeds {
		f.Add(s.op, []byte(s.body))
	}
	h := &Handler{Service: validService{}, MaxBodyBytes: 64 << 10, Auth: authOff}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := fuzzOps[int(op)%len(fuzzOps)]
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("X-Amz-Target", api.TargetPrefix+"."+name)
		r.Header.Set("Content-Type", ContentType)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r) // a panic here fails the fuzz run

		res := w.Result()
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s %q: status %d, body %s", name, body, res.StatusCode, w.Body)
		}
		if ct := res.Header.Get("Content-Type"); ct != ContentType {
			t.Fatalf("%s %q: Content-Type %q", name, body, ct)
		}
		if res.Header.Get("x-amzn-RequestId") == "" {
			t.Fatalf("%s %q: no x-amzn-RequestId", name, body)
		}
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %q: response %q is not a JSON object: %v", name, body, w.Body, err)
		}
		errType := res.Header.Get("x-amzn-ErrorType")
		if res.StatusCode == http.StatusOK && !utf8.Valid(body) {
			t.Fatalf("%s %q: accepted a body that is not UTF-8", name, body)
		}
		if res.StatusCode == http.StatusOK {
			if errType != "" || out["__type"] != nil {
				t.Fatalf("%s %q: 200 with an error: %s", name, body, w.Body)
			}
			return
		}
		typ, _ := out["__type"].(string)
		if typ == "" || typ != errType {
			t.Fatalf("%s %q: __type %q, x-amzn-ErrorType %q", name, body, typ, errType)
		}
		if typ != "SerializationException" && typ != "ValidationException" {
			t.Fatalf("%s %q: unexpected error %s", name, body, w.Body)
		}
		if msg, _ := out["message"].(string); msg == "" {
			t.Fatalf("%s %q: error without a message: %s", name, body, w.Body)
		}
	})
}
