package awsjson

import (
	"encoding/json"
	"sync"
)

// jsonAppender is an output with a generated encoder, which writes what
// json.Marshal writes.
type jsonAppender interface {
	AppendJSON(b []byte) []byte
}

// encodeBuffers hold answers built by generated encoders: an answer is
// built in one, written from it, and the buffer goes back to the pool,
// so that an answer costs no allocation once the buffers have grown.
var encodeBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBuffer bounds the buffers kept for reuse, so that one large
// answer does not pin its memory.
const maxPooledBuffer = 64 << 10

// marshalOutput is json.Marshal(out), by the output's generated encoder
// when it has one. That body is in a pooled buffer (buf): the caller
// writes it, then gives it back with releaseOutput, keeping nothing of
// it (an io.Writer keeps nothing of what it is given). buf is nil for
// a body of json.Marshal's.
func marshalOutput(out any) (body []byte, buf *[]byte, err error) {
	a, ok := out.(jsonAppender)
	if !ok {
		body, err = json.Marshal(out)
		return body, nil, err
	}
	buf = encodeBuffers.Get().(*[]byte)
	return a.AppendJSON((*buf)[:0]), buf, nil
}

// releaseOutput gives back the buffer of a body of marshalOutput, once
// written; nil does nothing.
func releaseOutput(buf *[]byte, body []byte) {
	if buf != nil && cap(body) <= maxPooledBuffer {
		*buf = body[:0]
		encodeBuffers.Put(buf)
	}
}
