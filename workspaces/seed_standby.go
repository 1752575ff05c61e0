package workspaces

import (
	"context"
	"fmt"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// seedStandbyOf names the primary of a seeded standby WorkSpace: a
// WorkSpace the seed declares in another Region of the same account.
type seedStandbyOf struct {
	Region          string `yaml:"region"`
	Workspace       string `yaml:"workspace"`
	DataReplication string `yaml:"dataReplication"` // NO_REPLICATION (default) or PRIMARY_AS_SOURCE
}

// validateStandbys checks every standbyOf once all partitions are read:
// the primary is declared, in another Region of the account, is not a
// standby itself and has one standby at most.
func (s *Seed) validateStandbys() {
	d := s.doc
	declared := map[store.Partition]map[string]*seedWorkspace{}
	for i := range s.file.Accounts {
		a := &s.file.Accounts[i]
		p := store.Partition{Account: a.Account, Region: a.Region}
		if declared[p] == nil {
			declared[p] = map[string]*seedWorkspace{}
		}
		for j := range a.Workspaces {
			declared[p][a.Workspaces[j].ID] = &a.Workspaces[j]
		}
	}
	taken := map[string]string{} // primary (region/id) -> the path of its standby
	for i := range s.file.Accounts {
		a := &s.file.Accounts[i]
		for j := range a.Workspaces {
			sb := a.Workspaces[j].StandbyOf
			if sb == nil {
				continue
			}
			path := fmt.Sprintf("accounts[%d].workspaces[%d].standbyOf", i, j)
			def(&sb.DataReplication, string(api.DataReplicationNoReplication))
			d.oneOf(path+".dataReplication", sb.DataReplication, names(api.DataReplication("").Values()))
			if sb.Region == a.Region {
				d.errorf(path+".region", "a standby is in another Region than its primary; this one is in %s too", a.Region)
				continue
			}
			primary := declared[store.Partition{Account: a.Account, Region: sb.Region}][sb.Workspace]
			switch key := sb.Region + "/" + sb.Workspace; {
			case primary == nil:
				d.errorf(path+".workspace", "no WorkSpace %s is declared for account %s in %s", sb.Workspace, a.Account, sb.Region)
			case primary.StandbyOf != nil:
				d.errorf(path+".workspace", "the WorkSpace %s is itself a standby; a standby cannot have a standby", sb.Workspace)
			case taken[key] != "":
				d.errorf(path+".workspace", "the WorkSpace %s already has the standby of %s", sb.Workspace, taken[key])
			default:
				taken[key] = path
			}
		}
	}
}

// seedStandbys links the seeded standby pairs, once every partition is
// written.
func (s *Service) seedStandbys(ctx context.Context, tx store.Tx, seed *Seed) error {
	for i := range seed.file.Accounts {
		a := &seed.file.Accounts[i]
		p := store.Partition{Account: a.Account, Region: a.Region}
		for j := range a.Workspaces {
			sw := &a.Workspaces[j]
			if sw.StandbyOf == nil {
				continue
			}
			pp := store.Partition{Account: a.Account, Region: sw.StandbyOf.Region}
			sr, standby, err := getDoc[workspace](ctx, tx, p, kindWorkspace, sw.ID)
			if err != nil {
				return fmt.Errorf("accounts[%d].workspaces[%d]: %w", i, j, err)
			}
			pr, primary, err := getDoc[workspace](ctx, tx, pp, kindWorkspace, sw.StandbyOf.Workspace)
			if err != nil {
				return fmt.Errorf("accounts[%d].workspaces[%d].standbyOf: %w", i, j, err)
			}
			standby.Primary = &relatedRef{Region: pp.Region, WorkspaceID: pr.ID}
			standby.DataReplicationSettings = &api.DataReplicationSettings{DataReplication: api.DataReplication(sw.StandbyOf.DataReplication)}
			primary.Standby = &relatedRef{Region: p.Region, WorkspaceID: sr.ID}
			if err := putDoc(ctx, tx, sr, standby); err != nil {
				return err
			}
			if err := putDoc(ctx, tx, pr, primary); err != nil {
				return err
			}
		}
	}
	return nil
}
