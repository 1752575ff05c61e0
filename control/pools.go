package control

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/workspaces"
)

// poolSessionRequest is the body of POST /_wslocal/pools/{poolId}/sessions.
type poolSessionRequest struct {
	UserID  string `json:"userId"`
	Account string `json:"account"` // default: the account of unsigned requests
	Region  string `json:"region"`  // default: the region of unsigned requests
}

// startPoolSession answers POST /_wslocal/pools/{poolId}/sessions: it
// starts a session of a user in a RUNNING pool, as a user signing in with
// a WorkSpaces client would, and answers 201 with the session as
// DescribeWorkspacesPoolSessions shows it. A pool that is missing is a
// 404; one that is not RUNNING, full, or already streaming to the user a
// 409.
func (h *Handler) startPoolSession(w http.ResponseWriter, r *http.Request) {
	var req poolSessionRequest
	if err := decodeBody(w, r, &req); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`the body must be {"userId": "...", "account": "...", "region": "..."}: %w`, err))
		return
	}
	if req.UserID == "" {
		writeErr(w, http.StatusBadRequest, errors.New(`"userId" is required`))
		return
	}
	p := store.Partition{Account: req.Account, Region: req.Region}
	if p.Account == "" {
		p.Account = auth.DefaultAccount
	}
	if p.Region == "" {
		p.Region = auth.DefaultRegion
	}
	session, err := h.Service.StartPoolSession(r.Context(), p, r.PathValue("poolId"), req.UserID)
	switch {
	case errors.Is(err, workspaces.ErrPoolNotFound):
		writeErr(w, http.StatusNotFound, err)
	case errors.Is(err, workspaces.ErrPoolSession):
		writeErr(w, http.StatusConflict, err)
	case err != nil:
		writeErr(w, http.StatusInternalServerError, err)
	default:
		writeJSON(w, http.StatusCreated, session)
	}
}
