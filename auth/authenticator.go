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
	p, err := a.CheckHeaders(r)
	if err != nil {
		return Caller{}, err
	}
	return p.Finish(r, body)
}

// Pending is a request whose headers passed: in strict mode its signature
// still has to be checked against the body.
type Pending struct {
	caller Caller
	a      *Authenticator
	header string
	cred   Credential
	key    Key
	at     time.Time
}

// CheckHeaders decides everything about r that its headers allow, before
// its body is read: a request without Authorization, with a header that
// does not parse, and in strict mode one badly dated, of an unknown key or
// that leaves unsigned a header that decides what it does, is refused
// without waiting for a body it may be trickling. Refusals are *Error.
//
// The Pending is a value: a request's check costs no allocation.
func (a *Authenticator) CheckHeaders(r *http.Request) (Pending, error) {
	mode := Accept
	if a != nil && a.Mode != "" {
		mode = a.Mode
	}
	if mode == Off {
		return Pending{caller: FromRequest(r)}, nil
	}
	var h string
	if v := r.Header["Authorization"]; len(v) > 0 {
		h = v[0]
	}
	if h == "" {
		return Pending{}, missingToken()
	}
	// Accept mode reads the access key and region only.
	cred, err := parseAuthorization(h, mode != Accept)
	if err != nil {
		return Pending{}, incompleteSignature("%s", err.Error())
	}
	if mode == Accept {
		return Pending{caller: Caller{AccessKey: cred.AccessKey, Account: AccountFor(cred.AccessKey), Region: cred.Region}}, nil
	}
	key, at, err := a.verifyHeaders(r, h, cred)
	if err != nil {
		return Pending{}, err
	}
	return Pending{a: a, header: h, cred: cred, key: key, at: at}, nil
}

// Finish checks what needs the body (strict mode's signature) and returns
// the caller.
func (p *Pending) Finish(r *http.Request, body []byte) (Caller, error) {
	if p.a == nil {
		return p.caller, nil
	}
	return p.a.verifyBody(r, body, p.cred, p.key, p.at)
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}
