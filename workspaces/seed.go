package workspaces

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/store"
)

// Seed is a parsed seed file: the directories, images, bundles and
// WorkSpaces of some accounts and regions, with their applications in any
// state and their tags. Service.ApplySeed writes it in one transaction,
// building every document as the operations do. ParseSeed checks
// everything that can be checked without the store; defaults are filled
// in and application names resolved to ids.
type Seed struct {
	doc  *seedDoc
	file seedFile
}

// The seed file's shape; docs/seed.example.yaml shows every field.
type seedFile struct {
	Accounts []seedPartition `yaml:"accounts"`
}

type seedPartition struct {
	Account     string          `yaml:"account"` // default 000000000000
	Region      string          `yaml:"region"`  // default us-east-1
	Directories []seedDirectory `yaml:"directories"`
	Images      []seedImage     `yaml:"images"`
	Bundles     []seedBundle    `yaml:"bundles"`
	Workspaces  []seedWorkspace `yaml:"workspaces"`
	Pools       []seedPool      `yaml:"pools"` // seed_pools.go
	// AccountLinks are links this account (the source) invited.
	AccountLinks []seedAccountLink `yaml:"accountLinks"`
}

type seedDirectory struct {
	ID          string            `yaml:"id"` // d-<hex> or wsd-<alnum>; minted when empty
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	State       string            `yaml:"state"` // default REGISTERED
	Tags        map[string]string `yaml:"tags"`
	// WorkspaceType is PERSONAL (default) or POOLS.
	WorkspaceType string `yaml:"workspaceType"`
	// What ModifyEndpointEncryptionMode, ModifyStreamingProperties and
	// CreateConnectClientAddIn set (seed_directory_extras.go).
	EndpointEncryptionMode string         `yaml:"endpointEncryptionMode"`
	StreamingProperties    *seedStreaming `yaml:"streamingProperties"`
	ConnectClientAddIns    []seedAddIn    `yaml:"connectClientAddIns"`
	// What ImportClientBranding sets, by platform (seed_branding.go);
	// branding is it checked, with the logos read.
	ClientBranding map[string]*seedPlatformBranding `yaml:"clientBranding"`
	branding       map[api.ClientDeviceType]*platformBranding
}

type seedImage struct {
	ID              string            `yaml:"id"`
	Name            string            `yaml:"name"`
	Description     string            `yaml:"description"`     // default: the name
	OperatingSystem string            `yaml:"operatingSystem"` // default WINDOWS_10
	State           string            `yaml:"state"`           // default AVAILABLE
	Error           *seedReason       `yaml:"error"`           // an ERROR image's ErrorCode and ErrorMessage
	Applications    []seedAssociation `yaml:"applications"`
	Tags            map[string]string `yaml:"tags"`
	// CustomImport makes the image one being imported through EC2 Image
	// Builder, at a stage of its import (seed_custom_import.go).
	CustomImport *seedCustomImport `yaml:"customImport"`
}

type seedAssociation struct {
	Application string      `yaml:"application"` // wsa- id, catalogue name, or Microsoft_Office_2019-style import name
	State       string      `yaml:"state"`
	Reason      *seedReason `yaml:"reason"`     // required for, and only for, ERROR
	FailedStep  string      `yaml:"failedStep"` // where a forced deployment resumes an ERROR
}

type seedReason struct {
	Code    string `yaml:"code"`
	Message string `yaml:"message"`
}

type seedBundle struct {
	ID          string            `yaml:"id"`
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"` // default: the name
	Image       string            `yaml:"image"`       // an image of the same account and region in the seed
	ComputeType string            `yaml:"computeType"` // default STANDARD
	RootStorage int               `yaml:"rootStorage"` // GiB, default 80
	UserStorage int               `yaml:"userStorage"` // GiB, default 50
	Tags        map[string]string `yaml:"tags"`
}

type seedWorkspace struct {
	ID            string            `yaml:"id"`
	Directory     string            `yaml:"directory"` // a REGISTERED directory of the seed
	Bundle        string            `yaml:"bundle"`    // a bundle of the seed, or a public (AMAZON) bundle id
	UserName      string            `yaml:"userName"`
	Name          string            `yaml:"name"`  // WorkspaceName
	State         string            `yaml:"state"` // default AVAILABLE
	RunningMode   string            `yaml:"runningMode"`
	ComputeType   string            `yaml:"computeType"`
	RootVolumeGiB int               `yaml:"rootVolumeGiB"`
	UserVolumeGiB int               `yaml:"userVolumeGiB"`
	Applications  []seedAssociation `yaml:"applications"`
	Tags          map[string]string `yaml:"tags"`
	// StandbyOf makes the WorkSpace the standby of a primary declared in
	// another Region of the same account (seed_standby.go).
	StandbyOf *seedStandbyOf `yaml:"standbyOf"`
}

// seedRegion is the form of a Region name, compiled when a seed is first
// read: a regexp compiled at package init costs every start.
var seedRegion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`) })

func names[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

// lifecycleStates are the states the lifecycle of kind moves through: the
// ones a seeded row may start in, since the sweeper can take it on from
// there. (Any WorkSpace can be terminated; those edges do not count.)
func lifecycleStates(kind string) []string {
	var out []string
	add := func(s string) {
		if s != none && s != failedStep && s != sameAsStart && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, t := range transitions {
		if t.kind != kind {
			continue
		}
		if t.event != evTerminate {
			add(t.from)
		}
		add(t.to)
	}
	return out
}

// stepStates are where an association can fail (a forced deployment
// resumes there).
var stepStates = []string{asPendingInstall, asInstalling, asPendingUninstall, asUninstalling}

func def(v *string, d string) {
	if *v == "" {
		*v = d
	}
}

// oneOf reports v unless it is one of allowed.
func (d *seedDoc) oneOf(path, v string, allowed []string) bool {
	if slices.Contains(allowed, v) {
		return true
	}
	d.errorf(path, "%q is not one of %s", v, strings.Join(allowed, ", "))
	return false
}

// model reports the model's constraint violations as problems of the seed
// fields they map to (the model's member path -> the seed's field); other
// members of the checked shape are not the seed's to set and are ignored.
func (d *seedDoc) model(path string, vs []api.Violation, fields map[string]string) bool {
	ok := true
	for _, v := range vs {
		field, mapped := fields[v.Path]
		if !mapped {
			continue
		}
		ok = false
		if v.Null {
			d.errorf(fieldPath(path, field), "is required")
			continue
		}
		d.errorf(fieldPath(path, field), "%q breaks the model's constraint: %s", v.Value, v.Constraint)
	}
	return ok
}

// resolveApplication finds a catalogue entry by id, name or import name.
func resolveApplication(ref string) (Application, bool) {
	if a, ok := findApplication(ref); ok {
		return a, true
	}
	for _, a := range catalogue {
		if a.Name == ref || a.ImportName != "" && string(a.ImportName) == ref {
			return a, true
		}
	}
	return Application{}, false
}

// validate checks the whole seed, fills in defaults and resolves references.
func (s *Seed) validate() {
	d := s.doc
	seen := map[store.Partition]bool{}
	for i := range s.file.Accounts {
		a := &s.file.Accounts[i]
		path := fmt.Sprintf("accounts[%d]", i)
		def(&a.Account, auth.DefaultAccount)
		def(&a.Region, auth.DefaultRegion)
		if !api.IsAccountID(a.Account) {
			d.errorf(path+".account", "%q is not an account id (12 digits; quote it so YAML keeps leading zeros)", a.Account)
		}
		if !seedRegion().MatchString(a.Region) {
			d.errorf(path+".region", "%q is not a region name such as us-east-1", a.Region)
		}
		p := store.Partition{Account: a.Account, Region: a.Region}
		if seen[p] {
			d.errorf(path, "account %s in %s is declared twice; put everything of it under one entry", a.Account, a.Region)
		}
		seen[p] = true
		s.validatePartition(path, a)
	}
	s.validateStandbys()
}

func (s *Seed) validatePartition(pp string, a *seedPartition) {
	d := s.doc
	dirs := map[string]*seedDirectory{}
	for i := range a.Directories {
		sd, path := &a.Directories[i], fmt.Sprintf("%s.directories[%d]", pp, i)
		if sd.ID == "" {
			sd.ID = newHexID("d-", 10)
		} else if d.model(path, api.Check(&api.RegisterWorkspaceDirectoryRequest{DirectoryId: &sd.ID}),
			map[string]string{"directoryId": "id"}) && dirs[sd.ID] != nil {
			d.errorf(path+".id", "the directory %s is declared twice", sd.ID)
		}
		in := &api.RegisterWorkspaceDirectoryRequest{}
		if sd.Name != "" {
			in.WorkspaceDirectoryName = &sd.Name
		}
		if sd.Description != "" {
			in.WorkspaceDirectoryDescription = &sd.Description
		}
		d.model(path, api.Check(in), map[string]string{"workspaceDirectoryName": "name", "workspaceDirectoryDescription": "description"})
		def(&sd.State, dirRegistered)
		d.oneOf(path+".state", sd.State, lifecycleStates(kindDirectory))
		def(&sd.WorkspaceType, string(api.WorkspaceTypePersonal))
		d.oneOf(path+".workspaceType", sd.WorkspaceType, names(api.WorkspaceType("").Values()))
		s.validateTags(path, sd.Tags)
		d.validateDirectoryExtras(path, sd)
		d.validateBranding(path, sd)
		dirs[sd.ID] = sd
	}

	images := map[string]*seedImage{}
	imageNames := map[string]bool{}
	for i := range a.Images {
		si, path := &a.Images[i], fmt.Sprintf("%s.images[%d]", pp, i)
		if si.ID == "" {
			si.ID = newKindID(kindImage)
		} else if d.model(path, api.Check(&api.DeleteWorkspaceImageRequest{ImageId: &si.ID}), map[string]string{"imageId": "id"}) &&
			images[si.ID] != nil {
			d.errorf(path+".id", "the image %s is declared twice", si.ID)
		}
		def(&si.Description, si.Name)
		d.model(path, api.Check(&api.ImportWorkspaceImageRequest{ImageName: &si.Name, ImageDescription: &si.Description}),
			map[string]string{"imageName": "name", "imageDescription": "description"})
		if si.Name != "" && imageNames[si.Name] {
			d.errorf(path+".name", "another image of %s in %s is named %q; image names are unique", a.Account, a.Region, si.Name)
		}
		imageNames[si.Name] = true
		if si.CustomImport != nil {
			s.validateCustomImport(path, a, si)
		}
		def(&si.OperatingSystem, string(api.OperatingSystemNameWindows10))
		d.oneOf(path+".operatingSystem", si.OperatingSystem, names(api.OperatingSystemName("").Values()))
		def(&si.State, imAvailable)
		if d.oneOf(path+".state", si.State, lifecycleStates(kindImage)) && si.Error != nil && si.State != imError {
			d.errorf(path+".error", "only an ERROR image has an error; this one is %s", si.State)
		}
		defState := map[string]string{imPending: asInstalling, imAvailable: asCompleted, imError: asError}[si.State]
		s.validateAssociations(path, si.Applications, associationStates(assocImage), defState, asInstalling,
			isWindows(api.OperatingSystemName(si.OperatingSystem)), si.OperatingSystem)
		s.validateTags(path, si.Tags)
		images[si.ID] = si
	}

	bundles := map[string]*seedBundle{}
	bundleNames := map[string]bool{}
	for i := range a.Bundles {
		sb, path := &a.Bundles[i], fmt.Sprintf("%s.bundles[%d]", pp, i)
		if sb.ID == "" {
			sb.ID = newKindID(kindBundle)
		} else if d.model(path, api.Check(&api.DeleteWorkspaceBundleRequest{BundleId: &sb.ID}), map[string]string{"bundleId": "id"}) {
			if _, public := publicBundle(sb.ID); public || bundles[sb.ID] != nil {
				d.errorf(path+".id", "the bundle id %s is taken (declared twice, or one of AWS's public bundles)", sb.ID)
			}
		}
		def(&sb.Description, sb.Name)
		def(&sb.ComputeType, string(api.ComputeStandard))
		d.model(path, api.Check(&api.CreateWorkspaceBundleRequest{BundleName: &sb.Name, BundleDescription: &sb.Description, ImageId: &sb.Image}),
			map[string]string{"bundleName": "name", "bundleDescription": "description", "imageId": "image"})
		if sb.Name != "" && bundleNames[sb.Name] {
			d.errorf(path+".name", "another bundle of %s in %s is named %q; bundle names are unique", a.Account, a.Region, sb.Name)
		}
		bundleNames[sb.Name] = true
		if img := images[sb.Image]; img == nil && sb.Image != "" {
			d.errorf(path+".image", "no image %s is declared under %s.images", sb.Image, pp)
		} else if img != nil && img.State != imAvailable {
			d.errorf(path+".image", "the image %s is %s; a bundle needs an AVAILABLE image", sb.Image, img.State)
		}
		d.oneOf(path+".computeType", sb.ComputeType, names(api.Compute("").Values()))
		if sb.RootStorage == 0 {
			sb.RootStorage = 80
		}
		if sb.UserStorage == 0 {
			sb.UserStorage = 50
		}
		if sb.RootStorage < 0 {
			d.errorf(path+".rootStorage", "%d is not a size in GiB", sb.RootStorage)
		}
		if sb.UserStorage < 0 {
			d.errorf(path+".userStorage", "%d is not a size in GiB", sb.UserStorage)
		}
		s.validateTags(path, sb.Tags)
		bundles[sb.ID] = sb
	}

	wsIDs := map[string]bool{}
	users := map[string]bool{}
	for i := range a.Workspaces {
		sw, path := &a.Workspaces[i], fmt.Sprintf("%s.workspaces[%d]", pp, i)
		if sw.ID == "" {
			sw.ID = newKindID(kindWorkspace)
		} else if d.model(path, api.Check(&api.AssociateWorkspaceApplicationRequest{WorkspaceId: &sw.ID}), map[string]string{"workspaceId": "id"}) &&
			wsIDs[sw.ID] {
			d.errorf(path+".id", "the WorkSpace %s is declared twice", sw.ID)
		}
		wsIDs[sw.ID] = true
		req := &api.WorkspaceRequest{DirectoryId: &sw.Directory, BundleId: &sw.Bundle, UserName: &sw.UserName}
		if sw.Name != "" {
			req.WorkspaceName = &sw.Name
		}
		d.model(path, api.Check(req), map[string]string{"directoryId": "directory", "bundleId": "bundle",
			"userName": "userName", "workspaceName": "name"})
		if dir := dirs[sw.Directory]; dir == nil && sw.Directory != "" {
			d.errorf(path+".directory", "no directory %s is declared under %s.directories", sw.Directory, pp)
		} else if dir != nil && dir.State != dirRegistered {
			d.errorf(path+".directory", "the directory %s is %s; WorkSpaces need a REGISTERED directory", sw.Directory, dir.State)
		}
		osName := ""
		if b := bundles[sw.Bundle]; b != nil {
			if img := images[b.Image]; img != nil {
				osName = img.OperatingSystem
			}
		} else if pb, ok := publicBundle(sw.Bundle); ok {
			osName = string(pb.OSName)
		} else if sw.Bundle != "" {
			d.errorf(path+".bundle", "no bundle %s is declared under %s.bundles, and it is not a public bundle", sw.Bundle, pp)
		}
		def(&sw.State, wsAvailable)
		d.oneOf(path+".state", sw.State, lifecycleStates(kindWorkspace))
		if sw.RunningMode != "" {
			d.oneOf(path+".runningMode", sw.RunningMode, names(api.RunningMode("").Values()))
		}
		if sw.ComputeType != "" {
			d.oneOf(path+".computeType", sw.ComputeType, names(api.Compute("").Values()))
		}
		if sw.RootVolumeGiB < 0 {
			d.errorf(path+".rootVolumeGiB", "%d is not a size in GiB", sw.RootVolumeGiB)
		}
		if sw.UserVolumeGiB < 0 {
			d.errorf(path+".userVolumeGiB", "%d is not a size in GiB", sw.UserVolumeGiB)
		}
		if dir := dirs[sw.Directory]; dir != nil && dir.WorkspaceType == string(api.WorkspaceTypePools) {
			d.errorf(path+".directory", "the directory %s is for WorkSpaces Pools (workspaceType POOLS); WorkSpaces need a PERSONAL one", sw.Directory)
		}
		user := sw.Directory + "\x00" + strings.ToLower(sw.UserName)
		if sw.State != wsTerminated && sw.UserName != "" {
			if users[user] {
				d.errorf(path+".userName", "the user %s already has a WorkSpace in directory %s", sw.UserName, sw.Directory)
			}
			users[user] = true
		}
		if sw.State == wsTerminated && len(sw.Applications) > 0 {
			d.errorf(path+".applications", "a TERMINATED WorkSpace has no applications")
		}
		s.validateAssociations(path, sw.Applications, associationStates(assocWorkspace), asCompleted, asPendingInstall, osName == "" || isWindows(api.OperatingSystemName(osName)), osName)
		s.validateTags(path, sw.Tags)
	}
	s.validatePools(pp, a, dirs, bundles)
	s.validateAccountLinks(pp, a)
}

// validateAssociations checks a resource's applications and resolves them
// to catalogue ids.
func (s *Seed) validateAssociations(owner string, list []seedAssociation, states []string, defState, defFailed string, windows bool, osName string) {
	d := s.doc
	if len(list) > 0 && !windows {
		d.errorf(owner+".applications", "application management is for Windows only, and this runs %s", osName)
		return
	}
	seen := map[string]bool{}
	for j := range list {
		sa, path := &list[j], fmt.Sprintf("%s.applications[%d]", owner, j)
		app, ok := resolveApplication(sa.Application)
		switch {
		case sa.Application == "":
			d.errorf(path+".application", "is required: a catalogue id (wsa-...) or name (see GET /_wslocal/applications)")
		case !ok:
			d.errorf(path+".application", "no application %q in the catalogue: give its id (wsa-...) or its name, such as %q",
				sa.Application, catalogue[0].Name)
		case seen[app.ID]:
			d.errorf(path+".application", "%s is listed twice", app.Name)
		default:
			seen[app.ID] = true
			sa.Application = app.ID
		}
		def(&sa.State, defState)
		if !d.oneOf(path+".state", sa.State, states) {
			continue
		}
		switch {
		case sa.State == asError && sa.Reason == nil:
			d.errorf(path+".reason", "an ERROR association needs a reason: {code: DeploymentError.InternalServerError, message: ...}")
		case sa.State != asError && sa.Reason != nil:
			d.errorf(path+".reason", "only an ERROR association has a reason; this one is %s", sa.State)
		case sa.Reason != nil:
			d.oneOf(path+".reason.code", sa.Reason.Code, names(api.AssociationErrorCode("").Values()))
		}
		switch {
		case sa.FailedStep != "" && sa.State != asError:
			d.errorf(path+".failedStep", "only an ERROR association has a failed step; this one is %s", sa.State)
		case sa.FailedStep != "":
			d.oneOf(path+".failedStep", sa.FailedStep, stepStates)
		case sa.State == asError:
			sa.FailedStep = defFailed
		}
	}
}

// validateTags checks tags against the model and the reserved prefix.
func (s *Seed) validateTags(owner string, tags map[string]string) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		path := fieldPath(owner+".tags", k)
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			s.doc.keyErrorf(path, "tag keys cannot start with aws:")
			continue
		}
		v := tags[k]
		for _, vi := range api.Check(&api.Tag{Key: &k, Value: &v}) {
			if vi.Path == "key" {
				s.doc.keyErrorf(path, "the key breaks the model's constraint: %s", vi.Constraint)
			} else {
				s.doc.errorf(path, "%q breaks the model's constraint: %s", vi.Value, vi.Constraint)
			}
		}
	}
}

// storeTagsOf turns a seed's tags into store rows, in key order.
func storeTagsOf(tags map[string]string) []store.Tag {
	out := make([]store.Tag, 0, len(tags))
	for k, v := range tags {
		out = append(out, store.Tag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
