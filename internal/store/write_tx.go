package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"kehoach"
	"kehoach/period"
)

// Steps 3 and 4 of the write path (write.go), inside the transaction.

// writeCells is steps 3 and 4 inside the transaction, after the version
// counter is locked: every other writer has committed or waits, so what it
// reads is what the batch will be committed over.
func writeCells(ctx context.Context, tx *sql.Tx, o writeOpts, cells []cell, bad map[string]string, rules []formRule, version int64) (*kehoach.SaveResult, error) {
	res := &kehoach.SaveResult{}
	// One read under the lock serves the rules and the diff.
	stored, err := readStored(ctx, tx, cells)
	if err != nil {
		return nil, err
	}
	checkRules(rules, cells, stored.envs, bad, res)
	if !o.loader {
		if err := checkUnusual(ctx, tx, tx, cells, stored, bad); err != nil {
			return nil, err
		}
	}
	if len(bad) > 0 && !o.skip {
		return nil, invalidFields(bad)
	}
	cells = dropBad(cells, bad, res)
	if err := checkLockedCells(ctx, tx, cells); err != nil {
		return nil, err
	}
	d := diffCells(cells, stored.cells, res)
	if len(d.conflicts) > 0 {
		return nil, conflictError(d.conflicts)
	}
	now := o.now.UTC()
	if err := upsertValues(ctx, tx, d.upserts, o.by, now, version); err != nil {
		return nil, err
	}
	if err := removeValues(ctx, tx, d.removals, o.by, now, version); err != nil {
		return nil, err
	}
	if o.loader {
		return res, nil
	}
	return res, auditBatch(ctx, tx, now, d.events)
}

// unitPeriod is a unit's figures of one period, which rules compare.
type unitPeriod struct {
	unit int64
	pe   period.Period
}

// checkRules evaluates the rules on each unit's figures of each period as
// they will be after the batch: the stored ones (envs, read in the
// transaction), overlaid with the batch. A broken blocking rule makes the
// cells it refers to bad; the others become warnings. Rules are checked
// even when some cells are bad, so that every problem shows at once.
func checkRules(rules []formRule, cells []cell, envs map[unitPeriod]unitEnv, bad map[string]string, res *kehoach.SaveResult) {
	if len(rules) == 0 || len(cells) == 0 {
		return
	}
	for _, first := range overlayCells(envs, cells) {
		env := envs[unitPeriod{first.unit.ID, first.pe}]
		for _, rl := range rules {
			if rl.periodType == first.pe.Type.String() {
				markBroken(rl, env, first, bad, res)
			}
		}
	}
}

// overlayCells lays the batch's totals over the stored figures and
// returns the first cell of each unit and period, in the batch's order.
func overlayCells(envs map[unitPeriod]unitEnv, cells []cell) []cell {
	var firsts []cell
	seen := map[unitPeriod]bool{}
	for _, c := range cells {
		up := unitPeriod{c.unit.ID, c.pe}
		if !seen[up] {
			seen[up] = true
			firsts = append(firsts, c)
		}
		env := envOf(envs, up)
		switch {
		case c.coc != "" || c.same:
		case c.del || math.IsNaN(c.num):
			delete(env, c.el.Code)
		default:
			env[c.el.Code] = c.num
		}
	}
	return firsts
}

// markBroken evaluates one rule on one unit's figures of a period (c is a
// cell of them): when it breaks, the cells it refers to become bad for a
// blocking rule, warnings for the others.
func markBroken(rl formRule, env unitEnv, c cell, bad map[string]string, res *kehoach.SaveResult) {
	ok, refs := rl.check(env)
	if ok {
		return
	}
	target := bad
	if rl.Importance != kehoach.ImportanceHigh {
		if res.Warnings == nil {
			res.Warnings = map[string]string{}
		}
		target = res.Warnings
	}
	for _, ref := range refs {
		k := ruleKey(c, ref.Element)
		if _, taken := bad[k]; !taken {
			target[k] = rl.Message
		}
	}
}

// ruleKey names the cell of element beside c (same unit and period), as
// c's key names c.
func ruleKey(c cell, element string) string {
	k := c.unit.Code + "." + element
	if strings.HasSuffix(c.key, "/"+c.pe.String()) {
		k += "/" + c.pe.String()
	}
	return k
}

func envOf(envs map[unitPeriod]unitEnv, up unitPeriod) unitEnv {
	if envs[up] == nil {
		envs[up] = unitEnv{}
	}
	return envs[up]
}

// dropBad leaves out, in a batch that skips invalid cells, the bad cells
// and every cell of a unit and period whose rules broke (so that what is
// stored there stays as it was), listing them as conflicts.
func dropBad(cells []cell, bad map[string]string, res *kehoach.SaveResult) []cell {
	if len(bad) == 0 {
		return cells
	}
	broken := map[unitPeriod]bool{}
	for _, c := range cells {
		if _, ok := bad[c.key]; ok {
			broken[unitPeriod{c.unit.ID, c.pe}] = true
		}
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range bad {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		res.Conflicts = append(res.Conflicts, kehoach.ValueConflict{Key: k, Reason: bad[k]})
	}
	return slices.DeleteFunc(cells, func(c cell) bool {
		_, isBad := bad[c.key]
		return isBad || broken[unitPeriod{c.unit.ID, c.pe}]
	})
}

// checkLockedCells refuses a batch touching a submitted or approved grid,
// period by period (submission.go). The counter row locked before orders
// this check with submissions.
func checkLockedCells(ctx context.Context, tx *sql.Tx, cells []cell) error {
	byPeriod := map[period.Period][]cell{}
	for _, c := range cells {
		if !c.same {
			byPeriod[c.pe] = append(byPeriod[c.pe], c)
		}
	}
	for pe, cs := range byPeriod {
		if err := checkLocked(ctx, tx, pe, changeIDs(cs, func(c cell) int64 { return c.el.ID }), changeIDs(cs, func(c cell) int64 { return c.unit.ID })); err != nil {
			return err
		}
	}
	return nil
}

// cellDiff is what a batch changes, against what is stored.
type cellDiff struct {
	upserts   []cell
	removals  []int64
	events    []auditEvent
	conflicts []kehoach.Conflict
}

// diffCells compares each cell with the stored figure: a cell changed here
// whose stored figure is no longer what the person saw is a conflict; the
// others are counted as imported, updated, deleted or ignored.
func diffCells(cells []cell, current map[cellKey]cellState, res *kehoach.SaveResult) cellDiff {
	var d cellDiff
	for _, c := range cells {
		if c.same {
			continue
		}
		cur, exists := current[keyOf(c)]
		exists = exists && !cur.deleted
		stored := ""
		if exists {
			stored = cur.value
		}
		if c.check && stored != c.orig {
			d.conflicts = append(d.conflicts, kehoach.Conflict{Key: c.key, Theirs: stored, By: cur.storedBy, Updated: cur.updated, Yours: c.canon, Original: c.orig})
			continue
		}
		key := c.el.Code + "/" + c.unit.Code + "/" + c.pe.String()
		if c.coc != "" {
			key += "/" + c.coc
		}
		switch {
		case c.del && !exists, !c.del && exists && cur.value == c.canon:
			res.Ignored++
		case c.del:
			d.removals = append(d.removals, cur.id)
			d.events = append(d.events, auditEvent{"delete", "data_value", key, cur.value, ""})
			res.Deleted++
		case exists:
			d.upserts = append(d.upserts, c)
			d.events = append(d.events, auditEvent{"update", "data_value", key, cur.value, c.canon})
			res.Updated++
		default:
			d.upserts = append(d.upserts, c)
			d.events = append(d.events, auditEvent{"create", "data_value", key, "", c.canon})
			res.Imported++
		}
	}
	return d
}

// cellKey names a stored figure: element, unit, period, disaggregation.
type cellKey struct {
	element, unit int64
	period, coc   string
}

func keyOf(c cell) cellKey { return cellKey{c.el.ID, c.unit.ID, c.pe.String(), c.coc} }

// cellState is a stored figure as a save finds it.
type cellState struct {
	id       int64
	value    string
	deleted  bool
	storedBy string
	updated  time.Time
}

// storedCells is what a batch finds stored, read under the version lock:
// the state of each figure of the batch's units and periods (cells, for
// the diff and the optimistic check) and their live totals (envs, for the
// rules).
type storedCells struct {
	cells map[cellKey]cellState
	envs  map[unitPeriod]unitEnv
}

// readStored reads, in one query, every figure of the batch's units and
// periods: the rules may refer to elements the batch does not carry, and
// the lock is held for as few round trips as can be.
func readStored(ctx context.Context, tx *sql.Tx, cells []cell) (*storedCells, error) {
	out := &storedCells{cells: map[cellKey]cellState{}, envs: map[unitPeriod]unitEnv{}}
	if len(cells) == 0 {
		return out, nil
	}
	var p params
	q := `SELECT v.element_id, e.code, v.unit_id, v.period, v.coc, v.id, v.value, v.num, v.deleted, v.stored_by, v.updated_at
		FROM data_values v JOIN data_elements e ON e.id = v.element_id
		WHERE v.period IN (` + list(&p, distinct(cells, func(c cell) string { return c.pe.String() })) + `)
		AND v.unit_id IN (` + list(&p, changeIDs(cells, func(c cell) int64 { return c.unit.ID })) + `)`
	rows, err := tx.QueryContext(ctx, q, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: read values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k cellKey
		var c cellState
		var code string
		var num sql.NullFloat64
		if err := rows.Scan(&k.element, &code, &k.unit, &k.period, &k.coc, &c.id, &c.value, &num, &c.deleted, &c.storedBy, &c.updated); err != nil {
			return nil, fmt.Errorf("store: read values: %w", err)
		}
		out.cells[k] = c
		if c.deleted || k.coc != "" || !num.Valid {
			continue
		}
		if pe, err := period.Parse(k.period); err == nil {
			envOf(out.envs, unitPeriod{k.unit, pe})[code] = num.Float64
		}
	}
	return out, rows.Err()
}

// upsertValues writes figures, many rows per statement. A figure without a
// comment keeps the one stored.
func upsertValues(ctx context.Context, tx *sql.Tx, cs []cell, by string, now time.Time, version int64) error {
	for chunk := range slices.Chunk(cs, 200) {
		var b strings.Builder
		b.WriteString(`INSERT INTO data_values (element_id, unit_id, period, coc, value, num, comment, stored_by, created_at, updated_at, version, deleted) VALUES `)
		args := []any{by, now, version, false}
		for i, c := range chunk {
			args = append(args, c.el.ID, c.unit.ID, c.pe.String(), c.coc, c.canon, numArg(c.num), c.comment)
			k := len(args)
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $1, $2, $2, $3, $4)", k-6, k-5, k-4, k-3, k-2, k-1, k)
		}
		b.WriteString(` ON CONFLICT (element_id, unit_id, period, coc) DO UPDATE SET value = excluded.value, num = excluded.num,
			comment = CASE WHEN excluded.comment = '' THEN data_values.comment ELSE excluded.comment END,
			stored_by = excluded.stored_by, updated_at = excluded.updated_at, version = excluded.version, deleted = excluded.deleted`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: save values: %w", err)
		}
	}
	return nil
}

// removeValues marks figures removed, keeping the row so that analytics
// engines reading changes since a version see the removal.
func removeValues(ctx context.Context, tx *sql.Tx, ids []int64, by string, now time.Time, version int64) error {
	for chunk := range slices.Chunk(ids, 500) {
		p := params{args: []any{true, now, by, version}}
		if _, err := tx.ExecContext(ctx, `UPDATE data_values SET deleted = $1, updated_at = $2, stored_by = $3, version = $4 WHERE id IN (`+list(&p, chunk)+`)`, p.args...); err != nil {
			return fmt.Errorf("store: delete values: %w", err)
		}
	}
	return nil
}
