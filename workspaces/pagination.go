package workspaces

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"

	"github.com/wslocal/wslocal/api"
)

// defaultPageSize is the page size when a request sets no MaxResults.
const defaultPageSize = 25

// A page token is opaque to clients: the operation it belongs to and the
// key of the last item returned, so a page starts after it even while items
// are added or removed.
type pageToken struct {
	Op  string   `json:"o"`
	Key []string `json:"k"`
}

func encodeToken(op string, key ...string) *string {
	b, _ := json.Marshal(pageToken{Op: op, Key: key})
	return api.String(base64.RawURLEncoding.EncodeToString(b))
}

// decodeToken returns the key of a token made by encodeToken for op, nil
// when there is no token, or InvalidParameterValuesException (also for a
// key with U+0000, which no identifier holds: the token was forged).
func decodeToken(op string, token *string, keyLen int) ([]string, error) {
	if token == nil {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*token)
	var t pageToken
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.Op != op || len(t.Key) != keyLen || slices.ContainsFunc(t.Key, func(k string) bool { return strings.ContainsRune(k, 0) }) {
		return nil, invalidParameter("The NextToken %q is not valid for %s.", *token, op)
	}
	return t.Key, nil
}

func pageSize(max *int32) int {
	return int(api.ToInt32(max, defaultPageSize))
}
