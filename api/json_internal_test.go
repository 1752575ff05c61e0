package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// The model's inputs carry no timestamp and its outputs no blob today, so
// the generated codecs do not reach these helpers; they are held to
// encoding/json here for when the model does.

func TestReaderTimeIsUnmarshal(t *testing.T) {
	for _, tok := range []string{"0", "-0", "1", "-1", "1796047361", "1796047361.549", "1796047361.5491", "1e3", "1E+3",
		"-1.5e-3", "1e13", "1e14", "-1e13", "0.0005", "01", "1.", ".5", "+1", "-", "1e", "1e+", "\"1\"", "true", "1x"} {
		d := jsonReader{data: []byte(tok)}
		got, ok := d.time()
		ok = ok && d.end()
		var want Time
		err := json.Unmarshal([]byte(tok), &want)
		switch {
		case ok && err != nil:
			t.Errorf("%s: read as %v; encoding/json refuses it: %v", tok, got.T(), err)
		case ok && !reflect.DeepEqual(got, want):
			t.Errorf("%s: read as %v; encoding/json reads %v", tok, got.T(), want.T())
		case !ok && err == nil:
			t.Errorf("%s: refused; encoding/json reads %v", tok, want.T())
		}
	}
}

func TestAppendBlobIsMarshal(t *testing.T) {
	for _, v := range [][]byte{nil, {}, {0}, {0xff, 0xfe}, []byte("hello, world"), bytes.Repeat([]byte{1, 2, 3}, 100)} {
		want, _ := json.Marshal(v)
		if v == nil {
			want = []byte(`""`) // a nil blob is omitted before it reaches appendBlob
		}
		if got := appendBlob(nil, v); !bytes.Equal(got, want) {
			t.Errorf("appendBlob(%v) = %s, want %s", v, got, want)
		}
	}
}
