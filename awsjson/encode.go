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

// encodeBuffers are scratch space for generated encoders: an answer is
// built in one and copied out at its size, so that it costs one
// allocation however often the buffer would have grown.
var encodeBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBuffer bounds the buffers kept for reuse, so that one large
// answer does not pin its memory.
const maxPooledBuffer = 64 << 10

// marshalOutput is json.Marshal(out), by the output's generated encoder
// when it has one.
func marshalOutput(out any) ([]byte, error) {
	a, ok := out.(jsonAppender)
	if !ok {
		return json.Marshal(out)
	}
	buf := encodeBuffers.Get().(*[]byte)
	b := a.AppendJSON((*buf)[:0])
	body := append([]byte(nil), b...)
	if cap(b) <= maxPooledBuffer {
		*buf = b
		encodeBuffers.Put(buf)
	}
	return body, nil
}
