package store

import (
	"testing"

	"kehoach"
)

func TestReviews(t *testing.T) {
	t.Parallel()
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) {
			db := n.db
			loadDemo(t, db)
			planner := kehoach.NewContextWithPlanner(unitCtx("vanhoa", "TAMDUONG"))
			plans, _ := db.FindPlans(sysCtx())
			plan := plans[0].ID
			if _, err := db.CreateReview(unitCtx("xa", "XA_BANBO"), kehoach.ReviewInput{PlanID: plan, Kind: kehoach.ReviewPreliminary, Title: "Sơ kết", HeldOn: "2023-12-20"}); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("a commune made a review: %v", err)
			}
			if _, err := db.CreateReview(planner, kehoach.ReviewInput{PlanID: plan, Kind: "x", Title: "", HeldOn: "2031-01-01"}); len(kehoach.ErrorFields(err)) != 3 {
				t.Errorf("bad review: %v %v", err, kehoach.ErrorFields(err))
			}
			r, err := db.CreateReview(planner, kehoach.ReviewInput{PlanID: plan, Kind: kehoach.ReviewPreliminary, Title: "Sơ kết giữa kỳ", HeldOn: "2023-12-20"})
			if err != nil {
				t.Fatal(err)
			}
			xa := unitCtx("xa", "XA_BANBO")
			if err := db.SaveAssessment(xa, r.ID, kehoach.Assessment{Unit: "XA_BANBO", Text: "Đã ban hành kế hoạch", SelfScore: 120}); kehoach.ErrorFields(err)["selfScore"] == "" {
				t.Errorf("score 120: %v", err)
			}
			if err := db.SaveAssessment(xa, r.ID, kehoach.Assessment{Unit: "XA_NATAM", Text: "x", SelfScore: 50}); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("another commune's assessment: %v", err)
			}
			if err := db.SaveAssessment(xa, r.ID, kehoach.Assessment{Unit: "XA_BANBO", Text: "Đã ban hành kế hoạch", SelfScore: 80}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddCommendation(planner, kehoach.Commendation{ReviewID: r.ID, Unit: "KHONG_CO", Level: "x"}); len(kehoach.ErrorFields(err)) < 4 {
				t.Errorf("bad commendation: %v", kehoach.ErrorFields(err))
			}
			if _, err := db.AddCommendation(planner, kehoach.Commendation{ReviewID: r.ID, Unit: "XA_BANBO", Achievement: "Hoàn thành xuất sắc", Level: kehoach.CommendDistrict, Decision: "Quyết định số 15/QĐ-UBND", DecidedOn: "2023-12-25"}); err != nil {
				t.Fatal(err)
			}
			got, err := db.FindReview(sysCtx(), r.ID)
			if err != nil {
				t.Fatal(err)
			}
			// Bản Bo's tasks by the review: the 2022 occurrence of
			// III.11.BANBO overdue, the 2023 one still within its term.
			if len(got.Assessments) != 1 || got.Assessments[0].SelfScore != 80 || got.Assessments[0].Count != (kehoach.TaskCount{Total: 2, Overdue: 1, Pending: 1}) ||
				len(got.Assessments[0].Targets) != 3 || len(got.Commendations) != 1 || got.Commendations[0].UnitName != "Bản Bo" {
				t.Errorf("review %+v %+v", got.Assessments[0], got.Commendations)
			}
			if err := db.SaveCriteria(planner, plan, []kehoach.Criterion{{Name: "x", Kind: "indicator:KHONG", Weight: 1}, {Name: "", Kind: kehoach.CriterionOnTime, Weight: 1}, {Name: "y", Kind: kehoach.CriterionDone, Weight: 0}}); len(kehoach.ErrorFields(err)) != 3 {
				t.Errorf("bad criteria: %v", kehoach.ErrorFields(err))
			}
			want := []kehoach.Criterion{{Name: "Đúng hạn", Kind: kehoach.CriterionOnTime, Weight: 2}, {Name: "Loa", Kind: "indicator:CT_BAN_LOA", Weight: 1}}
			if err := db.SaveCriteria(planner, plan, want); err != nil {
				t.Fatal(err)
			}
			if cs, _ := db.FindCriteria(sysCtx(), plan); len(cs) != 2 || cs[1] != want[1] {
				t.Errorf("criteria %+v", cs)
			}
		})
	}
}
