// Command trim turns botocore's WorkSpaces service model into the trimmed
// copy that the generator reads: the same JSON without documentation strings.
//
//	go run ./internal/apigen/trim $(python3 -c "import botocore,os;print(os.path.dirname(botocore.__file__))")/data/workspaces/2015-04-08/service-2.json.gz > api/model/workspaces-2015-04-08.json
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: trim service-2.json[.gz] > model.json")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "trim:", err)
		os.Exit(1)
	}
}

func run(path string, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		r = gz
	}
	var out bytes.Buffer
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := strip(dec, &out); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, out.Bytes(), "", " "); err != nil {
		return err
	}
	indented.WriteByte('\n')
	_, err = w.Write(indented.Bytes())
	return err
}

// strip copies one JSON value from dec to out, keeping the order of object
// keys (the model's member order is the order of validation messages) and
// dropping every documentation string; the generator needs none of them.
func strip(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			out.WriteByte('{')
			first := true
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key := k.(string)
				if key == "documentation" || key == "documentationUrl" {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return err
					}
					continue
				}
				if !first {
					out.WriteByte(',')
				}
				first = false
				kb, _ := json.Marshal(key)
				out.Write(kb)
				out.WriteByte(':')
				if err := strip(dec, out); err != nil {
					return err
				}
			}
			out.WriteByte('}')
		case '[':
			out.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				if err := strip(dec, out); err != nil {
					return err
				}
			}
			out.WriteByte(']')
		}
		_, err := dec.Token() // the closing delimiter
		return err
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return err
		}
		out.Write(b)
		return nil
	}
}
