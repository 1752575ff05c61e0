package main

import (
	"bytes"
	"fmt"
)

// The JSON codecs (json_gen.go): a one-pass decoder for every input and
// the shapes beneath it, an encoder for every output and the shapes
// beneath it, on the hand-written reader and writers of api/json.go.

// maxCodecDepth bounds how deep the model's inputs nest: the decoders
// do not count depth, so the model must stay under the protocol's bound
// of 64 levels on its own.
const maxCodecDepth = 32

// preencoded are the output structures whose JSON a service may encode
// once and splice into every answer that holds them (EncodeOnce): the
// elements of a Describe that are the same from one request to the next.
var preencoded = map[string]bool{"WorkspaceImage": true}

func (g *generator) genCodecs(b *bytes.Buffer) error {
	outputs := map[string]bool{}
	for _, op := range g.m.Operations {
		g.reach(op.Output.Shape, outputs)
	}
	for _, name := range sortedKeys(preencoded) {
		if s := g.m.Shapes[name]; s == nil || s.Type != "structure" || !outputs[name] || g.inputs[name] {
			return fmt.Errorf("preencoded %s: not a structure of outputs only", name)
		}
	}
	for _, op := range g.m.Operations {
		if d := g.depth(op.Input.Shape, map[string]bool{}); d > maxCodecDepth {
			return fmt.Errorf("input %s nests %d levels: the generated decoders count no depth", op.Input.Shape, d)
		}
	}
	for _, name := range sortedKeys(g.m.Shapes) {
		s := g.m.Shapes[name]
		if s.Exception {
			continue
		}
		switch s.Type {
		case "long", "float", "double":
			if g.inputs[name] || outputs[name] {
				return fmt.Errorf("shape %s: the JSON codecs do not handle %s yet", name, s.Type)
			}
		case "string":
			if g.inputs[name] && len(s.Enum) > 0 {
				g.genEnumDecoder(b, name, s)
			}
		case "structure", "list", "map":
			if g.inputs[name] {
				g.genDecoder(b, name, s)
			}
			if outputs[name] {
				g.genEncoder(b, name, s)
			}
		}
	}
	ins, outs := map[string]bool{}, map[string]bool{}
	for _, name := range sortedKeys(g.m.Operations) {
		op := g.m.Operations[name]
		if in := exported(op.Input.Shape); !ins[in] {
			ins[in] = true
			fmt.Fprintf(b, `
// DecodeJSON reads body, a JSON object, into v in one pass, and says
// whether it could: on anything but a plain valid body (escapes, unknown
// or repeated members, nulls in lists, numbers out of range, bad syntax)
// it leaves v zero and answers false, for the checked decoder to judge.
func (v *%s) DecodeJSON(body []byte) bool {
	d := jsonReader{data: body}
	if v.decodeJSON(&d) && d.end() {
		return true
	}
	*v = %s{}
	return false
}
`, in, in)
		}
		if out := exported(op.Output.Shape); !outs[out] {
			outs[out] = true
			fmt.Fprintf(b, `
// AppendJSON appends to b what encoding/json's Marshal writes for v.
func (v *%s) AppendJSON(b []byte) []byte {
	return v.appendJSON(b)
}
`, out)
		}
	}
	return nil
}

// reach marks name and every shape beneath it.
func (g *generator) reach(name string, set map[string]bool) {
	if set[name] {
		return
	}
	set[name] = true
	s := g.m.Shapes[name]
	for _, r := range []*ShapeRef{s.Member, s.Key, s.Value} {
		if r != nil {
			g.reach(r.Shape, set)
		}
	}
	for _, r := range s.Members {
		g.reach(r.Shape, set)
	}
}

// depth is how many JSON levels a value of the shape can nest; a cycle
// counts as unbounded.
func (g *generator) depth(name string, onPath map[string]bool) int {
	if onPath[name] {
		return 1 << 20
	}
	onPath[name] = true
	defer delete(onPath, name)
	s := g.m.Shapes[name]
	d := 0
	for _, r := range []*ShapeRef{s.Member, s.Key, s.Value} {
		if r != nil {
			d = max(d, g.depth(r.Shape, onPath))
		}
	}
	for _, r := range s.Members {
		d = max(d, g.depth(r.Shape, onPath))
	}
	switch s.Type {
	case "structure", "list", "map":
		return d + 1
	}
	return d
}

// decodeValue writes statements that read a value of the shape into
// target, or return fail.
func (g *generator) decodeValue(b *bytes.Buffer, shape, target string, ptr bool, fail string) {
	s := g.m.Shapes[shape]
	amp := ""
	if ptr {
		amp = "&"
	}
	read := func(call string) {
		fmt.Fprintf(b, "x, ok := %s\nif !ok {\nreturn %s\n}\n", call, fail)
	}
	switch s.Type {
	case "string":
		if len(s.Enum) > 0 {
			read(fmt.Sprintf("decode%s(d)", exported(shape)))
			fmt.Fprintf(b, "%s = x\n", target)
		} else {
			read("d.string()")
			fmt.Fprintf(b, "%s = %sx\n", target, amp)
		}
	case "integer":
		read("d.int32()")
		fmt.Fprintf(b, "%s = %sx\n", target, amp)
	case "boolean":
		read("d.bool()")
		fmt.Fprintf(b, "%s = %sx\n", target, amp)
	case "timestamp":
		read("d.time()")
		fmt.Fprintf(b, "%s = %sx\n", target, amp)
	case "blob":
		read("d.blob()")
		fmt.Fprintf(b, "%s = x\n", target)
	case "list", "map":
		read(fmt.Sprintf("decode%s(d)", exported(shape)))
		fmt.Fprintf(b, "%s = x\n", target)
	case "structure":
		if ptr {
			fmt.Fprintf(b, "x := new(%s)\nif !x.decodeJSON(d) {\nreturn %s\n}\n%s = x\n", exported(shape), fail, target)
		} else {
			fmt.Fprintf(b, "if !%s.decodeJSON(d) {\nreturn %s\n}\n", target, fail)
		}
	default:
		panic("unreachable: " + s.Type)
	}
}

// genEnumDecoder reads an enum: a value of the model is its constant, not a
// copy of the body; any other string is kept as it came, for validation.
func (g *generator) genEnumDecoder(b *bytes.Buffer, name string, s *Shape) {
	typ := exported(name)
	fmt.Fprintf(b, "\nfunc decode%s(d *jsonReader) (%s, bool) {\ns, ok := d.rawString()\nif !ok {\nreturn \"\", false\n}\nswitch string(s) {\n", typ, typ)
	seen := map[string]bool{}
	for _, v := range s.Enum {
		if !seen[v] {
			seen[v] = true
			fmt.Fprintf(b, "case %q:\nreturn %q, true\n", v, v)
		}
	}
	fmt.Fprintf(b, "}\nreturn %s(s), true\n}\n", typ)
}

func (g *generator) genDecoder(b *bytes.Buffer, name string, s *Shape) {
	typ := g.goType(name, true)
	switch s.Type {
	case "structure":
		fmt.Fprintf(b, "\nfunc (v *%s) decodeJSON(d *jsonReader) bool {\nif !d.open('{') {\nreturn false\n}\n", typ)
		if len(s.memberOrder) > 0 {
			fmt.Fprintf(b, "var seen [%d]bool\n", len(s.memberOrder))
		}
		b.WriteString("for i := 0; ; i++ {\nmore, ok := d.next(i, '}')\nif !ok || !more {\nreturn ok\n}\nk, ok := d.key()\nif !ok {\nreturn false\n}\nswitch string(k) {\n")
		for i, mem := range s.memberOrder {
			fmt.Fprintf(b, "case %q:\nif seen[%d] {\nreturn false\n}\nseen[%d] = true\nif d.null() {\ncontinue\n}\n", mem, i, i)
			g.decodeValue(b, s.Members[mem].Shape, "v."+exported(mem), true, "false")
		}
		b.WriteString("default:\nreturn false\n}\n}\n}\n")
	case "list":
		fmt.Fprintf(b, "\nfunc decode%s(d *jsonReader) (%s, bool) {\nif !d.open('[') {\nreturn nil, false\n}\nl := %s{}\n", exported(name), typ, typ)
		b.WriteString("for i := 0; ; i++ {\nmore, ok := d.next(i, ']')\nif !ok || !more {\nreturn l, ok\n}\nif i == maxListLen || d.null() {\nreturn nil, false\n}\n")
		if es := s.Member.Shape; g.m.Shapes[es].Type == "structure" {
			fmt.Fprintf(b, "l = append(l, %s{})\n", exported(es))
			g.decodeValue(b, es, "l[i]", false, "nil, false")
		} else {
			fmt.Fprintf(b, "var e %s\n{\n", g.goType(es, true))
			g.decodeValue(b, es, "e", false, "nil, false")
			b.WriteString("}\nl = append(l, e)\n")
		}
		b.WriteString("}\n}\n")
	case "map":
		if ks := g.m.Shapes[s.Key.Shape]; ks.Type != "string" {
			panic("map keyed by " + ks.Type + ": not supported by the generator")
		}
		kt := g.goType(s.Key.Shape, true)
		fmt.Fprintf(b, "\nfunc decode%s(d *jsonReader) (%s, bool) {\nif !d.open('{') {\nreturn nil, false\n}\nm := %s{}\n", exported(name), typ, typ)
		b.WriteString("for i := 0; ; i++ {\nmore, ok := d.next(i, '}')\nif !ok || !more {\nreturn m, ok\n}\nk, ok := d.key()\nif !ok {\nreturn nil, false\n}\n")
		fmt.Fprintf(b, "key := %s(k)\nif _, dup := m[key]; dup || d.null() {\nreturn nil, false\n}\n", kt)
		fmt.Fprintf(b, "var e %s\n{\n", g.goType(s.Value.Shape, true))
		g.decodeValue(b, s.Value.Shape, "e", false, "nil, false")
		b.WriteString("}\nm[key] = e\n}\n}\n")
	}
}

// encodeValue writes statements that append expr, a present value of the
// shape (dereferenced when ptr), to b.
func (g *generator) encodeValue(b *bytes.Buffer, shape, expr string, ptr bool) {
	s := g.m.Shapes[shape]
	deref := expr
	if ptr {
		deref = "*" + expr
	}
	switch s.Type {
	case "string":
		fmt.Fprintf(b, "b = appendString(b, %s)\n", deref)
	case "integer":
		fmt.Fprintf(b, "b = strconv.AppendInt(b, int64(%s), 10)\n", deref)
	case "boolean":
		fmt.Fprintf(b, "b = strconv.AppendBool(b, %s)\n", deref)
	case "timestamp":
		fmt.Fprintf(b, "b = %s.appendJSON(b)\n", expr)
	case "blob":
		fmt.Fprintf(b, "b = appendBlob(b, %s)\n", expr)
	case "list", "map":
		fmt.Fprintf(b, "b = append%s(b, %s)\n", exported(shape), expr)
	case "structure":
		fmt.Fprintf(b, "b = %s.appendJSON(b)\n", expr)
	default:
		panic("unreachable: " + s.Type)
	}
}

func (g *generator) genEncoder(b *bytes.Buffer, name string, s *Shape) {
	typ := g.goType(name, true)
	switch s.Type {
	case "structure":
		if preencoded[name] {
			fmt.Fprintf(b, `
// EncodeOnce records v's JSON: from then on, encoding v, a copy of it or
// anything holding either writes the recorded bytes without encoding the
// members again. Nothing may change v or a copy of it afterwards.
func (v *%s) EncodeOnce() {
	v.encoded = nil
	v.encoded = v.appendJSON(nil)
}
`, typ)
		}
		fmt.Fprintf(b, "\nfunc (v *%s) appendJSON(b []byte) []byte {\n", typ)
		if preencoded[name] {
			b.WriteString("if v.encoded != nil {\nreturn append(b, v.encoded...)\n}\n")
		}
		if len(s.memberOrder) == 0 {
			b.WriteString("return append(b, '{', '}')\n}\n")
			return
		}
		// encoding/json writes members in field order, omitting the zero
		// ones (omitzero): nil pointers, slices and maps, "" enums.
		b.WriteString("b = append(b, '{')\nn := len(b)\n")
		for _, mem := range s.memberOrder {
			ms := g.m.Shapes[s.Members[mem].Shape]
			field := "v." + exported(mem)
			cond, ptr := field+" != nil", true
			switch {
			case ms.Type == "string" && len(ms.Enum) > 0:
				cond, ptr = field+` != ""`, false
			case ms.Type == "list" || ms.Type == "map" || ms.Type == "blob":
				ptr = false
			}
			fmt.Fprintf(b, "if %s {\nif len(b) > n {\nb = append(b, ',')\n}\nb = append(b, %q...)\n", cond, fmt.Sprintf("%q:", mem))
			g.encodeValue(b, s.Members[mem].Shape, field, ptr)
			b.WriteString("}\n")
		}
		b.WriteString("return append(b, '}')\n}\n")
	case "list":
		fmt.Fprintf(b, "\nfunc append%s(b []byte, l %s) []byte {\nb = append(b, '[')\nfor i := range l {\nif i > 0 {\nb = append(b, ',')\n}\n", exported(name), typ)
		g.encodeValue(b, s.Member.Shape, "l[i]", false)
		b.WriteString("}\nreturn append(b, ']')\n}\n")
	case "map":
		// encoding/json sorts a map's keys.
		fmt.Fprintf(b, "\nfunc append%s(b []byte, m %s) []byte {\nb = append(b, '{')\nfor i, k := range sortedKeys(m) {\nif i > 0 {\nb = append(b, ',')\n}\nb = appendString(b, k)\nb = append(b, ':')\n", exported(name), typ)
		g.encodeValue(b, s.Value.Shape, "m[k]", false)
		b.WriteString("}\nreturn append(b, '}')\n}\n")
	}
}
