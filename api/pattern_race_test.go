package api

import (
	"regexp"
	"sync"
	"testing"
)

// A pattern's first use may come from many requests at once: each gets
// the one compiled expression (run with -race).
func TestPatternConcurrentFirstUse(t *testing.T) {
	p := &pattern{expr: "^(?:wsi-[0-9a-z]{9,63})$"}
	got := make([]*regexp.Regexp, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = p.compile().re
		}()
	}
	wg.Wait()
	for i, re := range got {
		if re == nil || re != got[0] || !p.MatchString("wsi-123456789") || p.MatchString("wsi-12345678") {
			t.Fatalf("goroutine %d got %v, goroutine 0 %v", i, re, got[0])
		}
	}
}
