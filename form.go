package kehoach

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"kehoach/period"
)

// EntryYears is how far back figures may be entered: periods from January
// of that many years before the current year. Older figures come in through
// loaders (bundles, gen), which are not data entry.
const EntryYears = 5

// EntryRange returns the first and the last period of type t open for entry
// at now: from January EntryYears back to the period now falls in, in
// Vietnam time (a period begins at midnight in Vietnam, not on the server).
func EntryRange(t period.Type, now time.Time) (first, last period.Period) {
	now = now.In(VietnamZone)
	first = period.Of(t, time.Date(now.Year()-EntryYears, 1, 1, 0, 0, 0, 0, time.UTC))
	last = period.Of(t, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
	return first, last
}

// Periods returns the periods of f open for entry at now, newest first: the
// list the entry page offers and the set AcceptsPeriod allows. Nil when the
// form's period type is not valid.
func (f *Form) Periods(now time.Time) []period.Period {
	t, err := period.ParseType(f.PeriodType)
	if err != nil {
		return nil
	}
	first, last := EntryRange(t, now)
	out := period.Range(first, last)
	slices.Reverse(out)
	return out
}

// PeriodOf parses id as a period of f: EINVALID with Fields["period"] in
// Vietnamese for a malformed id or a period of another type. Every reader
// of a form's period (the entry page, submissions, the write path) parses
// it here.
func (f *Form) PeriodOf(id string) (period.Period, error) {
	p, err := period.Parse(id)
	if err != nil {
		return p, periodError(err.Error())
	}
	return p, f.checkType(p)
}

// checkType refuses a period of another type than the form's.
func (f *Form) checkType(p period.Period) error {
	t, err := period.ParseType(f.PeriodType)
	if err != nil {
		return periodError(fmt.Sprintf("biểu mẫu %q có loại kỳ %q không hợp lệ", f.Name, f.PeriodType))
	}
	if p.Type != t {
		return periodError(fmt.Sprintf("kỳ %s (%s) không khớp loại kỳ của biểu mẫu %q: biểu mẫu báo cáo theo %s",
			p, p.Label(), f.Name, strings.ToLower(t.Label())))
	}
	return nil
}

// AcceptsPeriod returns nil when figures of f may be entered for p at now,
// and otherwise EINVALID with Fields["period"] saying why in Vietnamese: p
// is of another period type, in the future, or older than EntryYears. The
// page hides those periods; the store refuses them, whoever calls.
func (f *Form) AcceptsPeriod(p period.Period, now time.Time) error {
	if err := f.checkType(p); err != nil {
		return err
	}
	first, last := EntryRange(p.Type, now)
	switch {
	case last.Before(p):
		return periodError(fmt.Sprintf("kỳ %s chưa đến: chỉ nhập được số liệu đến kỳ %s", p.Label(), last.Label()))
	case p.Before(first):
		return periodError(fmt.Sprintf("kỳ %s đã quá cũ: chỉ nhập được số liệu từ kỳ %s trở đi", p.Label(), first.Label()))
	}
	return nil
}

// periodError is an EINVALID naming the period field.
func periodError(msg string) *Error {
	return &Error{Code: EINVALID, Message: "Kỳ báo cáo: " + msg + ".", Fields: map[string]string{"period": msg}}
}
