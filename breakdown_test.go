package kehoach

import (
	"strings"
	"testing"
)

// SortBreakdown orders by name the Vietnamese way, by value with units
// without figures first, and by status worst first (issue 16).
func TestSortBreakdown(t *testing.T) {
	row := func(name string, v float64, has bool, status string) *UnitProgress {
		return &UnitProgress{Unit: &Unit{Code: name, Name: name}, Point: Point{Value: v, HasValue: has}, Status: status}
	}
	rows := func() []*UnitProgress {
		return []*UnitProgress{
			row("Đồng Tâm", 40, true, StatusOffTrack),
			row("Dương Liễu", 90, true, StatusAchieved),
			row("Ân Thi", 0, false, StatusNoData),
			row("An Bình", 70, true, StatusOffTrack),
			row("Ơn Nghĩa", 95, true, StatusAchieved),
			row("Ô Chợ Dừa", 0, false, StatusNoData),
			row("Zô", 60, true, StatusAtRisk),
		}
	}
	for _, tc := range []struct {
		sort, want string
	}{
		{SortLagging, "Đồng Tâm,Dương Liễu,Ân Thi,An Bình,Ơn Nghĩa,Ô Chợ Dừa,Zô"},
		{SortName, "An Bình,Ân Thi,Dương Liễu,Đồng Tâm,Ô Chợ Dừa,Ơn Nghĩa,Zô"},
		{SortValue, "Ân Thi,Ô Chợ Dừa,Đồng Tâm,Zô,An Bình,Dương Liễu,Ơn Nghĩa"},
		{SortValueDesc, "Ân Thi,Ô Chợ Dừa,Ơn Nghĩa,Dương Liễu,An Bình,Zô,Đồng Tâm"},
		{SortStatus, "Ân Thi,Ô Chợ Dừa,An Bình,Đồng Tâm,Zô,Dương Liễu,Ơn Nghĩa"},
		{"nonsense", "Đồng Tâm,Dương Liễu,Ân Thi,An Bình,Ơn Nghĩa,Ô Chợ Dừa,Zô"},
	} {
		rs := rows()
		SortBreakdown(rs, tc.sort)
		var got []string
		for _, r := range rs {
			got = append(got, r.Unit.Name)
		}
		if g := strings.Join(got, ","); g != tc.want {
			t.Errorf("sort %q:\n got %s\nwant %s", tc.sort, g, tc.want)
		}
	}
}

// PageOfBreakdown cuts pages, clamped to the rows, and the page is the
// caller's own.
func TestPageOfBreakdown(t *testing.T) {
	var rows []*UnitProgress
	for range 5 {
		rows = append(rows, &UnitProgress{})
	}
	for _, tc := range []struct{ off, lim, n, total int }{
		{0, 2, 2, 5}, {4, 2, 1, 5}, {5, 2, 0, 5}, {9, 2, 0, 5}, {0, 0, 5, 5}, {-1, 3, 3, 5},
	} {
		p := PageOfBreakdown(rows, BreakdownQuery{Offset: tc.off, Limit: tc.lim})
		if len(p.Rows) != tc.n || p.Total != tc.total {
			t.Errorf("offset %d limit %d: %d rows of %d, want %d of %d", tc.off, tc.lim, len(p.Rows), p.Total, tc.n, tc.total)
		}
	}
	p := PageOfBreakdown(rows, BreakdownQuery{Limit: 2})
	p.Rows[0] = nil
	if rows[0] == nil {
		t.Error("the page shares its slice with the rows")
	}
}
