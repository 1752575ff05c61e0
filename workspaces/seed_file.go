package workspaces

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// A seed file is read with goccy/go-yaml because it reports where each
// value is: every error names the file, line, column and field to fix.
// JSON is YAML, so a JSON seed reads the same way.

// SeedError is one thing wrong with a seed file, and where.
type SeedError struct {
	File   string
	Line   int
	Column int
	// Field is the path of the field at fault, e.g.
	// accounts[0].images[1].applications[0].state; empty for the file itself.
	Field string
	Msg   string
}

func (e *SeedError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxSeedErrors bounds how many problems one run reports: enough to fix a
// file in one go, not a wall of text for a file that is not a seed at all.
const maxSeedErrors = 20

// seedDoc is a parsed seed file with the position of every value.
type seedDoc struct {
	name string
	// pos maps a field path (accounts[0].images[1].state) to where its
	// value starts; keyPos to where its key is.
	pos, keyPos map[string]token.Position
	// tags are the explicit YAML tags (!!str, !!binary, ...) of the file.
	tags []*token.Token
	errs []error
}

// seedTags are the YAML tags a seed file may use: those of the plain
// values it holds. Others (!!binary, !!timestamp, custom tags) are refused
// where they are, before the YAML library is asked to decode them.
var seedTags = map[string]bool{"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true, "!!seq": true, "!!map": true}

// ReadSeedFile reads and parses a seed file.
func ReadSeedFile(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the seed file: %w (check --seed / WSLOCAL_SEED)", err)
	}
	return ParseSeed(path, data)
}

// ParseSeed reads a seed from YAML or JSON; name is the file name errors
// report. Every problem found is reported, each as a *SeedError, joined.
func ParseSeed(name string, data []byte) (seed *Seed, err error) {
	d := &seedDoc{name: name, pos: map[string]token.Position{}, keyPos: map[string]token.Position{}}
	// The YAML library panics on some inputs; no input may stop the
	// process, so a panic is reported as a problem of the file, at the
	// first explicit tag (the usual culprit) or at its start.
	defer func() {
		if v := recover(); v != nil {
			e := &SeedError{File: name, Line: 1, Column: 1, Msg: fmt.Sprintf("the YAML library cannot read this: %v", v)}
			if len(d.tags) > 0 {
				e.Line, e.Column, e.Field = d.tags[0].Position.Line, d.tags[0].Position.Column, d.fieldAt(d.tags[0].Position)
			}
			seed, err = nil, e
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, d.yamlError(err)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, &SeedError{File: name, Msg: "the seed file must hold one document, a mapping with an accounts list"}
	}
	body := f.Docs[0].Body
	d.index(body, "")
	for _, tk := range d.tags {
		if !seedTags[tk.Value] {
			d.errs = append(d.errs, &SeedError{File: name, Line: tk.Position.Line, Column: tk.Position.Column,
				Field: d.fieldAt(tk.Position), Msg: fmt.Sprintf("the YAML tag %s is not supported in a seed file; write the plain value", tk.Value)})
		}
	}
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	var sf seedFile
	if err := yaml.NodeToValue(body, &sf, yaml.DisallowUnknownField()); err != nil {
		return nil, d.yamlError(err)
	}
	seed = &Seed{doc: d, file: sf}
	seed.validate()
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return seed, nil
}

// index records the position of every value and key under n.
func (d *seedDoc) index(n ast.Node, path string) {
	switch n := n.(type) {
	case *ast.DocumentNode:
		d.index(n.Body, path)
	case *ast.MappingNode:
		for _, v := range n.Values {
			d.index(v, path)
		}
	case *ast.MappingValueNode:
		key := fieldPath(path, n.Key.GetToken().Value)
		d.keyPos[key] = *n.Key.GetToken().Position
		if tk := n.Value.GetToken(); tk != nil {
			d.pos[key] = *tk.Position
		}
		d.index(n.Value, key)
	case *ast.SequenceNode:
		for i, v := range n.Values {
			p := fmt.Sprintf("%s[%d]", path, i)
			if tk := v.GetToken(); tk != nil {
				d.pos[p] = *tk.Position
			}
			d.index(v, p)
		}
	case *ast.AnchorNode:
		d.index(n.Value, path)
	case *ast.TagNode:
		d.tags = append(d.tags, n.Start)
		d.index(n.Value, path)
	}
}

// fieldPath appends a mapping key to a path; keys that are not plain
// names (tag keys, say) are quoted.
func fieldPath(path, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			plain = false
		}
	}
	if !plain {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// errorf records a problem with the field at path. When the field is
// absent it points at the nearest enclosing one that is there.
func (d *seedDoc) errorf(path, format string, args ...any) {
	d.errs = append(d.errs, d.errAt(path, false, fmt.Sprintf(format, args...)))
}

// keyErrorf records a problem with a mapping key itself (a tag key).
func (d *seedDoc) keyErrorf(path, format string, args ...any) {
	d.errs = append(d.errs, d.errAt(path, true, fmt.Sprintf(format, args...)))
}

func (d *seedDoc) errAt(path string, key bool, msg string) error {
	if len(d.errs) >= maxSeedErrors {
		return nil // errors.Join drops nils
	}
	e := &SeedError{File: d.name, Field: path, Msg: msg}
	for p := path; ; p = parentPath(p) {
		pos, ok := d.pos[p]
		if key || !ok {
			if kp, kok := d.keyPos[p]; kok {
				pos, ok = kp, true
			}
		}
		if ok {
			e.Line, e.Column = pos.Line, pos.Column
			break
		}
		if p == "" {
			break
		}
	}
	return e
}

// parentPath drops the last element of a path.
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// yamlError turns a parse or decode error into a SeedError at its token.
func (d *seedDoc) yamlError(err error) error {
	e := &SeedError{File: d.name, Msg: err.Error()}
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return e
	}
	if tk := ye.GetToken(); tk != nil {
		e.Line, e.Column = tk.Position.Line, tk.Position.Column
		e.Field = d.fieldAt(tk.Position)
	}
	e.Msg = ye.GetMessage()
	var unknown *yaml.UnknownFieldError
	var typeErr *yaml.TypeError
	switch {
	case errors.As(err, &unknown):
		e.Msg += " (see docs/seed.example.yaml for the fields of each item)"
	case errors.As(err, &typeErr):
		e.Msg = fmt.Sprintf("%q is not %s", ye.GetToken().Value, kindName(typeErr.DstType))
	}
	return e
}

// fieldAt returns the path whose key or value is at pos, if any: a key
// first, then the longest (innermost) path.
func (d *seedDoc) fieldAt(pos *token.Position) string {
	best := ""
	for _, m := range []map[string]token.Position{d.keyPos, d.pos} {
		for p, at := range m {
			if at.Line == pos.Line && at.Column == pos.Column && len(p) > len(best) {
				best = p
			}
		}
		if best != "" {
			return best
		}
	}
	return best
}

// kindName says what a Go type is in YAML words.
func kindName(t reflect.Type) string {
	if t == nil {
		return "of the right type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return "a " + t.String()
}
