package web

// Plan import (issue 15): an officer uploads a plan's text and sees the
// document beside what was read from it, each item linked to its source
// and highlighted there. Nothing is created here: accepting, editing and
// dropping items and publishing them is the plan set-up pages' work
// (issue 14), which will take the reviewed document from this page.

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"

	"kehoach"
	"kehoach/internal/planread"
)

func (h *handler) planImportShow(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "planimport", map[string]any{"Title": "Đọc kế hoạch từ văn bản", "Max": planread.MaxSize >> 20})
}

// planImportRead reads the uploaded file and shows what was extracted.
func (h *handler) planImportRead(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, planread.MaxSize+1<<20)
	doc, name, err := h.readUploadedPlan(r)
	if err != nil {
		h.render(w, r, kehoachStatus(err), "planimport", map[string]any{"Title": "Đọc kế hoạch từ văn bản", "Max": planread.MaxSize >> 20, "Error": kehoach.ErrorMessage(err)})
		return
	}
	h.renderReview(w, r, http.StatusOK, doc, name, "", nil)
}

// renderReview shows doc beside what was extracted from it, for the
// officer's review; code is the new plan's code as typed, err what
// publication refused.
func (h *handler) renderReview(w http.ResponseWriter, r *http.Request, status int, doc *planread.Document, name, code string, err error) {
	js, jerr := json.Marshal(doc)
	if jerr != nil {
		h.htmlError(w, r, jerr)
		return
	}
	data := map[string]any{"Title": "Rà soát: " + doc.Header.Title, "Max": planread.MaxSize >> 20,
		"Doc": doc, "DocJSON": string(js), "File": name, "Segments": segments(doc), "Ops": []string{">=", ">", "<=", "<"}, "Code": code,
		"Errors": map[string]string{}}
	if err != nil {
		data["Error"] = kehoach.ErrorMessage(err)
		if f := kehoach.ErrorFields(err); f != nil {
			data["Errors"] = f
		}
	}
	h.render(w, r, status, "planimport", data)
}

func (h *handler) readUploadedPlan(r *http.Request) (*planread.Document, string, error) {
	f, fh, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, "", planread.CheckSize("đã chọn", tooBig.Limit)
		}
		return nil, "", kehoach.Errorf(kehoach.EINVALID, "Chưa chọn tệp kế hoạch (.docx hoặc .txt).")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, planread.MaxSize+1))
	if err != nil {
		return nil, "", err
	}
	units, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{})
	if err != nil {
		return nil, "", err
	}
	inds, err := h.Services.Data.FindIndicators(r.Context())
	if err != nil {
		return nil, "", err
	}
	doc, err := planread.Read(fh.Filename, data, planread.Catalogue{Units: units, Indicators: inds})
	return doc, fh.Filename, err
}

func kehoachStatus(err error) int {
	if kehoach.ErrorCode(err) == kehoach.EINVALID {
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// segment is a run of the document's text, highlighted when it is the
// source of an extracted item (ID is the item's anchor).
type segment struct {
	Text, ID, Kind string
}

// segments cuts the document's text at the sources of its items; an item
// whose source overlaps an earlier one is linked to that one's run.
func segments(d *planread.Document) []segment {
	type mark struct {
		span     planread.Span
		id, kind string
	}
	var marks []mark
	for i, t := range d.Targets {
		marks = append(marks, mark{t.Source, "t" + strconv.Itoa(i), "target"})
	}
	for i, t := range d.Tasks {
		marks = append(marks, mark{t.Source, "k" + strconv.Itoa(i), "task"})
	}
	for i, du := range d.Duties {
		marks = append(marks, mark{du.Source, "r" + strconv.Itoa(i), "duty"})
	}
	sort.SliceStable(marks, func(i, j int) bool { return marks[i].span.Start < marks[j].span.Start })
	var out []segment
	at := 0
	for _, m := range marks {
		if m.span.Start < at || m.span.End > len(d.Text) {
			continue
		}
		if m.span.Start > at {
			out = append(out, segment{Text: d.Text[at:m.span.Start]})
		}
		out = append(out, segment{Text: d.Text[m.span.Start:m.span.End], ID: m.id, Kind: m.kind})
		at = m.span.End
	}
	return append(out, segment{Text: d.Text[at:]})
}
