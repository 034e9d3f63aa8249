package report

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"kehoach"
	"kehoach/period"
)

// Document returns the document of (plan, kind, period) as it stands: an
// issued one exactly as frozen (whatever the figures became), a draft
// built from today's figures with its saved texts, or, when nothing is
// saved, one built with Defaults. The stored draft is returned too (nil
// when none). The web page, the download button and `kehoach report` all
// call this, so they give the same file.
func Document(ctx context.Context, src Sources, drafts kehoach.ReportService, planID int64, kind, period string, now time.Time) (*Report, *kehoach.ReportDraft, error) {
	req := Request{PlanID: planID, Kind: kind, Period: period, Now: now}
	var d *kehoach.ReportDraft
	if drafts != nil {
		// The period is checked first so that a bad one is named as such.
		plan, err := src.Plans.FindPlanByID(ctx, planID)
		if err != nil {
			return nil, nil, err
		}
		p, err := ParsePeriod(period, plan, src.schemeOrDefault())
		if err != nil {
			return nil, nil, err
		}
		req.Period = p.ID
		d, err = drafts.FindReport(ctx, planID, kind, p.ID)
		switch kehoach.ErrorCode(err) {
		case "":
		case kehoach.ENOTFOUND:
			d = nil
		default:
			return nil, nil, err
		}
	}
	if d != nil && d.Issued() {
		var r Report
		if err := json.Unmarshal(d.Frozen, &r); err != nil {
			return nil, nil, fmt.Errorf("report: frozen document %d: %w", d.ID, err)
		}
		return &r, d, nil
	}
	// The files' time is the draft's last save, or the start of today in
	// Vietnam: the page's button and the command then give the same bytes.
	y, m, day := now.In(kehoach.VietnamZone).Date()
	req.Created = time.Date(y, m, day, 0, 0, 0, 0, kehoach.VietnamZone)
	if d != nil {
		req.Texts, req.Status, req.Version, req.Created = &d.Texts, d.Status, d.Version, d.UpdatedAt
	}
	r, err := Build(ctx, src, req)
	return r, d, err
}

// Issue freezes the saved draft at version: it builds the document from
// the figures of now with the draft's texts, checks the signature block,
// and stores the model as printed. ECONFLICT when the draft has moved on.
func Issue(ctx context.Context, src Sources, drafts kehoach.ReportService, planID int64, kind, period string, version int64, now time.Time) (*Report, error) {
	r, d, err := Document(ctx, src, drafts, planID, kind, period, now)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Hãy lưu bản nháp (số, ngày, người ký) trước khi ban hành.", Fields: map[string]string{"version": "Chưa lưu bản nháp."}}
	}
	if d.Issued() {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Văn bản đã ban hành lúc %s.", d.IssuedAt.In(kehoach.VietnamZone).Format("15:04 02/01/2006"))
	}
	if err := d.Texts.ValidateForIssue(); err != nil {
		return nil, err
	}
	r.Status, r.IssuedAt = kehoach.ReportIssuedStatus, now.UTC().Truncate(time.Second)
	frozen, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	if _, err := drafts.IssueReport(ctx, d.ID, version, frozen); err != nil {
		return nil, err
	}
	return r, nil
}

// schemeOrDefault is the cut-off rule, Decree 09 when none is set.
func (s Sources) schemeOrDefault() period.Scheme {
	if s.Scheme == (period.Scheme{}) {
		return period.Decree09
	}
	return s.Scheme
}
