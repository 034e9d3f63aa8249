package web

import (
	"net/http"

	"kehoach"
)

// Approved or all figures (issue 9): the plan says which its pages read by
// default; ?figures=approved or ?figures=all chooses otherwise. The choice
// travels in the request's context to the analytics.

// withFigures returns r asking for the figures chosen, and the choice.
func withFigures(r *http.Request, plan *kehoach.Plan) (*http.Request, string) {
	which := r.URL.Query().Get("figures")
	if which != kehoach.FiguresApproved && which != kehoach.FiguresAll {
		which = plan.Figures
	}
	if which != kehoach.FiguresApproved {
		which = kehoach.FiguresAll
	}
	return r.WithContext(kehoach.NewContextWithFigures(r.Context(), which)), which
}
