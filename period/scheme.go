package period

import (
	"errors"
	"fmt"
	"time"
)

// Scheme describes a reporting scheme's data cut-off rule. A window starts
// on CutoffDay of the month before the period's first month and ends the day
// before CutoffDay in the period's last month.
type Scheme struct {
	// CutoffDay is the day of month the window starts on (1..28; 28 keeps it
	// valid in February). The window ends on the previous day of the closing
	// month; with CutoffDay 1 that is the last day of the month before.
	CutoffDay int
	// DeadlineDays is how many calendar days after the window end the report
	// is due (1..60). A deadline on Saturday or Sunday moves to Monday.
	DeadlineDays int
}

// Decree09 is the rule of Decree 09/2019/NĐ-CP on the reporting regime of
// state administrative agencies, Article 12 (thời gian chốt số liệu): windows
// start on the 15th of the month before the period and end on the 14th of
// its last month, e.g. monthly 15/12 → 14/01, quarter I 15/12 → 14/03,
// six months 15/12 → 14/06 and 15/06 → 14/12, annual 15/12 → 14/12.
// DeadlineDays 1 leaves the minimum of one working day between cut-off and
// submission.
var Decree09 = Scheme{CutoffDay: 15, DeadlineDays: 1}

// Validate checks the ranges of s and explains, in Vietnamese, every field
// that is out of range.
func (s Scheme) Validate() error {
	var errs []error
	if s.CutoffDay < 1 || s.CutoffDay > 28 {
		errs = append(errs, fmt.Errorf("ngày chốt số liệu phải từ 1 đến 28 (để hợp lệ cả tháng 2), nhận %d", s.CutoffDay))
	}
	if s.DeadlineDays < 1 || s.DeadlineDays > 60 {
		errs = append(errs, fmt.Errorf("số ngày từ khi chốt số liệu đến hạn gửi báo cáo phải từ 1 đến 60, nhận %d", s.DeadlineDays))
	}
	return errors.Join(errs...)
}

// Window returns the inclusive first and last days (midnight UTC) of the
// data cut-off window for p. The results are meaningless unless s passes
// Validate; a period with an invalid type yields zero times.
func (s Scheme) Window(p Period) (from, to time.Time) {
	if !p.Type.Valid() {
		return time.Time{}, time.Time{}
	}
	first := p.firstMonth()
	last := first + time.Month(p.Type.months()-1)
	// time.Date normalises month 0 to December of the previous year.
	return day(p.Year, first-1, s.CutoffDay), day(p.Year, last, s.CutoffDay-1)
}

// Deadline returns the day (midnight UTC) the report for p is due: the
// window end plus DeadlineDays, moved to the following Monday if it falls on
// a weekend. Public holidays are not considered.
func (s Scheme) Deadline(p Period) time.Time {
	_, to := s.Window(p)
	if to.IsZero() {
		return to
	}
	return skipWeekend(to.AddDate(0, 0, s.DeadlineDays))
}

// skipWeekend moves a Saturday or Sunday to the next Monday.
func skipWeekend(d time.Time) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDate(0, 0, 2)
	case time.Sunday:
		return d.AddDate(0, 0, 1)
	}
	return d
}

// NineMonths returns the window of the nine-month report many provinces
// add to the Decree 09 schedule: CutoffDay of December of the previous year
// through the day before CutoffDay in September (15/12 → 14/09 under
// Decree09).
func NineMonths(year int, s Scheme) (from, to time.Time) {
	return day(year-1, time.December, s.CutoffDay), day(year, time.September, s.CutoffDay-1)
}
