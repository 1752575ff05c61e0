package control

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/wslocal/wslocal/workspaces"
)

// durationsJSON is workspaces.Durations with Go duration strings ("90s").
type durationsJSON map[string]string

func encodeDurations(d workspaces.Durations) durationsJSON {
	var m map[string]time.Duration
	b, _ := json.Marshal(d)
	_ = json.Unmarshal(b, &m)
	out := durationsJSON{}
	for k, v := range m {
		out[k] = v.String()
	}
	return out
}

// getDurations answers GET /_wslocal/durations.
func (h *Handler) getDurations(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, encodeDurations(h.Service.Durations()))
}

// setDurations answers PUT /_wslocal/durations with some of
// {"import": "1s", "image": "1s", "workspace": "1s", "deploy": "1s",
// "directory": "1s", "account": "1s", "removed": "1h", "terminated": "1m"}. Steps already
// scheduled keep their due time.
func (h *Handler) setDurations(w http.ResponseWriter, r *http.Request) {
	var in durationsJSON
	if err := decodeBody(w, r, &in); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`the body must be like {"deploy": "5s"}: %w`, err))
		return
	}
	known := encodeDurations(h.Service.Durations())
	parsed := map[string]time.Duration{}
	for k, v := range in {
		if _, ok := known[k]; !ok {
			writeErr(w, http.StatusBadRequest, fmt.Errorf("unknown duration %q", k))
			return
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			writeErr(w, http.StatusBadRequest, fmt.Errorf("%s: %q is not a positive duration", k, v))
			return
		}
		parsed[k] = d
	}
	var d workspaces.Durations
	b, _ := json.Marshal(parsed)
	_ = json.Unmarshal(b, &d)
	writeJSON(w, http.StatusOK, encodeDurations(h.Service.SetDurations(d)))
}
