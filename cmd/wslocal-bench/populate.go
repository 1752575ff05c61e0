package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// layout is how --populate N spreads N associations: an image with Office
// 2019 per 200 associations, a bundle of each image (which carries the
// application), and WorkSpaces of those bundles, each with five
// applications: Office 2019 from its bundle, and Office LTSC Professional
// Plus 2021, Visio, Project and Visual Studio Professional associated (not
// deployed: they stay PENDING_INSTALL_DEPLOYMENT).
type layout struct {
	Images, Bundles, Workspaces int
}

const appsPerWorkspace = 5

func layoutFor(n int) layout {
	images := max(1, n/200)
	ws := max(1, (n-2*images+appsPerWorkspace-1)/appsPerWorkspace)
	return layout{Images: images, Bundles: images, Workspaces: ws}
}

func (l layout) associations() int { return l.Images + l.Bundles + appsPerWorkspace*l.Workspaces }

// associated are the applications associated with every populated WorkSpace
// besides the bundle's Office 2019.
var associated = []string{
	"Microsoft Office LTSC Professional Plus 2021",
	"Microsoft Visio LTSC Professional 2021",
	"Microsoft Project Professional 2021",
	"Microsoft Visual Studio Professional 2022",
}

// populated is what populateAPI made.
type populated struct {
	layout
	directory string
	prefix    string // of every name it gave
	// The ids of what it made.
	images, bundles, workspaces []string
}

// parallel runs f(0..n-1) on conc goroutines and returns the first error.
func parallel(ctx context.Context, n, conc int, f func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range min(conc, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					next.Store(int64(n))
					return
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// waitUntil polls cond every 20ms until it holds, for at most a minute.
func waitUntil(ctx context.Context, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(time.Minute)
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not within a minute", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// populateAPI creates about n associations through a wslocal's API, in the
// caller's account and region, as layoutFor says. With the real clock it
// shortens the lifecycle steps through the control API for the while
// (PUT /_wslocal/durations) and restores them; with the manual clock it
// advances the clock.
func populateAPI(ctx context.Context, a *api, n, conc int, out io.Writer) (*populated, error) {
	l := layoutFor(n)
	var clock struct{ Mode string }
	if err := a.control(ctx, "GET", "clock", nil, &clock); err != nil {
		return nil, fmt.Errorf("--populate needs wslocal's control API: %w", err)
	}
	settle := func() error { time.Sleep(30 * time.Millisecond); return nil }
	if clock.Mode == "manual" {
		settle = func() error { return a.control(ctx, "POST", "clock", map[string]string{"advance": "10s"}, nil) }
	} else {
		var saved map[string]string
		if err := a.control(ctx, "GET", "durations", nil, &saved); err != nil {
			return nil, err
		}
		fast := map[string]string{"import": "10ms", "image": "10ms", "workspace": "10ms", "deploy": "10ms", "directory": "10ms"}
		if err := a.control(ctx, "PUT", "durations", fast, nil); err != nil {
			return nil, err
		}
		defer func() {
			if err := a.control(context.Background(), "PUT", "durations", saved, nil); err != nil {
				fmt.Fprintln(out, "wslocal-bench: could not restore the step durations:", err)
			}
		}()
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	p := &populated{layout: l, prefix: "bench-" + hex.EncodeToString(b[:]) + "-", directory: "d-" + hex.EncodeToString(append(b[:], 0xbe))}
	start := time.Now()
	fmt.Fprintf(out, "populating %s: %d images, %d bundles, %d WorkSpaces: %d associations\n",
		a.url, l.Images, l.Bundles, l.Workspaces, l.associations())

	var apps struct {
		Applications []struct{ ApplicationId, Name string }
	}
	if err := a.call(ctx, "DescribeApplications", map[string]any{}, &apps); err != nil {
		return nil, err
	}
	appID := map[string]string{}
	for _, app := range apps.Applications {
		appID[app.Name] = app.ApplicationId
	}
	for _, name := range append([]string{"Microsoft Office 2019"}, associated...) {
		if appID[name] == "" {
			return nil, fmt.Errorf("DescribeApplications does not list %q", name)
		}
	}
	if err := a.call(ctx, "RegisterWorkspaceDirectory", map[string]any{"DirectoryId": p.directory}, nil); err != nil {
		return nil, err
	}

	// Images with Office 2019, then a bundle of each.
	imageIDs := make([]string, l.Images)
	err := parallel(ctx, l.Images, conc, func(i int) error {
		var res struct{ ImageId string }
		err := a.call(ctx, "ImportWorkspaceImage", map[string]any{
			"Ec2ImageId": "ami-0123456789abcdef0", "IngestionProcess": "BYOL_REGULAR",
			"ImageName": fmt.Sprintf("%simage-%d", p.prefix, i), "ImageDescription": "wslocal-bench",
			"Applications": []string{"Microsoft_Office_2019"}}, &res)
		imageIDs[i] = res.ImageId
		return err
	})
	if err != nil {
		return nil, quotaHint(err)
	}
	if err := settle(); err != nil {
		return nil, err
	}
	err = waitUntil(ctx, "images AVAILABLE", func() (bool, error) {
		var res struct{ Images []struct{ State string } }
		for i := 0; i < len(imageIDs); i += 25 {
			if err := a.call(ctx, "DescribeWorkspaceImages", map[string]any{"ImageIds": imageIDs[i:min(i+25, len(imageIDs))]}, &res); err != nil {
				return false, err
			}
			for _, img := range res.Images {
				if img.State != "AVAILABLE" {
					return false, nil
				}
			}
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	bundleIDs := make([]string, l.Bundles)
	err = parallel(ctx, l.Bundles, conc, func(i int) error {
		var res struct{ WorkspaceBundle struct{ BundleId string } }
		err := a.call(ctx, "CreateWorkspaceBundle", map[string]any{
			"BundleName": fmt.Sprintf("%sbundle-%d", p.prefix, i), "BundleDescription": "wslocal-bench",
			"ImageId": imageIDs[i%len(imageIDs)], "ComputeType": map[string]string{"Name": "STANDARD"},
			"UserStorage": map[string]string{"Capacity": "50"}, "RootStorage": map[string]string{"Capacity": "175"}}, &res)
		bundleIDs[i] = res.WorkspaceBundle.BundleId
		return err
	})
	if err != nil {
		return nil, quotaHint(err)
	}

	// WorkSpaces of the bundles, 25 a call; their Office 2019 installs by
	// itself, then four more applications are associated with each.
	err = waitUntil(ctx, "directory REGISTERED", func() (bool, error) {
		var res struct{ Directories []struct{ State string } }
		err := a.call(ctx, "DescribeWorkspaceDirectories", map[string]any{"DirectoryIds": []string{p.directory}}, &res)
		return err == nil && len(res.Directories) == 1 && res.Directories[0].State == "REGISTERED", err
	})
	if err != nil {
		return nil, err
	}
	wsIDs := make([]string, l.Workspaces)
	calls := (l.Workspaces + 24) / 25
	err = parallel(ctx, calls, min(conc, 2), func(c int) error {
		var reqs []map[string]any
		for i := c * 25; i < min((c+1)*25, l.Workspaces); i++ {
			reqs = append(reqs, map[string]any{"DirectoryId": p.directory, "UserName": fmt.Sprintf("%suser-%d", p.prefix, i),
				"BundleId": bundleIDs[i%len(bundleIDs)]})
		}
		var res struct {
			PendingRequests []struct{ WorkspaceId string }
			FailedRequests  []struct{ ErrorCode, ErrorMessage string }
		}
		if err := a.call(ctx, "CreateWorkspaces", map[string]any{"Workspaces": reqs}, &res); err != nil {
			return err
		}
		if len(res.FailedRequests) > 0 {
			f := res.FailedRequests[0]
			return quotaHint(fmt.Errorf("CreateWorkspaces: %d failed: %s: %s", len(res.FailedRequests), f.ErrorCode, f.ErrorMessage))
		}
		for j, w := range res.PendingRequests {
			wsIDs[c*25+j] = w.WorkspaceId
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for range 3 { // PENDING -> AVAILABLE, and the bundle's application in two steps
		if err := settle(); err != nil {
			return nil, err
		}
	}
	office2019 := appID["Microsoft Office 2019"]
	err = waitUntil(ctx, "the bundles' applications COMPLETED on the WorkSpaces", func() (bool, error) {
		done := 0
		var token *string
		for {
			var res struct {
				Associations []struct{ State string }
				NextToken    *string
			}
			if err := a.call(ctx, "DescribeApplicationAssociations", map[string]any{"ApplicationId": office2019,
				"AssociatedResourceTypes": []string{"WORKSPACE"}, "MaxResults": 25, "NextToken": token}, &res); err != nil {
				return false, err
			}
			for _, as := range res.Associations {
				if as.State == "COMPLETED" {
					done++
				}
			}
			if token = res.NextToken; token == nil {
				return done >= l.Workspaces, nil
			}
		}
	})
	if err != nil {
		return nil, err
	}
	err = parallel(ctx, l.Workspaces*len(associated), conc, func(i int) error {
		return a.call(ctx, "AssociateWorkspaceApplication", map[string]any{
			"WorkspaceId": wsIDs[i/len(associated)], "ApplicationId": appID[associated[i%len(associated)]]}, nil)
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "populated %d associations in %v\n", l.associations(), time.Since(start).Round(time.Millisecond))
	p.images, p.bundles, p.workspaces = imageIDs, bundleIDs, wsIDs
	return p, nil
}

// quotaHint explains a quota refusal of --populate.
func quotaHint(err error) error {
	if err != nil && strings.Contains(err.Error(), "ResourceLimitExceeded") {
		return fmt.Errorf("%w\n(wslocal's quotas stop --populate through the API: raise them with wslocal --quotas images=...,bundles=...,workspaces=..., or use --populate-store)", err)
	}
	return err
}

// seedImages imports n images without applications: what
// DescribeWorkspaceImages lists, to compare with moto's server seeded with
// the same number (cmd/wslocal-bench/seed_moto.py).
func seedImages(ctx context.Context, a *api, n int, out io.Writer) error {
	var b [4]byte
	_, _ = rand.Read(b[:])
	prefix := "seed-" + hex.EncodeToString(b[:]) + "-"
	err := parallel(ctx, n, 4, func(i int) error {
		return a.call(ctx, "ImportWorkspaceImage", map[string]any{
			"Ec2ImageId": "ami-0123456789abcdef0", "IngestionProcess": "BYOL_REGULAR",
			"ImageName": fmt.Sprintf("%s%d", prefix, i), "ImageDescription": "wslocal-bench"}, nil)
	})
	if err != nil {
		return quotaHint(err)
	}
	fmt.Fprintf(out, "imported %d images into %s\n", n, a.url)
	return nil
}
