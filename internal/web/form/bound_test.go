package form_test

import (
	"net/url"
	"strings"
	"testing"

	"kehoach"
	"kehoach/internal/web/form"
)

func TestDecodeBound(t *testing.T) {
	count := &kehoach.DataElement{Code: "HGD_TONG", ValueType: kehoach.TypeInteger}
	rate := &kehoach.DataElement{Code: "TY_LE", ValueType: kehoach.TypeNumber}
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name     string
		el       *kehoach.DataElement
		body     url.Values
		want     kehoach.Bound
		badField string
		badWhy   string
	}{
		{"a unit's range, thousands dots", count, url.Values{"target": {"unit"}, "unit": {" xa_banbo_b01 "}, "min": {"50"}, "max": {"1.000"}, "note": {"Sổ hộ khẩu"}},
			kehoach.Bound{Element: "HGD_TONG", Unit: "XA_BANBO_B01", Min: f(50), Max: f(1000), Note: "Sổ hộ khẩu"}, "", ""},
		{"a kind's maximum only", count, url.Values{"target": {"kind"}, "unit": {"IGNORED"}, "kind": {"village"}, "max": {"5 000"}},
			kehoach.Bound{Element: "HGD_TONG", Kind: "village", Max: f(5000)}, "", ""},
		{"a decimal comma", rate, url.Values{"unit": {"XA"}, "min": {"-2,5"}, "max": {"99,5"}},
			kehoach.Bound{Element: "TY_LE", Unit: "XA", Min: f(-2.5), Max: f(99.5)}, "", ""},
		{"not a number", count, url.Values{"unit": {"XA"}, "min": {"năm"}}, kehoach.Bound{}, "min", "Giá trị nhỏ nhất: không phải là số"},
		{"a fraction for a count", count, url.Values{"unit": {"XA"}, "max": {"1,5"}}, kehoach.Bound{}, "max", "phải là số nguyên"},
		{"a negative count", count, url.Values{"unit": {"XA"}, "min": {"-1"}}, kehoach.Bound{}, "min", "không được là số âm"},
		{"NaN", rate, url.Values{"unit": {"XA"}, "max": {"NaN"}}, kehoach.Bound{}, "max", "không phải là số"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := form.DecodeBound(post("/planner/elements/X/bounds", tc.body.Encode()), tc.el)
			if b == nil {
				t.Fatalf("nothing decoded: %v", err)
			}
			if tc.badField != "" {
				if got := kehoach.ErrorFields(err)[tc.badField]; !strings.Contains(got, tc.badWhy) {
					t.Fatalf("field %s: %q, want %q (%v)", tc.badField, got, tc.badWhy, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			same := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
			if b.Element != tc.want.Element || b.Unit != tc.want.Unit || b.Kind != tc.want.Kind || b.Note != tc.want.Note || !same(b.Min, tc.want.Min) || !same(b.Max, tc.want.Max) {
				t.Errorf("decoded %+v, want %+v", b, tc.want)
			}
		})
	}
}

func TestDecodeBoundProposals(t *testing.T) {
	count := &kehoach.DataElement{Code: "HGD_TONG", ValueType: kehoach.TypeInteger}
	body := url.Values{"keep": {"B01", "B03", "B01"}, "unit": {"B01", "B02", "B03"},
		"min.B01": {"60"}, "max.B01": {"180"}, "note.B01": {"đề xuất"},
		"min.B02": {"1"}, "max.B02": {"2"},
		"min.B03": {"x"}, "max.B03": {"9"}}
	bs, err := form.DecodeBoundProposals(post("/p", body.Encode()), count)
	if len(bs) != 2 || bs[0].Unit != "B01" || *bs[0].Min != 60 || *bs[0].Max != 180 || bs[0].Note != "đề xuất" || bs[1].Unit != "B03" {
		t.Fatalf("kept %+v", bs)
	}
	if f := kehoach.ErrorFields(err); len(f) != 1 || !strings.Contains(f["B03.min"], "không phải là số") {
		t.Errorf("reasons %v", f)
	}
}
