// Package cliexamples runs the AWS CLI's shipped WorkSpaces examples
// (awscli/examples/workspaces/*.rst, real AWS answers) against wslocal and
// compares their output with the documented output, member by member.
package cliexamples

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Example is one example of a shipped .rst file.
type Example struct {
	Name string   // operation#n, n counting from 1 within the file
	Args []string // what follows `aws`
	// Output is the documented output decoded from JSON; nil when the
	// example says the command produces no output.
	Output any
	// Elided is true when the documented output leaves items out ("...").
	Elided bool
}

// Parse reads every example of the .rst files of dir.
func Parse(dir string) ([]Example, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.rst"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Example
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		exs, err := parseFile(strings.TrimSuffix(filepath.Base(f), ".rst"), string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, exs...)
	}
	return out, nil
}

var trailingComma = regexp.MustCompile(`,(\s*[\]}])`)

func parseFile(op, text string) ([]Example, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []Example
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "aws workspaces ") {
			continue
		}
		cmd := l
		for strings.HasSuffix(cmd, `\`) && i+1 < len(lines) {
			i++
			cmd = strings.TrimSuffix(cmd, `\`) + " " + strings.TrimSpace(lines[i])
		}
		args, err := shellSplit(cmd)
		if err != nil {
			return nil, err
		}
		ex := Example{Name: fmt.Sprintf("%s#%d", op, len(out)+1), Args: args[1:]}
		// The output: "Output::" and an indented block, or "produces no output".
		for j := i + 1; j < len(lines); j++ {
			t := strings.TrimSpace(lines[j])
			if strings.HasPrefix(t, "aws workspaces ") {
				return nil, fmt.Errorf("%s: no documented output", ex.Name)
			}
			if strings.Contains(t, "produces no output") {
				break
			}
			if t != "Output::" {
				continue
			}
			var block []string
			for j++; j < len(lines); j++ {
				if lines[j] != "" && !strings.HasPrefix(lines[j], " ") {
					break
				}
				if strings.TrimSpace(lines[j]) == "..." {
					ex.Elided = true
					continue
				}
				block = append(block, lines[j])
			}
			doc := trailingComma.ReplaceAllString(strings.Join(block, "\n"), "$1")
			if err := json.Unmarshal([]byte(doc), &ex.Output); err != nil {
				return nil, fmt.Errorf("%s: documented output: %w", ex.Name, err)
			}
			break
		}
		out = append(out, ex)
	}
	return out, nil
}

// shellSplit splits a command line as a POSIX shell would: quotes and
// backslashes; nothing else of the shell appears in the examples.
func shellSplit(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unclosed ' in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i, in = i+1+j, true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i == len(s) {
				return nil, fmt.Errorf("unclosed \" in %q", s)
			}
			in = true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			in = true
		case c == ' ' || c == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out, nil
}
