package web

import (
	"fmt"
	"net/http"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/web/form"
)

// Plausibility beside the field (issue 9): a changed figure far from the
// unit's last report or from its peers in the grid (units of the same
// kind) is shown with the reason and the range expected, and is saved only
// once the person confirms it or comments on it. It is then saved with its
// reason in the figure's comment (kehoach.FlagPrefix), so that the
// approver sees it marked and listed ("cần kiểm tra").

// plausibility returns the warnings of the grid's changed figures, keyed
// "UNIT.ELEMENT".
func (pg *entryPage) plausibility() map[string]string {
	out := map[string]string{}
	for _, row := range pg.Rows {
		for j, c := range row.Cells {
			t := c.Element.ValueType
			if !c.Enabled || c.Value == "" || c.Value == c.Stored || (t != kehoach.TypeInteger && t != kehoach.TypeNumber) {
				continue
			}
			_, v, err := c.Element.ParseValue(c.Value)
			if err != nil {
				continue // the write path says why
			}
			_, prev, perr := c.Element.ParseValue(c.Prev)
			var peers []float64
			for _, other := range pg.Rows {
				if other == row || other.Unit.Kind != row.Unit.Kind || !other.Cells[j].Enabled {
					continue
				}
				if _, p, err := c.Element.ParseValue(other.Cells[j].Value); err == nil {
					peers = append(peers, p)
				}
			}
			decimals := 0
			if t == kehoach.TypeNumber {
				decimals = 1
			}
			n := func(x float64) string { return locale.VI.Number(x, decimals) }
			var why []string
			for _, w := range kehoach.CheckPlausible(v, prev, perr == nil && c.Prev != "", peers) {
				switch w.Reason {
				case "jump":
					why = append(why, fmt.Sprintf("khác nhiều so với kỳ trước (%s → %s), khoảng thường gặp %s–%s", n(prev), n(v), n(w.Lo), n(w.Hi)))
				case "outlier":
					why = append(why, fmt.Sprintf("khác thường so với %d đơn vị cùng loại, khoảng thường gặp %s–%s", len(peers), n(w.Lo), n(w.Hi)))
				}
			}
			if len(why) > 0 {
				out[strings.TrimPrefix(c.Name, "v.")] = strings.Join(why, "; ")
			}
		}
	}
	return out
}

// entryCheck puts the warnings beside their fields. It returns the
// comments to save with the figures confirmed (the reason, and the
// person's comment), and whether some warning is still unconfirmed.
func (pg *entryPage) entryCheck(warns map[string]string, in *form.Entry) (comments map[string]string, pending int) {
	comments = map[string]string{}
	for _, row := range pg.Rows {
		for _, c := range row.Cells {
			key := strings.TrimPrefix(c.Name, "v.")
			w, ok := warns[key]
			if !ok {
				continue
			}
			// A cell posted as the page showed it was not typed by this
			// person: when someone else changed it since, the write path
			// keeps theirs, and the warning is not this person's to answer.
			if orig, has := in.Original[row.Unit.Code][c.Element.Code]; has && orig == in.Values[row.Unit.Code][c.Element.Code] {
				continue
			}
			c.Check, c.Checked, c.Comment = w, in.Checked[row.Unit.Code][c.Element.Code], in.Comments[row.Unit.Code][c.Element.Code]
			if !c.Checked && c.Comment == "" {
				pending++
				continue
			}
			comments[key] = kehoach.FlagPrefix + w
			if c.Comment != "" {
				comments[key] += ". Ghi chú: " + c.Comment
			}
		}
	}
	return comments, pending
}

// entryAskCheck shows the grid as typed with the warnings that need a
// confirmation or a comment; nothing is saved (422).
func (h *handler) entryAskCheck(w http.ResponseWriter, r *http.Request, pg *entryPage, in *form.Entry, pending int) {
	pg.markRemove(in.Remove)
	pg.Message = fmt.Sprintf("Có %d số liệu khác thường (bên cạnh ô): xem lại, rồi đánh dấu “Số liệu đúng” hoặc ghi chú lý do để lưu. Chưa lưu số liệu nào.", pending)
	h.renderEntry(w, r, http.StatusUnprocessableEntity, pg)
}

// entryBatch is the grid's save as a batch, with the comments of the
// figures saved despite a warning.
func entryBatch(in *form.Entry, comments map[string]string, by string) kehoach.ValueBatch {
	b := kehoach.ValueBatch{Form: in.Form, Period: in.Period, By: by}
	for u, els := range in.Values {
		for e, v := range els {
			orig, has := in.Original[u][e]
			b.Cells = append(b.Cells, kehoach.ValueCell{Unit: u, Element: e, Value: v, Original: orig, HasOriginal: has, Comment: comments[u+"."+e]})
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
