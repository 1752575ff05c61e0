package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/wslocal/wslocal/server"
)

// stdout is where --version and the health subcommand print; a variable so
// that tests can read it.
var stdout io.Writer = os.Stdout

// printVersion prints the version on the first line (what scripts read),
// then what the binary was built from.
func printVersion(w io.Writer) {
	fmt.Fprintf(w, "wslocal %s\n", server.VersionString())
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if rev := server.BuildSetting(bi, "vcs.revision"); rev != "" {
		line := "  revision " + rev
		if t := server.BuildSetting(bi, "vcs.time"); t != "" {
			line += " (" + t + ")"
		}
		if server.BuildSetting(bi, "vcs.modified") == "true" {
			line += ", with uncommitted changes"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "  %s %s/%s\n", bi.GoVersion, runtime.GOOS, runtime.GOARCH)
}

// generateToken, as --control-token, asks for a random token printed at
// start: the container image's default, so that `docker run` works without
// configuration and the token is in `docker logs`.
const generateToken = "generate"

func newControlToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate a control token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
