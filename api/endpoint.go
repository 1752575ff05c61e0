package api

import "context"

// endpointKey keys the base URL of the server a request reached.
type endpointKey struct{}

// EndpointKey is the context key of the base URL, for a context that
// carries it itself (the protocol handler's) and answers it with a string.
var EndpointKey any = endpointKey{}

// WithEndpoint returns ctx carrying the base URL ("http://host:port", no
// trailing slash) under which the client reached the server: operations
// that answer URLs of the server's own (client branding logos) build them
// on it.
func WithEndpoint(ctx context.Context, baseURL string) context.Context {
	return context.WithValue(ctx, endpointKey{}, baseURL)
}

// Endpoint is the base URL WithEndpoint put in ctx, or "" when none.
func Endpoint(ctx context.Context) string {
	s, _ := ctx.Value(endpointKey{}).(string)
	return s
}
