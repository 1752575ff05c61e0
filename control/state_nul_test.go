package control_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/wslocaltest"
)

// A snapshot whose tag key holds U+0000 is refused with a 400 naming it,
// and changes nothing, on SQLite as on PostgreSQL (which cannot keep it).
func TestStateImportRefusesNULOnEveryStore(t *testing.T) {
	pg := os.Getenv("WSLOCAL_TEST_POSTGRES")
	if pg == "" {
		pg = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	schema := "wslocal_test_" + strings.ToLower(rand.Text()[:10])
	t.Cleanup(func() { // after the servers close
		if err := postgres.DropSchema(context.Background(), pg, schema); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	for _, spec := range []string{"memory", pg + "&search_path=" + schema} {
		srv := wslocaltest.Start(t, wslocaltest.WithStore(spec))
		buildState(t, srv)
		before := exportState(t, srv)
		var m map[string]any
		if err := json.Unmarshal(before, &m); err != nil {
			t.Fatal(err)
		}
		tags := m["tags"].([]any)
		tags[len(tags)-1].(map[string]any)["key"] = "bad\x00key"
		body, _ := json.Marshal(m)
		status, b := raw(t, srv, http.MethodPut, "/_wslocal/state", body)
		var e struct{ Error string }
		_ = json.Unmarshal(b, &e)
		if status != http.StatusBadRequest || !strings.Contains(e.Error, `tag key "bad\x00key": text holds the character U+0000`) {
			t.Errorf("%s: PUT state with U+0000 in a tag key = %d %s; want 400 naming it", srv.Store.Kind(), status, b)
		}
		if after := exportState(t, srv); !bytes.Equal(before, after) {
			t.Errorf("%s: the refused import changed the state", srv.Store.Kind())
		}
	}
}
