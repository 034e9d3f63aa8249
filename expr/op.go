package expr

import (
	"fmt"
	"math"
	"strings"
)

// Op is the comparison of a validation rule: left side Op right side.
type Op string

// The comparison operators, in their canonical (ASCII) spelling.
const (
	Eq Op = "=="
	Ne Op = "!="
	Lt Op = "<"
	Le Op = "<="
	Gt Op = ">"
	Ge Op = ">="
)

// Tolerance is the relative tolerance used by Op.Holds for equality; for
// values with magnitude below 1 it acts as an absolute tolerance.
const Tolerance = 1e-9

// ParseOp parses a comparison. Besides the canonical spellings it accepts
// "=", "≤", "≥", "≠" (what people type or paste from documents) and
// surrounding space.
func ParseOp(s string) (Op, error) {
	switch strings.TrimSpace(s) {
	case "==", "=":
		return Eq, nil
	case "!=", "≠":
		return Ne, nil
	case "<":
		return Lt, nil
	case "<=", "≤":
		return Le, nil
	case ">":
		return Gt, nil
	case ">=", "≥":
		return Ge, nil
	}
	return "", fmt.Errorf("phép so sánh %q không hợp lệ; dùng một trong =, ≠, <, ≤, >, ≥", s)
}

// Valid reports whether o is one of the six canonical operators.
func (o Op) Valid() bool {
	switch o {
	case Eq, Ne, Lt, Le, Gt, Ge:
		return true
	}
	return false
}

// Holds reports whether "l o r" is true. Equality allows a difference of
// Tolerance × max(1, |l|, |r|), so sums computed in a different order (or
// with binary-inexact decimals such as 0.1) still compare equal, while
// integers below 10⁹ (counts, VND amounts) that differ by one unit never do.
// NaN operands and unknown operators never hold.
func (o Op) Holds(l, r float64) bool {
	if math.IsNaN(l) || math.IsNaN(r) {
		return false
	}
	eq := l == r
	if !eq && !math.IsInf(l, 0) && !math.IsInf(r, 0) {
		eq = math.Abs(l-r) <= Tolerance*math.Max(1, math.Max(math.Abs(l), math.Abs(r)))
	}
	switch o {
	case Eq:
		return eq
	case Ne:
		return !eq
	case Lt:
		return l < r && !eq
	case Le:
		return l < r || eq
	case Gt:
		return l > r && !eq
	case Ge:
		return l > r || eq
	}
	return false
}

// Symbol returns the operator as shown to users: "=", "≠", "<", "≤", ">", "≥".
// An unknown operator is returned unchanged.
func (o Op) Symbol() string {
	switch o {
	case Eq:
		return "="
	case Ne:
		return "≠"
	case Le:
		return "≤"
	case Ge:
		return "≥"
	}
	return string(o)
}
