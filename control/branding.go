package control

import (
	"net/http"
	"regexp"
	"slices"
	"sync"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/workspaces"
)

// brandingPattern is the route of a branding logo, the LogoUrl that
// ImportClientBranding and DescribeClientBranding answer.
const brandingPattern = workspaces.BrandingPath + "{account}/{region}/{directory}/{platform}/{logo}"

// brandingRegion is the form of a Region in a logo's route; compiled when
// a logo is first asked for, not at start.
var brandingRegion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9-]{1,32}$`) })

// IsBrandingLogo reports whether r asks for a branding logo. Client
// branding is public (the API reference: "Client branding attributes are
// public facing"): a login page anywhere may show the logo, so these reads
// need no token and pass the cross-site checks of the control API.
func IsBrandingLogo(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	_, pattern := brandingMux().Handler(r)
	return pattern != ""
}

// brandingMux only recognises the route, for IsBrandingLogo; made when
// first asked, not at every start.
var brandingMux = sync.OnceValue(func() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET "+brandingPattern, func(http.ResponseWriter, *http.Request) {})
	return m
})

// brandingLogo answers GET /_wslocal/branding/{account}/{region}/{directory}/{platform}/{logo}:
// the logo's bytes as imported, typed by their content (PNG), or 404.
func (h *Handler) brandingLogo(w http.ResponseWriter, r *http.Request) {
	account, region, dir := r.PathValue("account"), r.PathValue("region"), r.PathValue("directory")
	platform, logo := r.PathValue("platform"), r.PathValue("logo")
	if !api.IsAccountID(account) || !brandingRegion().MatchString(region) || !api.IsDirectoryID(dir) ||
		!slices.Contains(api.ClientDeviceType("").Values(), api.ClientDeviceType(platform)) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such branding logo"})
		return
	}
	data, ok, err := h.Service.BrandingLogo(r.Context(), account, region, dir, platform, logo)
	if err != nil {
		writeErr(w, http.StatusInternalServerError, err)
		return
	}
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such branding logo"})
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", http.DetectContentType(data))
	hd.Set("X-Content-Type-Options", "nosniff")
	// A new import replaces the logo under the same URL.
	hd.Set("Cache-Control", "no-cache")
	// Public, as AWS's logos are: a login page on another origin may show it.
	hd.Set("Cross-Origin-Resource-Policy", "cross-origin")
	hd.Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}
