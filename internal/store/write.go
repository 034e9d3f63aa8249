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
//     the actor's entry scope (resolver.resolve, parseCell, checkEntryScope);
//  3. rules, inside the write transaction after the version lock, on the
//     figures as they will be committed (checkRules); plausibility of the
//     figures that change (checkUnusual, write_unusual.go);
//  4. write: lock check, diff against what is stored, upsert, removals,
//     audit, with counts and per-cell conflicts (writeCells).
//
// Steps 3 and 4 live in write_tx.go. The bulk loader (bulk.go) shares the
// per-cell part of steps 1 and 2 (resolver) and keeps its own fast writer;
// a bundle load (bundle.go) runs steps 1, 2 and 4 inside its transaction.

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
	// anyPeriod skips the entry window of a batch without a form (an
	// import by an administrator restoring history, issue 13).
	anyPeriod bool
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
	// confirmed: the person keeps the figure even if it is unusual.
	confirmed bool
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
	pe, err := o.form.PeriodOf(pid)
	if err != nil {
		return err
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
	periods map[string]resolvedPeriod
	// noKeys leaves the keys of good cells empty: the bulk loader has no
	// use for them and spares the work on every figure.
	noKeys bool
}

func newResolver(book *codeBook, o writeOpts) *resolver {
	return &resolver{book: book, o: o, periods: map[string]resolvedPeriod{}}
}

// resolvedPeriod is a period parsed once per batch, with its first and last
// days as units' validity compares them.
type resolvedPeriod struct {
	pe       period.Period
	from, to kehoach.Date
}

// resolve resolves and checks one cell. When the cell cannot be written,
// reason says why and key names what is wrong: the cell, or on a form the
// unit when the unit itself is (unknown, not valid in the period).
func (r *resolver) resolve(in kehoach.ValueCell) (c cell, key, reason string) {
	u := r.book.units[in.Unit]
	if u == nil {
		return c, r.unitKey(in), fmt.Sprintf("không có đơn vị mã %q", in.Unit)
	}
	rp, ok := r.periods[in.Period]
	if !ok {
		p, err := period.Parse(in.Period)
		if err != nil {
			return c, cellKeyText(r.o, in), err.Error()
		}
		rp = resolvedPeriod{p, kehoach.DateOf(p.Start()), kehoach.DateOf(p.End())}
		r.periods[in.Period] = rp
	}
	pe := rp.pe
	if !u.ValidDuring(rp.from, rp.to) {
		return c, r.unitKey(in), fmt.Sprintf("đơn vị %s không tồn tại trong kỳ %s", u.Name, pe.Label())
	}
	el := r.book.elements[in.Element]
	c, reason = parseCell(el, u, r.o, in)
	if reason == "" && r.o.form == nil && !r.o.loader && !r.o.anyPeriod {
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
	c = cell{el: el, unit: u, coc: in.Disagg, comment: vntext.NFC(in.Comment), orig: in.Original, check: in.HasOriginal, confirmed: in.Confirmed}
	raw := vntext.NFC(in.Value)
	if raw == "" && in.Value != "" {
		// Only spaces: a slip, not a request to remove (issue 9). Removal
		// is the deliberate empty value.
		return c, el.Name + ": chỉ có khoảng trắng, không phải là số liệu; số liệu đã lưu không bị xóa (muốn xóa, gửi giá trị rỗng)"
	}
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
