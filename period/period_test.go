package period

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// date is a compact way to write expected days.
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// ids renders periods as their DHIS2 ids for readable comparisons.
func ids(ps []Period) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func TestParseType(t *testing.T) {
	tests := []struct {
		in   string
		want Type
	}{
		{"yearly", Yearly}, {"Yearly", Yearly}, {"YEARLY", Yearly},
		{"sixmonthly", SixMonthly}, {"SixMonthly", SixMonthly},
		{"quarterly", Quarterly}, {"Quarterly", Quarterly},
		{"monthly", Monthly}, {" Monthly ", Monthly},
	}
	for _, tc := range tests {
		got, err := ParseType(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "weekly", "six-monthly", "Năm"} {
		if got, err := ParseType(bad); err == nil {
			t.Errorf("ParseType(%q) = %v, want error", bad, got)
		}
	}
}

func TestTypeAccessors(t *testing.T) {
	tests := []struct {
		t       Type
		str     string
		label   string
		perYear int
	}{
		{Yearly, "yearly", "Năm", 1},
		{SixMonthly, "sixmonthly", "6 tháng", 2},
		{Quarterly, "quarterly", "Quý", 4},
		{Monthly, "monthly", "Tháng", 12},
		{Type(0), "period.Type(0)", "", 0},
		{Type(9), "period.Type(9)", "", 0},
	}
	for _, tc := range tests {
		if got := tc.t.String(); got != tc.str {
			t.Errorf("Type(%d).String() = %q, want %q", int(tc.t), got, tc.str)
		}
		if got := tc.t.Label(); got != tc.label {
			t.Errorf("Type(%d).Label() = %q, want %q", int(tc.t), got, tc.label)
		}
		if got := tc.t.PerYear(); got != tc.perYear {
			t.Errorf("Type(%d).PerYear() = %d, want %d", int(tc.t), got, tc.perYear)
		}
	}
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		in   string
		want Period
	}{
		{"2024", Period{Yearly, 2024, 0}},
		{"1900", Period{Yearly, 1900, 0}},
		{"9999", Period{Yearly, 9999, 0}},
		{"2024S1", Period{SixMonthly, 2024, 1}},
		{"2024S2", Period{SixMonthly, 2024, 2}},
		{"2024Q1", Period{Quarterly, 2024, 1}},
		{"2024Q4", Period{Quarterly, 2024, 4}},
		{"202401", Period{Monthly, 2024, 1}},
		{"202412", Period{Monthly, 2024, 12}},
		{"  2024Q3\t", Period{Quarterly, 2024, 3}},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Parse(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
		if s := got.String(); s != strings.TrimSpace(tc.in) {
			t.Errorf("Parse(%q).String() = %q", tc.in, s)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"", `kỳ báo cáo "" không hợp lệ: để trống`},
		{"   ", `kỳ báo cáo "" không hợp lệ: để trống`},
		{"2024Q5", `kỳ báo cáo "2024Q5" không hợp lệ: quý phải từ 1 đến 4`},
		{"2024Q0", `kỳ báo cáo "2024Q0" không hợp lệ: quý phải từ 1 đến 4`},
		{"2024Q12", `kỳ báo cáo "2024Q12" không hợp lệ: quý phải từ 1 đến 4`},
		{"2024S3", `kỳ báo cáo "2024S3" không hợp lệ: 6 tháng phải là S1 hoặc S2`},
		{"2024S0", `kỳ báo cáo "2024S0" không hợp lệ: 6 tháng phải là S1 hoặc S2`},
		{"202400", `kỳ báo cáo "202400" không hợp lệ: tháng phải từ 01 đến 12`},
		{"202413", `kỳ báo cáo "202413" không hợp lệ: tháng phải từ 01 đến 12`},
		{"1899", `kỳ báo cáo "1899" không hợp lệ: năm phải từ 1900 đến 9999`},
		{"0000Q1", `kỳ báo cáo "0000Q1" không hợp lệ: năm phải từ 1900 đến 9999`},
		{"2024-01", `kỳ báo cáo "2024-01" không hợp lệ: ` + acceptedForms},
		{"2024q1", `kỳ báo cáo "2024q1" không hợp lệ: ` + acceptedForms},
		{"2024W1", `kỳ báo cáo "2024W1" không hợp lệ: ` + acceptedForms},
		{"20241", `kỳ báo cáo "20241" không hợp lệ: ` + acceptedForms},
		{"2024010", `kỳ báo cáo "2024010" không hợp lệ: ` + acceptedForms},
		{"24", `kỳ báo cáo "24" không hợp lệ: ` + acceptedForms},
		{"+024", `kỳ báo cáo "+024" không hợp lệ: ` + acceptedForms},
		{"2024Q", `kỳ báo cáo "2024Q" không hợp lệ: ` + acceptedForms},
		{"2024Q+1", `kỳ báo cáo "2024Q+1" không hợp lệ: ` + acceptedForms},
		{"Quý I/2024", `kỳ báo cáo "Quý I/2024" không hợp lệ: ` + acceptedForms},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want error", tc.in, got)
			continue
		}
		if err.Error() != tc.wantErr {
			t.Errorf("Parse(%q) error\n got  %s\n want %s", tc.in, err, tc.wantErr)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Input != strings.TrimSpace(tc.in) {
			t.Errorf("Parse(%q) error %#v is not a *ParseError with the input", tc.in, err)
		}
		if !got.IsZero() {
			t.Errorf("Parse(%q) returned non-zero %#v with an error", tc.in, got)
		}
	}
	if !strings.Contains(acceptedForms, "2024S1") || !strings.Contains(acceptedForms, "202412") {
		t.Errorf("acceptedForms does not list the forms: %s", acceptedForms)
	}
}

func TestNew(t *testing.T) {
	if p, err := New(Quarterly, 2024, 3); err != nil || p != MustParse("2024Q3") {
		t.Errorf("New(Quarterly, 2024, 3) = %v, %v", p, err)
	}
	bad := []Period{
		{Yearly, 2024, 1}, {SixMonthly, 2024, 3}, {Quarterly, 2024, 0},
		{Monthly, 2024, 13}, {Monthly, 1899, 1}, {Monthly, 10000, 1}, {Type(0), 2024, 1}, {Type(5), 2024, 1},
	}
	for _, b := range bad {
		if p, err := New(b.Type, b.Year, b.N); err == nil {
			t.Errorf("New(%d, %d, %d) = %v, want error", int(b.Type), b.Year, b.N, p)
		} else if !strings.Contains(err.Error(), "không hợp lệ") {
			t.Errorf("New(%d, %d, %d) error not Vietnamese: %v", int(b.Type), b.Year, b.N, err)
		}
		if b.Valid() {
			t.Errorf("%#v.Valid() = true", b)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse(\"2024Q5\") did not panic")
		}
	}()
	MustParse("2024Q5")
}

func TestZeroPeriod(t *testing.T) {
	var z Period
	if !z.IsZero() || z.String() != "" || z.Label() != "" || z.Valid() {
		t.Errorf("zero Period: IsZero=%v String=%q Label=%q Valid=%v", z.IsZero(), z.String(), z.Label(), z.Valid())
	}
	if MustParse("2024").IsZero() {
		t.Error("2024 IsZero")
	}
	if !z.Start().IsZero() || !z.End().IsZero() {
		t.Error("zero Period has non-zero Start/End")
	}
	if z.Contains(z) || MustParse("2024").Contains(z) {
		t.Error("zero Period is contained")
	}
	if z.Next() != z || z.Parent(Yearly) != z || z.Sub(Monthly) != nil {
		t.Error("zero Period arithmetic is not inert")
	}
}

func TestLabel(t *testing.T) {
	tests := []struct{ id, want string }{
		{"2024", "Năm 2024"},
		{"2024S1", "6 tháng đầu năm 2024"},
		{"2024S2", "6 tháng cuối năm 2024"},
		{"2024Q1", "Quý I/2024"},
		{"2024Q2", "Quý II/2024"},
		{"2024Q3", "Quý III/2024"},
		{"2024Q4", "Quý IV/2024"},
		{"202401", "Tháng 01/2024"},
		{"202412", "Tháng 12/2024"},
	}
	for _, tc := range tests {
		if got := MustParse(tc.id).Label(); got != tc.want {
			t.Errorf("%s.Label() = %q, want %q", tc.id, got, tc.want)
		}
	}
}

func TestStartEnd(t *testing.T) {
	tests := []struct {
		id         string
		start, end time.Time
	}{
		{"2024", date(2024, 1, 1), date(2024, 12, 31)},
		{"2024S1", date(2024, 1, 1), date(2024, 6, 30)},
		{"2024S2", date(2024, 7, 1), date(2024, 12, 31)},
		{"2024Q1", date(2024, 1, 1), date(2024, 3, 31)},
		{"2024Q2", date(2024, 4, 1), date(2024, 6, 30)},
		{"2024Q4", date(2024, 10, 1), date(2024, 12, 31)},
		{"202402", date(2024, 2, 1), date(2024, 2, 29)}, // leap year
		{"202302", date(2023, 2, 1), date(2023, 2, 28)},
		{"190002", date(1900, 2, 1), date(1900, 2, 28)}, // century, not leap
		{"200002", date(2000, 2, 1), date(2000, 2, 29)}, // 400-year, leap
		{"202404", date(2024, 4, 1), date(2024, 4, 30)},
		{"202412", date(2024, 12, 1), date(2024, 12, 31)},
	}
	for _, tc := range tests {
		p := MustParse(tc.id)
		if got := p.Start(); !got.Equal(tc.start) || got.Location() != time.UTC {
			t.Errorf("%s.Start() = %v, want %v", tc.id, got, tc.start)
		}
		if got := p.End(); !got.Equal(tc.end) || got.Location() != time.UTC {
			t.Errorf("%s.End() = %v, want %v", tc.id, got, tc.end)
		}
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		p, q string
		want bool
	}{
		{"2024", "2024", true},
		{"2024", "2024S2", true},
		{"2024", "2024Q1", true},
		{"2024", "202412", true},
		{"2024S1", "2024Q2", true},
		{"2024S1", "202406", true},
		{"2024S1", "2024Q3", false},
		{"2024S2", "202406", false},
		{"2024Q3", "202409", true},
		{"2024Q3", "202410", false},
		{"202403", "202403", true},
		{"2024Q1", "2024", false},
		{"2024", "2025Q1", false},
		{"2024", "202312", false},
		{"202401", "2024Q1", false},
	}
	for _, tc := range tests {
		if got := MustParse(tc.p).Contains(MustParse(tc.q)); got != tc.want {
			t.Errorf("%s.Contains(%s) = %v, want %v", tc.p, tc.q, got, tc.want)
		}
	}
}

func TestNextPrevAddN(t *testing.T) {
	tests := []struct {
		id   string
		n    int
		want string
	}{
		{"2024", 1, "2025"},
		{"2024", -1, "2023"},
		{"2024S2", 1, "2025S1"},
		{"2025S1", -1, "2024S2"},
		{"2024Q4", 1, "2025Q1"},
		{"2025Q1", -1, "2024Q4"},
		{"202412", 1, "202501"},
		{"202501", -1, "202412"},
		{"202401", 0, "202401"},
		{"202401", 25, "202602"},
		{"202401", -13, "202212"},
		{"202401", -12, "202301"},
		{"2024Q2", 7, "2026Q1"},
		{"2024Q2", -6, "2022Q4"},
		{"2024S1", 5, "2026S2"},
		{"2024S1", -3, "2022S2"},
		{"2024", -124, "1900"},
	}
	for _, tc := range tests {
		p := MustParse(tc.id)
		if got := p.AddN(tc.n).String(); got != tc.want {
			t.Errorf("%s.AddN(%d) = %s, want %s", tc.id, tc.n, got, tc.want)
		}
		switch tc.n {
		case 1:
			if got := p.Next().String(); got != tc.want {
				t.Errorf("%s.Next() = %s, want %s", tc.id, got, tc.want)
			}
		case -1:
			if got := p.Prev().String(); got != tc.want {
				t.Errorf("%s.Prev() = %s, want %s", tc.id, got, tc.want)
			}
		}
	}
	// AddN does not range-check; Valid reports it.
	if p := MustParse("9999Q4").Next(); p != (Period{Quarterly, 10000, 1}) || p.Valid() {
		t.Errorf("9999Q4.Next() = %#v, valid=%v", p, p.Valid())
	}
}

func TestCompareBefore(t *testing.T) {
	in := []Period{
		MustParse("202402"), MustParse("2024"), MustParse("2023Q4"), MustParse("2024Q1"),
		MustParse("202401"), MustParse("2024S1"), MustParse("2024S2"), MustParse("202312"),
	}
	slices.SortFunc(in, Period.Compare)
	want := "2023Q4,202312,202401,2024Q1,2024S1,2024,202402,2024S2"
	if got := ids(in); got != want {
		t.Errorf("sorted = %s\nwant     %s", got, want)
	}
	a, b := MustParse("202401"), MustParse("2024Q1")
	if !a.Before(b) || b.Before(a) || a.Before(a) {
		t.Error("Before: month must precede the quarter starting the same day, and not itself")
	}
	if MustParse("2024").Compare(MustParse("2024")) != 0 || MustParse("2025").Compare(MustParse("202412")) != 1 {
		t.Error("Compare results wrong")
	}
}

func TestParent(t *testing.T) {
	tests := []struct {
		id   string
		t    Type
		want string
	}{
		{"2024Q3", SixMonthly, "2024S2"},
		{"2024Q3", Yearly, "2024"},
		{"2024Q2", SixMonthly, "2024S1"},
		{"2024Q3", Quarterly, "2024Q3"},
		{"202406", SixMonthly, "2024S1"},
		{"202407", SixMonthly, "2024S2"},
		{"202411", Quarterly, "2024Q4"},
		{"202403", Quarterly, "2024Q1"},
		{"202404", Quarterly, "2024Q2"},
		{"202412", Yearly, "2024"},
		{"2024S2", Yearly, "2024"},
	}
	for _, tc := range tests {
		if got := MustParse(tc.id).Parent(tc.t).String(); got != tc.want {
			t.Errorf("%s.Parent(%s) = %s, want %s", tc.id, tc.t, got, tc.want)
		}
	}
	for _, tc := range []struct {
		id string
		t  Type
	}{{"2024", Quarterly}, {"2024Q1", Monthly}, {"2024S1", Quarterly}, {"202401", Type(0)}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s.Parent(%s) did not panic", tc.id, tc.t)
				}
			}()
			MustParse(tc.id).Parent(tc.t)
		}()
	}
}

func TestSub(t *testing.T) {
	tests := []struct {
		id   string
		t    Type
		want string
	}{
		{"2024", Quarterly, "2024Q1,2024Q2,2024Q3,2024Q4"},
		{"2024", SixMonthly, "2024S1,2024S2"},
		{"2024", Yearly, "2024"},
		{"2024", Monthly, "202401,202402,202403,202404,202405,202406,202407,202408,202409,202410,202411,202412"},
		{"2024S2", Quarterly, "2024Q3,2024Q4"},
		{"2024S2", Monthly, "202407,202408,202409,202410,202411,202412"},
		{"2024Q2", Monthly, "202404,202405,202406"},
		{"202405", Monthly, "202405"},
		{"2024Q2", Yearly, ""},
		{"202405", Quarterly, ""},
	}
	for _, tc := range tests {
		if got := ids(MustParse(tc.id).Sub(tc.t)); got != tc.want {
			t.Errorf("%s.Sub(%s) = %s, want %s", tc.id, tc.t, got, tc.want)
		}
	}
}

func TestRange(t *testing.T) {
	tests := []struct {
		from, to, want string
	}{
		{"202411", "202502", "202411,202412,202501,202502"},
		{"2023Q3", "2024Q2", "2023Q3,2023Q4,2024Q1,2024Q2"},
		{"2023S2", "2024S2", "2023S2,2024S1,2024S2"},
		{"2020", "2022", "2020,2021,2022"},
		{"202405", "202405", "202405"},
		{"202406", "202405", ""},
		{"2024Q1", "202403", ""}, // different types
	}
	for _, tc := range tests {
		got := Range(MustParse(tc.from), MustParse(tc.to))
		if ids(got) != tc.want {
			t.Errorf("Range(%s, %s) = %s, want %s", tc.from, tc.to, ids(got), tc.want)
		}
		if tc.want == "" && len(got) != 0 {
			t.Errorf("Range(%s, %s) has length %d", tc.from, tc.to, len(got))
		}
	}
	if got := Range(Period{}, Period{}); len(got) != 0 {
		t.Errorf("Range of zero periods = %v", got)
	}
}

func TestOf(t *testing.T) {
	tests := []struct {
		t    Type
		d    time.Time
		want string
	}{
		{Yearly, date(2024, 2, 29), "2024"},
		{SixMonthly, date(2024, 6, 30), "2024S1"},
		{SixMonthly, date(2024, 7, 1), "2024S2"},
		{Quarterly, date(2024, 3, 31), "2024Q1"},
		{Quarterly, date(2024, 4, 1), "2024Q2"},
		{Quarterly, date(2024, 12, 31), "2024Q4"},
		{Monthly, date(2024, 1, 1), "202401"},
		{Monthly, date(2024, 12, 31).Add(23 * time.Hour), "202412"},
	}
	for _, tc := range tests {
		if got := Of(tc.t, tc.d).String(); got != tc.want {
			t.Errorf("Of(%s, %v) = %s, want %s", tc.t, tc.d, got, tc.want)
		}
	}
	// 20:00 UTC on 31/12/2025 is already 01/01/2026 in Việt Nam (UTC+7).
	ict := time.FixedZone("ICT", 7*3600)
	d := time.Date(2025, 12, 31, 20, 0, 0, 0, time.UTC).In(ict)
	if got := Of(Yearly, d).String(); got != "2026" {
		t.Errorf("Of(Yearly, %v) = %s, want 2026", d, got)
	}
	if got := Of(Type(0), d); !got.IsZero() {
		t.Errorf("Of(invalid) = %#v", got)
	}
}

// TestPeriodComparable uses Period as a map key, which fails to compile if
// Period ever stops being comparable.
func TestPeriodComparable(t *testing.T) {
	counts := map[Period]int{}
	for _, id := range []string{"2024Q1", "2024Q1", " 2024Q1", "202401"} {
		counts[MustParse(id)]++
	}
	if counts[Period{Quarterly, 2024, 1}] != 3 || counts[MustParse("202401")] != 1 || len(counts) != 2 {
		t.Errorf("counts = %v", counts)
	}
}

func TestJSON(t *testing.T) {
	type report struct {
		Period Period `json:"period"`
		Empty  Period `json:"empty"`
		Type   Type   `json:"type"`
	}
	in := report{Period: MustParse("2024S2"), Type: Quarterly}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"period":"2024S2","empty":"","type":"quarterly"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var out report
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip = %#v, want %#v", out, in)
	}
	if err := json.Unmarshal([]byte(`{"period":"2024Q5"}`), &out); err == nil || !strings.Contains(err.Error(), "quý phải từ 1 đến 4") {
		t.Errorf("unmarshal 2024Q5: %v", err)
	}
	if _, err := json.Marshal(report{Period: Period{Monthly, 2024, 13}}); err == nil {
		t.Error("marshalling an invalid period succeeded")
	}
}

func TestDecree09Window(t *testing.T) {
	tests := []struct {
		id       string
		from, to time.Time
	}{
		{"202401", date(2023, 12, 15), date(2024, 1, 14)},
		{"202402", date(2024, 1, 15), date(2024, 2, 14)},
		{"202403", date(2024, 2, 15), date(2024, 3, 14)},
		{"202412", date(2024, 11, 15), date(2024, 12, 14)},
		{"2024Q1", date(2023, 12, 15), date(2024, 3, 14)},
		{"2024Q2", date(2024, 3, 15), date(2024, 6, 14)},
		{"2024Q3", date(2024, 6, 15), date(2024, 9, 14)},
		{"2024Q4", date(2024, 9, 15), date(2024, 12, 14)},
		{"2024S1", date(2023, 12, 15), date(2024, 6, 14)},
		{"2024S2", date(2024, 6, 15), date(2024, 12, 14)},
		{"2024", date(2023, 12, 15), date(2024, 12, 14)},
	}
	for _, tc := range tests {
		from, to := Decree09.Window(MustParse(tc.id))
		if !from.Equal(tc.from) || !to.Equal(tc.to) || from.Location() != time.UTC || to.Location() != time.UTC {
			t.Errorf("Decree09.Window(%s) = %s → %s, want %s → %s", tc.id,
				from.Format(time.DateOnly), to.Format(time.DateOnly), tc.from.Format(time.DateOnly), tc.to.Format(time.DateOnly))
		}
	}
	if from, to := Decree09.Window(Period{}); !from.IsZero() || !to.IsZero() {
		t.Error("window of the zero Period is not zero")
	}
}

func TestCustomCutoff(t *testing.T) {
	tests := []struct {
		s        Scheme
		id       string
		from, to time.Time
	}{
		{Scheme{CutoffDay: 20, DeadlineDays: 1}, "202401", date(2023, 12, 20), date(2024, 1, 19)},
		{Scheme{CutoffDay: 20, DeadlineDays: 1}, "2024Q3", date(2024, 6, 20), date(2024, 9, 19)},
		{Scheme{CutoffDay: 25, DeadlineDays: 1}, "2024", date(2023, 12, 25), date(2024, 12, 24)},
		// Cut-off on the 1st: the window is exactly the previous calendar month(s).
		{Scheme{CutoffDay: 1, DeadlineDays: 1}, "202403", date(2024, 2, 1), date(2024, 2, 29)},
		{Scheme{CutoffDay: 1, DeadlineDays: 1}, "2024Q1", date(2023, 12, 1), date(2024, 2, 29)},
	}
	for _, tc := range tests {
		from, to := tc.s.Window(MustParse(tc.id))
		if !from.Equal(tc.from) || !to.Equal(tc.to) {
			t.Errorf("%+v.Window(%s) = %s → %s, want %s → %s", tc.s, tc.id,
				from.Format(time.DateOnly), to.Format(time.DateOnly), tc.from.Format(time.DateOnly), tc.to.Format(time.DateOnly))
		}
	}
}

func TestNineMonths(t *testing.T) {
	from, to := NineMonths(2024, Decree09)
	if !from.Equal(date(2023, 12, 15)) || !to.Equal(date(2024, 9, 14)) {
		t.Errorf("NineMonths(2024, Decree09) = %v → %v", from, to)
	}
	from, to = NineMonths(2025, Scheme{CutoffDay: 10, DeadlineDays: 2})
	if !from.Equal(date(2024, 12, 10)) || !to.Equal(date(2025, 9, 9)) {
		t.Errorf("NineMonths(2025, cutoff 10) = %v → %v", from, to)
	}
}

func TestDeadline(t *testing.T) {
	tests := []struct {
		s    Scheme
		id   string
		want time.Time
	}{
		// Window ends Sun 14/01/2024; deadline Mon 15/01.
		{Decree09, "202401", date(2024, 1, 15)},
		// Window ends Fri 14/06/2024; Sat 15/06 moves to Mon 17/06.
		{Decree09, "202406", date(2024, 6, 17)},
		{Decree09, "2024S1", date(2024, 6, 17)},
		// Window ends Sat 14/09/2024; Sun 15/09 moves to Mon 16/09.
		{Decree09, "202409", date(2024, 9, 16)},
		{Decree09, "2024Q3", date(2024, 9, 16)},
		// Window ends Sat 14/12/2024; Sun 15/12 moves to Mon 16/12.
		{Decree09, "2024", date(2024, 12, 16)},
		// Window ends Thu 14/11/2024; +3 = Sun 17/11 → Mon 18/11.
		{Scheme{CutoffDay: 15, DeadlineDays: 3}, "202411", date(2024, 11, 18)},
		// Window ends Wed 14/02/2024; +2 = Fri 16/02, no shift.
		{Scheme{CutoffDay: 15, DeadlineDays: 2}, "202402", date(2024, 2, 16)},
		// Cut-off day 1: window ends Thu 29/02/2024; +1 = Fri 01/03.
		{Scheme{CutoffDay: 1, DeadlineDays: 1}, "202403", date(2024, 3, 1)},
	}
	for _, tc := range tests {
		got := tc.s.Deadline(MustParse(tc.id))
		if !got.Equal(tc.want) {
			t.Errorf("%+v.Deadline(%s) = %s (%s), want %s (%s)", tc.s, tc.id,
				got.Format(time.DateOnly), got.Weekday(), tc.want.Format(time.DateOnly), tc.want.Weekday())
		}
		if wd := got.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("%+v.Deadline(%s) falls on %s", tc.s, tc.id, wd)
		}
	}
	if !Decree09.Deadline(Period{}).IsZero() {
		t.Error("deadline of the zero Period is not zero")
	}
}

func TestSchemeValidate(t *testing.T) {
	tests := []struct {
		s    Scheme
		want []string // substrings; nil means valid
	}{
		{Decree09, nil},
		{Scheme{CutoffDay: 1, DeadlineDays: 60}, nil},
		{Scheme{CutoffDay: 28, DeadlineDays: 1}, nil},
		{Scheme{CutoffDay: 0, DeadlineDays: 1}, []string{"ngày chốt số liệu phải từ 1 đến 28", "nhận 0"}},
		{Scheme{CutoffDay: 29, DeadlineDays: 1}, []string{"ngày chốt số liệu phải từ 1 đến 28", "nhận 29"}},
		{Scheme{CutoffDay: 15, DeadlineDays: 0}, []string{"phải từ 1 đến 60", "nhận 0"}},
		{Scheme{CutoffDay: 15, DeadlineDays: 61}, []string{"phải từ 1 đến 60", "nhận 61"}},
		{Scheme{}, []string{"ngày chốt số liệu", "hạn gửi báo cáo"}},
	}
	for _, tc := range tests {
		err := tc.s.Validate()
		if tc.want == nil {
			if err != nil {
				t.Errorf("%+v.Validate() = %v, want nil", tc.s, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%+v.Validate() = nil, want error", tc.s)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v.Validate() = %q, missing %q", tc.s, err, w)
			}
		}
	}
}

func TestRelative(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 30, 0, 0, time.UTC)
	tests := []struct{ name, want string }{
		{"THIS_YEAR", "2026"},
		{"LAST_YEAR", "2025"},
		{"LAST_5_YEARS", "2021,2022,2023,2024,2025"},
		{"LAST_10_YEARS", "2016,2017,2018,2019,2020,2021,2022,2023,2024,2025"},
		{"THIS_SIX_MONTH", "2026S2"},
		{"LAST_SIX_MONTH", "2026S1"},
		{"LAST_2_SIXMONTHS", "2025S2,2026S1"},
		{"THIS_QUARTER", "2026Q4"},
		{"LAST_QUARTER", "2026Q3"},
		{"LAST_4_QUARTERS", "2025Q4,2026Q1,2026Q2,2026Q3"},
		{"QUARTERS_THIS_YEAR", "2026Q1,2026Q2,2026Q3,2026Q4"},
		{"QUARTERS_LAST_YEAR", "2025Q1,2025Q2,2025Q3,2025Q4"},
		{"THIS_MONTH", "202611"},
		{"LAST_MONTH", "202610"},
		{"LAST_3_MONTHS", "202608,202609,202610"},
		{"LAST_6_MONTHS", "202605,202606,202607,202608,202609,202610"},
		{"LAST_12_MONTHS", "202511,202512,202601,202602,202603,202604,202605,202606,202607,202608,202609,202610"},
		{"MONTHS_THIS_YEAR", "202601,202602,202603,202604,202605,202606,202607,202608,202609,202610,202611,202612"},
		{"MONTHS_LAST_YEAR", "202501,202502,202503,202504,202505,202506,202507,202508,202509,202510,202511,202512"},
		{" last_month ", "202610"},
	}
	for _, tc := range tests {
		got, err := Relative(tc.name, now)
		if err != nil {
			t.Errorf("Relative(%q): %v", tc.name, err)
			continue
		}
		if ids(got) != tc.want {
			t.Errorf("Relative(%q, %s) = %s\nwant %s", tc.name, now.Format(time.DateOnly), ids(got), tc.want)
		}
		if !IsRelative(tc.name) {
			t.Errorf("IsRelative(%q) = false", tc.name)
		}
	}
	if len(RelativeNames()) != len(tests)-1 {
		t.Errorf("RelativeNames() has %d names, the test covers %d", len(RelativeNames()), len(tests)-1)
	}
}

// TestRelativeJanuary checks that LAST_* crosses the year boundary.
func TestRelativeJanuary(t *testing.T) {
	now := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct{ name, want string }{
		{"THIS_MONTH", "202601"},
		{"LAST_MONTH", "202512"},
		{"LAST_QUARTER", "2025Q4"},
		{"LAST_SIX_MONTH", "2025S2"},
		{"LAST_2_SIXMONTHS", "2025S1,2025S2"},
		{"LAST_3_MONTHS", "202510,202511,202512"},
	}
	for _, tc := range tests {
		got, err := Relative(tc.name, now)
		if err != nil || ids(got) != tc.want {
			t.Errorf("Relative(%q, %s) = %s, %v; want %s", tc.name, now.Format(time.DateOnly), ids(got), err, tc.want)
		}
	}
}

func TestRelativeUnknown(t *testing.T) {
	for _, name := range []string{"", "NEXT_YEAR", "LAST_7_MONTHS", "2024"} {
		if IsRelative(name) {
			t.Errorf("IsRelative(%q) = true", name)
		}
		got, err := Relative(name, time.Now())
		if err == nil {
			t.Errorf("Relative(%q) = %v, want error", name, got)
		} else if !strings.Contains(err.Error(), "không được hỗ trợ") || !strings.Contains(err.Error(), "LAST_12_MONTHS") {
			t.Errorf("Relative(%q) error = %q", name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2024", "2024S1", "2024S2", "2024Q1", "2024Q4", "202401", "202412", " 2024Q3 ",
		"", "2024Q5", "2024S3", "202413", "202400", "1899", "2024-01", "2024q1", "20241",
		"2024Q", "+024", "９９９９", "2024Q１", "Quý I/2024",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			if !p.IsZero() {
				t.Fatalf("Parse(%q) returned %#v with error %v", s, p, err)
			}
			return
		}
		if !p.Valid() {
			t.Fatalf("Parse(%q) = %#v, not Valid", s, p)
		}
		q, err := Parse(p.String())
		if err != nil || q != p {
			t.Fatalf("Parse(%q) = %#v; Parse(%q) = %#v, %v", s, p, p.String(), q, err)
		}
		if p.String() != strings.TrimSpace(s) {
			t.Fatalf("Parse(%q).String() = %q; ids must have one spelling", s, p.String())
		}
	})
}
