package api_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/internal/randfill"
)

type appender interface{ AppendJSON([]byte) []byte }

// outputTypes are the operations' output structures, from the Service
// interface.
func outputTypes(t testing.TB) []reflect.Type {
	var out []reflect.Type
	st := reflect.TypeFor[api.Service]()
	for i := range st.NumMethod() {
		ot := st.Method(i).Type.Out(0)
		if !ot.Implements(reflect.TypeFor[appender]()) {
			t.Fatalf("%s's output %s has no generated encoder", st.Method(i).Name, ot)
		}
		out = append(out, ot.Elem())
	}
	return out
}

// sameAsMarshal fails t unless v's generated encoder writes what
// json.Marshal writes.
func sameAsMarshal(t testing.TB, v reflect.Value) {
	t.Helper()
	want, err := json.Marshal(v.Interface())
	if err != nil {
		t.Fatalf("json.Marshal(%s): %v", v.Type(), err)
	}
	// Appending to a prefix checks that the encoder appends, not overwrites.
	got := v.Interface().(appender).AppendJSON([]byte("x"))
	if !bytes.Equal(got[1:], want) || got[0] != 'x' {
		t.Fatalf("%s: AppendJSON wrote\n%s\njson.Marshal writes\n%s", v.Type(), got, want)
	}
}

// TestAppendJSONIsMarshal: for every output, random values (nil and empty
// lists and maps, absent members, strings to escape and invalid UTF-8,
// timestamps with and without milliseconds) encode byte for byte as
// encoding/json encodes them.
func TestAppendJSONIsMarshal(t *testing.T) {
	f := &randfill.Filler{R: rand.New(rand.NewPCG(1, 2))}
	n := 300
	if testing.Short() {
		n = 30
	}
	for _, ot := range outputTypes(t) {
		sameAsMarshal(t, reflect.New(ot)) // every member absent
		for range n {
			p := reflect.New(ot)
			f.Fill(p.Elem())
			sameAsMarshal(t, p)
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add(uint64(1), "<a&b>\u2028\xff")
	f.Add(uint64(2), "")
	f.Add(uint64(3), "\x00\x1f\x7f\"\\")
	types := outputTypes(f)
	f.Fuzz(func(t *testing.T, seed uint64, s string) {
		fl := &randfill.Filler{R: rand.New(rand.NewPCG(seed, 0)), Extra: []string{s}}
		p := reflect.New(types[seed%uint64(len(types))])
		fl.Fill(p.Elem())
		sameAsMarshal(t, p)
	})
}

// TestEncodeOnceIsMarshal: images whose JSON was recorded (EncodeOnce)
// encode, alone, copied and in a DescribeWorkspaceImages answer, as
// json.Marshal encodes them, and so do those recorded again after a
// change.
func TestEncodeOnceIsMarshal(t *testing.T) {
	f := &randfill.Filler{R: rand.New(rand.NewPCG(3, 4))}
	for range 300 {
		var out api.DescribeWorkspaceImagesResult
		f.Fill(reflect.ValueOf(&out).Elem())
		for i := range out.Images {
			if i%2 == 0 {
				out.Images[i].EncodeOnce()
			}
		}
		sameAsMarshal(t, reflect.ValueOf(&out))
		for i := range out.Images {
			img := out.Images[i] // a copy keeps the recording
			sameAsMarshal(t, reflect.ValueOf(&api.DescribeWorkspaceImagesResult{Images: []api.WorkspaceImage{img}}))
			img.State = "CHANGED"
			img.EncodeOnce()
			sameAsMarshal(t, reflect.ValueOf(&api.DescribeWorkspaceImagesResult{Images: []api.WorkspaceImage{img}}))
		}
	}
}
