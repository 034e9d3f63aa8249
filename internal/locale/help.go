package locale

// Help (issue 16): one sentence for each status, submission state and
// coverage that a page shows, read on hover (a title attribute) or on tap
// (a <details> legend). Kept apart from vi.go so that the feature stays in
// one file.

// Label kinds of help texts.
const (
	LabelStatusHelp     = "status_help"
	LabelSubmissionHelp = "submission_help"
	LabelCoverageHelp   = "coverage_help"
)

// Coverage help codes: what the figures a value is computed from cover.
const (
	CoverageUnits    = "units"    // "12/15 thôn, bản": units counted over units in scope
	CoveragePeriod   = "period"   // the period the latest figure belongs to
	CoverageComplete = "complete" // completeness: reported over expected units
)

var helpLabels = map[string]map[string]string{
	LabelStatusHelp: {
		"achieved":  "Số liệu mới nhất đã đạt chỉ tiêu đặt ra.",
		"on_track":  "Chưa đạt, nhưng nếu giữ xu hướng các năm qua thì sẽ đạt chỉ tiêu đúng hạn.",
		"at_risk":   "Theo xu hướng các năm qua sẽ đi được ít nhất 3/4 quãng đường từ mức xuất phát đến chỉ tiêu nhưng chưa tới: cần đẩy nhanh.",
		"off_track": "Theo xu hướng các năm qua sẽ không đạt chỉ tiêu đúng hạn (hoặc đã hết hạn mà chưa đạt): cần biện pháp mới.",
		"no_data":   "Chưa có số liệu của kỳ đang xem nên chưa đánh giá được; hãy đôn đốc đơn vị báo cáo.",
	},
	LabelSubmissionHelp: {
		"draft":     "Số liệu đang nhập, chưa gửi: người nhập còn sửa được, người duyệt chưa thấy.",
		"submitted": "Đã gửi và đang chờ người phê duyệt: không sửa được nữa cho đến khi được duyệt hoặc bị trả lại.",
		"approved":  "Đã được duyệt và khóa: muốn sửa phải đề nghị người phê duyệt mở khóa.",
		"returned":  "Người phê duyệt đã trả lại kèm lý do: sửa theo lý do rồi gửi lại.",
	},
	LabelCoverageHelp: {
		CoverageUnits:    "Số đơn vị đạt tiêu chí trên tổng số đơn vị có số liệu trong phạm vi: tỷ lệ tính trên đúng các đơn vị này.",
		CoveragePeriod:   "Kỳ của số liệu mới nhất dùng để tính; kỳ sau chưa có số liệu thì chưa được tính.",
		CoverageComplete: "Số đơn vị đã gửi báo cáo (hoặc đã được duyệt) trên số đơn vị phải báo cáo biểu mẫu trong kỳ.",
	},
	LabelAuditEntity: {"settings": "Thông tin hệ thống"},
}

func init() { addLabels(helpLabels) }

// addLabels adds labels by kind to VI's, so that a feature keeps its
// labels in a file of its own.
func addLabels(labels map[string]map[string]string) {
	for kind, ls := range labels {
		if VI.Labels[kind] == nil {
			VI.Labels[kind] = map[string]string{}
		}
		for code, label := range ls {
			VI.Labels[kind][code] = label
		}
	}
}

// StatusHelp explains a target's status in one sentence.
func (l *Locale) StatusHelp(code string) string { return l.help(LabelStatusHelp, code) }

// SubmissionHelp explains a submission state in one sentence.
func (l *Locale) SubmissionHelp(code string) string { return l.help(LabelSubmissionHelp, code) }

// CoverageHelp explains what a figure's coverage says, in one sentence.
func (l *Locale) CoverageHelp(code string) string { return l.help(LabelCoverageHelp, code) }

// help is a help text, or "" when there is none (no title beats a code).
func (l *Locale) help(kind, code string) string {
	if s, ok := l.Labels[kind][code]; ok {
		return s
	}
	return ""
}
