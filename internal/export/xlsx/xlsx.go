// Package xlsx writes a report.Report's figures as a workbook with
// excelize: a summary sheet with the results table and a native chart of
// each target's value against its target, then a sheet per target group
// with each target's table by unit. Numbers are stored as numbers
// (percentages as fractions with a percent format), so the reader's Excel
// or LibreOffice shows them with Vietnamese separators ("84,5%").
package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"kehoach/internal/report"
)

// SummarySheet is the name of the first sheet.
const SummarySheet = "Tổng hợp"

// Formats of numbers: a percentage with one decimal, a number with
// grouped thousands and one decimal, a whole count.
const (
	fmtPercent = "0.0%"
	fmtNumber  = "#,##0.0"
	fmtCount   = "#,##0"
)

// Write writes r's figures as an .xlsx to w.
func Write(w io.Writer, r *report.Report) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SummarySheet); err != nil {
		return err
	}
	f.SetDocProps(&excelize.DocProperties{Title: r.Summary, Creator: "kehoach", Language: "vi-VN",
		Created: r.Created.UTC().Format("2006-01-02T15:04:05Z"), Modified: r.Created.UTC().Format("2006-01-02T15:04:05Z")})
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := summary(f, st, r); err != nil {
		return err
	}
	if err := groups(f, st, r); err != nil {
		return err
	}
	var raw bytes.Buffer
	if _, err := f.WriteTo(&raw); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return canonical(w, raw.Bytes(), r.Created)
}

// canonical rewrites the package with its parts in a fixed order and one
// time stamp: excelize zips them in map order, and an issued report must
// make the same bytes every time.
func canonical(w io.Writer, b []byte, at time.Time) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int {
		// [Content_Types].xml first, as Office writes it.
		if (a.Name == "[Content_Types].xml") != (b.Name == "[Content_Types].xml") {
			if a.Name == "[Content_Types].xml" {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	zw := zip.NewWriter(w)
	for _, f := range files {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		if f.Name == "[Content_Types].xml" {
			data = sortOverrides(data)
		}
		out, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: at.UTC()})
		if err == nil {
			_, err = out.Write(data)
		}
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	return zw.Close()
}

type styles struct{ head, text, pct, num, count, title int }

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}
	font := &excelize.Font{Family: "Times New Roman", Size: 12}
	mk := func(s *excelize.Style) int {
		if s.Font == nil {
			s.Font = font
		}
		s.Border = border
		id, _ := f.NewStyle(s)
		return id
	}
	fmtPct, fmtNum, fmtCnt := fmtPercent, fmtNumber, fmtCount
	st := styles{
		head:  mk(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 12, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}),
		text:  mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}),
		pct:   mk(&excelize.Style{CustomNumFmt: &fmtPct}),
		num:   mk(&excelize.Style{CustomNumFmt: &fmtNum}),
		count: mk(&excelize.Style{CustomNumFmt: &fmtCnt}),
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 14, Bold: true}})
	st.title = title
	return st, err
}

// value writes a figure as a number: a percentage as a fraction.
func value(f *excelize.File, st styles, sheet, cell string, v float64, ok, percent bool) {
	if !ok {
		f.SetCellValue(sheet, cell, "")
		f.SetCellStyle(sheet, cell, cell, st.text)
		return
	}
	if percent {
		f.SetCellFloat(sheet, cell, v/100, -1, 64)
		f.SetCellStyle(sheet, cell, cell, st.pct)
		return
	}
	f.SetCellFloat(sheet, cell, v, -1, 64)
	f.SetCellStyle(sheet, cell, cell, st.num)
}

func header(f *excelize.File, st styles, sheet string, row int, cols []string) {
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, row)
		f.SetCellStr(sheet, cell, c)
		f.SetCellStyle(sheet, cell, cell, st.head)
	}
}

// SummaryColumns are the headers of the summary sheet.
var SummaryColumns = []string{"Mã", "Mục tiêu", "Nhóm", "Chỉ tiêu", "Kết quả", "Tử số (x)", "Mẫu số (y)", "% so với chỉ tiêu", "Độ phủ số liệu", "Đánh giá", "So với kỳ trước", "So với năm gốc"}

func summary(f *excelize.File, st styles, r *report.Report) error {
	s := SummarySheet
	f.SetCellStr(s, "A1", r.Summary)
	f.SetCellStyle(s, "A1", "A1", st.title)
	f.SetCellStr(s, "A2", r.Window)
	header(f, st, s, 4, SummaryColumns)
	for i, x := range r.Results {
		row := 5 + i
		c := func(col int) string { n, _ := excelize.CoordinatesToCellName(col, row); return n }
		f.SetCellStr(s, c(1), x.Code)
		f.SetCellStr(s, c(2), x.Text)
		f.SetCellStr(s, c(3), x.Group)
		f.SetCellStyle(s, c(1), c(3), st.text)
		value(f, st, s, c(4), x.Target, true, x.Percent)
		value(f, st, s, c(5), x.Value, x.HasValue, x.Percent)
		for col, v := range map[int]float64{6: x.Num, 7: x.Den} {
			if x.HasValue {
				f.SetCellFloat(s, c(col), v, -1, 64)
			}
			f.SetCellStyle(s, c(col), c(col), st.count)
		}
		value(f, st, s, c(8), x.OfTarget, x.HasValue && x.Target != 0, true)
		value(f, st, s, c(9), x.Coverage, x.HasCoverage, true)
		f.SetCellStr(s, c(10), x.StatusText+estimated(x.Estimated))
		f.SetCellStyle(s, c(10), c(10), st.text)
		value(f, st, s, c(11), x.ChangePrev, x.HasPrev, false)
		value(f, st, s, c(12), x.ChangeBase, x.HasBase, false)
	}
	for i := range r.Results {
		f.SetRowHeight(s, 5+i, 32) // two lines of the wrapped target text
	}
	f.SetRowHeight(s, 4, 32)
	printSetup(f, s)
	f.SetColWidth(s, "A", "A", 6)
	f.SetColWidth(s, "B", "B", 45)
	f.SetColWidth(s, "C", "C", 25)
	f.SetColWidth(s, "D", "L", 13)
	if len(r.Results) == 0 {
		return nil
	}
	last := 4 + len(r.Results)
	q := "'" + s + "'!"
	return f.AddChart(s, "N4", &excelize.Chart{
		Type:   excelize.Col,
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Kết quả so với chỉ tiêu"}}},
		Legend: excelize.ChartLegend{Position: "bottom"},
		Series: []excelize.ChartSeries{
			{Name: q + "$E$4", Categories: fmt.Sprintf("%s$A$5:$A$%d", q, last), Values: fmt.Sprintf("%s$E$5:$E$%d", q, last)},
			{Name: q + "$D$4", Categories: fmt.Sprintf("%s$A$5:$A$%d", q, last), Values: fmt.Sprintf("%s$D$5:$D$%d", q, last)},
		},
		Dimension: excelize.ChartDimension{Width: 640, Height: 360},
	})
}

// SheetName makes a valid sheet name of a group (≤ 31 characters, none
// of []:*?/\).
func SheetName(group string, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, group)
	if name == "" {
		name = "Nhóm"
	}
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	base := name
	for i := 2; used[name] || name == SummarySheet; i++ {
		name = fmt.Sprintf("%s %d", base, i)
	}
	used[name] = true
	return name
}

// groups writes a sheet per target group with each target's appendix.
func groups(f *excelize.File, st styles, r *report.Report) error {
	group := map[string]string{}
	var order []string
	for _, x := range r.Results {
		if _, ok := group[x.Code]; !ok {
			group[x.Code] = x.Group
		}
		if !contains(order, x.Group) {
			order = append(order, x.Group)
		}
	}
	used := map[string]bool{}
	for _, g := range order {
		name := SheetName(g, used)
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		f.SetCellStr(name, "A1", g)
		f.SetCellStyle(name, "A1", "A1", st.title)
		row := 3
		for _, a := range r.Appendix {
			if group[a.Code] != g {
				continue
			}
			f.SetCellStr(name, fmt.Sprintf("A%d", row), "Mục tiêu "+a.Code+". "+a.Text)
			f.SetCellStyle(name, fmt.Sprintf("A%d", row), fmt.Sprintf("A%d", row), st.title)
			header(f, st, name, row+1, []string{"STT", "Đơn vị", "Kết quả", "Tử số (x)", "Mẫu số (y)", "Đánh giá"})
			row += 2
			for i, x := range a.Rows {
				f.SetCellInt(name, fmt.Sprintf("A%d", row), int64(i+1))
				f.SetCellStr(name, fmt.Sprintf("B%d", row), x.Unit)
				f.SetCellStyle(name, fmt.Sprintf("A%d", row), fmt.Sprintf("B%d", row), st.text)
				value(f, st, name, fmt.Sprintf("C%d", row), x.Value, x.HasValue, a.Percent)
				for col, v := range map[string]float64{"D": x.Num, "E": x.Den} {
					if x.HasValue {
						f.SetCellFloat(name, fmt.Sprintf("%s%d", col, row), v, -1, 64)
					}
					f.SetCellStyle(name, fmt.Sprintf("%s%d", col, row), fmt.Sprintf("%s%d", col, row), st.count)
				}
				f.SetCellStr(name, fmt.Sprintf("F%d", row), x.StatusText+estimated(x.Estimated))
				f.SetCellStyle(name, fmt.Sprintf("F%d", row), fmt.Sprintf("F%d", row), st.text)
				row++
			}
			row++
		}
		printSetup(f, name)
		f.SetColWidth(name, "A", "A", 6)
		f.SetColWidth(name, "B", "B", 35)
		f.SetColWidth(name, "C", "F", 14)
	}
	return nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

var override = regexp.MustCompile(`<(Default|Override) [^>]*>(</(Default|Override)>)?`)

// sortOverrides puts the content types' Default and Override elements in order
// (excelize appends them in map order).
func sortOverrides(b []byte) []byte {
	loc := override.FindAllIndex(b, -1)
	if len(loc) == 0 {
		return b
	}
	var items [][]byte
	for _, l := range loc {
		items = append(items, b[l[0]:l[1]])
	}
	slices.SortFunc(items, bytes.Compare)
	var out bytes.Buffer
	out.Write(b[:loc[0][0]])
	for _, it := range items {
		out.Write(it)
	}
	out.Write(b[loc[len(loc)-1][1]:])
	return out.Bytes()
}

// printSetup prints a sheet on A4 landscape, as wide as one page.
func printSetup(f *excelize.File, sheet string) {
	a4, landscape, one, any := 9, "landscape", 1, 0
	f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any})
	fit := true
	f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
}

// estimated marks the status of a figure the cell holds as a number but
// which is an estimate (report.EstimatedMark), since a number cell cannot.
func estimated(yes bool) string {
	if yes {
		return report.EstimatedMark
	}
	return ""
}
