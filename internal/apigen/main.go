// Command apigen generates the Go API of wslocal from the WorkSpaces service
// model: shapes, enums, typed errors, validators, the operation table and the
// Service interface. It is run by `go generate ./...` (see api/generate.go).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	modelPath := flag.String("model", "model/workspaces-2015-04-08.json", "the trimmed service model")
	out := flag.String("out", ".", "the directory to write generated files into")
	flag.Parse()
	if err := run(*modelPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "apigen:", err)
		os.Exit(1)
	}
}

func run(modelPath, out string) error {
	data, err := os.ReadFile(modelPath)
	if err != nil {
		return err
	}
	files, err := Generate(data)
	if err != nil {
		return err
	}
	// Remove generated files that the model no longer produces.
	old, _ := filepath.Glob(filepath.Join(out, "*_gen.go"))
	ops, _ := filepath.Glob(filepath.Join(out, "api_op_*.go"))
	for _, f := range append(old, ops...) {
		if _, ok := files[filepath.Base(f)]; !ok && isGenerated(f) {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(out, name), src, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func isGenerated(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 128)
	n, _ := io.ReadFull(f, head)
	return bytes.HasPrefix(head[:n], []byte(header))
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// lowerCamel is the member name as AWS writes it in a validation path.
func lowerCamel(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func exported(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
