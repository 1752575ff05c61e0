package metrics

import (
	"math"
	"strconv"
	"strings"
)

// contentType is the Prometheus text format's, version 0.0.4.
const contentType = "text/plain; version=0.0.4; charset=utf-8"

// text appends metrics in the Prometheus text format: a family's HELP and
// TYPE lines, then its samples.
type text struct {
	b []byte
}

// family starts a metric family. typ is counter, gauge, histogram or
// summary.
func (t *text) family(name, typ, help string) {
	t.b = append(t.b, "# HELP "...)
	t.b = append(t.b, name...)
	t.b = append(t.b, ' ')
	t.b = append(t.b, helpEscaper.Replace(help)...)
	t.b = append(t.b, "\n# TYPE "...)
	t.b = append(t.b, name...)
	t.b = append(t.b, ' ')
	t.b = append(t.b, typ...)
	t.b = append(t.b, '\n')
}

// sample appends one sample; labels are name, value pairs.
func (t *text) sample(name string, v float64, labels ...string) {
	t.b = append(t.b, name...)
	if len(labels) > 0 {
		t.b = append(t.b, '{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				t.b = append(t.b, ',')
			}
			t.b = append(t.b, labels[i]...)
			t.b = append(t.b, `="`...)
			t.b = append(t.b, valueEscaper.Replace(labels[i+1])...)
			t.b = append(t.b, '"')
		}
		t.b = append(t.b, '}')
	}
	t.b = append(t.b, ' ')
	t.b = appendFloat(t.b, v)
	t.b = append(t.b, '\n')
}

// The format's escapes: a label value escapes backslash, double quote and
// line feed; HELP text backslash and line feed.
var (
	valueEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
