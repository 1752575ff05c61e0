package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
)

// Key is one entry of a credentials file: an access key pair, the account
// it acts for, and which WorkSpaces actions it may perform.
type Key struct {
	AccessKey string `json:"accessKey" yaml:"accessKey"`
	SecretKey string `json:"secretKey" yaml:"secretKey"`
	// Account is 12 digits; when empty it is AccountFor(AccessKey).
	Account string `json:"account,omitempty" yaml:"account,omitempty"`
	// Allow, when present (even empty), lists the only actions the key may
	// perform; absent, every action not denied is allowed.
	Allow []string `json:"allow,omitempty" yaml:"allow,omitempty"`
	// Deny lists actions the key may not perform; it wins over Allow.
	Deny []string `json:"deny,omitempty" yaml:"deny,omitempty"`
}

// Keys are the credentials strict mode knows, by access key.
type Keys struct {
	byAccessKey map[string]Key
}

// NewKeys checks keys and indexes them by access key.
func NewKeys(keys ...Key) (*Keys, error) {
	ks := &Keys{byAccessKey: make(map[string]Key, len(keys))}
	var errs []error
	for i, k := range keys {
		where := fmt.Sprintf("entry %d", i+1)
		if k.AccessKey != "" {
			where += fmt.Sprintf(" (accessKey %q)", k.AccessKey)
		}
		if err := k.check(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			continue
		}
		if _, dup := ks.byAccessKey[k.AccessKey]; dup {
			errs = append(errs, fmt.Errorf("%s: the access key is listed twice", where))
			continue
		}
		if k.Account == "" {
			k.Account = AccountFor(k.AccessKey)
		}
		ks.byAccessKey[k.AccessKey] = k
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ks, nil
}

// check refuses entries that could never authenticate or whose lists are
// mistyped, so a typo fails at start-up rather than as a puzzling denial.
func (k Key) check() error {
	switch {
	case k.AccessKey == "":
		return errors.New("accessKey is empty")
	case strings.ContainsAny(k.AccessKey, "/ ,="):
		// The key travels inside Credential=<key>/<date>/...: it cannot hold these.
		return errors.New("accessKey cannot contain '/', ',', '=' or spaces")
	case k.SecretKey == "":
		return errors.New("secretKey is empty")
	case k.Account != "" && AccountFor(k.Account) != k.Account:
		return fmt.Errorf("account %q is not 12 digits", k.Account)
	}
	for _, l := range []struct {
		name    string
		actions []string
	}{{"allow", k.Allow}, {"deny", k.Deny}} {
		for _, a := range l.actions {
			if err := checkAction(a); err != nil {
				return fmt.Errorf("%s: %w", l.name, err)
			}
		}
	}
	return nil
}

// Lookup returns the key with this access key.
func (ks *Keys) Lookup(accessKey string) (Key, bool) {
	if ks == nil {
		return Key{}, false
	}
	k, ok := ks.byAccessKey[accessKey]
	return k, ok
}

// Len is how many keys there are.
func (ks *Keys) Len() int {
	if ks == nil {
		return 0
	}
	return len(ks.byAccessKey)
}

// ParseKeys reads a credentials file's content: a JSON array, or a YAML
// list, of Key. Unknown fields are errors (a misspelt "deny" must not
// silently allow everything).
func ParseKeys(data []byte) (*Keys, error) {
	var keys []Key
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&keys); err != nil {
			return nil, fmt.Errorf("JSON: %w", err)
		}
		if dec.More() {
			return nil, errors.New("JSON: data after the list")
		}
	} else if err := yaml.UnmarshalWithOptions(data, &keys, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("YAML: %s", yaml.FormatError(err, false, true))
	}
	if len(keys) == 0 {
		return nil, errors.New("no credentials: the file must list at least one {accessKey, secretKey}")
	}
	return NewKeys(keys...)
}

// LoadKeys reads a credentials file (see ParseKeys).
func LoadKeys(path string) (*Keys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--credentials: %w", err)
	}
	ks, err := ParseKeys(data)
	if err != nil {
		return nil, fmt.Errorf("--credentials %s: %w", path, err)
	}
	return ks, nil
}
