package store

import (
	"context"
	"fmt"
	"math"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/period"
)

// Plausibility in the write path (issue 9, point 4): every writer (the
// entry page, the API, a file import) has a changed figure checked against
// the unit's report of the period before and against its peers (the units
// of the same kind under the same parent, in the same period), with the
// same rule (kehoach.CheckPlausible) and the same words. An unusual figure
// is written only when confirmed or commented on, and then carries its
// reason for the approver (kehoach.FlagPrefix); otherwise it is a bad cell
// whose reason starts with kehoach.UnusualPrefix.

// peerKey groups the figures a cell is compared with.
type peerKey struct {
	parent, kind, element string
	period                string
}

// checkUnusual checks the cells that change a number. q reads what is
// stored (the write transaction, or for an import the figures as they
// were when it began; nil when nothing was); stored is what the batch
// found for its own cells.
// Confirmed or commented cells get their flag in their comment; the
// others are added to bad.
func checkUnusual(ctx context.Context, q queryer, cells []cell, stored *storedCells, bad map[string]string) error {
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
	// The batch's own figures count among the peers, as the grid shows
	// them, and as the last report when it carries the period before:
	// what is sent replaces what is stored.
	for _, c := range cells {
		if c.coc != "" {
			continue
		}
		if pk := prevKey(c.unit.Code, c.el.Code, c.pe); c.del {
			delete(prev, pk)
		} else if !math.IsNaN(c.num) {
			prev[pk] = c.num
		}
		if c.unit.ParentCode == "" {
			continue
		}
		k := peerKey{c.unit.ParentCode, c.unit.Kind, c.el.Code, c.pe.String()}
		if peers[k] == nil {
			continue
		}
		if c.del {
			delete(peers[k], c.unit.Code)
		} else {
			peers[k][c.unit.Code] = c.num
		}
	}
	for _, i := range todo {
		c := &cells[i]
		var others []float64
		for code, v := range peers[peerKey{c.unit.ParentCode, c.unit.Kind, c.el.Code, c.pe.String()}] {
			if code != c.unit.Code {
				others = append(others, v)
			}
		}
		p, hasPrev := prev[prevKey(c.unit.Code, c.el.Code, c.pe.Prev())]
		ws := kehoach.CheckPlausible(c.num, p, hasPrev, others)
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
			flag := kehoach.FlagPrefix + why
			if c.comment != "" {
				flag += ". Ghi chú: " + c.comment
			}
			c.comment = flag
		default:
			bad[c.key] = c.el.Name + ": " + kehoach.UnusualPrefix + why
		}
	}
	return nil
}

func prevKey(unit, element string, pe period.Period) string {
	return unit + "\x00" + element + "\x00" + pe.String()
}

// readNeighbours reads, in two queries, the figures of the period before
// of the cells todo (keyed by prevKey) and the figures of their peers
// (keyed by peerKey, then unit code).
func readNeighbours(ctx context.Context, q queryer, cells []cell, todo []int) (map[string]float64, map[peerKey]map[string]float64, error) {
	var units, parents, elements, prevs, periods []string
	for _, i := range todo {
		c := cells[i]
		units = append(units, c.unit.Code)
		elements = append(elements, c.el.Code)
		prevs = append(prevs, c.pe.Prev().String())
		periods = append(periods, c.pe.String())
		if c.unit.ParentCode != "" {
			parents = append(parents, c.unit.ParentCode)
		}
	}
	id := func(s string) string { return s }
	units, parents, elements, prevs, periods = distinct(units, id), distinct(parents, id), distinct(elements, id), distinct(prevs, id), distinct(periods, id)

	prev := map[string]float64{}
	peers := map[peerKey]map[string]float64{}
	for _, i := range todo {
		c := cells[i]
		if c.unit.ParentCode != "" {
			peers[peerKey{c.unit.ParentCode, c.unit.Kind, c.el.Code, c.pe.String()}] = map[string]float64{}
		}
	}
	if q == nil {
		return prev, peers, nil // nothing stored to compare with
	}
	var p params
	rows, err := q.QueryContext(ctx, `SELECT u.code, e.code, v.period, v.num FROM data_values v
		JOIN units u ON u.id = v.unit_id JOIN data_elements e ON e.id = v.element_id
		WHERE v.coc = '' AND NOT v.deleted AND v.num IS NOT NULL
		AND u.code IN (`+list(&p, units)+`) AND e.code IN (`+list(&p, elements)+`) AND v.period IN (`+list(&p, prevs)+`)`, p.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: read last reports: %w", err)
	}
	for rows.Next() {
		var u, e, pe string
		var v float64
		if err := rows.Scan(&u, &e, &pe, &v); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("store: read last reports: %w", err)
		}
		prev[u+"\x00"+e+"\x00"+pe] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}

	if len(parents) == 0 {
		return prev, peers, nil
	}
	p = params{}
	rows, err = q.QueryContext(ctx, `SELECT pu.code, u.kind, e.code, v.period, u.code, v.num FROM data_values v
		JOIN units u ON u.id = v.unit_id JOIN units pu ON pu.id = u.parent_id JOIN data_elements e ON e.id = v.element_id
		WHERE v.coc = '' AND NOT v.deleted AND v.num IS NOT NULL
		AND pu.code IN (`+list(&p, parents)+`) AND e.code IN (`+list(&p, elements)+`) AND v.period IN (`+list(&p, periods)+`)`, p.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: read peers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k peerKey
		var u string
		var v float64
		if err := rows.Scan(&k.parent, &k.kind, &k.element, &k.period, &u, &v); err != nil {
			return nil, nil, fmt.Errorf("store: read peers: %w", err)
		}
		if m := peers[k]; m != nil {
			m[u] = v
		}
	}
	return prev, peers, rows.Err()
}
