package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/awsjson"
	"github.com/wslocal/wslocal/server"
)

func BenchmarkDescribeImageAssociations(b *testing.B) {
	benchDescribeImageAssociations(b, "memory")
}

func BenchmarkDescribeImageAssociationsSQLite(b *testing.B) {
	benchDescribeImageAssociations(b, "sqlite:"+b.TempDir()+"/state.db")
}

// BenchmarkDescribeImageAssociationsLogged is the SQLite case with the
// access log on, as wslocal runs by default (text, level info, the line per
// request written by awsjson.AccessLog), written to io.Discard: the difference from BenchmarkDescribeImageAssociationsSQLite
// is the log's cost.
func BenchmarkDescribeImageAssociationsLogged(b *testing.B) {
	benchDescribeImageAssociationsWith(b, server.Config{Store: "sqlite:" + b.TempDir() + "/state.db", Clock: "manual",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), AccessLog: awsjson.NewAccessLog(io.Discard, false)})
}

// benchDescribeImageAssociations measures DescribeImageAssociations through
// the whole stack: HTTP, awsJson1.1, service, store.
func benchDescribeImageAssociations(b *testing.B, store string) {
	benchDescribeImageAssociationsWith(b, server.Config{Store: store, Clock: "manual"})
}

func benchDescribeImageAssociationsWith(b *testing.B, cfg server.Config) {
	ctx := context.Background()
	srv, err := server.New(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := srv.Close(); err != nil {
			b.Error(err)
		}
	}()
	ts := httptest.NewServer(srv.Handler)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()

	status, body := post(b, client, ts.URL, "ImportWorkspaceImage",
		`{"Ec2ImageId":"ami-12345678","IngestionProcess":"BYOL_REGULAR","ImageName":"bench",`+
			`"ImageDescription":"bench","Applications":["Microsoft_Office_2019"]}`)
	if status != http.StatusOK {
		b.Fatalf("ImportWorkspaceImage: %d %s", status, body)
	}
	var imported struct{ ImageId string }
	if err := json.Unmarshal(body, &imported); err != nil || imported.ImageId == "" {
		b.Fatalf("ImportWorkspaceImage answered %s (%v)", body, err)
	}

	if _, err := srv.Clock.Advance(time.Hour); err != nil {
		b.Fatal(err)
	}
	if err := srv.Service.Sweep(ctx); err != nil {
		b.Fatal(err)
	}

	req := `{"ImageId":"` + imported.ImageId + `","AssociatedResourceTypes":["APPLICATION"]}`
	status, body = post(b, client, ts.URL, "DescribeImageAssociations", req)
	if status != http.StatusOK {
		b.Fatalf("DescribeImageAssociations: %d %s", status, body)
	}
	var out struct {
		Associations []struct{ AssociatedResourceId, State string }
	}
	if err := json.Unmarshal(body, &out); err != nil || len(out.Associations) != 1 {
		b.Fatalf("DescribeImageAssociations answered %s (%v)", body, err)
	}
	b.Logf("association after the import: %+v", out.Associations[0])

	b.ReportAllocs()
	for b.Loop() {
		if status, body := post(b, client, ts.URL, "DescribeImageAssociations", req); status != http.StatusOK {
			b.Fatalf("DescribeImageAssociations: %d %s", status, body)
		}
	}
}

// benchAuthorization is a SigV4 header of the shape SDKs send. The default
// auth mode (accept) parses it for the account and region and does not
// check the signature, so a fixed one measures the default path without
// signing on the client side of the benchmark.
const benchAuthorization = "AWS4-HMAC-SHA256 Credential=000000000000/20260101/us-east-1/workspaces/aws4_request, " +
	"SignedHeaders=content-type;host;x-amz-date;x-amz-target, " +
	"Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// post sends one awsJson1.1 request and reads the whole answer, so that the
// keep-alive connection is reused.
func post(b *testing.B, client *http.Client, url, op, body string) (int, []byte) {
	b.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "WorkspacesService."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", benchAuthorization)
	res, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatal(err)
	}
	return res.StatusCode, out
}

// BenchmarkServeHTTP serves DescribeImageAssociations and
// DescribeWorkspaceImages (five images, as against moto) by calling the
// server's handler directly, without a network or a client: what is left
// per request is the server's own work, so -benchmem counts the protocol
// layer's allocations (decode, validate, encode) and the service's.
func BenchmarkServeHTTP(b *testing.B) {
	ctx := context.Background()
	srv, err := server.New(ctx, server.Config{Store: "memory", Clock: "manual"})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := srv.Close(); err != nil {
			b.Error(err)
		}
	}()
	var imageID string
	for i := range 5 {
		w := serveOnce(b, srv.Handler, "ImportWorkspaceImage",
			fmt.Sprintf(`{"Ec2ImageId":"ami-12345678","IngestionProcess":"BYOL_REGULAR","ImageName":"bench-%d",`+
				`"ImageDescription":"bench","Applications":["Microsoft_Office_2019"]}`, i))
		var imported struct{ ImageId string }
		if err := json.Unmarshal(w.body.Bytes(), &imported); err != nil || imported.ImageId == "" {
			b.Fatalf("ImportWorkspaceImage answered %d %s (%v)", w.status, w.body.Bytes(), err)
		}
		imageID = imported.ImageId
	}
	if _, err := srv.Clock.Advance(time.Hour); err != nil {
		b.Fatal(err)
	}
	if err := srv.Service.Sweep(ctx); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ op, body, want string }{
		{"DescribeImageAssociations", `{"ImageId":"` + imageID + `","AssociatedResourceTypes":["APPLICATION"]}`, `"State":"COMPLETED"`},
		{"DescribeWorkspaceImages", `{}`, `"Name":"bench-4"`},
	} {
		b.Run(c.op, func(b *testing.B) {
			w := serveOnce(b, srv.Handler, c.op, c.body)
			if !bytes.Contains(w.body.Bytes(), []byte(c.want)) {
				b.Fatalf("%s answered %d %s", c.op, w.status, w.body.Bytes())
			}
			req := benchRequest(c.op)
			body := strings.NewReader(c.body)
			req.Body = io.NopCloser(body)
			req.ContentLength = int64(len(c.body)) // a server request has its length, or -1
			b.ReportAllocs()
			for b.Loop() {
				body.Reset(c.body)
				w.reset()
				srv.Handler.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("%s: %d %s", c.op, w.status, w.body.Bytes())
				}
			}
		})
	}
}

// benchRequest is an awsJson1.1 request for op, its body to be set.
func benchRequest(op string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("X-Amz-Target", "WorkspacesService."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", benchAuthorization)
	return req
}

func serveOnce(b *testing.B, h http.Handler, op, body string) *benchWriter {
	b.Helper()
	req := benchRequest(op)
	req.Body = io.NopCloser(strings.NewReader(body))
	req.ContentLength = int64(len(body))
	w := &benchWriter{header: http.Header{}}
	h.ServeHTTP(w, req)
	return w
}

// benchWriter is a ResponseWriter that keeps the answer and is reused
// between requests, so that it adds no allocation of its own.
type benchWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *benchWriter) Header() http.Header { return w.header }
func (w *benchWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}

func (w *benchWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

func (w *benchWriter) reset() {
	w.status = 0
	w.body.Reset()
}

// BenchmarkDescribeImageAssociationsHandler calls the server's handler
// directly, without a connection or a client: its allocations are the
// server's own per request (routing, protocol, auth, service, store, log,
// request log and metrics), net/http's reading and writing left out.
func BenchmarkDescribeImageAssociationsHandler(b *testing.B) {
	ctx := context.Background()
	srv, err := server.New(ctx, server.Config{Store: "sqlite:" + b.TempDir() + "/state.db", Clock: "manual",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), AccessLog: awsjson.NewAccessLog(io.Discard, false)})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := srv.Close(); err != nil {
			b.Error(err)
		}
	}()
	call := func(op, body string) (int, []byte) {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "WorkspacesService."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("Authorization", benchAuthorization)
		rec := httptest.NewRecorder()
		srv.Handler.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	status, body := call("ImportWorkspaceImage", `{"Ec2ImageId":"ami-12345678","IngestionProcess":"BYOL_REGULAR","ImageName":"bench",`+
		`"ImageDescription":"bench","Applications":["Microsoft_Office_2019"]}`)
	var imported struct{ ImageId string }
	if err := json.Unmarshal(body, &imported); status != http.StatusOK || err != nil || imported.ImageId == "" {
		b.Fatalf("ImportWorkspaceImage answered %d %s (%v)", status, body, err)
	}
	if _, err := srv.Clock.Advance(time.Hour); err != nil {
		b.Fatal(err)
	}
	if err := srv.Service.Sweep(ctx); err != nil {
		b.Fatal(err)
	}
	in := `{"ImageId":"` + imported.ImageId + `","AssociatedResourceTypes":["APPLICATION"]}`
	if status, body := call("DescribeImageAssociations", in); status != http.StatusOK || !strings.Contains(string(body), `"COMPLETED"`) {
		b.Fatalf("DescribeImageAssociations answered %d %s", status, body)
	}

	// One request and one writer, reset each time, so that what is
	// counted is the server's.
	rd := strings.NewReader(in)
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/", rd)
	req.Header.Set("X-Amz-Target", "WorkspacesService.DescribeImageAssociations")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", benchAuthorization)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(in)
		clear(w.h)
		w.status = 0
		srv.Handler.ServeHTTP(w, req)
		if w.status != 0 && w.status != http.StatusOK {
			b.Fatalf("DescribeImageAssociations answered %d", w.status)
		}
	}
}

// discardWriter is an http.ResponseWriter that keeps only the status.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
