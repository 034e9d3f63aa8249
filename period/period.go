// Package period models reporting periods (năm, 6 tháng, quý, tháng), their
// DHIS2 period identifiers, and the data cut-off windows ("thời gian chốt số
// liệu") of Decree 09/2019/NĐ-CP.
//
// All dates are calendar days represented as midnight UTC, so that a day
// never shifts when it is compared, stored or serialised.
package period // import "kehoach/period"

import (
	"fmt"
	"strings"
	"time"
)

// Type is the granularity of a reporting period. Smaller values are coarser,
// so "t finer than u" is simply t > u.
type Type int

// The supported period types, coarsest first.
const (
	Yearly Type = iota + 1
	SixMonthly
	Quarterly
	Monthly
)

// types lists the valid types in order; used for parsing and iteration.
var types = [...]Type{Yearly, SixMonthly, Quarterly, Monthly}

// ParseType parses a period type name. It accepts "yearly", "sixmonthly",
// "quarterly" and "monthly" in any letter case, which also covers the DHIS2
// period type names "Yearly", "SixMonthly", "Quarterly" and "Monthly".
func ParseType(s string) (Type, error) {
	name := strings.TrimSpace(s)
	for _, t := range types {
		if strings.EqualFold(name, t.String()) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("loại kỳ báo cáo %q không hợp lệ: chỉ chấp nhận yearly, sixmonthly, quarterly, monthly", s)
}

// Valid reports whether t is one of the defined types.
func (t Type) Valid() bool { return t >= Yearly && t <= Monthly }

// String returns the lower-case English name of t, as accepted by ParseType.
func (t Type) String() string {
	switch t {
	case Yearly:
		return "yearly"
	case SixMonthly:
		return "sixmonthly"
	case Quarterly:
		return "quarterly"
	case Monthly:
		return "monthly"
	}
	return fmt.Sprintf("period.Type(%d)", int(t))
}

// Label returns the Vietnamese name of t ("Năm", "6 tháng", "Quý", "Tháng"),
// or "" for an invalid type.
func (t Type) Label() string {
	switch t {
	case Yearly:
		return "Năm"
	case SixMonthly:
		return "6 tháng"
	case Quarterly:
		return "Quý"
	case Monthly:
		return "Tháng"
	}
	return ""
}

// PerYear returns how many periods of type t make up a year (1, 2, 4, 12),
// or 0 for an invalid type.
func (t Type) PerYear() int {
	switch t {
	case Yearly:
		return 1
	case SixMonthly:
		return 2
	case Quarterly:
		return 4
	case Monthly:
		return 12
	}
	return 0
}

// months is the length of one period of type t in months.
func (t Type) months() int { return 12 / t.PerYear() }

// MarshalText implements encoding.TextMarshaler.
func (t Type) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("loại kỳ báo cáo %d không hợp lệ", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using ParseType.
func (t *Type) UnmarshalText(b []byte) error {
	v, err := ParseType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Minimum and maximum years accepted by New and Parse. DHIS2 ids use a
// four-digit year, and nothing before 1900 is meaningful for this program.
const (
	MinYear = 1900
	MaxYear = 9999
)

// Period is one reporting period. It is a small comparable value, so it can
// be compared with == and used as a map key. The zero Period means "no
// period".
type Period struct {
	Type Type
	Year int
	// N is the index within the year: 0 for Yearly, 1-2 for SixMonthly,
	// 1-4 for Quarterly and 1-12 for Monthly.
	N int
}

// New returns the period of type t numbered n in year, checking the ranges.
func New(t Type, year, n int) (Period, error) {
	p := Period{Type: t, Year: year, N: n}
	if reason := p.invalidReason(); reason != "" {
		return Period{}, fmt.Errorf("kỳ báo cáo (%s, %d, %d) không hợp lệ: %s", t, year, n, reason)
	}
	return p, nil
}

// invalidReason explains, in Vietnamese, why p is not a valid period; it
// returns "" for a valid one.
func (p Period) invalidReason() string {
	if !p.Type.Valid() {
		return fmt.Sprintf("loại kỳ báo cáo %d không xác định", int(p.Type))
	}
	if p.Year < MinYear || p.Year > MaxYear {
		return fmt.Sprintf("năm phải từ %d đến %d", MinYear, MaxYear)
	}
	switch p.Type {
	case Yearly:
		if p.N != 0 {
			return "kỳ năm không có số thứ tự (N phải bằng 0)"
		}
	case SixMonthly:
		if p.N < 1 || p.N > 2 {
			return "6 tháng phải là S1 hoặc S2"
		}
	case Quarterly:
		if p.N < 1 || p.N > 4 {
			return "quý phải từ 1 đến 4"
		}
	case Monthly:
		if p.N < 1 || p.N > 12 {
			return "tháng phải từ 01 đến 12"
		}
	}
	return ""
}

// Valid reports whether p is a period New would accept. The zero Period is
// not valid; arithmetic such as AddN can also leave the year range.
func (p Period) Valid() bool { return p.invalidReason() == "" }

// ParseError reports an invalid period identifier.
type ParseError struct {
	Input  string // the identifier, with surrounding spaces removed
	Reason string // why it was rejected, in Vietnamese
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("kỳ báo cáo %q không hợp lệ: %s", e.Input, e.Reason)
}

// acceptedForms is appended to errors about unrecognised shapes so the user
// can see what to type instead.
const acceptedForms = "không đúng định dạng; chấp nhận: 2024 (năm), 2024S1 hoặc 2024S2 (6 tháng), 2024Q1 đến 2024Q4 (quý), 202401 đến 202412 (tháng)"

// Parse parses a DHIS2 period identifier: "2024" (year), "2024S1"/"2024S2"
// (half year), "2024Q1".."2024Q4" (quarter) or "202401".."202412" (month).
// Surrounding spaces are ignored. Other forms such as "2024-01" are rejected
// on purpose so that every period has exactly one spelling. Errors are
// *ParseError values.
func Parse(s string) (Period, error) {
	s = strings.TrimSpace(s)
	fail := func(reason string) (Period, error) {
		return Period{}, &ParseError{Input: s, Reason: reason}
	}
	if s == "" {
		return fail("để trống")
	}
	if len(s) < 4 || !allDigits(s[:4]) {
		return fail(acceptedForms)
	}
	year := atoi(s[:4])
	var p Period
	rest := s[4:]
	switch {
	case rest == "":
		p = Period{Type: Yearly, Year: year}
	case len(rest) == 2 && allDigits(rest):
		p = Period{Type: Monthly, Year: year, N: atoi(rest)}
	case len(rest) >= 2 && rest[0] == 'S' && allDigits(rest[1:]):
		if len(rest) != 2 {
			return fail("6 tháng phải là S1 hoặc S2")
		}
		p = Period{Type: SixMonthly, Year: year, N: atoi(rest[1:])}
	case len(rest) >= 2 && rest[0] == 'Q' && allDigits(rest[1:]):
		if len(rest) != 2 {
			return fail("quý phải từ 1 đến 4")
		}
		p = Period{Type: Quarterly, Year: year, N: atoi(rest[1:])}
	default:
		return fail(acceptedForms)
	}
	if reason := p.invalidReason(); reason != "" {
		return fail(reason)
	}
	return p, nil
}

// allDigits reports whether s is non-empty and all ASCII digits; strconv
// would also accept signs, which DHIS2 ids never contain.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi converts a short string already checked by allDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// MustParse is like Parse but panics on error. It is meant for constants in
// code and tests.
func MustParse(s string) Period {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the DHIS2 identifier of p, or "" for the zero Period.
func (p Period) String() string {
	// By hand, not Sprintf: an import of a million figures names each
	// one's period several times.
	if p.Year >= 0 && p.Year <= 9999 && p.N >= 0 && p.N <= 99 {
		b := [7]byte{byte('0' + p.Year/1000), byte('0' + p.Year/100%10), byte('0' + p.Year/10%10), byte('0' + p.Year%10)}
		switch p.Type {
		case Yearly:
			return string(b[:4])
		case SixMonthly, Quarterly:
			b[4], b[5] = "SQ"[p.Type-SixMonthly], byte('0'+p.N%10)
			if p.N < 10 {
				return string(b[:6])
			}
		case Monthly:
			b[4], b[5] = byte('0'+p.N/10), byte('0'+p.N%10)
			return string(b[:6])
		}
	}
	return p.sprint()
}

// sprint is String through fmt, for what the fast path does not cover.
func (p Period) sprint() string {
	switch p.Type {
	case Yearly:
		return fmt.Sprintf("%04d", p.Year)
	case SixMonthly:
		return fmt.Sprintf("%04dS%d", p.Year, p.N)
	case Quarterly:
		return fmt.Sprintf("%04dQ%d", p.Year, p.N)
	case Monthly:
		return fmt.Sprintf("%04d%02d", p.Year, p.N)
	}
	if p.IsZero() {
		return ""
	}
	return fmt.Sprintf("period.Period{%d, %d, %d}", int(p.Type), p.Year, p.N)
}

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p == Period{} }

// romanQuarters are the numerals used in Vietnamese quarter labels.
var romanQuarters = [...]string{"", "I", "II", "III", "IV"}

// Label returns the Vietnamese label used in reports: "Năm 2024",
// "6 tháng đầu năm 2024", "6 tháng cuối năm 2024", "Quý I/2024" or
// "Tháng 01/2024". Invalid periods yield "".
func (p Period) Label() string {
	switch p.Type {
	case Yearly:
		return fmt.Sprintf("Năm %d", p.Year)
	case SixMonthly:
		switch p.N {
		case 1:
			return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
		case 2:
			return fmt.Sprintf("6 tháng cuối năm %d", p.Year)
		}
	case Quarterly:
		if p.N >= 1 && p.N <= 4 {
			return fmt.Sprintf("Quý %s/%d", romanQuarters[p.N], p.Year)
		}
	case Monthly:
		if p.N >= 1 && p.N <= 12 {
			return fmt.Sprintf("Tháng %02d/%d", p.N, p.Year)
		}
	}
	return ""
}

// day returns midnight UTC of the given date; time.Date normalises
// out-of-range months and days, which the window arithmetic relies on.
func day(year int, month time.Month, d int) time.Time {
	return time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
}

// firstMonth is the calendar month p starts in.
func (p Period) firstMonth() time.Month {
	if p.Type == Yearly {
		return time.January
	}
	return time.Month((p.N-1)*p.Type.months() + 1)
}

// Start returns the first day of p at 00:00 UTC, or the zero time for a
// period with an invalid type.
func (p Period) Start() time.Time {
	if !p.Type.Valid() {
		return time.Time{}
	}
	return day(p.Year, p.firstMonth(), 1)
}

// End returns the last day of p at 00:00 UTC; the whole day is included.
// A period with an invalid type yields the zero time.
func (p Period) End() time.Time {
	if !p.Type.Valid() {
		return time.Time{}
	}
	// Day 0 of the month after the period is its last day.
	return day(p.Year, p.firstMonth()+time.Month(p.Type.months()), 0)
}

// Contains reports whether q's calendar span lies within p's. A period
// contains itself; invalid periods contain nothing and are in nothing.
func (p Period) Contains(q Period) bool {
	if !p.Type.Valid() || !q.Type.Valid() {
		return false
	}
	return !q.Start().Before(p.Start()) && !q.End().After(p.End())
}

// index numbers periods of one type consecutively across years, which turns
// Next, Prev, AddN and Range into integer arithmetic.
func (p Period) index() int {
	if p.Type == Yearly {
		return p.Year
	}
	return p.Year*p.Type.PerYear() + p.N - 1
}

// fromIndex is the inverse of index.
func fromIndex(t Type, i int) Period {
	if t == Yearly {
		return Period{Type: Yearly, Year: i}
	}
	per := t.PerYear()
	y, n := i/per, i%per
	if n < 0 { // floor division for years before 0
		y, n = y-1, n+per
	}
	return Period{Type: t, Year: y, N: n + 1}
}

// Next returns the period of the same type that follows p.
func (p Period) Next() Period { return p.AddN(1) }

// Prev returns the period of the same type that precedes p.
func (p Period) Prev() Period { return p.AddN(-1) }

// AddN returns the period n periods after p (before it when n is negative).
// The result is not range-checked; use Valid when n comes from user input.
// Periods with an invalid type are returned unchanged.
func (p Period) AddN(n int) Period {
	if !p.Type.Valid() {
		return p
	}
	return fromIndex(p.Type, p.index()+n)
}

// Compare orders periods by start date, then by end date (shorter first),
// returning -1, 0 or +1. It suits slices.SortFunc. Because each type has a
// distinct length, Compare returns 0 only for equal periods.
func (p Period) Compare(q Period) int {
	if c := p.Start().Compare(q.Start()); c != 0 {
		return c
	}
	return p.End().Compare(q.End())
}

// Before reports whether p sorts before q under Compare.
func (p Period) Before(q Period) bool { return p.Compare(q) < 0 }

// Parent returns the period of the coarser (or equal) type t that contains
// p, e.g. 2024Q3 → 2024S2 or 2024. It panics if t is invalid or finer than
// p.Type, which is a programming error. The zero Period yields itself.
func (p Period) Parent(t Type) Period {
	if p.IsZero() {
		return p
	}
	if !t.Valid() || t > p.Type {
		panic(fmt.Sprintf("period: Parent(%s) of %s: the type must be coarser than or equal to %s", t, p, p.Type))
	}
	return Of(t, p.Start())
}

// Sub returns the periods of the finer (or equal) type t that make up p, in
// chronological order, e.g. 2024 → 2024Q1..2024Q4. It returns nil when t is
// invalid or coarser than p.Type, or p has an invalid type.
func (p Period) Sub(t Type) []Period {
	if !p.Type.Valid() || !t.Valid() || t < p.Type {
		return nil
	}
	return Range(Of(t, p.Start()), Of(t, p.End()))
}

// Range returns the periods from from to to inclusive, in order. Both must
// have the same valid type; otherwise, or when from is after to, it returns
// an empty (nil) slice.
func Range(from, to Period) []Period {
	if from.Type != to.Type || !from.Type.Valid() {
		return nil
	}
	a, b := from.index(), to.index()
	if a > b {
		return nil
	}
	out := make([]Period, 0, b-a+1)
	for i := a; i <= b; i++ {
		out = append(out, fromIndex(from.Type, i))
	}
	return out
}

// Of returns the period of type t that contains the calendar day of d. The
// day is taken in d's own location, so a time in Asia/Ho_Chi_Minh is
// classified by its Vietnamese date. An invalid t yields the zero Period.
func Of(t Type, d time.Time) Period {
	if !t.Valid() {
		return Period{}
	}
	y, m, _ := d.Date()
	if t == Yearly {
		return Period{Type: Yearly, Year: y}
	}
	return Period{Type: t, Year: y, N: (int(m)-1)/t.months() + 1}
}

// MarshalText implements encoding.TextMarshaler using String. The zero
// Period encodes as the empty string; other invalid periods are an error
// because their text could not be parsed back.
func (p Period) MarshalText() ([]byte, error) {
	if p.IsZero() {
		return []byte{}, nil
	}
	if reason := p.invalidReason(); reason != "" {
		return nil, fmt.Errorf("kỳ báo cáo %s không hợp lệ: %s", p, reason)
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using Parse. Empty text
// decodes to the zero Period so that MarshalText round-trips.
func (p *Period) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = Period{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
