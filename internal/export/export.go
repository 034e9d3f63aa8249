// Package export turns a report.Report into a file of one format: the
// single door the download button and `kehoach report` go through, so
// that both give the same bytes.
package export

import (
	"fmt"
	"io"
	"strings"

	"kehoach"
	"kehoach/internal/chart"
	"kehoach/internal/export/docx"
	"kehoach/internal/export/pdf"
	"kehoach/internal/export/xlsx"
	"kehoach/internal/report"
)

// Formats are the file formats, in the order the page offers them.
var Formats = []string{"docx", "pdf", "xlsx"}

// ContentType returns the media type of a format.
func ContentType(format string) string {
	switch format {
	case "docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case "pdf":
		return "application/pdf"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}

// CheckFormat refuses an unknown format with a Vietnamese reason.
func CheckFormat(format string) error {
	for _, f := range Formats {
		if f == format {
			return nil
		}
	}
	msg := fmt.Sprintf("Định dạng %q không có: chọn %s.", format, strings.Join(Formats, ", "))
	return &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{"format": msg}}
}

// Filename names the file: "bao-cao-2024.docx", "cong-van-don-doc-2024Q3.pdf".
func Filename(r *report.Report, format string) string {
	name := "bao-cao"
	if r.Kind == kehoach.DocLetter {
		name = "cong-van-don-doc"
	}
	return safeName(fmt.Sprintf("%s-%s-%s", name, r.Plan.Code, r.Period.ID)) + "." + format
}

// safeName keeps letters, digits, '-' and '_' (a plan code is data, and
// the name goes into a Content-Disposition header and a path).
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// Write writes r in format to w, with its charts as images in DOCX and PDF.
func Write(w io.Writer, format string, r *report.Report) error {
	if err := CheckFormat(format); err != nil {
		return err
	}
	switch format {
	case "xlsx":
		return xlsx.Write(w, r)
	case "pdf":
		return pdf.Write(w, r, chart.Images(r))
	}
	return docx.Write(w, r, chart.Images(r))
}
