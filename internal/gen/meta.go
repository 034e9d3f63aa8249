package gen

import (
	"kehoach"
)

// Element codes. Villages report 27 elements, communes 3.
const (
	// Yes/no states of a village ("last": carried forward, counted).
	B01 = "G_B01" // has a cultural house
	B02 = "G_B02" // cultural house meets the standard (requires B01)
	B03 = "G_B03"
	B04 = "G_B04"
	B05 = "G_B05"
	B06 = "G_B06"
	B07 = "G_B07"
	B08 = "G_B08"
	B09 = "G_B09"
	B10 = "G_B10"
	// Stocks of a village ("last").
	HGD      = "G_HGD"
	HGDVH    = "G_HGD_VH"
	HGDNgheo = "G_HGD_NGHEO"
	HGDNS    = "G_HGD_NS"
	HGDTV    = "G_HGD_TV"
	NK       = "G_NK"
	LD       = "G_LD"
	TE       = "G_TE"
	// Flows of a village ("sum").
	SH    = "G_SH"
	TT    = "G_TT"
	VN    = "G_VN"
	TDTT  = "G_TDTT"
	Kham  = "G_KHAM"
	Thoat = "G_THOAT"
	// Averages of a village ("average", numbers with one decimal).
	TN   = "G_TN"
	BHYT = "G_BHYT"
	Diem = "G_DIEM"
	// Yes/no states of a commune ("last").
	XA01 = "G_XA_01"
	XA02 = "G_XA_02"
	XA03 = "G_XA_03" // requires XA02
)

const (
	villageElements = 27
	communeElements = 3
)

type elemDef struct {
	code, name, short, vtype, agg, kind string
}

var elemDefs = []elemDef{
	{B01, "Thôn, bản có nhà văn hóa", "Có nhà văn hóa", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{B02, "Nhà văn hóa thôn, bản đạt chuẩn", "NVH đạt chuẩn", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{B03, "Cụm loa truyền thanh cơ sở hoạt động ổn định", "Cụm loa", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{B04, "Đội văn nghệ hoạt động thường xuyên, hiệu quả", "Đội văn nghệ", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{B05, "Đạt danh hiệu \"Thôn, bản văn hóa\"", "Thôn, bản văn hóa", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{B06, "Đường giao thông chính được cứng hóa", "Đường cứng hóa", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{B07, "Có điện lưới quốc gia", "Điện lưới", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{B08, "Có sân thể thao", "Sân thể thao", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{B09, "Tổ an ninh trật tự cơ sở hoạt động", "Tổ an ninh", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{B10, "Có mô hình kinh tế tập thể", "Kinh tế tập thể", kehoach.TypeBool, kehoach.AggLast, kehoach.KindVillage},
	{HGD, "Tổng số hộ gia đình", "Số hộ", kehoach.TypeInteger, kehoach.AggLast, kehoach.KindVillage},
	{HGDVH, "Số hộ được công nhận \"Gia đình văn hóa\"", "Hộ GĐVH", kehoach.TypeInteger, kehoach.AggLast, kehoach.KindVillage},
	{HGDNgheo, "Số hộ nghèo", "Hộ nghèo", kehoach.TypeInteger, kehoach.AggLast, kehoach.KindVillage},
	{HGDNS, "Số hộ dùng nước sạch", "Hộ nước sạch", kehoach.TypeInteger, kehoach.AggLast, kehoach.KindVillage},
	{HGDTV, "Số hộ có phương tiện nghe, nhìn", "Hộ có ti vi, đài", kehoach.TypeInteger, kehoach.AggLast, kehoach.KindVillage},
	{NK, "Số nhân khẩu", "Nhân khẩu", kehoach.TypeInteger, kehoach.AggLast, kehoach.KindVillage},
	{LD, "Số người trong độ tuổi lao động", "Lao động", kehoach.TypeInteger, kehoach.AggLast, kehoach.KindVillage},
	{TE, "Số trẻ em dưới 6 tuổi", "Trẻ dưới 6 tuổi", kehoach.TypeInteger, kehoach.AggLast, kehoach.KindVillage},
	{SH, "Số buổi sinh hoạt cộng đồng", "Buổi sinh hoạt", kehoach.TypeInteger, kehoach.AggSum, kehoach.KindVillage},
	{TT, "Số buổi tuyên truyền, phổ biến pháp luật", "Buổi tuyên truyền", kehoach.TypeInteger, kehoach.AggSum, kehoach.KindVillage},
	{VN, "Số buổi biểu diễn văn nghệ", "Buổi văn nghệ", kehoach.TypeInteger, kehoach.AggSum, kehoach.KindVillage},
	{TDTT, "Số giải thể thao được tổ chức", "Giải thể thao", kehoach.TypeInteger, kehoach.AggSum, kehoach.KindVillage},
	{Kham, "Số lượt khám sức khỏe", "Lượt khám", kehoach.TypeInteger, kehoach.AggSum, kehoach.KindVillage},
	{Thoat, "Số hộ thoát nghèo", "Hộ thoát nghèo", kehoach.TypeInteger, kehoach.AggSum, kehoach.KindVillage},
	{TN, "Thu nhập bình quân (triệu đồng/người/tháng)", "Thu nhập bình quân", kehoach.TypeNumber, kehoach.AggAverage, kehoach.KindVillage},
	{BHYT, "Tỷ lệ người có thẻ bảo hiểm y tế (%)", "Tỷ lệ BHYT", kehoach.TypeNumber, kehoach.AggAverage, kehoach.KindVillage},
	{Diem, "Điểm đánh giá tiêu chí văn hóa (thang 100)", "Điểm văn hóa", kehoach.TypeNumber, kehoach.AggAverage, kehoach.KindVillage},
	{XA01, "Trạm truyền thanh xã hoạt động hiệu quả", "Trạm truyền thanh", kehoach.TypeBool, kehoach.AggLast, kehoach.KindCommune},
	{XA02, "Xã có nhà văn hóa", "Có nhà văn hóa", kehoach.TypeBool, kehoach.AggLast, kehoach.KindCommune},
	{XA03, "Nhà văn hóa xã đạt chuẩn", "NVH xã đạt chuẩn", kehoach.TypeBool, kehoach.AggLast, kehoach.KindCommune},
}

// Element positions, for the per-unit value table.
var elemIndex = func() map[string]int {
	m := map[string]int{}
	for i, d := range elemDefs {
		m[d.code] = i
	}
	return m
}()

func elements() []*kehoach.DataElement {
	out := make([]*kehoach.DataElement, len(elemDefs))
	for i, d := range elemDefs {
		out[i] = &kehoach.DataElement{Code: d.code, Name: d.name, ShortName: d.short, ValueType: d.vtype, Aggregation: d.agg,
			UnitKinds: []string{d.kind}, PeriodType: "quarterly"}
	}
	return out
}

func rule(left, op, right, msg string) *kehoach.ValidationRule {
	return &kehoach.ValidationRule{Left: left, Op: op, Right: right, Importance: kehoach.ImportanceHigh, Message: msg}
}

func forms() []*kehoach.Form {
	return []*kehoach.Form{
		{Code: "GEN_BAN_TC", Name: "Thiết chế thôn, bản (quý, tổng hợp)", PeriodType: "quarterly", CutoffDay: 15, DeadlineDays: 3,
			Elements: []string{B01, B02, B03, B04, B05, B06, B07, B08, B09, B10},
			Rules:    []*kehoach.ValidationRule{rule("#{G_B02}", "<=", "#{G_B01}", "Nhà văn hóa đạt chuẩn phải là nhà văn hóa đã có")}},
		{Code: "GEN_BAN_DS", Name: "Hộ gia đình, dân số thôn, bản (quý, tổng hợp)", PeriodType: "quarterly", CutoffDay: 15, DeadlineDays: 3,
			Elements: []string{HGD, HGDVH, HGDNgheo, HGDNS, HGDTV, NK, LD, TE},
			Rules: []*kehoach.ValidationRule{
				rule("#{G_HGD_VH}", "<=", "#{G_HGD}", "Số hộ gia đình văn hóa không thể lớn hơn tổng số hộ"),
				rule("#{G_HGD_NGHEO}", "<=", "#{G_HGD}", "Số hộ nghèo không thể lớn hơn tổng số hộ"),
				rule("#{G_HGD_NS}", "<=", "#{G_HGD}", "Số hộ dùng nước sạch không thể lớn hơn tổng số hộ"),
				rule("#{G_HGD_TV}", "<=", "#{G_HGD}", "Số hộ có phương tiện nghe, nhìn không thể lớn hơn tổng số hộ"),
				rule("#{G_HGD}", "<=", "#{G_NK}", "Số hộ không thể lớn hơn số nhân khẩu"),
				rule("#{G_LD} + #{G_TE}", "<=", "#{G_NK}", "Số lao động và trẻ em không thể lớn hơn số nhân khẩu"),
			}},
		{Code: "GEN_BAN_HD", Name: "Hoạt động, đời sống thôn, bản (quý, tổng hợp)", PeriodType: "quarterly", CutoffDay: 15, DeadlineDays: 3,
			Elements: []string{SH, TT, VN, TDTT, Kham, Thoat, TN, BHYT, Diem},
			Rules: []*kehoach.ValidationRule{
				rule("#{G_BHYT}", "<=", "100", "Tỷ lệ không thể vượt 100%"),
				rule("#{G_DIEM}", "<=", "100", "Điểm chấm theo thang 100"),
			}},
		{Code: "GEN_XA", Name: "Thiết chế văn hóa, truyền thanh cấp xã (quý, tổng hợp)", PeriodType: "quarterly", CutoffDay: 15, DeadlineDays: 3,
			Elements: []string{XA01, XA02, XA03},
			Rules:    []*kehoach.ValidationRule{rule("#{G_XA_03}", "<=", "#{G_XA_02}", "Nhà văn hóa xã đạt chuẩn phải là nhà văn hóa đã có")}},
	}
}

func indicators() []*kehoach.Indicator {
	ind := func(code, name, num, den string, factor float64) *kehoach.Indicator {
		return &kehoach.Indicator{Code: code, Name: name, Numerator: num, Denominator: den, Factor: factor, Decimals: 1}
	}
	return []*kehoach.Indicator{
		ind("GI_B01", "Tỷ lệ thôn, bản có nhà văn hóa", "count(#{G_B01})", "units(village)", 100),
		ind("GI_B02", "Tỷ lệ thôn, bản có nhà văn hóa đạt chuẩn", "count(#{G_B02})", "units(village)", 100),
		ind("GI_B03", "Tỷ lệ thôn, bản có cụm loa hoạt động ổn định", "count(#{G_B03})", "units(village)", 100),
		ind("GI_B04", "Tỷ lệ thôn, bản có đội văn nghệ hoạt động thường xuyên", "count(#{G_B04})", "units(village)", 100),
		ind("GI_B05", "Tỷ lệ thôn, bản đạt danh hiệu \"Thôn, bản văn hóa\"", "count(#{G_B05})", "units(village)", 100),
		ind("GI_B06", "Tỷ lệ thôn, bản có đường chính được cứng hóa", "count(#{G_B06})", "units(village)", 100),
		ind("GI_B07", "Tỷ lệ thôn, bản có điện lưới quốc gia", "count(#{G_B07})", "units(village)", 100),
		ind("GI_HGD_VH", "Tỷ lệ hộ gia đình đạt danh hiệu \"Gia đình văn hóa\"", "#{G_HGD_VH}", "#{G_HGD}", 100),
		ind("GI_NGHEO", "Tỷ lệ hộ nghèo", "#{G_HGD_NGHEO}", "#{G_HGD}", 100),
		ind("GI_NS", "Tỷ lệ hộ dùng nước sạch", "#{G_HGD_NS}", "#{G_HGD}", 100),
		ind("GI_XA_01", "Tỷ lệ xã có trạm truyền thanh hoạt động hiệu quả", "count(#{G_XA_01})", "units(commune)", 100),
		ind("GI_XA_02", "Tỷ lệ xã có nhà văn hóa", "count(#{G_XA_02})", "units(commune)", 100),
		ind("GI_XA_03", "Tỷ lệ xã có nhà văn hóa đạt chuẩn", "count(#{G_XA_03})", "units(commune)", 100),
		ind("GI_BHYT", "Tỷ lệ người có thẻ bảo hiểm y tế", "#{G_BHYT}", "1", 1),
		ind("GI_SH", "Số buổi sinh hoạt cộng đồng bình quân mỗi thôn, bản", "#{G_SH}", "units(village)", 1),
		ind("GI_LD", "Tỷ lệ người trong độ tuổi lao động", "#{G_LD}", "#{G_NK}", 100),
	}
}

// plan is "GEN-<scale>": 14 targets over the indicators, scoped to the root.
func (s *Spec) plan() *kehoach.Plan {
	root := s.Root()
	t := func(code, text, ind, op string, v float64, label string) *kehoach.Target {
		return &kehoach.Target{Code: code, Text: text, IndicatorCode: ind, Op: op, Value: v, Deadline: "2025", BaselinePeriod: "2021",
			ScopeCode: root.Code, CountLabel: label, Section: "II"}
	}
	return &kehoach.Plan{
		Code: "GEN-" + s.Scale, Number: "01/KH-TH", Title: "Kế hoạch tổng hợp phục vụ đo hiệu năng (dữ liệu sinh tự động, quy mô " + scaleLabel(s.Scale) + ")",
		IssuerCode: root.Code, IssuedOn: "2021-01-15", Place: root.Name, HorizonFrom: "2021", HorizonTo: "2025", Demo: true,
		Sections: []*kehoach.Section{{Number: "II", Title: "Mục tiêu", Body: "Các mục tiêu dưới đây là dữ liệu tổng hợp, không phải số liệu thật."}},
		Targets: []*kehoach.Target{
			t("1", "Thôn, bản có nhà văn hóa", "GI_B01", kehoach.OpGE, 95, "bản"),
			t("2", "Nhà văn hóa thôn, bản đạt chuẩn", "GI_B02", kehoach.OpGE, 70, "bản"),
			t("3", "Thôn, bản có cụm loa hoạt động ổn định", "GI_B03", kehoach.OpGE, 95, "bản"),
			t("4", "Thôn, bản có đội văn nghệ hoạt động thường xuyên", "GI_B04", kehoach.OpGE, 80, "bản"),
			t("5", "Thôn, bản đạt danh hiệu \"Thôn, bản văn hóa\"", "GI_B05", kehoach.OpGE, 85, "bản"),
			t("6", "Thôn, bản có đường chính được cứng hóa", "GI_B06", kehoach.OpGE, 80, "bản"),
			t("7", "Thôn, bản có điện lưới quốc gia", "GI_B07", kehoach.OpGE, 99, "bản"),
			t("8", "Hộ gia đình đạt danh hiệu \"Gia đình văn hóa\"", "GI_HGD_VH", kehoach.OpGE, 90, "hộ"),
			t("9", "Giảm tỷ lệ hộ nghèo", "GI_NGHEO", kehoach.OpLE, 5, "hộ"),
			t("10", "Hộ dùng nước sạch", "GI_NS", kehoach.OpGE, 90, "hộ"),
			t("11", "Xã có trạm truyền thanh hoạt động hiệu quả", "GI_XA_01", kehoach.OpGE, 100, "xã"),
			t("12", "Xã có nhà văn hóa", "GI_XA_02", kehoach.OpGE, 100, "xã"),
			t("13", "Nhà văn hóa xã đạt chuẩn", "GI_XA_03", kehoach.OpGE, 80, "xã"),
			t("14", "Tỷ lệ người có thẻ bảo hiểm y tế", "GI_BHYT", kehoach.OpGE, 95, "người"),
		},
	}
}

func scaleLabel(scale string) string {
	switch scale {
	case ScaleNational:
		return "toàn quốc"
	case ScaleProvince:
		return "tỉnh"
	}
	return "huyện"
}
