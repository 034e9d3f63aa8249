package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"kehoach"
)

// unusualBundle is a commune with six villages reporting households
// yearly, about a hundred each, in 2023 and 2024.
func unusualBundle() *kehoach.Bundle {
	b := reorgBundle()
	b.Units = b.Units[:2]
	b.Values = nil
	for i := range 6 {
		code := fmt.Sprintf("V%d", i)
		b.Units = append(b.Units, &kehoach.Unit{Code: code, Name: "Bản " + code, Kind: kehoach.KindVillage, Level: 3, ParentCode: "A"})
		for _, pe := range []string{"2023", "2024"} {
			b.Values = append(b.Values, &kehoach.DataValue{Element: "E", Unit: code, Period: pe, Value: fmt.Sprint(100 + 3*i)})
		}
	}
	return b
}

// TestUnusualInWritePath (issue 9, point 4): every writer gets the same
// plausibility check. A figure far from the unit's last report or from its
// peers is refused with the reason and the range expected, and nothing is
// saved; confirmed or commented, it is saved with its reason for the
// approver. A figure sent as stored, or a usual one, is not asked about.
func TestUnusualInWritePath(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
			if err := db.db.LoadBundle(ctx, unusualBundle(), "test"); err != nil {
				t.Fatal(err)
			}
			save := func(c kehoach.ValueCell) error {
				c.Element = "E"
				if c.Period == "" {
					c.Period = "2025"
				}
				_, err := db.db.SaveValues(ctx, kehoach.ValueBatch{Cells: []kehoach.ValueCell{c}, By: "test"})
				return err
			}
			stored := func(unit string) *kehoach.DataValue {
				vs, err := db.db.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{unit}, Periods: []string{"2025"}})
				if err != nil {
					t.Fatal(err)
				}
				if len(vs) == 0 {
					return nil
				}
				return vs[0]
			}
			err := save(kehoach.ValueCell{Unit: "V0", Value: "1000000"})
			if msg := kehoach.ErrorFields(err)["V0.E/2025"]; !strings.Contains(msg, kehoach.UnusualPrefix+"khác nhiều so với kỳ trước (100 → 1.000.000), khoảng thường gặp 33–300") {
				t.Fatalf("unusual figure: %v %q", err, msg)
			}
			// Against its peers of the same period: 115 → 300 is no jump,
			// but the five other villages are 100–112.
			err = save(kehoach.ValueCell{Unit: "V5", Period: "2024", Value: "300"})
			if msg := kehoach.ErrorFields(err)["V5.E/2024"]; !strings.Contains(msg, kehoach.UnusualPrefix+"khác thường so với 5 đơn vị cùng loại, khoảng thường gặp") || strings.Contains(msg, "kỳ trước") {
				t.Fatalf("outlier: %v %q", err, msg)
			}
			if stored("V0") != nil {
				t.Fatal("an unusual figure was saved unconfirmed")
			}
			if err := save(kehoach.ValueCell{Unit: "V1", Value: "104"}); err != nil {
				t.Fatalf("a usual figure: %v", err)
			}
			if err := save(kehoach.ValueCell{Unit: "V0", Value: "1000000", Confirmed: true}); err != nil {
				t.Fatal(err)
			}
			if v := stored("V0"); v == nil || !strings.HasPrefix(v.Comment, kehoach.FlagPrefix+"khác nhiều so với kỳ trước") {
				t.Fatalf("confirmed figure: %+v", v)
			}
			if err := save(kehoach.ValueCell{Unit: "V2", Value: "5", Comment: "bản tách đôi"}); err != nil {
				t.Fatal(err)
			}
			if v := stored("V2"); v == nil || !strings.HasPrefix(v.Comment, kehoach.FlagPrefix) || !strings.HasSuffix(v.Comment, ". Ghi chú: bản tách đôi") {
				t.Fatalf("commented figure: %+v", v)
			}
			// Sent again as the page showed it: not this person's to answer.
			if err := save(kehoach.ValueCell{Unit: "V0", Value: "1000000", Original: "1000000", HasOriginal: true}); err != nil {
				t.Fatalf("unchanged figure asked about: %v", err)
			}
		})
	}
}
