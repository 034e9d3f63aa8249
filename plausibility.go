package kehoach

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Plausibility of a figure (issue 9): nothing blocks a true surprise, but
// nothing slips in unseen. A figure far from the unit's last report, or far
// from its peers' (units of the same kind in the same grid), needs the
// person's confirmation or a comment to be saved, and stays marked for
// the approver.

// Thresholds of the checks.
const (
	// JumpFactor: a figure more than this many times its last report, or
	// less than its inverse, is a jump (116 → 1.160.000 is 10.000×).
	JumpFactor = 3
	// JumpMinChange: smaller changes are never jumps (2 → 7 households).
	JumpMinChange = 10
	// OutlierZ is the modified z-score (0.6745·|x − median| / MAD) above
	// which a figure is an outlier among its peers (Iglewicz and Hoaglin).
	OutlierZ = 3.5
	// OutlierMinPeers: fewer peers say nothing.
	OutlierMinPeers = 5
)

// Reasons a figure is unusual (Implausible.Reason).
const (
	ReasonJump    = "jump"    // far from the unit's last report
	ReasonOutlier = "outlier" // far from its peers'
	ReasonBounds  = "bounds"  // outside the planner's bound (bound.go)
)

// Implausible is one reason a figure looks wrong, with the range expected.
type Implausible struct {
	Reason string
	Lo, Hi float64
}

// CheckPlausible checks v against the unit's last report (prev, when
// hasPrev) and its peers' figures.
func CheckPlausible(v, prev float64, hasPrev bool, peers []float64) []Implausible {
	var out []Implausible
	if hasPrev && prev > 0 && math.Abs(v-prev) >= JumpMinChange && (v > prev*JumpFactor || v < prev/JumpFactor) {
		out = append(out, Implausible{Reason: ReasonJump, Lo: prev / JumpFactor, Hi: prev * JumpFactor})
	}
	if len(peers) >= OutlierMinPeers {
		med := median(peers)
		dev := make([]float64, len(peers))
		for i, p := range peers {
			dev[i] = math.Abs(p - med)
		}
		if mad := median(dev); mad > 0 && 0.6745*math.Abs(v-med)/mad > OutlierZ {
			half := OutlierZ * mad / 0.6745
			out = append(out, Implausible{Reason: ReasonOutlier, Lo: math.Max(0, med-half), Hi: med + half})
		}
	}
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Describe says in one Vietnamese sentence why v is unusual, with the
// range expected ("ngoài khoảng cho phép (10–500)" for a bound, "khác
// nhiều so với kỳ trước (…), khoảng thường gặp …" for a jump, "khác
// thường so với N đơn vị cùng loại, …" for an outlier); num formats a
// number as the pages do.
func Describe(ws []Implausible, v, prev float64, peers int, num func(float64) string) string {
	var why []string
	for _, w := range ws {
		switch w.Reason {
		case ReasonBounds:
			why = append(why, "ngoài khoảng cho phép ("+rangeText(w.Lo, w.Hi, num)+")")
		case ReasonJump:
			why = append(why, fmt.Sprintf("khác nhiều so với kỳ trước (%s → %s), khoảng thường gặp %s–%s", num(prev), num(v), num(w.Lo), num(w.Hi)))
		case ReasonOutlier:
			why = append(why, fmt.Sprintf("khác thường so với %d đơn vị cùng loại, khoảng thường gặp %s–%s", peers, num(w.Lo), num(w.Hi)))
		}
	}
	return strings.Join(why, "; ")
}

// rangeText writes a bound's range: "lo–hi", or its one end when the
// other is open.
func rangeText(lo, hi float64, num func(float64) string) string {
	switch {
	case math.IsInf(lo, -1) && math.IsInf(hi, 1):
		return "mọi giá trị"
	case math.IsInf(lo, -1):
		return "tối đa " + num(hi)
	case math.IsInf(hi, 1):
		return "tối thiểu " + num(lo)
	}
	return num(lo) + "–" + num(hi)
}

// UnusualPrefix starts the reason the write path gives for an unusual
// figure neither confirmed nor commented on: the entry page shows it as a
// question beside the field, an import as a conflict.
const UnusualPrefix = "Số liệu khác thường, cần xác nhận hoặc ghi chú: "

// FlagPrefix starts the comment of a figure saved despite a warning, so
// that the approver sees it marked ("cần kiểm tra").
const FlagPrefix = "Cần kiểm tra: "
