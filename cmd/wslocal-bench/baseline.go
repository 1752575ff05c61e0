package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// baselineAnswer is what the baseline sends to every request: the
// DescribeImageAssociations answer for an image with Office 2019 installed,
// as wslocal gives it.
var baselineAnswer = []byte(`{"Associations":[{"AssociatedResourceId":"wsa-0k0jqprkz","AssociatedResourceType":"APPLICATION",` +
	`"Created":1767225600,"ImageId":"wsi-baseline1","LastUpdatedTime":1767225601,"State":"COMPLETED"}]}`)

// baselineHandler is the bare net/http handler the performance targets
// compare wslocal with: it reads and decodes the JSON body as an awsJson1.1
// server must, and answers a fixed DescribeImageAssociations result. No
// routing, validation, signature parsing, storage or logging.
func baselineHandler() http.Handler {
	length := strconv.Itoa(len(baselineAnswer))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		var in struct {
			ImageId                 *string
			AssociatedResourceTypes []string
		}
		if err == nil {
			err = json.Unmarshal(body, &in)
		}
		if err != nil {
			http.Error(w, `{"__type":"SerializationException"}`, http.StatusBadRequest)
			return
		}
		h := w.Header()
		h["Content-Type"] = []string{"application/x-amz-json-1.1"}
		h["Content-Length"] = []string{length}
		_, _ = w.Write(baselineAnswer)
	})
}

// serveBaseline serves the baseline on addr until ctx ends.
func serveBaseline(ctx context.Context, addr string, stderr io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: baselineHandler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	fmt.Fprintf(stderr, "wslocal-bench baseline listening on http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
