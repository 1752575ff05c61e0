package wslocaltest

import (
	"bytes"
	"io"
	"net/http"
)

// BufferBodies wraps rt so that it hands net/http each request body as a
// bytes.Reader.
//
// It works around a client-side race between smithy-go and net/http that a
// server as fast as wslocal on loopback exposes (aws/aws-sdk-go-v2#2737,
// #1825): smithy-go wraps the body in a closer whose WriteTo returns io.EOF
// once closed, and closes it as soon as the response arrives. net/http
// writes an opaque body straight to the socket and then reads it once more
// to check for bytes beyond Content-Length; if the SDK has closed the body by
// then, the transport closes the connection and reading the 200 response
// fails with "use of closed network connection". The SDK's default retryer
// hides it; a client without retries sees it in about one run in thirty. A
// bytes.Reader is written in one go and nobody closes it early.
func BufferBodies(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return bufferedBodies{rt}
}

type bufferedBodies struct{ rt http.RoundTripper }

func (b bufferedBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b.rt.RoundTrip(r)
	}
	data, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	r.ContentLength = int64(len(data))
	return b.rt.RoundTrip(r)
}
