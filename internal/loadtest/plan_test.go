package loadtest

import (
	"math/rand/v2"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"kehoach"
	"kehoach/period"
)

func TestGridFields(t *testing.T) {
	page := `<form class="choose" method="get" action="/entry"><select name="unit"><option value="X" selected>X</option></select></form>
<form method="post" action="/logout"><button>Đăng xuất</button></form>
<form method="post" action="/entry" class="grid-form">
  <input type="hidden" name="unit" value="XA_A">
  <input type="hidden" name="form" value="BM">
  <input type="hidden" name="period" value="2025Q2">
  <select id="v.B1.NVH" name="v.B1.NVH">
    <option value="">—</option>
    <option value="true" selected>Có</option>
    <option value="false">Không</option>
  </select>
  <input type="hidden" name="o.B1.NVH" value="true">
  <select id="v.B1.LOA" name="v.B1.LOA"><option value="" selected>—</option><option value="true">Có</option></select>
  <input type="hidden" name="o.B1.LOA" value="">
  <input id="v.B1.HGD" name="v.B1.HGD" value="1&#43;2" inputmode="numeric" size="6">
  <input type="hidden" name="o.B1.HGD" value="12">
  <button type="submit" class="primary">Lưu số liệu</button>
</form>`
	got, ok := gridFields(page)
	if !ok {
		t.Fatal("no save form found")
	}
	want := url.Values{"unit": {"XA_A"}, "form": {"BM"}, "period": {"2025Q2"},
		"v.B1.NVH": {"true"}, "o.B1.NVH": {"true"}, "v.B1.LOA": {""}, "o.B1.LOA": {""}, "v.B1.HGD": {"1+2"}, "o.B1.HGD": {"12"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if _, ok := gridFields(`<form method="get" action="/entry"></form>`); ok {
		t.Error("a form that does not save taken for the grid")
	}
}

func TestElementGroups(t *testing.T) {
	f := &kehoach.Form{Elements: []string{"A", "TOTAL", "PART", "B", "HAS", "STD"}, Rules: []*kehoach.ValidationRule{
		{Left: "#{PART}", Op: "<=", Right: "#{TOTAL}"}, {Left: "#{STD}", Op: "<=", Right: "#{HAS}"}}}
	got := elementGroups(f)
	want := [][]string{{"TOTAL", "PART"}, {"HAS", "STD"}, {"A", "B"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups %v, want %v", got, want)
	}
}

// TestFillKeepsRules: the figures typed always pass the form's rules, and
// so does every correction.
func TestFillKeepsRules(t *testing.T) {
	els := []*kehoach.DataElement{
		{Code: "TOTAL", ValueType: kehoach.TypeInteger}, {Code: "PART", ValueType: kehoach.TypeInteger},
		{Code: "HAS", ValueType: kehoach.TypeBool}, {Code: "STD", ValueType: kehoach.TypeBool},
	}
	f := &kehoach.Form{Code: "F", Elements: []string{"TOTAL", "PART", "HAS", "STD"}, Rules: []*kehoach.ValidationRule{
		{Left: "#{PART}", Op: "<=", Right: "#{TOTAL}"}, {Left: "#{STD}", Op: "<=", Right: "#{HAS}"}}}
	g := &grid{form: f, unit: &kehoach.Unit{Code: "C"}, period: period.MustParse("2025Q2")}
	tk := &task{grid: g, pieces: []*piece{{grid: g, row: &kehoach.Unit{Code: "V"}, elements: els}}}
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(vals map[cellKey]string) {
		t.Helper()
		get := func(e string) string { return vals[cellKey{e, "V", "2025Q2"}] }
		total, _ := strconv.Atoi(get("TOTAL"))
		part, _ := strconv.Atoi(get("PART"))
		if part > total || get("STD") == "true" && get("HAS") != "true" {
			t.Fatalf("rules broken: %v", vals)
		}
	}
	for range 500 {
		vals, err := fill(rng, tk)
		if err != nil {
			t.Fatal(err)
		}
		check(vals)
		c, err := correct(rng, tk, vals)
		if err != nil {
			t.Fatal(err)
		}
		check(c)
		if reflect.DeepEqual(c, vals) {
			t.Fatal("correction changed nothing")
		}
	}
}

// TestCommuneGridWaitsForAgency: a commune's grid shows the rows of its
// children that own a grid of the same form (the commune-level Phòng Văn
// hóa - Xã hội of the 2025 communes), and its submission locks their
// figures. It is submitted only after theirs, once their reporters are done
// too; a school with a form of its own is not held by the commune.
func TestCommuneGridWaitsForAgency(t *testing.T) {
	els := []*kehoach.DataElement{
		{Code: "CB", ValueType: kehoach.TypeInteger, UnitKinds: []string{kehoach.KindCommune, kehoach.KindAgency}},
		{Code: "HGD", ValueType: kehoach.TypeInteger, UnitKinds: []string{kehoach.KindVillage}},
		{Code: "GV", ValueType: kehoach.TypeInteger, UnitKinds: []string{kehoach.KindSchool, kehoach.KindAgency}},
	}
	byCode := map[string]*kehoach.DataElement{}
	for _, e := range els {
		byCode[e.Code] = e
	}
	forms := []*kehoach.Form{
		{Code: "BM_CANBO", PeriodType: "yearly", Elements: []string{"CB"}},
		{Code: "BM_BAN", PeriodType: "yearly", Elements: []string{"HGD"}},
		{Code: "BM_COQUAN", PeriodType: "yearly", Elements: []string{"GV"}},
	}
	x := &kehoach.Unit{Code: "X", Kind: kehoach.KindCommune}
	c := &commune{unit: x, children: []*kehoach.Unit{
		{Code: "X_B1", Kind: kehoach.KindVillage, ParentCode: "X"},
		{Code: "X_VHXH", Kind: kehoach.KindAgency, ParentCode: "X"},
		{Code: "X_TH", Kind: kehoach.KindSchool, ParentCode: "X"},
	}}
	grids, err := planPieces(c, forms, byCode, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), nil)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*grid{}
	for _, g := range grids {
		byName[g.String()] = g
	}
	commune, agency := byName["BM_CANBO/X/2026"], byName["BM_CANBO/X_VHXH/2026"]
	if commune == nil || agency == nil {
		t.Fatalf("grids %v: want BM_CANBO of X and of X_VHXH", grids)
	}
	if agency.covers != commune {
		t.Errorf("BM_CANBO/X_VHXH/2026 covered by %v, want the commune's grid", agency.covers)
	}
	for _, name := range []string{"BM_CANBO/X/2026", "BM_BAN/X/2026", "BM_COQUAN/X_VHXH/2026", "BM_COQUAN/X_TH/2026"} {
		if g := byName[name]; g == nil || g.covers != nil {
			t.Errorf("%s: %v, want a grid covered by none", name, g)
		}
	}

	// One reporter for the commune's row, one for the agency's, the
	// commune's done first: nothing is submitted until the agency's is.
	for _, p := range c.pieces {
		if p.grid == commune || p.grid == agency {
			p.grid.start()
		}
	}
	if got := commune.finish(); len(got) != 0 {
		t.Fatalf("commune's reporter done: submit %v while the agency's reporter types", got)
	}
	if got := agency.finish(); len(got) != 2 || got[0] != agency || got[1] != commune {
		t.Fatalf("agency's reporter done: submit %v, want the agency's grid then the commune's", got)
	}
}

// A grid already submitted or approved is locked: no reporter is given a
// piece of it (the demo approves some of 2025's grids, and the run's
// saves into them were refused).
func TestPlanPiecesSkipsLocked(t *testing.T) {
	byCode := map[string]*kehoach.DataElement{"HGD": {Code: "HGD", ValueType: kehoach.TypeInteger, UnitKinds: []string{kehoach.KindVillage}}}
	forms := []*kehoach.Form{{Code: "BM_BAN", PeriodType: "quarterly", Elements: []string{"HGD"}}}
	c := &commune{unit: &kehoach.Unit{Code: "X", Kind: kehoach.KindCommune}, children: []*kehoach.Unit{{Code: "X_B1", Kind: kehoach.KindVillage, ParentCode: "X"}}}
	grids, err := planPieces(c, forms, byCode, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), map[string]bool{"BM_BAN/X/2026Q3": true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range grids {
		names = append(names, g.String())
	}
	if len(names) != 1 || names[0] != "BM_BAN/X/2026Q4" {
		t.Errorf("grids %v, want only BM_BAN/X/2026Q4 (2026Q3 is locked)", names)
	}
	for _, p := range c.pieces {
		if p.grid.String() != "BM_BAN/X/2026Q4" {
			t.Errorf("a piece of %s", p.grid)
		}
	}
}
