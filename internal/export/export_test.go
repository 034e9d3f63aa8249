package export

import (
	"testing"

	"kehoach/internal/report"
)

func TestFilename(t *testing.T) {
	for _, c := range []struct {
		r    report.Report
		want string
	}{
		{report.Report{Kind: "report", Plan: report.Plan{Code: "TD-2022"}, Period: report.Period{ID: "2024N9"}}, "bao-cao-TD-2022-2024N9.pdf"},
		{report.Report{Kind: "letter", Plan: report.Plan{Code: `a"b/c đ`}, Period: report.Period{ID: "final"}}, "cong-van-don-doc-a_b_c__-final.pdf"},
	} {
		if got := Filename(&c.r, "pdf"); got != c.want {
			t.Errorf("Filename = %q, want %q", got, c.want)
		}
	}
	if err := CheckFormat("odt"); err == nil {
		t.Error("odt accepted")
	}
}
