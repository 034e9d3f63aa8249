package locale

import "kehoach"

// Label kinds of tasks (issue 11).
const (
	LabelTaskState     = "task_state"
	LabelTaskKind      = "task_kind"
	LabelProgressState = "progress_state"
	LabelWork          = "work"
	LabelReviewKind    = "review_kind"
	LabelCommendLevel  = "commend_level"
	LabelCriterion     = "criterion"
)

// TaskState names a computed task state ("Quá hạn").
func (l *Locale) TaskState(code string) string { return l.Label(LabelTaskState, code) }

// TaskKind names a task kind ("Hằng năm").
func (l *Locale) TaskKind(code string) string { return l.Label(LabelTaskKind, code) }

// ProgressState names a progress report's state ("Bị trả lại").
func (l *Locale) ProgressState(code string) string { return l.Label(LabelProgressState, code) }

// Work names what a report says of the work ("Đã hoàn thành").
func (l *Locale) Work(code string) string { return l.Label(LabelWork, code) }

// The labels of tasks are added to VI here rather than in vi.go so that
// the feature's words stay together.
func init() {
	VI.Labels[LabelTaskState] = map[string]string{
		kehoach.TaskNotStarted: "Chưa thực hiện",
		kehoach.TaskInProgress: "Đang thực hiện",
		kehoach.TaskDoneOnTime: "Hoàn thành đúng hạn",
		kehoach.TaskDoneLate:   "Hoàn thành quá hạn",
		kehoach.TaskOverdue:    "Quá hạn, chưa hoàn thành",
	}
	VI.Labels[LabelTaskKind] = map[string]string{
		kehoach.TaskContinuous: "Thường xuyên",
		kehoach.TaskYearly:     "Hằng năm",
		kehoach.TaskOnce:       "Một lần",
	}
	VI.Labels[LabelProgressState] = map[string]string{
		kehoach.ProgressDraft:     "Bản nháp",
		kehoach.ProgressSubmitted: "Đã gửi, chờ duyệt",
		kehoach.ProgressAccepted:  "Đã chấp nhận",
		kehoach.ProgressReturned:  "Bị trả lại",
	}
	VI.Labels[LabelWork] = map[string]string{
		kehoach.WorkInProgress: "Đang thực hiện",
		kehoach.WorkDone:       "Đã hoàn thành",
	}
	VI.Labels[LabelAuditEntity][kehoach.AuditTask] = "Nhiệm vụ"
	VI.Labels[LabelAuditEntity][kehoach.AuditTaskReport] = "Báo cáo tiến độ nhiệm vụ"
	VI.Labels[LabelAuditEntity][kehoach.AuditReview] = "Sơ kết, tổng kết"
	VI.Labels[LabelAuditEntity][kehoach.AuditCommendation] = "Khen thưởng"
	VI.Labels[LabelReviewKind] = map[string]string{kehoach.ReviewPreliminary: "Sơ kết", kehoach.ReviewFinal: "Tổng kết"}
	VI.Labels[LabelCommendLevel] = map[string]string{
		kehoach.CommendDistrict: "Giấy khen của Chủ tịch UBND huyện",
		kehoach.CommendProvince: "Bằng khen của Chủ tịch UBND tỉnh",
		kehoach.CommendNational: "Bằng khen của Thủ tướng Chính phủ",
	}
	VI.Labels[LabelCriterion] = map[string]string{
		kehoach.CriterionOnTime:     "Tỷ lệ lượt nhiệm vụ hoàn thành đúng hạn",
		kehoach.CriterionDone:       "Tỷ lệ lượt nhiệm vụ đã hoàn thành",
		kehoach.CriterionNotOverdue: "100 trừ tỷ lệ lượt nhiệm vụ quá hạn",
		kehoach.CriterionSelf:       "Điểm tự chấm khi sơ kết, tổng kết",
	}
}
