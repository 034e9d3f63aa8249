package kehoach

import (
	"strings"
	"testing"
)

// reorgTree is a province with two communes of two villages each, and a
// third commune with no villages.
func reorgTree() *ReorgTree {
	return &ReorgTree{Units: []*Unit{
		{Code: "P", Name: "Tỉnh", Kind: KindProvince, Level: 1},
		{Code: "A", Name: "Xã A", Kind: KindCommune, Level: 2, ParentCode: "P"},
		{Code: "A1", Name: "Bản A1", Kind: KindVillage, Level: 3, ParentCode: "A"},
		{Code: "A2", Name: "Bản A2", Kind: KindVillage, Level: 3, ParentCode: "A"},
		{Code: "B", Name: "Xã B", Kind: KindCommune, Level: 2, ParentCode: "P"},
		{Code: "B1", Name: "Bản B1", Kind: KindVillage, Level: 3, ParentCode: "B"},
		{Code: "C", Name: "Xã C", Kind: KindCommune, Level: 2, ParentCode: "P"},
		{Code: "OLD", Name: "Xã cũ", Kind: KindCommune, Level: 2, ParentCode: "P", ValidTo: "2020-12-31"},
		{Code: "LATE", Name: "Xã mới", Kind: KindCommune, Level: 2, ParentCode: "P", ValidFrom: "2025-07-01"},
		{Code: "D", Name: "Xã D", Kind: KindCommune, Level: 2, ParentCode: "P", ValidTo: "2026-06-30"},
		{Code: "E", Name: "Xã E", Kind: KindCommune, Level: 2, ParentCode: "P", ValidFrom: "2026-07-01"},
	}, Links: []UnitLink{{From: "D", To: "E", Kind: LinkRename, Date: "2026-07-01"}},
		LastStart: map[string]Date{"A": "2025-04-01", "B": "2025-07-01"}}
}

func TestPlanReorg(t *testing.T) {
	tests := []struct {
		name    string
		r       Reorg
		field   string // the field of the error; "" for success
		ended   int
		created int
		check   func(t *testing.T, p *ReorgPlan)
	}{
		{name: "merge into new", r: Reorg{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"A", "C"}, New: &Unit{Code: "AC", Name: "Xã AC"}},
			ended: 4, created: 3, check: func(t *testing.T, p *ReorgPlan) {
				if p.Created[0].Code != "AC" || p.Created[0].Level != 2 || p.Created[0].ParentCode != "P" || p.Created[0].Kind != KindCommune {
					t.Errorf("new unit %+v", p.Created[0])
				}
				if p.Created[1].ParentCode != "AC" || p.Created[1].Code != "A1_2507" || p.Created[1].Level != 3 {
					t.Errorf("carried village %+v", p.Created[1])
				}
				if p.Ended[0].ValidTo != "2025-06-30" {
					t.Errorf("ended on %s", p.Ended[0].ValidTo)
				}
			}},
		{name: "merge into existing", r: Reorg{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"C"}, Into: "A"}, ended: 1, created: 0},
		{name: "merge into own descendant", r: Reorg{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"A"}, Into: "A1"}, field: "into"},
		{name: "merge one without target", r: Reorg{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"A"}, New: &Unit{Code: "X", Name: "X"}}, field: "units"},
		{name: "merge figures after date", r: Reorg{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"B", "C"}, New: &Unit{Code: "X", Name: "X"}}, field: "date"},
		{name: "merge later is fine", r: Reorg{Kind: ReorgMerge, Date: "2025-10-01", Units: []string{"B", "C"}, New: &Unit{Code: "X", Name: "X"}}, ended: 3, created: 2},
		{name: "code taken", r: Reorg{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"A", "C"}, New: &Unit{Code: "B", Name: "X"}}, field: "new"},
		{name: "ended unit", r: Reorg{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"OLD", "C"}, New: &Unit{Code: "X", Name: "X"}}, field: "units"},
		{name: "overlapping validity", r: Reorg{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"LATE", "C"}, New: &Unit{Code: "X", Name: "X"}}, field: "units"},
		{name: "already succeeded", r: Reorg{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"D", "C"}, New: &Unit{Code: "X", Name: "X"}}, field: "units"},
		{name: "bad date", r: Reorg{Kind: ReorgDissolve, Date: "2025-13-01", Units: []string{"C"}}, field: "date"},
		{name: "unknown kind", r: Reorg{Kind: "explode", Date: "2025-07-01", Units: []string{"C"}}, field: "kind"},
		{name: "split by villages", r: Reorg{Kind: ReorgSplit, Date: "2025-07-01", Units: []string{"A"}, Parts: []ReorgPart{
			{Code: "A_N", Name: "Xã A Bắc", Villages: []string{"A1"}}, {Code: "A_S", Name: "Xã A Nam", Villages: []string{"A2"}}}},
			ended: 3, created: 4, check: func(t *testing.T, p *ReorgPlan) {
				if p.Links[0].Share != 0.5 || p.Links[0].Kind != LinkSplit {
					t.Errorf("split link %+v", p.Links[0])
				}
			}},
		{name: "split leaves villages", r: Reorg{Kind: ReorgSplit, Date: "2025-07-01", Units: []string{"A"}, Parts: []ReorgPart{
			{Code: "A_N", Name: "N", Villages: []string{"A1"}}, {Code: "A_S", Name: "S"}}}, field: "villages"},
		{name: "split foreign village", r: Reorg{Kind: ReorgSplit, Date: "2025-07-01", Units: []string{"A"}, Parts: []ReorgPart{
			{Code: "A_N", Name: "N", Villages: []string{"A1", "B1"}}, {Code: "A_S", Name: "S", Villages: []string{"A2"}}}}, field: "villages"},
		{name: "shares not 100", r: Reorg{Kind: ReorgSplit, Date: "2025-07-01", Units: []string{"C"}, Parts: []ReorgPart{
			{Code: "C_N", Name: "N", Share: 60}, {Code: "C_S", Name: "S", Share: 30}}}, field: "shares"},
		{name: "split without shares or villages", r: Reorg{Kind: ReorgSplit, Date: "2025-07-01", Units: []string{"C"}, Parts: []ReorgPart{
			{Code: "C_N", Name: "N"}, {Code: "C_S", Name: "S"}}}, field: "shares"},
		{name: "split by shares", r: Reorg{Kind: ReorgSplit, Date: "2025-07-01", Units: []string{"C"}, Parts: []ReorgPart{
			{Code: "C_N", Name: "N", Share: 60}, {Code: "C_S", Name: "S", Share: 40}}}, ended: 1, created: 2, check: func(t *testing.T, p *ReorgPlan) {
			if p.Links[0].Share != 0.6 || p.Links[1].Share != 0.4 {
				t.Errorf("shares %+v", p.Links)
			}
		}},
		{name: "rename", r: Reorg{Kind: ReorgRename, Date: "2025-07-01", Units: []string{"A"}, New: &Unit{Name: "Xã A mới"}}, ended: 3, created: 3,
			check: func(t *testing.T, p *ReorgPlan) {
				if p.Created[0].Name != "Xã A mới" || p.Links[0].Kind != LinkRename || p.Created[0].Code != "A_2507" {
					t.Errorf("rename %+v %+v", p.Created[0], p.Links[0])
				}
			}},
		{name: "move", r: Reorg{Kind: ReorgMove, Date: "2025-07-01", Units: []string{"A1"}, Parent: "B", New: &Unit{Code: "B9"}}, ended: 1, created: 1,
			check: func(t *testing.T, p *ReorgPlan) {
				if p.Created[0].Code != "B9" || p.Created[0].ParentCode != "B" {
					t.Errorf("move %+v", p.Created[0])
				}
			}},
		{name: "move into own descendant", r: Reorg{Kind: ReorgMove, Date: "2025-07-01", Units: []string{"A"}, Parent: "A2"}, field: "parent"},
		{name: "dissolve", r: Reorg{Kind: ReorgDissolve, Date: "2025-07-01", Units: []string{"A"}}, ended: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanReorg(&tt.r, reorgTree())
			if tt.field != "" {
				var e *Error
				if err == nil {
					t.Fatalf("no error, want one on %s", tt.field)
				}
				e, _ = err.(*Error)
				if e == nil || e.Code != EINVALID || e.Fields[tt.field] == "" {
					t.Fatalf("error %v (fields %v), want one on %s", err, e, tt.field)
				}
				if !strings.HasPrefix(e.Message, "Không thể sắp xếp") {
					t.Errorf("message %q", e.Message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Ended) != tt.ended || len(p.Created) != tt.created {
				t.Errorf("ended %d created %d, want %d %d", len(p.Ended), len(p.Created), tt.ended, tt.created)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

// TestPlanReorgs: villages merged, then their communes, on one day: the
// village made that day moves under the new commune in place; the others
// get new versions.
func TestPlanReorgs(t *testing.T) {
	pls, err := PlanReorgs([]*Reorg{
		{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"A1", "A2"}, New: &Unit{Code: "AM", Name: "Bản AM"}},
		{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"A", "B"}, New: &Unit{Code: "AB", Name: "Xã AB"}},
	}, &ReorgTree{Units: reorgTree().Units, LastStart: map[string]Date{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pls) != 2 || len(pls[0].Created) != 1 || pls[0].Created[0].ParentCode != "A" {
		t.Fatalf("village merge %+v", pls[0])
	}
	if len(pls[1].Moved) != 1 || pls[1].Moved[0].Code != "AM" || pls[1].Moved[0].ParentCode != "AB" || pls[1].Moved[0].Level != 3 {
		t.Errorf("moved %+v", pls[1].Moved)
	}
	if len(pls[1].Created) != 2 || pls[1].Created[1].Code != "B1_2507" {
		t.Errorf("created %+v", pls[1].Created)
	}
	_, err = PlanReorgs([]*Reorg{
		{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"A", "C"}, New: &Unit{Code: "AC", Name: "AC"}},
		{Kind: ReorgMerge, Date: "2025-07-01", Units: []string{"A", "B"}, New: &Unit{Code: "AB", Name: "AB"}},
	}, &ReorgTree{Units: reorgTree().Units, LastStart: map[string]Date{}})
	if err == nil || !strings.Contains(err.Error(), "Thao tác 2") {
		t.Errorf("second operation on a unit ended by the first: %v", err)
	}
}
