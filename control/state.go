package control

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/workspaces"
)

// maxSnapshotBytes bounds PUT /_wslocal/state: far above any state a test
// builds, low enough that a wrong file cannot exhaust memory.
const maxSnapshotBytes = 64 << 20

// getState answers GET /_wslocal/state with the whole state as one
// workspaces.Snapshot, after applying the lifecycle steps due.
func (h *Handler) getState(w http.ResponseWriter, r *http.Request) {
	snap, err := h.Service.ExportState(r.Context())
	if err != nil {
		writeErr(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, snap)
}

// putState answers PUT /_wslocal/state: the body, a snapshot that GET
// returned, replaces the whole state in one transaction. A malformed or
// too new snapshot is a 400 and changes nothing.
func (h *Handler) putState(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSnapshotBytes))
	if err != nil {
		status := http.StatusBadRequest
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
		}
		writeErr(w, status, fmt.Errorf("read the snapshot (at most %d MiB): %w", maxSnapshotBytes>>20, err))
		return
	}
	snap, err := workspaces.DecodeSnapshot(body)
	if err == nil {
		err = h.Service.ImportState(r.Context(), snap)
	}
	var bad *workspaces.SnapshotError
	switch {
	case errors.As(err, &bad), errors.Is(err, store.ErrNUL):
		writeErr(w, http.StatusBadRequest, fmt.Errorf("the state was not changed: %w", err))
	case err != nil:
		writeErr(w, http.StatusInternalServerError, fmt.Errorf("the state was not changed: %w", err))
	default:
		writeJSON(w, http.StatusOK, map[string]any{"imported": map[string]int{
			"resources": len(snap.Resources), "associations": len(snap.Associations),
			"tags": len(snap.Tags), "shares": len(snap.Shares)}})
	}
}

// getApplications answers GET /_wslocal/applications with the catalogue,
// {"applications": [...]}, each entry as DescribeApplications returns it.
func (h *Handler) getApplications(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"applications": workspaces.Applications()})
}
