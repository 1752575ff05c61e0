// Package api is the WorkSpaces API as Go: the shapes, enums, errors,
// validators, operation table and Service interface generated from the
// service model in model/, plus the few hand-written pieces they rest on.
package api

//go:generate go run ../internal/apigen -model model/workspaces-2015-04-08.json -out .
