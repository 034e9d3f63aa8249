// Package expr parses and evaluates indicator and validation-rule
// expressions over data element codes, in the style of DHIS2.
//
// Grammar (whitespace is allowed between tokens; function names are
// case-insensitive):
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/") unary }
//	unary   = "-" unary | primary
//	primary = number | ref | "(" expr ")"
//	        | "count" "(" ref ")"
//	        | "units" "(" kind { "," kind } ")"
//	ref     = "#{" code [ "." code ] "}"
//	code    = 1..50 of A-Z a-z 0-9 _
//
// Evaluation never panics and never yields NaN or ±Inf: division by zero,
// a missing value, or an overflow all mean "no value" (ok=false), which
// callers show as an empty cell rather than a misleading number.
package expr

import (
	"math"
	"slices"
	"strings"
)

// Ref names one data element, optionally narrowed to one disaggregation
// (category option combo). Disagg "" means the element total.
type Ref struct{ Element, Disagg string }

// String renders the reference in source syntax: "#{CODE}" or "#{CODE.DISAGG}".
func (r Ref) String() string {
	if r.Disagg == "" {
		return "#{" + r.Element + "}"
	}
	return "#{" + r.Element + "." + r.Disagg + "}"
}

// Env supplies values during evaluation. ok=false means "no value"
// (nothing was reported), which makes the whole expression have no value.
type Env interface {
	// Value is the aggregated value of r over the scope.
	Value(r Ref) (v float64, ok bool)
	// Count is the number of units in scope whose yes/no element r is true (≠ 0).
	Count(r Ref) (n float64, ok bool)
	// Units is the number of units of any of the given kinds in scope that
	// are valid in the period. The slice is the caller's to keep.
	Units(kinds []string) float64
}

// Expr is a parsed expression. The zero value has no value when evaluated.
// An Expr is immutable and safe for concurrent use.
type Expr struct {
	src   string // trimmed source text, kept verbatim so users see what they typed
	root  *node
	refs  []Ref
	kinds []string
}

type nodeKind uint8

const (
	nNum nodeKind = iota
	nRef
	nCount
	nUnits
	nNeg
	nBin
)

type node struct {
	kind  nodeKind
	op    rune // for nBin: + - * /
	num   float64
	ref   Ref
	kinds []string // for nUnits: distinct, lower-cased
	l, r  *node
}

// MustParse is like Parse but panics on error; for expressions fixed in code.
func MustParse(src string) *Expr {
	e, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return e
}

// String returns the source text as given, with surrounding space trimmed.
func (e *Expr) String() string {
	if e == nil {
		return ""
	}
	return e.src
}

// MarshalText implements encoding.TextMarshaler so an Expr can be stored
// in JSON or configuration as its source text.
func (e *Expr) MarshalText() ([]byte, error) {
	return []byte(e.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler by parsing text;
// the error, if any, is an *Error.
func (e *Expr) UnmarshalText(text []byte) error {
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*e = *p
	return nil
}

// Refs returns the distinct element references (from both #{...} and
// count(#{...})) in order of first appearance. The slice is a copy.
func (e *Expr) Refs() []Ref {
	if e == nil {
		return nil
	}
	return slices.Clone(e.refs)
}

// UnitKinds returns the distinct unit kinds used by units(...), lower-cased,
// in order of first appearance. The slice is a copy.
func (e *Expr) UnitKinds() []string {
	if e == nil {
		return nil
	}
	return slices.Clone(e.kinds)
}

// Single reports whether the whole expression is exactly one #{ref}
// (parentheses ignored), so callers can check numerator ≤ denominator per unit.
func (e *Expr) Single() (Ref, bool) {
	if e == nil || e.root == nil || e.root.kind != nRef {
		return Ref{}, false
	}
	return e.root.ref, true
}

// Eval computes the expression against env, which must not be nil when the
// expression uses #{...}, count or units. ok=false means "no value": a
// referenced value or count is missing, a divisor is zero, or the result
// (or any intermediate) is NaN or ±Inf. When ok=false the value is 0.
func (e *Expr) Eval(env Env) (float64, bool) {
	if e == nil || e.root == nil {
		return 0, false
	}
	v, ok := e.root.eval(env)
	if !ok || !finite(v) {
		return 0, false
	}
	return v, true
}

func (n *node) eval(env Env) (float64, bool) {
	switch n.kind {
	case nNum:
		return n.num, true
	case nRef:
		v, ok := env.Value(n.ref)
		return v, ok && finite(v)
	case nCount:
		v, ok := env.Count(n.ref)
		return v, ok && finite(v)
	case nUnits:
		v := env.Units(slices.Clone(n.kinds))
		return v, finite(v)
	case nNeg:
		v, ok := n.l.eval(env)
		return -v, ok
	case nBin:
		l, ok := n.l.eval(env)
		if !ok {
			return 0, false
		}
		r, ok := n.r.eval(env)
		if !ok {
			return 0, false
		}
		var v float64
		switch n.op {
		case '+':
			v = l + r
		case '-':
			v = l - r
		case '*':
			v = l * r
		case '/':
			if r == 0 {
				return 0, false
			}
			v = l / r
		}
		// Checking every step keeps an overflow from being hidden by a later
		// operation (Inf/Inf would become NaN, 1/Inf would become 0).
		return v, finite(v)
	}
	return 0, false
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// collect fills refs and kinds in source order (left operand first).
func (e *Expr) collect(n *node) {
	if n == nil {
		return
	}
	switch n.kind {
	case nRef, nCount:
		if !slices.Contains(e.refs, n.ref) {
			e.refs = append(e.refs, n.ref)
		}
	case nUnits:
		for _, k := range n.kinds {
			if !slices.Contains(e.kinds, k) {
				e.kinds = append(e.kinds, k)
			}
		}
	}
	e.collect(n.l)
	e.collect(n.r)
}

// lowerASCII lower-cases only A-Z, so that look-alike Unicode letters
// (e.g. the Kelvin sign) never match a function name.
func lowerASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
