package kehoach_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"kehoach"
)

func ptr(v float64) *float64 { return &v }

func TestValidateBound(t *testing.T) {
	t.Parallel()
	households := &kehoach.DataElement{Code: "HGD_TONG", ValueType: kehoach.TypeInteger, UnitKinds: []string{kehoach.KindVillage}}
	rate := &kehoach.DataElement{Code: "TY_LE", ValueType: kehoach.TypeNumber, UnitKinds: []string{kehoach.KindCommune}}
	yes := &kehoach.DataElement{Code: "BAN_LOA", ValueType: kehoach.TypeBool, UnitKinds: []string{kehoach.KindVillage}}
	village := &kehoach.Unit{Code: "B01", Name: "Bản Bo 1", Kind: kehoach.KindVillage}
	commune := &kehoach.Unit{Code: "XA", Name: "Bản Bo", Kind: kehoach.KindCommune}
	tests := []struct {
		name  string
		b     kehoach.Bound
		el    *kehoach.DataElement
		u     *kehoach.Unit
		field string // "" when valid
		want  string
	}{
		{"a village's range", kehoach.Bound{Element: "HGD_TONG", Unit: "B01", Min: ptr(50), Max: ptr(200)}, households, village, "", ""},
		{"every village", kehoach.Bound{Element: "HGD_TONG", Kind: kehoach.KindVillage, Max: ptr(2000)}, households, nil, "", ""},
		{"only a minimum", kehoach.Bound{Element: "HGD_TONG", Unit: "B01", Min: ptr(1)}, households, village, "", ""},
		{"min equals max", kehoach.Bound{Element: "HGD_TONG", Unit: "B01", Min: ptr(7), Max: ptr(7)}, households, village, "", ""},
		{"a decimal range of a number", kehoach.Bound{Element: "TY_LE", Unit: "XA", Min: ptr(-2.5), Max: ptr(99.5)}, rate, commune, "", ""},
		{"min above max", kehoach.Bound{Element: "HGD_TONG", Unit: "B01", Min: ptr(200), Max: ptr(50)}, households, village, "max", "từ giá trị nhỏ nhất trở lên"},
		{"unknown element", kehoach.Bound{Element: "KHONG_CO", Unit: "B01", Min: ptr(1)}, nil, village, "element", `Không có chỉ số mã "KHONG_CO"`},
		{"a yes/no element", kehoach.Bound{Element: "BAN_LOA", Unit: "B01", Min: ptr(0)}, yes, village, "element", "không phải là số"},
		{"unknown unit", kehoach.Bound{Element: "HGD_TONG", Unit: "X9", Min: ptr(1)}, households, nil, "unit", `Không có đơn vị mã "X9"`},
		{"a unit that does not report it", kehoach.Bound{Element: "HGD_TONG", Unit: "XA", Min: ptr(1)}, households, commune, "unit", "không báo cáo chỉ số HGD_TONG"},
		{"unit and kind", kehoach.Bound{Element: "HGD_TONG", Unit: "B01", Kind: kehoach.KindVillage, Min: ptr(1)}, households, village, "unit", "không cả hai"},
		{"neither unit nor kind", kehoach.Bound{Element: "HGD_TONG", Min: ptr(1)}, households, nil, "unit", "Chọn đơn vị"},
		{"unknown kind", kehoach.Bound{Element: "HGD_TONG", Kind: "galaxy", Min: ptr(1)}, households, nil, "kind", `Loại đơn vị "galaxy" không có`},
		{"a kind that does not report it", kehoach.Bound{Element: "HGD_TONG", Kind: kehoach.KindCommune, Min: ptr(1)}, households, nil, "kind", "không báo cáo"},
		{"no end at all", kehoach.Bound{Element: "HGD_TONG", Unit: "B01"}, households, village, "min", "Cần giá trị nhỏ nhất"},
		{"a fraction for a count", kehoach.Bound{Element: "HGD_TONG", Unit: "B01", Min: ptr(1.5)}, households, village, "min", "số nguyên"},
		{"a negative count", kehoach.Bound{Element: "HGD_TONG", Unit: "B01", Min: ptr(-1)}, households, village, "min", "không âm"},
		{"not a number", kehoach.Bound{Element: "TY_LE", Unit: "XA", Max: ptr(math.NaN())}, rate, commune, "max", "không phải là số"},
		{"infinity", kehoach.Bound{Element: "TY_LE", Unit: "XA", Max: ptr(math.Inf(1))}, rate, commune, "max", "không phải là số"},
		{"a long note", kehoach.Bound{Element: "HGD_TONG", Unit: "B01", Min: ptr(1), Note: strings.Repeat("ghi chú ", 100)}, households, village, "note", "quá dài"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := kehoach.ValidateBound(&tc.b, tc.el, tc.u)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Fatalf("err %v, want EINVALID", err)
			}
			if got := kehoach.ErrorFields(err)[tc.field]; !strings.Contains(got, tc.want) {
				t.Errorf("field %s: %q, want it to say %q (all: %v)", tc.field, got, tc.want, kehoach.ErrorFields(err))
			}
		})
	}
}

func TestBoundForAndCheck(t *testing.T) {
	t.Parallel()
	bs := []*kehoach.Bound{
		{Element: "E", Kind: kehoach.KindVillage, Min: ptr(10), Max: ptr(500)},
		{Element: "E", Unit: "B01", Min: ptr(100), Max: ptr(150)},
	}
	if b := kehoach.BoundFor(bs, "B01", kehoach.KindVillage); b != bs[1] {
		t.Errorf("the unit's own bound does not come first: %+v", b)
	}
	if b := kehoach.BoundFor(bs, "B02", kehoach.KindVillage); b != bs[0] {
		t.Errorf("the kind's bound does not apply: %+v", b)
	}
	if b := kehoach.BoundFor(bs, "XA", kehoach.KindCommune); b != nil {
		t.Errorf("a bound for a commune: %+v", b)
	}
	for _, tc := range []struct {
		v    float64
		b    *kehoach.Bound
		flag bool
	}{
		{120, bs[1], false}, {100, bs[1], false}, {150, bs[1], false},
		{99, bs[1], true}, {151, bs[1], true}, {1e6, bs[0], true},
		{1e6, &kehoach.Bound{Min: ptr(1)}, false}, {0, &kehoach.Bound{Min: ptr(1)}, true},
		{5, nil, false},
	} {
		w := kehoach.CheckBound(tc.v, tc.b)
		if (w != nil) != tc.flag {
			t.Errorf("CheckBound(%v, %+v) = %+v, want flagged %v", tc.v, tc.b, w, tc.flag)
		}
		if w != nil && w.Reason != kehoach.ReasonBounds {
			t.Errorf("reason %q", w.Reason)
		}
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, tc := range []struct {
		b    *kehoach.Bound
		want string
	}{
		{bs[1], "ngoài khoảng cho phép (100–150)"},
		{&kehoach.Bound{Min: ptr(5)}, "ngoài khoảng cho phép (tối thiểu 5)"},
		{&kehoach.Bound{Max: ptr(5)}, "ngoài khoảng cho phép (tối đa 5)"},
	} {
		w := kehoach.CheckBound(1000, tc.b)
		if w == nil {
			w = kehoach.CheckBound(-1, tc.b)
		}
		if got := kehoach.Describe([]kehoach.Implausible{*w}, 1000, 0, 0, num); got != tc.want {
			t.Errorf("Describe: %q, want %q", got, tc.want)
		}
	}
}

func TestProposeRange(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		history []float64
		integer bool
		lo, hi  float64
		ok      bool
	}{
		{"a village of about a hundred households", []float64{96, 104, 118}, true, 64, 177, true},
		{"small numbers keep some room", []float64{2, 4}, true, 0, 14, true},
		{"one report proposes nothing", []float64{100}, true, 0, 0, false},
		{"a rate with decimals", []float64{81.25, 90.5}, false, 54.1, 135.8, true},
		{"negative figures stay negative", []float64{-20, -5}, false, -30, 5, true},
	} {
		lo, hi, ok := kehoach.ProposeRange(tc.history, tc.integer)
		if ok != tc.ok || (ok && (lo != tc.lo || hi != tc.hi)) {
			t.Errorf("%s: %v–%v %v, want %v–%v %v", tc.name, lo, hi, ok, tc.lo, tc.hi, tc.ok)
		}
		if ok {
			for _, h := range tc.history {
				if h < lo || h > hi {
					t.Errorf("%s: the history's %v lies outside the proposal %v–%v", tc.name, h, lo, hi)
				}
			}
		}
	}
}

func TestSplitFlag(t *testing.T) {
	t.Parallel()
	c := kehoach.FlagComment("ngoài khoảng cho phép (10–20)", "đã kiểm tra")
	reason, note, ok := kehoach.SplitFlag(c)
	if !ok || reason != "ngoài khoảng cho phép (10–20)" || note != "đã kiểm tra" {
		t.Errorf("SplitFlag(%q) = %q %q %v", c, reason, note, ok)
	}
	if _, _, ok := kehoach.SplitFlag("một ghi chú"); ok {
		t.Error("a plain comment read as a flag")
	}
}
