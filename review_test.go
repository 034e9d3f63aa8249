package kehoach

import "testing"

func TestRankUnits(t *testing.T) {
	crit := []Criterion{{"Đúng hạn", CriterionOnTime, 2}, {"Tự chấm", CriterionSelf, 1}}
	scores := map[string]map[string]float64{
		"A": {CriterionOnTime: 50, CriterionSelf: 100}, // (100+100)/3 = 66.7
		"B": {CriterionOnTime: 80},                     // 80 on the criteria it has
		"C": {CriterionOnTime: 80, CriterionSelf: 80},  // 80
		"D": {},
	}
	rows := RankUnits([]string{"A", "B", "C", "D"}, map[string]string{"A": "a"}, scores, crit)
	got := ""
	for _, r := range rows {
		got += r.Unit
	}
	if got != "BCAD" || rows[0].Rank != 1 || rows[1].Rank != 1 || rows[2].Rank != 3 || rows[3].Total != 0 {
		t.Errorf("order %s %+v", got, rows)
	}
	if a := rows[2]; a.Total < 66.6 || a.Total > 66.7 || *a.Scores[0] != 50 || rows[0].Scores[1] != nil {
		t.Errorf("A %+v", a)
	}
}

func TestTaskScores(t *testing.T) {
	s := TaskScores(TaskCount{Total: 4, DoneOnTime: 2, DoneLate: 1, Overdue: 1})
	if s[CriterionOnTime] != 50 || s[CriterionDone] != 75 || s[CriterionNotOverdue] != 75 {
		t.Errorf("%v", s)
	}
	if TaskScores(TaskCount{}) != nil {
		t.Error("scores with no task")
	}
	for k, ok := range map[string]bool{CriterionOnTime: true, "indicator:CT_BAN_LOA": true, "indicator:": false, "x": false} {
		if ValidCriterion(k) != ok {
			t.Errorf("ValidCriterion(%q)", k)
		}
	}
}
