package workspaces

import "time"

// Durations is how long each lifecycle step takes on the clock. Real
// WorkSpaces take minutes to hours; the defaults keep a polling script fast.
type Durations struct {
	Import    time.Duration `json:"import"`    // ImportWorkspaceImage: PENDING -> AVAILABLE
	Image     time.Duration `json:"image"`     // Create/Copy/CreateUpdatedWorkspaceImage
	Workspace time.Duration `json:"workspace"` // each WorkSpace state change (PENDING, STOPPING, ...)
	Deploy    time.Duration `json:"deploy"`    // each step of an application (un)install
	Directory time.Duration `json:"directory"` // REGISTERING -> REGISTERED, DEREGISTERING -> gone
	Account   time.Duration `json:"account"`   // ModifyAccount: PENDING -> COMPLETED
	// Removed is how long a REMOVED association stays listed.
	Removed time.Duration `json:"removed"`
	// Terminated is how long a TERMINATED WorkSpace stays listed.
	Terminated time.Duration `json:"terminated"`
}

// Quotas are AWS's default limits; users raise them with AWS, so they are
// configurable here too.
type Quotas struct {
	Images      int `json:"images"`      // per account and region
	Bundles     int `json:"bundles"`     // custom bundles per account and region
	Directories int `json:"directories"` // registered directories per account and region
	Tags        int `json:"tags"`        // per resource
	PerCreate   int `json:"perCreate"`   // WorkSpaces per CreateWorkspaces call (the model allows 25)
	Workspaces  int `json:"workspaces"`  // per account and region
	// IP access control groups per account and region, rules per group,
	// groups associated with one directory.
	IpGroups             int `json:"ipGroups"`
	IpRules              int `json:"ipRules"`
	IpGroupsPerDirectory int `json:"ipGroupsPerDirectory"`
	// Connection aliases per account and region (AWS: 20), accounts one
	// alias can be shared with (chosen: the 25 a permissions page can list).
	ConnectionAliases     int `json:"connectionAliases"`
	ConnectionAliasShares int `json:"connectionAliasShares"`
}

// Config holds the durations and quotas of the simulated service.
type Config struct {
	Durations Durations
	Quotas    Quotas
}

// DefaultConfig is AWS's quotas with lifecycle steps of about a second.
func DefaultConfig() Config {
	return Config{
		Durations: Durations{Import: time.Second, Image: time.Second, Workspace: time.Second, Deploy: time.Second,
			Directory: time.Second, Account: time.Second, Removed: time.Hour, Terminated: time.Minute},
		Quotas: Quotas{Images: 40, Bundles: 50, Directories: 50, Tags: 50, PerCreate: 25, Workspaces: 1000,
			IpGroups: 100, IpRules: 10, IpGroupsPerDirectory: 25, ConnectionAliases: 20, ConnectionAliasShares: 25},
	}
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	c.Durations = c.Durations.over(d.Durations)
	fill := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&c.Quotas.Images, d.Quotas.Images)
	fill(&c.Quotas.Bundles, d.Quotas.Bundles)
	fill(&c.Quotas.Directories, d.Quotas.Directories)
	fill(&c.Quotas.Tags, d.Quotas.Tags)
	fill(&c.Quotas.PerCreate, d.Quotas.PerCreate)
	fill(&c.Quotas.Workspaces, d.Quotas.Workspaces)
	fill(&c.Quotas.IpGroups, d.Quotas.IpGroups)
	fill(&c.Quotas.IpRules, d.Quotas.IpRules)
	fill(&c.Quotas.IpGroupsPerDirectory, d.Quotas.IpGroupsPerDirectory)
	fill(&c.Quotas.ConnectionAliases, d.Quotas.ConnectionAliases)
	fill(&c.Quotas.ConnectionAliasShares, d.Quotas.ConnectionAliasShares)
	return c
}

// over returns d with each zero (or negative) duration taken from base.
func (d Durations) over(base Durations) Durations {
	fill := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&d.Import, base.Import)
	fill(&d.Image, base.Image)
	fill(&d.Workspace, base.Workspace)
	fill(&d.Deploy, base.Deploy)
	fill(&d.Directory, base.Directory)
	fill(&d.Account, base.Account)
	fill(&d.Removed, base.Removed)
	fill(&d.Terminated, base.Terminated)
	return d
}
