package kehoach

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kinds of official documents made from a plan's figures.
const (
	// DocReport is a báo cáo (type code BC) on a plan for a period.
	DocReport = "report"
	// DocLetter is a công văn đôn đốc: an official letter (no type code)
	// chasing the units that have not reported or are behind on tasks.
	DocLetter = "letter"
)

// Report states: a draft is edited and versioned; an issued report is
// frozen with the content it printed.
const (
	ReportDraftStatus  = "draft"
	ReportIssuedStatus = "issued"
)

// ReportTextMaxLen bounds each editable text of a report (characters).
const ReportTextMaxLen = 20000

// ReportTexts are the parts of an official document a person writes; the
// figures come from the plan. Multi-line fields hold one line per "\n".
type ReportTexts struct {
	// Number is the document's number ("12"); empty prints "…" for the
	// clerk to fill by hand.
	Number string `json:"number"`
	// Code follows the number: "BC-UBND" for a report, "UBND-VHXH" for a
	// letter (a letter has no type code).
	Code  string `json:"code"`
	Place string `json:"place"`
	Date  Date   `json:"date"`
	// Summary is the trích yếu under the document type (or "V/v …").
	Summary      string `json:"summary"`
	General      string `json:"general"`
	Difficulties string `json:"difficulties"`
	Proposals    string `json:"proposals"`
	// Signature is the authority lines ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH").
	Signature string `json:"signature"`
	Signer    string `json:"signer"`
	// Recipients is the "Nơi nhận" lines, without the leading "- ".
	Recipients string `json:"recipients"`
	// Due is, in a letter, the day by which the units must report.
	Due Date `json:"due,omitempty"`
}

// ValidateForIssue checks what an official document cannot go without:
// the signature block (authority and signer's name) and a date. Fields
// are keyed by the form's field names.
func (t *ReportTexts) ValidateForIssue() error {
	fields := map[string]string{}
	if strings.TrimSpace(t.Signature) == "" {
		fields["signature"] = "Chưa ghi thẩm quyền ký (ví dụ “TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH”)."
	}
	if strings.TrimSpace(t.Signer) == "" {
		fields["signer"] = "Chưa ghi họ tên người ký."
	}
	if t.Date.IsZero() {
		fields["date"] = "Chưa ghi ngày ban hành."
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Khối chữ ký chưa đủ: văn bản cần thẩm quyền ký, họ tên người ký và ngày ban hành.", Fields: fields}
	}
	return nil
}

// Validate checks the lengths and the dates of the texts.
func (t *ReportTexts) Validate() error {
	fields := map[string]string{}
	for name, v := range map[string]string{
		"number": t.Number, "code": t.Code, "place": t.Place, "summary": t.Summary,
		"general": t.General, "difficulties": t.Difficulties, "proposals": t.Proposals,
		"signature": t.Signature, "signer": t.Signer, "recipients": t.Recipients,
	} {
		if utf8.RuneCountInString(v) > ReportTextMaxLen {
			fields[name] = "Dài quá " + strconv.Itoa(ReportTextMaxLen) + " ký tự."
		}
	}
	for name, d := range map[string]Date{"date": t.Date, "due": t.Due} {
		if _, err := ParseDate(string(d)); err != nil {
			fields[name] = ErrorMessage(err)
		}
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Nội dung báo cáo chưa hợp lệ.", Fields: fields}
	}
	return nil
}

// ReportDraft is a document of a plan for a period, kept while it is
// written (Status draft, Version counting the saves) and once issued
// (Frozen holds the content model as printed, so the same file can be made
// again whatever the figures become).
type ReportDraft struct {
	ID        int64       `json:"id"`
	PlanID    int64       `json:"planId"`
	Kind      string      `json:"kind"`
	Period    string      `json:"period"`
	Texts     ReportTexts `json:"texts"`
	Version   int64       `json:"version"`
	Status    string      `json:"status"`
	UpdatedBy string      `json:"updatedBy"`
	UpdatedAt time.Time   `json:"updatedAt"`
	IssuedBy  string      `json:"issuedBy,omitempty"`
	IssuedAt  time.Time   `json:"issuedAt,omitzero"`
	Frozen    []byte      `json:"-"`
}

// Issued reports whether the document is frozen.
func (d *ReportDraft) Issued() bool { return d.Status == ReportIssuedStatus }

// ReportVersion is one saved version of a draft's texts: who, when.
type ReportVersion struct {
	Version int64       `json:"version"`
	Texts   ReportTexts `json:"texts"`
	By      string      `json:"by"`
	At      time.Time   `json:"at"`
}

// ReportService keeps drafts of reports and letters with their versions,
// and issued documents frozen. Every change is audited with the Actor of
// ctx. Roles are the web's business (auth.ActionPlan edits and issues).
type ReportService interface {
	// FindReport returns the document of (plan, kind, period); ENOTFOUND
	// when nothing has been saved for it yet.
	FindReport(ctx context.Context, planID int64, kind, period string) (*ReportDraft, error)
	// FindReportVersions returns a document's versions, newest first.
	FindReportVersions(ctx context.Context, id int64) ([]*ReportVersion, error)
	// SaveReportDraft stores d.Texts as a new version. d.Version is the
	// version the person began from (0 for a new document): when the
	// stored version differs, someone else saved meanwhile and the save
	// fails with ECONFLICT, nothing written. An issued document is
	// EINVALID; invalid texts are EINVALID with Fields.
	SaveReportDraft(ctx context.Context, d *ReportDraft) (*ReportDraft, error)
	// IssueReport freezes the document at version (ECONFLICT when it is
	// no longer the stored one) with frozen, the content model as printed.
	// EINVALID when already issued.
	IssueReport(ctx context.Context, id, version int64, frozen []byte) (*ReportDraft, error)
}

// Audit of documents: a draft saved is AuditUpdate, an issue AuditIssue,
// both on entity AuditReport with Key "PLAN/KIND/PERIOD".
const (
	AuditIssue  = "issue"
	AuditReport = "report"
)

// The document's audit codes join the lists the audit filter offers
// (kept here so the feature stays in its own file).
func init() {
	AuditActions = append(AuditActions, AuditIssue)
	AuditEntities = append(AuditEntities, AuditReport)
}
