// Package report is the content model of kehoach's official documents: a
// report (báo cáo) on a plan for a period or for its whole horizon, and a
// chasing letter (công văn đôn đốc) to the units that lag. Build makes one
// model from the plan's figures and the person's texts; the web page, the
// `kehoach report` command and the DOCX, PDF and XLSX exporters all print
// that same model, so every format says the same thing. Numbers are kept
// both raw (for spreadsheets and charts) and written the Vietnamese way
// (for documents), the latter only through internal/locale.
package report

import (
	"time"

	"kehoach"
)

// Headings of the report's body, numbered as official reports are.
const (
	HeadingGeneral  = "I. TÌNH HÌNH CHUNG"
	HeadingResults  = "II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU"
	HeadingLagging  = "III. CÁC ĐƠN VỊ CÒN CHẬM"
	HeadingTasks    = "IV. TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ"
	HeadingProblems = "V. KHÓ KHĂN, VƯỚNG MẮC"
	HeadingProposal = "VI. ĐỀ XUẤT, KIẾN NGHỊ"
	HeadingAppendix = "PHỤ LỤC"
	// NoTasks is printed when no task data is wired in.
	NoTasks = "Chưa có dữ liệu nhiệm vụ."
	// NoLagging is printed when every unit meets every target.
	NoLagging = "Không có đơn vị chậm so với mục tiêu."
)

// ResultColumns are the headers of the results table, in order.
var ResultColumns = []string{"Mục tiêu", "Chỉ tiêu", "Kết quả", "x/y", "% so với chỉ tiêu", "Độ phủ số liệu", "Đánh giá", "So với kỳ trước", "So với năm gốc"}

// AppendixColumns are the headers of an appendix table, in order.
var AppendixColumns = []string{"STT", "Đơn vị", "Kết quả", "x/y", "Đánh giá"}

// TaskColumns are the headers of the task progress table: the four states.
var TaskColumns = []string{"Cơ quan, đơn vị", "Chưa thực hiện", "Đang thực hiện", "Hoàn thành", "Quá hạn"}

// OwedColumns are the headers of a letter's table.
var OwedColumns = []string{"STT", "Đơn vị", "Nội dung còn nợ", "Hạn hoàn thành"}

// Report is one official document, ready to print.
type Report struct {
	Kind   string `json:"kind"`
	Plan   Plan   `json:"plan"`
	Period Period `json:"period"`
	// IssuerLines is the issuing body in capitals, one line each
	// ("ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG").
	IssuerLines []string `json:"issuerLines"`
	Motto       []string `json:"motto"`
	Number      string   `json:"number"`    // "Số: 12/BC-UBND"
	PlaceDate   string   `json:"placeDate"` // "Tam Đường, ngày 05 tháng 02 năm 2022"
	DocType     string   `json:"docType"`   // "BÁO CÁO"; "" for a letter
	Summary     string   `json:"summary"`
	// Window is the data cut-off window line ("Số liệu chốt từ … đến …").
	Window string `json:"window"`
	// Salutation is a letter's "Kính gửi:" lines.
	Salutation []string `json:"salutation,omitempty"`
	General    []string `json:"general,omitempty"`
	// Overview sums the results up in a sentence, from the figures.
	Overview string   `json:"overview,omitempty"`
	Results  []Result `json:"results,omitempty"`
	Lagging  []Lag    `json:"lagging,omitempty"`
	// Tasks is the task progress by body; nil when no task data exists.
	Tasks        []TaskBody `json:"tasks"`
	Difficulties []string   `json:"difficulties,omitempty"`
	Proposals    []string   `json:"proposals,omitempty"`
	// Letter's body.
	Intro   []string `json:"intro,omitempty"`
	Owed    []Owed   `json:"owed,omitempty"`
	Closing []string `json:"closing,omitempty"`

	Signature  []string   `json:"signature"`
	Signer     string     `json:"signer"`
	Recipients []string   `json:"recipients"`
	Appendix   []Appendix `json:"appendix,omitempty"`

	// Status is draft or issued; Version is the draft version printed.
	Status   string    `json:"status"`
	Version  int64     `json:"version"`
	IssuedAt time.Time `json:"issuedAt,omitzero"`
	// Created is the moment the content was made (the issue time for an
	// issued document), written into the files' metadata so that the same
	// model always makes the same bytes.
	Created time.Time `json:"created"`
}

// Plan names the plan reported on.
type Plan struct {
	ID     int64  `json:"id"`
	Code   string `json:"code"`
	Number string `json:"number"`
	Title  string `json:"title"`
}

// Period is what a document reports on: a year, a half-year, a quarter,
// nine months, or the plan's whole horizon (tổng kết).
type Period struct {
	ID    string `json:"id"`    // "2024", "2024S1", "2024Q3", "2024N9", "final"
	Label string `json:"label"` // "năm 2024", "9 tháng năm 2024", "giai đoạn 2022 - 2025"
	Final bool   `json:"final,omitempty"`
	// From and To are the data cut-off window (Decree 09/2019, Art. 12).
	From string `json:"from"`
	To   string `json:"to"`
	// Year is the yearly period of the plan's series the period lies in;
	// Data is the period whose figures are printed and as of whose end the
	// status is taken ("2024N9": January to September); Prev the earlier
	// comparable period ("" for none).
	Year string `json:"year"`
	Data string `json:"data"`
	Prev string `json:"prev,omitempty"`
	// Tree is the day whose unit tree the figures are read under (issue
	// 10: a plan that crossed a reorganisation, read under today's units);
	// "" reads each period as it was.
	Tree kehoach.Date `json:"tree,omitempty"`
}

// Result is one target's row of the results table.
type Result struct {
	Code       string  `json:"code"`
	Text       string  `json:"text"`
	Group      string  `json:"group"` // the plan section's title
	Op         string  `json:"op"`
	Target     float64 `json:"target"`
	TargetText string  `json:"targetText"`
	Percent    bool    `json:"percent"` // the indicator is a percentage
	Decimals   int     `json:"decimals"`
	HasValue   bool    `json:"hasValue"`
	// Estimated: read under another day's tree by declared shares.
	Estimated bool    `json:"estimated,omitempty"`
	Value     float64 `json:"value"`
	ValueText string  `json:"valueText"`
	Num       float64 `json:"num"`
	Den       float64 `json:"den"`
	XY        string  `json:"xy"`
	// OfTarget is the value as a percentage of the target.
	OfTarget     float64 `json:"ofTarget"`
	OfTargetText string  `json:"ofTargetText"`
	// Coverage is the share of the expected reports behind the figure.
	HasCoverage  bool    `json:"hasCoverage"`
	Coverage     float64 `json:"coverage"`
	CoverageText string  `json:"coverageText"`
	Status       string  `json:"status"`
	StatusText   string  `json:"statusText"`
	HasPrev      bool    `json:"hasPrev"`
	ChangePrev   float64 `json:"changePrev"`
	PrevText     string  `json:"prevText"`
	HasBase      bool    `json:"hasBase"`
	ChangeBase   float64 `json:"changeBase"`
	BaseText     string  `json:"baseText"`
	// Series is the yearly trend from the baseline, for charts.
	Series        []Point `json:"series"`
	Deadline      string  `json:"deadline"`
	Projection    float64 `json:"projection"`
	HasProjection bool    `json:"hasProjection"`
	// Milestones is the value asked for at each period from the baseline
	// to the deadline: through the planner's milestones when set
	// (analytics.MilestonePath), for the trend chart.
	Milestones []float64 `json:"milestones,omitempty"`
}

// Point is one period of a series.
type Point struct {
	Period   string  `json:"period"`
	Label    string  `json:"label"`
	HasValue bool    `json:"hasValue"`
	Value    float64 `json:"value"`
}

// Lag is a unit behind on some targets.
type Lag struct {
	Unit  string   `json:"unit"`
	Items []string `json:"items"`
}

// TaskBody is one body's tasks by the four states.
type TaskBody struct {
	Body       string   `json:"body"`
	NotStarted int      `json:"notStarted"`
	InProgress int      `json:"inProgress"`
	Done       int      `json:"done"`
	Overdue    int      `json:"overdue"`
	Late       []string `json:"late,omitempty"` // titles of the overdue tasks
}

// Owed is what one unit owes, in a letter.
type Owed struct {
	Unit  string   `json:"unit"`
	Items []string `json:"items"`
	Due   string   `json:"due"`
}

// Appendix is one target's table by unit.
type Appendix struct {
	Code     string        `json:"code"`
	Text     string        `json:"text"`
	Kind     string        `json:"kind"` // the units' kind, in Vietnamese
	Percent  bool          `json:"percent"`
	Decimals int           `json:"decimals"`
	Rows     []AppendixRow `json:"rows"`
}

// AppendixRow is one unit's figure for a target.
type AppendixRow struct {
	Unit     string `json:"unit"`
	HasValue bool   `json:"hasValue"`
	// Estimated: read under another day's tree by declared shares.
	Estimated  bool    `json:"estimated,omitempty"`
	Value      float64 `json:"value"`
	ValueText  string  `json:"valueText"`
	Num        float64 `json:"num"`
	Den        float64 `json:"den"`
	XY         string  `json:"xy"`
	Meets      bool    `json:"meets"`
	Status     string  `json:"status"`
	StatusText string  `json:"statusText"`
}

// Image is a picture placed in a document (a chart as PNG), with its
// size in pixels at 96 dpi.
type Image struct {
	Name          string // the target code it illustrates
	PNG           []byte
	Width, Height int
}
