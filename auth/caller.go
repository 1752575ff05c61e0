// Package auth identifies who sent a request to the emulator, so that every
// stored row can be partitioned by account and region like real AWS.
package auth

import (
	"context"
	"net/http"
)

// Caller is who sent a request: the partition every stored row belongs to.
type Caller struct {
	AccessKey string
	Account   string // 12 digits
	Region    string
}

// DefaultAccount and DefaultRegion are used for unsigned requests and for
// access keys that do not name an account, matching other local emulators.
const (
	DefaultAccount = "000000000000"
	DefaultRegion  = "us-east-1"
)

// defaultCaller is who an unsigned request is attributed to.
var defaultCaller = Caller{Account: DefaultAccount, Region: DefaultRegion}

// AccountFor maps an access key to an account: a key of exactly 12 digits is
// that account (so tests can pick an account through their credentials),
// anything else is DefaultAccount.
func AccountFor(accessKey string) string {
	if len(accessKey) != 12 {
		return DefaultAccount
	}
	for i := 0; i < len(accessKey); i++ {
		if accessKey[i] < '0' || accessKey[i] > '9' {
			return DefaultAccount
		}
	}
	return accessKey
}

// FromRequest resolves the caller of r without checking the signature:
// a missing or unparsable Authorization header yields the default caller
// rather than an error, so hand-written curl requests keep working.
func FromRequest(r *http.Request) Caller {
	h := r.Header.Get("Authorization")
	if h == "" {
		return defaultCaller
	}
	cred, err := parseAuthorization(h, false)
	if err != nil {
		return defaultCaller
	}
	region := cred.Region
	if region == "" { // unreachable after a successful parse; kept as a guard
		region = DefaultRegion
	}
	return Caller{AccessKey: cred.AccessKey, Account: AccountFor(cred.AccessKey), Region: region}
}

type callerKey struct{}

// CallerKey is the context key of the caller: a context that carries the
// caller itself (the protocol handler's, one allocation per request for
// all it carries) answers it with a Caller or a *Caller, which CallerFrom
// reads alike and no one may change.
var CallerKey any = callerKey{}

// WithCaller returns a context carrying c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the Caller stored by WithCaller, or the default caller
// so code paths without middleware (tests, background jobs) still get a partition.
func CallerFrom(ctx context.Context) Caller {
	switch c := ctx.Value(callerKey{}).(type) {
	case Caller:
		return c
	case *Caller:
		return *c
	}
	return defaultCaller
}
