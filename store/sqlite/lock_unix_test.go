//go:build unix

package sqlite_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
)

// TestLockFollowsTheFile: the lock is the database file's, not a path's:
// a symbolic link, a hard link or a deleted lock file does not let a
// second store open it.
func TestLockFollowsTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	first, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	sym, hard := filepath.Join(dir, "sym.db"), filepath.Join(dir, "hard.db")
	if err := os.Symlink(path, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(path, hard); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path + ".lock"); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	for _, p := range []string{path, sym, hard} {
		if second, err := sqlite.Open(context.Background(), p); !errors.Is(err, sqlite.ErrInUse) {
			if second != nil {
				second.Close()
			}
			t.Errorf("Open(%s) while %s is open: %v, want ErrInUse", filepath.Base(p), filepath.Base(path), err)
		}
	}
	// The refused Opens closed no descriptor that SQLite's locks hang on:
	// the first store still writes and reads.
	writeAndRead(t, first)
}

// lockProbe is the partition of the resource writeAndRead writes.
var lockProbe = store.Partition{Account: "111122223333", Region: "us-east-1"}

func writeAndRead(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	if err := st.Write(ctx, func(tx store.Tx) error {
		return tx.PutResource(ctx, &store.Resource{Partition: lockProbe, Kind: "image", ID: "wsi-lock", State: "AVAILABLE",
			Created: time.Unix(1, 0).UTC(), Doc: []byte(`{}`)})
	}); err != nil {
		t.Fatal(err)
	}
	readBack(t, st)
}

// readBack reads the resource writeAndRead wrote.
func readBack(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	if err := st.Read(ctx, func(tx store.Tx) error {
		_, err := tx.GetResource(ctx, lockProbe, "image", "wsi-lock")
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestLockAcrossProcesses runs this test binary again as a second process
// that opens the database through a hard link and a symbolic link while
// this one holds it.
func TestLockAcrossProcesses(t *testing.T) {
	if p := os.Getenv("WSLOCAL_LOCK_HELPER_PATH"); p != "" {
		st, err := sqlite.Open(context.Background(), p)
		if err == nil {
			st.Close()
			os.Stdout.WriteString("OPENED\n")
			return
		}
		os.Stdout.WriteString("REFUSED " + err.Error() + "\n")
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	first, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	sym, hard := filepath.Join(dir, "sym.db"), filepath.Join(dir, "hard.db")
	if err := os.Symlink(path, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(path, hard); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + ".lock")
	helper := func(p string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLockAcrossProcesses$")
		cmd.Env = append(os.Environ(), "WSLOCAL_LOCK_HELPER_PATH="+p)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("helper: %v", err)
		}
		return string(out)
	}
	for _, p := range []string{path, sym, hard} {
		if out := helper(p); !strings.Contains(out, "REFUSED the database is in use by another process") {
			t.Errorf("a second process opening %s: %q, want REFUSED", filepath.Base(p), out)
		}
	}
	writeAndRead(t, first)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if out := helper(hard); !strings.Contains(out, "OPENED") {
		t.Errorf("a second process after Close: %q, want OPENED", out)
	}
}

// TestWALIndexInMemory: the store's connections share the WAL's index in
// the process's memory (the unix-excl VFS), so no -shm file is made and a
// transaction takes no file lock on it; what was written survives a
// reopen, which rebuilds the index from the WAL.
func TestWALIndexInMemory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	writeAndRead(t, st)
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("the store writes through a WAL: %v", err)
	}
	if _, err := os.Stat(path + "-shm"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a -shm file next to the database (%v): the WAL's index is not in memory", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	readBack(t, again)
}
