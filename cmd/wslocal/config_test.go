package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestStepSetsEveryStepDuration: --step times every kind's steps (the
// account's too) but not how long finished rows stay listed, and --help
// names every duration and quota with the kind it governs.
func TestStepSetsEveryStepDuration(t *testing.T) {
	o, err := parseFlags([]string{"--step", "3s", "--durations", "deploy=5s", "--quotas", "perCreate=5"}, noEnv, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := serviceConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.Durations
	for name, got := range map[string]time.Duration{"import": d.Import, "image": d.Image, "workspace": d.Workspace,
		"directory": d.Directory, "account": d.Account} {
		if got != 3*time.Second {
			t.Errorf("--step 3s: %s = %v", name, got)
		}
	}
	if d.Deploy != 5*time.Second || d.Removed != time.Hour || d.Terminated != time.Minute || cfg.Quotas.PerCreate != 5 || cfg.Quotas.Workspaces != 1000 {
		t.Errorf("config = %+v", cfg)
	}

	var help bytes.Buffer
	if _, err := parseFlags([]string{"--help"}, noEnv, &help); err == nil {
		t.Fatal("--help parsed without flag.ErrHelp")
	}
	for _, want := range []string{"account=1s (account)", "import=1s,image=1s (image)", "deploy=1s,removed=1h (association)",
		"connectionAliases=20,connectionAliasShares=25 (connection-alias)", "tags=50 (each taggable resource)"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("--help does not say %q:\n%s", want, help.String())
		}
	}
}
