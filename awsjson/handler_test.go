package awsjson

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/store"
)

// Image ids the fake service answers specially.
const (
	imgNotFound    = "wsi-notfound00"
	imgUnsupported = "wsi-unsupport0"
	imgWrapped     = "wsi-wrapped000"
	imgInternal    = "wsi-internal00"
	imgPanic       = "wsi-panic00000"
	imgUnavailable = "wsi-unavailab0"
	imgNilResult   = "wsi-nilresult0"
	imgOK          = "wsi-0123456789"
)

// secret is internal error text that must never reach a client.
const secret = "sqlite: database is locked at /var/secret/state.db"

// fakeService answers DescribeImageAssociations according to the image id,
// DescribeWorkspaceImages with an empty result, and nothing else.
type fakeService struct {
	api.Unimplemented

	mu      sync.Mutex
	callers []auth.Caller
}

func (f *fakeService) record(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.callers = append(f.callers, auth.CallerFrom(ctx))
}

func (f *fakeService) lastCaller(t *testing.T) auth.Caller {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.callers) == 0 {
		t.Fatal("the service was not called")
	}
	return f.callers[len(f.callers)-1]
}

var (
	created = time.Unix(1700000000, 0).UTC()
	updated = time.Unix(1700000042, 123*int64(time.Millisecond)).UTC()
)

func (f *fakeService) DescribeImageAssociations(ctx context.Context, in *api.DescribeImageAssociationsRequest) (*api.DescribeImageAssociationsResult, error) {
	f.record(ctx)
	switch id := *in.ImageId; id {
	case imgNotFound:
		return nil, &api.ResourceNotFoundException{
			Message:    api.String("The image " + id + " does not exist."),
			ResourceId: api.String(id),
		}
	case imgUnsupported:
		return nil, &api.OperationNotSupportedException{
			Message: api.String("This operation is not supported."),
			Reason:  api.String("The image is not a BYOL image."),
		}
	case imgWrapped:
		return nil, fmt.Errorf("describe associations: %w", &api.ResourceNotFoundException{
			Message:    api.String("The image " + id + " does not exist."),
			ResourceId: api.String(id),
		})
	case imgInternal:
		return nil, errors.New(secret)
	case imgPanic:
		panic(secret)
	case imgUnavailable:
		return nil, fmt.Errorf("describe associations: %w", errors.Join(store.ErrUnavailable, errors.New(secret)))
	case imgNilResult:
		return nil, nil
	}
	return &api.DescribeImageAssociationsResult{Associations: []api.ImageResourceAssociation{{
		AssociatedResourceId:   api.String("Microsoft_Office_2019"),
		AssociatedResourceType: api.ImageAssociatedResourceTypeApplication,
		Created:                api.TimeOf(created),
		LastUpdatedTime:        api.TimeOf(updated),
		ImageId:                in.ImageId,
		State:                  api.AssociationStateCompleted,
	}}}, nil
}

func (f *fakeService) DescribeWorkspaceImages(ctx context.Context, in *api.DescribeWorkspaceImagesRequest) (*api.DescribeWorkspaceImagesResult, error) {
	f.record(ctx)
	return &api.DescribeWorkspaceImagesResult{}, nil
}

const target = api.TargetPrefix + "."

// authOff is the Go equivalent of --auth off, for tests that send
// hand-made unsigned requests to exercise the protocol.
var authOff = &auth.Authenticator{Mode: auth.Off}

func describe(imageID string) string {
	return `{"ImageId":"` + imageID + `","AssociatedResourceTypes":["APPLICATION"]}`
}

// internalFailureBody is what every non-API error and panic is sent as.
var internalFailureBody = map[string]any{
	"__type":  "InternalFailure",
	"message": "The request processing has failed because of an unknown error, exception or failure.",
}

func serialization(msg string) map[string]any {
	return map[string]any{"__type": "SerializationException", "message": msg}
}

func unknownOp(msg string) map[string]any {
	return map[string]any{"__type": "UnknownOperationException", "message": msg}
}

// decodeBody decodes a response body keeping numbers as their JSON text, so
// that 1700000000 and 1700000000.0 are told apart.
func decodeBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("response body %q is not a JSON object: %v", b, err)
	}
	if dec.More() {
		t.Fatalf("response body %q has data after the object", b)
	}
	return m
}

func TestHandler(t *testing.T) {
	svc := &fakeService{}
	var logBuf bytes.Buffer
	var logMu sync.Mutex
	h := &Handler{
		Service:      svc,
		Log:          slog.New(slog.NewTextHandler(&lockedWriter{w: &logBuf, mu: &logMu}, nil)),
		MaxBodyBytes: 256,
		Auth:         authOff,
	}
	tests := []struct {
		name    string
		method  string // POST when empty
		target  string
		noTgt   bool // send no X-Amz-Target header
		body    string
		status  int
		errType string // x-amzn-ErrorType; "" on success
		want    map[string]any
	}{
		{
			name:   "result with timestamps",
			target: target + "DescribeImageAssociations",
			body:   describe(imgOK),
			status: 200,
			want: map[string]any{"Associations": []any{map[string]any{
				"AssociatedResourceId":   "Microsoft_Office_2019",
				"AssociatedResourceType": "APPLICATION",
				"Created":                json.Number("1700000000"),
				"LastUpdatedTime":        json.Number("1700000042.123"),
				"ImageId":                imgOK,
				"State":                  "COMPLETED",
			}}},
		},
		{
			name:   "body surrounded by whitespace",
			target: target + "DescribeImageAssociations",
			body:   "\r\n\t " + describe(imgOK) + " \n",
			status: 200,
			want: map[string]any{"Associations": []any{map[string]any{
				"AssociatedResourceId":   "Microsoft_Office_2019",
				"AssociatedResourceType": "APPLICATION",
				"Created":                json.Number("1700000000"),
				"LastUpdatedTime":        json.Number("1700000042.123"),
				"ImageId":                imgOK,
				"State":                  "COMPLETED",
			}}},
		},
		{
			name:   "empty result",
			target: target + "DescribeWorkspaceImages",
			body:   `{}`,
			status: 200,
			want:   map[string]any{},
		},
		{
			name:   "empty body is an empty object",
			target: target + "DescribeWorkspaceImages",
			body:   ``,
			status: 200,
			want:   map[string]any{},
		},
		{
			name:   "whitespace body is an empty object",
			target: target + "DescribeWorkspaceImages",
			body:   " \n\t",
			status: 200,
			want:   map[string]any{},
		},
		{
			name:   "unknown members are ignored",
			target: target + "DescribeWorkspaceImages",
			body:   `{"Foo":1,"Bar":{"x":[1,2]}}`,
			status: 200,
			want:   map[string]any{},
		},
		{
			name:   "nil result is an empty object",
			target: target + "DescribeImageAssociations",
			body:   describe(imgNilResult),
			status: 200,
			want:   map[string]any{},
		},
		{
			name:    "ResourceNotFoundException carries ResourceId",
			target:  target + "DescribeImageAssociations",
			body:    describe(imgNotFound),
			status:  400,
			errType: "ResourceNotFoundException",
			want: map[string]any{
				"__type":     "ResourceNotFoundException",
				"message":    "The image " + imgNotFound + " does not exist.",
				"ResourceId": imgNotFound,
			},
		},
		{
			name:    "wrapped API error is sent as the API error",
			target:  target + "DescribeImageAssociations",
			body:    describe(imgWrapped),
			status:  400,
			errType: "ResourceNotFoundException",
			want: map[string]any{
				"__type":     "ResourceNotFoundException",
				"message":    "The image " + imgWrapped + " does not exist.",
				"ResourceId": imgWrapped,
			},
		},
		{
			name:    "OperationNotSupportedException carries reason",
			target:  target + "DescribeImageAssociations",
			body:    describe(imgUnsupported),
			status:  400,
			errType: "OperationNotSupportedException",
			want: map[string]any{
				"__type":  "OperationNotSupportedException",
				"message": "This operation is not supported.",
				"reason":  "The image is not a BYOL image.",
			},
		},
		{
			name:    "internal error is InternalFailure without its text",
			target:  target + "DescribeImageAssociations",
			body:    describe(imgInternal),
			status:  500,
			errType: "InternalFailure",
			want:    internalFailureBody,
		},
		{
			name:    "unavailable store is ServiceUnavailable, retryable, without its text",
			target:  target + "DescribeImageAssociations",
			body:    describe(imgUnavailable),
			status:  503,
			errType: "ServiceUnavailable",
			want: map[string]any{
				"__type":  "ServiceUnavailable",
				"message": "The service is unavailable: the state store did not answer in time. Try again.",
			},
		},
		{
			name:    "panic is InternalFailure without its text",
			target:  target + "DescribeImageAssociations",
			body:    describe(imgPanic),
			status:  500,
			errType: "InternalFailure",
			want:    internalFailureBody,
		},
		{
			name:    "unimplemented operation",
			target:  target + "DescribeWorkspaces",
			body:    `{}`,
			status:  501,
			errType: "NotImplementedException",
			want: map[string]any{
				"__type":  "NotImplementedException",
				"message": "wslocal does not implement WorkspacesService.DescribeWorkspaces yet",
			},
		},
		{
			name:    "invalid image id",
			target:  target + "DescribeImageAssociations",
			body:    describe("abc"),
			status:  400,
			errType: "ValidationException",
			want: map[string]any{
				"__type": "ValidationException",
				"message": "1 validation error detected: Value 'abc' at 'imageId' failed to satisfy constraint: " +
					"Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$",
			},
		},
		{
			name:    "empty body still validated",
			target:  target + "DescribeImageAssociations",
			body:    ``,
			status:  400,
			errType: "ValidationException",
			want: map[string]any{
				"__type": "ValidationException",
				"message": "2 validation errors detected: " +
					"Value null at 'imageId' failed to satisfy constraint: Member must not be null; " +
					"Value null at 'associatedResourceTypes' failed to satisfy constraint: Member must not be null",
			},
		},
		{
			name:    "MaxResults out of range",
			target:  target + "DescribeWorkspaceImages",
			body:    `{"MaxResults":0}`,
			status:  400,
			errType: "ValidationException",
			want: map[string]any{
				"__type": "ValidationException",
				"message": "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: " +
					"Member must have value greater than or equal to 1",
			},
		},
		{
			name:    "unknown operation",
			target:  target + "DescribeUnicorns",
			body:    `{}`,
			status:  400,
			errType: "UnknownOperationException",
			want:    unknownOp("Unknown operation WorkspacesService.DescribeUnicorns."),
		},
		{
			name:    "missing target",
			noTgt:   true,
			body:    `{}`,
			status:  400,
			errType: "UnknownOperationException",
			want:    unknownOp("Missing X-Amz-Target header."),
		},
		{
			name:    "wrong target prefix",
			target:  "Foo.DescribeImageAssociations",
			body:    describe(imgOK),
			status:  400,
			errType: "UnknownOperationException",
			want:    unknownOp("Unknown operation Foo.DescribeImageAssociations."),
		},
		{
			name:    "target without prefix",
			target:  "DescribeImageAssociations",
			body:    describe(imgOK),
			status:  400,
			errType: "UnknownOperationException",
			want:    unknownOp("Unknown operation DescribeImageAssociations."),
		},
		{
			name:    "operation names are case-sensitive",
			target:  target + "describeImageAssociations",
			body:    describe(imgOK),
			status:  400,
			errType: "UnknownOperationException",
			want:    unknownOp("Unknown operation WorkspacesService.describeImageAssociations."),
		},
		{
			name:    "GET",
			method:  http.MethodGet,
			target:  target + "DescribeImageAssociations",
			status:  400,
			errType: "UnknownOperationException",
			want:    unknownOp("GET is not supported: send POST with an X-Amz-Target header."),
		},
		{
			name:    "PUT without target",
			method:  http.MethodPut,
			noTgt:   true,
			body:    `{}`,
			status:  400,
			errType: "UnknownOperationException",
			want:    unknownOp("PUT is not supported: send POST with an X-Amz-Target header."),
		},
		{
			name:    "malformed JSON",
			target:  target + "DescribeImageAssociations",
			body:    `{"ImageId":"wsi-0123456789"`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("The request body is not valid JSON: unexpected end of JSON input."),
		},
		{
			name:    "trailing data",
			target:  target + "DescribeImageAssociations",
			body:    `{} {}`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("The request body is not valid JSON: invalid character '{' after top-level value."),
		},
		{
			name:    "JSON array body",
			target:  target + "DescribeImageAssociations",
			body:    `[` + describe(imgOK) + `]`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("The request body must be a JSON object."),
		},
		{
			name:    "JSON null body",
			target:  target + "DescribeWorkspaceImages",
			body:    `null`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("The request body must be a JSON object."),
		},
		{
			name:    "JSON string body",
			target:  target + "DescribeWorkspaceImages",
			body:    `"{}"`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("The request body must be a JSON object."),
		},
		{
			name:    "string for MaxResults",
			target:  target + "DescribeWorkspaceImages",
			body:    `{"MaxResults":"5"}`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("Unexpected JSON string for MaxResults: expected an integer."),
		},
		{
			name:    "fraction for MaxResults",
			target:  target + "DescribeWorkspaceImages",
			body:    `{"MaxResults":1.5}`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("Unexpected JSON number 1.5 for MaxResults: expected an integer."),
		},
		{
			name:    "MaxResults beyond int32",
			target:  target + "DescribeWorkspaceImages",
			body:    `{"MaxResults":1e10}`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("Unexpected JSON number 1e10 for MaxResults: expected an integer."),
		},
		{
			name:    "number for ImageId",
			target:  target + "DescribeImageAssociations",
			body:    `{"ImageId":5,"AssociatedResourceTypes":["APPLICATION"]}`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("Unexpected JSON number for ImageId: expected a string."),
		},
		{
			name:    "object for a list",
			target:  target + "DescribeWorkspaceImages",
			body:    `{"ImageIds":{"a":"wsi-0123456789"}}`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("Unexpected JSON object for ImageIds: expected a list."),
		},
		{
			name:    "string for a list",
			target:  target + "DescribeImageAssociations",
			body:    `{"ImageId":"wsi-0123456789","AssociatedResourceTypes":"APPLICATION"}`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("Unexpected JSON string for AssociatedResourceTypes: expected a list."),
		},
		{
			name:    "body over MaxBodyBytes",
			target:  target + "DescribeImageAssociations",
			body:    `{"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"],"Padding":"` + strings.Repeat("x", 256) + `"}`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("The request body is larger than 256 bytes."),
		},
		{
			// Logos: up to 6 MB of data, whatever MaxBodyBytes says.
			name:    "ImportClientBranding over MaxBodyBytes",
			target:  target + "ImportClientBranding",
			body:    `{"ResourceId":"d-0123456789","Padding":"` + strings.Repeat("x", 8<<20) + `"}`,
			status:  501,
			errType: "NotImplementedException",
			want: map[string]any{
				"__type":  "NotImplementedException",
				"message": "wslocal does not implement WorkspacesService.ImportClientBranding yet",
			},
		},
		{
			name:    "ImportClientBranding over 9 MiB",
			target:  target + "ImportClientBranding",
			body:    `{"ResourceId":"d-0123456789","Padding":"` + strings.Repeat("x", 9<<20) + `"}`,
			status:  400,
			errType: "SerializationException",
			want:    serialization("The request body is larger than 9437184 bytes."),
		},
	}
	seenIDs := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			r := httptest.NewRequest(method, "/", strings.NewReader(tt.body))
			if !tt.noTgt {
				r.Header.Set("X-Amz-Target", tt.target)
			}
			r.Header.Set("Content-Type", ContentType)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			res := w.Result()
			body, _ := io.ReadAll(res.Body)

			if res.StatusCode != tt.status {
				t.Errorf("status = %d, want %d (body %s)", res.StatusCode, tt.status, body)
			}
			if got := res.Header.Get("Content-Type"); got != ContentType {
				t.Errorf("Content-Type = %q, want %q", got, ContentType)
			}
			if got, want := res.Header.Get("Content-Length"), fmt.Sprint(len(body)); got != want {
				t.Errorf("Content-Length = %q, want %q", got, want)
			}
			id := res.Header.Get("x-amzn-RequestId")
			if id == "" {
				t.Error("no x-amzn-RequestId header")
			} else if other, dup := seenIDs[id]; dup {
				t.Errorf("x-amzn-RequestId %s was also sent for %q", id, other)
			}
			seenIDs[id] = tt.name
			if got := res.Header.Get("x-amzn-ErrorType"); got != tt.errType {
				t.Errorf("x-amzn-ErrorType = %q, want %q", got, tt.errType)
			}
			got := decodeBody(t, body)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("body = %s\nwant   %v", body, tt.want)
			}
			if strings.Contains(string(body), "secret") {
				t.Errorf("body leaks internal error text: %s", body)
			}
		})
	}
	logMu.Lock()
	defer logMu.Unlock()
	if !strings.Contains(logBuf.String(), secret) {
		t.Errorf("internal errors were not logged; log:\n%s", logBuf.String())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestRequestIDsAreUnique(t *testing.T) {
	h := &Handler{Service: &fakeService{}, Auth: authOff}
	seen := map[string]bool{}
	for i := range 200 {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
		r.Header.Set("X-Amz-Target", target+"DescribeWorkspaceImages")
		if i%2 == 1 {
			r.Header.Set("X-Amz-Target", "nonsense")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		id := w.Header().Get("x-amzn-RequestId")
		if len(id) != 36 || strings.Count(id, "-") != 4 {
			t.Fatalf("x-amzn-RequestId %q is not UUID-shaped", id)
		}
		if seen[id] {
			t.Fatalf("x-amzn-RequestId %s repeated", id)
		}
		seen[id] = true
	}
}

// TestPanicKeepsConnection checks that a panicking operation answers 500 over
// a real connection, which stays usable for the next request.
func TestPanicKeepsConnection(t *testing.T) {
	srv := httptest.NewServer(&Handler{Service: &fakeService{}, Auth: authOff})
	defer srv.Close()
	client := srv.Client()
	post := func(body string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		req.Header.Set("X-Amz-Target", target+"DescribeImageAssociations")
		req.Header.Set("Content-Type", ContentType)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("request failed (connection dropped?): %v", err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("read body: %v", err)
		}
		return res, decodeBody(t, b)
	}
	var conns []string
	for _, c := range []struct {
		body   string
		status int
	}{
		{describe(imgPanic), 500},
		{describe(imgOK), 200},
		{describe(imgPanic), 500},
		{describe(imgOK), 200},
	} {
		res, got := post(c.body)
		if res.StatusCode != c.status {
			t.Fatalf("status = %d, want %d", res.StatusCode, c.status)
		}
		if c.status == 500 {
			if !reflect.DeepEqual(got, internalFailureBody) {
				t.Errorf("body = %v, want %v", got, internalFailureBody)
			}
			if res.Header.Get("x-amzn-ErrorType") != "InternalFailure" {
				t.Errorf("x-amzn-ErrorType = %q", res.Header.Get("x-amzn-ErrorType"))
			}
		}
		if res.Close {
			t.Error("server asked to close the connection")
		}
		conns = append(conns, res.Header.Get("x-amzn-RequestId"))
	}
	if len(conns) != 4 {
		t.Fatal("not every request was answered")
	}
}

func TestCallerReachesService(t *testing.T) {
	post := func(t *testing.T, h *Handler, hdr http.Header) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(describe(imgOK)))
		r.Header = hdr
		r.Header.Set("X-Amz-Target", target+"DescribeImageAssociations")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	signedHdr := http.Header{}
	signedHdr.Set("Authorization", "AWS4-HMAC-SHA256 Credential=111122223333/20240101/ap-southeast-2/workspaces/aws4_request, "+
		"SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	t.Run("accept is the default", func(t *testing.T) {
		svc := &fakeService{}
		h := &Handler{Service: svc}
		w := post(t, h, http.Header{})
		wantErr(t, w, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")
		w = post(t, h, http.Header{"Authorization": {"AWS4-HMAC-SHA256 Credential=x"}})
		wantErr(t, w, 403, "IncompleteSignatureException", "Authorization header requires 'Signature' parameter.")
		if len(svc.callers) != 0 {
			t.Fatalf("the service was called for refused requests: %+v", svc.callers)
		}
		if w := post(t, h, signedHdr.Clone()); w.Code != 200 {
			t.Fatalf("signed: %d %s", w.Code, w.Body)
		}
		want := auth.Caller{AccessKey: "111122223333", Account: "111122223333", Region: "ap-southeast-2"}
		if got := svc.lastCaller(t); got != want {
			t.Errorf("signed request: service saw caller %+v, want %+v", got, want)
		}
	})
	t.Run("off", func(t *testing.T) {
		svc := &fakeService{}
		h := &Handler{Service: svc, Auth: authOff}
		if w := post(t, h, http.Header{}); w.Code != 200 {
			t.Fatalf("unsigned: %d %s", w.Code, w.Body)
		}
		want := auth.Caller{Account: auth.DefaultAccount, Region: auth.DefaultRegion}
		if got := svc.lastCaller(t); got != want {
			t.Errorf("unsigned request: service saw caller %+v, want %+v", got, want)
		}
		post(t, h, signedHdr.Clone())
		if got := svc.lastCaller(t); got.Account != "111122223333" || got.Region != "ap-southeast-2" {
			t.Errorf("signed request: service saw caller %+v", got)
		}
	})
	t.Run("strict", func(t *testing.T) {
		keys, err := auth.NewKeys(
			auth.Key{AccessKey: "AKIAOK", SecretKey: "s", Account: "123456789012"},
			auth.Key{AccessKey: "AKIANOIMAGES", SecretKey: "s", Account: "123456789012", Deny: []string{"workspaces:*Image*"}},
		)
		if err != nil {
			t.Fatal(err)
		}
		svc := &fakeService{}
		h := &Handler{Service: svc, Auth: &auth.Authenticator{Mode: auth.Strict, Keys: keys}}
		send := func(key, secret, body string) *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4599/", strings.NewReader(body))
			r.Header.Set("X-Amz-Target", target+"DescribeImageAssociations")
			r.Header.Set("Content-Type", ContentType)
			signRequest(t, r, key, secret, "eu-central-1", describe(imgOK))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		if w := send("AKIAOK", "s", describe(imgOK)); w.Code != 200 {
			t.Fatalf("good signature: %d %s", w.Code, w.Body)
		}
		if got, want := svc.lastCaller(t), (auth.Caller{AccessKey: "AKIAOK", Account: "123456789012", Region: "eu-central-1"}); got != want {
			t.Errorf("caller %+v, want %+v", got, want)
		}
		calls := len(svc.callers)
		wantErr(t, send("AKIAOK", "wrong", describe(imgOK)), 403, "InvalidSignatureException", "The request signature we calculated does not match")
		// The body is read once and what was read is what is verified.
		wantErr(t, send("AKIAOK", "s", describe(imgNotFound)), 403, "InvalidSignatureException", "does not match")
		wantErr(t, send("AKIAOTHER", "s", describe(imgOK)), 403, "UnrecognizedClientException", "The security token included in the request is invalid.")
		wantErr(t, send("AKIANOIMAGES", "s", describe(imgOK)), 400, "AccessDeniedException",
			"User: arn:aws:iam::123456789012:user/AKIANOIMAGES is not authorized to perform: workspaces:DescribeImageAssociations")
		if len(svc.callers) != calls {
			t.Errorf("the service was called for refused requests")
		}
	})
}

// signRequest signs r as aws-sdk-go-v2 does, over body.
func signRequest(t *testing.T, r *http.Request, key, secret, region, body string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "workspaces", region, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// wantErr checks an error answer's status, code and message.
func wantErr(t *testing.T, w *httptest.ResponseRecorder, status int, code, msgPart string) {
	t.Helper()
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%d %q: %v", w.Code, w.Body, err)
	}
	if w.Code != status || body.Type != code || w.Header().Get("x-amzn-ErrorType") != code || !strings.Contains(body.Message, msgPart) {
		t.Fatalf("got %d %s %q, want %d %s containing %q", w.Code, body.Type, body.Message, status, code, msgPart)
	}
	if w.Header().Get("Content-Type") != ContentType || w.Header().Get("x-amzn-RequestId") == "" {
		t.Fatalf("error without the awsJson headers: %v", w.Header())
	}
}

// timedInput is an input with a timestamp member: no WorkSpaces input has
// one, so decode is exercised on it directly.
type timedInput struct {
	At    *api.Time  `json:"At,omitzero"`
	Times []api.Time `json:"Times,omitzero"`
}

func (*timedInput) Validate() error { return nil }

func TestDecodeTimestamps(t *testing.T) {
	ok := []struct {
		body string
		want time.Time
	}{
		{`{"At":1700000000}`, time.Unix(1700000000, 0)},
		{`{"At":1700000000.5}`, time.Unix(1700000000, 500*int64(time.Millisecond))},
		{`{"At":1700000000.123}`, time.Unix(1700000000, 123*int64(time.Millisecond))},
		{`{"At":1.7e9}`, time.Unix(1700000000, 0)},
		{`{"At":0}`, time.Unix(0, 0)},
	}
	for _, c := range ok {
		var in timedInput
		if err := decode([]byte(c.body), &in); err != nil {
			t.Errorf("decode(%s): %v", c.body, err)
			continue
		}
		if in.At == nil || !in.At.T().Equal(c.want) {
			t.Errorf("decode(%s) = %v, want %v", c.body, in.At, c.want)
		}
	}
	var in timedInput
	if err := decode([]byte(`{"At":null}`), &in); err != nil || in.At != nil {
		t.Errorf(`decode({"At":null}) = %v, %v; want nil, nil`, in.At, err)
	}
	bad := []string{
		`{"At":"1700000000"}`,
		`{"At":"2024-01-01T00:00:00Z"}`,
		`{"At":true}`,
		`{"At":{}}`,
		`{"At":[]}`,
		`{"At":1e300}`,
		`{"Times":["1700000000"]}`,
	}
	for _, body := range bad {
		var in timedInput
		err := decode([]byte(body), &in)
		var fe *frameworkError
		if !errors.As(err, &fe) || fe.code != "SerializationException" || fe.status != 400 {
			t.Errorf("decode(%s) = %v, want a SerializationException", body, err)
			continue
		}
		if !strings.Contains(fe.message, "timestamp") && !strings.Contains(fe.message, "epoch seconds") {
			t.Errorf("decode(%s): message %q does not say a timestamp was expected", body, fe.message)
		}
	}
}

func TestEncodeTimestamps(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1700000000, 0), `1700000000`},
		{time.Unix(1700000000, 500*int64(time.Millisecond)), `1700000000.5`},
		{time.Unix(1700000000, 123*int64(time.Millisecond)), `1700000000.123`},
		{time.Unix(1700000000, 123456789), `1700000000.123`},
		{time.Unix(1700000000, 999999), `1700000000`},
	} {
		b, err := json.Marshal(api.TimeOf(c.t))
		if err != nil || string(b) != c.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", c.t, b, err, c.want)
		}
	}
}

func TestStatusOf(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{serializationError("x"), 400},
		{unknownOperation("x"), 400},
		{internalFailure(), 500},
		{&api.NotImplementedError{Operation: "X"}, 501},
		{fmt.Errorf("wrapped: %w", &api.NotImplementedError{Operation: "X"}), 501},
		{&api.ValidationException{}, 400},
		{fmt.Errorf("wrapped: %w", &api.ResourceNotFoundException{}), 400},
		{errors.New("boom"), 500},
	} {
		if got := StatusOf(c.err); got != c.want {
			t.Errorf("StatusOf(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

// keepingService keeps the image ids it is given, as a store keeps names.
type keepingService struct {
	api.Unimplemented
	ids       []*string
	endpoints []string
}

func (k *keepingService) DescribeImageAssociations(ctx context.Context, in *api.DescribeImageAssociationsRequest) (*api.DescribeImageAssociationsResult, error) {
	k.ids = append(k.ids, in.ImageId)
	k.endpoints = append(k.endpoints, api.Endpoint(ctx))
	return &api.DescribeImageAssociationsResult{}, nil
}

// TestInputOutlivesBody: request bodies are read into reused buffers, so
// what an operation is given must not share a body's bytes: an id kept
// from one request stays what it was once later bodies are read.
func TestInputOutlivesBody(t *testing.T) {
	svc := &keepingService{}
	h := &Handler{Service: svc, Auth: authOff}
	var sent []string
	for i := range 50 {
		id := fmt.Sprintf("wsi-%09d", i)
		sent = append(sent, id)
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(describe(id)))
		r.Header.Set("X-Amz-Target", target+"DescribeImageAssociations")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", id, w.Code, w.Body)
		}
	}
	for i, id := range svc.ids {
		if *id != sent[i] {
			t.Errorf("request %d: the service was given %s, which is now %s", i, sent[i], *id)
		}
		if svc.endpoints[i] != "http://example.com" {
			t.Errorf("request %d: the service saw the endpoint %q, want http://example.com", i, svc.endpoints[i])
		}
	}
}

// TestDateHeader: over a real connection, an answer, success or error,
// carries one Date header in net/http's format (set by the handler, so
// that net/http formats none), of the second the request was served in.
func TestDateHeader(t *testing.T) {
	srv := httptest.NewServer(&Handler{Service: &fakeService{}, Auth: authOff})
	defer srv.Close()
	for _, op := range []string{"DescribeWorkspaceImages", "NoSuchOperation", "DescribeWorkspaceImages"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", target+op)
		req.Header.Set("Content-Type", ContentType)
		before := time.Now().Truncate(time.Second)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		after := time.Now()
		dates := res.Header.Values("Date")
		if len(dates) != 1 {
			t.Fatalf("%s: Date headers %q, want one", op, dates)
		}
		at, err := http.ParseTime(dates[0])
		if err != nil || dates[0] != at.UTC().Format(http.TimeFormat) || at.Before(before) || at.After(after) {
			t.Errorf("%s: Date %q (%v), want the time of the request in %s", op, dates[0], err, http.TimeFormat)
		}
	}
}
