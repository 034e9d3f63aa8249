package form

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// The planner's forms (issue 14). Each decoder returns what was typed, so
// that a refused form shows it again, and the reasons it could not read
// (a number that is not one), keyed by field; the domain checks the rest.

// parsePost reads a posted form of at most 256 KiB.
func parsePost(r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên: %v", err)
	}
	return r.PostForm, nil
}

// text is a field trimmed and in NFC.
func text(f url.Values, name string) string { return strings.TrimSpace(vntext.NFC(f.Get(name))) }

// number reads a decimal typed with a comma or a dot ("98,5").
func number(f url.Values, name, label string, bad map[string]string) float64 {
	s := strings.ReplaceAll(text(f, name), " ", "")
	if s == "" {
		bad[name] = label + ": cần một số."
		return 0
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		bad[name] = label + ": " + strconv.Quote(f.Get(name)) + " không phải là số."
	}
	return v
}

// integer reads a whole number.
func integer(f url.Values, name, label string, bad map[string]string) int {
	n, err := strconv.Atoi(text(f, name))
	if err != nil {
		bad[name] = label + ": cần một số nguyên."
	}
	return n
}

func result(bad map[string]string) error {
	return kehoach.InvalidFields("Dữ liệu chưa hợp lệ", bad)
}

// DecodePlan reads the plan form. Sections are one per line, "number |
// title" (II.1 | Mục tiêu cụ thể).
func DecodePlan(r *http.Request) (*kehoach.Plan, error) {
	f, err := parsePost(r)
	if err != nil {
		return nil, err
	}
	p := &kehoach.Plan{Code: strings.ToUpper(text(f, "code")), Number: text(f, "number"), Title: text(f, "title"),
		IssuerCode: strings.ToUpper(text(f, "issuer")), IssuedOn: kehoach.Date(text(f, "issuedOn")), Place: text(f, "place"),
		LegalBasis: text(f, "legalBasis"), HorizonFrom: text(f, "horizonFrom"), HorizonTo: text(f, "horizonTo"), Signer: text(f, "signer")}
	for _, line := range strings.Split(text(f, "sections"), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		num, title, _ := strings.Cut(line, "|")
		p.Sections = append(p.Sections, &kehoach.Section{Number: strings.TrimSpace(num), Title: strings.TrimSpace(title)})
	}
	return p, nil
}

// SectionsText writes sections as DecodePlan reads them.
func SectionsText(ss []*kehoach.Section) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.Number + " | " + s.Title + "\n")
	}
	return b.String()
}

// DecodeTarget reads the target form and, when given, the decision that
// authorises a change of a published target.
func DecodeTarget(r *http.Request) (*kehoach.Target, *kehoach.Decision, error) {
	f, err := parsePost(r)
	if err != nil {
		return nil, nil, err
	}
	bad := map[string]string{}
	t := &kehoach.Target{Code: text(f, "code"), Text: text(f, "text"), IndicatorCode: strings.ToUpper(text(f, "indicator")),
		Op: text(f, "comparison"), Deadline: text(f, "deadline"), BaselinePeriod: text(f, "baselinePeriod"),
		ScopeCode: strings.ToUpper(text(f, "scope")), CountLabel: text(f, "countLabel"), Section: text(f, "section")}
	t.Value = number(f, "target", "Giá trị mục tiêu", bad)
	for _, line := range strings.Split(text(f, "milestones"), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		pe, v, ok := strings.Cut(line, ":")
		pe = strings.TrimSpace(pe)
		one := map[string]string{}
		n := number(url.Values{"v": {v}}, "v", "Mốc "+pe, one)
		if !ok || len(one) > 0 {
			bad["milestones"] = "Mốc trung gian cần dạng \"2023: 60\": dòng \"" + line + "\" chưa đúng."
			continue
		}
		t.Milestones = append(t.Milestones, kehoach.Milestone{Period: pe, Value: n})
	}
	return t, decision(f), result(bad)
}

// decision reads the decision authorising a change of a published plan,
// nil when none was typed.
func decision(f url.Values) *kehoach.Decision {
	if text(f, "decisionNumber") == "" && text(f, "decisionDate") == "" && text(f, "effective") == "" {
		return nil
	}
	return &kehoach.Decision{Number: text(f, "decisionNumber"), Date: kehoach.Date(text(f, "decisionDate")),
		Issuer: text(f, "decisionIssuer"), Effective: kehoach.Date(text(f, "effective")), Note: text(f, "decisionNote")}
}

// DecodePlanChange reads the plan form of an existing plan, with the
// decision that authorises a change of a published plan's header.
func DecodePlanChange(r *http.Request) (*kehoach.Plan, *kehoach.Decision, error) {
	p, err := DecodePlan(r)
	if err != nil {
		return nil, nil, err
	}
	return p, decision(r.PostForm), nil
}

// DecodeIndicator reads the indicator form.
func DecodeIndicator(r *http.Request) (*kehoach.Indicator, error) {
	f, err := parsePost(r)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	i := &kehoach.Indicator{Code: strings.ToUpper(text(f, "code")), Name: text(f, "name"),
		Numerator: text(f, "numerator"), Denominator: text(f, "denominator")}
	i.Factor = number(f, "factor", "Hệ số", bad)
	i.Decimals = integer(f, "decimals", "Số chữ số thập phân", bad)
	return i, result(bad)
}

// DecodeElement reads the data element form; unitKinds are checkboxes.
func DecodeElement(r *http.Request) (*kehoach.DataElement, error) {
	f, err := parsePost(r)
	if err != nil {
		return nil, err
	}
	return &kehoach.DataElement{Code: strings.ToUpper(text(f, "code")), Name: text(f, "name"), ShortName: text(f, "shortName"),
		ValueType: text(f, "valueType"), Aggregation: text(f, "aggregation"), UnitKinds: f["unitKinds"]}, nil
}

// DecodeForm reads the form form: elements are checkboxes, rules one per
// line, "left op right | importance | message".
func DecodeForm(r *http.Request) (*kehoach.Form, error) {
	f, err := parsePost(r)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	fm := &kehoach.Form{Code: strings.ToUpper(text(f, "code")), Name: text(f, "name"), PeriodType: text(f, "periodType"), Elements: f["elements"]}
	// The units assigned (issue 14): ticked in the picker; none ticked
	// leaves the form to the kinds that report its elements.
	for _, c := range f["units"] {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(fm.Units, c) {
			fm.Units = append(fm.Units, c)
		}
	}
	fm.CutoffDay = integer(f, "cutoffDay", "Ngày chốt số liệu", bad)
	fm.DeadlineDays = integer(f, "deadlineDays", "Hạn gửi (ngày)", bad)
	for i, line := range strings.Split(text(f, "rules"), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		rule, ok := splitRule(strings.TrimSpace(parts[0]))
		if !ok || len(parts) < 3 {
			bad["rules"] = "Quy tắc dòng " + strconv.Itoa(i+1) + ": cần dạng \"vế trái <= vế phải | high | lời nhắn\"."
			continue
		}
		rule.Importance, rule.Message = strings.TrimSpace(parts[1]), strings.TrimSpace(parts[2])
		fm.Rules = append(fm.Rules, rule)
	}
	return fm, result(bad)
}

// splitRule cuts "left op right" at its comparison.
func splitRule(s string) (*kehoach.ValidationRule, bool) {
	for _, op := range []string{"<=", ">=", "==", "!=", "<", ">", "="} {
		if l, rt, ok := strings.Cut(s, op); ok {
			return &kehoach.ValidationRule{Left: strings.TrimSpace(l), Op: op, Right: strings.TrimSpace(rt)}, true
		}
	}
	return nil, false
}

// RulesText writes rules as DecodeForm reads them.
func RulesText(rules []*kehoach.ValidationRule) string {
	var b strings.Builder
	for _, r := range rules {
		b.WriteString(r.Left + " " + r.Op + " " + r.Right + " | " + r.Importance + " | " + r.Message + "\n")
	}
	return b.String()
}

// MilestonesText writes milestones as DecodeTarget reads them.
func MilestonesText(ms []kehoach.Milestone) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Period + ": " + strconv.FormatFloat(m.Value, 'f', -1, 64) + "\n")
	}
	return b.String()
}
