package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/period"
)

// FinalPeriod names the whole horizon of a plan (a tổng kết report).
const FinalPeriod = "final"

// PeriodHelp lists what a period may be, for messages and usage.
const PeriodHelp = "2024 (năm), 2024S1 hoặc 2024S2 (6 tháng), 2024Q1 đến 2024Q4 (quý), 2024N9 (9 tháng) hoặc final (tổng kết cả giai đoạn); thêm @NNNN-TT-NN sau kỳ năm hoặc tổng kết để đọc theo địa giới của ngày đó"

// horizon returns the plan's first and last years: its horizon, or the
// years from the earliest baseline to the latest deadline when unset.
func horizon(plan *kehoach.Plan) (from, to int) {
	if p, err := period.Parse(plan.HorizonFrom); err == nil {
		from = p.Year
	}
	if p, err := period.Parse(plan.HorizonTo); err == nil {
		to = p.Year
	}
	for _, t := range plan.Targets {
		if from == 0 {
			if b, err := period.Parse(t.BaselinePeriod); err == nil && (from == 0 || b.Year < from) {
				from = b.Year
			}
		}
		if d, err := period.Parse(t.Deadline); err == nil && plan.HorizonTo == "" && d.Year > to {
			to = d.Year
		}
	}
	return from, to
}

func periodError(msg string) error {
	return &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{"period": msg}}
}

// ParsePeriod reads what a document reports on (see PeriodHelp) and checks
// it lies in the plan's horizon. The window is the data cut-off window of
// scheme; nine months run from the year's start to the 14th of September
// (period.NineMonths), the final review over the whole horizon.
func ParsePeriod(spec string, plan *kehoach.Plan, scheme period.Scheme) (Period, error) {
	spec = strings.TrimSpace(spec)
	// "final@2025-07-01": the period read under the tree of that day.
	var tree kehoach.Date
	if base, day, ok := strings.Cut(spec, "@"); ok {
		if _, err := time.Parse(kehoach.DateFormat, day); err != nil {
			return Period{}, periodError(fmt.Sprintf("Ngày địa giới %q không hợp lệ: viết NNNN-TT-NN.", day))
		}
		spec, tree = base, kehoach.Date(day)
	}
	from, to := horizon(plan)
	var out Period
	var p period.Period
	var winFrom, winTo time.Time
	switch {
	case spec == "":
		return out, periodError("Chưa chọn kỳ báo cáo: " + PeriodHelp + ".")
	case strings.EqualFold(spec, FinalPeriod) || strings.EqualFold(spec, "tongket"):
		if from == 0 || to == 0 {
			return out, periodError("Kế hoạch chưa có thời hạn (năm bắt đầu và năm kết thúc), nên chưa thể tổng kết.")
		}
		first, last := period.Period{Type: period.Yearly, Year: from}, period.Period{Type: period.Yearly, Year: to}
		winFrom, _ = scheme.Window(first)
		_, winTo = scheme.Window(last)
		out = Period{ID: FinalPeriod, Final: true, Label: fmt.Sprintf("giai đoạn %d - %d", from, to),
			Year: last.String(), Data: last.String()}
		p = last
	case len(spec) == 6 && strings.EqualFold(spec[4:], "N9"):
		y, err := strconv.Atoi(spec[:4])
		if err != nil || y < period.MinYear {
			return out, periodError(fmt.Sprintf("Kỳ báo cáo %q không hợp lệ: chấp nhận %s.", spec, PeriodHelp))
		}
		p = period.Period{Type: period.Yearly, Year: y}
		winFrom, winTo = period.NineMonths(y, scheme)
		// The engine reads "2024N9" from January to the end of September:
		// flows added over three quarters, stocks at its end (analytics
		// todate.go); the comparison is last year's nine months.
		out = Period{ID: strconv.Itoa(y) + "N9", Label: fmt.Sprintf("9 tháng năm %d", y), Year: p.String(),
			Data: strconv.Itoa(y) + "N9", Prev: strconv.Itoa(y-1) + "N9"}
	default:
		var err error
		p, err = period.Parse(spec)
		if err != nil || p.Type == period.Monthly {
			return out, periodError(fmt.Sprintf("Kỳ báo cáo %q không hợp lệ: chấp nhận %s.", spec, PeriodHelp))
		}
		winFrom, winTo = scheme.Window(p)
		out = Period{ID: p.String(), Label: lowerFirst(p.Label()), Year: p.Parent(period.Yearly).String(),
			Data: p.String(), Prev: p.Prev().String()}
		if p.Type == period.Quarterly {
			out.Label = fmt.Sprintf("quý %s năm %d", []string{"", "I", "II", "III", "IV"}[p.N], p.Year)
		}
	}
	if from != 0 && to != 0 && (p.Year < from || p.Year > to) {
		return Period{}, periodError(fmt.Sprintf("Kỳ %s nằm ngoài thời hạn của kế hoạch (%d - %d).", out.Label, from, to))
	}
	out.From, out.To = locale.VI.Date(winFrom), locale.VI.Date(winTo)
	if tree != "" {
		if out.Data != out.Year {
			return Period{}, periodError("Đọc theo địa giới của một ngày chỉ dùng cho báo cáo năm hoặc tổng kết.")
		}
		out.Tree, out.ID = tree, out.ID+"@"+string(tree)
		out.Label += " (theo địa giới hành chính ngày " + locale.VI.Day(string(tree)) + ")"
	}
	return out, nil
}

// dataEnd is the period holding the end of the data period: the third
// quarter for nine months.
func (p Period) dataEnd() (period.Period, error) {
	if y, ok := strings.CutSuffix(p.Data, "N9"); ok {
		return period.Parse(y + "Q3")
	}
	return period.Parse(p.Data)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToLower(string(r[0])) + string(r[1:])
}

// PeriodOptions lists what a document of plan may report on, for a
// picker: each year of the horizon with its halves, quarters and nine
// months, then the final review.
func PeriodOptions(plan *kehoach.Plan) []Period {
	from, to := horizon(plan)
	var out []Period
	for y := from; y > 0 && y <= to; y++ {
		ys := strconv.Itoa(y)
		for _, id := range []string{ys, ys + "S1", ys + "S2", ys + "Q1", ys + "Q2", ys + "Q3", ys + "Q4", ys + "N9"} {
			if p, err := ParsePeriod(id, plan, period.Decree09); err == nil {
				out = append(out, p)
			}
		}
	}
	if p, err := ParsePeriod(FinalPeriod, plan, period.Decree09); err == nil {
		out = append(out, p)
	}
	return out
}
