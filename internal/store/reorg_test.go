package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"kehoach"
)

// reorgBundle is a province with two communes, one with a village, a plan
// with a target and a task on commune A.
func reorgBundle() *kehoach.Bundle {
	return &kehoach.Bundle{
		Units: []*kehoach.Unit{
			{Code: "P", Name: "Tỉnh", Kind: kehoach.KindProvince, Level: 1},
			{Code: "A", Name: "Xã A", Kind: kehoach.KindCommune, Level: 2, ParentCode: "P"},
			{Code: "A1", Name: "Bản A1", Kind: kehoach.KindVillage, Level: 3, ParentCode: "A"},
			{Code: "B", Name: "Xã B", Kind: kehoach.KindCommune, Level: 2, ParentCode: "P"},
		},
		Elements:   []*kehoach.DataElement{{Code: "E", Name: "Hộ", ShortName: "Hộ", ValueType: kehoach.TypeInteger, Aggregation: kehoach.AggSum, UnitKinds: []string{kehoach.KindVillage}}},
		Forms:      []*kehoach.Form{{Code: "F", Name: "Biểu", PeriodType: "yearly", CutoffDay: 15, DeadlineDays: 3, Elements: []string{"E"}}},
		Indicators: []*kehoach.Indicator{{Code: "I", Name: "Hộ", Numerator: "#{E}", Denominator: "1", Factor: 1}},
		Plans: []*kehoach.Plan{{Code: "PL", Number: "1", Title: "Kế hoạch", IssuerCode: "P", HorizonFrom: "2021", HorizonTo: "2025",
			Targets: []*kehoach.Target{{Code: "t1", Text: "Hộ", IndicatorCode: "I", Op: kehoach.OpGE, Value: 1, Deadline: "2025", BaselinePeriod: "2021", ScopeCode: "A", CountLabel: "hộ", Section: "I"}},
			Tasks:   []*kehoach.Task{{Code: "n1", Section: "I", Title: "Nhiệm vụ", LeadCode: "A", Status: kehoach.TaskOpen}}}},
		Values: []*kehoach.DataValue{{Element: "E", Unit: "A1", Period: "2024", Value: "7"}},
	}
}

// TestReorgStore: on each database, a refused reorganisation writes
// nothing; a merge applied writes the units, links, the proposals
// confirmed (a user's scope, a task's lead; the target left as it is) and
// the audit, in one transaction; only an administrator may.
func TestReorgStore(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
			if err := db.db.LoadBundle(ctx, reorgBundle(), "test"); err != nil {
				t.Fatal(err)
			}
			if err := db.db.CreateUser(ctx, &kehoach.User{Username: "rep", Role: kehoach.RoleReporter, EntryScope: []string{"A"}}, "mật-khẩu-đủ-dài"); err != nil {
				t.Fatal(err)
			}
			count := func() int {
				us, err := db.db.FindUnits(ctx, kehoach.UnitFilter{})
				if err != nil {
					t.Fatal(err)
				}
				return len(us)
			}
			n := count()
			bad := &kehoach.Reorg{Kind: kehoach.ReorgMerge, Date: "2023-12-01", Units: []string{"A", "B"}, New: &kehoach.Unit{Code: "AB", Name: "Xã AB"}}
			if _, err := db.db.ApplyReorg(ctx, bad); kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorMessage(err), "A1 đã có số liệu") {
				t.Fatalf("figures after the date: %v", err)
			}
			if _, err := db.db.ApplyReorg(kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "x"}), bad); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Fatalf("not an administrator: %v", err)
			}
			if count() != n {
				t.Fatal("a refused reorganisation wrote units")
			}
			r := &kehoach.Reorg{Kind: kehoach.ReorgMerge, Date: "2025-07-01", Units: []string{"A", "B"}, New: &kehoach.Unit{Code: "AB", Name: "Xã AB"}}
			pl, err := db.db.PreviewReorg(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, p := range pl.Props {
				keys = append(keys, p.Key)
			}
			if !slices.Equal(keys, []string{"user:rep:entry:A", "target:PL:t1", "task:PL:n1"}) {
				t.Fatalf("proposals %v", keys)
			}
			r.Confirm = []string{"user:rep:entry:A", "task:PL:n1"}
			if _, err := db.db.ApplyReorg(ctx, r); err != nil {
				t.Fatal(err)
			}
			if count() != n+2 {
				t.Errorf("units %d, want %d", count(), n+2)
			}
			u, _ := db.db.FindUserByUsername(ctx, "rep")
			if !slices.Equal(u.EntryScope, []string{"AB"}) {
				t.Errorf("scope %v", u.EntryScope)
			}
			plans, _ := db.db.FindPlans(ctx)
			p, err := db.db.FindPlanByID(ctx, plans[0].ID)
			if err != nil || p.Targets[0].ScopeCode != "A" || p.Tasks[0].LeadCode != "AB" {
				t.Errorf("target scope %s (want A), task lead %s (want AB): %v", p.Targets[0].ScopeCode, p.Tasks[0].LeadCode, err)
			}
			ab, err := db.db.FindUnitByCode(ctx, "AB")
			if err != nil || len(ab.Predecessors) != 2 || len(ab.Children) != 1 || ab.Children[0].Code != "A1_2507" {
				t.Errorf("AB %+v %v", ab, err)
			}
			evs, _, err := db.db.FindAuditEvents(ctx, kehoach.AuditFilter{Entity: "unit", Action: "reorganise"})
			if err != nil || len(evs) != 1 || !strings.Contains(evs[0].New, "A1_2507") {
				t.Errorf("audit %v %v", evs, err)
			}
			// The same again: A has a successor now.
			if _, err := db.db.ApplyReorg(ctx, r); kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Errorf("applied twice: %v", err)
			}
		})
	}
}

// TestApplyReorgsProposals: a batch (`kehoach gen --reorg`) lists each
// operation's proposals and applies those the preview offers ticked, in the
// tree the operations before it leave: the user's scope and the task's lead
// follow A through two merges; the target keeps its basis.
func TestApplyReorgsProposals(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
			if err := db.db.LoadBundle(ctx, reorgBundle(), "test"); err != nil {
				t.Fatal(err)
			}
			if err := db.db.CreateUser(ctx, &kehoach.User{Username: "rep", Role: kehoach.RoleReporter, EntryScope: []string{"A"}}, "mật-khẩu-đủ-dài"); err != nil {
				t.Fatal(err)
			}
			pls, err := db.db.ApplyReorgs(ctx, []*kehoach.Reorg{
				{Kind: kehoach.ReorgMerge, Date: "2025-07-01", Units: []string{"A", "B"}, New: &kehoach.Unit{Code: "AB", Name: "Xã AB"}},
				{Kind: kehoach.ReorgRename, Date: "2026-01-01", Units: []string{"AB"}, New: &kehoach.Unit{Code: "AB2", Name: "Xã AB mới"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(pls) != 2 || len(pls[0].Props) != 3 || len(pls[0].Offered()) != 2 {
				t.Fatalf("first operation's proposals: %+v", pls[0].Props)
			}
			u, _ := db.db.FindUserByUsername(ctx, "rep")
			plans, _ := db.db.FindPlans(ctx)
			p, err := db.db.FindPlanByID(ctx, plans[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(u.EntryScope, []string{"AB2"}) || p.Tasks[0].LeadCode != "AB2" || p.Targets[0].ScopeCode != "A" {
				t.Errorf("scope %v, task lead %s (want AB2), target scope %s (want A)", u.EntryScope, p.Tasks[0].LeadCode, p.Targets[0].ScopeCode)
			}
		})
	}
}
