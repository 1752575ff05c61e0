package server

import (
	"runtime/debug"
	"testing"
)

func TestVersionOf(t *testing.T) {
	rev := "3f616b8fcd9d7e0233c2f3b7fe756ab93dde2528"
	info := func(main string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/wslocal/wslocal", Version: main}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	for _, c := range []struct {
		name    string
		stamped string
		bi      *debug.BuildInfo
		want    string
	}{
		{"release stamp wins", "v1.2.3", info("v0.0.0-20261130113125-3f616b8fcd9d", "vcs.revision", rev), "v1.2.3"},
		{"go install @tag", "", info("v1.4.0"), "v1.4.0"},
		{"build in a clone", "", info("v0.0.0-20261130113125-3f616b8fcd9d+dirty", "vcs.revision", rev, "vcs.modified", "true"),
			"v0.0.0-20261130113125-3f616b8fcd9d+dirty"},
		{"revision only", "", info("(devel)", "vcs.revision", rev, "vcs.modified", "false"), "devel-3f616b8fcd9d"},
		{"revision, changed tree", "", info("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "devel-3f616b8fcd9d+dirty"},
		{"nothing recorded", "", info("(devel)"), "dev"},
		{"no build info", "", nil, "dev"},
	} {
		if got := versionOf(c.stamped, c.bi); got != c.want {
			t.Errorf("%s: versionOf = %q, want %q", c.name, got, c.want)
		}
	}
}
