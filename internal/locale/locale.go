// Package locale is where kehoach's words and formats for people live: the
// labels of the domain's codes (statuses, roles, unit kinds, submission
// states, audit actions), numbers written "1.234,5", percentages, and dates
// and times always in Vietnam's time, whatever the server's zone. Pages,
// commands and documents all call it, so a figure or a time reads the same
// everywhere. The domain keeps codes only.
//
// A Locale is data: another language is another value of the same type
// (see VI), not more code.
package locale

import (
	"math"
	"strconv"
	"strings"
	"time"

	"kehoach"
)

// Vietnam is Vietnam's time (UTC+7, no daylight saving), the domain's
// VietnamZone: a fixed zone, since the server may have no time-zone
// database, and its own zone is irrelevant to a commune officer reading a
// deadline.
var Vietnam = kehoach.VietnamZone

// Locale is one language's labels and formats.
type Locale struct {
	// Tag is the BCP 47 tag ("vi").
	Tag string
	// Decimal and Group are the decimal and thousands separators.
	Decimal, Group string
	// Zone is where times are shown.
	Zone *time.Location
	// DateLayout, TimeLayout, DateTimeLayout and SecondsLayout are Go time
	// layouts: "05/02/2022", "15:04", "15:04 05/02/2022", "05/02/2022 15:04:05".
	DateLayout, TimeLayout, DateTimeLayout, SecondsLayout string
	// NoValue stands for a missing figure.
	NoValue string
	// Labels names codes by kind ("status", "role", "kind", "submission",
	// "audit_action", "audit_entity", "scale"), then code.
	Labels map[string]map[string]string
	// Messages are the phrases with a count in them, by key, as fmt formats
	// with one %s (the count, already formatted).
	Messages map[string]string
}

// Label kinds of Locale.Labels.
const (
	LabelStatus      = "status"
	LabelRole        = "role"
	LabelKind        = "kind"
	LabelSubmission  = "submission"
	LabelAuditAction = "audit_action"
	LabelAuditEntity = "audit_entity"
	LabelTokenScope  = "token_scope"
	LabelValueType   = "value_type" // issue 13: a data element's type, in templates
)

// TokenScope names what an API token may be used for (kehoach.TokenScopeAPI, …).
func (l *Locale) TokenScope(code string) string { return l.Label(LabelTokenScope, code) }

// Label returns the name of code among labels of kind, or code itself when
// the locale has none (an unknown code is shown, never hidden).
func (l *Locale) Label(kind, code string) string {
	if s, ok := l.Labels[kind][code]; ok {
		return s
	}
	return code
}

// Status names a target status ("Đúng tiến độ").
func (l *Locale) Status(code string) string { return l.Label(LabelStatus, code) }

// Role names a role ("Người báo cáo").
func (l *Locale) Role(code string) string { return l.Label(LabelRole, code) }

// Kind names a unit kind ("Thôn, bản").
func (l *Locale) Kind(code string) string { return l.Label(LabelKind, code) }

// Submission names a submission status ("Đã duyệt (khóa)").
func (l *Locale) Submission(code string) string { return l.Label(LabelSubmission, code) }

// AuditAction names an audit action ("Phê duyệt").
func (l *Locale) AuditAction(code string) string { return l.Label(LabelAuditAction, code) }

// AuditEntity names what an audit event is about ("Số liệu").
func (l *Locale) AuditEntity(code string) string { return l.Label(LabelAuditEntity, code) }

// CodesText lists codes with their names for messages:
// "admin (Quản trị hệ thống), planner (Cán bộ kế hoạch)".
func (l *Locale) CodesText(kind string, codes []string) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c + " (" + l.Label(kind, c) + ")"
	}
	return strings.Join(parts, ", ")
}

// Number writes v with up to decimals decimals, trailing zeros dropped:
// "1.234,5". NaN and infinities are NoValue.
func (l *Locale) Number(v float64, decimals int) string { return l.decimal(v, decimals, true) }

// Fixed writes v with exactly decimals decimals: "12,0" (durations, rates).
func (l *Locale) Fixed(v float64, decimals int) string { return l.decimal(v, decimals, false) }

func (l *Locale) decimal(v float64, decimals int, trim bool) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return l.NoValue
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	l.group(&b, intPart)
	if trim {
		frac = strings.TrimRight(frac, "0")
	}
	if frac != "" {
		b.WriteString(l.Decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// Int writes a whole number with grouped thousands: "1.234.567".
func (l *Locale) Int(n int64) string {
	var b strings.Builder
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		b.WriteByte('-')
		s = s[1:]
	}
	l.group(&b, s)
	return b.String()
}

func (l *Locale) group(b *strings.Builder, digits string) {
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(l.Group)
		}
		b.WriteRune(c)
	}
}

// Percent writes a percentage with one decimal at most: "84,6%".
func (l *Locale) Percent(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return l.NoValue
	}
	return l.Number(v, 1) + "%"
}

// Date writes the day of t in the locale's zone: "05/02/2022".
func (l *Locale) Date(t time.Time) string { return l.format(t, l.DateLayout) }

// Time writes the time of day of t in the locale's zone: "15:04".
func (l *Locale) Time(t time.Time) string { return l.format(t, l.TimeLayout) }

// DateTime writes t to the minute in the locale's zone: "15:04 05/02/2022".
func (l *Locale) DateTime(t time.Time) string { return l.format(t, l.DateTimeLayout) }

// DateTimeSeconds writes t to the second in the locale's zone, for logs:
// "05/02/2022 15:04:05".
func (l *Locale) DateTimeSeconds(t time.Time) string { return l.format(t, l.SecondsLayout) }

// format writes t in the locale's zone with layout; "" for the zero time.
func (l *Locale) format(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(l.Zone).Format(layout)
}

// Day writes a calendar day given as "YYYY-MM-DD" the locale's way; any
// other text is returned as it is.
func (l *Locale) Day(ymd string) string {
	t, err := time.Parse("2006-01-02", ymd)
	if err != nil {
		return ymd
	}
	return t.Format(l.DateLayout)
}

// Count writes a phrase with a count: Count("plans", 3) is "3 kế hoạch".
// The count is written with grouped thousands. An unknown key gives the
// number and the key.
func (l *Locale) Count(key string, n int64) string {
	f, ok := l.Messages[key]
	if !ok {
		return l.Int(n) + " " + key
	}
	return strings.Replace(f, "%s", l.Int(n), 1)
}
