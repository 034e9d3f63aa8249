package store

import (
	"context"
	"testing"

	"kehoach"
)

// plannerCtx is a planner whose plan scope is the given units.
func plannerCtx(units ...string) context.Context {
	return kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "kh", Plan: kehoach.Scope{Units: units}})
}

// newSetup is a plan over the small bundle's district with one new
// element, form and indicator.
func newSetup(code string) *kehoach.PlanSetup {
	return &kehoach.PlanSetup{
		Elements: []*kehoach.DataElement{{Code: "XA_" + code, Name: "Xã có thư viện", ValueType: kehoach.TypeBool, Aggregation: kehoach.AggCountYes, UnitKinds: []string{kehoach.KindCommune}}},
		Forms:    []*kehoach.Form{{Code: "BM_" + code, Name: "Biểu thư viện", PeriodType: "yearly", CutoffDay: 14, DeadlineDays: 5, Elements: []string{"XA_" + code}}},
		Indicators: []*kehoach.Indicator{{Code: "CT_" + code, Name: "Tỷ lệ xã có thư viện", Numerator: "count(#{XA_" + code + "})",
			Denominator: "units(commune)", Factor: 100, Decimals: 1}},
		Plan: &kehoach.Plan{Code: "KH_" + code, Number: "1/KH-UBND", Title: "Kế hoạch thư viện", IssuerCode: "H", HorizonFrom: "2021", HorizonTo: "2025",
			Targets: []*kehoach.Target{{Code: "1", Text: "Xã có thư viện", IndicatorCode: "CT_" + code, Op: kehoach.OpGE, Value: 50,
				BaselinePeriod: "2021", Deadline: "2025", ScopeCode: "H"}}},
	}
}

func TestSetUpPlanAllOrNothing(t *testing.T) {
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) {
			db := n.db
			loadSmall(t, db)
			ctx := plannerCtx("H")
			s := newSetup("TV")
			if err := db.SetUpPlan(ctx, s); err != nil {
				t.Fatal(err)
			}
			st, err := db.FindPlanState(ctx, s.Plan.ID)
			if err != nil || st.Status != kehoach.PlanDraft {
				t.Fatalf("state %+v %v", st, err)
			}
			if problems, err := db.FindPlanProblems(ctx, s.Plan.ID); err != nil || len(problems) != 0 {
				t.Fatalf("problems %v %v", problems, err)
			}
			before := map[string]int{}
			for _, table := range []string{"data_elements", "forms", "indicators", "plans", "targets", "audit_events"} {
				before[table] = countRows(t, db, table)
			}
			// A second set-up whose target lies outside the planner's
			// scope leaves nothing behind, its new element included.
			bad := newSetup("XX")
			bad.Plan.Targets[0].ScopeCode = "LC"
			wantCode(t, db.SetUpPlan(ctx, bad), kehoach.EFORBIDDEN)
			dup := newSetup("TV")
			dup.Elements[0].Code, dup.Forms[0].Elements = "XA_NEW", []string{"XA_NEW"}
			wantCode(t, db.SetUpPlan(ctx, dup), kehoach.ECONFLICT)
			for table, n := range before {
				if got := countRows(t, db, table); got != n {
					t.Errorf("%s: %d rows after refused set-ups, want %d", table, got, n)
				}
			}
			// The plan's scope is checked by the store whoever calls.
			wantCode(t, db.CreatePlan(plannerCtx("XA_A"), &kehoach.Plan{Code: "KH_H", Number: "2/KH", Title: "x", IssuerCode: "H"}), kehoach.EFORBIDDEN)
			viewer := kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "v", View: kehoach.AllUnits})
			wantCode(t, db.SaveIndicator(viewer, "", &kehoach.Indicator{Code: "CT_V", Name: "v", Numerator: "1", Factor: 1}), kehoach.EFORBIDDEN)
			wantCode(t, db.SaveTarget(plannerCtx("XA_A"), s.Plan.ID, "1", s.Plan.Targets[0], nil), kehoach.EFORBIDDEN)
		})
	}
}

func TestRevisionsAndPlanAsOf(t *testing.T) {
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) {
			db := n.db
			loadSmall(t, db)
			ctx := plannerCtx("H")
			s := newSetup("RV")
			if err := db.SetUpPlan(ctx, s); err != nil {
				t.Fatal(err)
			}
			id := s.Plan.ID
			tg := *s.Plan.Targets[0]
			// A draft's target changes freely, without a revision.
			tg.Value = 60
			if err := db.SaveTarget(ctx, id, "1", &tg, nil); err != nil {
				t.Fatal(err)
			}
			if err := db.PublishPlan(ctx, id); err != nil {
				t.Fatal(err)
			}
			wantCode(t, db.PublishPlan(ctx, id), kehoach.EINVALID)
			tg.Value, tg.Deadline = 80, "2026"
			err := db.SaveTarget(ctx, id, "1", &tg, nil)
			wantCode(t, err, kehoach.EINVALID)
			if kehoach.ErrorFields(err)["decisionNumber"] == "" {
				t.Errorf("no decisionNumber reason: %v", kehoach.ErrorFields(err))
			}
			dec := &kehoach.Decision{Number: "15/NQ-HĐND", Date: "2024-06-20", Issuer: "HĐND huyện", Effective: "2024-07-01"}
			if err := db.SaveTarget(ctx, id, "1", &tg, dec); err != nil {
				t.Fatal(err)
			}
			revs, err := db.FindRevisions(ctx, id, "1")
			if err != nil || len(revs) != 1 || revs[0].Old.Value != 60 || revs[0].New.Value != 80 || revs[0].By != "kh" {
				t.Fatalf("revisions %+v %v", revs, err)
			}
			for day, want := range map[kehoach.Date]float64{"2024-06-30": 60, "2024-07-01": 80, "2030-01-01": 80} {
				p, err := db.FindPlanAsOf(ctx, id, day)
				if err != nil {
					t.Fatal(err)
				}
				if got := p.Targets[0].Value; got != want {
					t.Errorf("as of %s: %v, want %v", day, got, want)
				}
			}
			// Every change of a published target is a revision: its scope
			// too, and the day before it takes effect keeps the old one.
			moved := tg
			moved.ScopeCode = "XA_A"
			wantCode(t, db.SaveTarget(ctx, id, "1", &moved, nil), kehoach.EINVALID)
			if err := db.SaveTarget(ctx, id, "1", &moved, &kehoach.Decision{Number: "2/QĐ-UBND", Date: "2024-12-20", Issuer: "UBND huyện", Effective: "2025-01-01"}); err != nil {
				t.Fatal(err)
			}
			for day, want := range map[kehoach.Date]string{"2024-12-31": "H", "2025-01-01": "XA_A"} {
				if p, err := db.FindPlanAsOf(ctx, id, day); err != nil || p.Targets[0].ScopeCode != want || p.Targets[0].Value != 80 {
					t.Errorf("as of %s: %+v %v, want scope %s", day, p.Targets[0], err, want)
				}
			}
			wantCode(t, db.DeleteTarget(ctx, id, "1"), kehoach.EINVALID)
			var n int
			if err := db.Reader().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action IN ('revise', 'publish')`).Scan(&n); err != nil || n != 3 {
				t.Errorf("revise and publish audited: %d %v", n, err)
			}
			uses, err := db.FindElementUses(ctx, "XA_RV")
			if err != nil || len(uses) != 1 || uses[0].PlanCode != "KH_RV" || uses[0].Target != "1" {
				t.Errorf("uses %+v %v", uses, err)
			}
			// Copying into a commune's plan, scope adjusted.
			cp, err := db.CopyPlan(ctx, id, kehoach.CopySpec{Code: "KH_RV_XA", Number: "3/KH", Title: "Xã An", Issuer: "XA_A", Scope: "XA_A"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.FindPlanByID(ctx, cp.ID)
			if err != nil || len(got.Targets) != 1 || got.Targets[0].ScopeCode != "XA_A" || got.IssuerCode != "XA_A" {
				t.Errorf("copy %+v %v", got, err)
			}
			each, err := db.CopyPlanEach(ctx, id, kehoach.CopyEachSpec{Under: "H", Kind: kehoach.KindCommune, CodePrefix: "KH_EACH", Number: "4/KH", Title: "Thư viện"})
			if err != nil || len(each) != 2 || each[0].Targets[0].ScopeCode != each[0].IssuerCode {
				t.Fatalf("copy each: %+v %v", each, err)
			}
			plans := countRows(t, db, "plans")
			_, err = db.CopyPlanEach(ctx, id, kehoach.CopyEachSpec{Under: "H", Kind: kehoach.KindCommune, CodePrefix: "KH_EACH", Number: "4/KH", Title: "Thư viện"})
			wantCode(t, err, kehoach.ECONFLICT)
			if got := countRows(t, db, "plans"); got != plans {
				t.Errorf("a refused copy left %d plans", got-plans)
			}
		})
	}
}

// TestStructureWithFiguresKept: what has figures keeps its shape — an
// element is not taken off its form, nor does it change value type, and
// a form keeps its period type — and nothing of a refused save is kept.
func TestStructureWithFiguresKept(t *testing.T) {
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) {
			db := n.db
			loadDemo(t, db)
			ctx := plannerCtx("TAMDUONG")
			f, err := db.FindFormByCode(ctx, "BM_XA")
			if err != nil {
				t.Fatal(err)
			}
			cut := *f
			cut.Elements = nil
			for _, e := range f.Elements {
				if e != "XA_NVH" {
					cut.Elements = append(cut.Elements, e)
				}
			}
			cut.Rules = nil
			err = db.SaveForm(ctx, "BM_XA", &cut)
			wantCode(t, err, kehoach.EINVALID)
			if kehoach.ErrorFields(err)["elements"] == "" {
				t.Errorf("no elements reason: %v", err)
			}
			yearly := *f
			yearly.PeriodType = "yearly"
			wantCode(t, db.SaveForm(ctx, "BM_XA", &yearly), kehoach.EINVALID)
			if after, _ := db.FindFormByCode(ctx, "BM_XA"); len(after.Elements) != len(f.Elements) || after.PeriodType != f.PeriodType || len(after.Rules) != len(f.Rules) {
				t.Errorf("refused save changed the form: %+v", after)
			}
			els, _ := db.FindDataElements(ctx)
			for _, e := range els {
				if e.Code == "XA_NVH" {
					c := *e
					c.ValueType = kehoach.TypeNumber
					c.Aggregation = kehoach.AggSum
					wantCode(t, db.SaveDataElement(ctx, "XA_NVH", &c), kehoach.EINVALID)
				}
			}
		})
	}
}
