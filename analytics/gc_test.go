package analytics

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

func TestCollectOften(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tc := range []struct {
		name        string
		set, during int
	}{
		{"Go's default is lowered", 100, loadGCPercent},
		{"an operator's higher GOGC is lowered", 400, loadGCPercent},
		{"an operator's lower GOGC is kept", 10, 10},
		{"GOGC=off is kept", -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(tc.set)
			outer := collectOften()
			inner := collectOften() // a second load at the same time
			if got := gcPercent(); got != tc.during {
				t.Errorf("during two loads: GOGC %d, want %d", got, tc.during)
			}
			outer()
			if got := gcPercent(); got != tc.during {
				t.Errorf("after the first of two loads: GOGC %d, want %d", got, tc.during)
			}
			inner()
			if got := gcPercent(); got != tc.set {
				t.Errorf("after both: GOGC %d, want %d as before", got, tc.set)
			}
		})
	}
}
