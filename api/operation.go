package api

import "context"

// Input is an operation's request: it can check itself against the model.
type Input interface {
	Validate() error
}

// Operation describes one operation of the model for the protocol layer.
type Operation struct {
	Name     string
	NewInput func() Input
	// Call invokes the operation's method on s; in is what NewInput made.
	Call func(ctx context.Context, s Service, in Input) (any, error)
	// Errors lists the error shapes the model says the operation may return.
	Errors []string
}
