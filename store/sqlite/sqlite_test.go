package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
	"github.com/wslocal/wslocal/store/storetest"
)

func TestFileStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		st, err := sqlite.Open(context.Background(), ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestOneProcessAtATime: a database file open in one store cannot be opened
// by another (another process, or the same one twice) until it is closed.
func TestOneProcessAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	first, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if second, err := sqlite.Open(context.Background(), path); !errors.Is(err, sqlite.ErrInUse) {
		if second != nil {
			second.Close()
		}
		t.Fatalf("second Open while the first is open: %v, want ErrInUse", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	again.Close()
	// In-memory databases are private: any number can be open.
	for range 2 {
		st, err := sqlite.Open(context.Background(), ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
	}
}

// TestWALIndexInMemory: the store's connections share the WAL's index in
// the process's memory (the unix-excl VFS), so no -shm file is made and a
// transaction takes no file lock on it; what was written survives a
// reopen, which rebuilds the index from the WAL.
func TestWALIndexInMemory(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	p := store.Partition{Account: "111111111111", Region: "us-east-1"}
	if err := st.Write(ctx, func(tx store.Tx) error {
		return tx.PutResource(ctx, storetest.Image(p, "wsi-1", time.Time{}))
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Read(ctx, func(tx store.Tx) error {
		_, err := tx.GetResource(ctx, p, "image", "wsi-1")
		return err
	}); err != nil {
		t.Fatalf("a read after the write: %v", err)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("the store writes through a WAL: %v", err)
	}
	if _, err := os.Stat(path + "-shm"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a -shm file next to the database (%v): the WAL's index is not in memory", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if err := again.Read(ctx, func(tx store.Tx) error {
		_, err := tx.GetResource(ctx, p, "image", "wsi-1")
		return err
	}); err != nil {
		t.Fatalf("after a reopen: %v", err)
	}
}
