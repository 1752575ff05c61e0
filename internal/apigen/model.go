package main

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Model is the part of a botocore service model that the generator reads.
type Model struct {
	Metadata struct {
		APIVersion   string `json:"apiVersion"`
		TargetPrefix string `json:"targetPrefix"`
		JSONVersion  string `json:"jsonVersion"`
		Protocol     string `json:"protocol"`
	} `json:"metadata"`
	Operations map[string]*Operation `json:"operations"`
	Shapes     map[string]*Shape     `json:"shapes"`
}

// Operation is one API call.
type Operation struct {
	Name   string     `json:"name"`
	Input  *ShapeRef  `json:"input"`
	Output *ShapeRef  `json:"output"`
	Errors []ShapeRef `json:"errors"`
}

// ShapeRef points at a shape by name.
type ShapeRef struct {
	Shape string `json:"shape"`
}

// Shape is one type of the model; which fields matter depends on Type.
type Shape struct {
	Type      string               `json:"type"`
	Members   map[string]*ShapeRef `json:"members"`
	Required  []string             `json:"required"`
	Member    *ShapeRef            `json:"member"`
	Key       *ShapeRef            `json:"key"`
	Value     *ShapeRef            `json:"value"`
	Enum      []string             `json:"enum"`
	Pattern   *string              `json:"pattern"`
	Min       *int64               `json:"min"`
	Max       *int64               `json:"max"`
	Exception bool                 `json:"exception"`
	Union     bool                 `json:"union"`

	// memberOrder keeps the members in the order the model lists them, so
	// that validation messages list violations in that order too.
	memberOrder []string
}

// parseModel decodes a model and records the order of each structure's members.
func parseModel(data []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode model: %w", err)
	}
	var raw struct {
		Shapes map[string]struct {
			Members json.RawMessage `json:"members"`
		} `json:"shapes"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	for name, s := range m.Shapes {
		if s.Type != "structure" {
			continue
		}
		order, err := keyOrder(raw.Shapes[name].Members)
		if err != nil {
			return nil, fmt.Errorf("shape %s: %w", name, err)
		}
		s.memberOrder = order
	}
	for name, op := range m.Operations {
		if op.Name != name {
			return nil, fmt.Errorf("operation %s is named %q", name, op.Name)
		}
	}
	return &m, nil
}

// keyOrder lists the keys of a JSON object in document order.
func keyOrder(obj json.RawMessage) ([]string, error) {
	if len(obj) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytesReader(obj))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
