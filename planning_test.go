package kehoach

import (
	"strings"
	"testing"
)

func TestValidateTargetFields(t *testing.T) {
	good := func() *Target {
		return &Target{Code: "1a", Text: "Xã có nhà văn hóa", IndicatorCode: "CT_X", Op: OpGE, Value: 100, BaselinePeriod: "2021", Deadline: "2025", ScopeCode: "TD"}
	}
	for _, c := range []struct {
		name   string
		change func(*Target)
		field  string // "" = valid
		reason string
	}{
		{"valid", func(*Target) {}, "", ""},
		{"deadline before baseline", func(t *Target) { t.Deadline = "2020" }, "deadline", "phải sau kỳ gốc"},
		{"deadline equal to baseline", func(t *Target) { t.Deadline = "2021" }, "deadline", "phải sau kỳ gốc"},
		{"quarter deadline inside baseline year", func(t *Target) { t.Deadline = "2021Q4" }, "deadline", "phải sau kỳ gốc"},
		{"quarter deadline after baseline year", func(t *Target) { t.Deadline = "2022Q1" }, "", ""},
		{"bad deadline", func(t *Target) { t.Deadline = "20x5" }, "deadline", "Thời hạn"},
		{"bad baseline", func(t *Target) { t.BaselinePeriod = "" }, "baselinePeriod", "Kỳ gốc"},
		{"bad op", func(t *Target) { t.Op = "~" }, "comparison", "Phép so sánh"},
		{"no code", func(t *Target) { t.Code = "" }, "code", "Mã mục tiêu"},
		{"code with space", func(t *Target) { t.Code = "1 a" }, "code", "Mã mục tiêu"},
		{"no text", func(t *Target) { t.Text = " " }, "text", "nội dung"},
		{"no indicator", func(t *Target) { t.IndicatorCode = "" }, "indicator", "chỉ tiêu"},
		{"no scope", func(t *Target) { t.ScopeCode = "" }, "scope", "phạm vi"},
		{"milestone between", func(t *Target) { t.Milestones = []Milestone{{"2023", 60}, {"2024Q2", 70}} }, "", ""},
		{"milestone at the baseline", func(t *Target) { t.Milestones = []Milestone{{"2021", 60}} }, "milestones", "giữa kỳ gốc và thời hạn"},
		{"milestone at the deadline", func(t *Target) { t.Milestones = []Milestone{{"2025", 60}} }, "milestones", "giữa kỳ gốc và thời hạn"},
		{"milestone not a period", func(t *Target) { t.Milestones = []Milestone{{"năm sau", 60}} }, "milestones", "Mốc trung gian"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tg := good()
			c.change(tg)
			err := ValidateTargetFields(tg)
			checkField(t, err, c.field, c.reason)
		})
	}
}

// checkField fails unless err is nil (field "") or an EINVALID whose
// Fields[field] contains reason.
func checkField(t *testing.T, err error, field, reason string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	if ErrorCode(err) != EINVALID {
		t.Fatalf("error %v, want EINVALID", err)
	}
	if got := ErrorFields(err)[field]; !strings.Contains(got, reason) {
		t.Fatalf("Fields[%q] = %q, want it to contain %q (all: %v)", field, got, reason, ErrorFields(err))
	}
}

func TestValidateIndicatorPointsAtColumn(t *testing.T) {
	for _, c := range []struct {
		name, num, den string
		factor         float64
		field, reason  string
	}{
		{"valid ratio", "#{A}", "#{B}", 100, "", ""},
		{"valid count", "count(#{A})", "units(commune)", 100, "", ""},
		{"valid without denominator", "#{A} + #{B}", "", 1, "", ""},
		{"unclosed reference", "#{A", "#{B}", 100, "numerator", "Cột 1"},
		{"operator with nothing after", "#{A} +", "", 1, "numerator", "Cột 7"},
		{"bad denominator", "#{A}", "#{B} * * 2", 100, "denominator", "Cột 8"},
		{"empty numerator", "", "#{B}", 100, "numerator", "Cần biểu thức"},
		{"zero factor", "#{A}", "", 0, "factor", "lớn hơn 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateIndicator(&Indicator{Code: "CT_A", Name: "Tỷ lệ", Numerator: c.num, Denominator: c.den, Factor: c.factor, Decimals: 1})
			checkField(t, err, c.field, c.reason)
		})
	}
}

func TestValidateCodes(t *testing.T) {
	for _, c := range []struct {
		code string
		ok   bool
	}{{"XA_NVH", true}, {"CT1", true}, {"x_nvh", false}, {"1XA", false}, {"X", false}, {"XA NVH", false}, {"XÃ", false}} {
		err := ValidateElement(&DataElement{Code: c.code, Name: "n", ValueType: TypeInteger, Aggregation: AggSum, UnitKinds: []string{KindCommune}})
		if (err == nil) != c.ok {
			t.Errorf("code %q: error %v, want ok=%v", c.code, err, c.ok)
		}
	}
}

func TestValidateElement(t *testing.T) {
	for _, c := range []struct {
		name          string
		e             DataElement
		field, reason string
	}{
		{"valid", DataElement{Code: "XA_A", Name: "A", ValueType: TypeBool, Aggregation: AggCountYes, UnitKinds: []string{KindCommune}}, "", ""},
		{"unknown type", DataElement{Code: "XA_A", Name: "A", ValueType: "date", Aggregation: AggSum, UnitKinds: []string{KindCommune}}, "valueType", "date"},
		{"count_yes of a number", DataElement{Code: "XA_A", Name: "A", ValueType: TypeInteger, Aggregation: AggCountYes, UnitKinds: []string{KindCommune}}, "aggregation", "có/không"},
		{"nobody reports it", DataElement{Code: "XA_A", Name: "A", ValueType: TypeInteger, Aggregation: AggSum}, "unitKinds", "ít nhất một"},
		{"unknown kind", DataElement{Code: "XA_A", Name: "A", ValueType: TypeInteger, Aggregation: AggSum, UnitKinds: []string{"hamlet"}}, "unitKinds", "hamlet"},
	} {
		t.Run(c.name, func(t *testing.T) { checkField(t, ValidateElement(&c.e), c.field, c.reason) })
	}
}

func TestValidateForm(t *testing.T) {
	good := func() *Form {
		return &Form{Code: "BM_A", Name: "Biểu A", PeriodType: "Quarterly", CutoffDay: 15, DeadlineDays: 3, Elements: []string{"XA_A"},
			Rules: []*ValidationRule{{Left: "#{XA_A}", Op: "<=", Right: "#{XA_B}", Importance: ImportanceHigh, Message: "A ≤ B"}}}
	}
	for _, c := range []struct {
		name          string
		change        func(*Form)
		field, reason string
	}{
		{"valid", func(*Form) {}, "", ""},
		{"unknown period type", func(f *Form) { f.PeriodType = "weekly" }, "periodType", "Loại kỳ"},
		{"cutoff day 0", func(f *Form) { f.CutoffDay = 0 }, "cutoffDay", "Nghị định 09"},
		{"negative deadline", func(f *Form) { f.DeadlineDays = -1 }, "deadlineDays", "0 đến 60"},
		{"no elements", func(f *Form) { f.Elements = nil }, "elements", "ít nhất một"},
		{"rule does not parse", func(f *Form) { f.Rules[0].Right = "#{XA_B" }, "rules", "vế phải: Cột 1"},
		{"rule op", func(f *Form) { f.Rules[0].Op = "=>" }, "rules", "phép so sánh"},
		{"rule without message", func(f *Form) { f.Rules[0].Message = "" }, "rules", "lời nhắn"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := good()
			c.change(f)
			checkField(t, ValidateForm(f), c.field, c.reason)
			if c.field == "" && f.PeriodType != "quarterly" {
				t.Errorf("period type kept as %q, want canonical", f.PeriodType)
			}
		})
	}
}

func TestValidatePlan(t *testing.T) {
	good := func() *Plan {
		return &Plan{Code: "KH_VH", Number: "12/KH-UBND", Title: "Kế hoạch văn hóa", IssuerCode: "TD", IssuedOn: "2022-03-01", HorizonFrom: "2022", HorizonTo: "2025"}
	}
	for _, c := range []struct {
		name          string
		change        func(*Plan)
		field, reason string
	}{
		{"valid", func(*Plan) {}, "", ""},
		{"horizon backwards", func(p *Plan) { p.HorizonTo = "2020" }, "horizonTo", "trước năm bắt đầu"},
		{"bad date", func(p *Plan) { p.IssuedOn = "01/03/2022" }, "issuedOn", "NNNN-TT-NN"},
		{"no number", func(p *Plan) { p.Number = "" }, "number", "ký hiệu"},
		{"lower-case code", func(p *Plan) { p.Code = "kh" }, "code", "chữ in hoa"},
		{"document-like code", func(p *Plan) { p.Code = "TD-2022-TUTUONG" }, "", ""},
		{"code with a space", func(p *Plan) { p.Code = "TD 2022" }, "code", "chữ in hoa"},
		{"section without title", func(p *Plan) { p.Sections = []*Section{{Number: "I"}} }, "sections", "tên mục"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := good()
			c.change(p)
			checkField(t, ValidatePlan(p), c.field, c.reason)
		})
	}
}

func TestDecisionValidate(t *testing.T) {
	ok := Decision{Number: "15/NQ-HĐND", Date: "2024-06-01", Issuer: "HĐND huyện", Effective: "2024-07-01"}
	if f := ok.Validate(); len(f) != 0 {
		t.Fatalf("valid decision refused: %v", f)
	}
	early := ok
	early.Effective = "2024-05-01"
	if f := early.Validate(); !strings.Contains(f["effective"], "trước ngày ban hành") {
		t.Errorf("effective before decision: %v", f)
	}
	if f := (&Decision{}).Validate(); len(f) != 4 {
		t.Errorf("empty decision: %v", f)
	}
}

func TestTermsAsOf(t *testing.T) {
	v1 := TargetTerms{Op: OpGE, Value: 80, Deadline: "2025", BaselinePeriod: "2021"}
	v2 := TargetTerms{Op: OpGE, Value: 90, Deadline: "2025", BaselinePeriod: "2021"}
	v3 := TargetTerms{Op: OpGE, Value: 90, Deadline: "2026", BaselinePeriod: "2021"}
	revs := []*Revision{
		{Old: v1, New: v2, Decision: Decision{Effective: "2023-01-01"}},
		{Old: v2, New: v3, Decision: Decision{Effective: "2024-07-01"}},
	}
	for _, c := range []struct {
		day  Date
		want TargetTerms
	}{{"2022-12-31", v1}, {"2023-01-01", v2}, {"2024-06-30", v2}, {"2024-07-01", v3}, {"2030-01-01", v3}} {
		if got := TermsAsOf(v3, revs, c.day); got != c.want {
			t.Errorf("as of %s: %+v, want %+v", c.day, got, c.want)
		}
	}
}

func TestCheckPlan(t *testing.T) {
	m := PlanMeta{
		Indicators: map[string]*Indicator{
			"CT_OK":   {Code: "CT_OK", Name: "ok", Numerator: "#{XA_A}", Denominator: "units(commune)", Factor: 100},
			"CT_VILL": {Code: "CT_VILL", Name: "v", Numerator: "#{BAN_A}", Factor: 1},
			"CT_NOF":  {Code: "CT_NOF", Name: "n", Numerator: "#{XA_NOFORM}", Factor: 1},
			"CT_BAD":  {Code: "CT_BAD", Name: "b", Numerator: "#{XA_A", Factor: 1},
		},
		Elements: map[string]*DataElement{
			"XA_A":      {Code: "XA_A", UnitKinds: []string{KindCommune}},
			"BAN_A":     {Code: "BAN_A", UnitKinds: []string{KindVillage}},
			"XA_NOFORM": {Code: "XA_NOFORM", UnitKinds: []string{KindCommune}},
		},
		Forms:      []*Form{{Code: "BM", Elements: []string{"XA_A", "BAN_A"}}},
		KindsUnder: map[string][]string{"TD": {KindDistrict, KindCommune, KindVillage}, "XA": {KindCommune}},
	}
	target := func(ind, scope string) *Target {
		return &Target{Code: "1", Text: "t", IndicatorCode: ind, Op: OpGE, Value: 1, BaselinePeriod: "2021", Deadline: "2025", ScopeCode: scope}
	}
	for _, c := range []struct {
		name string
		t    *Target
		want string
	}{
		{"computable", target("CT_OK", "TD"), ""},
		{"village element under a district", target("CT_VILL", "TD"), ""},
		{"village element under a commune without villages", target("CT_VILL", "XA"), "không đơn vị nào"},
		{"element on no form", target("CT_NOF", "TD"), "chưa có trên biểu mẫu"},
		{"indicator does not parse", target("CT_BAD", "TD"), "không tính được"},
		{"unknown indicator", target("CT_NONE", "TD"), "không có chỉ tiêu"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(CheckPlan(&Plan{Targets: []*Target{c.t}}, m), " ")
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
				t.Fatalf("problems %q, want %q", got, c.want)
			}
		})
	}
	if got := CheckPlan(&Plan{}, m); len(got) != 1 {
		t.Errorf("empty plan: %v", got)
	}
}
