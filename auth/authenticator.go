package auth

import (
	"net/http"
	"time"
)

// Authenticator decides who sent a request, as its Mode says.
// The zero value is Accept mode.
type Authenticator struct {
	Mode Mode
	// Keys are the credentials Strict mode verifies against.
	Keys *Keys
	// Now is the wall clock of the request-time check (time.Now when nil).
	// It is deliberately not wslocal's simulated clock: clients sign with
	// their own wall clock, so a manual clock set to another day would
	// refuse every real client as "Signature expired".
	Now func() time.Time
}

// MaxSkew is how far a request's X-Amz-Date may be from the server clock.
const MaxSkew = 15 * time.Minute

// Authenticate resolves the caller of r, whose body has been read into
// body (strict mode hashes it; the body is read once, by the caller).
// Refusals are *Error.
func (a *Authenticator) Authenticate(r *http.Request, body []byte) (Caller, error) {
	mode := Accept
	if a != nil && a.Mode != "" {
		mode = a.Mode
	}
	if mode == Off {
		return FromRequest(r), nil
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return Caller{}, missingToken()
	}
	cred, err := ParseAuthorization(h)
	if err != nil {
		return Caller{}, incompleteSignature("%s", err.Error())
	}
	if mode == Accept {
		return Caller{AccessKey: cred.AccessKey, Account: AccountFor(cred.AccessKey), Region: cred.Region}, nil
	}
	return a.verify(r, body, h, cred)
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}
