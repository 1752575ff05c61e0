package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wslocal/wslocal/workspaces"
)

// serviceConfig turns --step, --durations and --quotas into the service's
// configuration.
func serviceConfig(o *options) (workspaces.Config, error) {
	cfg := workspaces.DefaultConfig()
	if o.step <= 0 {
		return cfg, fmt.Errorf("--step %v: must be positive", o.step)
	}
	cfg.Durations = cfg.Durations.WithStep(o.step)
	durations := map[string]time.Duration{}
	if err := parsePairs("--durations", o.durations, func(k, v string) error {
		dur, err := time.ParseDuration(v)
		if err != nil || dur <= 0 {
			return fmt.Errorf("%q is not a positive duration", v)
		}
		durations[k] = dur
		return nil
	}); err != nil {
		return cfg, err
	}
	if err := overlay(&cfg.Durations, durations); err != nil {
		return cfg, fmt.Errorf("--durations: %w", err)
	}
	quotas := map[string]int{}
	if err := parsePairs("--quotas", o.quotas, func(k, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("%q is not a positive number", v)
		}
		quotas[k] = n
		return nil
	}); err != nil {
		return cfg, err
	}
	if err := overlay(&cfg.Quotas, quotas); err != nil {
		return cfg, fmt.Errorf("--quotas: %w", err)
	}
	return cfg, nil
}

// parsePairs reads "k=v,k=v".
func parsePairs(flag, s string, set func(k, v string) error) error {
	if s == "" {
		return nil
	}
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			return fmt.Errorf("%s: %q is not key=value", flag, pair)
		}
		if err := set(k, v); err != nil {
			return fmt.Errorf("%s %s: %w", flag, k, err)
		}
	}
	return nil
}

// overlay sets the fields of dst named (by JSON name) in values, refusing
// names dst does not have.
func overlay[V any](dst any, values map[string]V) error {
	if len(values) == 0 {
		return nil
	}
	var known map[string]json.RawMessage
	b, _ := json.Marshal(dst)
	_ = json.Unmarshal(b, &known)
	for k := range values {
		if _, ok := known[k]; !ok {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, n)
			}
			return fmt.Errorf("unknown name %q (use %s)", k, strings.Join(names, ", "))
		}
	}
	b, _ = json.Marshal(values)
	return json.Unmarshal(b, dst)
}
