package store

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"kehoach"
)

// TestDemo loads the Tam Đường demo bundle once per database and checks
// what the read side returns from it: units, plans, forms, data elements,
// indicators, figures.
func TestDemo(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			b := loadDemo(t, db.db)
			t.Run("FindUnits", func(t *testing.T) { testFindUnits(t, db, b) })
			t.Run("FindUnitByCode", func(t *testing.T) { testFindUnitByCode(t, db, b) })
			t.Run("FindDataValues", func(t *testing.T) { testFindDataValuesDemo(t, db, b) })
			t.Run("plans", func(t *testing.T) { testPlans(t, db.db) })
			t.Run("forms", func(t *testing.T) { testForms(t, db.db) })
			t.Run("elements", func(t *testing.T) { testElements(t, db.db) })
			t.Run("indicators", func(t *testing.T) { testIndicators(t, db.db) })
			t.Run("versions", func(t *testing.T) {
				data, meta, err := db.db.Versions(ctx)
				if err != nil || data != 1 || meta != 1 {
					t.Errorf("Versions after loading the demo = %d, %d, %v; want 1, 1", data, meta, err)
				}
			})
		})
	}
}

func testPlans(t *testing.T, db *DB) {
	ctx := sysCtx()
	plans, err := db.FindPlans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 {
		t.Fatalf("FindPlans returned %d plans, want 1", len(plans))
	}
	p := plans[0]
	want := kehoach.Plan{ID: p.ID, Code: "TD-2022-TUTUONG", Number: "…/KH-UBND",
		Title:      "Kế hoạch triển khai thực hiện nâng cao hiệu quả, chất lượng công tác tư tưởng trên địa bàn huyện Tam Đường",
		IssuerCode: "TAMDUONG", IssuedOn: "2022-06-01", Place: "Tam Đường", LegalBasis: p.LegalBasis,
		HorizonFrom: "2022", HorizonTo: "2025", Signer: "Vũ Xuân Thịnh", Demo: true}
	if !reflect.DeepEqual(*p, want) || p.ID == 0 || p.LegalBasis == "" {
		t.Errorf("FindPlans()[0] = %+v\nwant %+v (without sections, targets, tasks)", *p, want)
	}

	_, err = db.FindPlanByID(ctx, p.ID+1000)
	wantCode(t, err, kehoach.ENOTFOUND)

	full, err := db.FindPlanByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if full.Code != p.Code || full.Title != p.Title || full.IssuerCode != "TAMDUONG" || !full.Demo {
		t.Errorf("FindPlanByID = %+v, want the plan FindPlans listed", full)
	}
	var sections []string
	for _, s := range full.Sections {
		sections = append(sections, s.Number)
	}
	if want := []string{"I", "II.1", "II.2.1", "II.2.2", "II.2.3", "II.2.4", "II.2.5", "II.3", "III"}; !slices.Equal(sections, want) {
		t.Errorf("sections = %v, want %v", sections, want)
	}
	if full.Sections[0].Title != "Mục đích, yêu cầu" || full.Sections[0].Body == "" {
		t.Errorf("section I = %+v", full.Sections[0])
	}

	wantCodes := []string{"1a", "1b", "2a", "2b", "3a", "3b", "3c", "3d", "4a", "4b", "4c", "5a", "5b", "5c"}
	wantValues := []float64{100, 98, 100, 100, 100, 84.6, 100, 60, 88, 91, 98, 91, 69, 100}
	var gotCodes []string
	var gotValues []float64
	for _, tg := range full.Targets {
		gotCodes = append(gotCodes, tg.Code)
		gotValues = append(gotValues, tg.Value)
		if tg.Op != kehoach.OpGE || tg.ScopeCode != "TAMDUONG" || tg.Deadline != "2025" || tg.BaselinePeriod != "2021" || tg.ID == 0 {
			t.Errorf("target %s = %+v, want ≥ over TAMDUONG by 2025 from 2021", tg.Code, *tg)
		}
	}
	if !slices.Equal(gotCodes, wantCodes) {
		t.Errorf("target codes = %v, want %v", gotCodes, wantCodes)
	}
	if !slices.Equal(gotValues, wantValues) {
		t.Errorf("target values = %v, want %v", gotValues, wantValues)
	}
	if tg := full.Targets[0]; tg.IndicatorCode != "CT_CB_BD" || tg.Section != "II.1" || tg.CountLabel != "cán bộ" ||
		tg.Text != "Cán bộ lãnh đạo, quản lý từ huyện đến cơ sở được bồi dưỡng, cập nhật kiến thức theo quy định" {
		t.Errorf("target 1a = %+v", *tg)
	}
	if tg := full.Targets[7]; tg.IndicatorCode != "CT_BAN_NVH_CHUAN" {
		t.Errorf("target 3d indicator = %q, want CT_BAN_NVH_CHUAN", tg.IndicatorCode)
	}

	// tasks (issue 11): every bullet of II.2, II.3 and III, one task per
	// commune for III.11, kind and the targets served carried through.
	type task struct {
		code, section, lead, kind string
		due                       kehoach.Date
		coordinators, targets     []string
	}
	bySection := map[string]int{}
	got := map[string]task{}
	for _, g := range full.Tasks {
		bySection[strings.SplitN(g.Section, ".", 3)[0]+"."+strings.SplitN(g.Section+".", ".", 3)[1]]++
		got[g.Code] = task{g.Code, g.Section, g.LeadCode, g.Kind, g.Due, g.Coordinators, g.Targets}
		if g.Status != kehoach.TaskOpen || g.Title == "" || g.ID == 0 {
			t.Errorf("task %s: status %q, title %q, id %d", g.Code, g.Status, g.Title, g.ID)
		}
	}
	if len(full.Tasks) != 56 || bySection["II.2"] != 13 || bySection["II.3"] != 12 || bySection["III."] != 31 {
		t.Errorf("%d tasks, by section %v", len(full.Tasks), bySection)
	}
	for _, w := range []task{
		{"2.1.2", "II.2.1", "CQ_VHTT", kehoach.TaskYearly, "2025-12-31", []string{"CQ_TCKH"}, []string{"2a", "2b"}},
		{"3.4.3", "II.3", "CQ_TCKH", kehoach.TaskContinuous, "2025-12-31", []string{"CQ_VHTT"}, []string{"3a", "3c", "5b"}},
		{"III.4", "III", "CQ_TNMT", kehoach.TaskOnce, "2023-12-31", nil, []string{"3a", "3c"}},
		{"III.11.BANBO", "III", "XA_BANBO", kehoach.TaskYearly, "2025-12-31", nil, []string{"2a", "3a", "5b"}},
		{"TK.2025", "III", "CQ_VHTT", kehoach.TaskOnce, "2025-12-31", []string{"CQ_NOIVU"}, nil},
	} {
		if !reflect.DeepEqual(got[w.code], w) {
			t.Errorf("task %s = %+v, want %+v", w.code, got[w.code], w)
		}
	}
}

func testForms(t *testing.T, db *DB) {
	ctx := sysCtx()
	forms, err := db.FindForms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type form struct {
		code, periodType string
		elements         []string
		rules            int
	}
	want := []form{
		{"BM_XA", "quarterly", []string{"XA_TRAM_TT", "XA_NVH", "XA_NVH_CHUAN", "XA_CLB_DS"}, 1},
		{"BM_BAN", "quarterly", []string{"BAN_LOA", "BAN_NVH", "BAN_NVH_CHUAN", "BAN_DVN"}, 1},
		{"BM_BAN_NAM", "yearly", []string{"BAN_VH", "HGD_TONG", "HGD_VH"}, 1},
		{"BM_CANBO", "yearly", []string{"CB_LD_TONG", "CB_LD_BD", "CC_TONG", "CC_HOC"}, 2},
		{"BM_COQUAN", "yearly", []string{"CQ_VH", "TRUONG_CLB"}, 0},
	}
	var got []form
	for _, f := range forms {
		got = append(got, form{f.Code, f.PeriodType, f.Elements, len(f.Rules)})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FindForms = %+v\nwant %+v", got, want)
	}

	f, err := db.FindFormByCode(ctx, "BM_CANBO")
	if err != nil {
		t.Fatal(err)
	}
	wantRules := []*kehoach.ValidationRule{
		{Left: "#{CB_LD_BD}", Op: "<=", Right: "#{CB_LD_TONG}", Importance: kehoach.ImportanceHigh,
			Message: "Số cán bộ được bồi dưỡng không thể lớn hơn số cán bộ lãnh đạo, quản lý"},
		{Left: "#{CC_HOC}", Op: "<=", Right: "#{CC_TONG}", Importance: kehoach.ImportanceHigh,
			Message: "Số người được học tập không thể lớn hơn tổng số công chức, viên chức, người lao động"},
	}
	if f.Code != "BM_CANBO" || f.Name != "Bồi dưỡng, học tập nghị quyết của cán bộ, công chức (năm)" || f.PeriodType != "yearly" ||
		f.CutoffDay != 15 || f.DeadlineDays != 5 || !slices.Equal(f.Elements, want[3].elements) || !reflect.DeepEqual(f.Rules, wantRules) {
		t.Errorf("FindFormByCode(BM_CANBO) = %+v, rules %+v %+v", *f, *f.Rules[0], *f.Rules[1])
	}
	f, err = db.FindFormByCode(ctx, "BM_COQUAN")
	if err != nil || len(f.Rules) != 0 || f.Rules != nil {
		t.Errorf("FindFormByCode(BM_COQUAN) rules = %v, %v; want none", f.Rules, err)
	}
	_, err = db.FindFormByCode(ctx, "NOPE")
	wantCode(t, err, kehoach.ENOTFOUND)
}

func testElements(t *testing.T, db *DB) {
	els, err := db.FindDataElements(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ code, valueType, periodType string }{
		{"CB_LD_TONG", "integer", "yearly"}, {"CB_LD_BD", "integer", "yearly"}, {"CC_TONG", "integer", "yearly"}, {"CC_HOC", "integer", "yearly"},
		{"XA_TRAM_TT", "bool", "quarterly"}, {"XA_NVH", "bool", "quarterly"}, {"XA_NVH_CHUAN", "bool", "quarterly"}, {"XA_CLB_DS", "bool", "quarterly"},
		{"BAN_LOA", "bool", "quarterly"}, {"BAN_NVH", "bool", "quarterly"}, {"BAN_NVH_CHUAN", "bool", "quarterly"}, {"BAN_DVN", "bool", "quarterly"},
		{"BAN_VH", "bool", "yearly"}, {"HGD_TONG", "integer", "yearly"}, {"HGD_VH", "integer", "yearly"},
		{"CQ_VH", "bool", "yearly"}, {"TRUONG_CLB", "bool", "yearly"},
	}
	if len(els) != len(want) {
		t.Fatalf("FindDataElements returned %d elements, want %d", len(els), len(want))
	}
	for i, w := range want {
		e := els[i]
		if e.Code != w.code || e.ValueType != w.valueType || e.PeriodType != w.periodType || e.Aggregation != kehoach.AggLast || e.ID == 0 {
			t.Errorf("element %d = %s %s %s %s, want %s %s %s last", i, e.Code, e.ValueType, e.PeriodType, e.Aggregation, w.code, w.valueType, w.periodType)
		}
	}
	if e := els[0]; e.Name != "Số cán bộ lãnh đạo, quản lý" || e.ShortName != "CB lãnh đạo" || !slices.Equal(e.UnitKinds, []string{"commune", "agency"}) {
		t.Errorf("CB_LD_TONG = %+v", *e)
	}
	if e := els[15]; !slices.Equal(e.UnitKinds, []string{"agency", "school"}) {
		t.Errorf("CQ_VH unit kinds = %q", e.UnitKinds)
	}
}

func testIndicators(t *testing.T, db *DB) {
	inds, err := db.FindIndicators(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wantCodes := []string{"CT_CB_BD", "CT_CC_HOC", "CT_XA_TRAM", "CT_BAN_LOA", "CT_XA_NVH", "CT_XA_NVH_CHUAN", "CT_BAN_NVH",
		"CT_BAN_NVH_CHUAN", "CT_HGD_VH", "CT_BAN_VH", "CT_CQ_VH", "CT_BAN_DVN", "CT_XA_CLB", "CT_TRUONG_CLB"}
	var got []string
	for _, i := range inds {
		got = append(got, i.Code)
		if i.Factor != 100 || i.Decimals != 1 || i.ID == 0 {
			t.Errorf("indicator %s: factor %v decimals %d", i.Code, i.Factor, i.Decimals)
		}
	}
	if !slices.Equal(got, wantCodes) {
		t.Errorf("indicators = %v, want %v", got, wantCodes)
	}
	want := kehoach.Indicator{ID: inds[0].ID, Code: "CT_CB_BD", Name: "Tỷ lệ cán bộ lãnh đạo, quản lý được bồi dưỡng, cập nhật kiến thức",
		Numerator: "#{CB_LD_BD}", Denominator: "#{CB_LD_TONG}", Factor: 100, Decimals: 1}
	if *inds[0] != want {
		t.Errorf("first indicator = %+v, want %+v", *inds[0], want)
	}
	if i := inds[10]; i.Numerator != "count(#{CQ_VH})" || i.Denominator != "units(agency, school)" {
		t.Errorf("CT_CQ_VH = %q / %q", i.Numerator, i.Denominator)
	}
}

// An element's period type is that of the first form that collects
// it; an element in no form has none. A form's period type written the
// DHIS2 way ("Quarterly") is stored in the canonical spelling, so that
// saving into the form works.
func TestElementPeriodType(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			b := &kehoach.Bundle{
				Units: []*kehoach.Unit{
					{Code: "P", Name: "Tỉnh", Kind: kehoach.KindProvince, Level: 1},
					{Code: "C", Name: "Xã", Kind: kehoach.KindCommune, Level: 2, ParentCode: "P"},
				},
				Elements: []*kehoach.DataElement{
					{Code: "E_BOTH", Name: "Hai biểu", ShortName: "Hai", ValueType: kehoach.TypeInteger, Aggregation: kehoach.AggSum, UnitKinds: []string{"commune"}},
					{Code: "E_NONE", Name: "Không biểu", ShortName: "Không", ValueType: kehoach.TypeNumber, Aggregation: kehoach.AggAverage, UnitKinds: []string{"commune"}},
					{Code: "E_Q", Name: "Quý", ShortName: "Quý", ValueType: kehoach.TypeBool, Aggregation: kehoach.AggCountYes, UnitKinds: []string{"commune"}},
				},
				Forms: []*kehoach.Form{
					{Code: "F_Q", Name: "Biểu quý", PeriodType: "Quarterly", Elements: []string{"E_Q", "E_BOTH"}},
					{Code: "F_Y", Name: "Biểu năm", PeriodType: "yearly", Elements: []string{"E_BOTH"}},
				},
			}
			if err := db.db.LoadBundle(ctx, b, "test"); err != nil {
				t.Fatal(err)
			}
			els, err := db.db.FindDataElements(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, e := range els {
				got[e.Code] = e.PeriodType
			}
			want := map[string]string{"E_BOTH": "quarterly", "E_NONE": "", "E_Q": "quarterly"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("period types = %v, want %v", got, want)
			}
			res, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "F_Q", Period: "2024Q1", Values: map[string]map[string]string{"C": {"E_Q": "có", "E_BOTH": "3"}}, By: "test"})
			if err != nil {
				t.Fatalf("save into a form whose period type was written Quarterly: %v", err)
			}
			if res.Imported != 2 {
				t.Errorf("imported %d, want 2", res.Imported)
			}
		})
	}
}
