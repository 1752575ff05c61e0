package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
)

// With the automatic checkpoint off, writes of more WAL than it would
// have checkpointed are all in the file after Close, and the WAL is empty.
func TestCheckpointAtClose(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	p := store.Partition{Account: "123456789012", Region: "us-east-1"}
	doc := []byte(`{"pad":"` + string(bytes.Repeat([]byte("x"), 4000)) + `"}`)
	const n = 2000 // about 2,000 pages of WAL; the automatic checkpoint ran every 1,000
	for lo := 0; lo < n; lo += 500 {
		err := st.Write(ctx, func(tx store.Tx) error {
			for i := lo; i < lo+500; i++ {
				r := &store.Resource{Partition: p, Kind: "workspace", ID: fmt.Sprintf("ws-%09d", i),
					State: "AVAILABLE", Created: time.Unix(0, 0).UTC(), Doc: doc}
				if err := tx.PutResource(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("the WAL holds %d bytes after Close, want none", fi.Size())
	}
	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got int
	err = st.Read(ctx, func(tx store.Tx) error {
		rs, err := tx.ListResources(ctx, p, "workspace", "", 0)
		got = len(rs)
		return err
	})
	if err != nil || got != n {
		t.Fatalf("after reopening: %d resources (%v), want %d", got, err, n)
	}
}
