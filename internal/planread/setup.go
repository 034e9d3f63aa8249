package planread

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// Publication of a reviewed reading (issue 15): the officer's reviewed
// document becomes a draft plan and the library entries it needs, handed
// to the plan set-up service (kehoach.PlanningService.SetUpPlan) that
// creates all of it in one audited transaction or nothing. The draft is
// then checked and published on the planner's pages (issue 14), as any
// plan: what a machine read goes live only after a person has looked.

// SetupOptions say what the text does not: the new plan's code, and the
// year before which the baseline is taken (0: the year before the plan's
// date).
type SetupOptions struct {
	Code         string
	BaselineYear int
}

// Setup turns the reviewed document d into what SetUpPlan creates. Every
// target keeps its extracted statement as its text; a target whose
// indicator was matched reuses it; one with a proposed indicator gets the
// new indicator, its elements and one yearly form for them. Tasks come
// from the task bullets, and from each responsibility entry one task led by
// the body it names. EINVALID, naming the field, when the text lacks what
// a plan must have (the issuing body, a code).
func Setup(d *Document, o SetupOptions) (*kehoach.PlanSetup, error) {
	code := strings.ToUpper(strings.TrimSpace(o.Code))
	bad := map[string]string{}
	if code == "" {
		bad["code"] = "Chưa đặt mã cho kế hoạch mới."
	}
	h := d.Header
	if h.IssuerUnit == "" {
		bad["issuer"] = fmt.Sprintf("Chưa nhận ra cơ quan ban hành «%s» trong danh sách đơn vị: thêm đơn vị đó trước.", h.Issuer)
	}
	if h.Title == "" {
		bad["title"] = "Văn bản không có tên (trích yếu)."
	}
	if len(bad) > 0 {
		e := kehoach.Errorf(kehoach.EINVALID, "Chưa công bố được: %s", firstField(bad))
		e.Fields = bad
		return nil, e
	}
	year := planYear(h.Date)
	base := o.BaselineYear
	if base == 0 && year > 0 {
		base = year - 1
	}
	title := h.Title
	if h.Type != "" {
		// "Kế hoạch" + "Triển khai …": the title goes on in lower case.
		r := []rune(title)
		title = h.Type + " " + strings.ToLower(string(r[:1])) + string(r[1:])
	}
	p := &kehoach.Plan{Code: code, Number: h.Number, Title: vntext.NFC(title),
		IssuerCode: h.IssuerUnit, Place: h.Place, Signer: h.Signer}
	if len(h.Date) == len(kehoach.DateFormat) {
		p.IssuedOn = kehoach.Date(h.Date)
	}
	var basis []string
	for _, b := range d.Basis {
		basis = append(basis, b.Text)
	}
	p.LegalBasis = strings.Join(basis, "\n")
	last := year
	for _, t := range d.Targets {
		if y, err := strconv.Atoi(t.Deadline); err == nil && y > last {
			last = y
		}
	}
	if year > 0 {
		p.HorizonFrom, p.HorizonTo = strconv.Itoa(year), strconv.Itoa(last)
	}
	p.Sections = sections(d)

	s := &kehoach.PlanSetup{Plan: p}
	var form *kehoach.Form
	for i, t := range d.Targets {
		tc := strconv.Itoa(i + 1)
		deadline := t.Deadline
		if _, err := strconv.Atoi(deadline); err != nil {
			deadline = p.HorizonTo // "hằng năm", or none: by the end of the plan
		}
		target := &kehoach.Target{Code: tc, Text: vntext.NFC(firstNonEmpty(t.Statement, t.Source.Text)), IndicatorCode: t.Indicator,
			Op: t.Comparison, Value: t.Value, Deadline: deadline, BaselinePeriod: strconv.Itoa(base), ScopeCode: p.IssuerCode,
			CountLabel: t.Subject, Section: t.Section}
		if len(t.Scope) == 1 {
			target.ScopeCode = t.Scope[0]
		}
		if target.IndicatorCode == "" && t.Proposed != nil {
			if form == nil {
				form = &kehoach.Form{Code: "BM_" + code, Name: "Biểu số liệu: " + p.Title, PeriodType: "yearly", CutoffDay: 14, DeadlineDays: 5}
				s.Forms = append(s.Forms, form)
			}
			ind := proposeIndicator(s, form, code, tc, t)
			target.IndicatorCode = ind.Code
		}
		p.Targets = append(p.Targets, target)
	}
	for i, t := range d.Tasks {
		p.Tasks = append(p.Tasks, &kehoach.Task{Code: "k" + strconv.Itoa(i+1), Section: t.Section, Title: vntext.NFC(t.Text),
			LeadCode: firstNonEmpty(t.Lead, p.IssuerCode), Kind: kehoach.TaskContinuous, Status: kehoach.TaskOpen})
	}
	for i, r := range d.Duties {
		lead := p.IssuerCode
		var coord []string
		if len(r.Units) > 0 {
			lead, coord = r.Units[0], r.Units[1:]
		}
		title := "Trách nhiệm của " + r.Body + ": " + strings.Join(r.Duties, "; ")
		if r.Request {
			title = "Đề nghị " + r.Body + ": " + strings.Join(r.Duties, "; ")
		}
		p.Tasks = append(p.Tasks, &kehoach.Task{Code: "r" + strconv.Itoa(i+1), Section: dutySection(d, r), Title: vntext.NFC(title),
			LeadCode: lead, Coordinators: coord, Kind: kehoach.TaskContinuous, Status: kehoach.TaskOpen})
	}
	return s, nil
}

// proposeIndicator adds the reader's proposed indicator for target tc, with
// its elements on form, to s.
func proposeIndicator(s *kehoach.PlanSetup, form *kehoach.Form, plan, tc string, t *Target) *kehoach.Indicator {
	kinds := subjectKinds(t.Subject)
	prefix := plan + "_" + strings.ToUpper(tc)
	element := func(suffix, name string) string {
		e := &kehoach.DataElement{Code: prefix + suffix, Name: vntext.NFC(name), ShortName: vntext.NFC(name),
			ValueType: kehoach.TypeInteger, Aggregation: kehoach.AggLast, UnitKinds: kinds}
		s.Elements = append(s.Elements, e)
		form.Elements = append(form.Elements, e.Code)
		return e.Code
	}
	ind := &kehoach.Indicator{Code: "CT_" + prefix, Name: vntext.NFC(firstNonEmpty(t.Proposed.Name, t.Statement)), Factor: 1}
	ind.Numerator = "#{" + element("_TU", t.Proposed.Numerator) + "}"
	ind.Denominator = "1"
	if t.Proposed.Denominator != "" {
		ind.Denominator = "#{" + element("_MAU", t.Proposed.Denominator) + "}"
		ind.Factor, ind.Decimals = float64(max(t.Proposed.Factor, 1)), 1
	}
	s.Indicators = append(s.Indicators, ind)
	return ind
}

// subjectKinds are the unit kinds that report a count of subject: what is
// counted in villages (households, people) is reported by villages.
func subjectKinds(subject string) []string {
	switch subject {
	case "hộ", "bản", "người":
		return []string{kehoach.KindVillage}
	case "cơ quan":
		return []string{kehoach.KindAgency}
	case "trường":
		return []string{kehoach.KindSchool}
	case "cán bộ":
		return []string{kehoach.KindCommune, kehoach.KindAgency}
	}
	return []string{kehoach.KindCommune}
}

var yearRE = regexp.MustCompile(`^(\d{4})`)

func planYear(date string) int {
	if m := yearRE.FindStringSubmatch(date); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	return 0
}

// sections are the plan's numbered headings (I, II, 2.1 …) with their
// titles, in reading order.
func sections(d *Document) []*kehoach.Section {
	var out []*kehoach.Section
	seen := map[string]bool{}
	var walk func(ns []*Node)
	walk = func(ns []*Node) {
		for _, n := range ns {
			if (n.Kind == "roman" || n.Kind == "number") && n.Number != "" && !seen[n.Number] {
				seen[n.Number] = true
				out = append(out, &kehoach.Section{Number: n.Number, Title: vntext.NFC(firstNonEmpty(n.Title, n.Text))})
			}
			walk(n.Children)
		}
	}
	walk(d.Sections)
	return out
}

// dutySection is the numbered section holding responsibility r.
func dutySection(d *Document, r *Duty) string {
	best := ""
	var walk func(ns []*Node)
	walk = func(ns []*Node) {
		for _, n := range ns {
			if n.Source.Start <= r.Source.Start && r.Source.Start < n.Source.End && n.Number != "" {
				best = n.Number
			}
			walk(n.Children)
		}
	}
	walk(d.Sections)
	return best
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}

func firstField(m map[string]string) string {
	for _, k := range []string{"code", "issuer", "title"} {
		if m[k] != "" {
			return m[k]
		}
	}
	return ""
}
