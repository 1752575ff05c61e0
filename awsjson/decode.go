package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"unicode/utf8"

	"github.com/wslocal/wslocal/api"
)

// decode reads a JSON object into in (see decodeInput).
func decode(body []byte, in api.Input) error {
	_, err := decodeInput(body, in)
	return err
}

// decodeInput reads a JSON object into in. An empty body is an empty
// object. A member that is null is absent (encoding/json leaves it unset);
// the lists that had null members are returned, for validation
// (api.ValidateWithNulls).
func decodeInput(body []byte, in api.Input) (map[string][]int, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil
	}
	if body[0] != '{' {
		return nil, serializationError("The request body must be a JSON object.")
	}
	// The generated decoder reads a plain valid body in one pass; it gives
	// up on anything else, which decodeChecked judges and words.
	if f, ok := in.(fastDecoder); ok && f.DecodeJSON(body) {
		return nil, nil
	}
	return decodeChecked(body, in)
}

// fastDecoder is an input with a generated one-pass decoder: what it
// accepts, decodeChecked accepts with the same result and no null members.
type fastDecoder interface {
	DecodeJSON(body []byte) bool
}

// decodeChecked reads a JSON object (trimmed, starting with '{') into in
// with every check of the protocol: UTF-8, syntax, the scanner's rules
// (scanBody), then encoding/json.
func decodeChecked(body []byte, in api.Input) (map[string][]int, error) {
	// encoding/json replaces invalid UTF-8 with U+FFFD without a word: a
	// name stored that way would not be the name the client sent.
	if !utf8.Valid(body) {
		return nil, serializationError("The request body is not valid UTF-8.")
	}
	if !json.Valid(body) {
		// Unmarshal says where the syntax breaks.
		var syntaxErr *json.SyntaxError
		if err := json.Unmarshal(body, new(any)); errors.As(err, &syntaxErr) {
			return nil, serializationError(fmt.Sprintf("The request body is not valid JSON: %v.", syntaxErr))
		}
		return nil, serializationError("The request body is not valid JSON.")
	}
	sc, err := scanBody(body, reflect.TypeOf(in))
	if err != nil {
		return nil, err
	}
	err = json.Unmarshal(sc.body, in)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return sc.nulls, nil
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "the request"
		}
		return nil, serializationError(fmt.Sprintf("Unexpected JSON %s for %s: expected %s.", clip(typeErr.Value, 64), clip(field, 128), jsonKind(typeErr.Type)))
	default:
		// A member's own UnmarshalJSON refused it (api.Time).
		return nil, serializationError(fmt.Sprintf("The request body could not be decoded: %s.", clip(err.Error(), 160)))
	}
}

// jsonKind names a Go type the way a JSON user thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[api.Time]():
		return "a number (epoch seconds)"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "a base64 string"
	case t.Kind() == reflect.Slice:
		return "a list"
	case t.Kind() == reflect.Map:
		return "a map"
	case t.Kind() == reflect.Struct:
		return "an object"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "a boolean"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uintptr:
		return "an integer"
	default:
		return "a number"
	}
}
