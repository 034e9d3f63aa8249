package locale

import (
	"testing"

	"kehoach"
)

func TestTaskLabels(t *testing.T) {
	for kind, codes := range map[string][]string{
		LabelTaskState:     kehoach.TaskStates,
		LabelTaskKind:      kehoach.TaskKinds,
		LabelProgressState: {kehoach.ProgressDraft, kehoach.ProgressSubmitted, kehoach.ProgressAccepted, kehoach.ProgressReturned},
		LabelWork:          {kehoach.WorkInProgress, kehoach.WorkDone},
	} {
		for _, c := range codes {
			if _, ok := VI.Labels[kind][c]; !ok {
				t.Errorf("no %s label for %q", kind, c)
			}
		}
	}
}
