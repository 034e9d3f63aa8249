package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// reviewList lists a plan's reviews (sơ kết, tổng kết), with the form to
// add one for the planner.
func (h *handler) reviewList(w http.ResponseWriter, r *http.Request) {
	h.renderReviews(w, r, http.StatusOK, nil)
}

func (h *handler) renderReviews(w http.ResponseWriter, r *http.Request, status int, fail error) {
	plan, err := h.findPlan(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	list, err := h.Services.Reviews.FindReviews(r.Context(), plan.ID)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.render(w, r, status, "reviews", map[string]any{"Title": "Sơ kết, tổng kết · " + plan.Title, "Plan": plan, "Reviews": list,
		"Message": kehoach.ErrorMessage(fail), "Errors": fieldsOr(fail)})
}

// fieldsOr returns the per-field reasons of err, never nil (templates
// index it).
func fieldsOr(err error) map[string]string {
	if f := kehoach.ErrorFields(err); f != nil {
		return f
	}
	return map[string]string{}
}

func (h *handler) reviewCreate(w http.ResponseWriter, r *http.Request) {
	plan, err := h.findPlan(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	if err := readPost(w, r); err != nil {
		h.htmlError(w, r, err)
		return
	}
	held, err := kehoach.ParseDate(postField(r, "heldOn"))
	if err == nil {
		var rv *kehoach.Review
		rv, err = h.Services.Reviews.CreateReview(taskCtx(r).Context(), kehoach.ReviewInput{PlanID: plan.ID, Kind: postField(r, "kind"), Title: postField(r, "title"), HeldOn: held})
		if err == nil {
			http.Redirect(w, r, "/reviews/"+strconv.FormatInt(rv.ID, 10), http.StatusSeeOther)
			return
		}
	}
	h.logIfInternal(r, err)
	h.renderReviews(w, r, statusOf(err), err)
}

// reviewShow is one review: each body's self-assessment beside the
// four-state count of its tasks at the review, and the commendations.
func (h *handler) reviewShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	rv, err := h.Services.Reviews.FindReview(r.Context(), id)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	a := kehoach.ActorFromContext(r.Context())
	var mine []string
	if !a.Entry.All {
		mine = a.Entry.Units
	}
	h.render(w, r, http.StatusOK, "review", map[string]any{"Title": rv.Title, "R": rv, "Mine": mine, "AllUnits": a.Entry.All,
		"Levels": kehoach.CommendLevels, "Done": r.URL.Query().Get("done"), "Message": r.URL.Query().Get("error")})
}

// reviewPost handles the assessment and commendation forms of a review
// page, then goes back to it with what happened.
func (h *handler) reviewPost(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	if err := readPost(w, r); err != nil {
		h.htmlError(w, r, err)
		return
	}
	ctx := taskCtx(r).Context()
	done := ""
	if r.PathValue("what") == "assessments" {
		score, perr := strconv.Atoi(postField(r, "selfScore"))
		if perr != nil {
			err = &kehoach.Error{Code: kehoach.EINVALID, Message: "Điểm tự chấm phải là số từ 0 đến 100.", Fields: map[string]string{"selfScore": "0–100"}}
		} else {
			err = h.Services.Reviews.SaveAssessment(ctx, id, kehoach.Assessment{Unit: postField(r, "unit"), Text: postField(r, "text"), SelfScore: score})
		}
		done = "Đã lưu bản tự đánh giá."
	} else {
		var on kehoach.Date
		if on, err = kehoach.ParseDate(postField(r, "decidedOn")); err == nil {
			_, err = h.Services.Reviews.AddCommendation(ctx, kehoach.Commendation{ReviewID: id, Unit: postField(r, "unit"), Person: postField(r, "person"),
				Achievement: postField(r, "achievement"), Level: postField(r, "level"), Decision: postField(r, "decision"), DecidedOn: on})
		}
		done = "Đã ghi khen thưởng."
	}
	back := "/reviews/" + strconv.FormatInt(id, 10) + "?"
	if err != nil {
		h.logIfInternal(r, err)
		if code := kehoach.ErrorCode(err); code == kehoach.EINTERNAL || code == kehoach.ENOTFOUND {
			h.htmlError(w, r, err)
			return
		}
		msg := kehoach.ErrorMessage(err)
		for _, f := range kehoach.ErrorFields(err) {
			msg += " " + f
		}
		http.Redirect(w, r, back+url.Values{"error": {msg}}.Encode(), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, back+url.Values{"done": {done}}.Encode(), http.StatusSeeOther)
}

// defaultCriteria rank on the task states alone until the planner
// defines the plan's own.
var defaultCriteria = []kehoach.Criterion{
	{Name: "Hoàn thành đúng hạn", Kind: kehoach.CriterionOnTime, Weight: 2},
	{Name: "Không để quá hạn", Kind: kehoach.CriterionNotOverdue, Weight: 1},
}

// emulationShow is the emulation table (bảng thi đua): the bodies that
// answer for tasks, ranked on the plan's criteria as of a day, with each
// criterion's score.
func (h *handler) emulationShow(w http.ResponseWriter, r *http.Request) {
	h.renderEmulation(w, r, http.StatusOK, nil)
}

func (h *handler) renderEmulation(w http.ResponseWriter, r *http.Request, status int, fail error) {
	ctx := r.Context()
	plan, err := h.findPlan(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	asOf, err := kehoach.ParseDate(r.URL.Query().Get("asof"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	if asOf.IsZero() {
		asOf = kehoach.DateOf(h.Now().In(kehoach.VietnamZone))
	}
	criteria, err := h.Services.Reviews.FindCriteria(ctx, plan.ID)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	defaults := len(criteria) == 0
	if defaults {
		criteria = defaultCriteria
	}
	occ, err := h.Services.Tasks.FindTasks(ctx, kehoach.TaskFilter{PlanID: plan.ID, AsOf: asOf, Started: true, Within: viewScope(r)})
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	counts := map[string]*kehoach.TaskCount{}
	names := map[string]string{}
	var units []string
	for _, o := range occ {
		if counts[o.Owner] == nil {
			counts[o.Owner] = &kehoach.TaskCount{}
			names[o.Owner] = o.OwnerName
			units = append(units, o.Owner)
		}
		counts[o.Owner].Add(o.State)
	}
	slices.SortFunc(units, func(a, b string) int { return vntext.Compare(names[a], names[b]) })
	scores := map[string]map[string]float64{}
	for _, u := range units {
		scores[u] = kehoach.TaskScores(*counts[u])
	}
	// The self-scores of the latest review held by asOf.
	reviews, err := h.Services.Reviews.FindReviews(ctx, plan.ID)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	var latest *kehoach.Review
	for _, rv := range reviews {
		if rv.HeldOn <= asOf {
			latest = rv
		}
	}
	if latest != nil {
		if latest, err = h.Services.Reviews.FindReview(ctx, latest.ID); err != nil {
			h.htmlError(w, r, err)
			return
		}
		for _, a := range latest.Assessments {
			if scores[a.Unit] != nil {
				scores[a.Unit][kehoach.CriterionSelf] = float64(a.SelfScore)
			}
		}
	}
	year := string(asOf[:4])
	for _, c := range criteria {
		ind, ok := strings.CutPrefix(c.Kind, kehoach.CriterionIndicator)
		if !ok {
			continue
		}
		for _, u := range units {
			p, err := h.Services.Analytics.IndicatorValue(ctx, ind, u, year)
			if err != nil {
				h.htmlError(w, r, err)
				return
			}
			if p.HasValue && scores[u] != nil {
				scores[u][c.Kind] = p.Value
			}
		}
	}
	h.render(w, r, status, "emulation", map[string]any{"Title": "Bảng thi đua · " + plan.Title, "Plan": plan, "Criteria": criteria, "Defaults": defaults,
		"Rows": kehoach.RankUnits(units, names, scores, criteria), "AsOf": asOf, "Review": latest, "Year": year,
		"Message": kehoach.ErrorMessage(fail), "Errors": fieldsOr(fail), "Slots": []int{0, 1, 2, 3, 4}})
}

// emulationSave replaces the plan's criteria from rows name/kind/weight
// 1–5 of the form (empty rows skipped).
func (h *handler) emulationSave(w http.ResponseWriter, r *http.Request) {
	plan, err := h.findPlan(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	if err := readPost(w, r); err != nil {
		h.htmlError(w, r, err)
		return
	}
	var cs []kehoach.Criterion
	for i := 1; i <= 5; i++ {
		n := strconv.Itoa(i)
		name, kind, weight := postField(r, "name"+n), postField(r, "kind"+n), postField(r, "weight"+n)
		if name == "" && kind == "" && weight == "" {
			continue
		}
		wv, perr := strconv.ParseFloat(strings.ReplaceAll(weight, ",", "."), 64)
		if perr != nil {
			wv = -1 // refused by the store with the row's reason
		}
		cs = append(cs, kehoach.Criterion{Name: name, Kind: kind, Weight: wv})
	}
	if err := h.Services.Reviews.SaveCriteria(taskCtx(r).Context(), plan.ID, cs); err != nil {
		h.logIfInternal(r, err)
		h.renderEmulation(w, r, statusOf(err), err)
		return
	}
	http.Redirect(w, r, "/plans/"+strconv.FormatInt(plan.ID, 10)+"/emulation", http.StatusSeeOther)
}
