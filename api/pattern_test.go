package api

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPatternsMatchRegexp: for every model pattern the loop matches, it
// answers as the regexp does, on strings built near each pattern's runs
// (counts at and around their bounds, characters in and out of their
// classes) and on odd bytes.
func TestPatternsMatchRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	odd := []string{"", "-", " ", "\n", "é", "\xff", "\ufffd", "_", ".", "/", "a", "Z", "0", "\u2028"}
	fast := 0
	for _, p := range patterns {
		if p.compile().runs == nil {
			continue
		}
		fast++
		for range 300 {
			var b strings.Builder
			for k, r := range p.runs {
				n := r.min + rng.IntN(3) - 1
				if r.max >= 0 && rng.IntN(3) == 0 {
					n = r.max + rng.IntN(3) - 1
				}
				for range max(n, 0) {
					b.WriteString(sample(rng, &p.runs[k]))
				}
				if rng.IntN(8) == 0 {
					b.WriteString(odd[rng.IntN(len(odd))])
				}
			}
			s := b.String()
			if got, want := p.MatchString(s), p.re.MatchString(s); got != want {
				t.Fatalf("%s on %q: %v, the regexp says %v", p.re, s, got, want)
			}
		}
		for _, s := range odd {
			if got, want := p.MatchString(s), p.re.MatchString(s); got != want {
				t.Fatalf("%s on %q: %v, the regexp says %v", p.re, s, got, want)
			}
		}
	}
	if fast == 0 {
		t.Fatal("no pattern is matched without the regexp")
	}
	t.Logf("%d of %d patterns matched without the regexp", fast, len(patterns))
}

// sample is a character of r's class, or now and then one near it.
func sample(rng *rand.Rand, r *run) string {
	j := 2 * rng.IntN(len(r.ranges)/2)
	lo, hi := r.ranges[j], r.ranges[j+1]
	c := lo + rune(rng.Int64N(int64(min(hi-lo, 300))+1))
	if rng.IntN(20) == 0 {
		c = hi + 1
	}
	return string(c)
}

func FuzzPatterns(f *testing.F) {
	f.Add("wsi-0123456789", 0)
	f.Add("d-0123abcd", 1)
	f.Fuzz(func(t *testing.T, s string, i int) {
		if len(patterns) == 0 {
			return
		}
		p := patterns[uint(i)%uint(len(patterns))].compile()
		if got, want := p.MatchString(s), p.re.MatchString(s); got != want {
			t.Fatalf("%s on %q: %v, the regexp says %v", p.re, s, got, want)
		}
	})
}
