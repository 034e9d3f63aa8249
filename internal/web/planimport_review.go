package web

// The officer's review of a read plan (issue 15): each target is kept,
// edited (value, comparison) or dropped, each task and responsibility kept
// or dropped. "Công bố" creates the reviewed plan as a draft, with the new
// indicators, elements and form it needs, in one audited transaction of
// the plan set-up service (issue 14), and opens it on the planner's page,
// where it is checked and published; nothing is created before. The other
// button hands the reviewed document back as JSON.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/planread"
)

var reviewOps = map[string]bool{">=": true, ">": true, "<=": true, "<": true}

func (h *handler) planImportReview(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<20)
	if err := r.ParseForm(); err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Không đọc được kết quả rà soát."))
		return
	}
	var doc planread.Document
	if err := json.Unmarshal([]byte(r.PostForm.Get("doc")), &doc); err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Không đọc được văn bản đã trích: hãy đọc lại tệp kế hoạch."))
		return
	}
	reviewed, err := applyReview(&doc, r.PostForm)
	code := postField(r, "code")
	if err != nil {
		h.renderReview(w, r, http.StatusUnprocessableEntity, &doc, "", code, err)
		return
	}
	if r.PostForm.Get("action") == "publish" {
		setup, err := planread.Setup(reviewed, planread.SetupOptions{Code: code})
		if err == nil {
			err = h.Services.Planning.SetUpPlan(r.Context(), setup)
		}
		if err != nil {
			if refusedInput(err) {
				h.renderReview(w, r, kehoachStatus(err), &doc, "", code, err)
				return
			}
			h.htmlError(w, r, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/planner/plans/%d?saved=1", setup.Plan.ID), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="ke-hoach-da-ra-soat.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(reviewed)
}

// applyReview keeps, edits or drops the items of doc as the form says:
// "d.t3" = keep|drop, "v.t3" the value ("84,6"), "c.t3" the comparison.
func applyReview(doc *planread.Document, f map[string][]string) (*planread.Document, error) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	out := &planread.Document{Header: doc.Header, Basis: doc.Basis, Tasks: []*planread.Task{}, Duties: []*planread.Duty{}, Targets: []*planread.Target{}}
	fields := map[string]string{}
	index := map[int]int{} // old target index → new
	for i, t := range doc.Targets {
		id := "t" + strconv.Itoa(i)
		if get("d."+id) == "drop" {
			continue
		}
		if v := get("v." + id); v != "" {
			n, err := strconv.ParseFloat(strings.Replace(strings.ReplaceAll(strings.TrimSuffix(v, "%"), ".", ""), ",", ".", 1), 64)
			if err != nil || n < 0 {
				fields["v."+id] = "chỉ tiêu " + strconv.Itoa(i+1) + ": giá trị «" + v + "» không phải số (viết 84,6)"
			} else if n != t.Value {
				t.Value, t.ValueText = n, v
				t.Why = append(t.Why, "giá trị do cán bộ sửa")
			}
		}
		if c := get("c." + id); c != "" {
			if !reviewOps[c] {
				fields["c."+id] = "chỉ tiêu " + strconv.Itoa(i+1) + ": phép so sánh «" + c + "» không hợp lệ"
			} else if c != t.Comparison {
				t.Comparison = c
				t.Why = append(t.Why, "phép so sánh do cán bộ sửa")
			}
		}
		index[i] = len(out.Targets)
		out.Targets = append(out.Targets, t)
	}
	if len(fields) > 0 {
		e := kehoach.Errorf(kehoach.EINVALID, "Kết quả rà soát có chỗ chưa đúng: %s.", firstOf(fields))
		e.Fields = fields
		return nil, e
	}
	for _, t := range out.Targets {
		if p, ok := index[t.Parent]; ok {
			t.Parent = p
		} else {
			t.Parent = -1 // its parent was dropped
		}
	}
	for i, t := range doc.Tasks {
		if get("d.k"+strconv.Itoa(i)) != "drop" {
			out.Tasks = append(out.Tasks, t)
		}
	}
	for i, d := range doc.Duties {
		if get("d.r"+strconv.Itoa(i)) != "drop" {
			out.Duties = append(out.Duties, d)
		}
	}
	return out, nil
}

func firstOf(m map[string]string) string {
	best := ""
	for k := range m {
		if best == "" || k < best {
			best = k
		}
	}
	return m[best]
}
