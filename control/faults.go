package control

import (
	"fmt"
	"net/http"

	"github.com/wslocal/wslocal/sim"
)

// listFaults answers GET /_wslocal/faults: the rules in force.
func (h *Handler) listFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"faults": h.Faults.List()})
}

// addFault answers POST /_wslocal/faults with a rule such as
//
//	{"operation": "DeployWorkspaceApplications", "applicationId": "wsa-...",
//	 "associationError": {"code": "DeploymentError.InternalServerError"}, "count": 1}
//	{"operation": "DescribeWorkspaces", "apiError": {"code": "ThrottlingException"}}
func (h *Handler) addFault(w http.ResponseWriter, r *http.Request) {
	var rule sim.FaultRule
	if err := decodeBody(w, r, &rule); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf("the body must be a fault rule: %w", err))
		return
	}
	added, err := h.Faults.Add(rule)
	if err != nil {
		writeErr(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusCreated, added)
}

// clearFaults answers DELETE /_wslocal/faults (all) and /_wslocal/faults/{id}.
func (h *Handler) clearFaults(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !h.Faults.Clear(id) {
		writeErr(w, http.StatusNotFound, fmt.Errorf("no fault rule %q", id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"faults": h.Faults.List()})
}
