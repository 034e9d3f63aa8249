package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/period"
)

// Plausibility in the write path (issue 9, point 4): every writer (the
// entry page, the API, a file import) has a changed figure checked against
// the planner's bound for the unit or its kind (kehoach.CheckBound),
// against the unit's report of the period before and against its peers
// (the units of the same kind under the same parent, in the same period),
// with the same rules (kehoach.CheckPlausible) and the same words. An unusual figure
// is written only when confirmed or commented on, and then carries its
// reason for the approver (kehoach.FlagPrefix); otherwise it is a bad cell
// whose reason starts with kehoach.UnusualPrefix.

// peerKey groups the figures a cell is compared with; figureKey is one
// figure of a unit.
type peerKey struct {
	parent, kind string
	element      int64
	pe           period.Period
}

type figureKey struct {
	unit, element int64
	pe            period.Period
}

// checkUnusual checks the cells that change a number. q reads what is
// stored (the write transaction, or for an import the figures as they
// were when it began; nil when nothing was); stored is what the batch
// found for its own cells. Confirmed or commented cells get their flag in
// their comment; the others are added to bad.
//
// meta reads the planner's bounds (kehoach.Bound), which apply even when
// no figure is stored yet.
func checkUnusual(ctx context.Context, q, meta queryer, cells []cell, stored *storedCells, bad map[string]string) error {
	var todo []int
	for i, c := range cells {
		t := c.el.ValueType
		if c.del || c.same || c.coc != "" || (t != kehoach.TypeInteger && t != kehoach.TypeNumber) || bad[c.key] != "" {
			continue
		}
		if s, ok := stored.cells[keyOf(c)]; ok && !s.deleted && s.value == c.canon {
			continue // unchanged
		}
		todo = append(todo, i)
	}
	if len(todo) == 0 {
		return nil
	}
	prev, peers, err := readNeighbours(ctx, q, cells, todo)
	if err != nil {
		return err
	}
	bounds, err := readBounds(ctx, meta, cells, todo)
	if err != nil {
		return err
	}
	// The batch's own figures count among the peers, as the grid shows
	// them, and as the last report when it carries the period before:
	// what is sent replaces what is stored.
	for _, c := range cells {
		if c.coc != "" {
			continue
		}
		fk := figureKey{c.unit.ID, c.el.ID, c.pe}
		if c.del {
			delete(prev, fk)
		} else if !math.IsNaN(c.num) {
			prev[fk] = c.num
		}
		m := peers[peerOf(c)]
		switch {
		case m == nil:
		case c.del:
			delete(m, c.unit.ID)
		default:
			m[c.unit.ID] = c.num
		}
	}
	var others []float64
	for _, i := range todo {
		c := &cells[i]
		others = others[:0]
		for id, v := range peers[peerOf(*c)] {
			if id != c.unit.ID {
				others = append(others, v)
			}
		}
		p, hasPrev := prev[figureKey{c.unit.ID, c.el.ID, c.pe.Prev()}]
		ws := kehoach.CheckPlausible(c.num, p, hasPrev, others)
		if w := kehoach.CheckBound(c.num, kehoach.BoundFor(bounds[c.el.ID], c.unit.Code, c.unit.Kind)); w != nil {
			ws = append([]kehoach.Implausible{*w}, ws...) // the planner's range first
		}
		if len(ws) == 0 {
			continue
		}
		decimals := 0
		if c.el.ValueType == kehoach.TypeNumber {
			decimals = 1
		}
		why := kehoach.Describe(ws, c.num, p, len(others), func(x float64) string { return locale.VI.Number(x, decimals) })
		switch {
		case c.confirmed || c.comment != "":
			c.comment = kehoach.FlagComment(why, c.comment)
		default:
			bad[c.key] = c.el.Name + ": " + kehoach.UnusualPrefix + why
		}
	}
	return nil
}

// readBounds reads the bounds of the elements of the cells todo, by
// element id; nil when meta is nil or none is set.
func readBounds(ctx context.Context, meta queryer, cells []cell, todo []int) (map[int64][]*kehoach.Bound, error) {
	if meta == nil {
		return nil, nil
	}
	var elements []int64
	for _, i := range todo {
		elements = append(elements, cells[i].el.ID)
	}
	elements = distinct(elements, func(v int64) int64 { return v })
	var p params
	rows, err := meta.QueryContext(ctx, `SELECT b.element_id, COALESCE(u.code, ''), b.kind, b.lo, b.hi FROM value_bounds b
		LEFT JOIN units u ON u.id = b.unit_id WHERE b.element_id IN (`+list(&p, elements)+`)`, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: read bounds: %w", err)
	}
	defer rows.Close()
	out := map[int64][]*kehoach.Bound{}
	for rows.Next() {
		var id int64
		b := &kehoach.Bound{}
		var lo, hi sql.NullFloat64
		if err := rows.Scan(&id, &b.Unit, &b.Kind, &lo, &hi); err != nil {
			return nil, fmt.Errorf("store: read bounds: %w", err)
		}
		b.Min, b.Max = nullable(lo), nullable(hi)
		out[id] = append(out[id], b)
	}
	return out, rows.Err()
}

// nullable is a NULL-able number as a pointer.
func nullable(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	return &v.Float64
}

// peerOf is the group of c's peers; a root unit has none.
func peerOf(c cell) peerKey {
	if c.unit.ParentCode == "" {
		return peerKey{}
	}
	return peerKey{c.unit.ParentCode, c.unit.Kind, c.el.ID, c.pe}
}

// readNeighbours reads, in two queries, the figures of the period before
// of the cells todo and the figures of their peers (by unit id).
func readNeighbours(ctx context.Context, q queryer, cells []cell, todo []int) (map[figureKey]float64, map[peerKey]map[int64]float64, error) {
	prev := map[figureKey]float64{}
	peers := map[peerKey]map[int64]float64{}
	for _, i := range todo {
		if k := peerOf(cells[i]); k.parent != "" {
			peers[k] = map[int64]float64{}
		}
	}
	if q == nil {
		return prev, peers, nil // nothing stored to compare with
	}
	var units, elements []int64
	var parents, prevs, periods []string
	for _, i := range todo {
		c := cells[i]
		units = append(units, c.unit.ID)
		elements = append(elements, c.el.ID)
		prevs = append(prevs, c.pe.Prev().String())
		periods = append(periods, c.pe.String())
		if c.unit.ParentCode != "" {
			parents = append(parents, c.unit.ParentCode)
		}
	}
	id := func(v int64) int64 { return v }
	str := func(s string) string { return s }
	units, elements = distinct(units, id), distinct(elements, id)
	parents, prevs, periods = distinct(parents, str), distinct(prevs, str), distinct(periods, str)

	scan := func(what, query string, args []any, row func(rows *sql.Rows) error) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("store: read %s: %w", what, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := row(rows); err != nil {
				return fmt.Errorf("store: read %s: %w", what, err)
			}
		}
		return rows.Err()
	}
	const live = `v.coc = '' AND NOT v.deleted AND v.num IS NOT NULL`
	var p params
	err := scan("last reports", `SELECT v.unit_id, v.element_id, v.period, v.num FROM data_values v WHERE `+live+
		` AND v.unit_id IN (`+list(&p, units)+`) AND v.element_id IN (`+list(&p, elements)+`) AND v.period IN (`+list(&p, prevs)+`)`, p.args,
		func(rows *sql.Rows) error {
			var k figureKey
			var pe string
			var v float64
			if err := rows.Scan(&k.unit, &k.element, &pe, &v); err != nil {
				return err
			}
			var err error
			if k.pe, err = period.Parse(pe); err == nil {
				prev[k] = v
			}
			return nil
		})
	if err != nil || len(parents) == 0 {
		return prev, peers, err
	}
	p = params{}
	err = scan("peers", `SELECT pu.code, u.kind, v.element_id, v.period, v.unit_id, v.num FROM data_values v
		JOIN units u ON u.id = v.unit_id JOIN units pu ON pu.id = u.parent_id WHERE `+live+`
		AND pu.code IN (`+list(&p, parents)+`) AND v.element_id IN (`+list(&p, elements)+`) AND v.period IN (`+list(&p, periods)+`)`, p.args,
		func(rows *sql.Rows) error {
			var k peerKey
			var pe string
			var unit int64
			var v float64
			if err := rows.Scan(&k.parent, &k.kind, &k.element, &pe, &unit, &v); err != nil {
				return err
			}
			var err error
			if k.pe, err = period.Parse(pe); err == nil && peers[k] != nil {
				peers[k][unit] = v
			}
			return nil
		})
	return prev, peers, err
}
