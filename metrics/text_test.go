package metrics

import (
	"bytes"
	"math"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestTextReadsBack: what text writes, Prometheus' own parser reads as it
// was meant, escapes and special values included.
func TestTextReadsBack(t *testing.T) {
	odd := "a \"quoted\" \\ back\nslash"
	var txt text
	txt.family("x_total", "counter", "Help with a \\ and a\nline feed.")
	txt.sample("x_total", 3, "state", odd, "resource_type", "IMAGE")
	txt.family("y", "gauge", "Special values.")
	txt.sample("y", math.Inf(1), "v", "inf")
	txt.sample("y", 1.5e-7, "v", "small")
	txt.sample("y", 1<<64-1, "v", "huge")
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(txt.b))
	if err != nil {
		t.Fatalf("%v\n%s", err, txt.b)
	}
	x := fams["x_total"]
	if x.GetHelp() != "Help with a \\ and a\nline feed." || len(x.GetMetric()) != 1 {
		t.Fatalf("x_total: %v", x)
	}
	m := x.GetMetric()[0]
	if l := m.GetLabel(); len(l) != 2 || l[0].GetName() != "state" || l[0].GetValue() != odd || l[1].GetValue() != "IMAGE" {
		t.Errorf("labels %v, want state %q and resource_type IMAGE", l, odd)
	}
	if m.GetCounter().GetValue() != 3 {
		t.Errorf("x_total = %v", m.GetCounter().GetValue())
	}
	want := map[string]float64{"inf": math.Inf(1), "small": 1.5e-7, "huge": 1 << 64}
	for _, m := range fams["y"].GetMetric() {
		if v := m.GetGauge().GetValue(); v != want[m.GetLabel()[0].GetValue()] {
			t.Errorf("y{v=%s} = %v", m.GetLabel()[0].GetValue(), v)
		}
	}
}

// TestStatFieldsOfAnOddCommand: the fields of /proc/self/stat are read
// after the command's last parenthesis, which a command may itself hold.
func TestStatFieldsOfAnOddCommand(t *testing.T) {
	f := statFields("4242 (a) b (c) S 1 4242 4242 0 -1 4194560 1 0 0 0 7 3 0 0 20 0 9 0 123 4096 100")
	if len(f) != 22 || f[0] != "S" || f[11] != "7" || f[12] != "3" || f[21] != "100" {
		t.Errorf("statFields = %q", f)
	}
	if f := statFields("no parenthesis"); f != nil {
		t.Errorf("statFields of a line without a command = %q", f)
	}
}
