package store

import (
	"fmt"
	"strings"
)

// params collects a query's arguments and writes their $N placeholders,
// so that queries built from filters stay one SQL text for both databases.
type params struct {
	args []any
}

// add appends v and returns its placeholder.
func (p *params) add(v any) string {
	p.args = append(p.args, v)
	return fmt.Sprintf("$%d", len(p.args))
}

// list appends each of vs and returns their placeholders, comma-separated,
// for an IN (…) list.
func list[T any](p *params, vs []T) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = p.add(v)
	}
	return strings.Join(ph, ", ")
}

// subtree returns a condition keeping rows whose column is the id of one of
// the units named by codes or of a unit below them.
func (p *params) subtree(column string, codes []string) string {
	return column + ` IN (WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE code IN (` + list(p, codes) + `)
		UNION ALL SELECT c.id FROM units c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub)`
}
