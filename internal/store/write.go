package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
	"kehoach/period"
)

// The one write path for figures. Every writer (the entry form, bundle
// loads, imports to come) hands it cells by codes, and each cell goes
// through the same steps:
//
//  1. resolve: codes to units and elements, the raw value parsed
//     (lookupCodes, resolveCells);
//  2. check each cell: element in the form (or known), reported by the
//     unit's kind, unit valid in the period, period open for entry, unit in
//     the actor's entry scope (checkCell, checkEntryScope);
//  3. rules, inside the write transaction after the version lock, on the
//     figures as they will be committed (checkRules);
//  4. write: lock check, diff against what is stored, upsert, removals,
//     audit, with counts and per-cell conflicts (writeCells).
//
// The bulk loader shares step 1's parsing (parseCell) and keeps its own
// fast writer.

// writeOpts are what a caller of the write path decides.
type writeOpts struct {
	// form is the form the figures are entered on; nil for none.
	form *kehoach.Form
	by   string
	now  time.Time
	// loader is a bundle load: any period, no rules, no entry scope (it
	// creates the units it fills) and no audit event per figure (the load
	// records one for itself).
	loader       bool
	skip, dryRun bool
}

// cell is one cell of a batch, resolved and parsed.
type cell struct {
	key     string // "UNIT.ELEMENT", as Fields and Conflicts name it
	el      *kehoach.DataElement
	unit    *kehoach.Unit
	pe      period.Period
	coc     string
	canon   string
	comment string
	num     float64 // NaN: no number (text)
	del     bool
	// orig is the figure the person saw; check says to compare it.
	orig  string
	check bool
	// same marks a cell typed as it was shown: not written (someone
	// else's newer figure must stay), but its unit's rules still apply.
	same bool
}

// codeBook maps the codes of a batch to elements and units.
type codeBook struct {
	elements map[string]*kehoach.DataElement
	units    map[string]*kehoach.Unit
}

// SaveValues writes a batch of figures through the shared write path.
func (db *DB) SaveValues(ctx context.Context, b kehoach.ValueBatch) (*kehoach.SaveResult, error) {
	o := writeOpts{by: b.By, now: db.Now(), skip: b.SkipInvalid, dryRun: b.DryRun}
	cells := b.Cells
	if b.Form != "" {
		form, err := db.FindFormByCode(ctx, b.Form)
		if err != nil {
			return nil, err
		}
		o.form = form
		if err := checkFormPeriod(o, b.Period); err != nil {
			return nil, err
		}
		cells = slices.Clone(cells)
		for i := range cells {
			switch cells[i].Period {
			case "":
				cells[i].Period = b.Period
			case b.Period:
			default:
				msg := fmt.Sprintf("một lần lưu biểu mẫu chỉ nhận số liệu của kỳ %s", b.Period)
				return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Kỳ báo cáo: " + msg + ".", Fields: map[string]string{"period": msg}}
			}
		}
	}
	return db.saveCells(ctx, o, cells)
}

// saveCells runs the whole write path in a transaction of its own.
func (db *DB) saveCells(ctx context.Context, o writeOpts, in []kehoach.ValueCell) (*kehoach.SaveResult, error) {
	if kehoach.ActorFromContext(ctx).Username == "" {
		a := kehoach.ActorFromContext(ctx)
		a.Username = o.by
		ctx = kehoach.NewContextWithActor(ctx, a)
	}
	book, err := lookupCodes(ctx, db.read, in)
	if err != nil {
		return nil, err
	}
	cells, bad := resolveCells(book, o, in)
	if err := checkEntryScope(ctx, db.read, cells, bad, o.skip); err != nil {
		return nil, err
	}
	rules, err := db.rulesFor(ctx, o.form, cells)
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, db.classify(err)
	}
	defer tx.Rollback()
	version, err := nextVersion(ctx, tx)
	if err != nil {
		return nil, db.classify(err)
	}
	res, err := writeCells(ctx, tx, o, cells, bad, rules, version)
	if err != nil {
		return nil, db.classify(err)
	}
	if o.dryRun || res.Imported+res.Updated+res.Deleted == 0 {
		// Nothing to keep: the deferred rollback gives the version back, so
		// re-sending the same figures leaves Versions as they were.
		return res, nil
	}
	if err := tx.Commit(); err != nil {
		return nil, db.classify(fmt.Errorf("store: commit values: %w", err))
	}
	db.stored()
	return res, nil
}

// checkFormPeriod refuses a period that is not one of the form's open for
// entry: the page hides the others, the store refuses them.
func checkFormPeriod(o writeOpts, pid string) error {
	pe, err := period.Parse(pid)
	if err != nil {
		return &kehoach.Error{Code: kehoach.EINVALID, Message: err.Error(), Fields: map[string]string{"period": err.Error()}}
	}
	return o.form.AcceptsPeriod(pe, o.now)
}

// lookupCodes reads the elements and the batch's units, in two queries
// (units a few hundred codes at a time); every unit when in is nil.
func lookupCodes(ctx context.Context, q queryer, in []kehoach.ValueCell) (*codeBook, error) {
	book := &codeBook{elements: map[string]*kehoach.DataElement{}, units: map[string]*kehoach.Unit{}}
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.code, e.name, e.value_type, e.unit_kinds,
		COALESCE((SELECT f.period_type FROM form_elements fe JOIN forms f ON f.id = fe.form_id WHERE fe.element_id = e.id ORDER BY f.id LIMIT 1), '')
		FROM data_elements e`)
	if err != nil {
		return nil, fmt.Errorf("store: elements: %w", err)
	}
	for rows.Next() {
		e := &kehoach.DataElement{}
		var kinds string
		if err := rows.Scan(&e.ID, &e.Code, &e.Name, &e.ValueType, &kinds, &e.PeriodType); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: elements: %w", err)
		}
		e.UnitKinds = strings.Split(kinds, ",")
		book.elements[e.Code] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: elements: %w", err)
	}
	if in == nil {
		us, err := findUnits(ctx, q, kehoach.UnitFilter{})
		for _, u := range us {
			book.units[u.Code] = u
		}
		return book, err
	}
	var codes []string
	for _, c := range in {
		if _, ok := book.units[c.Unit]; !ok {
			book.units[c.Unit] = nil
			codes = append(codes, c.Unit)
		}
	}
	for chunk := range slices.Chunk(codes, 500) {
		us, err := findUnits(ctx, q, kehoach.UnitFilter{Codes: chunk})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			book.units[u.Code] = u
		}
	}
	return book, nil
}

// resolveCells resolves, parses and checks each cell, in the order of
// units then elements so that messages come in a stable order. bad holds
// the reason for each cell that cannot be written, keyed like Fields.
func resolveCells(book *codeBook, o writeOpts, in []kehoach.ValueCell) (cells []cell, bad map[string]string) {
	bad = map[string]string{}
	sorted := slices.Clone(in)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		return a.Unit < b.Unit || a.Unit == b.Unit && a.Element < b.Element
	})
	r := newResolver(book, o)
	for _, in := range sorted {
		c, key, reason := r.resolve(in)
		if reason != "" {
			bad[key] = reason
			continue
		}
		cells = append(cells, c)
	}
	return cells, bad
}

// resolver is step 1 and the per-cell checks of step 2 for one batch, with
// the periods it has parsed: the bulk loader runs it on every figure.
type resolver struct {
	book    *codeBook
	o       writeOpts
	periods map[string]period.Period
	// noKeys leaves the keys of good cells empty: the bulk loader has no
	// use for them and spares the work on every figure.
	noKeys bool
}

func newResolver(book *codeBook, o writeOpts) *resolver {
	return &resolver{book: book, o: o, periods: map[string]period.Period{}}
}

// resolve resolves and checks one cell. When the cell cannot be written,
// reason says why and key names what is wrong: the cell, or on a form the
// unit when the unit itself is (unknown, not valid in the period).
func (r *resolver) resolve(in kehoach.ValueCell) (c cell, key, reason string) {
	u := r.book.units[in.Unit]
	if u == nil {
		return c, r.unitKey(in), fmt.Sprintf("không có đơn vị mã %q", in.Unit)
	}
	pe, ok := r.periods[in.Period]
	if !ok {
		p, err := period.Parse(in.Period)
		if err != nil {
			return c, cellKeyText(r.o, in), err.Error()
		}
		pe, r.periods[in.Period] = p, p
	}
	if !u.ValidDuring(kehoach.DateOf(pe.Start()), kehoach.DateOf(pe.End())) {
		return c, r.unitKey(in), fmt.Sprintf("đơn vị %s không tồn tại trong kỳ %s", u.Name, pe.Label())
	}
	el := r.book.elements[in.Element]
	c, reason = parseCell(el, u, r.o, in)
	if reason == "" && r.o.form == nil && !r.o.loader {
		reason = openForEntry(el, pe, r.o.now)
	}
	if reason != "" || !r.noKeys {
		key = cellKeyText(r.o, in)
	}
	c.key, c.pe = key, pe
	return c, key, reason
}

// openForEntry is the period rule of a batch without a form: the period is
// of the type of the form that collects el and open for entry
// (kehoach.EntryRange), as on the form itself.
func openForEntry(el *kehoach.DataElement, pe period.Period, now time.Time) string {
	if el.PeriodType != "" && el.PeriodType != pe.Type.String() {
		pt, _ := period.ParseType(el.PeriodType)
		return fmt.Sprintf("%s được báo cáo theo %s, kỳ %s (%s) không khớp", el.Name, strings.ToLower(pt.Label()), pe, pe.Label())
	}
	first, last := kehoach.EntryRange(pe.Type, now)
	if pe.Before(first) || last.Before(pe) {
		return fmt.Sprintf("kỳ %s không mở để nhập số liệu (chỉ từ kỳ %s đến kỳ %s)", pe.Label(), first.Label(), last.Label())
	}
	return ""
}

// unitKey names a unit's problem: on a form's grid once, beside the unit;
// elsewhere on each of its cells.
func (r *resolver) unitKey(in kehoach.ValueCell) string {
	if r.o.form != nil {
		return in.Unit
	}
	return cellKeyText(r.o, in)
}

// cellKeyText names a cell: "UNIT.ELEMENT" on a form (one period), with
// the disaggregation and the period otherwise; a bundle's figures as the
// bundle's authors know them, "ELEMENT/UNIT/PERIOD".
func cellKeyText(o writeOpts, in kehoach.ValueCell) string {
	if o.loader {
		k := in.Element + "/" + in.Unit + "/" + in.Period
		if in.Disagg != "" {
			k += "/" + in.Disagg
		}
		return k
	}
	k := in.Unit + "." + in.Element
	if in.Disagg != "" {
		k += "." + in.Disagg
	}
	if o.form == nil {
		k += "/" + in.Period
	}
	return k
}

// parseCell checks that el may be reported by u on the batch's form and
// parses the raw value. reason, in Vietnamese, says why the cell is refused.
func parseCell(el *kehoach.DataElement, u *kehoach.Unit, o writeOpts, in kehoach.ValueCell) (c cell, reason string) {
	switch {
	case el == nil && o.form != nil, el != nil && o.form != nil && !slices.Contains(o.form.Elements, el.Code):
		return c, fmt.Sprintf("chỉ số %q không thuộc biểu mẫu %s", in.Element, o.form.Name)
	case el == nil:
		return c, fmt.Sprintf("không có chỉ số mã %q", in.Element)
	case !el.ReportedBy(u.Kind):
		return c, fmt.Sprintf("%s: đơn vị %s (%s) không báo cáo chỉ số này", el.Name, u.Name, strings.ToLower(locale.VI.Kind(u.Kind)))
	}
	c = cell{el: el, unit: u, coc: in.Disagg, comment: vntext.NFC(in.Comment), orig: in.Original, check: in.HasOriginal}
	raw := vntext.NFC(in.Value)
	if raw == "" {
		c.del, c.num = true, math.NaN()
		c.same = in.HasOriginal && in.Original == ""
		return c, ""
	}
	canon, num, err := el.ParseValue(raw)
	if err != nil {
		return c, el.Name + ": " + kehoach.ErrorMessage(err)
	}
	c.canon, c.num = canon, num
	c.same = in.HasOriginal && canon == in.Original
	return c, ""
}

// checkEntryScope refuses, with EFORBIDDEN naming the unit, a cell whose
// unit lies outside the actor's entry scope, so that no handler or command
// can write there by forgetting its own check. The ancestors of every unit
// of the batch come in one query. With skip, such cells become bad ones.
func checkEntryScope(ctx context.Context, q queryer, cells []cell, bad map[string]string, skip bool) error {
	scope := kehoach.ActorFromContext(ctx).Entry
	if scope.All || len(cells) == 0 {
		return nil
	}
	ids := changeIDs(cells, func(c cell) int64 { return c.unit.ID })
	ancestors := map[int64][]string{}
	if len(scope.Units) > 0 {
		var err error
		if ancestors, err = findAncestorsOf(ctx, q, ids); err != nil {
			return err
		}
	}
	for _, c := range cells {
		if scope.Covers(ancestors[c.unit.ID]) {
			continue
		}
		msg := fmt.Sprintf("Bạn không có quyền nhập số liệu của %s (mã %s): đơn vị này nằm ngoài phạm vi được giao. Chưa lưu số liệu nào.", c.unit.Name, c.unit.Code)
		if !skip {
			return kehoach.Errorf(kehoach.EFORBIDDEN, "%s", msg)
		}
		bad[c.key] = fmt.Sprintf("đơn vị %s nằm ngoài phạm vi nhập liệu được giao", c.unit.Name)
	}
	return nil
}

// findAncestorsOf returns, for each unit id, the codes from the unit itself
// up to the root, in one recursive query.
func findAncestorsOf(ctx context.Context, q queryer, ids []int64) (map[int64][]string, error) {
	var p params
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE up(origin, id, code, parent_id, depth) AS (
			SELECT id, id, code, parent_id, 0 FROM units WHERE id IN (`+list(&p, ids)+`)
			UNION ALL SELECT up.origin, u.id, u.code, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id)
		SELECT origin, code FROM up ORDER BY origin, depth`, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: ancestors: %w", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, fmt.Errorf("store: ancestors: %w", err)
		}
		out[id] = append(out[id], code)
	}
	return out, rows.Err()
}

// formRule is a parsed rule and the period type of the form it belongs to:
// it applies to that type's periods only.
type formRule struct {
	*rule
	periodType string
}

// rulesFor returns the rules a batch must keep: its form's, or, without a
// form, those of every form holding one of its elements. A loader has none.
func (db *DB) rulesFor(ctx context.Context, form *kehoach.Form, cells []cell) ([]formRule, error) {
	var forms []*kehoach.Form
	if form != nil {
		forms = []*kehoach.Form{form}
	} else if len(cells) > 0 {
		all, err := db.FindForms(ctx)
		if err != nil {
			return nil, err
		}
		for _, f := range all {
			if slices.ContainsFunc(cells, func(c cell) bool { return slices.Contains(f.Elements, c.el.Code) }) {
				forms = append(forms, f)
			}
		}
	}
	var out []formRule
	for _, f := range forms {
		for _, r := range f.Rules {
			pr, err := parseRule(r)
			if err != nil {
				return nil, fmt.Errorf("store: form %s rule %q: %w", f.Code, r.Message, err)
			}
			out = append(out, formRule{pr, f.PeriodType})
		}
	}
	return out, nil
}

// writeCells is steps 3 and 4 inside the transaction, after the version
// counter is locked: every other writer has committed or waits, so what it
// reads is what the batch will be committed over.
func writeCells(ctx context.Context, tx *sql.Tx, o writeOpts, cells []cell, bad map[string]string, rules []formRule, version int64) (*kehoach.SaveResult, error) {
	res := &kehoach.SaveResult{}
	if err := checkRules(ctx, tx, rules, cells, bad, res); err != nil {
		return nil, err
	}
	if len(bad) > 0 && !o.skip {
		return nil, invalidFields(bad)
	}
	cells = dropBad(cells, bad, res)
	if err := checkLockedCells(ctx, tx, cells); err != nil {
		return nil, err
	}
	current, err := currentValues(ctx, tx, cells)
	if err != nil {
		return nil, err
	}
	d := diffCells(cells, current, res)
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
// they will be after the batch: the stored ones, read in the transaction,
// overlaid with the batch. A broken blocking rule makes the cells it
// refers to bad; the others become warnings. Rules are checked even when
// some cells are bad, so that every problem shows at once.
func checkRules(ctx context.Context, tx *sql.Tx, rules []formRule, cells []cell, bad map[string]string, res *kehoach.SaveResult) error {
	if len(rules) == 0 || len(cells) == 0 {
		return nil
	}
	envs, err := storedEnvs(ctx, tx, cells)
	if err != nil {
		return err
	}
	groups := map[unitPeriod][]cell{}
	var order []unitPeriod
	for _, c := range cells {
		up := unitPeriod{c.unit.ID, c.pe}
		if groups[up] == nil {
			order = append(order, up)
		}
		groups[up] = append(groups[up], c)
		if c.coc != "" || c.same {
			continue
		}
		env := envOf(envs, up)
		if c.del || math.IsNaN(c.num) {
			delete(env, c.el.Code)
		} else {
			env[c.el.Code] = c.num
		}
	}
	for _, up := range order {
		first := groups[up][0]
		for _, rl := range rules {
			if rl.periodType != up.pe.Type.String() {
				continue
			}
			ok, refs := rl.check(envs[up])
			if ok {
				continue
			}
			target := bad
			if rl.Importance != kehoach.ImportanceHigh {
				if res.Warnings == nil {
					res.Warnings = map[string]string{}
				}
				target = res.Warnings
			}
			for _, ref := range refs {
				k := ruleKey(first, ref.Element)
				if _, taken := bad[k]; !taken {
					target[k] = rl.Message
				}
			}
		}
	}
	return nil
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

// storedEnvs reads, in one query, the stored totals of the batch's units
// and periods that rules compare.
func storedEnvs(ctx context.Context, tx *sql.Tx, cells []cell) (map[unitPeriod]unitEnv, error) {
	p := params{args: []any{false}}
	q := `SELECT v.unit_id, v.period, e.code, v.num FROM data_values v JOIN data_elements e ON e.id = v.element_id
		WHERE v.deleted = $1 AND v.coc = '' AND v.num IS NOT NULL
		AND v.unit_id IN (` + list(&p, changeIDs(cells, func(c cell) int64 { return c.unit.ID })) + `)
		AND v.period IN (` + list(&p, distinct(cells, func(c cell) string { return c.pe.String() })) + `)`
	rows, err := tx.QueryContext(ctx, q, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: rule values: %w", err)
	}
	defer rows.Close()
	envs := map[unitPeriod]unitEnv{}
	for rows.Next() {
		var unit int64
		var pe, el string
		var num float64
		if err := rows.Scan(&unit, &pe, &el, &num); err != nil {
			return nil, fmt.Errorf("store: rule values: %w", err)
		}
		p, err := period.Parse(pe)
		if err != nil {
			continue
		}
		envOf(envs, unitPeriod{unit, p})[el] = num
	}
	return envs, rows.Err()
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

// currentValues reads, in one query, the stored figures of the cells a
// batch touches.
func currentValues(ctx context.Context, tx *sql.Tx, cells []cell) (map[cellKey]cellState, error) {
	out := map[cellKey]cellState{}
	if len(cells) == 0 {
		return out, nil
	}
	var p params
	q := `SELECT element_id, unit_id, period, coc, id, value, deleted, stored_by, updated_at FROM data_values
		WHERE period IN (` + list(&p, distinct(cells, func(c cell) string { return c.pe.String() })) + `)
		AND element_id IN (` + list(&p, changeIDs(cells, func(c cell) int64 { return c.el.ID })) + `)
		AND unit_id IN (` + list(&p, changeIDs(cells, func(c cell) int64 { return c.unit.ID })) + `)`
	rows, err := tx.QueryContext(ctx, q, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: read values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k cellKey
		var c cellState
		if err := rows.Scan(&k.element, &k.unit, &k.period, &k.coc, &c.id, &c.value, &c.deleted, &c.storedBy, &c.updated); err != nil {
			return nil, fmt.Errorf("store: read values: %w", err)
		}
		out[k] = c
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

// loadCells writes a bundle's figures inside the bundle's transaction,
// through the same resolve and check steps as every save.
func loadCells(ctx context.Context, tx *sql.Tx, values []*kehoach.DataValue, by string, now time.Time) error {
	in := make([]kehoach.ValueCell, len(values))
	for i, v := range values {
		in[i] = kehoach.ValueCell{Unit: v.Unit, Element: v.Element, Period: v.Period, Disagg: v.Disagg, Value: v.Value, Comment: v.Comment}
	}
	o := writeOpts{by: by, now: now, loader: true}
	book, err := lookupCodes(ctx, tx, in)
	if err != nil {
		return err
	}
	cells, bad := resolveCells(book, o, in)
	if len(bad) > 0 {
		return bundleValuesError(bad)
	}
	version, err := nextVersion(ctx, tx)
	if err != nil {
		return err
	}
	_, err = writeCells(ctx, tx, o, cells, bad, nil, version)
	return err
}

// bundleValuesError names the first few bad figures of a bundle.
func bundleValuesError(bad map[string]string) error {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range bad {
			if !yield(k) {
				return
			}
		}
	})
	var parts []string
	for _, k := range keys[:min(len(keys), 5)] {
		parts = append(parts, "số liệu "+k+": "+bad[k])
	}
	return &kehoach.Error{Code: kehoach.EINVALID, Fields: bad,
		Message: fmt.Sprintf("Gói dữ liệu có %s không hợp lệ: %s", locale.VI.Count("values", int64(len(bad))), strings.Join(parts, "; "))}
}

// distinct returns the distinct keys of xs, in their first order.
func distinct[T any, K comparable](xs []T, key func(T) K) []K {
	var out []K
	seen := map[K]bool{}
	for _, x := range xs {
		if k := key(x); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
