package gen

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"testing"

	"kehoach"
	"kehoach/expr"
	"kehoach/period"
)

func build(t testing.TB, scale string, seed uint64) *Spec {
	t.Helper()
	s, err := Build(scale, seed)
	if err != nil {
		t.Fatalf("Build(%q, %d): %v", scale, seed, err)
	}
	return s
}

func TestBuildShape(t *testing.T) {
	tests := []struct {
		scale                               string
		root, rootKind                      string
		provinces, communes, villages, unit int
	}{
		{ScaleDistrict, "D01", kehoach.KindDistrict, 0, 13, 150, 164},
		{ScaleProvince, "P01", kehoach.KindProvince, 0, 100, 3000, 3101},
		{ScaleNational, "VN", KindCountry, 34, 3321, 100000, 103356},
	}
	for _, tt := range tests {
		t.Run(tt.scale, func(t *testing.T) {
			s := build(t, tt.scale, 1)
			b := s.Bundle
			root := s.Root()
			if root.Code != tt.root || root.Kind != tt.rootKind || root.Level != 1 || root.ParentCode != "" {
				t.Errorf("root = %+v, want %s (%s, level 1)", root, tt.root, tt.rootKind)
			}
			kinds := map[string]int{}
			for _, u := range b.Units {
				kinds[u.Kind]++
			}
			if len(b.Units) != tt.unit || kinds[kehoach.KindProvince]-boolInt(tt.rootKind == kehoach.KindProvince) != tt.provinces ||
				kinds[kehoach.KindCommune] != tt.communes || kinds[kehoach.KindVillage] != tt.villages {
				t.Errorf("units %d, kinds %v; want %d units, %d provinces, %d communes, %d villages", len(b.Units), kinds, tt.unit, tt.provinces, tt.communes, tt.villages)
			}
			if len(s.Communes()) != tt.communes || len(s.Villages()) != tt.villages {
				t.Errorf("Communes() %d, Villages() %d", len(s.Communes()), len(s.Villages()))
			}
			if len(b.Elements) != 30 || len(b.Forms) != 4 || len(b.Indicators) != 16 || len(b.Plans) != 1 || len(b.Values) != 0 {
				t.Errorf("%d elements, %d forms, %d indicators, %d plans, %d values; want 30, 4, 16, 1, 0",
					len(b.Elements), len(b.Forms), len(b.Indicators), len(b.Plans), len(b.Values))
			}
			p := b.Plans[0]
			if p.Code != "GEN-"+tt.scale || len(p.Targets) != 14 || p.IssuerCode != tt.root {
				t.Errorf("plan %s with %d targets issued by %s", p.Code, len(p.Targets), p.IssuerCode)
			}
			for _, tg := range p.Targets {
				if tg.ScopeCode != tt.root {
					t.Errorf("target %s scope %s, want %s", tg.Code, tg.ScopeCode, tt.root)
				}
			}
			if len(s.Periods) != 20 || s.Periods[0] != "2021Q1" || s.Periods[19] != "2025Q4" {
				t.Errorf("periods %v", s.Periods)
			}
			want := int64(20 * (tt.villages*27 + tt.communes*3))
			if got := s.Count(); got != want {
				t.Errorf("Count() = %d, want 20 × (%d villages × 27 + %d communes × 3) = %d", got, tt.villages, tt.communes, want)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestUnitTree checks codes, parents before children, levels and that
// children are spread unevenly.
func TestUnitTree(t *testing.T) {
	for _, scale := range Scales {
		s := build(t, scale, 1)
		seen := map[string]*kehoach.Unit{}
		children := map[string]int{}
		codeRE := map[string]*regexp.Regexp{
			kehoach.KindProvince: regexp.MustCompile(`^P\d\d$`),
			kehoach.KindCommune:  regexp.MustCompile(`^[PD]\d\dC\d\d\d$`),
			kehoach.KindVillage:  regexp.MustCompile(`^[PD]\d\dC\d\d\dV\d\d$`),
		}
		for i, u := range s.Bundle.Units {
			if seen[u.Code] != nil {
				t.Fatalf("%s: code %s twice", scale, u.Code)
			}
			if !u.Synthetic || u.Name == "" {
				t.Errorf("%s: unit %s not marked synthetic or unnamed", scale, u.Code)
			}
			if re := codeRE[u.Kind]; re != nil && !re.MatchString(u.Code) {
				t.Errorf("%s: %s code %q", scale, u.Kind, u.Code)
			}
			if i > 0 {
				p := seen[u.ParentCode]
				if p == nil {
					t.Fatalf("%s: unit %s comes before its parent %q", scale, u.Code, u.ParentCode)
				}
				if u.Level != p.Level+1 {
					t.Errorf("%s: %s level %d under %s level %d", scale, u.Code, u.Level, p.Code, p.Level)
				}
				children[u.ParentCode]++
			}
			seen[u.Code] = u
		}
		lo, hi := math.MaxInt, 0
		for _, c := range s.Communes() {
			lo, hi = min(lo, children[c.Code]), max(hi, children[c.Code])
		}
		if lo < 1 || lo == hi {
			t.Errorf("%s: villages per commune from %d to %d; want at least 1 and varied", scale, lo, hi)
		}
	}
}

func TestBuildBadScale(t *testing.T) {
	_, err := Build("city", 1)
	var e *kehoach.Error
	if !errors.As(err, &e) || e.Code != kehoach.EINVALID {
		t.Fatalf("Build(city) = %v, want EINVALID", err)
	}
}

// firstValues returns the first n figures of s.
func firstValues(t *testing.T, s *Spec, n int) []kehoach.DataValue {
	t.Helper()
	var out []kehoach.DataValue
	stop := errors.New("stop")
	err := s.Values(func(v kehoach.DataValue) error {
		out = append(out, v)
		if len(out) == n {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Fatalf("Values: %v (after %d)", err, len(out))
	}
	return out
}

func TestDeterministic(t *testing.T) {
	const n = 20000
	a, b := build(t, ScaleProvince, 7), build(t, ScaleProvince, 7)
	for i := range a.Bundle.Units {
		if ua, ub := a.Bundle.Units[i], b.Bundle.Units[i]; ua.Code != ub.Code || ua.Name != ub.Name || ua.ParentCode != ub.ParentCode {
			t.Fatalf("unit %d: %+v vs %+v", i, ua, ub)
		}
	}
	va, vb := firstValues(t, a, n), firstValues(t, b, n)
	for i := range va {
		if va[i] != vb[i] {
			t.Fatalf("value %d: %+v vs %+v", i, va[i], vb[i])
		}
	}
	// Another seed: another spread of villages and other figures.
	c := build(t, ScaleProvince, 8)
	if len(c.Bundle.Units) != len(a.Bundle.Units) {
		t.Errorf("seed changed the total: %d vs %d units", len(c.Bundle.Units), len(a.Bundle.Units))
	}
	sameTree := true
	for i := range a.Bundle.Units {
		if a.Bundle.Units[i].Code != c.Bundle.Units[i].Code {
			sameTree = false
			break
		}
	}
	if sameTree {
		t.Errorf("seeds 7 and 8 give the same spread of villages")
	}
	same := 0
	for _, u := range a.Villages()[:50] {
		ta, tc := a.UnitValues(u), c.UnitValues(u)
		if fmt.Sprint(ta) == fmt.Sprint(tc) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d of 50 villages have the same figures under seeds 7 and 8", same)
	}
}

// TestOrderIndependent checks that a unit's figures do not depend on what
// was generated before: UnitValues alone equals what the stream yields.
func TestOrderIndependent(t *testing.T) {
	s := build(t, ScaleDistrict, 3)
	stream := map[string][]string{}
	err := s.Values(func(v kehoach.DataValue) error {
		k := v.Unit + "/" + v.Element
		stream[k] = append(stream[k], v.Value)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	units := s.Bundle.Units
	for i := len(units) - 1; i >= 0; i-- { // backwards, on purpose
		for el, vals := range s.UnitValues(units[i]) {
			if fmt.Sprint(vals) != fmt.Sprint(stream[units[i].Code+"/"+el]) {
				t.Fatalf("%s/%s: UnitValues %v, stream %v", units[i].Code, el, vals, stream[units[i].Code+"/"+el])
			}
		}
	}
}

// env is one unit's figures for one period, for checking form rules.
type env map[string]float64

func (e env) Value(r expr.Ref) (float64, bool) { v, ok := e[r.Element]; return v, ok }
func (e env) Count(r expr.Ref) (float64, bool) {
	v, ok := e[r.Element]
	if v != 0 {
		v = 1
	}
	return v, ok
}
func (e env) Units([]string) float64 { return 1 }

// TestValuesValid checks every figure of the district and province scales:
// its value type, its unit's kind, its period, and every form rule.
func TestValuesValid(t *testing.T) {
	for _, scale := range []string{ScaleDistrict, ScaleProvince} {
		s := build(t, scale, 1)
		elements := map[string]*kehoach.DataElement{}
		for _, e := range s.Bundle.Elements {
			elements[e.Code] = e
		}
		units := map[string]*kehoach.Unit{}
		for _, u := range s.Bundle.Units {
			units[u.Code] = u
		}
		type rule struct {
			r           *kehoach.ValidationRule
			left, right *expr.Expr
			op          expr.Op
		}
		var rules []rule
		inForm := map[string]string{}
		for _, f := range s.Bundle.Forms {
			if f.PeriodType != "quarterly" {
				t.Errorf("form %s period type %s", f.Code, f.PeriodType)
			}
			for _, e := range f.Elements {
				if elements[e] == nil || inForm[e] != "" {
					t.Errorf("form %s: element %s unknown or in two forms", f.Code, e)
				}
				inForm[e] = f.Code
			}
			for _, r := range f.Rules {
				l, lerr := expr.Parse(r.Left)
				rt, rerr := expr.Parse(r.Right)
				op, oerr := expr.ParseOp(r.Op)
				if lerr != nil || rerr != nil || oerr != nil {
					t.Fatalf("form %s rule %+v: %v %v %v", f.Code, r, lerr, rerr, oerr)
				}
				rules = append(rules, rule{r, l, rt, op})
			}
		}
		if len(inForm) != len(elements) {
			t.Errorf("%d of %d elements are in a form", len(inForm), len(elements))
		}
		var n int64
		cur, curPeriod := "", ""
		figures := env{}
		check := func() {
			for _, r := range rules {
				lv, lok := r.left.Eval(figures)
				rv, rok := r.right.Eval(figures)
				if lok && rok && !r.op.Holds(lv, rv) {
					t.Errorf("%s %s: rule %s %s %s fails: %v %s %v", cur, curPeriod, r.r.Left, r.r.Op, r.r.Right, lv, r.r.Op, rv)
				}
			}
		}
		byUnitPeriod := map[string]env{}
		seen := map[string]bool{}
		err := s.Values(func(v kehoach.DataValue) error {
			n++
			e, u := elements[v.Element], units[v.Unit]
			if e == nil || u == nil || !e.ReportedBy(u.Kind) {
				return fmt.Errorf("value %+v: unknown element or unit, or not reported by %s", v, u.Kind)
			}
			if _, err := period.Parse(v.Period); err != nil {
				return err
			}
			canon, num, err := e.ParseValue(v.Value)
			if err != nil || canon != v.Value {
				return fmt.Errorf("value %+v: ParseValue %q, %v", v, canon, err)
			}
			key := v.Element + "/" + v.Unit + "/" + v.Period
			if seen[key] {
				return fmt.Errorf("figure %s twice", key)
			}
			seen[key] = true
			if v.Unit != cur {
				for p, f := range byUnitPeriod {
					figures, curPeriod = f, p
					check()
				}
				cur, byUnitPeriod = v.Unit, map[string]env{}
			}
			if byUnitPeriod[v.Period] == nil {
				byUnitPeriod[v.Period] = env{}
			}
			byUnitPeriod[v.Period][v.Element] = num
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", scale, err)
		}
		for p, f := range byUnitPeriod {
			figures, curPeriod = f, p
			check()
		}
		if n != s.Count() {
			t.Errorf("%s: Values yielded %d, Count() = %d", scale, n, s.Count())
		}
	}
}

// TestBundleExpressions checks that every indicator and target is usable.
func TestBundleExpressions(t *testing.T) {
	s := build(t, ScaleDistrict, 1)
	codes := map[string]bool{}
	for _, e := range s.Bundle.Elements {
		codes[e.Code] = true
	}
	inds := map[string]bool{}
	for _, i := range s.Bundle.Indicators {
		inds[i.Code] = true
		for _, src := range []string{i.Numerator, i.Denominator} {
			x, err := expr.Parse(src)
			if err != nil {
				t.Errorf("indicator %s: %v", i.Code, err)
				continue
			}
			for _, r := range x.Refs() {
				if !codes[r.Element] {
					t.Errorf("indicator %s: unknown element %s", i.Code, r.Element)
				}
			}
		}
	}
	for _, tg := range s.Bundle.Plans[0].Targets {
		if err := tg.Validate(); err != nil {
			t.Errorf("target %s: %v", tg.Code, err)
		}
		if !inds[tg.IndicatorCode] {
			t.Errorf("target %s: unknown indicator %s", tg.Code, tg.IndicatorCode)
		}
	}
}

func BenchmarkValues(b *testing.B) {
	s := build(b, ScaleProvince, 1)
	var n int64
	for b.Loop() {
		n = 0
		s.Values(func(kehoach.DataValue) error { n++; return nil })
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
}
