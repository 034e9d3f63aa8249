package store

import (
	"slices"
	"testing"

	"kehoach"
)

// The plans and data elements kept under the "meta" counter
// (meta_cache.go) are as fresh as the database: a target, a milestone
// and an element changed through a second server are in this server's
// next read, and what a read hands out is the caller's own to change.
func TestMetaCacheFresh(t *testing.T) {
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) {
			db := n.db
			loadSmall(t, db)
			other := secondServer(t, db)
			ctx := plannerCtx("H")
			s := newSetup("MC")
			if err := db.SetUpPlan(ctx, s); err != nil {
				t.Fatal(err)
			}
			id := s.Plan.ID
			first, err := db.FindPlanByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			// The caller's own: changing it changes no later read.
			first.Targets[0].Value, first.Title = 1, "đổi"
			first.Targets[0].Milestones = append(first.Targets[0].Milestones, kehoach.Milestone{Period: "2023", Value: 1})
			again, err := db.FindPlanByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if again.Targets[0].Value != 50 || again.Title != s.Plan.Title || len(again.Targets[0].Milestones) != 0 {
				t.Fatalf("a read changed the cache: %+v %q", again.Targets[0], again.Title)
			}
			// A change through the other server.
			tg := *again.Targets[0]
			tg.Value, tg.Text = 70, "Xã có thư viện đạt chuẩn"
			tg.Milestones = []kehoach.Milestone{{Period: "2023", Value: 60}}
			if err := other.SaveTarget(ctx, id, "1", &tg, nil); err != nil {
				t.Fatal(err)
			}
			got, err := db.FindPlanByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if g := got.Targets[0]; g.Value != 70 || g.Text != tg.Text || !slices.Equal(g.Milestones, tg.Milestones) {
				t.Errorf("after the other server's save: %+v", g)
			}
			// The data elements, likewise.
			es, err := db.FindDataElements(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var e *kehoach.DataElement
			for _, x := range es {
				if x.Code == "XA_MC" {
					e = x
				}
			}
			if e == nil {
				t.Fatal("no XA_MC")
			}
			e.UnitKinds[0] = "changed"
			renamed := *e
			renamed.Name, renamed.UnitKinds = "Xã có thư viện công cộng", []string{kehoach.KindCommune}
			if err := other.SaveDataElement(ctx, "XA_MC", &renamed); err != nil {
				t.Fatal(err)
			}
			es, err = db.FindDataElements(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range es {
				if x.Code == "XA_MC" && (x.Name != renamed.Name || x.UnitKinds[0] != kehoach.KindCommune) {
					t.Errorf("after the other server's save: %+v", x)
				}
			}
			if _, err := db.FindPlanByID(ctx, id+1000); kehoach.ErrorCode(err) != kehoach.ENOTFOUND {
				t.Errorf("an unknown plan: %v", err)
			}
		})
	}
}

// The units' version (migration 0028) moves with every write of a unit,
// through whatever path, and not with a plan's: the analytics engine
// keeps its units across new metadata while it stays.
func TestUnitsVersion(t *testing.T) {
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) {
			db := n.db
			loadSmall(t, db)
			ctx := sysCtx()
			version := func() int64 {
				t.Helper()
				v, err := db.UnitsVersion(ctx)
				if err != nil || v <= 0 {
					t.Fatalf("units version %d, %v", v, err)
				}
				return v
			}
			v0 := version()
			s := newSetup("UV")
			if err := db.SetUpPlan(plannerCtx("H"), s); err != nil {
				t.Fatal(err)
			}
			if v := version(); v != v0 {
				t.Errorf("a plan set up moved the units' version %d → %d", v0, v)
			}
			if err := db.CreateUnit(ctx, &kehoach.Unit{Code: "UV_NEW", Name: "Thôn mới", Kind: kehoach.KindVillage, ParentCode: "XA_A"}); err != nil {
				t.Fatal(err)
			}
			v1 := version()
			if v1 <= v0 {
				t.Errorf("a unit created left the units' version at %d", v1)
			}
			u := &kehoach.Unit{Code: "UV_NEW", Name: "Thôn Mới Đổi Tên", Kind: kehoach.KindVillage, ParentCode: "XA_A"}
			if _, err := db.UpdateUnit(ctx, "UV_NEW", u); err != nil {
				t.Fatal(err)
			}
			if v := version(); v <= v1 {
				t.Errorf("a unit renamed left the units' version at %d", v)
			}
		})
	}
}
