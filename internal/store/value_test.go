package store

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"kehoach"
	"kehoach/analytics"
)

// vals is a form's input: unit → element → raw text.
type vals = map[string]map[string]string

// dump returns the live values as "UNIT.ELEMENT/PERIOD=VALUE@VERSION",
// sorted, for comparing states.
func dump(t testing.TB, db *DB, f kehoach.DataValueFilter) []string {
	t.Helper()
	vs, err := db.FindDataValues(context.Background(), f)
	if err != nil {
		t.Fatalf("FindDataValues(%+v): %v", f, err)
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprintf("%s.%s/%s=%s@%d", v.Unit, v.Element, v.Period, v.Value, v.Version)
	}
	slices.Sort(out)
	return out
}

// live returns the live values as "UNIT.ELEMENT/PERIOD=VALUE", sorted.
func live(t testing.TB, db *DB, f kehoach.DataValueFilter) []string {
	t.Helper()
	out := dump(t, db, f)
	for i, s := range out {
		out[i] = s[:strings.LastIndexByte(s, '@')]
	}
	return out
}

func dataVersion(t testing.TB, db *DB) int64 {
	t.Helper()
	data, _, err := db.Versions(context.Background())
	if err != nil {
		t.Fatalf("Versions: %v", err)
	}
	return data
}

// save calls SaveFormValues and fails the test on an error.
func save(t testing.TB, db *DB, form, pe string, v vals) *kehoach.SaveResult {
	t.Helper()
	res, err := db.SaveFormValues(sysCtxAs("alice"), kehoach.FormSave{Form: form, Period: pe, Values: v, By: "alice"})
	if err != nil {
		t.Fatalf("SaveFormValues(%s, %s, %v): %v (fields %v)", form, pe, v, err, kehoach.ErrorFields(err))
	}
	return res
}

func wantResult(t testing.TB, got *kehoach.SaveResult, imported, updated, deleted, ignored int) {
	t.Helper()
	if got.Imported != imported || got.Updated != updated || got.Deleted != deleted || got.Ignored != ignored {
		t.Errorf("result = imported %d, updated %d, deleted %d, ignored %d; want %d, %d, %d, %d",
			got.Imported, got.Updated, got.Deleted, got.Ignored, imported, updated, deleted, ignored)
	}
	if len(got.Warnings) != 0 {
		t.Errorf("warnings = %v, want none", got.Warnings)
	}
}

type auditRow struct{ actor, action, entity, key, old, new string }

// audits returns the data_value audit events in order.
func audits(t testing.TB, db *DB) []auditRow {
	t.Helper()
	rows, err := db.Reader().QueryContext(context.Background(),
		`SELECT actor, action, entity, entity_key, old_value, new_value FROM audit_events WHERE entity = 'data_value' ORDER BY id`)
	if err != nil {
		t.Fatalf("audit events: %v", err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var a auditRow
		if err := rows.Scan(&a.actor, &a.action, &a.entity, &a.key, &a.old, &a.new); err != nil {
			t.Fatalf("audit events: %v", err)
		}
		out = append(out, a)
	}
	return out
}

func TestSaveFormValues(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	all := kehoach.DataValueFilter{}
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			if v := dataVersion(t, db.db); v != 0 {
				t.Fatalf("data version before any save = %d, want 0", v)
			}

			// 1. New figures; an empty string for a figure never saved is ignored.
			res := save(t, db.db, "BM_BAN_NAM", "2024", vals{
				"B1": {"HGD_TONG": "120", "HGD_VH": "100", "BAN_VH": "có"},
				"B2": {"HGD_TONG": " 80 ", "HGD_VH": ""},
			})
			wantResult(t, res, 4, 0, 0, 1)
			want := []string{"B1.BAN_VH/2024=true@1", "B1.HGD_TONG/2024=120@1", "B1.HGD_VH/2024=100@1", "B2.HGD_TONG/2024=80@1"}
			if got := dump(t, db.db, all); !slices.Equal(got, want) {
				t.Errorf("after the first save: %v\nwant %v", got, want)
			}
			if v := dataVersion(t, db.db); v != 1 {
				t.Errorf("data version = %d, want 1", v)
			}
			vs, err := db.db.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{"B2"}})
			if err != nil || len(vs) != 1 {
				t.Fatalf("B2 values = %v, %v", vs, err)
			}
			if v := vs[0]; v.StoredBy != "alice" || !v.Updated.Equal(testClock) || v.Disagg != "" || v.Comment != "" || v.Deleted {
				t.Errorf("B2 value = %+v, want stored by alice at %v", *v, testClock)
			}

			// 2. The same figures again, in other spellings of the same
			// values: all ignored, no version taken, no audit event.
			res = save(t, db.db, "BM_BAN_NAM", "2024", vals{
				"B1": {"HGD_TONG": "0120", "HGD_VH": "100", "BAN_VH": "true"},
				"B2": {"HGD_TONG": "80", "HGD_VH": ""},
			})
			wantResult(t, res, 0, 0, 0, 5)
			if got := dump(t, db.db, all); !slices.Equal(got, want) {
				t.Errorf("after re-sending the same values: %v\nwant %v", got, want)
			}
			if v := dataVersion(t, db.db); v != 1 {
				t.Errorf("data version after a save that changed nothing = %d, want 1", v)
			}

			// 3. An update, a deletion (the empty string; spaces alone are
			// refused, TestSaveBlankIsNotRemoval) and an unchanged figure.
			res = save(t, db.db, "BM_BAN_NAM", "2024", vals{
				"B1": {"HGD_VH": "110", "HGD_TONG": "120"},
				"B2": {"HGD_TONG": ""},
			})
			wantResult(t, res, 0, 1, 1, 1)
			want = []string{"B1.BAN_VH/2024=true@1", "B1.HGD_TONG/2024=120@1", "B1.HGD_VH/2024=110@2"}
			if got := dump(t, db.db, all); !slices.Equal(got, want) {
				t.Errorf("after update and delete: %v\nwant %v", got, want)
			}
			if v := dataVersion(t, db.db); v != 2 {
				t.Errorf("data version = %d, want 2", v)
			}

			// 4. A deleted figure typed again is imported anew.
			res = save(t, db.db, "BM_BAN_NAM", "2024", vals{"B2": {"HGD_TONG": "81"}})
			wantResult(t, res, 1, 0, 0, 0)
			if got := live(t, db.db, kehoach.DataValueFilter{Units: []string{"B2"}}); !slices.Equal(got, []string{"B2.HGD_TONG/2024=81"}) {
				t.Errorf("B2 after re-typing = %v", got)
			}

			// Every change has its audit event, none for ignored cells.
			wantAudit := []auditRow{
				{"alice", "create", "data_value", "BAN_VH/B1/2024", "", "true"},
				{"alice", "create", "data_value", "HGD_TONG/B1/2024", "", "120"},
				{"alice", "create", "data_value", "HGD_VH/B1/2024", "", "100"},
				{"alice", "create", "data_value", "HGD_TONG/B2/2024", "", "80"},
				{"alice", "update", "data_value", "HGD_VH/B1/2024", "100", "110"},
				{"alice", "delete", "data_value", "HGD_TONG/B2/2024", "80", ""},
				{"alice", "create", "data_value", "HGD_TONG/B2/2024", "", "81"},
			}
			got := audits(t, db.db)
			// Within one save the order of cells is not specified.
			if !sameAudit(got, wantAudit) {
				t.Errorf("audit events:\n%v\nwant\n%v", got, wantAudit)
			}
		})
	}
}

// sameAudit compares audit events as multisets.
func sameAudit(a, b []auditRow) bool {
	key := func(rs []auditRow) []string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = fmt.Sprint(r)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}

// Canonical forms of what people type: Vietnamese yes/no, NFD text,
// thousands spaces in integers, a decimal comma in numbers.
func TestSaveFormValuesValueTypes(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			extra := &kehoach.Bundle{
				Elements: []*kehoach.DataElement{
					{Code: "W_NUM", Name: "Kinh phí", ShortName: "Kinh phí", ValueType: kehoach.TypeNumber, Aggregation: kehoach.AggSum, UnitKinds: []string{"village"}},
					{Code: "W_TEXT", Name: "Ghi chú", ShortName: "Ghi chú", ValueType: kehoach.TypeText, Aggregation: kehoach.AggLast, UnitKinds: []string{"village"}},
				},
				Forms: []*kehoach.Form{{Code: "BM_W", Name: "Biểu thử", PeriodType: "yearly", Elements: []string{"W_NUM", "W_TEXT"}}},
			}
			if err := db.db.LoadBundle(ctx, extra, "test"); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				form, pe, unit, el, raw, want string
			}{
				{"BM_BAN", "2024Q1", "B1", "BAN_LOA", "Có", "true"},
				{"BM_BAN", "2024Q1", "B1", "BAN_NVH", "không", "false"},
				{"BM_BAN", "2024Q1", "B1", "BAN_DVN", "1", "true"},
				{"BM_BAN", "2024Q1", "B2", "BAN_DVN", norm.NFD.String("không"), "false"},
				{"BM_BAN_NAM", "2024", "B1", "HGD_TONG", "1 200", "1200"},
				{"BM_W", "2024", "B1", "W_NUM", "12,5", "12.5"},
				{"BM_W", "2024", "B2", "W_NUM", "-3.25", "-3.25"},
				{"BM_W", "2024", "B1", "W_TEXT", norm.NFD.String("  Đã sửa nhà văn hóa "), "Đã sửa nhà văn hóa"},
			} {
				save(t, db.db, tc.form, tc.pe, vals{tc.unit: {tc.el: tc.raw}})
				got := live(t, db.db, kehoach.DataValueFilter{Units: []string{tc.unit}, Elements: []string{tc.el}, Periods: []string{tc.pe}})
				if want := []string{fmt.Sprintf("%s.%s/%s=%s", tc.unit, tc.el, tc.pe, tc.want)}; !slices.Equal(got, want) {
					t.Errorf("%q saved as %v, want %v", tc.raw, got, want)
				}
			}
			// The text figure has no number for the analytics engine.
			els, _ := db.db.FindDataElements(ctx)
			var textID int64
			for _, e := range els {
				if e.Code == "W_TEXT" {
					textID = e.ID
				}
			}
			var seen int
			if _, err := db.db.ScanValues(ctx, 0, func(r analytics.RawValue) {
				if r.ElementID == textID {
					seen++
					if r.HasNum {
						t.Errorf("text value scanned with a number: %+v", r)
					}
				} else if !r.HasNum {
					t.Errorf("value without a number: %+v", r)
				}
			}); err != nil || seen != 1 {
				t.Errorf("ScanValues: %d text values, %v; want 1", seen, err)
			}
		})
	}
}

func TestSaveFormValuesInvalid(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	const (
		ruleHGD = "Số hộ gia đình văn hóa không thể lớn hơn tổng số hộ"
		ruleNVH = "Nhà văn hóa đạt chuẩn phải là nhà văn hóa đã có"
	)
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			// Early 2026, so that the periods after Xã Cũ ends (June 2025)
			// are open for entry and its validity is what refuses them.
			db.db.Now = func() time.Time { return time.Date(2026, 1, 10, 3, 0, 0, 0, time.UTC) }
			// Stored figures that rules are checked against.
			save(t, db.db, "BM_BAN_NAM", "2024", vals{
				"B3": {"HGD_TONG": "40"},
				"B5": {"HGD_TONG": "40", "HGD_VH": "30"},
			})
			save(t, db.db, "BM_BAN", "2024Q1", vals{"B4": {"BAN_NVH": "không"}})
			save(t, db.db, "BM_XA", "2025Q2", vals{"XA_OLD": {"XA_NVH": "có"}}) // still valid then
			before := dump(t, db.db, kehoach.DataValueFilter{})
			version := dataVersion(t, db.db)
			events := countRows(t, db.db, "audit_events")

			for _, tc := range []struct {
				name     string
				form, pe string
				values   vals
				fields   map[string]string // key → part of the reason
			}{
				{"negative count", "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": "-3"}},
					map[string]string{"B1.HGD_TONG": "không được là số âm"}},
				{"not a number", "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": "mười"}},
					map[string]string{"B1.HGD_TONG": "không phải là số"}},
				{"decimal for an integer", "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": "12.5"}},
					map[string]string{"B1.HGD_TONG": "phải là số nguyên"}},
				{"decimal comma for an integer", "BM_BAN_NAM", "2024", vals{"B1": {"HGD_VH": "12,5"}},
					map[string]string{"B1.HGD_VH": "phải là số nguyên"}},
				{"yes/no given maybe", "BM_BAN", "2024Q1", vals{"B1": {"BAN_LOA": "maybe"}},
					map[string]string{"B1.BAN_LOA": "phải là Có hoặc Không"}},
				{"numerator above denominator", "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": "40", "HGD_VH": "50"}},
					map[string]string{"B1.HGD_VH": ruleHGD, "B1.HGD_TONG": ruleHGD}},
				{"standard without a house", "BM_BAN", "2024Q1", vals{"B1": {"BAN_NVH_CHUAN": "true", "BAN_NVH": "false"}},
					map[string]string{"B1.BAN_NVH_CHUAN": ruleNVH, "B1.BAN_NVH": ruleNVH}},
				{"numerator above the stored denominator", "BM_BAN_NAM", "2024", vals{"B3": {"HGD_VH": "50"}},
					map[string]string{"B3.HGD_VH": ruleHGD, "B3.HGD_TONG": ruleHGD}},
				{"denominator below the stored numerator", "BM_BAN_NAM", "2024", vals{"B5": {"HGD_TONG": "20"}},
					map[string]string{"B5.HGD_VH": ruleHGD, "B5.HGD_TONG": ruleHGD}},
				{"standard without the stored house", "BM_BAN", "2024Q1", vals{"B4": {"BAN_NVH_CHUAN": "có"}},
					map[string]string{"B4.BAN_NVH_CHUAN": ruleNVH, "B4.BAN_NVH": ruleNVH}},
				{"rule and a bad cell of the same unit", "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": "40", "HGD_VH": "50", "BAN_VH": "hmm"}},
					map[string]string{"B1.HGD_VH": ruleHGD, "B1.HGD_TONG": ruleHGD, "B1.BAN_VH": "phải là Có hoặc Không"}},
				{"unknown unit", "BM_BAN_NAM", "2024", vals{"NOPE": {"HGD_TONG": "1"}},
					map[string]string{"NOPE": `không có đơn vị mã "NOPE"`}},
				{"unknown period", "BM_BAN", "2024Q5", vals{"B1": {"BAN_LOA": "có"}},
					map[string]string{"period": "quý phải từ 1 đến 4"}},
				{"malformed period", "BM_BAN", "2024-01", vals{"B1": {"BAN_LOA": "có"}},
					map[string]string{"period": "không đúng định dạng"}},
				{"yearly period for a quarterly form", "BM_BAN", "2024", vals{"B1": {"BAN_LOA": "có"}},
					map[string]string{"period": "không khớp loại kỳ"}},
				{"quarter for a yearly form", "BM_BAN_NAM", "2024Q1", vals{"B1": {"HGD_TONG": "1"}},
					map[string]string{"period": "không khớp loại kỳ"}},
				{"commune in the village form", "BM_BAN", "2024Q1", vals{"XA_A": {"BAN_LOA": "có"}},
					map[string]string{"XA_A.BAN_LOA": "không báo cáo chỉ số này"}},
				{"village in the commune form", "BM_CANBO", "2024", vals{"B1": {"CB_LD_TONG": "3"}},
					map[string]string{"B1.CB_LD_TONG": "không báo cáo chỉ số này"}},
				{"element of another form", "BM_BAN", "2024Q1", vals{"B1": {"HGD_TONG": "5"}},
					map[string]string{"B1.HGD_TONG": "không thuộc biểu mẫu"}},
				{"unknown element", "BM_BAN", "2024Q1", vals{"B1": {"NOPE": "5"}},
					map[string]string{"B1.NOPE": "không thuộc biểu mẫu"}},
				{"unit not valid in the period", "BM_XA", "2025Q4", vals{"XA_OLD": {"XA_NVH": "có"}},
					map[string]string{"XA_OLD": "không tồn tại trong kỳ"}},
				{"unit not yet valid", "BM_XA", "2025Q3", vals{"XA_OLD": {"XA_NVH": ""}},
					map[string]string{"XA_OLD": "không tồn tại trong kỳ"}},
				{"one bad cell among good ones", "BM_BAN_NAM", "2024", vals{
					"B1": {"HGD_TONG": "100", "HGD_VH": "90", "BAN_VH": "có"},
					"B2": {"HGD_TONG": "abc", "HGD_VH": "3"},
					"B6": {"HGD_TONG": "7"},
					"B3": {"HGD_TONG": ""},
				}, map[string]string{"B2.HGD_TONG": "không phải là số"}},
				{"good cells and an unknown unit", "BM_BAN", "2024Q1", vals{
					"B1": {"BAN_LOA": "có"}, "B7": {"BAN_NVH": "có", "BAN_NVH_CHUAN": "có"}, "X": {"BAN_LOA": "có"},
				}, map[string]string{"X": `không có đơn vị mã "X"`}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					res, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: tc.form, Period: tc.pe, Values: tc.values, By: "mallory"})
					if res != nil {
						t.Errorf("result %+v with an error", *res)
					}
					wantCode(t, err, kehoach.EINVALID)
					fields := kehoach.ErrorFields(err)
					if got, want := slices.Sorted(maps.Keys(fields)), slices.Sorted(maps.Keys(tc.fields)); !slices.Equal(got, want) {
						t.Errorf("error fields %v, want %v", fields, want)
					}
					for k, part := range tc.fields {
						if !strings.Contains(fields[k], part) {
							t.Errorf("fields[%q] = %q, want it to contain %q", k, fields[k], part)
						}
					}
					if kehoach.ErrorMessage(err) == "" {
						t.Error("no message")
					}
					if got := dump(t, db.db, kehoach.DataValueFilter{}); !slices.Equal(got, before) {
						t.Errorf("values changed by a failed save:\n%v\nwant\n%v", got, before)
					}
					if v := dataVersion(t, db.db); v != version {
						t.Errorf("data version = %d after a failed save, want %d", v, version)
					}
					if n := countRows(t, db.db, "audit_events"); n != events {
						t.Errorf("%d audit events after a failed save, want %d", n, events)
					}
				})
			}

			// The cell messages say how many cells and that nothing was saved.
			_, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", Values: vals{"B1": {"HGD_TONG": "x", "HGD_VH": "-1"}}, By: "mallory"})
			if msg := kehoach.ErrorMessage(err); msg != "Có 2 ô chưa hợp lệ; chưa lưu số liệu nào." {
				t.Errorf("message = %q", msg)
			}
			// An unknown form is not found, not invalid.
			_, err = db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "NOPE", Period: "2024", Values: vals{"B1": {"HGD_TONG": "1"}}, By: "mallory"})
			wantCode(t, err, kehoach.ENOTFOUND)

			// Deleting the denominator while the numerator stays breaks no
			// rule: a side without a value does not count.
			res := save(t, db.db, "BM_BAN_NAM", "2024", vals{"B5": {"HGD_TONG": ""}})
			wantResult(t, res, 0, 0, 1, 0)
			// Equal sides satisfy ≤.
			res = save(t, db.db, "BM_BAN_NAM", "2024", vals{"B3": {"HGD_VH": "40"}})
			wantResult(t, res, 1, 0, 0, 0)
		})
	}
}

// A rule of medium importance warns and saves.
func TestSaveFormValuesWarnings(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			extra := &kehoach.Bundle{
				Elements: []*kehoach.DataElement{
					{Code: "W_A", Name: "Buổi sinh hoạt", ShortName: "A", ValueType: kehoach.TypeInteger, Aggregation: kehoach.AggSum, UnitKinds: []string{"village"}},
					{Code: "W_B", Name: "Buổi dự kiến", ShortName: "B", ValueType: kehoach.TypeInteger, Aggregation: kehoach.AggSum, UnitKinds: []string{"village"}},
				},
				Forms: []*kehoach.Form{{Code: "BM_W", Name: "Biểu thử", PeriodType: "yearly", Elements: []string{"W_A", "W_B"},
					Rules: []*kehoach.ValidationRule{{Left: "#{W_A}", Op: "<=", Right: "#{W_B}", Importance: kehoach.ImportanceMedium, Message: "Nhiều buổi hơn dự kiến"}}}},
			}
			if err := db.db.LoadBundle(ctx, extra, "test"); err != nil {
				t.Fatal(err)
			}
			res := save(t, db.db, "BM_W", "2024", vals{"B1": {"W_A": "5", "W_B": "3"}, "B2": {"W_A": "1", "W_B": "3"}})
			if res.Imported != 4 {
				t.Errorf("imported %d, want 4", res.Imported)
			}
			want := map[string]string{"B1.W_A": "Nhiều buổi hơn dự kiến", "B1.W_B": "Nhiều buổi hơn dự kiến"}
			if !reflect.DeepEqual(res.Warnings, want) {
				t.Errorf("warnings = %v, want %v", res.Warnings, want)
			}
		})
	}
}

func TestVersionsAndScanValues(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			els, err := db.db.FindDataElements(ctx)
			if err != nil {
				t.Fatal(err)
			}
			us, err := db.db.FindUnits(ctx, kehoach.UnitFilter{})
			if err != nil {
				t.Fatal(err)
			}
			elCode, unitCode := map[int64]string{}, map[int64]string{}
			for _, e := range els {
				elCode[e.ID] = e.Code
			}
			for _, u := range us {
				unitCode[u.ID] = u.Code
			}
			scan := func(since int64) ([]string, int64) {
				t.Helper()
				var out []string
				upto, err := db.db.ScanValues(ctx, since, func(r analytics.RawValue) {
					s := fmt.Sprintf("%s.%s/%s", unitCode[r.UnitID], elCode[r.ElementID], r.Period)
					if r.Disagg != "" {
						s += "/" + r.Disagg
					}
					if r.Deleted {
						s += " deleted"
					} else if r.HasNum {
						s += fmt.Sprintf("=%g", r.Num)
					}
					out = append(out, s)
				})
				if err != nil {
					t.Fatalf("ScanValues(%d): %v", since, err)
				}
				slices.Sort(out)
				return out, upto
			}
			versions := func(wantData, wantMeta int64) {
				t.Helper()
				data, meta, err := db.db.Versions(ctx)
				if err != nil || data != wantData || meta != wantMeta {
					t.Errorf("Versions = %d, %d, %v; want %d, %d", data, meta, err, wantData, wantMeta)
				}
			}
			versions(0, 1)
			if got, upto := scan(0); len(got) != 0 || upto != 0 {
				t.Errorf("ScanValues(0) on no figures = %v, %d", got, upto)
			}

			save(t, db.db, "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": "120", "HGD_VH": "100", "BAN_VH": "có"}, "B2": {"HGD_TONG": "80"}})
			versions(1, 1)
			save(t, db.db, "BM_BAN", "2024Q1", vals{"B1": {"BAN_LOA": "không"}, "B2": {"BAN_LOA": "có"}})
			versions(2, 1)
			// Nothing changes: the version stays.
			save(t, db.db, "BM_BAN", "2024Q1", vals{"B1": {"BAN_LOA": "false"}})
			versions(2, 1)
			// A deletion, an update and an unchanged figure.
			save(t, db.db, "BM_BAN_NAM", "2024", vals{"B1": {"HGD_VH": "", "HGD_TONG": "121"}, "B2": {"HGD_TONG": "80"}})
			versions(3, 1)
			// A failed save takes no version.
			if _, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN", Period: "2024Q1", Values: vals{"B1": {"BAN_LOA": "?"}}, By: "x"}); kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Fatalf("bad save: %v", err)
			}
			versions(3, 1)

			allLive := []string{"B1.BAN_LOA/2024Q1=0", "B1.BAN_VH/2024=1", "B1.HGD_TONG/2024=121", "B2.BAN_LOA/2024Q1=1", "B2.HGD_TONG/2024=80"}
			for _, tc := range []struct {
				since int64
				want  []string
			}{
				{0, allLive},
				{1, []string{"B1.BAN_LOA/2024Q1=0", "B1.HGD_TONG/2024=121", "B1.HGD_VH/2024 deleted", "B2.BAN_LOA/2024Q1=1"}},
				{2, []string{"B1.HGD_TONG/2024=121", "B1.HGD_VH/2024 deleted"}},
				{3, nil},
				{99, nil},
			} {
				got, upto := scan(tc.since)
				if !slices.Equal(got, tc.want) || upto != 3 {
					t.Errorf("ScanValues(%d) = %v up to %d\nwant %v up to 3", tc.since, got, upto, tc.want)
				}
			}

			// Another bundle with figures takes one data version and bumps meta.
			extra := &kehoach.Bundle{Values: []*kehoach.DataValue{{Element: "HGD_TONG", Unit: "B3", Period: "2024", Value: "55"}}}
			if err := db.db.LoadBundle(ctx, extra, "test"); err != nil {
				t.Fatal(err)
			}
			versions(4, 2)
			if got, upto := scan(3); !slices.Equal(got, []string{"B3.HGD_TONG/2024=55"}) || upto != 4 {
				t.Errorf("ScanValues(3) after a bundle = %v up to %d", got, upto)
			}
		})
	}
}

func TestFindDataValues(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			for _, pe := range []string{"2023", "2024"} {
				save(t, db.db, "BM_BAN_NAM", pe, vals{
					"B1":    {"HGD_TONG": "100", "HGD_VH": "90"},
					"B2":    {"HGD_TONG": "50"},
					"B_OLD": {"HGD_TONG": "30", "BAN_VH": "có"},
				})
				save(t, db.db, "BM_CANBO", pe, vals{"XA_A": {"CB_LD_TONG": "9"}})
			}
			save(t, db.db, "BM_BAN", "2024Q4", vals{"B1": {"BAN_LOA": "có"}})
			save(t, db.db, "BM_BAN_NAM", "2023", vals{"B2": {"HGD_TONG": ""}}) // deleted: never listed

			for _, tc := range []struct {
				name string
				f    kehoach.DataValueFilter
				want []string
			}{
				{"one unit", kehoach.DataValueFilter{Units: []string{"XA_A"}},
					[]string{"XA_A.CB_LD_TONG/2023=9", "XA_A.CB_LD_TONG/2024=9"}},
				{"commune with children", kehoach.DataValueFilter{Units: []string{"XA_A"}, Children: true, Periods: []string{"2024"}}, []string{
					"B1.HGD_TONG/2024=100", "B1.HGD_VH/2024=90", "B2.HGD_TONG/2024=50", "XA_A.CB_LD_TONG/2024=9"}},
				{"district with children, one element", kehoach.DataValueFilter{Units: []string{"H"}, Children: true, Elements: []string{"HGD_TONG"}}, []string{
					"B1.HGD_TONG/2023=100", "B1.HGD_TONG/2024=100", "B2.HGD_TONG/2024=50", "B_OLD.HGD_TONG/2023=30", "B_OLD.HGD_TONG/2024=30"}},
				{"two communes with children, two elements", kehoach.DataValueFilter{Units: []string{"XA_A", "XA_OLD"}, Children: true,
					Periods: []string{"2023"}, Elements: []string{"BAN_VH", "CB_LD_TONG"}}, []string{
					"B_OLD.BAN_VH/2023=true", "XA_A.CB_LD_TONG/2023=9"}},
				{"village without children flag", kehoach.DataValueFilter{Units: []string{"B1"}, Periods: []string{"2024Q4", "2023"}}, []string{
					"B1.BAN_LOA/2024Q4=true", "B1.HGD_TONG/2023=100", "B1.HGD_VH/2023=90"}},
				{"period", kehoach.DataValueFilter{Periods: []string{"2024Q4"}}, []string{"B1.BAN_LOA/2024Q4=true"}},
				{"no match", kehoach.DataValueFilter{Units: []string{"CQ"}, Children: true}, nil},
				{"unknown unit", kehoach.DataValueFilter{Units: []string{"NOPE"}, Children: true}, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if got := live(t, db.db, tc.f); !slices.Equal(got, tc.want) {
						t.Errorf("FindDataValues(%+v) = %v\nwant %v", tc.f, got, tc.want)
					}
				})
			}
			if n := len(live(t, db.db, kehoach.DataValueFilter{})); n != 12 {
				t.Errorf("%d live values, want 12", n)
			}
		})
	}
}

// testFindDataValuesDemo checks, on the demo, that a commune with its
// children has exactly the demo figures of the commune, its villages and
// its school.
func testFindDataValuesDemo(t *testing.T, db namedDB, b *kehoach.Bundle) {
	under := map[string]bool{"XA_BINHLU": true, "TH_BINHLU": true}
	for _, v := range villagesOf(b, "XA_BINHLU") {
		under[v] = true
	}
	var want []string
	for _, v := range b.Values {
		if under[v.Unit] && v.Period == "2024Q4" {
			want = append(want, fmt.Sprintf("%s.%s/%s=%s", v.Unit, v.Element, v.Period, v.Value))
		}
	}
	slices.Sort(want)
	if len(want) < 4*7 {
		t.Fatalf("only %d demo values for 2024Q4 under XA_BINHLU", len(want))
	}
	got := live(t, db.db, kehoach.DataValueFilter{Units: []string{"XA_BINHLU"}, Children: true, Periods: []string{"2024Q4"}})
	if !slices.Equal(got, want) {
		t.Errorf("values under XA_BINHLU in 2024Q4:\n%v\nwant\n%v", got, want)
	}
	var n int
	if _, err := db.db.ScanValues(context.Background(), 0, func(analytics.RawValue) { n++ }); err != nil || n != len(b.Values) {
		t.Errorf("ScanValues(0) = %d values, %v; want %d", n, err, len(b.Values))
	}
}

// 8 goroutines save different villages' figures at once, several
// saves each: on SQLite the single writer queues them (no
// SQLITE_BUSY), and every figure is there afterwards.
func TestSaveFormValuesConcurrent(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	const workers, quarters = 8, 4
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			var wg sync.WaitGroup
			errs := make(chan error, workers*(quarters+1))
			var want []string
			for w := range workers {
				unit := fmt.Sprintf("B%d", w+1)
				tong := 50 + w
				want = append(want, fmt.Sprintf("%s.HGD_TONG/2024=%d", unit, tong), fmt.Sprintf("%s.HGD_VH/2024=%d", unit, tong-w))
				for q := 1; q <= quarters; q++ {
					want = append(want, fmt.Sprintf("%s.BAN_LOA/2024Q%d=true", unit, q), fmt.Sprintf("%s.BAN_NVH/2024Q%d=%v", unit, q, q%2 == 0))
				}
				wg.Go(func() {
					res, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", Values: vals{unit: {"HGD_TONG": fmt.Sprint(tong), "HGD_VH": fmt.Sprint(tong - w)}}, By: unit})
					if err == nil && res.Imported != 2 {
						err = fmt.Errorf("%s: imported %d, want 2", unit, res.Imported)
					}
					if err != nil {
						errs <- err
					}
					for q := 1; q <= quarters; q++ {
						res, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN", Period: fmt.Sprintf("2024Q%d", q), Values: vals{unit: {"BAN_LOA": "có", "BAN_NVH": fmt.Sprint(q%2 == 0)}}, By: unit})
						if err == nil && res.Imported != 2 {
							err = fmt.Errorf("%s Q%d: imported %d, want 2", unit, q, res.Imported)
						}
						if err != nil {
							errs <- err
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("concurrent save: %v", err)
			}
			slices.Sort(want)
			if got := live(t, db.db, kehoach.DataValueFilter{}); !slices.Equal(got, want) {
				t.Errorf("values after concurrent saves (%d):\n%v\nwant (%d)\n%v", len(got), got, len(want), want)
			}
			// Each save took its own version, and the values of one save
			// share it.
			if v := dataVersion(t, db.db); v != workers*(quarters+1) {
				t.Errorf("data version = %d, want %d", v, workers*(quarters+1))
			}
			byVersion := map[int64]int{}
			vs, err := db.db.FindDataValues(ctx, kehoach.DataValueFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				byVersion[v.Version]++
			}
			if len(byVersion) != workers*(quarters+1) {
				t.Errorf("%d distinct versions, want %d", len(byVersion), workers*(quarters+1))
			}
			for v, n := range byVersion {
				if n != 2 {
					t.Errorf("version %d holds %d values, want 2", v, n)
				}
			}
			if n := len(audits(t, db.db)); n != len(want) {
				t.Errorf("%d audit events, want %d", n, len(want))
			}
		})
	}
}
