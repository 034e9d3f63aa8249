// Package pdf writes a report.Report as a PDF in the format of Decree
// 30/2020/NĐ-CP, Appendix I, with go-pdf/fpdf and Liberation Serif (metric
// twin of Times New Roman) embedded, so every Vietnamese letter prints
// whatever fonts the reader has: A4, margins 20/20/30/15 mm, the page
// number centred at the top from page 2, paragraphs justified with a
// first-line indent.
package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"strings"

	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifbolditalic"
	"github.com/go-fonts/liberation/liberationserifitalic"
	"github.com/go-fonts/liberation/liberationserifregular"
	"github.com/go-pdf/fpdf"

	"kehoach/internal/report"
)

// Page geometry (mm): A4 and the decree's margins.
const (
	pageW, pageH                = 210.0, 297.0
	marginTop, marginBottom     = 20.0, 20.0
	marginLeft, marginRight     = 30.0, 15.0
	textW                       = pageW - marginLeft - marginRight
	indent                      = 12.7 // first-line indent, 1.27 cm
	font                        = "LiberationSerif"
	ptToMM                      = 25.4 / 72
	lineFactor                  = 1.2
	paraGap                     = 6 * ptToMM // ≥ 6 pt between paragraphs
	cellPad                     = 1.0
	body, small, cellSize, h1pt = 14.0, 12.0, 10.0, 14.0
)

type doc struct {
	*fpdf.Fpdf
}

// Write writes r as a PDF to w with images (charts) after the results
// table. The same model makes the same bytes (times are r.Created).
func Write(w io.Writer, r *report.Report, images []report.Image) error {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(marginLeft, marginTop, marginRight)
	f.SetAutoPageBreak(true, marginBottom)
	f.AddUTF8FontFromBytes(font, "", liberationserifregular.TTF)
	f.AddUTF8FontFromBytes(font, "B", liberationserifbold.TTF)
	f.AddUTF8FontFromBytes(font, "I", liberationserifitalic.TTF)
	f.AddUTF8FontFromBytes(font, "BI", liberationserifbolditalic.TTF)
	f.SetCreationDate(r.Created)
	f.SetModificationDate(r.Created)
	f.SetCatalogSort(true)
	f.SetTitle(r.Summary, true)
	f.SetCreator("kehoach", true)
	f.SetLang("vi-VN")
	d := &doc{f}
	f.SetHeaderFunc(func() {
		if f.PageNo() > 1 {
			f.SetFont(font, "", 13)
			f.SetXY(marginLeft, 10)
			f.CellFormat(textW, 6, fmt.Sprint(f.PageNo()), "", 0, "C", false, 0, "")
			f.SetXY(marginLeft, marginTop)
		}
	})
	f.AddPage()
	d.header(r)
	if r.Kind == "letter" {
		d.letter(r)
	} else {
		d.report(r, images)
	}
	d.signature(r)
	d.appendix(r)
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return f.Output(w)
}

func lh(size float64) float64 { return size * ptToMM * lineFactor }

// centred writes s centred in the column [x, x+w].
func (d *doc) centred(x, w float64, style string, size float64, s string) {
	d.SetFont(font, style, size)
	d.SetX(x)
	d.MultiCell(w, lh(size), s, "", "C", false)
}

// rule draws a short centred line under a heading block.
func (d *doc) rule(x, w, length float64) {
	y := d.GetY() + 0.5
	d.SetLineWidth(0.3)
	d.Line(x+(w-length)/2, y, x+(w+length)/2, y)
	d.SetY(y + 1.5)
}

// header: issuing body and motto side by side, number and date, type and
// summary.
func (d *doc) header(r *report.Report) {
	leftW, rightX := 62.0, marginLeft+62
	rightW := textW - leftW
	top := d.GetY()
	for _, l := range r.IssuerLines {
		d.centred(marginLeft, leftW, "B", 13, l)
	}
	d.rule(marginLeft, leftW, 22)
	yLeft := d.GetY()
	d.SetY(top)
	d.centred(rightX, rightW, "B", 12, r.Motto[0])
	d.centred(rightX, rightW, "B", 13, r.Motto[1])
	d.rule(rightX, rightW, 50)
	y := max(yLeft, d.GetY()) + 1
	d.SetY(y)
	d.centred(marginLeft, leftW, "", 13, r.Number)
	if r.Kind == "letter" {
		d.centred(marginLeft, leftW, "", 12, r.Summary)
	}
	yLeft = d.GetY()
	d.SetY(y)
	d.centred(rightX, rightW, "I", 14, r.PlaceDate)
	d.SetY(max(yLeft, d.GetY()) + 4)
	if r.Kind == "letter" {
		return
	}
	d.Ln(2)
	d.centred(marginLeft, textW, "B", 14, r.DocType)
	d.centred(marginLeft, textW, "B", 14, r.Summary)
	d.rule(marginLeft, textW, 40)
	d.centred(marginLeft, textW, "I", 13, r.Window)
	d.Ln(3)
}

// para writes a justified paragraph with a first-line indent: fpdf's own
// justification does not stretch spaces of UTF-8 fonts, so words are
// placed one by one.
func (d *doc) para(style string, size float64, s string, firstIndent float64) {
	d.SetFont(font, style, size)
	h := lh(size)
	words := strings.Fields(s)
	space := d.GetStringWidth(" ")
	for len(words) > 0 {
		avail := textW - firstIndent
		n, width := 0, 0.0
		for n < len(words) {
			ww := d.GetStringWidth(words[n])
			if n > 0 && width+space+ww > avail {
				break
			}
			if n > 0 {
				width += space
			}
			width += ww
			n++
		}
		if d.GetY()+h > pageH-marginBottom {
			d.AddPage()
		}
		line := words[:n]
		words = words[n:]
		gap := space
		if len(words) > 0 && n > 1 {
			gap = space + (avail-width)/float64(n-1)
		}
		x := marginLeft + firstIndent
		y := d.GetY()
		for _, w := range line {
			d.SetXY(x, y)
			d.CellFormat(d.GetStringWidth(w)+0.01, h, w, "", 0, "L", false, 0, "")
			x += d.GetStringWidth(w) + gap
		}
		d.SetXY(marginLeft, y+h)
		firstIndent = 0
	}
	d.Ln(paraGap)
}

func (d *doc) bodyPara(s string) { d.para("", body, s, indent) }

func (d *doc) heading(s string) {
	if d.GetY()+3*lh(h1pt) > pageH-marginBottom {
		d.AddPage()
	}
	d.para("B", h1pt, s, indent)
}

// table draws a bordered table, repeating its header row on each new page.
func (d *doc) table(widths []float64, head []string, rows [][]string, align []string, size float64) {
	scale := textW / sum(widths)
	for i := range widths {
		widths[i] *= scale
	}
	centred := make([]string, len(head))
	for i := range centred {
		centred[i] = "C"
	}
	d.SetLineWidth(0.2)
	d.row(widths, head, centred, "B", size)
	for _, cells := range rows {
		if d.GetY()+d.rowHeight(widths, cells, "", size) > pageH-marginBottom {
			d.AddPage()
			d.row(widths, head, centred, "B", size)
		}
		d.row(widths, cells, align, "", size)
	}
	d.Ln(paraGap)
}

// rowHeight is the height of a row whose cells wrap in their widths.
func (d *doc) rowHeight(widths []float64, cells []string, style string, size float64) float64 {
	d.SetFont(font, style, size)
	lines := 1
	for i, c := range cells {
		if n := len(d.SplitText(c, widths[i]-2*cellPad)); n > lines {
			lines = n
		}
	}
	return float64(lines)*lh(size) + 2*cellPad
}

// row draws one row of bordered cells at the current position.
func (d *doc) row(widths []float64, cells, align []string, style string, size float64) {
	rowH := d.rowHeight(widths, cells, style, size)
	x, y := marginLeft, d.GetY()
	for i, c := range cells {
		d.Rect(x, y, widths[i], rowH, "D")
		d.SetXY(x+cellPad, y+cellPad)
		d.MultiCell(widths[i]-2*cellPad, lh(size), c, "", align[i], false)
		x += widths[i]
	}
	d.SetXY(marginLeft, y+rowH)
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func (d *doc) report(r *report.Report, images []report.Image) {
	d.heading(report.HeadingGeneral)
	for _, p := range r.General {
		d.bodyPara(p)
	}
	d.heading(report.HeadingResults)
	if r.Overview != "" {
		d.bodyPara(r.Overview)
	}
	var rows [][]string
	for _, x := range r.Results {
		rows = append(rows, []string{x.Code + ". " + x.Text, x.TargetText, x.ValueText, x.XY, x.OfTargetText, x.CoverageText, x.StatusText, x.PrevText, x.BaseText})
	}
	d.table([]float64{2200, 800, 800, 1000, 900, 850, 1004, 900, 900}, report.ResultColumns, rows, []string{"L", "C", "C", "C", "C", "C", "C", "C", "C"}, cellSize)
	for i, im := range images {
		d.RegisterImageOptionsReader("chart-"+im.Name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(widen(im.PNG, i)))
		w := textW
		hh := w * float64(im.Height) / float64(im.Width)
		if d.GetY()+hh > pageH-marginBottom {
			d.AddPage()
		}
		d.ImageOptions("chart-"+im.Name, marginLeft, d.GetY(), w, hh, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		d.SetY(d.GetY() + hh + paraGap)
	}
	d.heading(report.HeadingLagging)
	if len(r.Lagging) == 0 {
		d.bodyPara(report.NoLagging)
	}
	for _, l := range r.Lagging {
		d.bodyPara("- " + l.Unit + ": " + strings.Join(l.Items, "; ") + ".")
	}
	d.heading(report.HeadingTasks)
	if r.Tasks == nil {
		d.bodyPara(report.NoTasks)
	} else {
		rows = nil
		for _, t := range r.Tasks {
			rows = append(rows, []string{t.Body, fmt.Sprint(t.NotStarted), fmt.Sprint(t.InProgress), fmt.Sprint(t.Done), fmt.Sprint(t.Overdue)})
		}
		d.table([]float64{3354, 1500, 1500, 1500, 1500}, report.TaskColumns, rows, []string{"L", "C", "C", "C", "C"}, 11)
	}
	d.heading(report.HeadingProblems)
	for _, p := range r.Difficulties {
		d.bodyPara(p)
	}
	d.heading(report.HeadingProposal)
	for _, p := range r.Proposals {
		d.bodyPara(p)
	}
}

func (d *doc) letter(r *report.Report) {
	d.SetFont(font, "", body)
	for i, l := range r.Salutation {
		x := marginLeft + 25.0
		if i > 0 {
			x = marginLeft + 45
		}
		d.SetX(x)
		d.MultiCell(pageW-marginRight-x, lh(body), l, "", "L", false)
	}
	d.Ln(paraGap)
	for _, p := range r.Intro {
		d.bodyPara(p)
	}
	var rows [][]string
	for i, o := range r.Owed {
		items := make([]string, len(o.Items))
		for j, it := range o.Items {
			items[j] = "- " + it
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), o.Unit, strings.Join(items, "\n"), o.Due})
	}
	d.table([]float64{700, 2600, 4554, 1500}, report.OwedColumns, rows, []string{"C", "L", "L", "C"}, 11)
	for _, p := range r.Closing {
		d.bodyPara(p)
	}
}

// signature: "Nơi nhận" on the left, the authority and signer on the right.
func (d *doc) signature(r *report.Report) {
	need := lh(body)*float64(len(r.Signature)+1) + 30
	if d.GetY()+need > pageH-marginBottom {
		d.AddPage()
	}
	half := textW / 2
	top := d.GetY() + 2
	d.SetXY(marginLeft, top)
	d.SetFont(font, "BI", 12)
	d.CellFormat(half, lh(12), "Nơi nhận:", "", 2, "L", false, 0, "")
	d.SetFont(font, "", 11)
	for _, l := range r.Recipients {
		d.SetX(marginLeft)
		d.MultiCell(half, lh(11), "- "+l, "", "L", false)
	}
	yLeft := d.GetY()
	d.SetY(top)
	for _, l := range r.Signature {
		d.centred(marginLeft+half, half, "B", body, l)
	}
	d.SetY(d.GetY() + 25)
	d.centred(marginLeft+half, half, "B", body, r.Signer)
	d.SetY(max(yLeft, d.GetY()) + 2)
}

func (d *doc) appendix(r *report.Report) {
	if len(r.Appendix) == 0 {
		return
	}
	d.AddPage()
	d.centred(marginLeft, textW, "B", body, report.HeadingAppendix)
	d.centred(marginLeft, textW, "I", 13, "(Kèm theo Báo cáo "+strings.TrimPrefix(r.Number, "Số: ")+" "+r.PlaceDate+")")
	d.Ln(3)
	for _, a := range r.Appendix {
		d.para("B", 13, "Mục tiêu "+a.Code+". "+a.Text+" (theo "+strings.ToLower(a.Kind)+")", 0)
		var rows [][]string
		for i, row := range a.Rows {
			rows = append(rows, []string{fmt.Sprint(i + 1), row.Unit, row.ValueText, row.XY, row.StatusText})
		}
		d.table([]float64{700, 3854, 1600, 1600, 1600}, report.AppendixColumns, rows, []string{"C", "L", "C", "C", "C"}, 11)
	}
}

// widen adds n white columns on the right of a PNG. fpdf writes images in
// the order of their pixel widths only (others in map order), so every
// chart gets a width of its own and the same report makes the same file;
// a column or two of 600 is invisible at the printed size.
func widen(b []byte, n int) []byte {
	if n == 0 {
		return b
	}
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return b
	}
	r := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx()+n, r.Dy()))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(dst, r.Sub(r.Min), src, r.Min, draw.Src)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return b
	}
	return out.Bytes()
}
