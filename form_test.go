package kehoach

import (
	"strings"
	"testing"
	"time"

	"kehoach/period"
)

func TestFormAcceptsPeriod(t *testing.T) {
	quarterly := &Form{Name: "Quý", PeriodType: "quarterly"}
	yearly := &Form{Name: "Năm", PeriodType: "yearly"}
	// 2025-03-31 20:00 UTC is already 1 April in Vietnam: the second
	// quarter has begun there.
	lateMarch := time.Date(2025, 3, 31, 20, 0, 0, 0, time.UTC)
	midMarch := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		form   *Form
		period string
		now    time.Time
		want   string // a part of the reason; "" accepts
	}{
		{"current quarter", quarterly, "2025Q1", midMarch, ""},
		{"last quarter", quarterly, "2024Q4", midMarch, ""},
		{"next quarter", quarterly, "2025Q2", midMarch, "chưa đến"},
		{"next quarter begun in Vietnam", quarterly, "2025Q2", lateMarch, ""},
		{"far future", yearly, "2030", midMarch, "chưa đến"},
		{"five years back, January", quarterly, "2020Q1", midMarch, ""},
		{"six years back", quarterly, "2019Q4", midMarch, "quá cũ"},
		{"far past", yearly, "1990", midMarch, "quá cũ"},
		{"current year", yearly, "2025", midMarch, ""},
		{"other period type", yearly, "2024Q4", midMarch, "không khớp loại kỳ"},
		{"form with a bad type", &Form{Name: "X", PeriodType: "daily"}, "2024", midMarch, "không hợp lệ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.form.AcceptsPeriod(period.MustParse(tt.period), tt.now)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("AcceptsPeriod(%s) = %v, want nil", tt.period, err)
				}
				return
			}
			if ErrorCode(err) != EINVALID || !strings.Contains(ErrorFields(err)["period"], tt.want) {
				t.Fatalf("AcceptsPeriod(%s) = %v (fields %v), want EINVALID with period %q", tt.period, err, ErrorFields(err), tt.want)
			}
		})
	}
}

// The page offers exactly the periods the store accepts.
func TestFormPeriods(t *testing.T) {
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		form        *Form
		n           int
		first, last string
	}{
		{&Form{PeriodType: "yearly"}, 6, "2025", "2020"},
		{&Form{PeriodType: "quarterly"}, 21, "2025Q1", "2020Q1"},
		{&Form{PeriodType: "monthly"}, 63, "202503", "202001"},
		{&Form{PeriodType: "bad"}, 0, "", ""},
	}
	for _, tt := range tests {
		ps := tt.form.Periods(now)
		if len(ps) != tt.n {
			t.Fatalf("%s: %d periods, want %d", tt.form.PeriodType, len(ps), tt.n)
		}
		if tt.n == 0 {
			continue
		}
		if ps[0].String() != tt.first || ps[len(ps)-1].String() != tt.last {
			t.Errorf("%s: periods %s…%s, want %s…%s", tt.form.PeriodType, ps[0], ps[len(ps)-1], tt.first, tt.last)
		}
		for _, p := range ps {
			if err := tt.form.AcceptsPeriod(p, now); err != nil {
				t.Errorf("%s: offered %s but AcceptsPeriod says %v", tt.form.PeriodType, p, err)
			}
		}
		if err := tt.form.AcceptsPeriod(ps[0].Next(), now); err == nil {
			t.Errorf("%s: accepts %s, after the newest offered", tt.form.PeriodType, ps[0].Next())
		}
		if err := tt.form.AcceptsPeriod(ps[len(ps)-1].Prev(), now); err == nil {
			t.Errorf("%s: accepts %s, before the oldest offered", tt.form.PeriodType, ps[len(ps)-1].Prev())
		}
	}
}
