package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
	"kehoach/period"
)

// Request asks for one document.
type Request struct {
	PlanID int64
	Kind   string // kehoach.DocReport or kehoach.DocLetter
	Period string // see PeriodHelp
	// Texts are the person's texts; nil takes Defaults.
	Texts *kehoach.ReportTexts
	// Now is the moment of building: the default date.
	Now time.Time
	// Created is the files' metadata time; zero takes Now.
	Created time.Time
	// Status and Version describe the draft printed (empty: not saved).
	Status  string
	Version int64
}

// Motto is the national motto header, two lines.
var Motto = []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}

// Defaults are the texts of a new document: the plan's place and signer,
// today's date, and the usual authority and recipients. Nothing is
// specific to a plan beyond what the plan's own data says.
func Defaults(plan *kehoach.Plan, kind string, p Period, now time.Time) kehoach.ReportTexts {
	t := kehoach.ReportTexts{
		Place:     plan.Place,
		Date:      kehoach.DateOf(now.In(locale.Vietnam)),
		Signature: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
		Signer:    plan.Signer,
	}
	if kind == kehoach.DocLetter {
		t.Code = "UBND-VHXH"
		t.Summary = "V/v đôn đốc báo cáo số liệu và thực hiện nhiệm vụ " + p.Label
		t.Recipients = "Như trên;\nLãnh đạo UBND;\nLưu: VT, VHXH."
		t.Due = kehoach.DateOf(now.In(locale.Vietnam).AddDate(0, 0, 7))
		return t
	}
	t.Code = "BC-UBND"
	t.Summary = "Kết quả thực hiện " + plan.Title + " " + p.Label
	t.Recipients = "Thường trực cấp ủy;\nThường trực HĐND;\nLãnh đạo UBND;\nCác cơ quan, đơn vị liên quan;\nLưu: VT, VHXH."
	return t
}

// Build makes the document req asks for. A period outside the plan's
// horizon is EINVALID with Fields["period"]; a report of a plan without
// any figure for the period, or a letter with no unit owing anything, is
// EINVALID saying so; an unknown plan is ENOTFOUND.
func Build(ctx context.Context, src Sources, req Request) (*Report, error) {
	if req.Kind != kehoach.DocReport && req.Kind != kehoach.DocLetter {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: fmt.Sprintf("Loại văn bản %q không có: chọn report (báo cáo) hoặc letter (công văn đôn đốc).", req.Kind),
			Fields: map[string]string{"kind": "Chọn báo cáo hoặc công văn đôn đốc."}}
	}
	src.Scheme = src.schemeOrDefault()
	if src.Coverage == nil {
		src.Coverage = NewFromCompleteness(src.Data, src.Submissions)
	}
	if req.Now.IsZero() {
		req.Now = time.Now()
	}
	plan, err := src.Plans.FindPlanByID(ctx, req.PlanID)
	if err != nil {
		return nil, err
	}
	per, err := ParsePeriod(req.Period, plan, src.Scheme)
	if err != nil {
		return nil, err
	}
	texts := Defaults(plan, req.Kind, per, req.Now)
	if req.Texts != nil {
		texts = *req.Texts
	}
	if err := texts.Validate(); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, src: src, plan: plan, per: per, texts: texts}
	r, err := b.header(req)
	if err != nil {
		return nil, err
	}
	if req.Kind == kehoach.DocLetter {
		err = b.letter(r)
	} else {
		err = b.report(r)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

type builder struct {
	ctx   context.Context
	src   Sources
	plan  *kehoach.Plan
	per   Period
	texts kehoach.ReportTexts
	// issuer is the issuing body's name ("Huyện Tam Đường").
	issuer string
}

// header fills the parts every document shares: issuing body and motto,
// number, place and date, type and summary, signature and recipients.
func (b *builder) header(req Request) (*Report, error) {
	t := b.texts
	r := &Report{
		Kind:    req.Kind,
		Plan:    Plan{ID: b.plan.ID, Code: b.plan.Code, Number: b.plan.Number, Title: b.plan.Title},
		Period:  b.per,
		Motto:   Motto,
		Summary: strings.TrimSpace(t.Summary),
		Window:  window(b.per),
		Signer:  strings.TrimSpace(t.Signer),
		Status:  cmp.Or(req.Status, kehoach.ReportDraftStatus),
		Version: req.Version,
		Created: cmp.Or(req.Created, req.Now).UTC().Truncate(time.Second),
	}
	names, err := unitNames(b.ctx, b.src.Units, []string{b.plan.IssuerCode})
	if err != nil {
		return nil, err
	}
	b.issuer = names[b.plan.IssuerCode]
	r.IssuerLines = []string{"ỦY BAN NHÂN DÂN"}
	if b.issuer != "" {
		r.IssuerLines = append(r.IssuerLines, strings.ToUpper(b.issuer))
	}
	r.Number = "Số: " + cmp.Or(strings.TrimSpace(t.Number), "…") + "/" + strings.TrimSpace(t.Code)
	if !t.Date.IsZero() {
		r.PlaceDate = locale.VI.DocumentDate(strings.TrimSpace(t.Place), t.Date.Time())
	} else {
		r.PlaceDate = cmp.Or(strings.TrimSpace(t.Place), "…") + ", ngày … tháng … năm …"
	}
	if req.Kind == kehoach.DocReport {
		r.DocType = "BÁO CÁO"
	}
	r.Signature = lines(strings.ToUpper(t.Signature))
	r.Recipients = lines(t.Recipients)
	return r, nil
}

// report fills a report's body and appendix.
func (b *builder) report(r *Report) error {
	progress, err := b.progress()
	if err != nil {
		return err
	}
	groups := map[string]string{}
	for _, s := range b.plan.Sections {
		groups[s.Number] = s.Number + ". " + s.Title
	}
	counts := map[string]int{}
	hasValue := false
	for _, tp := range progress {
		res, err := b.result(tp, groups)
		if err != nil {
			return err
		}
		hasValue = hasValue || res.HasValue
		counts[res.Status]++
		r.Results = append(r.Results, res)
	}
	if err := b.fallbackCoverage(progress, r.Results); err != nil {
		return err
	}
	if !hasValue {
		return &kehoach.Error{Code: kehoach.EINVALID, Message: fmt.Sprintf("Kế hoạch chưa có số liệu cho %s: chưa thể lập báo cáo. Các đơn vị cần nhập và gửi số liệu trước.", b.per.Label),
			Fields: map[string]string{"period": "Chưa có số liệu cho kỳ này."}}
	}
	r.Overview = overview(b.per, len(progress), counts)
	r.General = paragraphs(b.texts.General)
	r.Difficulties = paragraphs(b.texts.Difficulties)
	r.Proposals = paragraphs(b.texts.Proposals)
	if err := b.appendix(r); err != nil {
		return err
	}
	r.Lagging = lagging(r.Appendix, r.Results)
	if r.Tasks, err = b.tasks(); err != nil {
		return err
	}
	// The body ends with "./." right after its last word (Decree 30).
	if n := len(r.Proposals); n > 0 {
		r.Proposals[n-1] += "./."
	} else {
		r.Proposals = []string{"./."}
	}
	return nil
}

// window is the cut-off line, with the tree the figures are read under.
func window(p Period) string {
	w := fmt.Sprintf("(Số liệu chốt từ ngày %s đến ngày %s)", p.From, p.To)
	if p.Tree != "" {
		w = fmt.Sprintf("(Số liệu chốt từ ngày %s đến ngày %s, tính theo địa giới hành chính ngày %s; số liệu “ước tính” chia theo tỷ lệ khai báo khi tách đơn vị)",
			p.From, p.To, locale.VI.Day(string(p.Tree)))
	}
	return w
}

// progress reads the plan's targets as of the end of the period (a
// quarter's report judges a yearly target as of the quarter's end, not of
// the year: analytics todate.go), under the period's tree when it names
// one (issue 10; yearly periods only).
func (b *builder) progress() ([]*kehoach.TargetProgress, error) {
	if b.per.Tree == "" {
		return b.src.Analytics.PlanProgress(b.ctx, b.plan, b.per.Data)
	}
	if b.src.Hierarchy == nil {
		return nil, periodError("Máy chủ này chưa đọc được số liệu theo địa giới của một ngày khác.")
	}
	asOf := b.per.Year
	if b.per.Final {
		// The review under another tree reads each target as of its latest
		// period with figures there (the last year may have none yet).
		asOf = ""
	}
	return b.src.Hierarchy.PlanProgressUnder(b.ctx, b.plan, asOf, b.per.Tree)
}

// breakdown is the target's figures by the units of kind, under the
// period's tree when it names one.
func (b *builder) breakdown(t *kehoach.Target, kind string) ([]*kehoach.UnitProgress, error) {
	if b.per.Tree == "" {
		return b.src.Analytics.TargetBreakdown(b.ctx, t, kind, b.per.Data)
	}
	return b.src.Hierarchy.TargetBreakdownUnder(b.ctx, t, kind, b.per.Data, b.per.Tree)
}

func (b *builder) tasks() ([]TaskBody, error) {
	if b.src.Tasks == nil {
		return nil, nil
	}
	asOf := b.texts.Date
	if asOf.IsZero() {
		asOf = kehoach.DateOf(time.Now())
	}
	tasks, err := b.src.Tasks.TaskProgress(b.ctx, b.plan, asOf)
	if err != nil || len(tasks) == 0 {
		return nil, err
	}
	return tasks, nil
}

// result is one target's row.
func (b *builder) result(tp *kehoach.TargetProgress, groups map[string]string) (Result, error) {
	t := tp.Target
	res := ProgressResult(tp)
	res.Group = cmp.Or(groups[t.Section], t.Section)
	percent, decimals := res.Percent, res.Decimals
	cur := tp.Current
	if b.per.Data != b.per.Year {
		pt, err := b.src.Analytics.IndicatorValue(b.ctx, t.IndicatorCode, t.ScopeCode, b.per.Data)
		if err != nil {
			return res, err
		}
		cur = pt
	}
	if cur.HasValue {
		res.HasValue, res.Value, res.Num, res.Den = true, cur.Value, cur.Num, cur.Den
		res.ValueText = valueText(cur.Value, percent, decimals) + estimatedMark(cur)
		res.Estimated = cur.Estimated
		res.XY = locale.VI.Number(cur.Num, 0) + "/" + locale.VI.Number(cur.Den, 0) + " " + t.CountLabel
		if t.Value != 0 {
			res.OfTarget = cur.Value / t.Value * 100
			res.OfTargetText = locale.VI.Percent(res.OfTarget)
		}
	} else {
		res.ValueText, res.Status, res.StatusText = locale.VI.NoValue, kehoach.StatusNoData, locale.VI.Status(kehoach.StatusNoData)
	}
	if b.per.Prev != "" && cur.HasValue {
		prev, err := b.src.Analytics.IndicatorValue(b.ctx, t.IndicatorCode, t.ScopeCode, b.per.Prev)
		if err != nil && kehoach.ErrorCode(err) != kehoach.EINVALID {
			return res, err
		}
		if err == nil && prev.HasValue {
			res.HasPrev, res.ChangePrev = true, cur.Value-prev.Value
			res.PrevText = changeText(res.ChangePrev, percent, decimals)
		}
	}
	if tp.Baseline.HasValue && cur.HasValue {
		res.HasBase, res.ChangeBase = true, cur.Value-tp.Baseline.Value
		res.BaseText = changeText(res.ChangeBase, percent, decimals)
	}
	if c := cur.Coverage; c.Expected > 0 {
		// The engine's coverage of the figure printed (issue 9): units that
		// reported it, of those expected to, and how many are approved.
		res.HasCoverage, res.Coverage = true, 100*float64(c.Reported)/float64(c.Expected)
		res.CoverageText = locale.VI.Coverage(c.Reported, c.Approved, c.Expected)
	}
	return res, nil
}

// fallbackCoverage fills the coverage the engine did not give (a figure
// without expected units) from Coverage, for those rows only: counting
// submitted grids reads every unit of a scope, 2 s of a national report
// when done for every target.
func (b *builder) fallbackCoverage(progress []*kehoach.TargetProgress, results []Result) error {
	var need []*kehoach.Target
	for i, tp := range progress {
		if !results[i].HasCoverage {
			need = append(need, tp.Target)
		}
	}
	if len(need) == 0 {
		return nil
	}
	if pf, ok := b.src.Coverage.(interface {
		Prefetch(context.Context, []*kehoach.Target, Period) error
	}); ok {
		if err := pf.Prefetch(b.ctx, need, b.per); err != nil {
			return err
		}
	}
	for i, tp := range progress {
		if results[i].HasCoverage {
			continue
		}
		cov, ok, err := b.src.Coverage.TargetCoverage(b.ctx, tp.Target, b.per)
		if err != nil {
			return err
		}
		if ok {
			results[i].HasCoverage, results[i].Coverage, results[i].CoverageText = true, cov, locale.VI.Percent(cov)
		}
	}
	return nil
}

// ProgressResult is the part of a target's row that its progress alone
// gives (target, status, series, projection): what a target page's chart
// needs, and where Build's rows start.
func ProgressResult(tp *kehoach.TargetProgress) Result {
	t, ind := tp.Target, tp.Indicator
	percent := ind != nil && ind.Factor == 100
	decimals := 1
	if ind != nil {
		decimals = ind.Decimals
	}
	res := Result{
		Code: t.Code, Text: t.Text, Group: t.Section, Op: t.Op, Target: t.Value,
		TargetText: kehoach.OpSymbol(t.Op) + " " + valueText(t.Value, percent, decimals),
		Percent:    percent, Decimals: decimals, Status: tp.Status, StatusText: locale.VI.Status(tp.Status),
		Deadline: t.Deadline, Projection: tp.Projection, HasProjection: tp.HasProjection, Milestones: tp.Milestones,
	}
	for _, p := range tp.Series {
		res.Series = append(res.Series, Point{Period: p.Period, Label: periodLabel(p.Period), HasValue: p.HasValue, Value: p.Value})
	}
	return res
}

// EstimatedMark follows a value read under another day's tree that takes a
// split unit's figures by declared shares (issue 10): every format prints it.
const EstimatedMark = " (ước tính)"

func estimatedMark(p kehoach.Point) string {
	if p.Estimated {
		return EstimatedMark
	}
	return ""
}

// AppendixRows writes a target's breakdown by unit as appendix rows, in
// the breakdown's order.
func AppendixRows(ups []*kehoach.UnitProgress, percent bool, decimals int) []AppendixRow {
	var out []AppendixRow
	for _, up := range ups {
		row := AppendixRow{Unit: up.Unit.Name, HasValue: up.Point.HasValue, Meets: up.Meets, Status: up.Status,
			StatusText: locale.VI.Status(up.Status), ValueText: locale.VI.NoValue}
		if up.Point.HasValue {
			row.Value, row.Num, row.Den = up.Point.Value, up.Point.Num, up.Point.Den
			row.ValueText = valueText(up.Point.Value, percent, decimals) + estimatedMark(up.Point)
			row.Estimated = up.Point.Estimated
			row.XY = locale.VI.Number(up.Point.Num, 0) + "/" + locale.VI.Number(up.Point.Den, 0)
		}
		out = append(out, row)
	}
	return out
}

// appendix makes one table per target, by the units directly below the
// target's scope, in Vietnamese order of name.
func (b *builder) appendix(r *Report) error {
	kinds := map[string]string{}
	for _, t := range b.plan.Targets {
		kind, ok := kinds[t.ScopeCode]
		if !ok {
			var err error
			if kind, err = b.childKind(t.ScopeCode); err != nil {
				return err
			}
			kinds[t.ScopeCode] = kind
		}
		var res *Result
		for i := range r.Results {
			if r.Results[i].Code == t.Code {
				res = &r.Results[i]
			}
		}
		if kind == "" || res == nil {
			continue
		}
		rows, err := b.breakdown(t, kind)
		if err != nil {
			return err
		}
		a := Appendix{Code: t.Code, Text: t.Text, Kind: locale.VI.Kind(kind), Percent: res.Percent, Decimals: res.Decimals,
			Rows: AppendixRows(rows, res.Percent, res.Decimals)}
		slices.SortStableFunc(a.Rows, func(x, y AppendixRow) int { return vntext.Compare(x.Unit, y.Unit) })
		r.Appendix = append(r.Appendix, a)
	}
	return nil
}

// childKind is the kind most units directly below scope have (agencies
// and schools aside): communes under a district, provinces under the
// country.
func (b *builder) childKind(scope string) (string, error) {
	units, err := b.src.Units.FindUnits(b.ctx, kehoach.UnitFilter{Parent: scope})
	if err != nil {
		return "", err
	}
	count := map[string]int{}
	best := ""
	for _, u := range units {
		if u.Kind == kehoach.KindAgency || u.Kind == kehoach.KindSchool {
			continue
		}
		count[u.Kind]++
		if best == "" || count[u.Kind] > count[best] {
			best = u.Kind
		}
	}
	return best, nil
}

// lagging lists the units short of a target or without a figure, most
// targets missed first, each with what it misses.
func lagging(appendix []Appendix, results []Result) []Lag {
	target := map[string]string{}
	for _, r := range results {
		target[r.Code] = r.TargetText
	}
	byUnit := map[string]*Lag{}
	var out []*Lag
	for _, a := range appendix {
		for _, row := range a.Rows {
			if row.Meets {
				continue
			}
			l := byUnit[row.Unit]
			if l == nil {
				l = &Lag{Unit: row.Unit}
				byUnit[row.Unit] = l
				out = append(out, l)
			}
			item := fmt.Sprintf("mục tiêu %s: %s (chỉ tiêu %s)", a.Code, row.ValueText, target[a.Code])
			if !row.HasValue {
				item = fmt.Sprintf("mục tiêu %s: chưa có số liệu", a.Code)
			}
			l.Items = append(l.Items, item)
		}
	}
	slices.SortStableFunc(out, func(x, y *Lag) int {
		if c := cmp.Compare(len(y.Items), len(x.Items)); c != 0 {
			return c
		}
		return vntext.Compare(x.Unit, y.Unit)
	})
	lags := make([]Lag, len(out))
	for i, l := range out {
		lags[i] = *l
	}
	return lags
}

// letter fills a chasing letter: the units that have not submitted the
// plan's forms for the period, and the bodies with overdue tasks.
func (b *builder) letter(r *Report) error {
	due := b.texts.Due
	if due.IsZero() {
		due = kehoach.DateOf(b.texts.Date.Time().AddDate(0, 0, 7))
	}
	dueText := locale.VI.Day(string(due))
	owed := map[string]*Owed{}
	var order []*Owed
	add := func(unit, item string) {
		o := owed[unit]
		if o == nil {
			o = &Owed{Unit: unit, Due: dueText}
			owed[unit] = o
			order = append(order, o)
		}
		if !slices.Contains(o.Items, item) {
			o.Items = append(o.Items, item)
		}
	}
	seen := map[string]bool{}
	for _, t := range b.plan.Targets {
		forms, err := targetForms(b.ctx, b.src.Data, t)
		if err != nil {
			return err
		}
		for _, f := range forms {
			pid, ok := formPeriod(f, b.per)
			key := f.Code + "/" + pid + "/" + t.ScopeCode
			if !ok || seen[key] {
				continue
			}
			seen[key] = true
			cm, err := b.src.Submissions.Completeness(b.ctx, kehoach.CompletenessFilter{Form: f.Code, Period: pid, Parent: t.ScopeCode})
			if code := kehoach.ErrorCode(err); code == kehoach.ENOTFOUND || code == kehoach.EINVALID {
				continue
			} else if err != nil {
				return err
			}
			for _, u := range cm.Units {
				if !u.Reported {
					add(u.Name, fmt.Sprintf("Báo cáo “%s” %s (hạn %s)", f.Name, lowerFirst(periodLabel(pid)), locale.VI.Day(string(cm.Deadline))))
				}
			}
		}
	}
	tasks, err := b.tasks()
	if err != nil {
		return err
	}
	for _, tb := range tasks {
		for _, title := range tb.Late {
			add(tb.Body, "Nhiệm vụ quá hạn: "+title)
		}
	}
	if len(order) == 0 {
		return &kehoach.Error{Code: kehoach.EINVALID, Message: fmt.Sprintf("Không có đơn vị nào còn nợ báo cáo hay chậm nhiệm vụ trong %s: không cần công văn đôn đốc.", b.per.Label),
			Fields: map[string]string{"period": "Không có đơn vị cần đôn đốc."}}
	}
	slices.SortStableFunc(order, func(x, y *Owed) int { return vntext.Compare(x.Unit, y.Unit) })
	r.Salutation = []string{"Kính gửi:"}
	for _, o := range order {
		r.Salutation = append(r.Salutation, "- "+o.Unit+";")
		r.Owed = append(r.Owed, *o)
	}
	r.Salutation[len(r.Salutation)-1] = strings.TrimSuffix(r.Salutation[len(r.Salutation)-1], ";") + "."
	issuer := "Ủy ban nhân dân"
	if b.issuer != "" {
		issuer += " " + lowerFirst(b.issuer)
	}
	r.Intro = []string{fmt.Sprintf("Thực hiện %s (số %s), để tổng hợp báo cáo %s đúng thời hạn theo Nghị định số 09/2019/NĐ-CP, số liệu chốt từ ngày %s đến ngày %s, %s đề nghị các cơ quan, đơn vị có tên dưới đây hoàn thành các nội dung còn nợ trước ngày %s:",
		b.plan.Title, b.plan.Number, b.per.Label, b.per.From, b.per.To, issuer, dueText)}
	r.Closing = paragraphs(b.texts.General)
	if len(r.Closing) == 0 {
		r.Closing = []string{"Đề nghị Thủ trưởng các cơ quan, đơn vị quan tâm chỉ đạo, khẩn trương thực hiện, gửi báo cáo đúng thời hạn"}
	}
	r.Closing[len(r.Closing)-1] += "./."
	return nil
}

// overview sums the statuses up in one sentence.
func overview(p Period, n int, counts map[string]int) string {
	var parts []string
	for _, s := range []string{kehoach.StatusAchieved, kehoach.StatusOnTrack, kehoach.StatusAtRisk, kehoach.StatusOffTrack, kehoach.StatusNoData} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], strings.ToLower(locale.VI.Status(s))))
		}
	}
	return fmt.Sprintf("Trong %s, kế hoạch có %d mục tiêu được theo dõi: %s.", p.Label, n, strings.Join(parts, ", "))
}

// valueText writes an indicator value: a percentage or a number.
func valueText(v float64, percent bool, decimals int) string {
	if percent {
		return locale.VI.Percent(v)
	}
	return locale.VI.Number(v, decimals)
}

// changeText writes a change with its sign ("+3,2 điểm %").
func changeText(d float64, percent bool, decimals int) string {
	if percent {
		decimals = 1
	}
	s := locale.VI.Number(math.Abs(d), decimals)
	switch {
	case s == locale.VI.Number(0, decimals):
		s = "0"
	case d > 0:
		s = "+" + s
	default:
		s = "-" + s
	}
	if percent {
		s += " điểm %"
	}
	return s
}

func periodLabel(id string) string {
	if p, err := period.Parse(id); err == nil {
		return p.Label()
	}
	return id
}

// lines splits a multi-line field into its non-empty trimmed lines.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// paragraphs splits a text into paragraphs, one per non-empty line.
func paragraphs(s string) []string { return lines(s) }
