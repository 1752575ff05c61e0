package auth

import (
	"strings"
	"testing"
)

func TestMatchAction(t *testing.T) {
	for _, tc := range []struct {
		pattern, action string
		want            bool
	}{
		{"*", "workspaces:DescribeImageAssociations", true},
		{"workspaces:*", "workspaces:DescribeImageAssociations", true},
		{"workspaces:DescribeImageAssociations", "workspaces:DescribeImageAssociations", true},
		{"WorkSpaces:describeimageassociations", "workspaces:DescribeImageAssociations", true},
		{"workspaces:Describe*", "workspaces:DescribeImageAssociations", true},
		{"workspaces:Describe*", "workspaces:DeleteWorkspaceImage", false},
		{"workspaces:*Associations", "workspaces:DescribeImageAssociations", true},
		{"workspaces:*Image*", "workspaces:DescribeImageAssociations", true},
		{"workspaces:*Image*", "workspaces:CreateTags", false},
		{"workspaces:CreateTag?", "workspaces:CreateTags", true},
		{"workspaces:CreateTag?", "workspaces:CreateTag", false},
		{"workspaces:DescribeImage", "workspaces:DescribeImageAssociations", false},
		{"workspaces:D*s*s", "workspaces:DescribeImageAssociations", true},
		{"workspaces:**", "workspaces:X", true},
		{"", "workspaces:X", false},
	} {
		if got := matchAction(tc.pattern, tc.action); got != tc.want {
			t.Errorf("matchAction(%q, %q) = %v, want %v", tc.pattern, tc.action, got, tc.want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	ks, err := NewKeys(
		Key{AccessKey: "all", SecretKey: "x", Account: "111111111111"},
		Key{AccessKey: "readonly", SecretKey: "x", Account: "222222222222", Allow: []string{"workspaces:Describe*"}},
		Key{AccessKey: "noimages", SecretKey: "x", Account: "333333333333", Deny: []string{"workspaces:*Image*"}},
		Key{AccessKey: "both", SecretKey: "x", Account: "444444444444",
			Allow: []string{"workspaces:*"}, Deny: []string{"workspaces:DescribeImageAssociations"}},
		Key{AccessKey: "nothing", SecretKey: "x", Account: "555555555555", Allow: []string{}},
	)
	if err != nil {
		t.Fatal(err)
	}
	a := &Authenticator{Mode: Strict, Keys: ks}
	for _, tc := range []struct {
		key, op string
		allowed bool
	}{
		{"all", "DeleteWorkspaceImage", true},
		{"readonly", "DescribeImageAssociations", true},
		{"readonly", "ImportWorkspaceImage", false},
		{"noimages", "DescribeImageAssociations", false},
		{"noimages", "CreateTags", true},
		{"both", "DescribeImageAssociations", false},
		{"both", "DescribeApplications", true},
		{"nothing", "DescribeApplications", false},
	} {
		k, _ := ks.Lookup(tc.key)
		err := a.Authorize(Caller{AccessKey: tc.key, Account: k.Account, Region: "us-east-1"}, tc.op)
		if tc.allowed {
			if err != nil {
				t.Errorf("%s %s: %v, want allowed", tc.key, tc.op, err)
			}
			continue
		}
		want := "User: arn:aws:iam::" + k.Account + ":user/" + tc.key + " is not authorized to perform: workspaces:" + tc.op
		var ae *Error
		if e, ok := err.(*Error); ok {
			ae = e
		}
		if ae == nil || ae.Status != 400 || ae.Code != "AccessDeniedException" || ae.Message != want {
			t.Errorf("%s %s: %v, want 400 AccessDeniedException %q", tc.key, tc.op, err, want)
		}
	}
	// Outside strict mode nothing is denied.
	for _, m := range []Mode{Off, Accept, ""} {
		if err := (&Authenticator{Mode: m, Keys: ks}).Authorize(Caller{AccessKey: "nothing"}, "CreateTags"); err != nil {
			t.Errorf("mode %q: %v", m, err)
		}
	}
}

func TestCheckAction(t *testing.T) {
	for _, ok := range []string{"*", "workspaces:*", "workspaces:Describe*", "WORKSPACES:CreateTag?"} {
		if err := checkAction(ok); err != nil {
			t.Errorf("checkAction(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "DescribeImageAssociations", "workspaces:", "ec2:*", "workspaces:Describe Images", "workspaces:a/b", "*:*"} {
		err := checkAction(bad)
		if err == nil {
			t.Errorf("checkAction(%q) accepted", bad)
		} else if !strings.Contains(err.Error(), "action") && !strings.Contains(err.Error(), "workspaces") {
			t.Errorf("checkAction(%q) = %v: does not say what an action is", bad, err)
		}
	}
}
