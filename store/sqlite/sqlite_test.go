package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

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
