// Package planread reads a plan from its own text (a .docx or UTF-8 text
// file) and extracts what kehoach needs to set it up: the header, the
// legal basis, the section tree, the measurable targets, the task bullets
// and the responsibilities of "Tổ chức thực hiện", matched to the units
// and indicators that already exist.
//
// The reader is rule-based and offline: every extracted item carries its
// exact source text, its position in the document and the rules that
// produced it (Why), so the officer reviewing it can see and correct each
// decision. Nothing is written anywhere; the result is a proposal.
package planread

import "kehoach"

// Document is what was read from one plan.
type Document struct {
	// Text is the document as read: its paragraphs NFC-normalised and
	// joined by "\n". Every Span indexes into it (byte offsets).
	Text       string       `json:"text"`
	Header     Header       `json:"header"`
	Basis      []Basis      `json:"basis"`
	Sections   []*Node      `json:"sections"`
	Targets    []*Target    `json:"targets"`
	Tasks      []*Task      `json:"tasks"`
	Duties     []*Duty      `json:"responsibilities"`
	UnitLists  []*UnitList  `json:"unitLists,omitempty"`
	Warnings   []string     `json:"warnings,omitempty"`
	paragraphs []paragraphX // the paragraphs with their spans
}

// Span is a byte range [Start, End) of Document.Text.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text,omitempty"` // Document.Text[Start:End], on extracted items
}

// Header is the heading block of an administrative document (Nghị định
// 30/2020/NĐ-CP): issuer, number and symbol, place and date, type, title.
type Header struct {
	Issuer     string `json:"issuer"`               // as written: "Ủy ban nhân dân huyện Tam Đường"
	IssuerUnit string `json:"issuerUnit,omitempty"` // matched unit code
	Number     string `json:"number"`               // "102/KH-UBND", "/KH-UBND" when the number is left blank
	Place      string `json:"place"`
	Date       string `json:"date"`     // ISO, as far as known: "2022-06" when the day is blank
	DateText   string `json:"dateText"` // "ngày tháng 6 năm 2022"
	Type       string `json:"type"`     // "Kế hoạch", "Chương trình"…
	Title      string `json:"title"`
	Signer     string `json:"signer,omitempty"`
	Source     Span   `json:"source"`
}

// Basis is one "Căn cứ …" of the document.
type Basis struct {
	Text   string `json:"text"`
	Source Span   `json:"source"`
}

// Node is one item of the section tree.
type Node struct {
	Kind     string  `json:"kind"`   // roman, number, paren, letter, bullet, para, row
	Label    string  `json:"label"`  // "II", "2.1", "(1)", "a", "-"
	Number   string  `json:"number"` // the full path of the nearest numbered section: "II.2.1"
	Title    string  `json:"title,omitempty"`
	Text     string  `json:"text"` // the exact source text, label included
	Role     string  `json:"role,omitempty"`
	Source   Span    `json:"source"`
	Children []*Node `json:"children,omitempty"`
	cells    []string
	parent   *Node
}

// Target is one measurable statement of the plan.
type Target struct {
	Value      float64 `json:"value"`
	ValueText  string  `json:"valueText"`      // "84,6%"
	Unit       string  `json:"unit,omitempty"` // "%", "triệu đồng", "nhà văn hóa"
	Comparison string  `json:"comparison"`     // ">=", ">", "<=", "<"
	// Subject is the class of what is counted: hộ, bản, xã, cơ quan,
	// trường, cán bộ, người, huyện; "" for an amount (income, growth).
	Subject   string    `json:"subject"`
	Statement string    `json:"statement"`           // what is measured, in the plan's words
	Deadline  string    `json:"deadline"`            // "2025", "yearly", ""
	Period    string    `json:"period,omitempty"`    // "2021–2025" when the plan says so
	Region    string    `json:"region,omitempty"`    // "khu vực miền núi"
	Parent    int       `json:"parent"`              // index of the target this one is a share of, -1 if none
	Scope     []string  `json:"scope,omitempty"`     // unit codes the target is limited to
	Indicator string    `json:"indicator,omitempty"` // matched existing indicator
	Match     float64   `json:"match,omitempty"`     // how well it matched (0–1)
	Proposed  *Proposal `json:"proposed,omitempty"`  // a new indicator, when none fits
	Section   string    `json:"section"`
	Source    Span      `json:"source"`
	Why       []string  `json:"why"`
}

// Proposal is a new indicator with its elements, for a target no existing
// indicator measures.
type Proposal struct {
	Name        string `json:"name"`
	Numerator   string `json:"numerator"`             // name of the element counted
	Denominator string `json:"denominator,omitempty"` // name of the element counted over ("" for a count)
	Factor      int    `json:"factor"`                // 100 for a percentage, 1 otherwise
}

// Task is one bullet of the tasks and solutions.
type Task struct {
	Text    string `json:"text"`
	Section string `json:"section"`
	Lead    string `json:"lead"` // unit code, when the bullet names the body leading it; "" when none
	Source  Span   `json:"source"`
}

// Duty is one numbered entry of "Tổ chức thực hiện": the body it names
// and what it is to do.
type Duty struct {
	Label   string   `json:"label"`
	Body    string   `json:"body"`              // as written: "Phòng Văn hóa và Thông tin huyện"
	Units   []string `json:"units"`             // matched unit codes
	Group   string   `json:"group,omitempty"`   // "commune", "agency": all units of that kind
	Request bool     `json:"request,omitempty"` // "Đề nghị …": asked of a body the issuer does not direct
	Duties  []string `json:"duties"`
	Source  Span     `json:"source"`
}

// UnitList is a list of existing units named in one sentence.
type UnitList struct {
	Units  []string `json:"units"`
	Kind   string   `json:"kind"`
	Target int      `json:"target"` // index of the target it scopes, -1 if none
	Source Span     `json:"source"`
}

// Catalogue is what exists already, to match against.
type Catalogue struct {
	Units      []*kehoach.Unit
	Indicators []*kehoach.Indicator
}

// Read reads the plan in data (the file's name helps tell the format)
// and extracts its items, matched against cat. The error is a
// kehoach.EINVALID with the reason in Vietnamese when the file cannot be
// read as a plan.
func Read(name string, data []byte, cat Catalogue) (*Document, error) {
	paras, err := readParagraphs(name, data)
	if err != nil {
		return nil, err
	}
	d := build(paras)
	m := newMatcher(cat, d)
	d.extractDuties(m)
	d.extractTargets()
	d.extractTasks(m)
	d.extractUnitLists(m)
	d.matchIndicators(m)
	if len(cat.Units) == 0 {
		d.Warnings = append(d.Warnings, "chưa có đơn vị nào để so khớp: cơ quan, xã, trường được nêu trong văn bản chưa gắn với đơn vị nào")
	}
	if len(d.Targets) == 0 && len(d.Tasks) == 0 && len(d.Duties) == 0 {
		d.Warnings = append(d.Warnings, "không tìm thấy chỉ tiêu, nhiệm vụ hay phân công nào: văn bản có phải là một kế hoạch?")
	}
	return d, nil
}
