// Package demo builds the demo: the Tam Đường plan of June 2022 as a data
// bundle (tamduong.json), with synthetic villages and figures generated from
// the parameters in the bundle's "demo" section. Nothing here knows that
// plan: another bundle with its own "demo" section works the same way.
package demo

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/period"
)

//go:embed tamduong.json
var tamDuong []byte

// Note is shown wherever demo figures appear.
const Note = "Dữ liệu minh họa"

// spec is a bundle with the parameters of its synthetic part.
type spec struct {
	kehoach.Bundle
	Demo params `json:"demo"`
}

type params struct {
	Note string `json:"note"`
	Seed uint64 `json:"seed"`
	From string `json:"from"`
	To   string `json:"to"`
	// Until "now" generates figures past To, following the trend, up to
	// the last quarter before the clock's (issue 10: the demo lives in the
	// present, whatever year that is).
	Until string `json:"until"`
	// Open names units whose grids of the periods ending on or after From
	// stay drafts, never submitted (issue 9 point 7: one commune still
	// reporting, so that provisional figures can be seen); every other
	// grid of a past period is approved.
	Open struct {
		Units []string `json:"units"`
		From  string   `json:"from"`
		// Flag makes one figure of the first open unit's latest period a
		// surprise its reporter confirmed (Factor times the period
		// before, with Note), so that the approver's "cần kiểm tra" list
		// has something to show.
		Flag struct {
			Element string  `json:"element"`
			Factor  float64 `json:"factor"`
			Note    string  `json:"note"`
		} `json:"flag"`
	} `json:"open"`
	Villages struct {
		Under   string   `json:"under"` // the kind of unit villages are generated under
		ValidTo string   `json:"validTo"`
		Min     int      `json:"min"`
		Max     int      `json:"max"`
		Prefix  string   `json:"prefix"`
		First   []string `json:"first"`
		Second  []string `json:"second"`
		// MergeBy is how many villages of a unit that ends are merged into
		// one village of its successor (0: none are made).
		MergeBy int `json:"mergeBy"`
	} `json:"villages"`
	// Bools: element → [share true at From, share true at To, required element].
	Bools map[string][3]any `json:"bools"`
	// Counts: element → [min, max] for each unit.
	Counts map[string][2]float64 `json:"counts"`
	// Ratios: element → [base element, ratio at From, ratio at To].
	Ratios map[string][3]any `json:"ratios"`
}

// TamDuong returns the demo bundle: the plan, its units, synthetic
// villages and synthetic figures, deterministic for the embedded seed and
// the day (figures run up to the clock's last quarter).
func TamDuong() (*kehoach.Bundle, error) { return TamDuongAt(time.Now()) }

// TamDuongAt is TamDuong as of now.
func TamDuongAt(now time.Time) (*kehoach.Bundle, error) { return BuildAt(tamDuong, now) }

// NoteText returns the demo bundle's note on what is synthetic.
func NoteText() string {
	var s spec
	if json.Unmarshal(tamDuong, &s) != nil {
		return Note
	}
	return s.Demo.Note
}

// Build reads a bundle with a "demo" section and generates its synthetic
// villages and figures.
func Build(src []byte) (*kehoach.Bundle, error) { return BuildAt(src, time.Now()) }

// BuildAt is Build as of now.
func BuildAt(src []byte, now time.Time) (*kehoach.Bundle, error) {
	var s spec
	if err := json.Unmarshal(src, &s); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	b := &s.Bundle
	for _, p := range b.Plans {
		p.Demo = true
	}
	g := &gen{p: s.Demo, b: b, now: now}
	g.villages()
	g.successors()
	if err := g.values(); err != nil {
		return nil, err
	}
	if err := g.submissions(); err != nil {
		return nil, err
	}
	g.flag()
	return b, nil
}

type gen struct {
	p   params
	b   *kehoach.Bundle
	now time.Time
	// preds lists each unit's predecessors, so that a merged village
	// starts with its parts' households.
	preds map[string][]string
}

// rng returns a generator determined by the seed and the keys, so that a
// unit's figures do not depend on the order things are generated in.
func (g *gen) rng(keys ...string) *rand.Rand {
	h := fnv.New64a()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(g.p.Seed, h.Sum64()))
}

// villages adds synthetic villages under each unit of the configured kind.
func (g *gen) villages() {
	v := g.p.Villages
	if v.Under == "" || len(v.First) == 0 || len(v.Second) == 0 {
		return
	}
	var out []*kehoach.Unit
	for _, parent := range g.b.Units {
		if parent.Kind != v.Under || parent.ValidFrom != "" {
			continue
		}
		r := g.rng("villages", parent.Code)
		n := v.Min + r.IntN(v.Max-v.Min+1)
		used := map[string]bool{}
		for i := 1; i <= n; i++ {
			name := ""
			for name == "" || used[name] {
				name = v.Prefix + " " + v.First[r.IntN(len(v.First))] + " " + v.Second[r.IntN(len(v.Second))]
			}
			used[name] = true
			out = append(out, &kehoach.Unit{
				Code: fmt.Sprintf("%s_B%02d", parent.Code, i), Name: name, Kind: kehoach.KindVillage, Subkind: "bản",
				Level: parent.Level + 1, ParentCode: parent.Code, ValidTo: kehoach.Date(v.ValidTo), Synthetic: true,
			})
		}
	}
	g.b.Units = append(g.b.Units, out...)
}

// values generates figures for every element with parameters, for every
// unit that reports it, for every period of its form from From to To.
func (g *gen) values() error {
	from, to, err := g.span()
	if err != nil {
		return err
	}
	ptype := map[string]period.Type{}
	for _, f := range g.b.Forms {
		t, err := period.ParseType(f.PeriodType)
		if err != nil {
			return fmt.Errorf("demo: form %s: %w", f.Code, err)
		}
		for _, e := range f.Elements {
			if _, ok := ptype[e]; !ok {
				ptype[e] = t
			}
		}
	}
	for _, el := range g.b.Elements {
		t, ok := ptype[el.Code]
		if !ok {
			continue
		}
		periods, trend := g.periods(t, from, to)
		for _, u := range g.b.Units {
			if !el.ReportedBy(u.Kind) {
				continue
			}
			for i, p := range periods {
				// A unit reports the periods it exists at the end of: a
				// commune merged on 1 July reports 2025Q2, its successor
				// 2025Q3 and the year 2025.
				if !u.ValidOn(kehoach.DateOf(p.End())) {
					continue
				}
				frac := 0.0
				if trend > 1 {
					frac = min(1.25, float64(i)/float64(trend-1))
				}
				v, ok := g.value(el.Code, u.Code, i, frac)
				if !ok {
					continue
				}
				g.b.Values = append(g.b.Values, &kehoach.DataValue{Element: el.Code, Unit: u.Code, Period: p.String(), Value: v})
			}
		}
	}
	return nil
}

// value returns element code's figure for a unit at step i (time fraction
// frac from From to To).
func (g *gen) value(code, unit string, i int, frac float64) (string, bool) {
	if _, ok := g.p.Bools[code]; ok {
		yes := g.state(code, unit, frac)
		return strconv.FormatBool(yes), true
	} else if _, ok := g.p.Counts[code]; ok {
		return strconv.Itoa(g.count(code, unit, i)), true
	} else if p, ok := g.p.Ratios[code]; ok {
		base, _ := p[0].(string)
		lo, _ := p[1].(float64)
		hi, _ := p[2].(float64)
		r := g.rng("ratio", code, unit, strconv.Itoa(i))
		share := math.Min(1, math.Max(0, lo+(hi-lo)*frac+(r.Float64()-0.5)*0.06))
		return strconv.Itoa(int(math.Floor(float64(g.count(base, unit, i)) * share))), true
	}
	return "", false
}

// state is a yes/no that turns true once the unit's own draw falls under
// the rising share, and stays true: states change slowly, as real ones do.
func (g *gen) state(code, unit string, frac float64) bool {
	p := g.p.Bools[code]
	lo, _ := p[0].(float64)
	hi, _ := p[1].(float64)
	if req, _ := p[2].(string); req != "" && !g.state(req, unit, frac) {
		return false
	}
	return g.rng("bool", code, unit).Float64() < lo+(hi-lo)*frac
}

// count is a unit's size, growing about 1% a step. A unit made by a merge
// starts as the sum of its parts.
func (g *gen) count(code, unit string, i int) int {
	if ps := g.preds[unit]; len(ps) > 0 && g.p.Counts[code] != [2]float64{} {
		n := 0
		for _, p := range ps {
			n += g.count(code, p, i)
		}
		return n
	}
	p := g.p.Counts[code]
	base := p[0] + g.rng("count", code, unit).Float64()*(p[1]-p[0])
	return int(math.Round(base * (1 + 0.01*float64(i))))
}

// successors follows the bundle's merge links (a unit that ends, the unit
// it merged into): its villages are merged MergeBy at a time into
// synthetic villages of the successor, and its other units still open
// (schools) move to the successor as new versions, each with its link.
func (g *gen) successors() {
	v := g.p.Villages
	byCode := map[string]*kehoach.Unit{}
	kids := map[string][]*kehoach.Unit{}
	for _, u := range g.b.Units {
		byCode[u.Code] = u
		kids[u.ParentCode] = append(kids[u.ParentCode], u)
	}
	made := map[string]int{}
	var out []*kehoach.Unit
	var links []kehoach.UnitLink
	for _, l := range g.b.Links {
		from, to := byCode[l.From], byCode[l.To]
		if l.Kind != kehoach.LinkMerge || from == nil || to == nil || from.Kind != v.Under {
			continue
		}
		end := l.Date.DayBefore()
		var group []*kehoach.Unit
		flush := func() {
			if len(group) == 0 {
				return
			}
			made[to.Code]++
			nv := &kehoach.Unit{Code: fmt.Sprintf("%s_B%02d", to.Code, made[to.Code]), Name: group[0].Name, Kind: kehoach.KindVillage,
				Subkind: group[0].Subkind, Level: to.Level + 1, ParentCode: to.Code, ValidFrom: l.Date, Synthetic: true}
			out = append(out, nv)
			for _, o := range group {
				links = append(links, kehoach.UnitLink{From: o.Code, To: nv.Code, Kind: kehoach.LinkMerge, Date: l.Date})
			}
			group = nil
		}
		for _, c := range kids[from.Code] {
			switch {
			case c.Kind == kehoach.KindVillage && v.MergeBy > 0 && c.ValidTo == end:
				if group = append(group, c); len(group) == v.MergeBy {
					flush()
				}
			case c.ValidTo == "":
				c.ValidTo = end
				nc := *c
				nc.Code, nc.ParentCode, nc.Level, nc.ValidFrom, nc.ValidTo = c.Code+"_25", to.Code, to.Level+1, l.Date, ""
				out = append(out, &nc)
				links = append(links, kehoach.UnitLink{From: c.Code, To: nc.Code, Kind: kehoach.LinkMove, Date: l.Date})
			}
		}
		flush()
	}
	g.b.Units = append(g.b.Units, out...)
	g.b.Links = append(g.b.Links, links...)
	g.preds = map[string][]string{}
	for _, l := range g.b.Links {
		if l.Kind == kehoach.LinkMerge || l.Kind == kehoach.LinkMove {
			g.preds[l.To] = append(g.preds[l.To], l.From)
		}
	}
}

// Successors returns the units that took over from unit code on day d in
// bundle b: the unit itself while it exists, else where its links lead,
// else (a unit dissolved without one, a district) its children's.
func Successors(b *kehoach.Bundle, code string, d kehoach.Date) []string {
	byCode := map[string]*kehoach.Unit{}
	kids := map[string][]string{}
	for _, u := range b.Units {
		byCode[u.Code] = u
		kids[u.ParentCode] = append(kids[u.ParentCode], u.Code)
	}
	succ := map[string][]string{}
	for _, l := range b.Links {
		succ[l.From] = append(succ[l.From], l.To)
	}
	var out []string
	seen := map[string]bool{}
	var walk func(c string, depth int)
	walk = func(c string, depth int) {
		u := byCode[c]
		if u == nil || depth > 32 {
			return
		}
		if u.ValidOn(d) {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
			return
		}
		next := succ[c]
		if len(next) == 0 {
			next = kids[c]
		}
		for _, n := range next {
			walk(n, depth+1)
		}
	}
	walk(code, 0)
	// A unit under another one listed is in its subtree already.
	in := map[string]bool{}
	for _, c := range out {
		in[c] = true
	}
	kept := out[:0]
	for _, c := range out {
		nested := false
		for p := byCode[c].ParentCode; p != "" && byCode[p] != nil; p = byCode[p].ParentCode {
			if in[p] {
				nested = true
				break
			}
		}
		if !nested {
			kept = append(kept, c)
		}
	}
	return kept
}

// span returns the demo's first and last periods (From, To).
// flag makes the demo's one confirmed surprise (params.Open.Flag): the
// element's figure of the first open unit's first village in the latest
// period, Factor times its figure of the period before, with the comment
// the write path stores for a jump its reporter confirmed.
func (g *gen) flag() {
	f := g.p.Open.Flag
	if f.Element == "" || f.Factor <= 0 || len(g.p.Open.Units) == 0 {
		return
	}
	parent := g.p.Open.Units[0]
	under := map[string]bool{parent: true}
	for _, u := range g.b.Units {
		if u.ParentCode == parent {
			under[u.Code] = true
		}
	}
	var latest, before *kehoach.DataValue
	for _, v := range g.b.Values {
		if v.Element != f.Element || !under[v.Unit] {
			continue
		}
		if latest == nil || v.Period > latest.Period || v.Period == latest.Period && v.Unit < latest.Unit {
			latest = v
		}
	}
	if latest == nil {
		return
	}
	for _, v := range g.b.Values {
		if v.Element == f.Element && v.Unit == latest.Unit && v.Period < latest.Period && (before == nil || v.Period > before.Period) {
			before = v
		}
	}
	if before == nil {
		return // no period before to jump from
	}
	prev, err := strconv.ParseFloat(before.Value, 64)
	if err != nil || prev <= 0 {
		return
	}
	v := math.Round(prev * f.Factor)
	why := kehoach.Describe([]kehoach.Implausible{{Reason: kehoach.ReasonJump, Lo: prev / kehoach.JumpFactor, Hi: prev * kehoach.JumpFactor}},
		v, prev, 0, func(x float64) string { return locale.VI.Number(x, 0) })
	latest.Value = strconv.FormatFloat(v, 'f', -1, 64)
	latest.Comment = kehoach.FlagComment(why, f.Note)
}

// periods lists the periods of type t the demo has figures for: From to
// To, and on to the clock when the demo lives in the present (Until
// "now"): periods that start before the clock's quarter are past, the
// current quarter is left for the reporters. trend is the number from
// From to To, over which the figures rise.
func (g *gen) periods(t period.Type, from, to period.Period) (periods []period.Period, trend int) {
	periods = period.Range(from.Sub(t)[0], to.Sub(t)[len(to.Sub(t))-1])
	trend = len(periods)
	if g.p.Until == "now" {
		cutoff := period.Of(period.Quarterly, g.now).Start()
		for p := periods[len(periods)-1].Next(); p.Start().Before(cutoff); p = p.Next() {
			periods = append(periods, p)
		}
	}
	return periods, trend
}

func (g *gen) span() (from, to period.Period, err error) {
	if from, err = period.Parse(g.p.From); err != nil {
		return from, to, fmt.Errorf("demo: %w", err)
	}
	if to, err = period.Parse(g.p.To); err != nil {
		return from, to, fmt.Errorf("demo: %w", err)
	}
	return from, to, nil
}
