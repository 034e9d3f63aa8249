package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
)

// Names, not codes (issue 16): what a person reads in place of unit codes,
// and the audit log's JSON as fields, old → new.

// unitLabels names the units of codes with locale.UnitName, read by
// unitNames in one query; a code without a unit is left out (callers show
// the code).
func (h *handler) unitLabels(r *http.Request, codes []string) (map[string]string, error) {
	units, err := h.unitNames(r, slices.Compact(slices.Sorted(slices.Values(codes))))
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(units))
	for c, u := range units {
		out[c] = locale.VI.UnitName(u)
	}
	return out, nil
}

// submissionUnitLabels names the units of subs.
func (h *handler) submissionUnitLabels(r *http.Request, subs []*kehoach.Submission) (map[string]string, error) {
	codes := make([]string, len(subs))
	for i, s := range subs {
		codes[i] = s.Unit
	}
	return h.unitLabels(r, codes)
}

// namesOf writes codes as names, "Bản Bo, Bình Lư"; "" for none.
func namesOf(codes []string, names map[string]string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c
		if n, ok := names[c]; ok {
			out[i] = n
		}
	}
	return strings.Join(out, "; ")
}

// fieldChange is one field of an audit event, as read.
type fieldChange struct {
	Field    string // label
	Old, New string
	Changed  bool
}

// auditFields are an event's old and new JSON objects, decoded; nil when
// either side is not a JSON object (a figure's "12" → "13").
func auditFields(e *kehoach.AuditEvent) (old, new map[string]any, ok bool) {
	dec := func(s string) (map[string]any, bool) {
		if s == "" {
			return nil, true
		}
		if !strings.HasPrefix(s, "{") {
			return nil, false
		}
		var m map[string]any
		return m, json.Unmarshal([]byte(s), &m) == nil
	}
	o, ok1 := dec(e.Old)
	n, ok2 := dec(e.New)
	return o, n, ok1 && ok2 && (o != nil || n != nil)
}

// scopeFields hold unit codes.
var scopeFields = map[string]bool{"entryScope": true, "viewScope": true, "unit": true, "parent": true}

// auditUnitCodes returns the unit codes that events' fields and keys name.
func auditUnitCodes(events []*kehoach.AuditEvent) []string {
	var codes []string
	for _, e := range events {
		if parts := strings.Split(e.Key, "/"); len(parts) == 3 && (e.Entity == kehoach.AuditDataValue || e.Entity == kehoach.AuditSubmission) {
			codes = append(codes, parts[1])
		}
		o, n, ok := auditFields(e)
		if !ok {
			continue
		}
		for _, m := range []map[string]any{o, n} {
			for k, v := range m {
				if scopeFields[k] {
					codes = append(codes, strs(v)...)
				}
			}
		}
	}
	return codes
}

// strs is a JSON string or list of strings as strings.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// fieldText writes a JSON value of field k for a person.
func fieldText(k string, v any, units map[string]string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "có"
		}
		return "không"
	case float64:
		return locale.VI.Number(x, 2)
	case string:
		switch {
		case k == "role":
			return locale.VI.Role(x)
		case k == "scope":
			return locale.VI.TokenScope(x)
		case scopeFields[k]:
			return namesOf([]string{x}, units)
		}
		return x
	case []any:
		if scopeFields[k] {
			return namesOf(strs(x), units)
		}
	}
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// auditChanges turns an event's JSON into its fields, old → new, in the
// order of the new value's fields (then the removed ones); ok is false for
// an event that is not JSON.
func auditChanges(e *kehoach.AuditEvent, units map[string]string) ([]fieldChange, bool) {
	o, n, ok := auditFields(e)
	if !ok {
		return nil, false
	}
	var keys []string
	for k := range n {
		keys = append(keys, k)
	}
	for k := range o {
		if _, in := n[k]; !in {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]fieldChange, 0, len(keys))
	for _, k := range keys {
		ov, nv := fieldText(k, o[k], units), fieldText(k, n[k], units)
		if ov == "" && nv == "" {
			continue // an empty field says nothing
		}
		out = append(out, fieldChange{Field: locale.VI.AuditField(k), Old: ov, New: nv, Changed: o != nil && ov != nv})
	}
	// Changed fields first: they are what the reader looks for.
	slices.SortStableFunc(out, func(a, b fieldChange) int {
		switch {
		case a.Changed == b.Changed:
			return 0
		case a.Changed:
			return -1
		}
		return 1
	})
	return out, true
}

// auditKeyLabel names what a data value's or submission's key points to:
// "Số hộ có loa · xã Bản Bo (đến 30/06/2025) · Quý IV/2024".
func auditKeyLabel(e *kehoach.AuditEvent, units, elements, forms map[string]string) string {
	parts := strings.Split(e.Key, "/")
	if len(parts) != 3 {
		return ""
	}
	what := map[string]map[string]string{kehoach.AuditDataValue: elements, kehoach.AuditSubmission: forms}[e.Entity]
	if what == nil {
		return ""
	}
	name := func(m map[string]string, c string) string {
		if n, ok := m[c]; ok {
			return n
		}
		return c
	}
	return fmt.Sprintf("%s · %s · %s", name(what, parts[0]), name(units, parts[1]), periodLabel(parts[2]))
}

// auditLookup names the units, elements and forms a page of events cites.
type auditLookup struct{ units, elements, forms map[string]string }

// auditNames reads the names a page of events needs: the units in one
// query, elements and forms only when an event is about one.
func (h *handler) auditNames(r *http.Request, events []*kehoach.AuditEvent) (auditLookup, error) {
	ctx := r.Context()
	var n auditLookup
	var err error
	if n.units, err = h.unitLabels(r, auditUnitCodes(events)); err != nil {
		return n, err
	}
	n.elements, n.forms = map[string]string{}, map[string]string{}
	for _, e := range events {
		if e.Entity == kehoach.AuditDataValue && len(n.elements) == 0 {
			els, err := h.Services.Data.FindDataElements(ctx)
			if err != nil {
				return n, err
			}
			for _, el := range els {
				n.elements[el.Code] = el.Name
			}
		}
		if e.Entity == kehoach.AuditSubmission && len(n.forms) == 0 {
			fs, err := h.Services.Data.FindForms(ctx)
			if err != nil {
				return n, err
			}
			for _, f := range fs {
				n.forms[f.Code] = f.Name
			}
		}
	}
	return n, nil
}

// scopeChoice is one unit a scope picker offers.
type scopeChoice struct {
	Code, Label string
	Entry, View bool // selected in the entry and view scopes
}

// scopeKinds are the kinds a scope picker offers: the levels an account is
// given (a province, district, commune or agency), not each village, so
// that the list stays a list at the national scale; a unit already in a
// scope is offered whatever its kind.
var scopeKinds = []string{kehoach.KindProvince, kehoach.KindDistrict, kehoach.KindCommune, kehoach.KindAgency}

// scopeChoices lists the units of the scope pickers, by kind from the top
// of the tree down and then in Vietnamese order, marking those of entry
// and view.
func (h *handler) scopeChoices(ctx context.Context, entry, view []string) ([]scopeChoice, error) {
	var units []*kehoach.Unit
	for _, k := range scopeKinds {
		us, err := h.Services.Units.FindUnits(ctx, kehoach.UnitFilter{Kind: k})
		if err != nil {
			return nil, err
		}
		units = append(units, us...)
	}
	seen := map[string]bool{}
	for _, u := range units {
		seen[u.Code] = true
	}
	var extra []string
	for _, c := range append(slices.Clone(entry), view...) {
		if !seen[c] {
			extra = append(extra, c)
			seen[c] = true
		}
	}
	if len(extra) > 0 {
		us, err := h.Services.Units.FindUnits(ctx, kehoach.UnitFilter{Codes: extra})
		if err != nil {
			return nil, err
		}
		units = append(units, us...)
	}
	out := make([]scopeChoice, 0, len(units))
	for _, u := range units {
		label := locale.VI.UnitName(u)
		if u.Kind != kehoach.KindProvince {
			label += " · " + locale.VI.Kind(u.Kind)
		}
		out = append(out, scopeChoice{Code: u.Code, Label: label, Entry: slices.Contains(entry, u.Code), View: slices.Contains(view, u.Code)})
	}
	return out, nil
}
