package api

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
)

// noLimit stands for a bound that the model does not set.
const noLimit = -1

// Violation is one broken constraint, phrased the way AWS phrases it.
type Violation struct {
	Path       string // lowerCamel, 1-based list indexes: tags.2.member.key
	Value      string // the value as AWS renders it
	Null       bool   // the value is absent
	Constraint string // "Member must not be null", ...
}

func (v Violation) String() string {
	if v.Null {
		return fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", v.Path, v.Constraint)
	}
	return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", v.Value, v.Path, v.Constraint)
}

// Violations collects every broken constraint of one input.
type Violations struct {
	List []Violation
	// nulls are the lists whose members the request gave as null, by
	// path, with the indexes of those members: Go's decoder makes a null
	// member a zero value, which could not be told from "" or {}.
	nulls map[string][]int
}

// ValidateWithNulls is in.Validate for an input decoded from a request in
// which the lists at the keys of nulls (validation paths, e.g.
// "associatedResourceTypes" or "tags") had null members at the given
// indexes: such a list is reported as AWS does, "Value '[null]' at
// 'associatedResourceTypes' failed to satisfy constraint: Member must
// satisfy constraint: [Member must not be null]".
func ValidateWithNulls(in Input, nulls map[string][]int) error {
	c, ok := in.(checkable)
	if !ok || len(nulls) == 0 {
		return in.Validate()
	}
	vs := &Violations{nulls: nulls}
	c.validate(vs, "")
	return vs.Err()
}

// nullMembers reports the list v at path once if the request gave it
// null members, rendering them as null; it says whether it did.
func (vs *Violations) nullMembers(path string, v any) bool {
	idx := vs.nulls[path]
	if len(idx) == 0 {
		return false
	}
	rv := reflect.ValueOf(v)
	parts := make([]string, rv.Len())
	for i := range parts {
		parts[i] = renderValue(rv.Index(i))
	}
	for _, i := range idx {
		if i < len(parts) {
			parts[i] = "null"
		}
	}
	vs.List = append(vs.List, Violation{Path: path, Value: "[" + strings.Join(parts, ", ") + "]",
		Constraint: "Member must satisfy constraint: [Member must not be null]"})
	return true
}

// Err returns nil, or a *ValidationException whose message lists every violation.
func (vs *Violations) Err() error {
	if len(vs.List) == 0 {
		return nil
	}
	parts := make([]string, len(vs.List))
	for i, v := range vs.List {
		parts[i] = v.String()
	}
	noun := "errors"
	if len(parts) == 1 {
		noun = "error"
	}
	msg := fmt.Sprintf("%d validation %s detected: %s", len(parts), noun, strings.Join(parts, "; "))
	return &ValidationException{Message: &msg}
}

// checkable is every input and structure of the model.
type checkable interface {
	validate(vs *Violations, path string)
}

// Check returns the model's constraint violations of v (nil when there
// are none), for callers that report them in their own words: the seed
// file names its own fields, not the request's.
func Check(v checkable) []Violation {
	vs := &Violations{}
	v.validate(vs, "")
	return vs.List
}

func (vs *Violations) add(path string, value any, constraint string) {
	vs.List = append(vs.List, Violation{Path: path, Value: render(value), Constraint: constraint})
}

func (vs *Violations) null(path string) {
	vs.List = append(vs.List, Violation{Path: path, Null: true, Constraint: "Member must not be null"})
}

func (vs *Violations) length(path string, value any, n int, min, max int64) {
	if min != noLimit && int64(n) < min {
		vs.add(path, value, fmt.Sprintf("Member must have length greater than or equal to %d", min))
	}
	if max != noLimit && int64(n) > max {
		vs.add(path, value, fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
}

func (vs *Violations) value(path string, v float64, min, max int64) {
	if min != noLimit && v < float64(min) {
		vs.add(path, v, fmt.Sprintf("Member must have value greater than or equal to %d", min))
	}
	if max != noLimit && v > float64(max) {
		vs.add(path, v, fmt.Sprintf("Member must have value less than or equal to %d", max))
	}
}

// lazyPattern is a validator's regular expression, compiled when a value
// first needs it. Compiling all of them at start took most of wslocal's
// start-up (6 ms, 3.5 MB allocated) and kept 0.6 MB live (five times that
// resident under GOGC=400) for patterns most requests never check. The
// generator compiles every pattern when it runs, so MustCompile cannot fail.
type lazyPattern struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

func (p *lazyPattern) get() *regexp.Regexp {
	p.once.Do(func() { p.re = regexp.MustCompile(p.expr) })
	return p.re
}

func (vs *Violations) pattern(path, v string, re *lazyPattern, pattern string) {
	if !re.get().MatchString(v) {
		vs.add(path, v, "Member must satisfy regular expression pattern: "+pattern)
	}
}

func (vs *Violations) enum(path, v string, allowed any) {
	vals := reflect.ValueOf(allowed)
	names := make([]string, vals.Len())
	for i := range names {
		names[i] = vals.Index(i).String()
		if names[i] == v {
			return
		}
	}
	vs.add(path, v, "Member must satisfy enum value set: ["+strings.Join(names, ", ")+"]")
}

// members reports a list of plain values (or a map's keys or values) once,
// at the list's path, when any of its n members breaks a constraint.
func (vs *Violations) members(path string, value any, n int, check func(e *Violations, i int), constraint string) {
	for i := 0; i < n; i++ {
		var e Violations
		check(&e, i)
		if len(e.List) > 0 {
			vs.add(path, value, constraint)
			return
		}
	}
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (vs *Violations) union(path string, set ...bool) {
	n := 0
	for _, s := range set {
		if s {
			n++
		}
	}
	if n != 1 {
		p := path
		if p == "" {
			p = "input"
		}
		vs.List = append(vs.List, Violation{Path: p, Null: n == 0,
			Value: fmt.Sprintf("%d members set", n), Constraint: "Member must have exactly one member set"})
	}
}

// stringLength counts UTF-16 code units, as AWS's length constraints do.
func stringLength(s string) int {
	n := 0
	for _, r := range s {
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}

func joinPath(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

func elemPath(path string, i int) string {
	return path + "." + strconv.Itoa(i+1) + ".member"
}

// render writes a value the way AWS echoes it in a validation message:
// lists as [a, b], structures as {Key=value}, blobs by size.
func render(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case []byte:
		return fmt.Sprintf("[%d bytes]", len(t))
	}
	return renderValue(reflect.ValueOf(v))
}

func renderValue(rv reflect.Value) string {
	switch rv.Kind() {
	case reflect.Invalid:
		return "null"
	case reflect.Pointer:
		if rv.IsNil() {
			return "null"
		}
		return renderValue(rv.Elem())
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return fmt.Sprintf("[%d bytes]", rv.Len())
		}
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = renderValue(rv.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		keys := rv.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(renderValue(a), renderValue(b)) })
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, renderValue(k)+"="+renderValue(rv.MapIndex(k)))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case reflect.Struct:
		if rv.Type() == reflect.TypeFor[Time]() {
			return rv.Interface().(Time).T().String()
		}
		var parts []string
		for i := 0; i < rv.NumField(); i++ {
			f := rv.Field(i)
			if f.IsZero() {
				continue
			}
			parts = append(parts, rv.Type().Field(i).Name+"="+renderValue(f))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case reflect.String:
		return rv.String()
	default:
		return fmt.Sprint(rv.Interface())
	}
}
