package sqlite_test

import (
	"context"
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
