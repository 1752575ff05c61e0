package workspaces

import (
	"context"
	"testing"
	"time"

	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
)

// The row rules and the lifecycle agree: a resource and an association
// that pass checkResource and checkAssociation, written with a step due,
// step without error, panic or quarantine. A row that fails the rules is
// quarantined by the sweep, never stepped. Either way Sweep returns nil.
func FuzzRowsThatPassTheRulesStep(f *testing.F) {
	ws := `{"WorkspaceId":"r-1","DirectoryId":"d-1","BundleId":"wsb-1","UserName":"u","WorkspaceProperties":{}}`
	img := `{"ImageId":"r-1","Name":"n","OwnerAccountId":"000000000000","wslocalOrigin":"ImportWorkspaceImage"}`
	app := catalogue[0].ID
	for _, c := range []struct {
		kind, state, doc, assocType, assocState, failed string
	}{
		{kindWorkspace, wsPending, ws, assocWorkspace, asPendingInstall, ""},
		{kindWorkspace, wsTerminated, ws, assocWorkspace, asRemoved, ""},
		{kindWorkspace, wsAvailable, `{}`, assocWorkspace, asInstalling, ""},
		{kindImage, imPending, img, assocImage, asInstalling, ""},
		{kindImage, imAvailable, img, assocImage, asRemoved, ""},
		{kindImage, "BOGUS", img, assocImage, asError, asInstalling},
		{kindAccount, modPending, `{"Modifications":[{"ModificationState":"PENDING"}]}`, assocBundle, asCompleted, ""},
		{kindAccount, modPending, `{}`, assocWorkspace, asUninstalling, ""},
		{kindDirectory, dirDeregistering, `{"DirectoryId":"r-1"}`, assocWorkspace, asPendingUninstall, ""},
		{kindBundle, "AVAILABLE", `{}`, assocBundle, asCompleted, ""},
		{kindPool, "WEIRD", `{}`, assocWorkspace, asCompleted, ""},
		{kindPoolSession, "CONNECTED", `{"UserId":"u"}`, assocBundle, asCompleted, ""},
		{"printer", "READY", `[]`, "PRINTER", "HALF", "NOWHERE"},
	} {
		f.Add(c.kind, c.state, []byte(c.doc), true, c.assocType, c.assocState, c.failed, app, true)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, kind, state string, doc []byte, due bool, assocType, assocState, failed, appID string, assocDue bool) {
		st, err := sqlite.Open(ctx, ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		clock, _ := sim.NewSwitchableClock("manual", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		s := New(st, clock, Config{}, nil, nil)
		now := clock.Now()
		p := store.Partition{Account: "000000000000", Region: "us-east-1"}
		r := &store.Resource{Partition: p, Kind: kind, ID: "r-1", State: state, Created: now, Doc: doc}
		if due {
			r.DueAt = now.Add(time.Second)
		}
		a := &store.Association{Partition: p, ResourceType: assocType, ResourceID: "r-1", ApplicationID: appID,
			State: assocState, FailedStep: failed, Created: now, Updated: now}
		if assocDue {
			a.DueAt = now.Add(time.Second)
		}
		valid := checkResource(r) == nil && checkAssociation(a) == nil
		err = st.Write(ctx, func(tx store.Tx) error {
			if err := tx.PutResource(ctx, r); err != nil {
				return err
			}
			return tx.PutAssociation(ctx, a)
		})
		if err != nil {
			return // the store refuses it (e.g. invalid UTF-8): nothing to step
		}
		if _, err := clock.Advance(2 * time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := s.Sweep(ctx); err != nil {
			t.Fatalf("Sweep: %v", err)
		}
		if q := s.Quarantined(); valid && len(q) > 0 {
			t.Fatalf("valid rows were quarantined: %+v", q)
		}
		// Nothing is left due but what is quarantined.
		var left bool
		if err := st.Read(ctx, func(tx store.Tx) error {
			left, err = s.anyDue(ctx, tx, nil, clock.Now())
			return err
		}); err != nil || left {
			t.Fatalf("after the sweep, steps are still due (%v) or the store fails (%v)", left, err)
		}
	})
}
