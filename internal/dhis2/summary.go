package dhis2

import (
	"fmt"
	"net/http"

	"kehoach"
)

// ImportSummary is DHIS2's answer to an import of data values.
type ImportSummary struct {
	ResponseType  string                   `json:"responseType"`
	Status        string                   `json:"status"` // SUCCESS, WARNING or ERROR
	ImportOptions ImportSummaryOptions     `json:"importOptions"`
	Description   string                   `json:"description"`
	ImportCount   ImportCount              `json:"importCount"`
	Conflicts     []kehoach.ImportConflict `json:"conflicts"`
	// ConflictCount counts every conflict, when more than are listed.
	ConflictCount   int64                    `json:"conflictCount"`
	Warnings        []kehoach.ImportConflict `json:"warnings,omitempty"`
	DataSetComplete string                   `json:"dataSetComplete"`
}

// ImportSummaryOptions echoes the options the import ran with.
type ImportSummaryOptions struct {
	DryRun         bool   `json:"dryRun"`
	ImportStrategy string `json:"importStrategy"`
	AtomicMode     string `json:"atomicMode"`
	IDSchemes      struct {
		DataElementIDScheme string `json:"dataElementIdScheme"`
		OrgUnitIDScheme     string `json:"orgUnitIdScheme"`
	} `json:"idSchemes"`
}

// ImportCount is what an import did.
type ImportCount struct {
	Imported int64 `json:"imported"`
	Updated  int64 `json:"updated"`
	Ignored  int64 `json:"ignored"`
	Deleted  int64 `json:"deleted"`
}

// WebMessage is DHIS2's envelope around an import summary.
type WebMessage struct {
	HTTPStatus     string         `json:"httpStatus"`
	HTTPStatusCode int            `json:"httpStatusCode"`
	Status         string         `json:"status"` // OK, WARNING or ERROR
	Message        string         `json:"message"`
	Response       *ImportSummary `json:"response"`
}

// NewImportSummary is the summary of an import that ended with res, or
// with err when the file itself was refused (malformed: its one conflict
// says where). Without SkipInvalid a conflict means nothing was saved.
func NewImportSummary(o kehoach.ImportOptions, res *kehoach.ImportResult, err error) *ImportSummary {
	s := &ImportSummary{ResponseType: "ImportSummary", DataSetComplete: "false", Conflicts: []kehoach.ImportConflict{}}
	s.ImportOptions.DryRun = o.DryRun
	s.ImportOptions.ImportStrategy = o.Strategy
	if s.ImportOptions.ImportStrategy == "" {
		s.ImportOptions.ImportStrategy = kehoach.StrategyCreateAndUpdate
	}
	s.ImportOptions.AtomicMode = "ALL"
	if o.SkipInvalid {
		s.ImportOptions.AtomicMode = "NONE"
	}
	s.ImportOptions.IDSchemes.DataElementIDScheme = schemeName(o.ElementScheme)
	s.ImportOptions.IDSchemes.OrgUnitIDScheme = schemeName(o.UnitScheme)
	if err != nil {
		s.Status = "ERROR"
		object := "file"
		for k := range kehoach.ErrorFields(err) {
			object = k
		}
		s.Conflicts = append(s.Conflicts, kehoach.ImportConflict{Object: object, Value: kehoach.ErrorMessage(err)})
		s.ConflictCount = 1
		s.Description = "Tệp không đọc được; chưa lưu số liệu nào."
		return s
	}
	s.ImportCount = ImportCount{res.Imported, res.Updated, res.Ignored, res.Deleted}
	s.Conflicts, s.ConflictCount, s.Warnings = res.Conflicts, res.ConflictCount, res.Warnings
	verb := "Đã nhập"
	if o.DryRun {
		verb = "Chạy thử (không lưu):"
	}
	counts := fmt.Sprintf("%s mới, %s cập nhật, %s xóa, %s bỏ qua", count(int(res.Imported)), count(int(res.Updated)), count(int(res.Deleted)), count(int(res.Ignored)))
	switch {
	case res.ConflictCount > 0 && !o.SkipInvalid:
		s.Status = "ERROR"
		s.ImportCount = ImportCount{Ignored: res.Read}
		s.Description = fmt.Sprintf("Có %s số liệu không hợp lệ; chưa lưu số liệu nào (cả tệp bị từ chối).", count(int(res.ConflictCount)))
	case res.ConflictCount > 0:
		s.Status = "WARNING"
		s.Description = fmt.Sprintf("%s %s; %s số liệu không hợp lệ bị bỏ qua.", verb, counts, count(int(res.ConflictCount)))
	default:
		s.Status = "SUCCESS"
		s.Description = verb + " " + counts + "."
	}
	return s
}

func schemeName(s string) string {
	if s == "" {
		return "CODE"
	}
	if s == SchemeUID || s == "UID" {
		return "UID"
	}
	return "CODE"
}

// Message wraps s as DHIS2 answers it: 200 for SUCCESS and WARNING, 409
// Conflict for ERROR.
func (s *ImportSummary) Message() *WebMessage {
	m := &WebMessage{HTTPStatus: "OK", HTTPStatusCode: http.StatusOK, Status: "OK", Message: "Nhập số liệu thành công.", Response: s}
	switch s.Status {
	case "WARNING":
		m.Status, m.Message = "WARNING", "Nhập xong, có số liệu bị bỏ qua: xem danh sách xung đột."
	case "ERROR":
		m.HTTPStatus, m.HTTPStatusCode, m.Status, m.Message = "Conflict", http.StatusConflict, "ERROR", "Nhập không thành công: xem danh sách xung đột."
	}
	return m
}
