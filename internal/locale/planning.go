package locale

// Label kinds of planning (issue 14).
const (
	LabelValueType   = "value_type"
	LabelAggregation = "aggregation"
	LabelPlanStatus  = "plan_status"
	LabelPeriodType  = "period_type"
	LabelImportance  = "importance"
)

// planningLabels are the Vietnamese names of planning's codes, kept apart
// from vi.go so that planning's additions stay in one file.
var planningLabels = map[string]map[string]string{
	LabelValueType:   {"integer": "Số nguyên không âm", "number": "Số", "bool": "Có/không", "text": "Chữ"},
	LabelAggregation: {"sum": "Cộng dồn", "average": "Trung bình", "last": "Giá trị mới nhất", "count_yes": "Đếm đơn vị \"có\""},
	LabelPlanStatus:  {"draft": "Bản nháp", "published": "Đã ban hành"},
	LabelPeriodType:  {"yearly": "Năm", "sixmonthly": "6 tháng", "quarterly": "Quý", "monthly": "Tháng"},
	LabelImportance:  {"high": "Chặn lưu", "medium": "Cảnh báo", "low": "Nhắc"},
	LabelAuditAction: {"publish": "Ban hành", "revise": "Điều chỉnh theo văn bản"},
	LabelAuditEntity: {"plan": "Kế hoạch", "target": "Mục tiêu", "indicator": "Chỉ tiêu", "data_element": "Chỉ số thu thập", "form": "Biểu mẫu",
		"value_bound": "Khoảng cho phép của số liệu"},
}

func init() { addLabels(planningLabels) }
