// Package kehoach is the domain of kehoach: the plain types of plans,
// targets, units and data, and the service interfaces that the store
// implements and the web uses. It imports nothing of the project's own
// except the pure period and expr packages.
package kehoach

import (
	"context"
	"time"
)

// Clock returns the current time; tests set their own.
type Clock func() time.Time

// DateFormat is how calendar days are written in the database and the API.
const DateFormat = "2006-01-02"

// Date is a calendar day, stored as "YYYY-MM-DD". The zero Date is "no date"
// (an open end of a validity interval).
type Date string

// ParseDate parses "YYYY-MM-DD"; the empty string is the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return "", nil
	}
	if _, err := time.Parse(DateFormat, s); err != nil {
		return "", Errorf(EINVALID, "ngày %q không hợp lệ (cần dạng NNNN-TT-NN)", s)
	}
	return Date(s), nil
}

// DateOf returns the Date of t.
func DateOf(t time.Time) Date { return Date(t.Format(DateFormat)) }

// Time returns the day at 00:00 UTC, or the zero time for the zero Date.
func (d Date) Time() time.Time {
	t, _ := time.Parse(DateFormat, string(d))
	return t
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == "" }

// Services bundles the services that the web and the commands use. Only the
// app package fills it with concrete implementations.
type Services struct {
	Units     UnitService
	Plans     PlanService
	Data      DataService
	Analytics AnalyticsService
	Users     UserService
	// Submissions keeps the submission and approval of entry grids.
	Submissions SubmissionService
	// Audit reads the audit log.
	Audit AuditService
	// Reports keeps drafts and issued reports and letters (issue 12).
	Reports ReportService
	// Planning changes plans and their library (issue 14). When nil, the
	// web takes it from Plans if that implements it (the store does).
	Planning PlanWriteService
	// Issue 10: units kept by their administrator, reorganisations, and
	// reading across them.
	UnitAdmin UnitAdminService
	Reorg     ReorgService
	Hierarchy HierarchyReader
	// Import imports files of figures (issue 13: dataValueSets).
	Import ImportService
	// Bundles exchanges plans as files (issue 13).
	Bundles BundleService
	// Tasks keeps the plans' tasks and their progress reports (issue 11).
	Tasks TaskService
	// Reviews keeps reviews, commendations and emulation criteria (issue 11).
	Reviews ReviewService
	// Bounds keeps the planner's ranges of figures and lists the flagged
	// figures (issue 9). When nil, the web takes it from Plans if that
	// implements it (the store does).
	Bounds BoundService
	// Settings say whose system it is (issue 16). When nil, the web
	// takes it from Plans if that implements it (the store does).
	Settings SettingsService
}

// Pinger answers whether the database is reachable (for /healthz).
type Pinger interface {
	Ping(ctx context.Context) error
}
