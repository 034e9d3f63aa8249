package locale

import (
	"math"
	"testing"
	"time"

	"kehoach"
)

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		dec  int
		want string
	}{
		{0, 0, "0"},
		{1234.5, 1, "1.234,5"},
		{1234567, 0, "1.234.567"},
		{84.615, 1, "84,6"},
		{100, 1, "100"},
		{-0.04, 1, "0"},
		{-1234.25, 2, "-1.234,25"},
		{math.NaN(), 1, "–"},
		{math.Inf(1), 0, "–"},
	} {
		if got := VI.Number(tc.v, tc.dec); got != tc.want {
			t.Errorf("Number(%v, %d) = %q, want %q", tc.v, tc.dec, got, tc.want)
		}
	}
	if got := VI.Fixed(12, 1); got != "12,0" {
		t.Errorf("Fixed(12, 1) = %q", got)
	}
	if got := VI.Percent(84.615); got != "84,6%" {
		t.Errorf("Percent = %q", got)
	}
	if got := VI.Int(-54199260); got != "-54.199.260" {
		t.Errorf("Int = %q", got)
	}
}

// A time is shown in Vietnam's time whatever zone it carries: the server's
// zone (often UTC) must not leak into a page or a message.
func TestTimesInVietnam(t *testing.T) {
	utc := time.Date(2026, 12, 1, 20, 30, 0, 0, time.UTC) // 03:30 on 2 December in Hà Nội
	ny := utc.In(time.FixedZone("EST", -5*3600))
	for _, at := range []time.Time{utc, ny, utc.Local()} {
		if got := VI.DateTime(at); got != "03:30 02/12/2026" {
			t.Errorf("DateTime(%v) = %q", at, got)
		}
		if got := VI.Date(at); got != "02/12/2026" {
			t.Errorf("Date(%v) = %q", at, got)
		}
	}
	if got := VI.DateTimeSeconds(utc); got != "02/12/2026 03:30:00" {
		t.Errorf("DateTimeSeconds = %q", got)
	}
	if VI.DateTime(time.Time{}) != "" {
		t.Error("zero time should be empty")
	}
	if got := VI.Day("2022-06-05"); got != "05/06/2022" {
		t.Errorf("Day = %q", got)
	}
}

// Every code the domain defines has a Vietnamese label.
func TestEveryCodeLabelled(t *testing.T) {
	for kind, codes := range map[string][]string{
		LabelStatus:      {kehoach.StatusAchieved, kehoach.StatusOnTrack, kehoach.StatusAtRisk, kehoach.StatusOffTrack, kehoach.StatusNoData},
		LabelRole:        kehoach.Roles,
		LabelKind:        kehoach.UnitKinds,
		LabelSubmission:  {kehoach.SubmissionDraft, kehoach.SubmissionSubmitted, kehoach.SubmissionApproved, kehoach.SubmissionReturned},
		LabelAuditAction: kehoach.AuditActions,
		LabelAuditEntity: kehoach.AuditEntities,
		LabelTokenScope:  {kehoach.TokenScopeAPI, kehoach.TokenScopeRead},
	} {
		for _, c := range codes {
			if _, ok := VI.Labels[kind][c]; !ok {
				t.Errorf("no %s label for %q", kind, c)
			}
		}
	}
	if got := VI.Count("plans", 1); got != "1 kế hoạch" {
		t.Errorf("Count = %q", got)
	}
	if got := VI.Count("values", 11080); got != "11.080 số liệu" {
		t.Errorf("Count = %q", got)
	}
}

// The decree's date line: leading zeros for days below 10 and for January
// and February only.
func TestDocumentDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		in   time.Time
		want string
	}{
		{day(2022, 2, 5), "Tam Đường, ngày 05 tháng 02 năm 2022"},
		{day(2024, 12, 14), "Tam Đường, ngày 14 tháng 12 năm 2024"},
		{day(2024, 3, 9), "Tam Đường, ngày 09 tháng 3 năm 2024"},
	} {
		if got := VI.DocumentDate("Tam Đường", c.in); got != c.want {
			t.Errorf("DocumentDate(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
