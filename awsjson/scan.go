package awsjson

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Bounds of a request body's shape. The model's deepest input nests a
// handful of levels and its longest list holds a few dozen items, so these
// only stop abuse: each JSON value costs a Go allocation, and a 1 MiB body
// of "[null,null,...]" would otherwise become 200,000 structs.
const (
	maxDepth    = 64
	maxArrayLen = 10000
)

// scanner checks what encoding/json lets through silently: members given
// twice (it keeps the last), member names that differ from the model's
// only in case (it matches them case-insensitively, AWS does not), lone
// UTF-16 surrogates in \u escapes (it replaces them), and depth and list
// length. It runs on a body json.Valid and utf8.Valid have accepted, so it
// need not handle syntax errors; it walks the Go type of the input beside
// the JSON to know which objects are structures.
type scanner struct {
	data []byte
	pos  int
	// ignored are the name tokens (quotes included) of members that
	// encoding/json would bind to a member of another name, by its
	// case-insensitive, Unicode-folding match ("AſſociatedResourceTypes"
	// for AssociatedResourceTypes); AWS binds by exact name, so they are
	// unknown members and are ignored like any other.
	ignored [][2]int
	// nulls are the lists of the input with null members: validation path
	// to the indexes of the nulls.
	nulls map[string][]int
}

// scanned is what scanBody learnt of a body.
type scanned struct {
	// body is the body to decode: the original, or a copy in which the
	// ignored members are renamed so that encoding/json ignores them.
	body  []byte
	nulls map[string][]int
}

// scanBody checks body against the input type t (a pointer to a struct).
func scanBody(body []byte, t reflect.Type) (scanned, error) {
	s := &scanner{data: body}
	if err := s.value(t, 1, "", ""); err != nil {
		return scanned{}, err
	}
	out := scanned{body: body, nulls: s.nulls}
	if len(s.ignored) > 0 {
		// An empty name matches no member of the model.
		var b []byte
		last := 0
		for _, span := range s.ignored {
			b = append(b, body[last:span[0]]...)
			b = append(b, `""`...)
			last = span[1]
		}
		out.body = append(b, body[last:]...)
	}
	return out, nil
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// noPath is the validation path of a value the model gives none (below a
// map, inside an unknown member).
const noPath = "\x00"

// value checks the value at s.pos; t is the Go type it decodes into (nil
// for an unknown member, which is checked but ignored), path names it for
// messages, vpath for validation ("tags.2.member.key"; noPath where the
// model has none; "" for the input itself).
func (s *scanner) value(t reflect.Type, depth int, path, vpath string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s.skipSpace()
	switch s.data[s.pos] {
	case '{':
		if depth > maxDepth {
			return serializationError(fmt.Sprintf("The request body nests deeper than %d levels.", maxDepth))
		}
		return s.object(t, depth, path, vpath)
	case '[':
		if depth > maxDepth {
			return serializationError(fmt.Sprintf("The request body nests deeper than %d levels.", maxDepth))
		}
		return s.array(t, depth, path, vpath)
	case '"':
		_, err := s.str(path)
		return err
	default: // number, true, false, null: encoding/json checks their types and ranges
		for s.pos < len(s.data) && !strings.ContainsRune(",]} \t\n\r", rune(s.data[s.pos])) {
			s.pos++
		}
		return nil
	}
}

func (s *scanner) object(t reflect.Type, depth int, path, vpath string) error {
	s.pos++ // {
	var fields map[string]reflect.Type
	var names []string
	if t != nil && t.Kind() == reflect.Struct {
		fields, names = structFields(t)
	}
	seen := map[string]bool{}
	for {
		s.skipSpace()
		if s.data[s.pos] == '}' {
			s.pos++
			return nil
		}
		if s.data[s.pos] == ',' {
			s.pos++
			s.skipSpace()
		}
		keyStart := s.pos
		key, err := s.str(path)
		if err != nil {
			return err
		}
		if seen[key] {
			return serializationError(fmt.Sprintf("Member %s appears twice in the request.", quoteName(join(path, key))))
		}
		seen[key] = true
		s.skipSpace()
		s.pos++ // :
		var vt reflect.Type
		childV := noPath
		switch {
		case t == nil:
		case t.Kind() == reflect.Map:
			vt = t.Elem()
		case fields != nil:
			var ok bool
			if vt, ok = fields[key]; ok {
				if vpath != noPath {
					childV = join(vpath, lowerFirst(key))
				}
				break
			}
			for _, name := range names {
				if strings.EqualFold(key, name) {
					// encoding/json would take it for name; AWS, which
					// binds by exact name, ignores it as unknown.
					s.ignored = append(s.ignored, [2]int{keyStart, keyStart + len(s.rawKey(keyStart))})
					break
				}
			}
		}
		if err := s.value(vt, depth+1, join(path, key), childV); err != nil {
			return err
		}
	}
}

// rawKey is the string token that starts at start (quotes included); the
// scanner has read past it already.
func (s *scanner) rawKey(start int) []byte {
	i := start + 1
	for s.data[i] != '"' {
		if s.data[i] == '\\' {
			i++
		}
		i++
	}
	return s.data[start : i+1]
}

func (s *scanner) array(t reflect.Type, depth int, path, vpath string) error {
	s.pos++ // [
	var et reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		et = t.Elem()
	}
	for n := 0; ; n++ {
		s.skipSpace()
		if s.data[s.pos] == ']' {
			s.pos++
			return nil
		}
		if s.data[s.pos] == ',' {
			s.pos++
			s.skipSpace()
		}
		if n == maxArrayLen {
			return serializationError(fmt.Sprintf("The list %s has more than %d items.", quoteName(path), maxArrayLen))
		}
		if et != nil && vpath != noPath && s.data[s.pos] == 'n' {
			if s.nulls == nil {
				s.nulls = map[string][]int{}
			}
			s.nulls[vpath] = append(s.nulls[vpath], n)
		}
		elemV := noPath
		if vpath != noPath {
			elemV = vpath + "." + strconv.Itoa(n+1) + ".member"
		}
		if err := s.value(et, depth+1, path, elemV); err != nil {
			return err
		}
	}
}

// str reads a string at s.pos and returns its decoded value, refusing
// escapes of lone surrogates (they are not characters and cannot be
// stored as UTF-8).
func (s *scanner) str(path string) (string, error) {
	start := s.pos
	s.pos++ // "
	escaped := false
	for {
		c := s.data[s.pos]
		if c == '"' {
			s.pos++
			break
		}
		if c != '\\' {
			s.pos++
			continue
		}
		escaped = true
		if s.data[s.pos+1] != 'u' {
			s.pos += 2
			continue
		}
		r := hex4(s.data[s.pos+2 : s.pos+6])
		s.pos += 6
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return "", loneSurrogate(path)
		case r >= 0xD800 && r <= 0xDBFF:
			if s.pos+6 > len(s.data) || s.data[s.pos] != '\\' || s.data[s.pos+1] != 'u' {
				return "", loneSurrogate(path)
			}
			if lo := hex4(s.data[s.pos+2 : s.pos+6]); lo < 0xDC00 || lo > 0xDFFF {
				return "", loneSurrogate(path)
			}
			s.pos += 6
		}
	}
	raw := s.data[start:s.pos]
	if !escaped {
		return string(raw[1 : len(raw)-1]), nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", serializationError("The request body is not valid JSON.")
	}
	return v, nil
}

func loneSurrogate(path string) error {
	where := "the request"
	if path != "" {
		where = quoteName(path)
	}
	return serializationError(fmt.Sprintf("A string in %s escapes a lone UTF-16 surrogate, which is not a character.", where))
}

// hex4 reads four hex digits (json.Valid has checked they are).
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case '0' <= c && c <= '9':
			r |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			r |= rune(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// structFields maps a structure's JSON member names to their types, and
// lists the names.
func structFields(t reflect.Type) (map[string]reflect.Type, []string) {
	fields := map[string]reflect.Type{}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
		names = append(names, name)
	}
	return fields, names
}

// lowerFirst is a member's name in a validation path: its first letter
// lower-cased ("ImageId" is "imageId", "URL" is "uRL"), as api does.
func lowerFirst(name string) string {
	if name == "" {
		return ""
	}
	return strings.ToLower(name[:1]) + name[1:]
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// quoteName quotes a member path for a message, clipped so that a hostile
// key cannot make the answer large.
func quoteName(s string) string { return "'" + clip(s, 128) + "'" }

// clip shortens s to at most n bytes (on a rune boundary), marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
