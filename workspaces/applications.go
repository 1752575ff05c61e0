package workspaces

import (
	"context"
	"crypto/sha256"
	"math/big"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
)

// Application is an entry of the AWS-owned applications catalogue.
type Application struct {
	ID          string
	Name        string
	Description string
	State       api.WorkSpaceApplicationState
	License     api.WorkSpaceApplicationLicenseType
	Computes    []api.Compute
	Systems     []api.OperatingSystemName
	// Family groups products that cannot be installed side by side with an
	// older version of the same family (Office 2016/2019).
	Family string
	// ImportName is the ImportWorkspaceImage Applications value that
	// subscribes an imported image to this application, if any.
	ImportName api.Application
	// DiskGiB and MemoryGiB are what the installer checks on the WorkSpace
	// (root volume, compute type): not published by AWS, chosen by wslocal.
	DiskGiB   int
	MemoryGiB int
}

// catalogueCreated is the Created time of every AWS-owned application.
var catalogueCreated = time.Date(2024, 11, 18, 0, 0, 0, 0, time.UTC)

// windowsSystems are the operating systems application management supports.
var windowsSystems = []api.OperatingSystemName{
	api.OperatingSystemNameWindows10, api.OperatingSystemNameWindows11,
	api.OperatingSystemNameWindowsServer2016, api.OperatingSystemNameWindowsServer2019,
	api.OperatingSystemNameWindowsServer2022, api.OperatingSystemNameWindowsServer2025,
}

// appID derives a stable application id from its name: the same in every
// account, region and run.
func appID(name string) string {
	sum := sha256.Sum256([]byte("wslocal application " + name))
	s := new(big.Int).SetBytes(sum[:]).Text(36)
	return "wsa-" + s[:9]
}

// catalogue is the applications AWS offers for WorkSpaces Personal, sorted by id.
var catalogue = func() []Application {
	all := api.Compute("").Values()
	noValue := slices.DeleteFunc(slices.Clone(all), func(c api.Compute) bool { return c == api.ComputeValue })
	app := func(name, desc, family string, state api.WorkSpaceApplicationState, computes []api.Compute, imp api.Application) Application {
		a := Application{ID: appID(name), Name: name, Description: desc, State: state,
			License: api.WorkSpaceApplicationLicenseTypeLicensed, Computes: computes, Systems: windowsSystems,
			Family: family, ImportName: imp, DiskGiB: 10, MemoryGiB: 2}
		switch name {
		case "Microsoft Visual Studio Professional 2022":
			a.DiskGiB, a.MemoryGiB = 90, 4
		case "Microsoft Visual Studio Enterprise 2022":
			a.DiskGiB, a.MemoryGiB = 90, 8
		}
		return a
	}
	avail, uninstall := api.WorkSpaceApplicationStateAvailable, api.WorkSpaceApplicationStateUninstallOnly
	apps := []Application{
		app("Microsoft Office LTSC Professional Plus 2021", "Microsoft Office LTSC Professional Plus 2021", "office", avail, all, ""),
		app("Microsoft Office LTSC Standard 2021", "Microsoft Office LTSC Standard 2021", "office", avail, all, ""),
		app("Microsoft Visio LTSC Professional 2021", "Microsoft Visio LTSC Professional 2021", "visio", avail, all, ""),
		app("Microsoft Visio LTSC Standard 2021", "Microsoft Visio LTSC Standard 2021", "visio", avail, all, ""),
		app("Microsoft Project Professional 2021", "Microsoft Project Professional 2021", "project", avail, all, ""),
		app("Microsoft Project Standard 2021", "Microsoft Project Standard 2021", "project", avail, all, ""),
		app("Microsoft Visual Studio Professional 2022", "Microsoft Visual Studio Professional 2022", "visualstudio", avail, noValue, ""),
		app("Microsoft Visual Studio Enterprise 2022", "Microsoft Visual Studio Enterprise 2022", "visualstudio", avail, noValue, ""),
		app("Microsoft Office 2016", "Microsoft Office Professional Plus 2016 (uninstall only)", "office-old", uninstall, all, api.ApplicationMicrosoftOffice2016),
		app("Microsoft Office 2019", "Microsoft Office Professional Plus 2019 (uninstall only)", "office-old", uninstall, all, api.ApplicationMicrosoftOffice2019),
	}
	sort.Slice(apps, func(i, j int) bool { return apps[i].ID < apps[j].ID })
	return apps
}()

// findApplication returns the catalogue entry with the given id.
func findApplication(id string) (Application, bool) {
	i, ok := slices.BinarySearchFunc(catalogue, id, func(a Application, id string) int { return strings.Compare(a.ID, id) })
	if !ok {
		return Application{}, false
	}
	return catalogue[i], true
}

// applicationForImport returns the application an ImportWorkspaceImage
// Applications value subscribes to.
func applicationForImport(name api.Application) (Application, bool) {
	for _, a := range catalogue {
		if a.ImportName != "" && a.ImportName == name {
			return a, true
		}
	}
	return Application{}, false
}

// conflicts reports whether two applications cannot be associated with one
// WorkSpace: the Professional and Standard editions of one product.
func (a Application) conflicts(b Application) bool {
	return a.ID != b.ID && a.Family == b.Family && a.Family != "office-old"
}

// needsOldOfficeGone reports whether the installer refuses to run while
// Office 2016 or 2019 is installed: every Office-family 2021 product.
func (a Application) needsOldOfficeGone() bool {
	return a.Family == "office" || a.Family == "visio" || a.Family == "project"
}

// isWindows reports whether an operating system is a Windows: application
// management is for Windows only. Whether an application supports that
// Windows is the application's SupportedOperatingSystemNames.
func isWindows(os api.OperatingSystemName) bool {
	return strings.HasPrefix(string(os), "WINDOWS")
}

func (a Application) wire() api.WorkSpaceApplication {
	return api.WorkSpaceApplication{
		ApplicationId:                 api.String(a.ID),
		Created:                       api.TimeOf(catalogueCreated),
		Description:                   api.String(a.Description),
		LicenseType:                   a.License,
		Name:                          api.String(a.Name),
		Owner:                         api.String("AMAZON"),
		State:                         a.State,
		SupportedComputeTypeNames:     slices.Clone(a.Computes),
		SupportedOperatingSystemNames: slices.Clone(a.Systems),
	}
}

// Applications returns the applications catalogue as DescribeApplications
// answers it, for callers that do not sign AWS requests (the control API).
func Applications() []api.WorkSpaceApplication {
	out := make([]api.WorkSpaceApplication, 0, len(catalogue))
	for _, a := range catalogue {
		out = append(out, a.wire())
	}
	return out
}

// DescribeApplications lists the catalogue. Filters combine with AND; the
// values of one filter with OR (the application supports any of them).
func (s *Service) DescribeApplications(ctx context.Context, in *api.DescribeApplicationsRequest) (*api.DescribeApplicationsResult, error) {
	if err := distinct("ApplicationIds", in.ApplicationIds); err != nil {
		return nil, err
	}
	if err := distinct("ComputeTypeNames", in.ComputeTypeNames); err != nil {
		return nil, err
	}
	if err := distinct("OperatingSystemNames", in.OperatingSystemNames); err != nil {
		return nil, err
	}
	for _, os := range in.OperatingSystemNames {
		if !isWindows(os) {
			return nil, notSupported("UnsupportedOperatingSystem",
				"Application management supports Windows operating systems only; %s is not one.", os)
		}
	}
	for _, id := range in.ApplicationIds {
		if _, ok := findApplication(id); !ok {
			return nil, notFound(id, "The application %s could not be found.", id)
		}
	}
	pg, err := newPage[api.WorkSpaceApplication]("DescribeApplications", in.NextToken, 1, pageSize(in.MaxResults))
	if err != nil {
		return nil, err
	}
	owner := api.ToString(in.Owner)
	for _, a := range catalogue {
		switch {
		case !pg.past(a.ID):
		case in.ApplicationIds != nil && !slices.Contains(in.ApplicationIds, a.ID):
		case in.LicenseType != "" && in.LicenseType != a.License:
		case owner != "" && owner != "AMAZON":
		case in.ComputeTypeNames != nil && !containsAny(a.Computes, in.ComputeTypeNames):
		case in.OperatingSystemNames != nil && !containsAny(a.Systems, in.OperatingSystemNames):
		default:
			if err := pg.add(a.wire(), a.ID); err != nil {
				return &api.DescribeApplicationsResult{Applications: pg.items, NextToken: pg.next}, nil
			}
		}
	}
	return &api.DescribeApplicationsResult{Applications: pg.items, NextToken: pg.next}, nil
}

func containsAny[T comparable](have, want []T) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}
