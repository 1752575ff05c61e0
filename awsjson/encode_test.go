package awsjson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/wslocal/wslocal/api"
)

// TestMarshalOutput: an output with a generated encoder answers what
// json.Marshal writes, in a body that a later answer does not overwrite
// until it is released; one without answers by json.Marshal.
func TestMarshalOutput(t *testing.T) {
	outs := []any{
		&api.DescribeImageAssociationsResult{Associations: []api.ImageResourceAssociation{{
			AssociatedResourceId: api.String("Microsoft_Office_2019"), AssociatedResourceType: api.ImageAssociatedResourceTypeApplication,
			Created: api.TimeOf(created), LastUpdatedTime: api.TimeOf(updated), ImageId: api.String("wsi-0123456789<&>"),
			State: api.AssociationStateCompleted,
		}}},
		&api.DescribeWorkspaceImagesResult{NextToken: api.String(strings.Repeat("x", 1000))},
		struct{}{},
	}
	var bodies [][]byte
	var bufs []*[]byte
	for _, out := range outs {
		body, buf, err := marshalOutput(out)
		if err != nil {
			t.Fatal(err)
		}
		bodies, bufs = append(bodies, body), append(bufs, buf)
	}
	for i, out := range outs {
		want, _ := json.Marshal(out)
		if !bytes.Equal(bodies[i], want) {
			t.Errorf("marshalOutput(%T) = %s, want %s", out, bodies[i], want)
		}
		releaseOutput(bufs[i], bodies[i])
	}
	// Released buffers serve again.
	for _, out := range outs {
		body, buf, _ := marshalOutput(out)
		if want, _ := json.Marshal(out); !bytes.Equal(body, want) {
			t.Errorf("marshalOutput(%T) after a release = %s, want %s", out, body, want)
		}
		releaseOutput(buf, body)
	}
}

// BenchmarkCodec compares, for DescribeImageAssociations, the generated
// decoder with the checked path and the generated encoder with
// json.Marshal.
func BenchmarkCodec(b *testing.B) {
	body := []byte(`{"ImageId":"wsi-0123456789","AssociatedResourceTypes":["APPLICATION"]}`)
	out := &api.DescribeImageAssociationsResult{Associations: []api.ImageResourceAssociation{{
		AssociatedResourceId: api.String("Microsoft_Office_2019"), AssociatedResourceType: api.ImageAssociatedResourceTypeApplication,
		Created: api.TimeOf(created), LastUpdatedTime: api.TimeOf(updated), ImageId: api.String("wsi-0123456789"),
		State: api.AssociationStateCompleted,
	}}}
	b.Run("decode/generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !new(api.DescribeImageAssociationsRequest).DecodeJSON(body) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("decode/checked", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeChecked(body, new(api.DescribeImageAssociationsRequest)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode/generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			body, buf, _ := marshalOutput(out)
			releaseOutput(buf, body)
		}
	})
	b.Run("encode/json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(out)
		}
	})
}
