package awsjson

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// StatusOf is the HTTP status an error is sent with.
func StatusOf(err error) int {
	var fe *frameworkError
	var ni *api.NotImplementedError
	var apiErr api.Error
	switch {
	case errors.As(err, &fe):
		return fe.status
	case errors.As(err, &ni):
		return http.StatusNotImplemented
	case errors.As(err, &apiErr):
		return http.StatusBadRequest
	default:
		return http.StatusInternalServerError
	}
}

// writeError writes the awsJson1.1 error envelope: {"__type": code,
// "message": ...} plus the error shape's own members, with the code also in
// the x-amzn-ErrorType header. An error that is not an API error is logged
// and sent as InternalFailure, never with its text.
//
// A store that could not answer in time (store.ErrUnavailable: PostgreSQL
// unreachable, or the write lock not taken within its timeout) is sent as
// ServiceUnavailable (HTTP 503), which AWS SDKs and the CLI retry.
func (h *Handler) writeError(w http.ResponseWriter, err error) (int, string) {
	var apiErr api.Error
	switch {
	case errors.As(err, &apiErr):
	case errors.Is(err, store.ErrUnavailable):
		h.logger().Warn("store unavailable", "err", err)
		apiErr = serviceUnavailable().(api.Error)
	default:
		h.logger().Error("internal error", "err", err)
		apiErr = internalFailure().(api.Error)
	}
	return writeEnvelope(w, apiErr), apiErr.ErrorCode()
}

// writeEnvelope writes e as the awsJson1.1 error envelope and returns the
// HTTP status it sent.
func writeEnvelope(w http.ResponseWriter, e api.Error) int {
	status := StatusOf(e)
	body := encodeError(e)
	h := w.Header()
	h["Content-Type"] = contentTypeValue
	h["X-Amzn-Errortype"] = []string{e.ErrorCode()}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}

func encodeError(e api.Error) []byte {
	fields := map[string]any{}
	switch t := e.(type) {
	case *frameworkError:
		fields["message"] = t.message
	case *api.NotImplementedError:
		fields["message"] = t.Error()
	default:
		// A generated error shape: its members are its JSON.
		b, err := json.Marshal(e)
		if err == nil {
			_ = json.Unmarshal(b, &fields)
		}
	}
	fields["__type"] = e.ErrorCode()
	b, _ := json.Marshal(fields)
	return b
}

// newRequestID returns a random UUID-shaped ID. math/rand/v2's generator
// is seeded from the system's and is per thread: an ID costs no system
// call and no lock, and 128 random bits do not repeat.
func newRequestID() string {
	var b [36]byte
	hi, lo := rand.Uint64(), rand.Uint64()
	j := 0
	for i := range 32 {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b[j] = '-'
			j++
		}
		var nib uint64
		if i < 16 {
			nib = hi >> (60 - 4*i)
		} else {
			nib = lo >> (60 - 4*(i-16))
		}
		b[j] = hexDigits[nib&0xF]
		j++
	}
	return string(b[:])
}
