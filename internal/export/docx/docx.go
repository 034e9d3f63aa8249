// Package docx writes a report.Report as a Word document in the format of
// Decree 30/2020/NĐ-CP, Appendix I: A4 portrait, margins 20/20/30/15 mm,
// Times New Roman, the issuing body and the national motto side by side,
// the page number centred in the top margin from page 2 on. It is our own
// OOXML (archive/zip and text/template), so every size and border is the
// decree's and nothing else is pulled in.
package docx

import (
	"archive/zip"
	"bytes"
	"embed"
	"fmt"
	"io"
	"strings"
	"text/template"
	"time"

	"kehoach/internal/report"
)

//go:embed parts
var partsFS embed.FS

// Page geometry in twentieths of a point (twips): A4 and the decree's
// margins (top and bottom 20 mm, left 30 mm, right 15 mm).
const (
	PageWidth    = 11906
	PageHeight   = 16838
	MarginTop    = 1134
	MarginBottom = 1134
	MarginLeft   = 1701
	MarginRight  = 851
	// Font is the decree's typeface.
	Font = "Times New Roman"
)

var tpl = template.Must(template.New("docx").Funcs(template.FuncMap{
	"x":            xmlText,
	"inc":          func(i int) int { return i + 1 },
	"emu":          func(px int) int { return px * 9525 },
	"join":         strings.Join,
	"last":         func(i int, s []string) bool { return i == len(s)-1 },
	"isoTS":        func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") },
	"dict":         dict,
	"list":         func(v ...int) []int { return v },
	"str":          func(v any) string { return fmt.Sprint(v) },
	"lower":        strings.ToLower,
	"cols":         columns,
	"heading":      heading,
	"resultWidths": func() []int { return resultWidths },
	"trimSo":       func(s string) string { return strings.TrimPrefix(s, "Số: ") },
	"const": func(name string) int {
		return map[string]int{"w": PageWidth, "h": PageHeight, "top": MarginTop, "bottom": MarginBottom, "left": MarginLeft, "right": MarginRight}[name]
	},
}).ParseFS(partsFS, "parts/*"))

// parts lists the files of the package, in the order they are zipped.
var parts = []struct{ name, tpl string }{
	{"[Content_Types].xml", "content_types.xml"},
	{"_rels/.rels", "rels.xml"},
	{"docProps/core.xml", "core.xml"},
	{"docProps/app.xml", "app.xml"},
	{"word/document.xml", "document.xml"},
	{"word/styles.xml", "styles.xml"},
	{"word/settings.xml", "settings.xml"},
	{"word/header1.xml", "header_default.xml"},
	{"word/header2.xml", "header_first.xml"},
	{"word/_rels/document.xml.rels", "document_rels.xml"},
}

// Write writes r as a .docx to w, with images (charts) after the results
// table. The same report and images always give the same bytes: every
// time stamp is r.Created.
func Write(w io.Writer, r *report.Report, images []report.Image) error {
	z := zip.NewWriter(w)
	data := map[string]any{"R": r, "Images": images, "Letter": r.Kind == "letter"}
	for _, p := range parts {
		var buf bytes.Buffer
		if err := tpl.ExecuteTemplate(&buf, p.tpl, data); err != nil {
			return fmt.Errorf("docx: %s: %w", p.name, err)
		}
		if err := add(z, p.name, r.Created, buf.Bytes()); err != nil {
			return err
		}
	}
	for i, im := range images {
		if err := add(z, fmt.Sprintf("word/media/chart%d.png", i+1), r.Created, im.PNG); err != nil {
			return err
		}
	}
	return z.Close()
}

func add(z *zip.Writer, name string, at time.Time, b []byte) error {
	f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at.UTC()})
	if err != nil {
		return fmt.Errorf("docx: %s: %w", name, err)
	}
	_, err = f.Write(b)
	return err
}

// xmlText escapes s for XML character data and attributes.
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\t', '\n', '\r':
			b.WriteRune(r)
		default:
			if r < 0x20 || r == 0xFFFE || r == 0xFFFF {
				continue // not allowed in XML 1.0
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// resultWidths are the widths of the results table's columns (twips);
// they add up to the text width, 9354.
var resultWidths = []int{2200, 800, 800, 1000, 900, 850, 1004, 900, 900}

// dict makes a map of key, value pairs for sub-templates.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// columns returns the headers of a table of the model.
func columns(name string) []string {
	switch name {
	case "results":
		return report.ResultColumns
	case "appendix":
		return report.AppendixColumns
	case "tasks":
		return report.TaskColumns
	}
	return report.OwedColumns
}

// heading returns a fixed text of the model by name.
func heading(name string) string {
	return map[string]string{
		"general": report.HeadingGeneral, "results": report.HeadingResults, "lagging": report.HeadingLagging,
		"tasks": report.HeadingTasks, "problems": report.HeadingProblems, "proposals": report.HeadingProposal,
		"appendix": report.HeadingAppendix, "notasks": report.NoTasks, "nolagging": report.NoLagging,
	}[name]
}
