package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedFilesAreCurrent asserts that `go generate ./...` would not
// change the committed api package: the generated files are the model's.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	model, err := os.ReadFile("../../api/model/workspaces-2015-04-08.json")
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(model)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("../../api", name))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./...)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("api/%s differs from what the generator writes (run go generate ./...)", name)
		}
	}
	committed, _ := filepath.Glob("../../api/*.go")
	for _, path := range committed {
		name := filepath.Base(path)
		if _, ok := files[name]; !ok && isGenerated(path) {
			t.Errorf("api/%s is marked generated but the generator no longer writes it", name)
		}
	}
	ops := 0
	for name := range files {
		if strings.HasPrefix(name, "api_op_") {
			ops++
		}
	}
	if ops != 91 {
		t.Errorf("generated %d operation files, want 91", ops)
	}
}

func TestWholePattern(t *testing.T) {
	cases := map[string]string{
		"wsi-[0-9a-z]{9,63}$":    "^(?:wsi-[0-9a-z]{9,63})$",
		`^\d{12}|AMAZON$`:        `^(?:\d{12}|AMAZON)$`,
		"^[a-z]{0,1023}$":        "^(?:[a-z]{0,1000}[a-z]{0,23})$",
		`^[\\a-z:]{1,2000}$`:     `^(?:[\\a-z:]{1,1000}[\\a-z:]{0,1000})$`,
		"^(http|https)\\://\\S+": "^(?:(http|https)\\://\\S+)$",
	}
	for in, want := range cases {
		if got := wholePattern(in); got != want {
			t.Errorf("wholePattern(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnumIdent(t *testing.T) {
	cases := map[string]string{
		"PENDING_INSTALL":                       "PendingInstall",
		"ValidationError.InsufficientDiskSpace": "ValidationErrorInsufficientDiskSpace",
		"Microsoft_Office_2016":                 "MicrosoftOffice2016",
		"WINDOWS_SERVER_2016":                   "WindowsServer2016",
	}
	for in, want := range cases {
		if got := enumIdent(in); got != want {
			t.Errorf("enumIdent(%q) = %q, want %q", in, got, want)
		}
	}
}
