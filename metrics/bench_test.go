package metrics

import (
	"testing"
	"time"

	"github.com/wslocal/wslocal/awsjson"
)

// BenchmarkRecord: the cost Record adds to every API request.
func BenchmarkRecord(b *testing.B) {
	m := New(nil)
	r := awsjson.Record{Operation: "DescribeImageAssociations", Status: 200, Latency: 300 * time.Microsecond}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Record(r)
		}
	})
}
