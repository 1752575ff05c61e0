package api

import (
	"encoding/base64"
	"math"
	"unicode/utf8"
)

// The generated JSON decoders (json_gen.go) rest on this file. Each input
// has DecodeJSON, a one-pass reader into the Go struct for the common,
// valid body. It is not the protocol's judge: on anything unusual (an
// escape, an unknown or repeated member, a null in a list, a number out of
// its type, a syntax error) it gives up, leaves the input zero and says
// so, and the protocol layer decodes the body on its checked path, which
// words the error. What it accepts, the checked path accepts with the same
// result.

// jsonReader reads a JSON body for DecodeJSON.
type jsonReader struct {
	data []byte
	pos  int
}

// maxListLen is the longest list DecodeJSON takes (the protocol's bound).
const maxListLen = 10000

func (d *jsonReader) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// open reads the opening c of an object or list.
func (d *jsonReader) open(c byte) bool {
	d.ws()
	if d.pos < len(d.data) && d.data[d.pos] == c {
		d.pos++
		return true
	}
	return false
}

// next moves to the i-th item of the object or list closed by end: it
// reads the comma before it, or the end (more is false then).
func (d *jsonReader) next(i int, end byte) (more, ok bool) {
	d.ws()
	if d.pos >= len(d.data) {
		return false, false
	}
	switch c := d.data[d.pos]; {
	case c == end:
		d.pos++
		return false, true
	case i == 0:
		return true, true
	case c == ',':
		d.pos++
		return true, true
	}
	return false, false
}

// key reads a member name and its colon; the name is a slice of the body.
func (d *jsonReader) key() ([]byte, bool) {
	s, ok := d.rawString()
	if !ok {
		return nil, false
	}
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		return nil, false
	}
	d.pos++
	return s, true
}

// rawString reads a string without escapes and returns its bytes, checked
// to be valid UTF-8.
func (d *jsonReader) rawString() ([]byte, bool) {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, false
	}
	start := d.pos + 1
	ascii := true
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			s := d.data[start:i]
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// null reads a null if one is next.
func (d *jsonReader) null() bool {
	d.ws()
	if len(d.data)-d.pos >= 4 && string(d.data[d.pos:d.pos+4]) == "null" {
		d.pos += 4
		return true
	}
	return false
}

// end reports whether only white space is left.
func (d *jsonReader) end() bool {
	d.ws()
	return d.pos == len(d.data)
}

func (d *jsonReader) string() (string, bool) {
	s, ok := d.rawString()
	return string(s), ok
}

func (d *jsonReader) bool() (bool, bool) {
	d.ws()
	rest := d.data[d.pos:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		d.pos += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		d.pos += 5
		return false, true
	}
	return false, false
}

// integer reads an integer in [min, max]: digits, no fraction or exponent.
func (d *jsonReader) integer(min, max int64) (int64, bool) {
	d.ws()
	i := d.pos
	neg := i < len(d.data) && d.data[i] == '-'
	if neg {
		i++
	}
	start := i
	var u uint64
	for ; i < len(d.data) && '0' <= d.data[i] && d.data[i] <= '9'; i++ {
		if i-start >= 19 { // beyond any int64 bound: the checked path words it
			return 0, false
		}
		u = u*10 + uint64(d.data[i]-'0')
	}
	if i == start || (d.data[start] == '0' && i-start > 1) {
		return 0, false
	}
	if i < len(d.data) && (d.data[i] == '.' || d.data[i] == 'e' || d.data[i] == 'E') {
		return 0, false
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	v := int64(u)
	if neg {
		v = -v
	}
	if v < min || v > max {
		return 0, false
	}
	d.pos = i
	return v, true
}

func (d *jsonReader) int32() (int32, bool) {
	v, ok := d.integer(math.MinInt32, math.MaxInt32)
	return int32(v), ok
}

// number reads a number token, checked against JSON's grammar.
func (d *jsonReader) number() ([]byte, bool) {
	d.ws()
	data, i := d.data, d.pos
	digits := func() bool {
		j := i
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case !digits():
		return nil, false
	}
	if i < len(data) && data[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	tok := data[d.pos:i]
	d.pos = i
	return tok, true
}

// time reads a timestamp as (*Time).UnmarshalJSON does.
func (d *jsonReader) time() (Time, bool) {
	tok, ok := d.number()
	if !ok {
		return Time{}, false
	}
	var t Time
	if err := t.UnmarshalJSON(tok); err != nil {
		return Time{}, false
	}
	return t, true
}

// blob reads base64 as encoding/json does: a decoded empty string is an
// empty, not nil, slice.
func (d *jsonReader) blob() ([]byte, bool) {
	s, ok := d.rawString()
	if !ok {
		return nil, false
	}
	b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(b, s)
	if err != nil {
		return nil, false
	}
	return b[:n], true
}
