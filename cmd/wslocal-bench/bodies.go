package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// bodyFunc builds the default body of an operation, asking the endpoint for
// the ids it needs.
type bodyFunc func(ctx context.Context, a *api) ([]byte, error)

func static(body string) bodyFunc {
	return func(context.Context, *api) ([]byte, error) { return []byte(body), nil }
}

var defaultBodies = map[string]bodyFunc{
	"DescribeImageAssociations":       imageAssociationsBody,
	"DescribeApplicationAssociations": applicationAssociationsBody,
	"DescribeWorkspaceAssociations":   workspaceAssociationsBody,
	"DescribeWorkspaceImages":         static(`{}`),
	"DescribeApplications":            static(`{}`),
	"DescribeWorkspaces":              static(`{}`),
	"DescribeWorkspaceDirectories":    static(`{}`),
	"DescribeWorkspaceBundles":        static(`{"Owner":"AMAZON"}`),
	"CreateTags":                      createTagsBody,
}

// accountsOf is the accounts --account and --accounts name: --account and
// the numbers after it, as 12 digits.
func accountsOf(o *options) ([]string, error) {
	if o.accounts == 1 {
		return []string{o.account}, nil
	}
	first, err := strconv.ParseInt(o.account, 10, 64)
	if err != nil || len(o.account) != 12 || first+int64(o.accounts) > 1e12 {
		return nil, fmt.Errorf("--accounts %d needs a 12-digit --account with room after it", o.accounts)
	}
	out := make([]string, o.accounts)
	for i := range out {
		out[i] = fmt.Sprintf("%012d", first+int64(i))
	}
	return out, nil
}

// createTagsBody tags an IP group of the account, created for the
// purpose: a write of one partition that leaves the number of rows as it
// is (the same tag, again and again).
func createTagsBody(ctx context.Context, a *api) ([]byte, error) {
	var out struct{ GroupId string }
	if err := a.call(ctx, "CreateIpGroup", map[string]any{"GroupName": "wslocal-bench-" + a.creds.AccessKeyID + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)}, &out); err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"ResourceId": out.GroupId, "Tags": []map[string]string{{"Key": "bench", "Value": "1"}}})
}

// cycleFunc builds the calls of an operation that cannot be sent again
// as it is: one cycle for each of the workers, which leaves the state as
// it found it, asking the endpoint for the ids it needs.
type cycleFunc func(ctx context.Context, a *api, workers int) ([][]*call, error)

var defaultCycles = map[string]cycleFunc{
	"AssociateWorkspaceApplication": associateCycles,
}

func defaultBodyOps() []string {
	ops := make([]string, 0, len(defaultBodies)+len(defaultCycles))
	for op := range defaultBodies {
		ops = append(ops, op)
	}
	for op := range defaultCycles {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

// cyclesFor is what the workers send for op to a: --body, an operation's
// cycles, or its default body.
func cyclesFor(ctx context.Context, a *api, op, body string, workers int) ([][]*call, error) {
	if f, ok := defaultCycles[op]; ok && body == "" {
		return f(ctx, a, workers)
	}
	b, err := bodyFor(ctx, a, op, body)
	if err != nil {
		return nil, err
	}
	return [][]*call{{{op: op, body: b}}}, nil
}

// copyCycles is cycles with calls of their own, to be signed for another
// endpoint.
func copyCycles(cycles [][]*call) [][]*call {
	out := make([][]*call, len(cycles))
	for i, cycle := range cycles {
		for _, c := range cycle {
			out[i] = append(out[i], &call{op: c.op, body: c.body})
		}
	}
	return out
}

// cycleApplication is the application associateCycles associates and
// disassociates: one that --populate associates with every WorkSpace,
// and that DeployWorkspaceApplications has not installed.
const cycleApplication = "Microsoft Project Professional 2021"

// associateCycles gives each worker a WorkSpace of its own, from the first
// ones by id, which it associates cycleApplication with and disassociates
// it from in turn: two writes of one partition that leave the rows as
// they were. A WorkSpace where the application is associated (as
// --populate leaves it) starts with the disassociation.
func associateCycles(ctx context.Context, a *api, workers int) ([][]*call, error) {
	var apps struct {
		Applications []struct{ ApplicationId, Name string }
	}
	if err := a.call(ctx, "DescribeApplications", map[string]any{}, &apps); err != nil {
		return nil, err
	}
	var app string
	for _, x := range apps.Applications {
		if x.Name == cycleApplication {
			app = x.ApplicationId
		}
	}
	if app == "" {
		return nil, fmt.Errorf("%s does not list %q", a.url, cycleApplication)
	}
	var ids []string
	var token *string
	for {
		var out struct {
			Workspaces []struct{ WorkspaceId, State string }
			NextToken  *string
		}
		if err := a.call(ctx, "DescribeWorkspaces", map[string]any{"Limit": 25, "NextToken": token}, &out); err != nil {
			return nil, err
		}
		for _, w := range out.Workspaces {
			if w.State == "AVAILABLE" {
				ids = append(ids, w.WorkspaceId)
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	sort.Strings(ids)
	var cycles [][]*call
	for _, id := range ids {
		if len(cycles) == workers {
			break
		}
		var out struct {
			Associations []struct{ AssociatedResourceId, State string }
		}
		if err := a.call(ctx, "DescribeWorkspaceAssociations", map[string]any{"WorkspaceId": id,
			"AssociatedResourceTypes": []string{"APPLICATION"}}, &out); err != nil {
			return nil, err
		}
		state := ""
		for _, as := range out.Associations {
			if as.AssociatedResourceId == app {
				state = as.State
			}
		}
		body, err := json.Marshal(map[string]string{"WorkspaceId": id, "ApplicationId": app})
		if err != nil {
			return nil, err
		}
		associate := &call{op: "AssociateWorkspaceApplication", body: body}
		disassociate := &call{op: "DisassociateWorkspaceApplication", body: body}
		switch state {
		case "", "REMOVED":
			cycles = append(cycles, []*call{associate, disassociate})
		case "PENDING_INSTALL_DEPLOYMENT":
			cycles = append(cycles, []*call{disassociate, associate})
		}
	}
	if len(cycles) < workers {
		return nil, fmt.Errorf("%s has %d AVAILABLE WorkSpaces where %s can be associated and disassociated, not %d (one a connection): run --populate",
			a.url, len(cycles), cycleApplication, workers)
	}
	return cycles, nil
}

// bodyFor is the body to send for op to a: --body, or the default.
func bodyFor(ctx context.Context, a *api, op, body string) ([]byte, error) {
	if body != "" {
		if !json.Valid([]byte(body)) {
			return nil, errors.New("--body is not valid JSON")
		}
		return []byte(body), nil
	}
	f, ok := defaultBodies[op]
	if !ok {
		return []byte(`{}`), nil
	}
	return f(ctx, a)
}

type imagesOut struct {
	Images []struct{ ImageId string }
}

// imageAssociationsBody asks for the applications of the first image (by
// id) that has any, or else of the first image.
func imageAssociationsBody(ctx context.Context, a *api) ([]byte, error) {
	var images imagesOut
	if err := a.call(ctx, "DescribeWorkspaceImages", map[string]any{"MaxResults": 25}, &images); err != nil {
		return nil, err
	}
	if len(images.Images) == 0 {
		return nil, fmt.Errorf("%s has no image to ask DescribeImageAssociations about: import one, or run --populate", a.url)
	}
	body := func(id string) []byte {
		b, _ := json.Marshal(map[string]any{"ImageId": id, "AssociatedResourceTypes": []string{"APPLICATION"}})
		return b
	}
	for _, img := range images.Images {
		var out struct{ Associations []json.RawMessage }
		if err := a.call(ctx, "DescribeImageAssociations", json.RawMessage(body(img.ImageId)), &out); err == nil && len(out.Associations) > 0 {
			return body(img.ImageId), nil
		}
	}
	return body(images.Images[0].ImageId), nil
}

var allResourceTypes = []string{"IMAGE", "BUNDLE", "WORKSPACE"}

// applicationAssociationsBody asks for one page (the default size) of the
// associations of the application that has the most pages, by probing each.
func applicationAssociationsBody(ctx context.Context, a *api) ([]byte, error) {
	var apps struct {
		Applications []struct{ ApplicationId, Name string }
	}
	if err := a.call(ctx, "DescribeApplications", map[string]any{}, &apps); err != nil {
		return nil, err
	}
	if len(apps.Applications) == 0 {
		return nil, fmt.Errorf("%s lists no applications", a.url)
	}
	best, bestScore := apps.Applications[0].ApplicationId, -1
	for _, app := range apps.Applications {
		var out struct {
			Associations []json.RawMessage
			NextToken    *string
		}
		if err := a.call(ctx, "DescribeApplicationAssociations", map[string]any{
			"ApplicationId": app.ApplicationId, "AssociatedResourceTypes": allResourceTypes}, &out); err != nil {
			return nil, err
		}
		score := len(out.Associations)
		if out.NextToken != nil {
			score += 1000
		}
		if score > bestScore {
			best, bestScore = app.ApplicationId, score
		}
	}
	return json.Marshal(map[string]any{"ApplicationId": best, "AssociatedResourceTypes": allResourceTypes})
}

// workspaceAssociationsBody asks for the applications of the first WorkSpace.
func workspaceAssociationsBody(ctx context.Context, a *api) ([]byte, error) {
	var out struct {
		Workspaces []struct{ WorkspaceId string }
	}
	if err := a.call(ctx, "DescribeWorkspaces", map[string]any{"Limit": 25}, &out); err != nil {
		return nil, err
	}
	if len(out.Workspaces) == 0 {
		return nil, fmt.Errorf("%s has no WorkSpace: run --populate", a.url)
	}
	ids := make([]string, 0, len(out.Workspaces))
	for _, w := range out.Workspaces {
		ids = append(ids, w.WorkspaceId)
	}
	return json.Marshal(map[string]any{"WorkspaceId": slices.Min(ids), "AssociatedResourceTypes": []string{"APPLICATION"}})
}
