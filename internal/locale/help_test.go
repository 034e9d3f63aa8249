package locale

import (
	"strings"
	"testing"

	"kehoach"
)

// Every status and submission state a page shows is explained in one
// sentence; an unknown code gets no title rather than a code.
func TestEveryStateExplained(t *testing.T) {
	for _, c := range []string{kehoach.StatusAchieved, kehoach.StatusOnTrack, kehoach.StatusAtRisk, kehoach.StatusOffTrack, kehoach.StatusNoData} {
		if s := VI.StatusHelp(c); s == "" || strings.Count(s, ". ") > 0 || !strings.HasSuffix(s, ".") {
			t.Errorf("StatusHelp(%q) = %q, want one sentence", c, s)
		}
	}
	for _, c := range []string{kehoach.SubmissionDraft, kehoach.SubmissionSubmitted, kehoach.SubmissionApproved, kehoach.SubmissionReturned} {
		if s := VI.SubmissionHelp(c); s == "" || strings.Count(s, ". ") > 0 {
			t.Errorf("SubmissionHelp(%q) = %q, want one sentence", c, s)
		}
	}
	for _, c := range []string{CoverageUnits, CoveragePeriod, CoverageComplete} {
		if VI.CoverageHelp(c) == "" {
			t.Errorf("no coverage help for %q", c)
		}
	}
	if got := VI.StatusHelp("nonsense"); got != "" {
		t.Errorf("StatusHelp(unknown) = %q, want empty", got)
	}
}

// A unit is named with its kind and, across a reorganisation, the dates
// that tell two units of one name apart.
func TestUnitName(t *testing.T) {
	for _, c := range []struct {
		u    kehoach.Unit
		want string
	}{
		{kehoach.Unit{Name: "Bản Bo", Subkind: "xã", ValidTo: "2025-06-30"}, "xã Bản Bo (đến 30/06/2025)"},
		{kehoach.Unit{Name: "Bản Bo", Subkind: "xã", ValidFrom: "2025-07-01"}, "xã Bản Bo (từ 01/07/2025)"},
		{kehoach.Unit{Name: "Thị trấn Tam Đường", Subkind: "thị trấn"}, "Thị trấn Tam Đường"},
		{kehoach.Unit{Name: "Huyện Tam Đường"}, "Huyện Tam Đường"},
		{kehoach.Unit{Name: "Bản 01", Subkind: "bản", ValidFrom: "2020-01-01", ValidTo: "2025-06-30"}, "Bản 01 (01/01/2020–30/06/2025)"},
	} {
		if got := VI.UnitName(&c.u); got != c.want {
			t.Errorf("UnitName(%+v) = %q, want %q", c.u, got, c.want)
		}
	}
	if VI.AuditField("entryScope") != "Nhập số liệu cho" || VI.AuditField("xyz") != "xyz" {
		t.Error("AuditField")
	}
}
