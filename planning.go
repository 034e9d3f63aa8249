package kehoach

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"kehoach/expr"
	"kehoach/period"
)

// Plan states: a plan is drafted, checked and published in one step. A plan
// loaded from a bundle (the demo) is published.
const (
	PlanDraft     = "draft"
	PlanPublished = "published"
)

// PlanState is where a plan stands in its life, and who published it.
type PlanState struct {
	Status      string `json:"status"`
	PublishedAt string `json:"publishedAt,omitempty"`
	PublishedBy string `json:"publishedBy,omitempty"`
}

// TargetTerms are the parts of a target a revision changes: what is
// measured, over which units, what must be reached, by when, from which
// baseline.
type TargetTerms struct {
	Text           string  `json:"text"`
	IndicatorCode  string  `json:"indicator"`
	ScopeCode      string  `json:"scope"`
	Op             string  `json:"comparison"`
	Value          float64 `json:"target"`
	Deadline       string  `json:"deadline"`
	BaselinePeriod string  `json:"baselinePeriod"`
}

// TermsOf returns the terms of t.
func TermsOf(t *Target) TargetTerms {
	return TargetTerms{Text: t.Text, IndicatorCode: t.IndicatorCode, ScopeCode: t.ScopeCode,
		Op: t.Op, Value: t.Value, Deadline: t.Deadline, BaselinePeriod: t.BaselinePeriod}
}

// Apply sets t's terms to x.
func (x TargetTerms) Apply(t *Target) {
	t.Text, t.IndicatorCode, t.ScopeCode = x.Text, x.IndicatorCode, x.ScopeCode
	t.Op, t.Value, t.Deadline, t.BaselinePeriod = x.Op, x.Value, x.Deadline, x.BaselinePeriod
}

// Milestone is an interim value a target must reach by a period.
type Milestone struct {
	Period string  `json:"period"`
	Value  float64 `json:"value"`
}

// Decision is the legal basis of a change to a published plan: the
// resolution or decision (number, date, issuer) and the day the change
// takes effect.
type Decision struct {
	Number    string `json:"number"`
	Date      Date   `json:"date"`
	Issuer    string `json:"issuer"`
	Effective Date   `json:"effective"`
	// Note says what the decision changed, in the planner's words.
	Note string `json:"note,omitempty"`
}

// Validate returns why d cannot authorise a change, by field
// ("decisionNumber", "decisionDate", "decisionIssuer", "effective").
func (d *Decision) Validate() map[string]string {
	f := map[string]string{}
	if strings.TrimSpace(d.Number) == "" {
		f["decisionNumber"] = "Cần số văn bản cho phép điều chỉnh (ví dụ 15/NQ-HĐND)."
	}
	if strings.TrimSpace(d.Issuer) == "" {
		f["decisionIssuer"] = "Cần cơ quan ban hành văn bản điều chỉnh."
	}
	if _, err := ParseDate(string(d.Date)); err != nil || d.Date.IsZero() {
		f["decisionDate"] = "Cần ngày ban hành văn bản, dạng NNNN-TT-NN."
	}
	if _, err := ParseDate(string(d.Effective)); err != nil || d.Effective.IsZero() {
		f["effective"] = "Cần ngày có hiệu lực, dạng NNNN-TT-NN."
	} else if !d.Date.IsZero() && d.Effective < d.Date {
		f["effective"] = "Ngày có hiệu lực không thể trước ngày ban hành văn bản."
	}
	return f
}

// PlanHeader is the part of a plan's header a revision changes once the
// plan is published: its number and symbol, title, issuer, date, legal
// basis and horizon.
type PlanHeader struct {
	Number      string `json:"number"`
	Title       string `json:"title"`
	IssuerCode  string `json:"issuer"`
	IssuedOn    Date   `json:"issuedOn"`
	LegalBasis  string `json:"legalBasis"`
	HorizonFrom string `json:"horizonFrom"`
	HorizonTo   string `json:"horizonTo"`
}

// HeaderOf returns the header of p.
func HeaderOf(p *Plan) PlanHeader {
	return PlanHeader{Number: p.Number, Title: p.Title, IssuerCode: p.IssuerCode, IssuedOn: p.IssuedOn,
		LegalBasis: p.LegalBasis, HorizonFrom: p.HorizonFrom, HorizonTo: p.HorizonTo}
}

// Apply sets p's header to h.
func (h PlanHeader) Apply(p *Plan) {
	p.Number, p.Title, p.IssuerCode, p.IssuedOn = h.Number, h.Title, h.IssuerCode, h.IssuedOn
	p.LegalBasis, p.HorizonFrom, p.HorizonTo = h.LegalBasis, h.HorizonFrom, h.HorizonTo
}

// Revision is one authorised change of a published plan: of a target's
// terms (TargetCode, Old, New), or of the plan's header (TargetCode "",
// OldHeader, NewHeader).
type Revision struct {
	ID         int64       `json:"id"`
	TargetCode string      `json:"target,omitempty"`
	Decision   Decision    `json:"decision"`
	Old        TargetTerms `json:"old"`
	New        TargetTerms `json:"new"`
	OldHeader  *PlanHeader `json:"oldHeader,omitempty"`
	NewHeader  *PlanHeader `json:"newHeader,omitempty"`
	By         string      `json:"by"`
	At         string      `json:"at"`
}

// TermsAsOf returns the terms a target had on day d, given its current
// terms and its revisions in order of effect: the old terms of the first
// revision taking effect after d, or the current terms when none does.
// Views and reports "as the plan stood on day d" read targets through it.
func TermsAsOf(current TargetTerms, revs []*Revision, d Date) TargetTerms {
	return stoodOn(current, revs, d, func(r *Revision) (TargetTerms, bool) { return r.Old, r.OldHeader == nil })
}

// HeaderAsOf is TermsAsOf for the plan's header, from the header
// revisions among revs.
func HeaderAsOf(current PlanHeader, revs []*Revision, d Date) PlanHeader {
	return stoodOn(current, revs, d, func(r *Revision) (PlanHeader, bool) {
		if r.OldHeader == nil {
			return PlanHeader{}, false
		}
		return *r.OldHeader, true
	})
}

// stoodOn returns the old value of the first revision of the kind old
// accepts taking effect after d, or current.
func stoodOn[T any](current T, revs []*Revision, d Date, old func(*Revision) (T, bool)) T {
	for _, r := range revs {
		if v, ok := old(r); ok && r.Decision.Effective > d {
			return v
		}
	}
	return current
}

// codeRE is the alphabet of codes of plans, indicators, data elements and
// forms: they appear in expressions (#{CODE}) and the API.
var codeRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,49}$`)

// targetCodeRE is the alphabet of target codes, numbered as in the plan's
// text ("1a", "2.3").
var targetCodeRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$`)

// planCodeRE is the alphabet of plan codes, which may be written like a
// document's ("TD-2022-TUTUONG").
var planCodeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_.-]{1,49}$`)

const codeReason = "Mã cần 2–50 ký tự: chữ in hoa không dấu, chữ số, dấu _, bắt đầu bằng chữ (ví dụ XA_NVH)."

// fieldError is an EINVALID listing per-field reasons, or nil when there
// are none.
func fieldError(what string, fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fields[k])
	}
	return &Error{Code: EINVALID, Message: what + ": " + strings.Join(parts, " "), Fields: fields}
}

// InvalidFields returns an EINVALID with fields, or nil when it is empty.
func InvalidFields(what string, fields map[string]string) error { return fieldError(what, fields) }

// ValidatePlan checks a plan's own fields (not its targets): code, number,
// title, issuer, date, horizon. Fields are "code", "number", "title",
// "issuer", "issuedOn", "horizonFrom", "horizonTo".
func ValidatePlan(p *Plan) error {
	f := planHeaderFields(p)
	if !planCodeRE.MatchString(p.Code) {
		f["code"] = "Mã kế hoạch cần 2–50 ký tự: chữ in hoa không dấu, chữ số, dấu _ . - (ví dụ TD-2022-VH)."
	}
	return fieldError("Kế hoạch chưa hợp lệ", f)
}

// ValidatePlanHeader is ValidatePlan without the code, which a plan keeps
// once made (a plan loaded from a bundle may have a code of another form).
func ValidatePlanHeader(p *Plan) error {
	return fieldError("Kế hoạch chưa hợp lệ", planHeaderFields(p))
}

func planHeaderFields(p *Plan) map[string]string {
	f := map[string]string{}
	if strings.TrimSpace(p.Number) == "" {
		f["number"] = "Cần số, ký hiệu văn bản (ví dụ 125/KH-UBND)."
	}
	if strings.TrimSpace(p.Title) == "" {
		f["title"] = "Cần trích yếu (tên) kế hoạch."
	}
	if p.IssuerCode == "" {
		f["issuer"] = "Cần cơ quan ban hành (mã đơn vị)."
	}
	if _, err := ParseDate(string(p.IssuedOn)); err != nil {
		f["issuedOn"] = "Ngày ban hành cần dạng NNNN-TT-NN."
	}
	from, errFrom := parseOptPeriod(p.HorizonFrom)
	to, errTo := parseOptPeriod(p.HorizonTo)
	if errFrom != nil {
		f["horizonFrom"] = "Năm bắt đầu: " + errFrom.Error()
	}
	if errTo != nil {
		f["horizonTo"] = "Năm kết thúc: " + errTo.Error()
	}
	if errFrom == nil && errTo == nil && !from.IsZero() && !to.IsZero() && to.End().Before(from.End()) {
		f["horizonTo"] = fmt.Sprintf("Năm kết thúc %s trước năm bắt đầu %s.", p.HorizonTo, p.HorizonFrom)
	}
	for i, s := range p.Sections {
		if strings.TrimSpace(s.Number) == "" || strings.TrimSpace(s.Title) == "" {
			f["sections"] = fmt.Sprintf("Mục thứ %d cần số mục và tên mục.", i+1)
			break
		}
	}
	return f
}

func parseOptPeriod(s string) (period.Period, error) {
	if s == "" {
		return period.Period{}, nil
	}
	return period.Parse(s)
}

// ValidateTargetFields checks a target as the planner types it, by field
// ("code", "text", "indicator", "comparison", "target", "baselinePeriod",
// "deadline", "scope"): the deadline must come after the baseline period.
// Whether the indicator exists, can be computed, and the scope lies in the
// planner's own is the store's to check.
func ValidateTargetFields(t *Target) error {
	f := map[string]string{}
	if !targetCodeRE.MatchString(t.Code) {
		f["code"] = "Mã mục tiêu cần 1–20 ký tự chữ, số, dấu . _ - (ví dụ 1a, 2.3)."
	}
	if strings.TrimSpace(t.Text) == "" {
		f["text"] = "Cần nội dung mục tiêu."
	}
	if t.IndicatorCode == "" {
		f["indicator"] = "Cần chọn chỉ tiêu đo mục tiêu."
	}
	switch t.Op {
	case OpGE, OpGT, OpEQ, OpLE, OpLT:
	default:
		f["comparison"] = fmt.Sprintf("Phép so sánh %q không có; chọn ≥, >, =, ≤ hoặc <.", t.Op)
	}
	if t.ScopeCode == "" {
		f["scope"] = "Cần phạm vi (mã đơn vị) của mục tiêu."
	}
	base, errB := period.Parse(t.BaselinePeriod)
	dl, errD := period.Parse(t.Deadline)
	if errB != nil {
		f["baselinePeriod"] = "Kỳ gốc: " + errB.Error()
	}
	if errD != nil {
		f["deadline"] = "Thời hạn: " + errD.Error()
	}
	if errB == nil && errD == nil && !base.End().Before(dl.End()) {
		f["deadline"] = fmt.Sprintf("Thời hạn %s phải sau kỳ gốc %s.", strings.ToLower(dl.Label()), strings.ToLower(base.Label()))
	}
	for _, m := range t.Milestones {
		p, err := period.Parse(m.Period)
		switch {
		case err != nil:
			f["milestones"] = "Mốc trung gian: " + err.Error()
		case errB == nil && errD == nil && (!base.End().Before(p.End()) || !p.End().Before(dl.End())):
			f["milestones"] = fmt.Sprintf("Mốc %s phải nằm giữa kỳ gốc và thời hạn.", strings.ToLower(p.Label()))
		}
	}
	return fieldError("Mục tiêu chưa hợp lệ", f)
}

// ExprReason explains why src is not an expression, with its column, or
// "" when it parses. An empty source is allowed when optional.
func ExprReason(src string, optional bool) string {
	if strings.TrimSpace(src) == "" {
		if optional {
			return ""
		}
		return "Cần biểu thức, ví dụ #{XA_NVH}."
	}
	_, err := expr.Parse(src)
	if err == nil {
		return ""
	}
	var pe *expr.Error
	if errors.As(err, &pe) {
		return fmt.Sprintf("Cột %d: %s", pe.Col, pe.Msg)
	}
	return err.Error()
}

// ExprColumn returns the column of the parse error of src (1-based), or 0.
func ExprColumn(src string) int {
	if _, err := expr.Parse(src); err != nil {
		var pe *expr.Error
		if errors.As(err, &pe) {
			return pe.Col
		}
	}
	return 0
}

// ValidateIndicator checks an indicator's fields ("code", "name",
// "numerator", "denominator", "factor", "decimals"): the expressions must
// parse (the reason names the column). That their elements exist is the
// store's to check.
func ValidateIndicator(i *Indicator) error {
	f := map[string]string{}
	if !codeRE.MatchString(i.Code) {
		f["code"] = codeReason
	}
	if strings.TrimSpace(i.Name) == "" {
		f["name"] = "Cần tên chỉ tiêu."
	}
	if r := ExprReason(i.Numerator, false); r != "" {
		f["numerator"] = "Tử số: " + r
	}
	if r := ExprReason(i.Denominator, true); r != "" {
		f["denominator"] = "Mẫu số: " + r
	}
	if i.Factor <= 0 {
		f["factor"] = "Hệ số phải lớn hơn 0 (100 cho tỷ lệ phần trăm, 1 cho số đếm)."
	}
	if i.Decimals < 0 || i.Decimals > 6 {
		f["decimals"] = "Số chữ số thập phân từ 0 đến 6."
	}
	return fieldError("Chỉ tiêu chưa hợp lệ", f)
}

// ElementRefs returns the data element codes an indicator reads.
func (i *Indicator) ElementRefs() []string {
	var out []string
	for _, src := range []string{i.Numerator, i.Denominator} {
		x, err := expr.Parse(src)
		if err != nil || strings.TrimSpace(src) == "" {
			continue
		}
		for _, r := range x.Refs() {
			if !slices.Contains(out, r.Element) {
				out = append(out, r.Element)
			}
		}
	}
	return out
}

// ValidateElement checks a data element's fields ("code", "name",
// "valueType", "aggregation", "unitKinds").
func ValidateElement(e *DataElement) error {
	f := map[string]string{}
	if !codeRE.MatchString(e.Code) {
		f["code"] = codeReason
	}
	if strings.TrimSpace(e.Name) == "" {
		f["name"] = "Cần tên chỉ số."
	}
	switch e.ValueType {
	case TypeInteger, TypeNumber, TypeBool, TypeText:
	default:
		f["valueType"] = fmt.Sprintf("Kiểu giá trị %q không có.", e.ValueType)
	}
	switch e.Aggregation {
	case AggSum, AggAverage, AggLast, AggCountYes:
	default:
		f["aggregation"] = fmt.Sprintf("Cách tổng hợp %q không có.", e.Aggregation)
	}
	if e.Aggregation == AggCountYes && e.ValueType != TypeBool {
		f["aggregation"] = "Đếm đơn vị \"có\" chỉ dùng cho chỉ số kiểu có/không."
	}
	if len(e.UnitKinds) == 0 {
		f["unitKinds"] = "Chọn ít nhất một loại đơn vị báo cáo chỉ số này."
	}
	for _, k := range e.UnitKinds {
		if !slices.Contains(UnitKinds, k) {
			f["unitKinds"] = fmt.Sprintf("Loại đơn vị %q không có.", k)
		}
	}
	return fieldError("Chỉ số chưa hợp lệ", f)
}

// ValidateForm checks a form's fields ("code", "name", "periodType",
// "cutoffDay", "deadlineDays", "elements", "rules"). The reporting window
// follows Decree 09/2019/NĐ-CP: figures are taken to a cut-off day of the
// period's last month and sent within some days of it.
func ValidateForm(fm *Form) error {
	f := map[string]string{}
	if !codeRE.MatchString(fm.Code) {
		f["code"] = codeReason
	}
	if strings.TrimSpace(fm.Name) == "" {
		f["name"] = "Cần tên biểu mẫu."
	}
	if t, err := period.ParseType(fm.PeriodType); err != nil {
		f["periodType"] = "Loại kỳ báo cáo không có: chọn năm, 6 tháng, quý hoặc tháng."
	} else {
		fm.PeriodType = t.String()
	}
	if fm.CutoffDay < 1 || fm.CutoffDay > 31 {
		f["cutoffDay"] = "Ngày chốt số liệu từ 1 đến 31 (Nghị định 09/2019/NĐ-CP: thường ngày 14 hoặc 15)."
	}
	if fm.DeadlineDays < 0 || fm.DeadlineDays > 60 {
		f["deadlineDays"] = "Hạn gửi báo cáo từ 0 đến 60 ngày sau ngày chốt."
	}
	if len(fm.Elements) == 0 {
		f["elements"] = "Chọn ít nhất một chỉ số thu thập."
	}
	for i, r := range fm.Rules {
		if why := ExprReason(r.Left, false); why != "" {
			f["rules"] = fmt.Sprintf("Quy tắc %d, vế trái: %s", i+1, why)
		} else if why := ExprReason(r.Right, false); why != "" {
			f["rules"] = fmt.Sprintf("Quy tắc %d, vế phải: %s", i+1, why)
		} else if _, err := expr.ParseOp(r.Op); err != nil {
			f["rules"] = fmt.Sprintf("Quy tắc %d: phép so sánh %q không có.", i+1, r.Op)
		} else if r.Importance != ImportanceHigh && r.Importance != ImportanceMedium && r.Importance != ImportanceLow {
			f["rules"] = fmt.Sprintf("Quy tắc %d: mức độ %q không có.", i+1, r.Importance)
		} else if strings.TrimSpace(r.Message) == "" {
			f["rules"] = fmt.Sprintf("Quy tắc %d cần lời nhắn cho người nhập.", i+1)
		}
	}
	return fieldError("Biểu mẫu chưa hợp lệ", f)
}

// PlanMeta is what checking a plan reads besides the plan: the library
// of indicators, elements and forms, and the unit kinds under each
// target's scope.
type PlanMeta struct {
	Indicators map[string]*Indicator
	Elements   map[string]*DataElement
	Forms      []*Form
	// KindsUnder maps a scope code to the kinds of the units in its subtree.
	KindsUnder map[string][]string
}

// CheckPlan returns what stops plan from being published, in Vietnamese,
// one line each, or nil: every target has an indicator that can be
// computed, every element it reads is reported by some unit in the
// target's scope and collected on some form.
func CheckPlan(p *Plan, m PlanMeta) []string {
	var out []string
	if len(p.Targets) == 0 {
		out = append(out, "Kế hoạch chưa có mục tiêu nào.")
	}
	for _, t := range p.Targets {
		if err := ValidateTargetFields(t); err != nil {
			out = append(out, fmt.Sprintf("Mục tiêu %s: %s", t.Code, ErrorMessage(err)))
			continue
		}
		ind := m.Indicators[t.IndicatorCode]
		if ind == nil {
			out = append(out, fmt.Sprintf("Mục tiêu %s: không có chỉ tiêu %q.", t.Code, t.IndicatorCode))
			continue
		}
		if err := ValidateIndicator(ind); err != nil {
			out = append(out, fmt.Sprintf("Mục tiêu %s: chỉ tiêu %s không tính được: %s", t.Code, ind.Code, ErrorMessage(err)))
			continue
		}
		for _, code := range ind.ElementRefs() {
			out = append(out, checkElement(t, code, m)...)
		}
	}
	return out
}

// checkElement says why element code, read by target t, would never get a
// figure: unknown, no unit of its kinds in the scope, or on no form.
func checkElement(t *Target, code string, m PlanMeta) []string {
	e := m.Elements[code]
	if e == nil {
		return []string{fmt.Sprintf("Mục tiêu %s: chỉ số %q không có trong danh mục.", t.Code, code)}
	}
	var out []string
	kinds := m.KindsUnder[t.ScopeCode]
	if !slices.ContainsFunc(e.UnitKinds, func(k string) bool { return slices.Contains(kinds, k) }) {
		out = append(out, fmt.Sprintf("Mục tiêu %s: không đơn vị nào trong phạm vi %s báo cáo chỉ số %s.", t.Code, t.ScopeCode, code))
	}
	if !slices.ContainsFunc(m.Forms, func(f *Form) bool { return slices.Contains(f.Elements, code) }) {
		out = append(out, fmt.Sprintf("Mục tiêu %s: chỉ số %s chưa có trên biểu mẫu nào, không ai nhập được.", t.Code, code))
	}
	return out
}

// CopySpec says how a plan is copied: the new plan's code, number, title
// and issuer, and the scope its targets take (a commune's plan from a
// district's); empty Scope keeps each target's.
type CopySpec struct {
	Code, Number, Title, Issuer, Scope string
}

// PlanSetup is a new plan with the library entries it brings: what a plan
// read from its Word text (issue 15) or an imported bundle creates at once.
type PlanSetup struct {
	Elements   []*DataElement
	Forms      []*Form
	Indicators []*Indicator
	Plan       *Plan
}

// CopyEachSpec copies a plan into one draft per unit of Kind under Under
// (a district's plan into each commune's): each copy is issued by its unit,
// its targets scoped to it, its code CodePrefix + "_" + the unit's code and
// its title Title + " – " + the unit's name.
type CopyEachSpec struct {
	Under, Kind, CodePrefix, Number, Title string
}

// ElementUse is a plan that reads a data element, through which indicator
// and target.
type ElementUse struct {
	PlanID    int64  `json:"planId"`
	PlanCode  string `json:"planCode"`
	PlanTitle string `json:"planTitle"`
	Target    string `json:"target"`
	Indicator string `json:"indicator"`
}

// PlanWriteService changes plans and the library of indicators, data
// elements and forms they use. Every method checks the Actor in ctx: its
// Plan scope must cover the plan's issuer and every target's scope
// (EFORBIDDEN otherwise), and every change is audited in the same
// transaction. Bad input is EINVALID with Error.Fields keyed by the form
// field; a code already taken is ECONFLICT with Fields["code"]; nothing is
// half-saved.
type PlanWriteService interface {
	// CreatePlan creates a draft plan with its sections, targets and
	// tasks in one transaction, filling IDs. Issue 15 (plans read from a
	// Word text) and imports create plans through it.
	CreatePlan(ctx context.Context, p *Plan) error
	// SetUpPlan creates the new library entries a plan needs (elements,
	// then forms, then indicators) and the plan, as a draft, in one
	// transaction: all of it or nothing. Errors as the Save methods and
	// CreatePlan; a code already taken is ECONFLICT.
	SetUpPlan(ctx context.Context, s *PlanSetup) error
	// UpdatePlan changes a plan's header and sections. ENOTFOUND. A
	// change of a published plan's header (PlanHeader) needs dec (EINVALID
	// with Fields decisionNumber… without it) and is kept as a Revision
	// (TargetCode "") taking effect on dec.Effective; a draft's header is a
	// plain edit and dec is ignored.
	UpdatePlan(ctx context.Context, p *Plan, dec *Decision) error
	// SaveTarget adds (oldCode "") or changes a target of a plan. A
	// change of a published target's terms needs dec (EINVALID with
	// Fields decisionNumber… without it) and is kept as a Revision.
	// EINVALID with Fields["indicator"] for an unknown indicator or one
	// whose elements nobody in the scope reports; ["scope"] for an unknown
	// unit; EFORBIDDEN for a scope outside the actor's.
	SaveTarget(ctx context.Context, planID int64, oldCode string, t *Target, dec *Decision) error
	// DeleteTarget removes a target of a draft plan; on a published plan
	// it is EINVALID (a revision changes it instead).
	DeleteTarget(ctx context.Context, planID int64, code string) error
	// PublishPlan checks the plan (CheckPlan) and publishes it: EINVALID
	// with the problems in Message and Fields["plan"] otherwise.
	PublishPlan(ctx context.Context, planID int64) error
	// FindPlanProblems returns what stops the plan from being published
	// (CheckPlan), nil when nothing does.
	FindPlanProblems(ctx context.Context, planID int64) ([]string, error)
	// CopyPlan copies a plan's sections and targets into a new draft.
	CopyPlan(ctx context.Context, planID int64, spec CopySpec) (*Plan, error)
	// CopyPlanEach copies a plan into one draft per unit (CopyEachSpec),
	// all in one transaction, and returns the copies. EINVALID with
	// Fields["under"] when no unit of the kind lies under Under.
	CopyPlanEach(ctx context.Context, planID int64, spec CopyEachSpec) ([]*Plan, error)
	// SaveIndicator, SaveDataElement, SaveForm add (oldCode "") or change
	// an entry of the library. Removing from a form an element that has
	// figures is EINVALID with Fields["elements"].
	SaveIndicator(ctx context.Context, oldCode string, i *Indicator) error
	SaveDataElement(ctx context.Context, oldCode string, e *DataElement) error
	SaveForm(ctx context.Context, oldCode string, f *Form) error

	// FindPlanWithMilestones is FindPlanByID with the targets' interim
	// milestones.
	FindPlanWithMilestones(ctx context.Context, planID int64) (*Plan, error)
	// FindPlanState returns a plan's state (published for a plan loaded
	// from a bundle). ENOTFOUND.
	FindPlanState(ctx context.Context, planID int64) (*PlanState, error)
	// FindRevisions returns a plan's revisions (of its header and its
	// targets), of one target only when code is set, in order of effect.
	FindRevisions(ctx context.Context, planID int64, code string) ([]*Revision, error)
	// FindPlanAsOf returns the plan with its header (HeaderAsOf) and each
	// target's terms (TermsAsOf) as they stood on day d, and its milestones.
	FindPlanAsOf(ctx context.Context, planID int64, d Date) (*Plan, error)
	// FindElementUses lists the plans and targets that read an element.
	FindElementUses(ctx context.Context, code string) ([]ElementUse, error)
}

// IndicatorPreviewer evaluates an indicator not saved yet for one unit and
// period (the planner's live preview). ENOTFOUND for an unknown unit,
// EINVALID for a period or an expression that does not parse.
type IndicatorPreviewer interface {
	PreviewIndicator(ctx context.Context, ind *Indicator, unit, period string) (Point, error)
}

// Audit actions and entities of planning, added to the lists here so that
// the audit filter offers them.
const (
	AuditPublish = "publish" // a plan published; Key the plan code
	AuditRevise  = "revise"  // a published target's terms changed by a decision; Key "PLAN/TARGET"

	AuditPlan        = "plan"         // Key the plan code
	AuditTarget      = "target"       // Key "PLAN/TARGET"
	AuditIndicator   = "indicator"    // Key the indicator code
	AuditDataElement = "data_element" // Key the element code
	AuditForm        = "form"         // Key the form code
)

func init() {
	AuditActions = append(AuditActions, AuditPublish, AuditRevise)
	AuditEntities = append(AuditEntities, AuditPlan, AuditTarget, AuditIndicator, AuditDataElement, AuditForm)
}
