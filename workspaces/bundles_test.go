package workspaces

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/wslocal/wslocal/api"
)

// TestPublicCatalogue holds the catalogue to what public_bundles.json
// promises: AWS's ids where the public record has them, each entry with its
// sources, and invented entries marked.
func TestPublicCatalogue(t *testing.T) {
	var doc struct {
		Sources map[string]string `json:"sources"`
		Bundles []catalogueEntry  `json:"bundles"`
	}
	if err := json.Unmarshal(catalogueJSON, &doc); err != nil {
		t.Fatal(err)
	}
	if len(publicBundles()) != len(doc.Bundles) {
		t.Fatalf("%d public bundles from %d entries", len(publicBundles()), len(doc.Bundles))
	}
	publicID := *publicBundles()[len(publicBundles())-1].BundleId
	pattern := regexp.MustCompile(`^wsb-[0-9a-z]{8,63}$`)
	seen := map[string]bool{}
	for _, e := range doc.Bundles {
		if len(e.Sources) == 0 {
			t.Errorf("%s %q has no source", e.ID, e.Name)
		}
		if e.Invented != (e.ID == "") || e.Invented != (len(e.Sources) == 1 && e.Sources[0] == "invented") {
			t.Errorf("%s %q: invented %v, sources %v: an invented entry has no id and the source \"invented\" only", e.ID, e.Name, e.Invented, e.Sources)
		}
	}
	for i, b := range publicBundles() {
		id := *b.BundleId
		if rank, _ := publicRank(id); seen[id] || !pattern.MatchString(id) || rank != i {
			t.Errorf("bundle id %s: duplicate or not a bundle id", id)
		}
		seen[id] = true
		if *b.Owner != "Amazon" || b.State != api.WorkspaceBundleStateAvailable || capacity(b.RootStorage) == 0 || b.userGiB() == 0 {
			t.Errorf("%s: %+v", id, b.WorkspaceBundle)
		}
	}
	// AWS lists its bundles in its own order, which the AWS CLI's example
	// shows: the catalogue keeps it.
	cli := []string{"wsb-clj85qzj1", "wsb-gm4d5tx2v", "wsb-1pzkp0bx4", "wsb-2bs6k5lgn", "wsb-03gyjnfyy"}
	for i := 1; i < len(cli); i++ {
		if !bundleBefore(cli[i-1], cli[i]) {
			t.Errorf("%s is listed after %s; AWS lists it before", cli[i-1], cli[i])
		}
	}
	if !bundleBefore(publicID, "wsb-000000000") || bundleBefore("wsb-000000000", publicID) {
		t.Errorf("the caller's bundles are not listed after AWS's")
	}
	// Ids that public scripts, Terraform configurations and the AWS CLI's
	// examples hard-code, with what the record says of them.
	for _, want := range []struct{ id, name, compute, root, user string }{
		{"wsb-bh8rsxt14", "Value with Windows 10 (Server 2016 based)", "VALUE", "80", "10"},
		{"wsb-b0s22j3d7", "Performance with Windows 7", "PERFORMANCE", "80", "100"},
		{"wsb-df76rqys9", "Value with Windows 10 and Office 2016", "VALUE", "80", "10"},
		{"wsb-0zsvgp8fc", "Value with Windows 10 and Office 2016", "VALUE", "80", "10"},
		{"wsb-clj85qzj1", "Standard with Amazon Linux 2", "STANDARD", "80", "50"},
		{"wsb-gm4d5tx2v", "Performance with Windows 10 (Server 2016 based)", "PERFORMANCE", "80", "100"},
		{"wsb-1pzkp0bx4", "PowerPro with Windows 7", "POWERPRO", "175", "100"},
		{"wsb-2bs6k5lgn", "Power with Amazon Linux 2", "POWER", "175", "100"},
		{"wsb-03gyjnfyy", "Graphics with Windows 10 (Server 2019 based)", "GRAPHICS", "100", "100"},
		{"wsb-j4dky1gs4", "Performance with Amazon Linux 2", "PERFORMANCE", "80", "100"},
		{"wsb-gk1wpk43z", "Standard with Windows 10 (Server 2019 based)", "STANDARD", "80", "50"},
		{"wsb-93xk71ss4", "Standard with Windows 10 (Server 2022 based) (WSP)", "STANDARD", "80", "50"},
	} {
		b, ok := publicBundle(want.id)
		if !ok {
			t.Errorf("no public bundle %s", want.id)
			continue
		}
		got := [...]string{*b.Name, string(b.ComputeType.Name), *b.RootStorage.Capacity, *b.UserStorage.Capacity}
		if got != [...]string{want.name, want.compute, want.root, want.user} {
			t.Errorf("%s = %v, want %v", want.id, got, want)
		}
	}
}
