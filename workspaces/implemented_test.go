package workspaces_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/wslocal/wslocal/api"
	"github.com/wslocal/wslocal/auth"
	"github.com/wslocal/wslocal/sim"
	"github.com/wslocal/wslocal/store/sqlite"
	ws "github.com/wslocal/wslocal/workspaces"
)

// TestEveryOperationIsImplemented calls every operation of the model on the
// service with an empty request: none may answer the NotImplementedError
// that the embedded api.Unimplemented gives an operation without
// behaviour. (An empty request is refused, or panics on a member the
// validators would have required: either way the operation has code of
// its own.)
func TestEveryOperationIsImplemented(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock, err := sim.NewSwitchableClock("manual", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	svc := ws.New(st, clock, ws.DefaultConfig(), nil, nil)
	var _ api.Service = svc
	cctx := auth.WithCaller(ctx, auth.Caller{Account: "123456789012", Region: "us-east-1"})

	iface := reflect.TypeOf((*api.Service)(nil)).Elem()
	v := reflect.ValueOf(svc)
	if iface.NumMethod() != 91 {
		t.Errorf("the model has %d operations, want 91", iface.NumMethod())
	}
	for i := range iface.NumMethod() {
		name := iface.Method(i).Name
		m := v.MethodByName(name)
		in := reflect.New(m.Type().In(1).Elem())
		err := call(m, cctx, in)
		var ni *api.NotImplementedError
		if errors.As(err, &ni) {
			t.Errorf("%s answers NotImplementedException", name)
		}
	}
}

// call calls an operation; a panic counts as an answer of its own.
func call(m reflect.Value, ctx context.Context, in reflect.Value) (err error) {
	defer func() {
		if recover() != nil {
			err = nil
		}
	}()
	out := m.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	if e, _ := out[1].Interface().(error); e != nil {
		return e
	}
	return nil
}
