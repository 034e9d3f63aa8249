package bench

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/store"
)

// The baseline is DHIS2's way of answering: a denormalised analytics table
// with one row per figure, the data element, the period (quarterly) and its
// year (yearly), the unit and the codes of its ancestors at each level
// (uidlevel1…uidlevelN, DHIS2's _orgunitstructure flattened into the row),
// and the number. Questions are SQL GROUP BY over it; indicators are the
// numerator and denominator aggregates divided afterwards, as DHIS2 does in
// Java.
const (
	// BaselineTable is the analytics table's name.
	BaselineTable = "bench_analytics"
	ouTable       = "bench_ou"
	metaTable     = "bench_analytics_meta"
)

// Baseline answers the questions with SQL over the analytics table.
type Baseline struct {
	db *store.DB
	q  *Questions
	// Built is how long building the table took (now, or when it was built
	// if it was reused); Rows how many rows it holds; Reused says so.
	Built  time.Duration
	Rows   int64
	Reused bool
	// levelOf is each unit kind's level, for units(kind).
	levelOf map[string]int
	inds    map[string]*kehoach.Indicator
	aggs    map[string]string
	// SQL holds the last text of each question's queries, for the report.
	SQL map[string][]string
}

// NewBaseline returns the baseline over the table, building it when it does
// not exist or rebuild is set. log, if not nil, is told what is happening.
func NewBaseline(ctx context.Context, db *store.DB, q *Questions, rebuild bool, log func(string)) (*Baseline, error) {
	if log == nil {
		log = func(string) {}
	}
	b := &Baseline{db: db, q: q, levelOf: map[string]int{}, inds: map[string]*kehoach.Indicator{}, aggs: map[string]string{}, SQL: map[string][]string{}}
	for _, u := range q.Units {
		b.levelOf[u.Kind] = u.Level
	}
	inds, err := db.FindIndicators(ctx)
	if err != nil {
		return nil, err
	}
	for _, ind := range inds {
		b.inds[ind.Code] = ind
	}
	els, err := db.FindDataElements(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range els {
		b.aggs[e.Code] = e.Aggregation
	}
	if !rebuild {
		var ms, rows int64
		err := db.Reader().QueryRowContext(ctx, `SELECT build_ms, row_count FROM `+metaTable).Scan(&ms, &rows)
		if err == nil {
			b.Built, b.Rows, b.Reused = time.Duration(ms)*time.Millisecond, rows, true
			return b, nil
		}
	}
	log("Đang dựng bảng phân tích kiểu DHIS2 " + BaselineTable + " (mỗi số liệu một dòng)…")
	start := time.Now()
	rows, err := b.build(ctx, log)
	if err != nil {
		return nil, fmt.Errorf("bench: baseline table: %w", err)
	}
	b.Built, b.Rows = time.Since(start), rows
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO `+metaTable+` (build_ms, row_count) VALUES ($1, $2)`, b.Built.Milliseconds(), rows); err != nil {
		return nil, fmt.Errorf("bench: baseline table: %w", err)
	}
	return b, nil
}

// levelCols returns "uidlevel1, …, uidlevelN".
func (b *Baseline) levelCols(prefix string) string {
	cols := make([]string, b.q.Levels)
	for i := range cols {
		cols[i] = fmt.Sprintf("%suidlevel%d", prefix, i+1)
	}
	return strings.Join(cols, ", ")
}

// BuildStatements are the statements that build the table, after bench_ou
// (unit id → code, level and ancestors' codes) is filled from the unit tree.
func (b *Baseline) BuildStatements() []string {
	return []string{
		`CREATE TABLE ` + BaselineTable + ` AS
SELECT e.code AS dx, v.period AS pe, substr(v.period, 1, 4) AS yearly, o.code AS ou, o.level AS oulevel, ` + b.levelCols("o.") + `, v.num AS value
FROM data_values v JOIN data_elements e ON e.id = v.element_id JOIN ` + ouTable + ` o ON o.id = v.unit_id
WHERE NOT v.deleted AND v.num IS NOT NULL AND v.coc = ''`,
		fmt.Sprintf(`CREATE INDEX %s_dx_ou ON %s (dx, uidlevel%d, yearly, pe)`, BaselineTable, BaselineTable, b.q.Province.Level),
		`CREATE INDEX ` + BaselineTable + `_dx_pe ON ` + BaselineTable + ` (dx, yearly, pe)`,
		`ANALYZE ` + BaselineTable,
	}
}

func (b *Baseline) build(ctx context.Context, log func(string)) (int64, error) {
	w := b.db.Writer()
	for _, s := range []string{`DROP TABLE IF EXISTS ` + BaselineTable, `DROP TABLE IF EXISTS ` + ouTable, `DROP TABLE IF EXISTS ` + metaTable,
		`CREATE TABLE ` + metaTable + ` (build_ms BIGINT NOT NULL, row_count BIGINT NOT NULL)`} {
		if _, err := w.ExecContext(ctx, s); err != nil {
			return 0, err
		}
	}
	cols := make([]string, b.q.Levels)
	for i := range cols {
		cols[i] = fmt.Sprintf("uidlevel%d TEXT", i+1)
	}
	if _, err := w.ExecContext(ctx, `CREATE TABLE `+ouTable+` (id BIGINT PRIMARY KEY, code TEXT NOT NULL, level INTEGER NOT NULL, `+strings.Join(cols, ", ")+`)`); err != nil {
		return 0, err
	}
	// The ancestors of each unit, from the tree (parents come first).
	byCode := map[string][]string{}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	const batch = 400
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		per := 3 + b.q.Levels
		vals := make([]string, n)
		for i := range n {
			ps := make([]string, per)
			for j := range per {
				ps[j] = "$" + strconv.Itoa(i*per+j+1)
			}
			vals[i] = "(" + strings.Join(ps, ", ") + ")"
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO `+ouTable+` VALUES `+strings.Join(vals, ", "), args...)
		args, n = args[:0], 0
		return err
	}
	for _, u := range b.q.Units {
		path := append(append([]string{}, byCode[u.ParentCode]...), u.Code)
		byCode[u.Code] = path
		args = append(args, u.ID, u.Code, u.Level)
		for l := 1; l <= b.q.Levels; l++ {
			if l <= len(path) {
				args = append(args, path[l-1])
			} else {
				args = append(args, nil)
			}
		}
		if n++; n == batch {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if !b.db.IsPostgres() {
		// ANALYZE samples instead of reading every index entry.
		if _, err := w.ExecContext(ctx, `PRAGMA analysis_limit = 1000`); err != nil {
			return 0, err
		}
	}
	for _, s := range b.BuildStatements() {
		t := time.Now()
		if _, err := w.ExecContext(ctx, s); err != nil {
			return 0, fmt.Errorf("%s: %w", firstLine(s), err)
		}
		log(fmt.Sprintf("  %s: %.1f s", firstLine(s), time.Since(t).Seconds()))
	}
	var rows int64
	err = b.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+BaselineTable).Scan(&rows)
	return rows, err
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// term is one side of an indicator as the baseline understands it.
type term struct {
	kind string // "count", "value", "units", "const"
	el   string
	n    float64
}

var (
	reCount = regexp.MustCompile(`^count\(#\{(\w+)\}\)$`)
	reValue = regexp.MustCompile(`^#\{(\w+)\}$`)
	reUnits = regexp.MustCompile(`^units\((\w+)\)$`)
)

// parseTerm reads the shapes the gen indicators use; the baseline handles
// nothing else (DHIS2 would split a longer expression the same way).
func parseTerm(s string) (term, error) {
	s = strings.TrimSpace(s)
	if m := reCount.FindStringSubmatch(s); m != nil {
		return term{kind: "count", el: m[1]}, nil
	}
	if m := reValue.FindStringSubmatch(s); m != nil {
		return term{kind: "value", el: m[1]}, nil
	}
	if m := reUnits.FindStringSubmatch(s); m != nil {
		return term{kind: "units", el: m[1]}, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return term{kind: "const", n: f}, nil
	}
	return term{}, fmt.Errorf("bench: the baseline cannot compute %q", s)
}

// agg is one group's aggregates of one element.
type agg struct {
	sum, yes, avg, units float64
}

// groupKey is element, unit, period.
type groupKey struct{ dx, ou, pe string }

// Q1 answers Q1 with SQL.
func (b *Baseline) Q1(ctx context.Context) ([]Cell, error) {
	q := b.q
	return b.answer(ctx, "Q1", []string{q.Indicator}, fmt.Sprintf("uidlevel%d", q.CommuneLevel),
		fmt.Sprintf("uidlevel%d = $1", q.Province.Level), []any{q.Province.Code}, q.Q1Periods, false)
}

// Q3 answers Q3 with SQL.
func (b *Baseline) Q3(ctx context.Context) ([]Cell, error) {
	q := b.q
	return b.answer(ctx, "Q3", []string{q.Indicator}, fmt.Sprintf("uidlevel%d", q.ProvinceLevel),
		fmt.Sprintf("uidlevel%d = $1", q.Root.Level), []any{q.Root.Code}, q.Q3Periods, false)
}

// Q2 answers Q2 with SQL: the fourteen indicators, the province, the year.
func (b *Baseline) Q2(ctx context.Context) ([]Cell, error) {
	q := b.q
	return b.answer(ctx, "Q2", q.Indicators, "", fmt.Sprintf("uidlevel%d = $1", q.Province.Level), []any{q.Province.Code}, []string{q.Year}, true)
}

// answer runs the GROUP BY for the indicators' elements over the rows where
// scope holds, grouped by groupCol (or the whole scope when ""), in the
// periods (quarters, or years when yearly), and divides.
func (b *Baseline) answer(ctx context.Context, name string, indicators []string, groupCol, scope string, args []any, periods []string, yearly bool) ([]Cell, error) {
	type side struct{ num, den term }
	sides := map[string]side{}
	var lastEls, otherEls []string
	seen := map[string]bool{}
	for _, code := range indicators {
		ind := b.inds[code]
		if ind == nil {
			return nil, fmt.Errorf("bench: no indicator %s", code)
		}
		num, err := parseTerm(ind.Numerator)
		if err != nil {
			return nil, err
		}
		den, err := parseTerm(ind.Denominator)
		if err != nil {
			return nil, err
		}
		sides[code] = side{num, den}
		for _, t := range []term{num, den} {
			if (t.kind == "count" || t.kind == "value") && !seen[t.el] {
				seen[t.el] = true
				if yearly && b.aggs[t.el] == kehoach.AggLast {
					lastEls = append(lastEls, t.el)
				} else {
					otherEls = append(otherEls, t.el)
				}
			}
		}
	}
	aggs := map[groupKey]agg{}
	var texts []string
	run := func(els []string, last bool) error {
		if len(els) == 0 {
			return nil
		}
		a := append([]any{}, args...)
		ph := func(v any) string { a = append(a, v); return "$" + strconv.Itoa(len(a)) }
		list := func(vs []string) string {
			ps := make([]string, len(vs))
			for i, v := range vs {
				ps[i] = ph(v)
			}
			return strings.Join(ps, ", ")
		}
		peCol := "pe"
		if yearly {
			peCol = "yearly"
		}
		years := map[string]bool{}
		var ys []string
		for _, p := range periods {
			if y := p[:4]; !years[y] {
				years[y] = true
				ys = append(ys, y)
			}
		}
		where := "dx IN (" + list(els) + ") AND " + scope + " AND yearly IN (" + list(ys) + ")"
		if !yearly {
			where += " AND pe IN (" + list(periods) + ")"
		}
		group, groupSel := peCol, "'', "+peCol
		if groupCol != "" {
			group, groupSel = groupCol+", "+peCol, groupCol+", "+peCol
		}
		from := BaselineTable
		if last {
			// DHIS2's LAST aggregation: each unit's latest figure in the period.
			from = `(SELECT dx, ou, pe, yearly, ` + b.levelCols("") + `, value, ROW_NUMBER() OVER (PARTITION BY dx, ou, ` + peCol + ` ORDER BY pe DESC) AS rn FROM ` +
				BaselineTable + ` WHERE ` + where + `) t`
			where = "rn = 1"
		}
		text := `SELECT dx, ` + groupSel + `, SUM(value), SUM(CASE WHEN value <> 0 THEN 1 ELSE 0 END), AVG(value), COUNT(DISTINCT ou) FROM ` +
			from + ` WHERE ` + where + ` GROUP BY dx, ` + group
		texts = append(texts, text)
		rows, err := b.db.Reader().QueryContext(ctx, text, a...)
		if err != nil {
			return fmt.Errorf("bench: baseline %s: %w", name, err)
		}
		defer rows.Close()
		for rows.Next() {
			var k groupKey
			var x agg
			var ou sql.NullString
			if err := rows.Scan(&k.dx, &ou, &k.pe, &x.sum, &x.yes, &x.avg, &x.units); err != nil {
				return fmt.Errorf("bench: baseline %s: %w", name, err)
			}
			k.ou = ou.String
			if groupCol == "" {
				k.ou = b.q.Province.Code
			}
			aggs[k] = x
		}
		return rows.Err()
	}
	if err := run(lastEls, true); err != nil {
		return nil, err
	}
	if err := run(otherEls, false); err != nil {
		return nil, err
	}
	b.SQL[name] = texts
	// Divide, per indicator and group, as DHIS2 does after its queries.
	type gp struct{ ou, pe string }
	groups := map[gp]bool{}
	for k := range aggs {
		groups[gp{k.ou, k.pe}] = true
	}
	var out []Cell
	for _, code := range indicators {
		s := sides[code]
		for g := range groups {
			eval := func(t term, numer term) (float64, bool) {
				switch t.kind {
				case "const":
					return t.n, true
				case "units":
					// The distinct units of that level among the rows of the
					// numerator's element (every unit of the level reports it).
					x, ok := aggs[groupKey{numer.el, g.ou, g.pe}]
					return x.units, ok
				}
				x, ok := aggs[groupKey{t.el, g.ou, g.pe}]
				if !ok {
					return 0, false
				}
				switch {
				case t.kind == "count":
					return x.yes, true
				case b.aggs[t.el] == kehoach.AggAverage:
					return x.avg, true
				case b.aggs[t.el] == kehoach.AggCountYes:
					return x.yes, true
				}
				return x.sum, true
			}
			num, nok := eval(s.num, s.num)
			den, dok := eval(s.den, s.num)
			if !nok || !dok || den == 0 {
				continue
			}
			out = append(out, Cell{Dx: code, Ou: g.ou, Pe: g.pe, Num: num, Den: den})
		}
	}
	sortCells(out)
	return out, nil
}

// Drop removes the baseline's tables.
func (b *Baseline) Drop(ctx context.Context) error {
	for _, t := range []string{BaselineTable, ouTable, metaTable} {
		if _, err := b.db.Writer().ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
			return err
		}
	}
	return nil
}
