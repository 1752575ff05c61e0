package api

import (
	"regexp"
	"regexp/syntax"
	"sync"
	"unicode/utf8"
)

// pattern is a model pattern. Most are a sequence of literals and
// character classes, each repeated (wsi-[0-9a-z]{9,63}): those are matched
// by a loop over the runs, without a regexp machine; the others by the
// regexp. Both answer alike: TestPatternsMatchRegexp compares them.
//
// A pattern is compiled when a value first needs it: compiling all of them
// at start took most of wslocal's start-up (6 ms, 3.5 MB allocated) and
// kept 0.6 MB live for patterns most requests never check. The generator
// compiles every pattern when it runs, so MustCompile cannot fail.
type pattern struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
	runs []run // nil: the regexp decides
}

// run is one character class repeated min to max times (max < 0: no bound).
type run struct {
	ascii    [2]uint64 // the class's members below utf8.RuneSelf
	ranges   []rune    // the class, as syntax.Regexp.Rune: lo, hi pairs
	min, max int
}

// patterns are every pattern made, for the tests.
var patterns []*pattern

func newPattern(expr string) *pattern {
	p := &pattern{expr: expr}
	patterns = append(patterns, p)
	return p
}

// compile compiles p once, whoever asks first.
func (p *pattern) compile() *pattern {
	p.once.Do(func() {
		p.re = regexp.MustCompile(p.expr)
		if re, err := syntax.Parse(p.expr, syntax.Perl); err == nil {
			p.runs = runsOf(re)
		}
	})
	return p
}

func (p *pattern) MatchString(s string) bool {
	p.compile()
	if p.runs == nil {
		return p.re.MatchString(s)
	}
	i := 0
	for k := range p.runs {
		r := &p.runs[k]
		n := 0
		for (r.max < 0 || n < r.max) && i < len(s) {
			c, size := rune(s[i]), 1
			if c >= utf8.RuneSelf {
				// Invalid UTF-8 is U+FFFD of one byte, as for regexp.
				c, size = utf8.DecodeRuneInString(s[i:])
			}
			if !r.has(c) {
				break
			}
			i += size
			n++
		}
		if n < r.min {
			return false
		}
	}
	return i == len(s)
}

func (r *run) has(c rune) bool {
	if c < utf8.RuneSelf {
		return r.ascii[c>>6]&(1<<(c&63)) != 0
	}
	for j := 0; j+1 < len(r.ranges); j += 2 {
		if r.ranges[j] <= c && c <= r.ranges[j+1] {
			return true
		}
	}
	return false
}

// runsOf is the runs of ^X$ when X is a sequence the loop matches as the
// regexp does, or nil. A greedy loop without backtracking is exact when
// each run of variable length is the last or is followed by a run that
// needs at least one character none of whose characters it takes: the
// regexp's match then ends that run where the loop does.
func runsOf(re *syntax.Regexp) []run {
	var seq []*syntax.Regexp
	flatten(re, &seq)
	if len(seq) < 2 || seq[0].Op != syntax.OpBeginText || seq[len(seq)-1].Op != syntax.OpEndText {
		return nil
	}
	var runs []run
	for _, e := range seq[1 : len(seq)-1] {
		switch e.Op {
		case syntax.OpEmptyMatch:
			continue
		case syntax.OpLiteral:
			if e.Flags&syntax.FoldCase != 0 {
				return nil
			}
			for _, c := range e.Rune {
				runs = append(runs, newRun([]rune{c, c}, 1, 1))
			}
			continue
		}
		min, max, sub := 1, 1, e
		switch e.Op {
		case syntax.OpStar:
			min, max, sub = 0, -1, e.Sub[0]
		case syntax.OpPlus:
			min, max, sub = 1, -1, e.Sub[0]
		case syntax.OpQuest:
			min, max, sub = 0, 1, e.Sub[0]
		case syntax.OpRepeat:
			min, max, sub = e.Min, e.Max, e.Sub[0]
		}
		class := classOf(sub)
		if class == nil {
			return nil
		}
		runs = append(runs, newRun(class, min, max))
	}
	for k := range runs {
		if r := &runs[k]; r.min != r.max && k+1 < len(runs) {
			next := &runs[k+1]
			if next.min < 1 || overlap(r, next) {
				return nil
			}
		}
	}
	return runs
}

func flatten(re *syntax.Regexp, seq *[]*syntax.Regexp) {
	switch re.Op {
	case syntax.OpConcat:
		for _, s := range re.Sub {
			flatten(s, seq)
		}
	case syntax.OpCapture:
		flatten(re.Sub[0], seq)
	default:
		*seq = append(*seq, re)
	}
}

// classOf is the ranges of a one-character expression, or nil.
func classOf(re *syntax.Regexp) []rune {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []rune{re.Rune[0], re.Rune[0]}
	case syntax.OpCharClass:
		return re.Rune
	case syntax.OpAnyCharNotNL:
		return []rune{0, '\n' - 1, '\n' + 1, utf8.MaxRune}
	case syntax.OpAnyChar:
		return []rune{0, utf8.MaxRune}
	}
	return nil
}

func newRun(ranges []rune, min, max int) run {
	r := run{ranges: ranges, min: min, max: max}
	for j := 0; j+1 < len(ranges); j += 2 {
		for c := ranges[j]; c <= ranges[j+1] && c < utf8.RuneSelf; c++ {
			r.ascii[c>>6] |= 1 << (c & 63)
		}
	}
	return r
}

// overlap reports whether two runs share a character.
func overlap(a, b *run) bool {
	for i := 0; i+1 < len(a.ranges); i += 2 {
		for j := 0; j+1 < len(b.ranges); j += 2 {
			if a.ranges[i] <= b.ranges[j+1] && b.ranges[j] <= a.ranges[i+1] {
				return true
			}
		}
	}
	return false
}

// IsAccountID reports whether s is an account ID as the model's AwsAccount
// shape has it: 12 digits.
func IsAccountID(s string) bool { return patternAwsAccount.MatchString(s) }

// IsDirectoryID reports whether s is a directory ID as the model's
// DirectoryId shape has it: d-<hex> or wsd-<base36>, 8 to 63 characters
// after the prefix.
func IsDirectoryID(s string) bool { return patternDirectoryId.MatchString(s) }
