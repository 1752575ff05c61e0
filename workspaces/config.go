package workspaces

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Durations is how long each lifecycle step takes on the clock. Real
// WorkSpaces take minutes to hours; the defaults keep a polling script fast.
// Each field's default is its tag; a "retention" field is how long a
// finished row stays listed, which --step does not set. kindTable says
// which kind each governs.
type Durations struct {
	Import    time.Duration `json:"import" default:"1s"`    // ImportWorkspaceImage: PENDING -> AVAILABLE; each stage of ImportCustomWorkspaceImage
	Image     time.Duration `json:"image" default:"1s"`     // Create/Copy/CreateUpdatedWorkspaceImage
	Workspace time.Duration `json:"workspace" default:"1s"` // each WorkSpace state change (PENDING, STOPPING, ...)
	Deploy    time.Duration `json:"deploy" default:"1s"`    // each step of an application (un)install
	Directory time.Duration `json:"directory" default:"1s"` // REGISTERING -> REGISTERED, DEREGISTERING -> gone
	Account   time.Duration `json:"account" default:"1s"`   // ModifyAccount: PENDING -> COMPLETED
	Pool      time.Duration `json:"pool" default:"1s"`      // each WorkSpaces Pool state change (CREATING, STOPPING, ...)
	// Removed is how long a REMOVED association stays listed.
	Removed time.Duration `json:"removed" default:"1h" retention:"true"`
	// Terminated is how long a TERMINATED WorkSpace stays listed.
	Terminated time.Duration `json:"terminated" default:"1m" retention:"true"`
}

// Quotas are AWS's default limits; users raise them with AWS, so they are
// configurable here too. Each field's default is its tag; kindTable says
// which kind each governs (Tags: every taggable kind).
type Quotas struct {
	Images      int `json:"images" default:"40"`       // per account and region
	Bundles     int `json:"bundles" default:"50"`      // custom bundles per account and region
	Directories int `json:"directories" default:"50"`  // registered directories per account and region
	Tags        int `json:"tags" default:"50"`         // per resource
	PerCreate   int `json:"perCreate" default:"25"`    // WorkSpaces per CreateWorkspaces call (the model allows 25)
	Workspaces  int `json:"workspaces" default:"1000"` // per account and region
	// IP access control groups per account and region, rules per group,
	// groups associated with one directory.
	IpGroups             int `json:"ipGroups" default:"100"`
	IpRules              int `json:"ipRules" default:"10"`
	IpGroupsPerDirectory int `json:"ipGroupsPerDirectory" default:"25"`
	// Connection aliases per account and region (AWS: 20), accounts one
	// alias can be shared with (chosen: the 25 a permissions page can list).
	ConnectionAliases     int `json:"connectionAliases" default:"20"`
	ConnectionAliasShares int `json:"connectionAliasShares" default:"25"`
	// WorkSpaces Pools per account and region, and DesiredUserSessions of
	// one pool (chosen).
	Pools            int `json:"pools" default:"10"`
	PoolUserSessions int `json:"poolUserSessions" default:"100"`
}

// Config holds the durations and quotas of the simulated service.
type Config struct {
	Durations Durations
	Quotas    Quotas
	// RunTwice, for tests, runs the function of every write twice, the
	// first run rolled back, as a store may roll one back and run it
	// again; and that of every view twice, as a view runs it again after
	// a catch-up. An operation that answers the same either way does not
	// count on its function running once.
	RunTwice bool
}

// configField is one field of Durations or Quotas.
type configField struct {
	name      string        // JSON name
	value     reflect.Value // settable
	def       string        // the default tag
	retention bool
}

// fieldsOf lists the fields of *Durations or *Quotas in declaration order.
func fieldsOf(v any) []configField {
	rv := reflect.ValueOf(v).Elem()
	var out []configField
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		out = append(out, configField{name: f.Tag.Get("json"), value: rv.Field(i), def: f.Tag.Get("default"),
			retention: f.Tag.Get("retention") == "true"})
	}
	return out
}

// fill sets each zero (or negative) field of dst from the same field of base.
func fill[T any](dst, base *T) {
	b := fieldsOf(base)
	for i, f := range fieldsOf(dst) {
		switch f.value.Kind() {
		case reflect.Int64, reflect.Int:
			if f.value.Int() <= 0 {
				f.value.SetInt(b[i].value.Int())
			}
		}
	}
}

// defaults is the default tags of *Durations or *Quotas set on v.
func defaults(v any) {
	for _, f := range fieldsOf(v) {
		if _, ok := f.value.Interface().(time.Duration); ok {
			d, err := time.ParseDuration(f.def)
			if err != nil {
				panic(fmt.Sprintf("Durations.%s: default %q: %v", f.name, f.def, err))
			}
			f.value.SetInt(int64(d))
			continue
		}
		n, err := strconv.Atoi(f.def)
		if err != nil {
			panic(fmt.Sprintf("Quotas.%s: default %q: %v", f.name, f.def, err))
		}
		f.value.SetInt(int64(n))
	}
}

// DefaultConfig is AWS's quotas with lifecycle steps of about a second.
func DefaultConfig() Config {
	var c Config
	defaults(&c.Durations)
	defaults(&c.Quotas)
	return c
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	fill(&c.Durations, &d.Durations)
	fill(&c.Quotas, &d.Quotas)
	return c
}

// over returns d with each zero (or negative) duration taken from base.
func (d Durations) over(base Durations) Durations {
	fill(&d, &base)
	return d
}

// WithStep returns d with every step duration (all but the retentions) set
// to step.
func (d Durations) WithStep(step time.Duration) Durations {
	for _, f := range fieldsOf(&d) {
		if !f.retention {
			f.value.SetInt(int64(step))
		}
	}
	return d
}

// DurationsHelp says, for a command's help, which duration governs which
// kind and its default: "import=1s,image=1s (image); ...".
func DurationsHelp() string {
	return configHelp(DefaultConfig().Durations, func(k kindInfo) []string { return k.durations })
}

// QuotasHelp is DurationsHelp for Quotas.
func QuotasHelp() string {
	return configHelp(DefaultConfig().Quotas, func(k kindInfo) []string { return k.quotas })
}

// configHelp lists the fields of v by the kind that names them, then those
// that no one kind does.
func configHelp[T any](v T, names func(kindInfo) []string) string {
	values := map[string]string{}
	for _, f := range fieldsOf(&v) {
		values[f.name] = fmt.Sprint(f.value.Interface())
		if d, ok := f.value.Interface().(time.Duration); ok {
			values[f.name] = shortDuration(d)
		}
	}
	var groups []string
	for _, k := range kindTable {
		var pairs []string
		for _, n := range names(k) {
			pairs = append(pairs, n+"="+values[n])
			delete(values, n)
		}
		if len(pairs) > 0 {
			groups = append(groups, strings.Join(pairs, ",")+" ("+k.kind+")")
		}
	}
	var rest []string
	for _, f := range fieldsOf(&v) {
		if _, ok := values[f.name]; ok {
			rest = append(rest, f.name+"="+values[f.name])
		}
	}
	if len(rest) > 0 {
		groups = append(groups, strings.Join(rest, ",")+" (each taggable resource)")
	}
	return strings.Join(groups, "; ")
}

// shortDuration writes 1h rather than 1h0m0s.
func shortDuration(d time.Duration) string {
	out := d.String()
	if strings.HasSuffix(out, "m0s") {
		out = strings.TrimSuffix(out, "0s")
	}
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}
