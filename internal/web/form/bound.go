package form

import (
	"net/http"
	"net/url"
	"strings"

	"kehoach"
)

// The planner's bounds of an element's figures (issue 9). The ends are
// read as the element's figures are (kehoach.DataElement.ParseValue:
// Vietnamese thousands dots, a decimal comma, the true reason when it is
// not a number); an empty end is open. kehoach.ValidateBound checks the
// rest (min ≤ max, the unit, the kind).

// boundEnd reads one end of a bound: nil when empty.
func boundEnd(f url.Values, name, label string, el *kehoach.DataElement, bad map[string]string) *float64 {
	s := text(f, name)
	if s == "" {
		return nil
	}
	// A bound of a number element may be negative; a count's may not
	// (ParseValue says so).
	_, v, err := el.ParseValue(s)
	if err != nil {
		bad[name] = label + ": " + kehoach.ErrorMessage(err) + "."
		return nil
	}
	return &v
}

// DecodeBound reads the form of one bound of el: "target" is "unit" (with
// "unit", a unit code) or "kind" (with "kind"); "min", "max", "note".
func DecodeBound(r *http.Request, el *kehoach.DataElement) (*kehoach.Bound, error) {
	f, err := parsePost(r)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	b := &kehoach.Bound{Element: el.Code, Note: text(f, "note")}
	if text(f, "target") == "kind" {
		b.Kind = text(f, "kind")
	} else {
		b.Unit = strings.ToUpper(text(f, "unit"))
	}
	b.Min = boundEnd(f, "min", "Giá trị nhỏ nhất", el, bad)
	b.Max = boundEnd(f, "max", "Giá trị lớn nhất", el, bad)
	return b, result(bad)
}

// DecodeBoundProposals reads the proposals the planner keeps: "keep" lists
// the unit codes ticked, each with "min.UNIT", "max.UNIT" and "note.UNIT";
// reasons are keyed "UNIT.min", as the store keys them.
func DecodeBoundProposals(r *http.Request, el *kehoach.DataElement) ([]*kehoach.Bound, error) {
	f, err := parsePost(r)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	var out []*kehoach.Bound
	seen := map[string]bool{}
	for _, u := range f["keep"] {
		u = strings.ToUpper(strings.TrimSpace(u))
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		b := &kehoach.Bound{Element: el.Code, Unit: u, Note: text(f, "note."+u)}
		sub := map[string]string{}
		b.Min = boundEnd(f, "min."+u, "Giá trị nhỏ nhất", el, sub)
		b.Max = boundEnd(f, "max."+u, "Giá trị lớn nhất", el, sub)
		for k, v := range sub {
			end, _, _ := strings.Cut(k, ".")
			bad[u+"."+end] = v
		}
		out = append(out, b)
	}
	return out, result(bad)
}
