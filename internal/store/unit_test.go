package store

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kehoach"
	"kehoach/internal/vntext"
)

// tamDuongCommunes are the district's 13 communes in Vietnamese order of
// name ("Thị trấn Tam Đường" sorts under T, after "Thèn Sin").
var tamDuongCommunes = []string{
	"XA_BANBO",    // Bản Bo
	"XA_BANGIANG", // Bản Giang
	"XA_BANHON",   // Bản Hon
	"XA_BINHLU",   // Bình Lư
	"XA_GIANGMA",  // Giang Ma
	"XA_HOTHAU",   // Hồ Thầu
	"XA_KHUNHA",   // Khun Há
	"XA_NATAM",    // Nà Tăm
	"XA_NUNGNANG", // Nùng Nàng
	"XA_SONBINH",  // Sơn Bình
	"XA_TALENG",   // Tả Lèng
	"XA_THENSIN",  // Thèn Sin
	"TT_TAMDUONG", // Thị trấn Tam Đường
}

// villagesOf returns the codes of the bundle's villages under parent.
// kidsOf lists the codes of the units directly under parent in b.
func kidsOf(b *kehoach.Bundle, parent string) []string {
	var out []string
	for _, u := range b.Units {
		if u.ParentCode == parent {
			out = append(out, u.Code)
		}
	}
	return out
}

func villagesOf(b *kehoach.Bundle, parent string) []string {
	var out []string
	for _, u := range b.Units {
		if u.Kind == kehoach.KindVillage && u.ParentCode == parent {
			out = append(out, u.Code)
		}
	}
	return out
}

// testFindUnits runs on a database holding the demo bundle b.
func testFindUnits(t *testing.T, db namedDB, b *kehoach.Bundle) {
	ctx := context.Background()
	var villages int
	for _, u := range b.Units {
		if u.Kind == kehoach.KindVillage && u.ValidFrom == "" { // the 2022 villages (issue 10 adds the merged ones)
			villages++
		}
	}
	if villages < 13*7 || villages > 13*14 {
		t.Fatalf("demo has %d villages, want 7 to 14 per commune", villages)
	}
	for _, tc := range []struct {
		name string
		f    kehoach.UnitFilter
		want []string
	}{
		{"query without diacritics", kehoach.UnitFilter{Query: "ban bo"}, []string{"X25_BANBO", "XA_BANBO", "X25_BANBO_BXDD", "X25_BANBO_KT", "X25_BANBO_VHXH", "TH_BANBO_25", "X25_BANBO_MTTQ", "TH_BANBO"}}, // issue 11: each new commune's bodies
		{"query upper case", kehoach.UnitFilter{Query: "BINH LU"}, []string{"X25_BINHLU", "X25_BINHLU_BXDD", "XA_BINHLU", "X25_BINHLU_KT", "X25_BINHLU_VHXH", "TH_BINHLU_25", "X25_BINHLU_MTTQ", "TH_BINHLU"}},
		{"query with diacritics", kehoach.UnitFilter{Query: "Bình Lư"}, []string{"X25_BINHLU", "X25_BINHLU_BXDD", "XA_BINHLU", "X25_BINHLU_KT", "X25_BINHLU_VHXH", "TH_BINHLU_25", "X25_BINHLU_MTTQ", "TH_BINHLU"}},
		{"query typed NFD", kehoach.UnitFilter{Query: norm.NFD.String("Bình Lư")}, []string{"X25_BINHLU", "X25_BINHLU_BXDD", "XA_BINHLU", "X25_BINHLU_KT", "X25_BINHLU_VHXH", "TH_BINHLU_25", "X25_BINHLU_MTTQ", "TH_BINHLU"}},
		{"query đ as d", kehoach.UnitFilter{Query: "tam duong"}, []string{"TAMDUONG", "TT_TAMDUONG", "PTDTNT_TD_25", "CQ_UBND", "PTDTNT_TD"}},
		{"query Đ", kehoach.UnitFilter{Query: "TAM ĐƯỜNG", Kind: kehoach.KindDistrict}, []string{"TAMDUONG"}},
		{"query extra spaces", kehoach.UnitFilter{Query: "  sơn   bình ", Kind: kehoach.KindCommune}, []string{"XA_SONBINH"}},
		{"query by code", kehoach.UnitFilter{Query: "x25_banbo_vhxh"}, []string{"X25_BANBO_VHXH"}}, // issue 10: X25_BANBO alone now prefixes its villages
		{"query wildcard is literal", kehoach.UnitFilter{Query: "%"}, nil},
		{"query no match", kehoach.UnitFilter{Query: "hà nội"}, nil},
		{"kind province", kehoach.UnitFilter{Kind: kehoach.KindProvince}, []string{"LAICHAU"}},
		{"kind district", kehoach.UnitFilter{Kind: kehoach.KindDistrict}, []string{"TAMDUONG"}},
		{"kind and parent: Vietnamese order", kehoach.UnitFilter{Kind: kehoach.KindCommune, Parent: "TAMDUONG"}, tamDuongCommunes},
		{"limit", kehoach.UnitFilter{Kind: kehoach.KindCommune, Parent: "TAMDUONG", Limit: 3}, []string{"XA_BANBO", "XA_BANGIANG", "XA_BANHON"}},
		{"on the last day of the district", kehoach.UnitFilter{Kind: kehoach.KindDistrict, On: "2025-06-30"}, []string{"TAMDUONG"}},
		{"district gone on 2025-07-01", kehoach.UnitFilter{Kind: kehoach.KindDistrict, On: "2025-07-01"}, nil},
		{"old commune before the merger", kehoach.UnitFilter{Query: "binh lu", Kind: kehoach.KindCommune, On: "2025-06-30"}, []string{"XA_BINHLU"}},
		{"new commune after the merger", kehoach.UnitFilter{Query: "binh lu", Kind: kehoach.KindCommune, On: "2025-07-01"}, []string{"X25_BINHLU"}},
		{"communes of 2025", kehoach.UnitFilter{Kind: kehoach.KindCommune, On: "2025-07-01"},
			[]string{"X25_BANBO", "X25_BINHLU", "X25_KHUNHA", "X25_SINSUOIHO", "X25_TALENG", "P25_TANPHONG"}},
		{"communes of 2025 under the province", kehoach.UnitFilter{Parent: "LAICHAU", On: "2026-01-01"},
			[]string{"X25_BANBO", "X25_BINHLU", "X25_KHUNHA", "X25_SINSUOIHO", "X25_TALENG", "P25_TANPHONG"}},
		{"codes", kehoach.UnitFilter{Codes: []string{"XA_THENSIN", "NOPE", "XA_BANBO", "LAICHAU"}}, []string{"LAICHAU", "XA_BANBO", "XA_THENSIN"}},
		{"codes and kind", kehoach.UnitFilter{Codes: []string{"XA_THENSIN", "TAMDUONG"}, Kind: kehoach.KindCommune}, []string{"XA_THENSIN"}},
		{"unknown parent", kehoach.UnitFilter{Parent: "NOPE"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			us, err := db.db.FindUnits(ctx, tc.f)
			if err != nil {
				t.Fatalf("FindUnits(%+v): %v", tc.f, err)
			}
			if got := codes(us); !slices.Equal(got, tc.want) {
				t.Errorf("FindUnits(%+v) = %v, want %v", tc.f, got, tc.want)
			}
		})
	}

	// Counts by kind, and the children of one commune: its
	// villages (all "Bản …") before its school ("Trường …").
	for _, tc := range []struct {
		f    kehoach.UnitFilter
		want int
	}{
		{kehoach.UnitFilter{Kind: kehoach.KindCommune}, 19},
		// Issue 10: the schools moved on 1 July 2025 are new versions, and
		// each new commune has its Phòng Văn hóa - Xã hội and merged villages.
		{kehoach.UnitFilter{Kind: kehoach.KindSchool}, 28},
		// Issue 11: and its Phòng Kinh tế, Ủy ban MTTQ and Ban Xây dựng Đảng.
		{kehoach.UnitFilter{Kind: kehoach.KindAgency}, 34},
		{kehoach.UnitFilter{Kind: kehoach.KindVillage, On: "2025-06-30"}, villages},
		{kehoach.UnitFilter{}, len(b.Units)},
		{kehoach.UnitFilter{Kind: kehoach.KindVillage, On: "2025-07-01"}, len(kidsOf(b, "X25_BINHLU")) + len(kidsOf(b, "X25_TALENG")) + len(kidsOf(b, "X25_KHUNHA")) +
			len(kidsOf(b, "X25_BANBO")) + len(kidsOf(b, "X25_SINSUOIHO")) + len(kidsOf(b, "P25_TANPHONG")) - 6*4 - 14},
		{kehoach.UnitFilter{Kind: kehoach.KindVillage, Limit: 5}, 5},
	} {
		us, err := db.db.FindUnits(ctx, tc.f)
		if err != nil {
			t.Fatalf("FindUnits(%+v): %v", tc.f, err)
		}
		if len(us) != tc.want {
			t.Errorf("FindUnits(%+v) returned %d units, want %d", tc.f, len(us), tc.want)
		}
	}
	us, err := db.db.FindUnits(ctx, kehoach.UnitFilter{Parent: "XA_BINHLU"})
	if err != nil {
		t.Fatal(err)
	}
	got := codes(us)
	vs := villagesOf(b, "XA_BINHLU")
	if len(got) != len(vs)+1 || got[len(got)-1] != "TH_BINHLU" {
		t.Errorf("children of XA_BINHLU = %v, want its %d villages then TH_BINHLU", got, len(vs))
	} else if !sameSet(got[:len(vs)], vs) {
		t.Errorf("villages of XA_BINHLU = %v, want %v", got[:len(vs)], vs)
	}

	// The fields of one unit come back as loaded.
	us, err = db.db.FindUnits(ctx, kehoach.UnitFilter{Codes: []string{"TH_BINHLU", "XA_BINHLU"}})
	if err != nil || len(us) != 2 {
		t.Fatalf("FindUnits(codes) = %v, %v", codes(us), err)
	}
	wantXa := kehoach.Unit{ID: us[0].ID, Code: "XA_BINHLU", Name: "Bình Lư", Kind: kehoach.KindCommune, Subkind: "xã", Level: 3,
		ParentCode: "TAMDUONG", ValidTo: "2025-06-30", SortKey: vntext.SortKey("Bình Lư")}
	if !reflect.DeepEqual(*us[0], wantXa) || us[0].ID == 0 {
		t.Errorf("XA_BINHLU = %+v, want %+v", *us[0], wantXa)
	}
	if us[1].Code != "TH_BINHLU" || !us[1].Synthetic || us[1].Level != 4 || us[1].ParentCode != "XA_BINHLU" || us[1].ValidTo != "2025-06-30" {
		t.Errorf("TH_BINHLU = %+v", *us[1])
	}
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// Names given in a scrambled order come back in the Vietnamese
// alphabet: a < ă < â, d < đ (so "Đà Bắc" is after "Dương Quỳ" and
// before "Ea Súp"), o < ô < ơ, u < ư. A name typed NFD is stored NFC.
func TestFindUnitsVietnameseOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	names := []string{"An Lão", "Ăn Thi", "Ân Thi", "Cao Sơn", "Dương Quỳ", "Đà Bắc", "Ea Súp", "Ô Môn", "Ơ Rê", "U Minh", "Ứng Hòa"}
	scrambled := []int{5, 10, 0, 7, 2, 9, 4, 1, 6, 8, 3}
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			b := &kehoach.Bundle{Units: []*kehoach.Unit{{Code: "P", Name: "Tỉnh Thử", Kind: kehoach.KindProvince, Level: 1}}}
			for _, i := range scrambled {
				b.Units = append(b.Units, &kehoach.Unit{Code: string(rune('A' + i)), Name: norm.NFD.String(names[i]),
					Kind: kehoach.KindCommune, Level: 2, ParentCode: "P"})
			}
			if err := db.db.LoadBundle(ctx, b, "test"); err != nil {
				t.Fatal(err)
			}
			us, err := db.db.FindUnits(ctx, kehoach.UnitFilter{Parent: "P"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range us {
				got = append(got, u.Name)
			}
			if !slices.Equal(got, names) {
				t.Errorf("names in order = %q\nwant %q", got, names)
			}
			// Folded search finds the NFD-loaded name from plain letters.
			us, err = db.db.FindUnits(ctx, kehoach.UnitFilter{Query: "da bac"})
			if err != nil || len(us) != 1 || us[0].Name != "Đà Bắc" {
				t.Errorf("FindUnits(da bac) = %v, %v; want [Đà Bắc]", us, err)
			}
		})
	}
}

// testFindUnitByCode runs on a database holding the demo bundle b.
func testFindUnitByCode(t *testing.T, db namedDB, b *kehoach.Bundle) {
	ctx := context.Background()
	merge := func(from, to string) kehoach.UnitLink {
		return kehoach.UnitLink{From: from, To: to, Kind: kehoach.LinkMerge, Date: "2025-07-01"}
	}
	split := func(from, to string, share float64) kehoach.UnitLink {
		return kehoach.UnitLink{From: from, To: to, Kind: kehoach.LinkSplit, Date: "2025-07-01", Share: share}
	}
	_, err := db.db.FindUnitByCode(ctx, "NOPE")
	wantCode(t, err, kehoach.ENOTFOUND)
	if msg := kehoach.ErrorMessage(err); msg != `không có đơn vị mã "NOPE"` {
		t.Errorf("message = %q", msg)
	}

	for _, tc := range []struct {
		code         string
		parent       string
		children     []string // nil: none
		successors   []kehoach.UnitLink
		predecessors []kehoach.UnitLink
	}{
		{code: "XA_BINHLU", parent: "TAMDUONG", children: append(villagesOf(b, "XA_BINHLU"), "TH_BINHLU"),
			successors: []kehoach.UnitLink{merge("XA_BINHLU", "X25_BINHLU")}},
		{code: "X25_BINHLU", parent: "LAICHAU", children: kidsOf(b, "X25_BINHLU"),
			// issue 11: the UBND of the new commune took the district's work there
			predecessors: []kehoach.UnitLink{split("CQ_UBND", "X25_BINHLU", 0.1667), merge("TT_TAMDUONG", "X25_BINHLU"), merge("XA_BINHLU", "X25_BINHLU"), merge("XA_SONBINH", "X25_BINHLU")}},
		{code: "P25_TANPHONG", parent: "LAICHAU", children: kidsOf(b, "P25_TANPHONG"),
			predecessors: []kehoach.UnitLink{split("CQ_UBND", "P25_TANPHONG", 0.1665), merge("XA_BANGIANG", "P25_TANPHONG"), merge("XA_NUNGNANG", "P25_TANPHONG")}},
		{code: "XA_NUNGNANG", parent: "TAMDUONG", children: append(villagesOf(b, "XA_NUNGNANG"), "TH_NUNGNANG", "THCS_NUNGNANG"),
			successors: []kehoach.UnitLink{merge("XA_NUNGNANG", "P25_TANPHONG")}},
		{code: "TH_BANBO", parent: "XA_BANBO", successors: []kehoach.UnitLink{{From: "TH_BANBO", To: "TH_BANBO_25", Kind: kehoach.LinkMove, Date: "2025-07-01"}}},
		{code: "LAICHAU", children: []string{"TAMDUONG", "X25_BANBO", "X25_BINHLU", "X25_KHUNHA", "X25_SINSUOIHO", "X25_TALENG", "P25_TANPHONG"}},
	} {
		t.Run(tc.code, func(t *testing.T) {
			u, err := db.db.FindUnitByCode(ctx, tc.code)
			if err != nil {
				t.Fatal(err)
			}
			if u.Code != tc.code || u.ParentCode != tc.parent || u.ID == 0 {
				t.Errorf("unit = %s (id %d) under %q, want %s under %q", u.Code, u.ID, u.ParentCode, tc.code, tc.parent)
			}
			if got := codes(u.Children); !sameSet(got, tc.children) || len(got) != len(tc.children) {
				t.Errorf("children = %v, want %v", got, tc.children)
			}
			if !slices.Equal(u.Successors, tc.successors) {
				t.Errorf("successors = %v, want %v", u.Successors, tc.successors)
			}
			if !slices.Equal(u.Predecessors, tc.predecessors) {
				t.Errorf("predecessors = %v, want %v", u.Predecessors, tc.predecessors)
			}
		})
	}

	u, err := db.db.FindUnitByCode(ctx, "TAMDUONG")
	if err != nil {
		t.Fatal(err)
	}
	var communes []string
	for _, c := range u.Children {
		if c.Kind == kehoach.KindCommune {
			communes = append(communes, c.Code)
		}
	}
	if len(u.Children) != 23 || !slices.Equal(communes, tamDuongCommunes) {
		t.Errorf("TAMDUONG has %d children, communes %v; want 23 and %v", len(u.Children), communes, tamDuongCommunes)
	}

	links, err := db.db.FindUnitLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The 13 communes' merges, and (issue 10) the villages merged, the
	// schools moved and the district office split among the communes'.
	if len(links) != len(b.Links) || len(links) < 13 {
		t.Errorf("FindUnitLinks returned %d links, want %d", len(links), len(b.Links))
	}
	merges := 0
	for _, l := range links {
		if (l.Kind != kehoach.LinkMerge && l.Kind != kehoach.LinkMove && l.Kind != kehoach.LinkSplit) || l.Date != "2025-07-01" {
			t.Errorf("link %+v, want a merge, move or split on 2025-07-01", l)
		}
		if l.Kind == kehoach.LinkMerge && strings.HasPrefix(l.To, "X25_") && !strings.Contains(l.To[4:], "_") {
			merges++
		}
	}
	if merges < 11 {
		t.Errorf("%d communes merged into X25_ communes, want 11", merges)
	}
}
