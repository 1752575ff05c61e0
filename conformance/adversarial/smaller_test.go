package adversarial

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSQLiteLockFollowsTheFile: while one wslocal serves a SQLite file, a
// second one does not start on it through a symbolic link, a hard link or
// after its .lock file was deleted: it would serve stale answers.
func TestSQLiteLockFollowsTheFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	first := start(t, "--store", "sqlite:"+db)
	if a := call(t, first.URL, "CreateIpGroup", `{"GroupName":"first"}`); a.status != 200 {
		t.Fatalf("CreateIpGroup: %d %s", a.status, a.body)
	}
	sym, hard := filepath.Join(dir, "sym.db"), filepath.Join(dir, "hard.db")
	if err := os.Symlink(db, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(db, hard); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(db + ".lock"); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, path := range []string{db, sym, hard} {
		code, out := runToExit(t, "--store", "sqlite:"+path, "--addr", "127.0.0.1:0")
		if code != 1 || !strings.Contains(out, "in use by another process") {
			t.Errorf("a second wslocal on %s: exit %d\n%s\nwant exit 1, in use", filepath.Base(path), code, out)
		}
	}
	if a := call(t, first.URL, "DescribeIpGroups", `{}`); a.status != 200 || !strings.Contains(string(a.body), "first") {
		t.Errorf("the first wslocal after the attempts: %d %s", a.status, a.body)
	}
}

// TestStrictSignatureCoversTheTarget: a signed DescribeIpGroups whose
// SignedHeaders leave out x-amz-target cannot be re-aimed at DeleteIpGroup.
func TestStrictSignatureCoversTheTarget(t *testing.T) {
	p := start(t, "--auth", "strict", "--credentials", credentialsFile(t))
	a := call(t, p.URL, "CreateIpGroup", `{"GroupName":"victim"}`)
	var created struct{ GroupId string }
	if a.status != 200 || !jsonInto(a.body, &created) {
		t.Fatalf("CreateIpGroup: %d %s", a.status, a.body)
	}
	body := `{"GroupId":"` + created.GroupId + `"}`
	// Signed without X-Amz-Target; the attacker adds the one they want.
	req := signedRequest(t, p.URL, "DescribeIpGroups", body,
		func(r *http.Request) { r.Header.Del("X-Amz-Target") },
		func(r *http.Request) { r.Header.Set("X-Amz-Target", "WorkspacesService.DeleteIpGroup") })
	a = send(t, req)
	if a.status != 403 || a.errType() != "InvalidSignatureException" ||
		a.message() != "There were headers present in the request which were not signed: x-amz-target" {
		t.Errorf("re-aimed request: %d %s", a.status, a.body)
	}
	// Content-Type decides the protocol: it must be signed too.
	req = signedRequest(t, p.URL, "DescribeIpGroups", `{}`,
		func(r *http.Request) { r.Header.Del("Content-Type") },
		func(r *http.Request) { r.Header.Set("Content-Type", "application/x-amz-json-1.1") })
	if a = send(t, req); a.status != 403 || !strings.Contains(a.message(), "not signed: content-type") {
		t.Errorf("unsigned content type: %d %s", a.status, a.body)
	}
	if a = call(t, p.URL, "DescribeIpGroups", `{}`); a.status != 200 || !strings.Contains(string(a.body), "victim") {
		t.Errorf("the group after the attack: %d %s", a.status, a.body)
	}
}

// TestMemberNamesBindExactly: "AſſociatedResourceTypes" (U+017F folds to
// s) is not AssociatedResourceTypes: beside the real member it does not
// win, alone it is an unknown member. A null member of a list is reported
// as AWS's validation framework reports it.
func TestMemberNamesBindExactly(t *testing.T) {
	p := start(t)
	a := call(t, p.URL, "ImportWorkspaceImage", `{"Ec2ImageId":"ami-0123456789abcdef0","IngestionProcess":"BYOL_REGULAR",`+
		`"ImageName":"golden","ImageDescription":"d"}`)
	var img struct{ ImageId string }
	if a.status != 200 || !jsonInto(a.body, &img) {
		t.Fatalf("ImportWorkspaceImage: %d %s", a.status, a.body)
	}
	// Beside the real member, whatever the order, the folded one is ignored.
	for _, body := range []string{
		`{"ImageId":"` + img.ImageId + `","AssociatedResourceTypes":["APPLICATION"],"AſſociatedResourceTypes":["BOGUS"]}`,
		`{"AſſociatedResourceTypes":["BOGUS"],"ImageId":"` + img.ImageId + `","AssociatedResourceTypes":["APPLICATION"]}`,
	} {
		if a := call(t, p.URL, "DescribeImageAssociations", body); a.status != 200 {
			t.Errorf("folded member beside the real one: %d %s, want 200", a.status, a.body)
		}
	}
	// Alone, it is unknown: the required member is missing.
	a = call(t, p.URL, "DescribeImageAssociations", `{"ImageId":"`+img.ImageId+`","AſſociatedResourceTypes":["APPLICATION"]}`)
	want := "1 validation error detected: Value null at 'associatedResourceTypes' failed to satisfy constraint: Member must not be null"
	if a.status != 400 || a.errType() != "ValidationException" || a.message() != want {
		t.Errorf("folded member alone: %d %s\nwant 400 ValidationException %q", a.status, a.body, want)
	}
	a = call(t, p.URL, "DescribeImageAssociations", `{"ImageId":"`+img.ImageId+`","AssociatedResourceTypes":[null]}`)
	want = "1 validation error detected: Value '[null]' at 'associatedResourceTypes' failed to satisfy constraint: " +
		"Member must satisfy constraint: [Member must not be null]"
	if a.status != 400 || a.errType() != "ValidationException" || a.message() != want {
		t.Errorf("[null]: %d %s\nwant 400 ValidationException %q", a.status, a.body, want)
	}
}
