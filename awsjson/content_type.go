package awsjson

import (
	"fmt"
	"mime"
)

// checkContentType accepts awsJson1.1's media type, application/json and
// none, with any parameters (charset=utf-8). AWS's front end picks the
// protocol by Content-Type and answers a JSON service's request of another
// type as an unknown operation (see docs/behaviour.md); wslocal does the
// same, in the JSON envelope and with a message that says what to send.
func checkContentType(v string) error {
	// What SDKs send is taken as is, without parsing.
	if v == "" || v == ContentType || v == "application/json" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(v)
	if err == nil && (mt == ContentType || mt == "application/json") {
		return nil
	}
	return unknownOperation(fmt.Sprintf("Unsupported Content-Type '%s': send %s.", clip(v, 128), ContentType))
}
