package web_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestReportUnderTreeEstimated (issue 10, point 3): a report read under
// the tree of 1 July 2025 marks the figures taken by declared shares as
// estimated in every format: beside the value in the DOCX, beside the
// status in the XLSX (its value cells hold numbers); read as it was, none.
func TestReportUnderTreeEstimated(t *testing.T) {
	srv := sharedServer(t)
	docx := func(q string) string {
		b := get(t, srv, "/plans/1/report/file?period=2024&format=docx"+q, 200)
		zr, err := zip.NewReader(bytes.NewReader([]byte(b)), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Name == "word/document.xml" {
				rc, _ := f.Open()
				x, _ := io.ReadAll(rc)
				return string(x)
			}
		}
		t.Fatal("no word/document.xml")
		return ""
	}
	xlsx := func(q string) string {
		b := get(t, srv, "/plans/1/report/file?period=2024&format=xlsx"+q, 200)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(b)))
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, s := range f.GetSheetList() {
			rows, _ := f.GetRows(s)
			for _, r := range rows {
				all.WriteString(strings.Join(r, "|") + "\n")
			}
		}
		return all.String()
	}
	if d := docx("&hierarchyDate=2025-07-01"); !strings.Contains(d, "(ước tính)") || !strings.Contains(d, "01/07/2025") {
		t.Errorf("DOCX under the tree lacks the estimated mark or the day")
	}
	if x := xlsx("&hierarchyDate=2025-07-01"); !strings.Contains(x, "(ước tính)") {
		t.Errorf("XLSX under the tree lacks the estimated mark")
	}
	if d, x := docx(""), xlsx(""); strings.Contains(d, "ước tính") || strings.Contains(x, "ước tính") {
		t.Errorf("as it was, nothing is estimated")
	}
}
