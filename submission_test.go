package kehoach_test

import (
	"testing"

	"kehoach"
)

// TestSubmissionTransition walks the whole table: every status (and one
// that is not) under every action (and one that is not).
func TestSubmissionTransition(t *testing.T) {
	t.Parallel()
	const (
		draft     = kehoach.SubmissionDraft
		submitted = kehoach.SubmissionSubmitted
		approved  = kehoach.SubmissionApproved
		returned  = kehoach.SubmissionReturned
	)
	statuses := []string{draft, submitted, approved, returned, "", "locked"}
	actions := []string{kehoach.ActionSubmitFigures, kehoach.ActionApproveFigures, kehoach.ActionReturnFigures, kehoach.ActionUnlockFigures, "", "delete"}
	// allowed lists the permitted moves; every other pair is refused.
	allowed := map[[2]string]string{
		{kehoach.ActionSubmitFigures, draft}:      submitted,
		{kehoach.ActionSubmitFigures, returned}:   submitted,
		{kehoach.ActionApproveFigures, submitted}: approved,
		{kehoach.ActionReturnFigures, submitted}:  returned,
		{kehoach.ActionUnlockFigures, approved}:   draft,
	}
	n := 0
	for _, action := range actions {
		for _, from := range statuses {
			want, wantOK := allowed[[2]string{action, from}]
			to, ok := kehoach.SubmissionTransition(action, from)
			if ok != wantOK || to != want {
				t.Errorf("SubmissionTransition(%q, %q) = %q, %v; want %q, %v", action, from, to, ok, want, wantOK)
			}
			if ok {
				n++
			}
		}
	}
	if n != len(allowed) {
		t.Errorf("%d moves allowed, want %d", n, len(allowed))
	}
}

// TestSubmissionTransitionLocks checks the table against the lock: a move
// into submitted or approved locks the figures, and only a return or an
// unlock opens them again.
func TestSubmissionTransitionLocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action, from string
		locked       bool // after the move
	}{
		{kehoach.ActionSubmitFigures, kehoach.SubmissionDraft, true},
		{kehoach.ActionSubmitFigures, kehoach.SubmissionReturned, true},
		{kehoach.ActionApproveFigures, kehoach.SubmissionSubmitted, true},
		{kehoach.ActionReturnFigures, kehoach.SubmissionSubmitted, false},
		{kehoach.ActionUnlockFigures, kehoach.SubmissionApproved, false},
	}
	for _, tc := range tests {
		to, ok := kehoach.SubmissionTransition(tc.action, tc.from)
		if !ok {
			t.Fatalf("%s from %s refused", tc.action, tc.from)
		}
		if got := kehoach.SubmissionLocked(to); got != tc.locked {
			t.Errorf("%s from %s leads to %s: locked %v, want %v", tc.action, tc.from, to, got, tc.locked)
		}
	}
}

func TestSubmissionLocked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status string
		want   bool
	}{
		{kehoach.SubmissionDraft, false},
		{kehoach.SubmissionSubmitted, true},
		{kehoach.SubmissionApproved, true},
		{kehoach.SubmissionReturned, false},
		{"", false},
		{"Submitted", false}, // codes are exact
	}
	for _, tc := range tests {
		if got := kehoach.SubmissionLocked(tc.status); got != tc.want {
			t.Errorf("SubmissionLocked(%q) = %v, want %v", tc.status, got, tc.want)
		}
		s := &kehoach.Submission{Status: tc.status}
		if got := s.Locked(); got != tc.want {
			t.Errorf("(&Submission{Status: %q}).Locked() = %v, want %v", tc.status, got, tc.want)
		}
	}
}

func TestSelfApproval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		submittedBy string
		approver    string
		want        bool
	}{
		{"the submitter approves", "admin", "admin", true},
		{"another user approves", "bao", "duyet", false},
		{"never submitted", "", "duyet", false},
		{"usernames are exact", "Admin", "admin", false},
	}
	for _, tc := range tests {
		s := &kehoach.Submission{Status: kehoach.SubmissionSubmitted, SubmittedBy: tc.submittedBy}
		if got := kehoach.SelfApproval(s, tc.approver); got != tc.want {
			t.Errorf("%s: SelfApproval(by %q, %q) = %v, want %v", tc.name, tc.submittedBy, tc.approver, got, tc.want)
		}
	}
}
