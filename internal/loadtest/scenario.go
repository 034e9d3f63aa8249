package loadtest

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"kehoach"
	"kehoach/period"
)

// The work of the reporters.
//
// A grid is what one entry page shows and one submission covers: a form,
// the unit that owns the grid (a commune for its own figures and its
// villages', a school for its own) and a period. A piece is a part of a
// grid that one person fills: one row (a village, the commune, a school)
// and a group of the form's elements. Elements tied by a validation rule
// (households ≥ cultural households; standard cultural house only where
// there is one) are always in one group, so nobody's save depends on cells
// somebody else types; the form's other elements make one more group.
//
// The pieces of each commune are listed village by village (each village's
// forms and periods together, then the commune's own grids, then its
// schools') and cut into contiguous runs, one per reporter of the commune:
// with 500 reporters on 13 communes a reporter is, in effect, the person
// who enters one village's figures of one form and period (a village head
// or the commune officer sitting with them). No two reporters type the same
// cell, so every figure saved has exactly one expected value. Once every
// reporter of a grid has saved (and corrected), the last of them submits
// it, as the commune officer does when all villages are in. A commune's
// grid also shows the rows of its children that own a grid of the same
// form (the Phòng Văn hóa - Xã hội of a 2025 commune) and its submission
// locks them, so it waits for their reporters too and goes after theirs.

// grid is one entry page and one submission.
type grid struct {
	form    *kehoach.Form
	unit    *kehoach.Unit // the grid's owner
	period  period.Period
	pending atomic.Int32 // reporters still working on it
	// covers is the grid above that also shows this grid's owner's row
	// (a commune's grid shows its agency's, kehoach.GridRows): submitting
	// it locks this one's figures, so it waits for this grid's reporters
	// too and is submitted after it, from the bottom up.
	covers *grid
}

// start counts one more reporter on g and on the grids covering it.
func (g *grid) start() {
	for ; g != nil; g = g.covers {
		g.pending.Add(1)
	}
}

// finish counts one reporter of g done and returns the grids that are now
// complete, g before the grids covering it: the order to submit them in.
func (g *grid) finish() []*grid {
	var out []*grid
	for ; g != nil; g = g.covers {
		if g.pending.Add(-1) == 0 {
			out = append(out, g)
		}
	}
	return out
}

func (g *grid) String() string { return g.form.Code + "/" + g.unit.Code + "/" + g.period.String() }

func (g *grid) path() string {
	return "/entry?unit=" + g.unit.Code + "&form=" + g.form.Code + "&period=" + g.period.String()
}

// piece is a row and a group of elements of one grid.
type piece struct {
	grid     *grid
	row      *kehoach.Unit
	elements []*kehoach.DataElement
}

// rule is a validation rule between two cells of one row: left op right.
type rule struct{ left, op, right string }

var refRE = regexp.MustCompile(`^\s*#\{([^}]+)\}\s*$`)

// simpleRules returns the form's rules of the form #{A} op #{B}; others
// are left to the server (a value that breaks one shows as a 422).
func simpleRules(f *kehoach.Form) []rule {
	var out []rule
	for _, r := range f.Rules {
		l, rr := refRE.FindStringSubmatch(r.Left), refRE.FindStringSubmatch(r.Right)
		if l == nil || rr == nil {
			continue
		}
		switch r.Op {
		case "<=", "<", "==", "=":
			out = append(out, rule{l[1], r.Op, rr[1]})
		case ">=":
			out = append(out, rule{rr[1], "<=", l[1]})
		case ">":
			out = append(out, rule{rr[1], "<", l[1]})
		}
	}
	return out
}

var anyRefRE = regexp.MustCompile(`#\{([^}]+)\}`)

// elementGroups splits a form's elements: those a rule ties together form
// one group (union of the elements each rule names), the rest one more.
func elementGroups(f *kehoach.Form) [][]string {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	tied := map[string]bool{}
	for _, r := range f.Rules {
		var refs []string
		for _, m := range anyRefRE.FindAllStringSubmatch(r.Left+" "+r.Right, -1) {
			if slices.Contains(f.Elements, m[1]) {
				refs = append(refs, m[1])
			}
		}
		for _, x := range refs {
			tied[x] = true
			if len(refs) > 0 {
				parent[find(x)] = find(refs[0])
			}
		}
	}
	var groups [][]string
	index := map[string]int{}
	var rest []string
	for _, e := range f.Elements {
		if !tied[e] {
			rest = append(rest, e)
			continue
		}
		root := find(e)
		i, ok := index[root]
		if !ok {
			i = len(groups)
			index[root] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], e)
	}
	if len(rest) > 0 {
		groups = append(groups, rest)
	}
	return groups
}

// commune is one commune with its children, as the plan needs them.
type commune struct {
	unit     *kehoach.Unit
	children []*kehoach.Unit
	pieces   []*piece
}

// periodsFor returns the periods a form is worked on for a commune in the
// last hour before the deadline: the current period of the form's type on
// the day of reference (today, or the commune's last day when it ends
// earlier) and, for types shorter than a year, the one before it in the
// same year (late figures and corrections). For the demo's communes, which
// end on 2025-06-30: 2025Q1, 2025Q2 and 2025.
func periodsFor(f *kehoach.Form, u *kehoach.Unit, today time.Time) ([]period.Period, error) {
	t, err := period.ParseType(f.PeriodType)
	if err != nil {
		return nil, err
	}
	ref := today
	if u.ValidTo != "" {
		if end, err := time.Parse(time.DateOnly, string(u.ValidTo)); err == nil && end.Before(ref) {
			ref = end
		}
	}
	cur := period.Of(t, ref)
	out := []period.Period{cur}
	if t != period.Yearly {
		if prev := cur.Prev(); prev.Start().Year() == cur.Start().Year() {
			out = []period.Period{prev, cur}
		}
	}
	return out, nil
}

// planPieces lists a commune's pieces, village by village, leaving out the
// grids locked (by grid.String()).
func planPieces(c *commune, forms []*kehoach.Form, byCode map[string]*kehoach.DataElement, today time.Time, locked map[string]bool) ([]*grid, error) {
	type rowPiece struct {
		order int // 0 villages, 1 the commune, 2 its other units
		row   int
		p     *piece
	}
	var rows []rowPiece
	var grids []*grid
	rowIndex := map[string]int{}
	for i, ch := range c.children {
		rowIndex[ch.Code] = i
	}
	for _, f := range forms {
		periods, err := periodsFor(f, c.unit, today)
		if err != nil {
			return nil, err
		}
		groups := elementGroups(f)
		var formEls []*kehoach.DataElement
		for _, e := range f.Elements {
			if el := byCode[e]; el != nil {
				formEls = append(formEls, el)
			}
		}
		reports := func(u *kehoach.Unit) bool {
			for _, e := range f.Elements {
				if el := byCode[e]; el != nil && el.ReportedBy(u.Kind) {
					return true
				}
			}
			return false
		}
		for _, pe := range periods {
			from, to := kehoach.DateOf(pe.Start()), kehoach.DateOf(pe.End())
			// The grids' owners under the commune: itself when it or its
			// villages report the form; its other children (schools) that do.
			var owners []*kehoach.Unit
			var villages []*kehoach.Unit
			for _, ch := range c.children {
				if ch.Kind == kehoach.KindVillage && ch.ValidDuring(from, to) && reports(ch) {
					villages = append(villages, ch)
				}
			}
			if c.unit.ValidDuring(from, to) && (reports(c.unit) || len(villages) > 0) {
				owners = append(owners, c.unit)
			}
			for _, ch := range c.children {
				if ch.Kind != kehoach.KindVillage && ch.ValidDuring(from, to) && reports(ch) {
					owners = append(owners, ch)
				}
			}
			// The rows the product shows on the commune's grid: those of
			// its children that own a grid of their own are covered by it.
			var communeGrid *grid
			var shown []*kehoach.Unit
			for _, owner := range owners {
				g := &grid{form: f, unit: owner, period: pe}
				if locked[g.String()] {
					continue
				}
				if communeGrid != nil && slices.Contains(shown, owner) {
					g.covers = communeGrid
				}
				var gridRows []*kehoach.Unit
				if reports(owner) {
					gridRows = append(gridRows, owner)
				}
				if owner == c.unit {
					gridRows = append(gridRows, villages...)
				}
				added := false
				for _, row := range gridRows {
					for _, grp := range groups {
						var els []*kehoach.DataElement
						for _, code := range grp {
							if el := byCode[code]; el != nil && el.ReportedBy(row.Kind) {
								els = append(els, el)
							}
						}
						if len(els) == 0 {
							continue
						}
						rp := rowPiece{p: &piece{grid: g, row: row, elements: els}}
						switch {
						case row.Kind == kehoach.KindVillage:
							rp.order, rp.row = 0, rowIndex[row.Code]
						case row == c.unit:
							rp.order = 1
						default:
							rp.order, rp.row = 2, rowIndex[row.Code]
						}
						rows = append(rows, rp)
						added = true
					}
				}
				if added {
					grids = append(grids, g)
					if owner == c.unit {
						communeGrid = g
						shown = kehoach.GridRows(c.unit, c.children, formEls, from, to)
					}
				}
			}
		}
	}
	// Stable: within a row, forms and periods in the order listed above.
	slices.SortStableFunc(rows, func(a, b rowPiece) int {
		if a.order != b.order {
			return a.order - b.order
		}
		return a.row - b.row
	})
	for _, r := range rows {
		c.pieces = append(c.pieces, r.p)
	}
	return grids, nil
}

// share cuts n pieces into k contiguous runs as even as can be: run j.
func share(n, k, j int) (from, to int) {
	return j * n / k, (j + 1) * n / k
}

// task is one reporter's work on one grid.
type task struct {
	grid    *grid
	pieces  []*piece
	correct bool // save once more, changing one figure
}

// tasksOf groups a reporter's pieces by grid, in order.
func tasksOf(pieces []*piece) []*task {
	var out []*task
	for _, p := range pieces {
		if len(out) == 0 || out[len(out)-1].grid != p.grid {
			out = append(out, &task{grid: p.grid})
		}
		t := out[len(out)-1]
		t.pieces = append(t.pieces, p)
	}
	return out
}

// cellKey names one figure.
type cellKey struct{ Element, Unit, Period string }

func (k cellKey) field() string { return "v." + k.Unit + "." + k.Element }

func (k cellKey) String() string { return k.Element + "/" + k.Unit + "/" + k.Period }

// fill returns plausible figures for a task's cells that keep the form's
// rules: totals between 10 and 160, the parts of a total 70–97 % of it,
// yes/no mostly yes, and a yes that needs another (a standard cultural
// house needs a cultural house) only where that one is yes.
func fill(rng *rand.Rand, t *task) (map[cellKey]string, error) {
	rules := simpleRules(t.grid.form)
	out := map[cellKey]string{}
	for _, p := range t.pieces {
		vals := map[string]float64{}
		types := map[string]string{}
		for _, el := range p.elements {
			types[el.Code] = el.ValueType
			switch el.ValueType {
			case kehoach.TypeBool:
				vals[el.Code] = b2f(rng.Float64() < 0.85)
			case kehoach.TypeInteger:
				vals[el.Code] = float64(10 + rng.IntN(151))
			default:
				vals[el.Code] = math.Round(rng.Float64()*1000) / 10
			}
		}
		keepRules(rng, rules, vals, types, true)
		for _, el := range p.elements {
			canon, err := format(el, vals[el.Code])
			if err != nil {
				return nil, err
			}
			out[cellKey{el.Code, p.row.Code, t.grid.period.String()}] = canon
		}
	}
	return out, nil
}

// correct changes one of the task's figures (and, when a rule needs it,
// the figures tied to it in the same row), as a person who notices a
// mistake after saving does. A change the rules would undo (a standard
// cultural house where there is none) is not made; another figure is.
func correct(rng *rand.Rand, t *task, saved map[cellKey]string) (map[cellKey]string, error) {
	rules := simpleRules(t.grid.form)
	for _, pi := range rng.Perm(len(t.pieces)) {
		p := t.pieces[pi]
		for _, ei := range rng.Perm(len(p.elements)) {
			el := p.elements[ei]
			vals := map[string]float64{}
			types := map[string]string{}
			for _, e := range p.elements {
				types[e.Code] = e.ValueType
				_, num, err := e.ParseValue(saved[cellKey{e.Code, p.row.Code, t.grid.period.String()}])
				if err != nil {
					return nil, err
				}
				vals[e.Code] = num
			}
			switch el.ValueType {
			case kehoach.TypeBool:
				vals[el.Code] = 1 - vals[el.Code]
			case kehoach.TypeInteger:
				vals[el.Code] += float64(1 + rng.IntN(5))
			default:
				vals[el.Code] += 0.5
			}
			keepRules(rng, rules, vals, types, false)
			out := maps.Clone(saved)
			changed := false
			for _, e := range p.elements {
				canon, err := format(e, vals[e.Code])
				if err != nil {
					return nil, err
				}
				k := cellKey{e.Code, p.row.Code, t.grid.period.String()}
				if out[k] != canon {
					changed = true
				}
				out[k] = canon
			}
			if changed {
				return out, nil
			}
		}
	}
	return nil, fmt.Errorf("loadtest: no figure of %s can be corrected within the rules", t.grid)
}

// keepRules adjusts the left side of each rule between cells present:
// with fresh, the part of a total is drawn anew (70–97 % of it).
func keepRules(rng *rand.Rand, rules []rule, vals map[string]float64, types map[string]string, fresh bool) {
	for range 3 { // rules may chain
		for _, r := range rules {
			l, okL := vals[r.left]
			rv, okR := vals[r.right]
			if !okL || !okR {
				continue
			}
			switch {
			case r.op == "==" || r.op == "=":
				vals[r.left] = rv
			case types[r.left] == kehoach.TypeBool:
				if l > rv || (r.op == "<" && l >= rv) {
					vals[r.left] = 0
				}
			case types[r.left] == kehoach.TypeInteger:
				if fresh || l > rv || (r.op == "<" && l >= rv) {
					v := math.Floor(rv * (0.70 + 0.27*rng.Float64()))
					if r.op == "<" {
						v = min(v, rv-1)
					}
					vals[r.left] = max(0, v)
				}
			default:
				if fresh || l > rv {
					vals[r.left] = math.Round(rv*(0.70+0.27*rng.Float64())*10) / 10
				}
			}
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// format writes a figure as the server stores it.
func format(el *kehoach.DataElement, v float64) (string, error) {
	var raw string
	switch el.ValueType {
	case kehoach.TypeBool:
		raw = strconv.FormatBool(v != 0)
	case kehoach.TypeInteger:
		raw = strconv.FormatInt(int64(v), 10)
	case kehoach.TypeNumber:
		raw = strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return "", fmt.Errorf("loadtest: element %s: value type %s not simulated", el.Code, el.ValueType)
	}
	canon, _, err := el.ParseValue(raw)
	return canon, err
}

// loadCommunes reads the communes with villages (the demo's 13 old
// communes) and their children; limit > 0 keeps the first limit of them.
func loadCommunes(ctx context.Context, db Store, limit int) ([]*commune, error) {
	all, err := db.FindUnits(ctx, kehoach.UnitFilter{Kind: kehoach.KindCommune})
	if err != nil {
		return nil, err
	}
	var out []*commune
	for _, u := range all {
		children, err := db.FindUnits(ctx, kehoach.UnitFilter{Parent: u.Code})
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(children, func(ch *kehoach.Unit) bool { return ch.Kind == kehoach.KindVillage }) {
			out = append(out, &commune{unit: u, children: children})
		}
		if limit > 0 && len(out) == limit {
			break
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("loadtest: no commune with villages in the database (load the demo)")
	}
	return out, nil
}
