package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"kehoach"
	"kehoach/internal/web/form"
)

// Plausibility beside the field (issue 9): the write path checks every
// changed figure against the unit's last report and its peers (units of the
// same kind under the same parent) and refuses an unusual one that is
// neither confirmed nor commented on, with kehoach.UnusualPrefix and the
// range expected. The page shows those reasons beside their fields as a
// question; once confirmed, the store saves the figure with its reason in
// the comment (kehoach.FlagPrefix), so that the approver sees it marked
// and listed ("cần kiểm tra").

// unusualOnly returns the refusals of err that are unusual figures
// (keyed "UNIT.ELEMENT", the reason after the prefix), or nil when err
// has any other reason: a grid the write path refuses shows why first,
// and asks about unusual figures only once it would save.
func unusualOnly(err error) map[string]string {
	var e *kehoach.Error
	if !errors.As(err, &e) || e.Code != kehoach.EINVALID || len(e.Fields) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, reason := range e.Fields {
		_, why, ok := strings.Cut(reason, kehoach.UnusualPrefix)
		if !ok {
			return nil
		}
		out[k] = why
	}
	return out
}

// askUnusual puts the questions beside their fields, with what the person
// answered so far.
func (pg *entryPage) askUnusual(unusual map[string]string, in *form.Entry) {
	for _, row := range pg.Rows {
		for _, c := range row.Cells {
			if w, ok := unusual[strings.TrimPrefix(c.Name, "v.")]; ok {
				c.Check, c.Checked, c.Comment = w, in.Checked[row.Unit.Code][c.Element.Code], in.Comments[row.Unit.Code][c.Element.Code]
			}
		}
	}
}

// entryAskCheck shows the grid as typed with the warnings that need a
// confirmation or a comment; nothing is saved (422).
func (h *handler) entryAskCheck(w http.ResponseWriter, r *http.Request, pg *entryPage, in *form.Entry, pending int) {
	pg.markRemove(in.Remove)
	pg.Message = fmt.Sprintf("Có %d số liệu khác thường (bên cạnh ô): xem lại, rồi đánh dấu “Số liệu đúng” hoặc ghi chú lý do để lưu. Chưa lưu số liệu nào.", pending)
	h.renderEntry(w, r, http.StatusUnprocessableEntity, pg)
}

// entryBatch is the grid's save as a batch, with the confirmations and
// comments of unusual figures.
func entryBatch(in *form.Entry, by string) kehoach.ValueBatch {
	b := kehoach.ValueBatch{Form: in.Form, Period: in.Period, By: by}
	for u, els := range in.Values {
		for e, v := range els {
			orig, has := in.Original[u][e]
			b.Cells = append(b.Cells, kehoach.ValueCell{Unit: u, Element: e, Value: v, Original: orig, HasOriginal: has,
				Comment: in.Comments[u][e], Confirmed: in.Checked[u][e]})
		}
	}
	return b
}

// markFlags marks the stored figures saved despite a warning, and lists
// them above the grid, for the approver.
func (pg *entryPage) markFlags(comments map[string]string) {
	for _, row := range pg.Rows {
		for _, c := range row.Cells {
			if f, ok := strings.CutPrefix(comments[strings.TrimPrefix(c.Name, "v.")], kehoach.FlagPrefix); ok && c.Stored != "" {
				c.Flag = f
				pg.Flags = append(pg.Flags, fmt.Sprintf("%s, %s: %s — %s", row.Unit.Name, c.Element.Name, c.Stored, f))
			}
		}
	}
}
