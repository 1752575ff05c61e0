package workspaces

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEveryKindIsInTheTable finds every kind* constant of the package in
// its source and every kind the transition table uses, and requires each
// in kindTable, with its facts consistent.
func TestEveryKindIsInTheTable(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	consts := map[string]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "kind") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						consts[n.Name] = v
						if p := fset.Position(n.Pos()); !strings.HasSuffix(p.Filename, "kinds.go") {
							t.Errorf("%s is declared in %s: kind constants belong in kinds.go", n.Name, p)
						}
					}
				}
			}
		}
	}
	if len(consts) < 10 {
		t.Fatalf("found only %d kind constants: %v", len(consts), consts)
	}
	for name, v := range consts {
		if kindByName[v] == nil {
			t.Errorf("%s = %q is not in kindTable", name, v)
		}
	}
	for _, tr := range transitions {
		if kindByName[tr.kind] == nil {
			t.Errorf("the transition table has kind %q, not in kindTable", tr.kind)
		}
	}
	if len(kindByName) != len(kindTable) {
		t.Errorf("kindTable names a kind twice")
	}

	var prefixes []string
	for _, k := range kindTable {
		if k.step != nil && !k.counted {
			t.Errorf("%s has a lifecycle but its steps are not counted", k.kind)
		}
		if k.taggable && (len(k.prefixes) == 0 || k.newDoc == nil) {
			t.Errorf("%s is taggable but has no ID prefix or no document", k.kind)
		}
		if k.taggable {
			id := newKindID(k.kind)
			if got, ok := taggableKind(id); !ok || got != k.kind || len(id) != len(k.prefixes[0])+9 {
				t.Errorf("newKindID(%s) = %s, which taggableKind reads as %q, %v", k.kind, id, got, ok)
			}
		}
		for _, p := range k.prefixes {
			if got, ok := taggableKind(p + "abc123"); k.taggable && (!ok || got != k.kind) {
				t.Errorf("taggableKind(%q) = %q, %v; want %s", p+"abc123", got, ok, k.kind)
			}
			prefixes = append(prefixes, p)
		}
		if k.newDoc != nil {
			if !strings.HasPrefix(reflect.TypeOf(k.newDoc()).String(), "*workspaces.") {
				t.Errorf("%s: document %T is not a pointer to a document type", k.kind, k.newDoc())
			}
		}
	}
	// No prefix starts another, so an ID names one kind whatever the order.
	for _, a := range prefixes {
		for _, b := range prefixes {
			if a != b && strings.HasPrefix(b, a) {
				t.Errorf("ID prefix %q starts %q", a, b)
			}
		}
	}
	if _, ok := taggableKind(accountID); ok {
		t.Errorf("the account's settings are taggable")
	}
}

// TestConfigNamesAreKinds: every duration is named by exactly one kind,
// every quota by at most one (tags apply to each taggable resource), and
// each kind names only fields that exist, with a default.
func TestConfigNamesAreKinds(t *testing.T) {
	check := func(what string, fields []configField, names func(kindInfo) []string, unowned ...string) {
		owner := map[string]string{}
		for _, k := range kindTable {
			for _, n := range names(k) {
				if o, ok := owner[n]; ok {
					t.Errorf("%s %s is named by %s and %s", what, n, o, k.kind)
				}
				owner[n] = k.kind
			}
		}
		for _, f := range fields {
			if f.def == "" {
				t.Errorf("%s %s has no default", what, f.name)
			}
			if _, ok := owner[f.name]; !ok && !slices.Contains(unowned, f.name) {
				t.Errorf("%s %s is named by no kind", what, f.name)
			}
			delete(owner, f.name)
		}
		for n, k := range owner {
			t.Errorf("%s names %s %q, which does not exist", k, what, n)
		}
	}
	c := DefaultConfig()
	check("duration", fieldsOf(&c.Durations), func(k kindInfo) []string { return k.durations })
	check("quota", fieldsOf(&c.Quotas), func(k kindInfo) []string { return k.quotas }, "tags")
	for _, f := range fieldsOf(&c.Durations) {
		if f.value.Int() <= 0 {
			t.Errorf("duration %s defaults to %v", f.name, f.value.Interface())
		}
	}
	for _, f := range fieldsOf(&c.Quotas) {
		if f.value.Int() <= 0 {
			t.Errorf("quota %s defaults to %v", f.name, f.value.Interface())
		}
	}
	if c.Quotas.Workspaces != 1000 || c.Quotas.Images != 40 || c.Durations.Removed.String() != "1h0m0s" || c.Durations.Account.String() != "1s" {
		t.Errorf("defaults = %+v", c)
	}
	stepped := c.Durations.WithStep(7e9)
	if stepped.Account.String() != "7s" || stepped.Import.String() != "7s" || stepped.Removed != c.Durations.Removed {
		t.Errorf("WithStep(7s) = %+v: every step but the retentions should be 7s", stepped)
	}
	if h := DurationsHelp(); !strings.Contains(h, "account=1s (account)") || !strings.Contains(h, "deploy=1s,removed=1h (association)") {
		t.Errorf("DurationsHelp() = %q", h)
	}
	if h := QuotasHelp(); !strings.Contains(h, "workspaces=1000,perCreate=25 (workspace)") || !strings.Contains(h, "tags=50 (each taggable resource)") {
		t.Errorf("QuotasHelp() = %q", h)
	}
}

// TestStepCountsCountEveryKindWithALifecycle: the account's steps too.
func TestStepCountsCountEveryKindWithALifecycle(t *testing.T) {
	var n StepCounts
	for _, k := range kindTable {
		n.add(k.kind)
	}
	want := StepCounts{kindImage: 1, kindWorkspace: 1, kindDirectory: 1, kindAccount: 1, kindAssociation: 1, kindPool: 1, kindPoolSession: 1}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("counted %v, want %v", n, want)
	}
}
