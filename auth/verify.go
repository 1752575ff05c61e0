package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// amzDateLayout is SigV4's X-Amz-Date: ISO 8601 basic format, UTC.
const amzDateLayout = "20060102T150405Z"

// SigningService is the SigV4 service name of WorkSpaces.
const SigningService = "workspaces"

// verifyHeaders checks, in strict mode, what a parsed SigV4 header and the
// request's other headers allow before the body is read: the date, the
// credential scope, the key, the clock skew and which headers are signed.
func (a *Authenticator) verifyHeaders(r *http.Request, header string, cred Credential) (Key, time.Time, error) {
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		if r.Header.Get("Date") != "" {
			// The SDK signer dates requests with X-Amz-Date only, and every
			// AWS SDK and the CLI send it.
			return Key{}, time.Time{}, incompleteSignature("wslocal verifies requests dated by an 'X-Amz-Date' header; this one has only 'Date'. Authorization=%s", header)
		}
		return Key{}, time.Time{}, incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=%s", header)
	}
	signedAt, err := time.Parse(amzDateLayout, amzDate)
	if err != nil {
		return Key{}, time.Time{}, incompleteSignature("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amzDate)
	}
	if day := signedAt.Format("20060102"); cred.Date != day {
		return Key{}, time.Time{}, invalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", cred.Date, day, amzDate)
	}
	if cred.Service != SigningService {
		// AWS's message, trailing space included.
		return Key{}, time.Time{}, invalidSignature("Credential should be scoped to correct service: '%s'. ", SigningService)
	}
	key, ok := a.Keys.Lookup(cred.AccessKey)
	if !ok {
		return Key{}, time.Time{}, unrecognizedClient()
	}
	if err := checkSkew(signedAt, a.now()); err != nil {
		return Key{}, time.Time{}, err
	}
	if err := checkSignedHeaders(r, cred.SignedHeaders); err != nil {
		return Key{}, time.Time{}, err
	}
	return key, signedAt, nil
}

// checkSignedHeaders refuses a request that leaves unsigned a header that
// decides what it does: otherwise a captured request could be re-aimed
// (its X-Amz-Target changed from DescribeTags to DeleteTags) without the
// secret. Host, Content-Type (it picks the protocol) and every X-Amz-*
// header present (X-Amz-Target names the operation) must be signed, as
// the SigV4 documentation asks ("any x-amz-* headers that you plan to
// include in your request must also be signed"); every AWS SDK and the CLI
// sign all of them.
func checkSignedHeaders(r *http.Request, signed []string) error {
	has := make(map[string]bool, len(signed))
	for _, h := range signed {
		has[h] = true
	}
	var missing []string
	if !has["host"] {
		missing = append(missing, "host")
	}
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, strings.ToLower(name))
	}
	sort.Strings(names)
	for _, n := range names {
		if (n == "content-type" || strings.HasPrefix(n, "x-amz-")) && !has[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		list := strings.Join(missing, ", ")
		if len(list) > 256 {
			list = strings.ToValidUTF8(list[:256], "") + "..."
		}
		return invalidSignature("There were headers present in the request which were not signed: %s", list)
	}
	return nil
}

// verifyBody checks, in strict mode, the signature of a request whose
// headers verifyHeaders has accepted. It never computes a signature by
// hand: it rebuilds the request from the headers the client says it signed
// and signs that with aws-sdk-go-v2's own signer, so what passes is
// exactly what AWS's SDKs produce.
func (a *Authenticator) verifyBody(r *http.Request, body []byte, cred Credential, key Key, signedAt time.Time) (Caller, error) {
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if claimed := r.Header.Get("X-Amz-Content-Sha256"); claimed != "" && !strings.EqualFold(claimed, payloadHash) {
		// S3's words; WorkSpaces has no unsigned or streamed payloads either.
		return Caller{}, invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	want, err := resign(r, payloadHash, cred, key, signedAt)
	if err != nil {
		return Caller{}, invalidSignature("%s", signatureMismatch)
	}
	if strings.Join(cred.SignedHeaders, ";") != strings.Join(want.SignedHeaders, ";") ||
		subtle.ConstantTimeCompare([]byte(cred.Signature), []byte(want.Signature)) != 1 {
		return Caller{}, invalidSignature("%s", signatureMismatch)
	}
	return Caller{AccessKey: key.AccessKey, Account: key.Account, Region: cred.Region}, nil
}

// checkSkew refuses a request dated more than MaxSkew from now, in AWS's words.
func checkSkew(signedAt, now time.Time) error {
	now = now.UTC().Truncate(time.Second)
	f := func(t time.Time) string { return t.UTC().Format(amzDateLayout) }
	if earliest := now.Add(-MaxSkew); signedAt.Before(earliest) {
		return invalidSignature("Signature expired: %s is now earlier than %s (%s - 15 min.)", f(signedAt), f(earliest), f(now))
	}
	if latest := now.Add(MaxSkew); signedAt.After(latest) {
		return invalidSignature("Signature not yet current: %s is still later than %s (%s + 15 min.)", f(signedAt), f(latest), f(now))
	}
	return nil
}

// resign signs a copy of r holding only what the client signed (the
// signer would otherwise sign every header it sees) and returns the
// Authorization header the signer produced, parsed.
func resign(r *http.Request, payloadHash string, cred Credential, key Key, signedAt time.Time) (Credential, error) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := &url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	req := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	creds := aws.Credentials{AccessKeyID: key.AccessKey, SecretAccessKey: key.SecretKey}
	for _, name := range cred.SignedHeaders {
		switch name {
		case "host", "x-amz-date":
			// The signer takes these from req.Host and the signing time.
		case "content-length":
			// The signer signs the length from ContentLength, never the header.
			req.ContentLength = r.ContentLength
		case "x-amz-security-token":
			// The signer writes the token from the credentials.
			creds.SessionToken = r.Header.Get("X-Amz-Security-Token")
		default:
			if vals := r.Header.Values(name); len(vals) > 0 {
				req.Header[textproto.CanonicalMIMEHeaderKey(name)] = vals
			}
		}
	}
	// The payload hash is always the body's own, never a claim of the client.
	err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payloadHash, cred.Service, cred.Region, signedAt)
	if err != nil {
		return Credential{}, err
	}
	return ParseAuthorization(req.Header.Get("Authorization"))
}
