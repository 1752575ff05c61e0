package workspaces

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/store"
)

// Amazon Connect client add-ins live in their directory's document
// (directory.ConnectClientAddIns), in AddInId order. The API reference of
// CreateConnectClientAddIn: "You can create only one Amazon Connect client
// add-in within a directory."

// maxAddInsPerDirectory is how many add-ins a directory may have.
const maxAddInsPerDirectory = 1

// addInIndex is the index of add-in id in d, or -1.
func (d *directory) addInIndex(id string) int {
	return slices.IndexFunc(d.ConnectClientAddIns, func(a api.ConnectClientAddIn) bool { return api.ToString(a.AddInId) == id })
}

// addInNotFound is ResourceNotFoundException for an add-in of directory dir.
func addInNotFound(id, dir string) error {
	return notFound(id, "The client add-in %s could not be found in directory %s.", id, dir)
}

// CreateConnectClientAddIn adds a directory's Amazon Connect client
// add-in; a directory that has one already is ResourceAlreadyExistsException.
func (s *Service) CreateConnectClientAddIn(ctx context.Context, in *api.CreateConnectClientAddInRequest) (*api.CreateConnectClientAddInResult, error) {
	id := newUUID()
	err := s.modifyDirectory(ctx, *in.ResourceId, func(d *directory) error {
		if n := len(d.ConnectClientAddIns); n >= maxAddInsPerDirectory {
			return alreadyExists("The directory %s already has an Amazon Connect client add-in (%s); a directory can have only one.",
				*in.ResourceId, api.ToString(d.ConnectClientAddIns[0].AddInId))
		}
		d.ConnectClientAddIns = append(d.ConnectClientAddIns, api.ConnectClientAddIn{
			AddInId: api.String(id), ResourceId: in.ResourceId, Name: in.Name, URL: in.URL})
		slices.SortFunc(d.ConnectClientAddIns, func(a, b api.ConnectClientAddIn) int {
			return strings.Compare(api.ToString(a.AddInId), api.ToString(b.AddInId))
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateConnectClientAddInResult{AddInId: api.String(id)}, nil
}

// DescribeConnectClientAddIns pages through a directory's add-ins.
func (s *Service) DescribeConnectClientAddIns(ctx context.Context, in *api.DescribeConnectClientAddInsRequest) (*api.DescribeConnectClientAddInsResult, error) {
	p := partition(ctx)
	items, next, err := describe(s, ctx, p, "DescribeConnectClientAddIns", in.NextToken, 1, pageSize(in.MaxResults),
		func(tx store.Tx, now time.Time, pg *page[api.ConnectClientAddIn]) error {
			_, d, err := getDirectory(ctx, tx, p, *in.ResourceId)
			if err != nil {
				return err
			}
			for _, a := range d.ConnectClientAddIns {
				key := api.ToString(a.AddInId)
				if !pg.past(key) {
					continue
				}
				if err := pg.add(a, key); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return &api.DescribeConnectClientAddInsResult{AddIns: items, NextToken: next}, nil
}

// UpdateConnectClientAddIn changes the name, the URL or both of an add-in;
// a member the request leaves out is kept.
func (s *Service) UpdateConnectClientAddIn(ctx context.Context, in *api.UpdateConnectClientAddInRequest) (*api.UpdateConnectClientAddInResult, error) {
	err := s.modifyDirectory(ctx, *in.ResourceId, func(d *directory) error {
		i := d.addInIndex(*in.AddInId)
		if i < 0 {
			return addInNotFound(*in.AddInId, *in.ResourceId)
		}
		a := &d.ConnectClientAddIns[i]
		set(&a.Name, in.Name)
		set(&a.URL, in.URL)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateConnectClientAddInResult{}, nil
}

// DeleteConnectClientAddIn deletes an add-in of a directory.
func (s *Service) DeleteConnectClientAddIn(ctx context.Context, in *api.DeleteConnectClientAddInRequest) (*api.DeleteConnectClientAddInResult, error) {
	err := s.modifyDirectory(ctx, *in.ResourceId, func(d *directory) error {
		i := d.addInIndex(*in.AddInId)
		if i < 0 {
			return addInNotFound(*in.AddInId, *in.ResourceId)
		}
		d.ConnectClientAddIns = slices.Delete(d.ConnectClientAddIns, i, i+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteConnectClientAddInResult{}, nil
}
