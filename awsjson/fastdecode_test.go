package awsjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/internal/randfill"
)

// agree checks the rule of the generated decoders on one body: what the
// fast decoder accepts, the checked path accepts with a deep-equal input
// and no null members; what it refuses, it leaves zero. It reports whether
// the fast decoder accepted.
func agree(t testing.TB, op *api.Operation, body []byte) bool {
	t.Helper()
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return false // decodeInput answers before either decoder
	}
	fast := op.NewInput()
	if !fast.(fastDecoder).DecodeJSON(body) {
		if !reflect.DeepEqual(fast, op.NewInput()) {
			t.Fatalf("%s: the fast decoder refused %q but left %+v", op.Name, body, fast)
		}
		return false
	}
	checked := op.NewInput()
	nulls, err := decodeChecked(body, checked)
	switch {
	case err != nil:
		t.Fatalf("%s: the fast decoder accepted %q, the checked path refuses it: %v", op.Name, body, err)
	case nulls != nil:
		t.Fatalf("%s: the fast decoder accepted %q, which has null members %v", op.Name, body, nulls)
	case !reflect.DeepEqual(fast, checked):
		t.Fatalf("%s: %q decodes\nfast:    %#v\nchecked: %#v", op.Name, body, fast, checked)
	}
	return true
}

// node is a JSON value kept with its members in order, to be mutated.
type node struct {
	obj  []member // an object when isObj
	arr  []*node  // a list when isArr
	raw  string   // any other value, as written
	kind byte     // '{', '[' or 0
}

type member struct {
	key string // as written, quotes included
	val *node
}

func parseNode(dec *json.Decoder) *node {
	tok, err := dec.Token()
	if err != nil {
		panic(err)
	}
	switch tok := tok.(type) {
	case json.Delim:
		n := &node{kind: byte(tok)}
		for dec.More() {
			if n.kind == '{' {
				k, _ := dec.Token()
				kb, _ := json.Marshal(k)
				n.obj = append(n.obj, member{string(kb), parseNode(dec)})
			} else {
				n.arr = append(n.arr, parseNode(dec))
			}
		}
		_, _ = dec.Token()
		return n
	default:
		b, _ := json.Marshal(tok)
		return &node{raw: string(b)}
	}
}

func (n *node) write(b *strings.Builder, r *rand.Rand, spaced bool) {
	sp := func() {
		if spaced && r.IntN(3) == 0 {
			b.WriteString([]string{" ", "\n", "\t ", "\r\n"}[r.IntN(4)])
		}
	}
	sp()
	switch n.kind {
	case '{':
		b.WriteByte('{')
		for i, m := range n.obj {
			if i > 0 {
				b.WriteByte(',')
			}
			sp()
			b.WriteString(m.key)
			sp()
			b.WriteByte(':')
			m.val.write(b, r, spaced)
		}
		sp()
		b.WriteByte('}')
	case '[':
		b.WriteByte('[')
		for i, e := range n.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			e.write(b, r, spaced)
		}
		sp()
		b.WriteByte(']')
	default:
		b.WriteString(n.raw)
	}
	sp()
}

// nodes lists n and every value beneath it.
func (n *node) nodes(out []*node) []*node {
	out = append(out, n)
	for _, m := range n.obj {
		out = m.val.nodes(out)
	}
	for _, e := range n.arr {
		out = e.nodes(out)
	}
	return out
}

// oddValues replace a value: wrong types, nulls, numbers out of range or
// in forms encoding/json refuses for an integer, escapes, surrogates.
var oddValues = []string{
	`null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `1.5`, `1e2`, `1E+2`, `-1.0e-3`, `2147483647`, `2147483648`,
	`-2147483648`, `-2147483649`, `99999999999999999999`, `1e400`, `-1e400`, `1796047361.549`, `1e13`, `1e14`,
	`""`, `"x"`, `"\u00e9"`, `"\ud83d\ude00"`, `"\ud800"`, `"\udc00x"`, `"\ud800\u0041"`, `"a\nb"`, `"\/"`,
	`"AAEC"`, `"AAE="`, `"!!"`, `"5"`, `[]`, `[null]`, `[1,null]`, `{}`, `{"a":null}`, `[[]]`, `[{}]`,
	`{"Key":"k","Value":"v"}`, `["APPLICATION"]`, `["x","x"]`,
	strings.Repeat("[", 70) + strings.Repeat("]", 70),
	strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70),
}

// mutate changes body's tree in one of the ways the protocol judges.
func mutate(r *rand.Rand, root *node) {
	all := root.nodes(nil)
	var objs, arrs []*node
	for _, n := range all {
		switch n.kind {
		case '{':
			objs = append(objs, n)
		case '[':
			arrs = append(arrs, n)
		}
	}
	withMembers := slices.DeleteFunc(slices.Clone(objs), func(n *node) bool { return len(n.obj) == 0 })
	switch r.IntN(9) {
	case 0: // a member given twice
		if len(withMembers) > 0 {
			o := withMembers[r.IntN(len(withMembers))]
			m := o.obj[r.IntN(len(o.obj))]
			o.obj = slices.Insert(o.obj, r.IntN(len(o.obj)+1), member{m.key, &node{raw: oddValues[r.IntN(len(oddValues))]}})
		}
	case 1: // a name that case-folds to a model name, or escapes a letter
		if len(withMembers) > 0 {
			o := withMembers[r.IntN(len(withMembers))]
			m := &o.obj[r.IntN(len(o.obj))]
			switch r.IntN(4) {
			case 0:
				m.key = strings.ToLower(m.key)
			case 1:
				m.key = strings.ToUpper(m.key)
			case 2:
				m.key = strings.Replace(strings.Replace(m.key, "s", "ſ", 1), "K", "\u212a", 1)
			default:
				m.key = fmt.Sprintf(`"\u%04x%s`, m.key[1], m.key[2:])
			}
		}
	case 2: // an unknown member
		if len(objs) > 0 {
			o := objs[r.IntN(len(objs))]
			o.obj = append(o.obj, member{`"Unknown"`, &node{raw: oddValues[r.IntN(len(oddValues))]}})
		}
	case 3: // null or a wrong value in a list
		if len(arrs) > 0 {
			a := arrs[r.IntN(len(arrs))]
			a.arr = slices.Insert(a.arr, r.IntN(len(a.arr)+1), &node{raw: oddValues[r.IntN(4)]})
		}
	case 4: // a list longer than the bound (rarely: it is slow to write)
		if len(arrs) > 0 && r.IntN(16) == 0 {
			a := arrs[r.IntN(len(arrs))]
			for len(a.arr) <= maxArrayLen {
				a.arr = append(a.arr, &node{raw: `"x"`})
			}
		}
	default: // any value replaced
		n := all[r.IntN(len(all))]
		*n = node{raw: oddValues[r.IntN(len(oddValues))]}
	}
}

// TestFastDecodeAgrees drives every operation's generated decoder with
// random inputs as encoding/json writes them, as SDKs send them, and
// mutated, and holds it to the checked path.
func TestFastDecodeAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 100
	if testing.Short() {
		n = 10
	}
	for _, name := range slices.Sorted(maps.Keys(api.Operations)) {
		op := api.Operations[name]
		in := reflect.TypeOf(op.NewInput()).Elem()
		accepted := 0
		for i := range n {
			f := &randfill.Filler{R: r, Plain: i%2 == 0}
			v := reflect.New(in)
			f.Fill(v.Elem())
			body, err := json.Marshal(v.Interface())
			if err != nil {
				t.Fatal(err)
			}
			if agree(t, op, body) {
				accepted++
			}
			if f.Plain && !agree(t, op, body) {
				t.Fatalf("%s: the fast decoder refused a plain body %s", name, body)
			}
			var b strings.Builder
			root := parseNode(json.NewDecoder(bytes.NewReader(body)))
			root.write(&b, r, true)
			if f.Plain && !agree(t, op, []byte(b.String())) {
				t.Fatalf("%s: the fast decoder refused a plain body %s", name, b.String())
			}
			for range 4 {
				root := parseNode(json.NewDecoder(bytes.NewReader(body)))
				mutate(r, root)
				b.Reset()
				root.write(&b, r, r.IntN(2) == 0)
				mutated := b.String()
				agree(t, op, []byte(mutated))
				// A body cut short or with a byte changed.
				cut := []byte(mutated[:r.IntN(len(mutated)+1)])
				agree(t, op, cut)
				if len(mutated) > 0 {
					flipped := []byte(mutated)
					const flips = "\"\\{}[],:0a \x00\xff"
					flipped[r.IntN(len(flipped))] = flips[r.IntN(len(flips))]
					agree(t, op, flipped)
				}
			}
		}
		if accepted == 0 {
			t.Errorf("%s: the fast decoder accepted none of %d bodies", name, n)
		}
	}
}

// TestFastDecodeTakesSDKBodies: the bodies the benchmarks and SDKs send
// take the fast path (else the generated decoders would buy nothing).
func TestFastDecodeTakesSDKBodies(t *testing.T) {
	for _, c := range []struct{ op, body string }{
		{"DescribeImageAssociations", `{"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"]}`},
		{"DescribeWorkspaceImages", `{}`},
		{"DescribeWorkspaceImages", `{"ImageIds":["wsi-0123456789"],"MaxResults":25,"NextToken":"abc"}`},
		{"ImportWorkspaceImage", `{"Ec2ImageId":"ami-12345678","IngestionProcess":"BYOL_REGULAR","ImageName":"bench","ImageDescription":"bench","Applications":["Microsoft_Office_2019"],"Tags":[{"Key":"k","Value":"v"}]}`},
		{"CreateWorkspaces", `{"Workspaces":[{"DirectoryId":"d-1234567890","UserName":"u","BundleId":"wsb-123456789","WorkspaceProperties":{"RunningMode":"AUTO_STOP","RunningModeAutoStopTimeoutInMinutes":60},"Tags":[{"Key":"k"}]}]}`},
		{"ImportClientBranding", `{"ResourceId":"d-1234567890","DeviceTypeIos":{"Logo":"iVBORw0KGgo=","LoginMessage":{"en_US":"hi"}}}`},
	} {
		if !agree(t, api.Operations[c.op], []byte(c.body)) {
			t.Errorf("%s: the fast decoder refused %s", c.op, c.body)
		}
	}
}

func FuzzFastDecode(f *testing.F) {
	ops := slices.Sorted(maps.Keys(api.Operations))
	index := map[string]uint8{}
	for i, name := range ops {
		index[name] = uint8(i)
	}
	f.Add(index["DescribeImageAssociations"], []byte(`{"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"]}`))
	f.Add(index["DescribeWorkspaceImages"], []byte(`{"ImageIds":["wsi-0123456789"],"MaxResults":25,"NextToken":"abc"}`))
	f.Add(index["CreateWorkspaces"], []byte(`{"Workspaces":[{"DirectoryId":"d-1234567890","UserName":"u","BundleId":"wsb-123456789","WorkspaceProperties":{"RunningMode":"AUTO_STOP","RunningModeAutoStopTimeoutInMinutes":60},"Tags":[{"Key":"k"}]}]}`))
	f.Add(index["ImportClientBranding"], []byte(`{"ResourceId":"d-1234567890","DeviceTypeIos":{"Logo":"iVBORw0KGgo=","LoginMessage":{"en_US":"hi","fr_FR":"\u00e9"}}}`))
	f.Add(index["CreateWorkspacesPool"], []byte(`{"PoolName":"p","Description":"d","BundleId":"wsb-123456789","DirectoryId":"wsd-123456789","Capacity":{"DesiredUserSessions":1},"TimeoutSettings":{"MaxUserDurationInSeconds":600}}`))
	f.Add(index["DescribeImageAssociations"], []byte(`{"ImageId":"x","ImageId":null,"imageid":"y","AssociatedResourceTypes":[null,"\ud800"]}`))
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		agree(t, api.Operations[ops[int(op)%len(ops)]], body)
	})
}
