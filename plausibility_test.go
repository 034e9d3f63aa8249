package kehoach_test

import (
	"testing"

	"kehoach"
)

func TestCheckPlausible(t *testing.T) {
	t.Parallel()
	peers := []float64{100, 110, 95, 120, 105, 98}
	tests := []struct {
		name    string
		v, prev float64
		hasPrev bool
		peers   []float64
		want    []string
	}{
		{"the million households (issue 9)", 1160000, 116, true, nil, []string{"jump"}},
		{"a normal year", 118, 116, true, nil, nil},
		{"small numbers change a lot", 7, 2, true, nil, nil},
		{"a fall to a third", 30, 116, true, nil, []string{"jump"}},
		{"no last report", 1160000, 0, false, nil, nil},
		{"an outlier among peers", 1160, 0, false, peers, []string{"outlier"}},
		{"within peers", 112, 0, false, peers, nil},
		{"too few peers", 1160, 0, false, peers[:3], nil},
		{"both", 11600, 116, true, peers, []string{"jump", "outlier"}},
	}
	for _, tc := range tests {
		got := kehoach.CheckPlausible(tc.v, tc.prev, tc.hasPrev, tc.peers)
		var reasons []string
		for _, g := range got {
			reasons = append(reasons, g.Reason)
			if g.Lo > g.Hi {
				t.Errorf("%s: range %v–%v", tc.name, g.Lo, g.Hi)
			}
		}
		if len(reasons) != len(tc.want) || (len(reasons) > 0 && reasons[0] != tc.want[0]) || (len(reasons) > 1 && reasons[1] != tc.want[1]) {
			t.Errorf("%s: %v, want %v", tc.name, reasons, tc.want)
		}
	}
}
