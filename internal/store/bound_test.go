package store

import (
	"context"
	"strings"
	"testing"

	"kehoach"
)

func fptr(v float64) *float64 { return &v }

// TestBoundsInWritePath (issue 9, point 4): the planner's bound flags a
// figure outside it through every writer — a batch (SaveValues), a file or
// the API (ImportValues) and the entry form (SaveFormValues) — with the
// range; the unit's own bound wins over its kind's. Confirmed, the figure
// is saved marked, listed among the flagged figures of grids not approved,
// and leaves the list when its grid is approved.
func TestBoundsInWritePath(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
			if err := db.db.LoadBundle(ctx, unusualBundle(), "test"); err != nil {
				t.Fatal(err)
			}
			err := db.db.SaveBounds(ctx, []*kehoach.Bound{
				{Element: "E", Kind: kehoach.KindVillage, Min: fptr(50), Max: fptr(135), Note: "mọi bản"},
				{Element: "E", Unit: "V1", Min: fptr(90), Max: fptr(120)},
				{Element: "E", Unit: "V3", Max: fptr(120)},
			})
			if err != nil {
				t.Fatal(err)
			}
			bs, err := db.db.FindBounds(ctx, "E")
			if err != nil || len(bs) != 3 || bs[0].Kind != kehoach.KindVillage || bs[1].Unit != "V1" || bs[1].UnitName != "Bản V1" || bs[2].Min != nil || *bs[2].Max != 120 {
				t.Fatalf("bounds: %+v %v", bs, err)
			}
			// For the entry page: the units' own and their kinds', whoever asks.
			if bs, err := db.db.FindBoundsFor(kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "rep"}), []string{"E"}, []string{"V1", "V4"}); err != nil || len(bs) != 2 {
				t.Errorf("bounds for V1 and V4: %+v %v", bs, err)
			}
			// The batch: 130 is neither a jump from 103 nor (alone in 2025)
			// an outlier, but V1's own bound is 90–120.
			_, err = db.db.SaveValues(ctx, kehoach.ValueBatch{By: "test", Cells: []kehoach.ValueCell{
				{Element: "E", Unit: "V1", Period: "2025", Value: "130"},
				{Element: "E", Unit: "V2", Period: "2025", Value: "140"},
				{Element: "E", Unit: "V4", Period: "2025", Value: "130"},
			}})
			f := kehoach.ErrorFields(err)
			if !strings.Contains(f["V1.E/2025"], kehoach.UnusualPrefix+"ngoài khoảng cho phép (90–120)") {
				t.Errorf("the unit's bound: %v %q", err, f["V1.E/2025"])
			}
			if !strings.Contains(f["V2.E/2025"], kehoach.UnusualPrefix+"ngoài khoảng cho phép (50–135)") {
				t.Errorf("the kind's bound: %q", f["V2.E/2025"])
			}
			if _, ok := f["V4.E/2025"]; ok || len(f) != 2 {
				t.Errorf("a figure within its kind's bound flagged: %v", f)
			}
			// The import (a file, or POST /api/dataValueSets).
			res, err := db.db.ImportValues(ctx, kehoach.ImportOptions{By: "imp"}, importCells(kehoach.ValueCell{Element: "E", Unit: "V2", Period: "2025", Value: "20"}))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Conflicts) != 1 || !strings.Contains(res.Conflicts[0].Value, "ngoài khoảng cho phép (50–135)") || res.Imported != 0 {
				t.Errorf("the import: %+v", res)
			}
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{By: "imp", ConfirmUnusual: true}, importCells(kehoach.ValueCell{Element: "E", Unit: "V2", Period: "2025", Value: "20"}))
			if err != nil || res.Imported != 1 {
				t.Fatalf("the confirmed import: %+v %v", res, err)
			}
			// The entry form, 2024 (open for entry): V3 109 → 125 is usual
			// among its peers and against 2023, but over its bound 120.
			save := kehoach.FormSave{Form: "F", Period: "2024", By: "test", Values: map[string]map[string]string{"V3": {"E": "125"}}}
			_, err = db.db.SaveFormValues(ctx, save)
			if msg := kehoach.ErrorFields(err)["V3.E"]; !strings.Contains(msg, "ngoài khoảng cho phép (tối đa 120)") {
				t.Fatalf("the entry form: %v %v", err, kehoach.ErrorFields(err))
			}
			save.Confirmed = true
			if _, err := db.db.SaveFormValues(ctx, save); err != nil {
				t.Fatal(err)
			}
			vs, err := db.db.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{"V3"}, Periods: []string{"2024"}})
			if err != nil || len(vs) != 1 || vs[0].Comment != kehoach.FlagPrefix+"ngoài khoảng cho phép (tối đa 120)" {
				t.Fatalf("the confirmed figure: %+v %v", vs, err)
			}

			// The approver's list: both flagged figures, in unit order.
			list, total, err := db.db.FindFlagged(ctx, kehoach.FlaggedFilter{Within: []string{"A"}})
			if err != nil || total != 2 || len(list) != 2 {
				t.Fatalf("flagged: %d %+v %v", total, list, err)
			}
			if x := list[0]; x.Unit != "V2" || x.GridUnit != "A" || x.Form != "F" || x.Period != "2025" || x.Value != "20" || !strings.HasPrefix(x.Reason, "ngoài khoảng cho phép (50–135); khác nhiều so với kỳ trước") {
				t.Errorf("first flagged: %+v", x)
			}
			if list[1].Unit != "V3" {
				t.Errorf("second flagged: %+v", list[1])
			}
			if page, total, _ := db.db.FindFlagged(ctx, kehoach.FlaggedFilter{Within: []string{"A"}, Limit: 1, Offset: 1}); total != 2 || len(page) != 1 || page[0].Unit != "V3" {
				t.Errorf("second page: %d %+v", total, page)
			}
			if out, total, _ := db.db.FindFlagged(ctx, kehoach.FlaggedFilter{Within: []string{"B"}}); total != 0 || len(out) != 0 {
				t.Errorf("outside the scope: %+v", out)
			}
			if out, total, _ := db.db.FindFlagged(ctx, kehoach.FlaggedFilter{Within: []string{}}); total != 0 || len(out) != 0 {
				t.Errorf("the empty scope: %+v", out)
			}
			// Approved, the 2024 grid leaves the list.
			rep := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("rep"))
			if _, err := db.db.Submit(rep, kehoach.SubmissionChange{Form: "F", Unit: "A", Period: "2024"}); err != nil {
				t.Fatal(err)
			}
			if out, total, _ := db.db.FindFlagged(ctx, kehoach.FlaggedFilter{}); total != 2 || len(out) != 2 {
				t.Errorf("submitted, not approved: %+v", out)
			}
			appr := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("appr"))
			if _, err := db.db.Approve(appr, kehoach.SubmissionChange{Form: "F", Unit: "A", Period: "2024"}); err != nil {
				t.Fatal(err)
			}
			if out, total, _ := db.db.FindFlagged(ctx, kehoach.FlaggedFilter{}); total != 1 || len(out) != 1 || out[0].Unit != "V2" {
				t.Errorf("after approval: %+v", out)
			}
		})
	}
}

// TestBoundsStore: bounds are validated, scoped to the planner, replaced
// by element and target, deleted, audited, and proposed from history.
func TestBoundsStore(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
			if err := db.db.LoadBundle(ctx, unusualBundle(), "test"); err != nil {
				t.Fatal(err)
			}
			// Refusals: all or nothing, each reason keyed by its target.
			err := db.db.SaveBounds(ctx, []*kehoach.Bound{
				{Element: "E", Unit: "V0", Min: fptr(10), Max: fptr(5)},
				{Element: "E", Unit: "NOPE", Min: fptr(1)},
				{Element: "E", Unit: "V1", Min: fptr(1)},
			})
			if f := kehoach.ErrorFields(err); kehoach.ErrorCode(err) != kehoach.EINVALID || f["V0.max"] == "" || !strings.Contains(f["NOPE.unit"], "Không có đơn vị") {
				t.Fatalf("refused bounds: %v %v", err, f)
			}
			if bs, _ := db.db.FindBounds(ctx, ""); len(bs) != 0 {
				t.Fatalf("a refused save kept %+v", bs)
			}
			if err := db.db.SaveBounds(ctx, []*kehoach.Bound{{Element: "NOPE", Kind: kehoach.KindVillage, Min: fptr(1)}}); !strings.Contains(kehoach.ErrorFields(err)["element"], "Không có chỉ số") {
				t.Errorf("unknown element: %v", err)
			}
			// A commune's planner: its own villages only, no kind's bound.
			commune := kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "kh.a", Plan: kehoach.Scope{Units: []string{"A"}}})
			other := kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "kh.b", Plan: kehoach.Scope{Units: []string{"B"}}})
			if err := db.db.SaveBounds(commune, []*kehoach.Bound{{Element: "E", Unit: "V0", Min: fptr(80), Max: fptr(130)}}); err != nil {
				t.Fatal(err)
			}
			if err := db.db.SaveBounds(other, []*kehoach.Bound{{Element: "E", Unit: "V0", Min: fptr(1)}}); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("another commune's planner: %v", err)
			}
			if err := db.db.SaveBounds(commune, []*kehoach.Bound{{Element: "E", Kind: kehoach.KindVillage, Min: fptr(1)}}); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("a kind's bound by a commune's planner: %v", err)
			}
			if err := db.db.SaveBounds(kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "x"}), []*kehoach.Bound{{Element: "E", Unit: "V0", Min: fptr(1)}}); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("no plan scope: %v", err)
			}
			// Bounds are no metadata the analytics engine reads: no reload.
			var meta0, meta1 int64
			if err := db.db.read.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = 'meta'`).Scan(&meta0); err != nil {
				t.Fatal(err)
			}
			if err := db.db.SaveBounds(commune, []*kehoach.Bound{{Element: "E", Unit: "V0", Min: fptr(80), Max: fptr(130)}}); err != nil {
				t.Fatal(err)
			}
			if err := db.db.read.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = 'meta'`).Scan(&meta1); err != nil || meta1 != meta0 {
				t.Errorf("the metadata version moved from %d to %d (%v)", meta0, meta1, err)
			}
			if bs, _ := db.db.FindBounds(other, "E"); len(bs) != 0 {
				t.Errorf("another commune's planner lists %+v", bs)
			}
			// Saved again: replaced, not added.
			if err := db.db.SaveBounds(commune, []*kehoach.Bound{{Element: "E", Unit: "V0", Min: fptr(90), Max: fptr(130), Note: "sửa"}}); err != nil {
				t.Fatal(err)
			}
			bs, err := db.db.FindBounds(commune, "E")
			if err != nil || len(bs) != 1 || *bs[0].Min != 90 || bs[0].Note != "sửa" || bs[0].UpdatedBy != "kh.a" {
				t.Fatalf("after the edit: %+v %v", bs, err)
			}
			if err := db.db.DeleteBound(other, "E", bs[0].ID); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("another's delete: %v", err)
			}
			if err := db.db.DeleteBound(commune, "F", bs[0].ID); kehoach.ErrorCode(err) != kehoach.ENOTFOUND {
				t.Errorf("deleted as another element's: %v", err)
			}
			if err := db.db.DeleteBound(commune, "E", bs[0].ID); err != nil {
				t.Fatal(err)
			}
			if err := db.db.DeleteBound(commune, "E", bs[0].ID); kehoach.ErrorCode(err) != kehoach.ENOTFOUND {
				t.Errorf("deleted twice: %v", err)
			}
			evs, _, err := db.db.FindAuditEvents(ctx, kehoach.AuditFilter{Entity: kehoach.AuditBound})
			if err != nil || len(evs) != 4 {
				t.Fatalf("audit: %d events, %v", len(evs), err)
			}
			var actions []string
			for _, e := range evs {
				actions = append(actions, e.Action+" "+e.Key)
			}
			if got := strings.Join(actions, ", "); !strings.Contains(got, "create E/V0") || !strings.Contains(got, "update E/V0") || !strings.Contains(got, "delete E/V0") {
				t.Errorf("audit: %s", got)
			}
			// Proposed from the villages' 2023 and 2024 reports.
			ps, err := db.db.ProposeBounds(ctx, "E", "")
			if err != nil || len(ps) != 6 {
				t.Fatalf("proposals: %+v %v", ps, err)
			}
			if p := ps[0]; p.Unit != "V0" || *p.Min != 66 || *p.Max != 150 || !strings.Contains(p.Note, "Đề xuất từ 2 kỳ") {
				t.Errorf("V0's proposal (100, 100): %+v %v %v", p, *p.Min, *p.Max)
			}
			if ps, err := db.db.ProposeBounds(other, "E", ""); err != nil || len(ps) != 0 {
				t.Errorf("another commune's proposals: %+v %v", ps, err)
			}
			if _, err := db.db.ProposeBounds(other, "E", "A"); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("proposals under another's commune: %v", err)
			}
			if _, err := db.db.ProposeBounds(ctx, "NOPE", ""); kehoach.ErrorCode(err) != kehoach.ENOTFOUND {
				t.Errorf("unknown element: %v", err)
			}
		})
	}
}

// A plan's bundle carries the planner's bounds of figures, and loading it
// into another database makes the same bounds (a second server set up
// from the first's bundle checks the same ranges); a bound the bundle's
// element does not allow refuses the whole load.
func TestBundleCarriesBounds(t *testing.T) {
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) {
			db := n.db
			loadSmall(t, db)
			ctx := sysCtx()
			want := []*kehoach.Bound{
				{Element: "HGD_TONG", Kind: kehoach.KindVillage, Min: fptr(10), Max: fptr(500), Note: "mọi bản"},
				{Element: "HGD_TONG", Unit: "B1", Min: fptr(50), Max: fptr(150)},
			}
			if err := db.SaveBounds(ctx, want); err != nil {
				t.Fatal(err)
			}
			s := newSetup("BB")
			if err := db.SetUpPlan(plannerCtx("H"), s); err != nil {
				t.Fatal(err)
			}
			b, err := db.ExportBundle(ctx, s.Plan.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Bounds) != 2 {
				t.Fatalf("the bundle has %d bounds, want 2: %+v", len(b.Bounds), b.Bounds)
			}
			other := openSQLite(t)
			if err := other.CheckBundle(ctx, b, "test"); err != nil {
				t.Fatalf("check: %v", err)
			}
			if err := other.LoadBundle(ctx, b, "test"); err != nil {
				t.Fatalf("load: %v", err)
			}
			got, err := other.FindBounds(ctx, "HGD_TONG")
			if err != nil || len(got) != 2 {
				t.Fatalf("loaded bounds %+v %v", got, err)
			}
			for i, g := range got {
				w := want[i]
				if g.Kind != w.Kind || g.Unit != w.Unit || *g.Min != *w.Min || *g.Max != *w.Max || g.Note != w.Note || g.UpdatedBy != "test" {
					t.Errorf("bound %d: %+v, want %+v", i, g, w)
				}
			}
			// A bound the element cannot have (a minimum above the maximum)
			// refuses the load, which keeps nothing.
			b.Bounds[0].Min, b.Bounds[0].Max = fptr(9), fptr(1)
			third := openSQLite(t)
			if err := third.LoadBundle(ctx, b, "test"); kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(err.Error(), "HGD_TONG") {
				t.Errorf("a bad bound: %v", err)
			}
			if us, _ := third.FindUnits(ctx, kehoach.UnitFilter{}); len(us) != 0 {
				t.Errorf("a refused load kept %d units", len(us))
			}
		})
	}
}
