// Package randfill fills Go values of the API's shapes with random
// contents, by reflection, for the differential tests of the generated
// JSON codecs: nil and empty lists and maps, absent and present members,
// strings that need escaping or are not valid UTF-8, extreme numbers.
package randfill

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"time"
)

// Filler makes random values.
type Filler struct {
	R *rand.Rand
	// Plain keeps strings to what a JSON encoder writes without escapes
	// (letters, digits, punctuation, valid non-ASCII), and fills every
	// member: the bodies SDKs send.
	Plain bool
	// Extra are more string fragments to draw from (a fuzzer's input).
	Extra []string
}

// plain fragments need no escape in JSON.
var plain = []string{"a", "Z", "wsi-0123456789", "9", "-", "_", " ", ".", "/", ":", "é", "日本", "😀", "ſ", "K", "~", "\u00a0"}

// odd fragments are escaped by an encoder, or are not UTF-8.
var odd = []string{"<", ">", "&", `"`, `\`, "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f", "\u2028", "\u2029",
	"\xff", "\xc3", "\xed\xa0\x80", "\ufffd", "\xf4\x90\x80\x80", "</script>"}

// Fill sets v, which must be settable, to a random value of its type.
func (f *Filler) Fill(v reflect.Value) { f.fill(v, 0) }

// New returns a pointer to a random T.
func New[T any](f *Filler) *T {
	p := new(T)
	f.Fill(reflect.ValueOf(p).Elem())
	return p
}

func (f *Filler) fill(v reflect.Value, depth int) {
	r := f.R
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		if !f.Plain && r.IntN(4) == 0 {
			return
		}
		p := reflect.New(t.Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		if !f.Plain {
			switch r.IntN(6) {
			case 0:
				return
			case 1:
				v.Set(reflect.MakeSlice(t, 0, 0))
				return
			}
		}
		n := 1 + r.IntN(3)
		if t.Elem().Kind() == reflect.Uint8 {
			n = r.IntN(40)
		}
		s := reflect.MakeSlice(t, n, n)
		for i := range n {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		if !f.Plain {
			switch r.IntN(6) {
			case 0:
				return
			case 1:
				v.Set(reflect.MakeMap(t))
				return
			}
		}
		m := reflect.MakeMap(t)
		for range 1 + r.IntN(4) {
			k := reflect.New(t.Key()).Elem()
			f.fill(k, depth+1)
			e := reflect.New(t.Elem()).Elem()
			f.fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		if t.ConvertibleTo(reflect.TypeFor[time.Time]()) {
			v.Set(reflect.ValueOf(f.time()).Convert(t))
			return
		}
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				f.fill(v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString(f.string())
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		bits := t.Bits()
		edges := []int64{0, 1, -1, 60, math.MaxInt64 >> (64 - bits), math.MinInt64 >> (64 - bits)}
		if r.IntN(2) == 0 {
			v.SetInt(edges[r.IntN(len(edges))])
		} else {
			v.SetInt(r.Int64() >> (64 - bits))
		}
	case reflect.Uint8:
		v.SetUint(uint64(r.IntN(256)))
	default:
		panic("randfill: no filler for " + t.String())
	}
}

func (f *Filler) string() string {
	r := f.R
	if !f.Plain && r.IntN(8) == 0 {
		return ""
	}
	var b strings.Builder
	for range 1 + r.IntN(6) {
		switch n := r.IntN(10); {
		case n == 0 && len(f.Extra) > 0:
			b.WriteString(f.Extra[r.IntN(len(f.Extra))])
		case n <= 2 && !f.Plain:
			b.WriteString(odd[r.IntN(len(odd))])
		default:
			b.WriteString(plain[r.IntN(len(plain))])
		}
	}
	return b.String()
}

// time is a timestamp: whole seconds, milliseconds, finer than the wire
// keeps, before 1970, far off.
func (f *Filler) time() time.Time {
	r := f.R
	switch r.IntN(5) {
	case 0:
		return time.Unix(r.Int64N(4e9)-1e9, 0).UTC()
	case 1:
		return time.UnixMilli(r.Int64N(4e12) - 1e12).UTC()
	case 2:
		return time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC()
	case 3:
		return time.UnixMilli(r.Int64N(2e15) - 1e15).UTC()
	}
	return time.Unix(1796047361, 549e6).UTC()
}
