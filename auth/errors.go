package auth

import "fmt"

// Error is a refusal of the auth layer, worded like AWS's so the protocol
// layer can send it as is in the awsJson error envelope.
type Error struct {
	Status  int    // HTTP status: 403, or 400 for AccessDeniedException
	Code    string // the __type, e.g. InvalidSignatureException
	Message string
}

func (e *Error) Error() string     { return e.Code + ": " + e.Message }
func (e *Error) ErrorCode() string { return e.Code }

// The refusals, by AWS's names and (where AWS's wording is known) messages.

func missingToken() error {
	return &Error{403, "MissingAuthenticationTokenException", "Missing Authentication Token"}
}

func incompleteSignature(format string, args ...any) error {
	return &Error{403, "IncompleteSignatureException", fmt.Sprintf(format, args...)}
}

func invalidSignature(format string, args ...any) error {
	return &Error{403, "InvalidSignatureException", fmt.Sprintf(format, args...)}
}

// signatureMismatch is AWS's message for a signature that does not verify.
const signatureMismatch = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

func unrecognizedClient() error {
	return &Error{403, "UnrecognizedClientException", "The security token included in the request is invalid."}
}

// accessDenied is the refusal of an action by a key's allow or deny list.
// AWS sends AccessDeniedException with HTTP 400 on JSON services.
func accessDenied(account, accessKey, action string) error {
	return &Error{400, "AccessDeniedException",
		fmt.Sprintf("User: arn:aws:iam::%s:user/%s is not authorized to perform: %s", account, accessKey, action)}
}
