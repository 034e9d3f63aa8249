package kehoach_test

import (
	"slices"
	"testing"

	"kehoach"
)

// gridUnits is a commune whose villages changed on 1/7/2025: Bản Cũ ended
// on 30/6/2025 and Bản Mới was created the next day. Bản Xa is a village
// of another time (2020 only); the school is a child that reports other
// elements.
var (
	gridCommune = &kehoach.Unit{Code: "XA", Name: "Xã An", Kind: kehoach.KindCommune}
	gridOld     = &kehoach.Unit{Code: "B_CU", Name: "Bản Cũ", Kind: kehoach.KindVillage, ParentCode: "XA", ValidTo: "2025-06-30"}
	gridNew     = &kehoach.Unit{Code: "B_MOI", Name: "Bản Mới", Kind: kehoach.KindVillage, ParentCode: "XA", ValidFrom: "2025-07-01"}
	gridStay    = &kehoach.Unit{Code: "B_VAN", Name: "Bản Vẫn", Kind: kehoach.KindVillage, ParentCode: "XA"}
	gridGone    = &kehoach.Unit{Code: "B_XA", Name: "Bản Xa", Kind: kehoach.KindVillage, ParentCode: "XA", ValidFrom: "2020-01-01", ValidTo: "2020-12-31"}
	gridSchool  = &kehoach.Unit{Code: "TH", Name: "Trường Tiểu học", Kind: kehoach.KindSchool, ParentCode: "XA"}
	gridKids    = []*kehoach.Unit{gridOld, gridNew, gridStay, gridGone, gridSchool}

	villageEl = &kehoach.DataElement{Code: "BAN_NVH", ValueType: kehoach.TypeBool, UnitKinds: []string{kehoach.KindVillage}}
	communeEl = &kehoach.DataElement{Code: "XA_HGD", ValueType: kehoach.TypeInteger, UnitKinds: []string{kehoach.KindCommune}}
	bothEl    = &kehoach.DataElement{Code: "HGD", ValueType: kehoach.TypeInteger, UnitKinds: []string{kehoach.KindCommune, kehoach.KindVillage}}
	schoolEl  = &kehoach.DataElement{Code: "HS", ValueType: kehoach.TypeInteger, UnitKinds: []string{kehoach.KindSchool}}
)

func TestGridRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		unit     *kehoach.Unit
		children []*kehoach.Unit
		els      []*kehoach.DataElement
		from, to kehoach.Date
		want     []string
	}{
		{"year 2025: both villages of the change", gridCommune, gridKids, []*kehoach.DataElement{villageEl}, "2025-01-01", "2025-12-31", []string{"B_CU", "B_MOI", "B_VAN"}},
		{"Q2 2025: before the change", gridCommune, gridKids, []*kehoach.DataElement{villageEl}, "2025-04-01", "2025-06-30", []string{"B_CU", "B_VAN"}},
		{"Q3 2025: after the change", gridCommune, gridKids, []*kehoach.DataElement{villageEl}, "2025-07-01", "2025-09-30", []string{"B_MOI", "B_VAN"}},
		{"June 2025: last month of the old village", gridCommune, gridKids, []*kehoach.DataElement{villageEl}, "2025-06-01", "2025-06-30", []string{"B_CU", "B_VAN"}},
		{"July 2025: first month of the new village", gridCommune, gridKids, []*kehoach.DataElement{villageEl}, "2025-07-01", "2025-07-31", []string{"B_MOI", "B_VAN"}},
		{"2020: the village of that year", gridCommune, gridKids, []*kehoach.DataElement{villageEl}, "2020-01-01", "2020-12-31", []string{"B_CU", "B_VAN", "B_XA"}},
		{"commune element only: the commune's own row", gridCommune, gridKids, []*kehoach.DataElement{communeEl}, "2025-01-01", "2025-12-31", []string{"XA"}},
		{"both kinds: the commune first, then its villages", gridCommune, gridKids, []*kehoach.DataElement{bothEl}, "2025-07-01", "2025-09-30", []string{"XA", "B_MOI", "B_VAN"}},
		{"mixed form: a school child reports its own element", gridCommune, gridKids, []*kehoach.DataElement{villageEl, schoolEl}, "2025-07-01", "2025-09-30", []string{"B_MOI", "B_VAN", "TH"}},
		{"nothing reported by these kinds", gridCommune, gridKids, []*kehoach.DataElement{{Code: "X", UnitKinds: []string{kehoach.KindAgency}}}, "2025-01-01", "2025-12-31", nil},
		{"no elements", gridCommune, gridKids, nil, "2025-01-01", "2025-12-31", nil},
		{"unknown elements are skipped", gridCommune, gridKids, []*kehoach.DataElement{nil, communeEl}, "2025-01-01", "2025-12-31", []string{"XA"}},
		{"the unit itself ended before the period", gridOld, nil, []*kehoach.DataElement{villageEl}, "2025-07-01", "2025-09-30", nil},
		{"the unit itself begins after the period", gridNew, nil, []*kehoach.DataElement{villageEl}, "2025-01-01", "2025-06-30", nil},
		{"a village named directly shows its own row", gridStay, nil, []*kehoach.DataElement{villageEl}, "2025-01-01", "2025-03-31", []string{"B_VAN"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, u := range kehoach.GridRows(tc.unit, tc.children, tc.els, tc.from, tc.to) {
				got = append(got, u.Code)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("GridRows = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestOwnsGrid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		unit     *kehoach.Unit
		children []*kehoach.Unit
		els      []*kehoach.DataElement
		from, to kehoach.Date
		want     bool
	}{
		{"commune through its villages", gridCommune, gridKids, []*kehoach.DataElement{villageEl}, "2025-07-01", "2025-09-30", true},
		{"commune through its own element", gridCommune, nil, []*kehoach.DataElement{communeEl}, "2025-01-01", "2025-12-31", true},
		{"commune whose only reporting village ended", gridCommune, []*kehoach.Unit{gridOld}, []*kehoach.DataElement{villageEl}, "2025-07-01", "2025-09-30", false},
		{"commune whose only reporting village is not yet created", gridCommune, []*kehoach.Unit{gridNew}, []*kehoach.DataElement{villageEl}, "2025-04-01", "2025-06-30", false},
		{"commune in the year its village ended", gridCommune, []*kehoach.Unit{gridOld}, []*kehoach.DataElement{villageEl}, "2025-01-01", "2025-12-31", true},
		{"a village never owns a grid", gridStay, nil, []*kehoach.DataElement{villageEl}, "2025-01-01", "2025-12-31", false},
		{"a school child does not make the commune an owner", gridCommune, []*kehoach.Unit{gridSchool}, []*kehoach.DataElement{schoolEl}, "2025-01-01", "2025-12-31", false},
		{"the school owns its own grid", gridSchool, nil, []*kehoach.DataElement{schoolEl}, "2025-01-01", "2025-12-31", true},
		{"a unit that ended before the period", &kehoach.Unit{Code: "XA_CU", Kind: kehoach.KindCommune, ValidTo: "2025-06-30"}, []*kehoach.Unit{gridStay}, []*kehoach.DataElement{villageEl}, "2025-07-01", "2025-09-30", false},
		{"a unit created after the period", &kehoach.Unit{Code: "XA_MOI", Kind: kehoach.KindCommune, ValidFrom: "2025-07-01"}, []*kehoach.Unit{gridStay}, []*kehoach.DataElement{villageEl}, "2025-04-01", "2025-06-30", false},
		{"no element reported", gridCommune, gridKids, []*kehoach.DataElement{schoolEl}, "2025-01-01", "2025-12-31", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := kehoach.OwnsGrid(tc.unit, tc.children, tc.els, tc.from, tc.to); got != tc.want {
				t.Errorf("OwnsGrid = %v, want %v", got, tc.want)
			}
		})
	}
}
