package store

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kehoach"
)

// tinyBundle is a complete small bundle: two units, one element, one form,
// one indicator, one plan with a target and a task, and one figure.
func tinyBundle() *kehoach.Bundle {
	return &kehoach.Bundle{
		Units: []*kehoach.Unit{
			{Code: "P", Name: "Tỉnh Thử", Kind: kehoach.KindProvince, Level: 1},
			{Code: "C", Name: "Xã Thử", Kind: kehoach.KindCommune, Level: 2, ParentCode: "P", ValidTo: "2025-06-30"},
			{Code: "C2", Name: "Xã Mới", Kind: kehoach.KindCommune, Level: 2, ParentCode: "P", ValidFrom: "2025-07-01"},
		},
		Links: []kehoach.UnitLink{{From: "C", To: "C2", Kind: kehoach.LinkRename, Date: "2025-07-01"}},
		Elements: []*kehoach.DataElement{
			{Code: "E", Name: "Số hộ", ShortName: "Hộ", ValueType: kehoach.TypeInteger, Aggregation: kehoach.AggLast, UnitKinds: []string{"commune"}},
		},
		Forms: []*kehoach.Form{{Code: "F", Name: "Biểu", PeriodType: "yearly", Elements: []string{"E"}}},
		Indicators: []*kehoach.Indicator{
			{Code: "I", Name: "Số hộ", Numerator: "#{E}", Denominator: "1", Factor: 1},
		},
		Plans: []*kehoach.Plan{{Code: "KH", Number: "1/KH", Title: "Kế hoạch thử", IssuerCode: "P", IssuedOn: "2024-01-02",
			Targets: []*kehoach.Target{{Code: "1", Text: "Số hộ", IndicatorCode: "I", Op: kehoach.OpGE, Value: 10,
				Deadline: "2025", BaselinePeriod: "2023", ScopeCode: "P"}},
			Tasks: []*kehoach.Task{{Code: "T1", Section: "III", Title: "Làm", LeadCode: "P", Coordinators: []string{"C"}}},
		}},
		Values: []*kehoach.DataValue{{Element: "E", Unit: "C", Period: "2024", Value: "12"}},
	}
}

func TestLoadBundle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			b := tinyBundle()
			b.Units[1].Name = norm.NFD.String("  Xã Thử ")
			if err := db.db.LoadBundle(ctx, b, "loader"); err != nil {
				t.Fatal(err)
			}
			for table, want := range map[string]int{"units": 3, "unit_links": 1, "data_elements": 1, "forms": 1, "form_elements": 1,
				"indicators": 1, "plans": 1, "targets": 1, "tasks": 1, "task_units": 1, "data_values": 1, "audit_events": 1} {
				if n := countRows(t, db.db, table); n != want {
					t.Errorf("%s: %d rows, want %d", table, n, want)
				}
			}
			if data, meta, err := db.db.Versions(ctx); err != nil || data != 1 || meta != 1 {
				t.Errorf("Versions = %d, %d, %v; want 1, 1", data, meta, err)
			}
			u, err := db.db.FindUnitByCode(ctx, "C")
			if err != nil || u.Name != "Xã Thử" {
				t.Errorf("unit C name = %q, %v; want NFC, trimmed %q", u.Name, err, "Xã Thử")
			}
			vs, err := db.db.FindDataValues(ctx, kehoach.DataValueFilter{})
			if err != nil || len(vs) != 1 || vs[0].Value != "12" || vs[0].StoredBy != "loader" || vs[0].Version != 1 || !vs[0].Updated.Equal(testClock) {
				t.Errorf("values = %v, %v", vs, err)
			}
			var actor, action, entity string
			if err := db.db.Reader().QueryRowContext(ctx, `SELECT actor, action, entity FROM audit_events`).Scan(&actor, &action, &entity); err != nil ||
				actor != "loader" || action != "load" || entity != "bundle" {
				t.Errorf("audit event = %q %q %q, %v; want loader load bundle", actor, action, entity, err)
			}

			// Loading it again conflicts on the unit codes and changes nothing.
			err = db.db.LoadBundle(ctx, tinyBundle(), "loader")
			wantCode(t, err, kehoach.ECONFLICT)
			if n := countRows(t, db.db, "units"); n != 3 {
				t.Errorf("units after a conflicting load = %d, want 3", n)
			}
			if data, meta, err := db.db.Versions(ctx); err != nil || data != 1 || meta != 1 {
				t.Errorf("Versions after a conflicting load = %d, %d, %v; want 1, 1", data, meta, err)
			}
		})
	}
}

// Each broken bundle fails with its code and leaves the database as it
// was: no unit, no element, no plan, no figure, versions at zero.
func TestLoadBundleAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				break_ func(b *kehoach.Bundle)
				code   string
				msg    string
			}{
				{"unknown parent", func(b *kehoach.Bundle) { b.Units[1].ParentCode = "NOPE" }, kehoach.EINVALID, `không có đơn vị cấp trên mã "NOPE"`},
				{"parent listed after child", func(b *kehoach.Bundle) { b.Units[0], b.Units[1] = b.Units[1], b.Units[0] }, kehoach.EINVALID, "không có đơn vị cấp trên"},
				{"duplicate unit code", func(b *kehoach.Bundle) { b.Units[2].Code = "C" }, kehoach.ECONFLICT, `mã đơn vị "C" đã có`},
				{"target's indicator missing", func(b *kehoach.Bundle) { b.Plans[0].Targets[0].IndicatorCode = "NOPE" }, kehoach.EINVALID, `"NOPE"`},
				{"target's scope missing", func(b *kehoach.Bundle) { b.Plans[0].Targets[0].ScopeCode = "NOPE" }, kehoach.EINVALID, `"NOPE"`},
				{"target incomplete", func(b *kehoach.Bundle) { b.Plans[0].Targets[0].Text = "" }, kehoach.EINVALID, "thiếu"},
				{"target bad deadline", func(b *kehoach.Bundle) { b.Plans[0].Targets[0].Deadline = "2025Q9" }, kehoach.EINVALID, "2025Q9"},
				{"plan issuer missing", func(b *kehoach.Bundle) { b.Plans[0].IssuerCode = "NOPE" }, kehoach.EINVALID, `"NOPE"`},
				{"task lead missing", func(b *kehoach.Bundle) { b.Plans[0].Tasks[0].LeadCode = "NOPE" }, kehoach.EINVALID, `"NOPE"`},
				{"task coordinator missing", func(b *kehoach.Bundle) { b.Plans[0].Tasks[0].Coordinators = []string{"C", "NOPE"} }, kehoach.EINVALID, `"NOPE"`},
				{"link to unknown unit", func(b *kehoach.Bundle) { b.Links[0].To = "NOPE" }, kehoach.EINVALID, `"NOPE"`},
				{"form element missing", func(b *kehoach.Bundle) { b.Forms[0].Elements = []string{"E", "NOPE"} }, kehoach.EINVALID, `"NOPE"`},
				{"form period type", func(b *kehoach.Bundle) { b.Forms[0].PeriodType = "weekly" }, kehoach.EINVALID, "weekly"},
				{"form rule expression", func(b *kehoach.Bundle) {
					b.Forms[0].Rules = []*kehoach.ValidationRule{{Left: "#{E", Op: "<=", Right: "1", Importance: kehoach.ImportanceHigh, Message: "x"}}
				}, kehoach.EINVALID, "biểu mẫu F"},
				{"indicator expression", func(b *kehoach.Bundle) { b.Indicators[0].Numerator = "#{E} +" }, kehoach.EINVALID, "chỉ tiêu I"},
				{"value of unknown element", func(b *kehoach.Bundle) { b.Values[0].Element = "NOPE" }, kehoach.EINVALID, "NOPE/C/2024"},
				{"value of unknown unit", func(b *kehoach.Bundle) { b.Values[0].Unit = "NOPE" }, kehoach.EINVALID, "E/NOPE/2024"},
				{"value not a number", func(b *kehoach.Bundle) { b.Values[0].Value = "mười hai" }, kehoach.EINVALID, "không phải là số"},
				{"negative value", func(b *kehoach.Bundle) { b.Values[0].Value = "-1" }, kehoach.EINVALID, "không được là số âm"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					b := tinyBundle()
					tc.break_(b)
					err := db.db.LoadBundle(ctx, b, "test")
					wantCode(t, err, tc.code)
					if msg := kehoach.ErrorMessage(err); !strings.Contains(msg, tc.msg) {
						t.Errorf("message %q does not contain %q", msg, tc.msg)
					}
					for _, table := range []string{"units", "unit_links", "data_elements", "forms", "indicators", "plans", "targets", "tasks", "data_values", "audit_events"} {
						if n := countRows(t, db.db, table); n != 0 {
							t.Errorf("%s: %d rows after a failed load, want 0", table, n)
						}
					}
					if data, meta, err := db.db.Versions(ctx); err != nil || data != 0 || meta != 0 {
						t.Errorf("Versions after a failed load = %d, %d, %v; want 0, 0", data, meta, err)
					}
				})
			}
		})
	}
}
