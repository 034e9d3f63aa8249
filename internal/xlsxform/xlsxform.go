// Package xlsxform writes and reads the Excel fill-in templates of forms
// (issue 13): one sheet named for the form, its units as rows and its
// data elements as columns, the last period's figure beside each in a
// locked grey column, cells typed by Excel's data validation, and a sheet
// of instructions in Vietnamese. A filled template is read back into cells
// for the one write path (kehoach.ImportService), each named by its cell
// ("Biểu BM_BAN_NAM, ô D7") so that a refusal points at it.
//
// It is pure over the domain types: the caller finds the form, the units
// and the figures. The reader refuses a file over its limits (a ZIP bomb
// as .xlsx) before unpacking it.
package xlsxform

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/period"
)

// Layout of the form's sheet.
const (
	titleRow  = 1
	metaRow   = 2 // hidden: "kehoach-template|FORM|PERIOD|UNIT"
	headerRow = 3
	codeRow   = 4 // hidden: the element code above its column
	firstRow  = 5
	metaTag   = "kehoach-template"
	guide     = "Hướng dẫn"
)

// Template is what a blank template shows.
type Template struct {
	Form    *kehoach.Form
	Period  period.Period
	Unit    *kehoach.Unit // the unit the template is made for
	Rows    []*kehoach.Unit
	Columns []*kehoach.DataElement
	// Previous holds last period's figures, unit code → element → value.
	Previous map[string]map[string]string
	// Current, when set, pre-fills the figures already stored.
	Current map[string]map[string]string
}

// col is the letter of the n-th column (1-based).
func col(n int) string {
	s, _ := excelize.ColumnNumberToName(n)
	return s
}

// Write writes the template as an .xlsx file.
func Write(w io.Writer, t *Template) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.Form.Code
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	locked, _ := f.NewStyle(&excelize.Style{Protection: &excelize.Protection{Locked: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}})
	header, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Protection: &excelize.Protection{Locked: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE6F0"}}})
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	open, _ := f.NewStyle(&excelize.Style{Protection: &excelize.Protection{Locked: false}})

	f.SetCellValue(sheet, "A1", fmt.Sprintf("Biểu %s — %s — %s — %s", t.Form.Code, t.Form.Name, t.Period.Label(), t.Unit.Name))
	f.SetCellStyle(sheet, "A1", "A1", title)
	f.SetCellValue(sheet, "A2", strings.Join([]string{metaTag, t.Form.Code, t.Period.String(), t.Unit.Code}, "|"))
	f.SetRowVisible(sheet, metaRow, false)
	f.SetRowVisible(sheet, codeRow, false)
	f.SetCellValue(sheet, "A3", "Mã đơn vị")
	f.SetCellValue(sheet, "B3", "Đơn vị")
	prev := t.Period.Prev()
	for i, e := range t.Columns {
		c := 3 + 2*i
		f.SetCellValue(sheet, col(c)+"3", e.Name)
		f.SetCellValue(sheet, col(c+1)+"3", fmt.Sprintf("%s — %s", e.ShortName, prev.Label()))
		f.SetCellValue(sheet, col(c)+"4", e.Code)
		f.SetColWidth(sheet, col(c), col(c), 16)
		f.SetColWidth(sheet, col(c+1), col(c+1), 12)
	}
	last := col(2 + 2*len(t.Columns))
	f.SetCellStyle(sheet, "A3", last+"3", header)
	f.SetRowHeight(sheet, 3, 60)
	f.SetColWidth(sheet, "A", "A", 16)
	f.SetColWidth(sheet, "B", "B", 28)
	for r, u := range t.Rows {
		row := firstRow + r
		f.SetCellValue(sheet, fmt.Sprintf("A%d", row), u.Code)
		f.SetCellValue(sheet, fmt.Sprintf("B%d", row), u.Name)
		f.SetCellStyle(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf("B%d", row), locked)
		for i, e := range t.Columns {
			c := 3 + 2*i
			cell := fmt.Sprintf("%s%d", col(c), row)
			if v := t.Current[u.Code][e.Code]; v != "" {
				setTyped(f, sheet, cell, e, v)
			}
			f.SetCellStyle(sheet, cell, cell, open)
			pcell := fmt.Sprintf("%s%d", col(c+1), row)
			if v := t.Previous[u.Code][e.Code]; v != "" {
				setTyped(f, sheet, pcell, e, v)
			}
			f.SetCellStyle(sheet, pcell, pcell, locked)
		}
	}
	if len(t.Rows) > 0 {
		end := firstRow + len(t.Rows) - 1
		for i, e := range t.Columns {
			c := col(3 + 2*i)
			if err := f.AddDataValidation(sheet, validation(e, fmt.Sprintf("%s%d:%s%d", c, firstRow, c, end))); err != nil {
				return err
			}
		}
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: headerRow + 1, TopLeftCell: fmt.Sprintf("C%d", firstRow), ActivePane: "bottomRight"})
	if err := f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true}); err != nil {
		return err
	}
	f.NewSheet(guide)
	for i, line := range instructions(t) {
		f.SetCellValue(guide, fmt.Sprintf("A%d", i+1), line)
	}
	f.SetColWidth(guide, "A", "A", 110)
	_, err := f.WriteTo(w)
	return err
}

// setTyped writes a figure as a number when it is one.
func setTyped(f *excelize.File, sheet, cell string, e *kehoach.DataElement, v string) {
	if _, num, err := e.ParseValue(v); err == nil && (e.ValueType == kehoach.TypeInteger || e.ValueType == kehoach.TypeNumber) {
		f.SetCellValue(sheet, cell, num)
		return
	}
	if e.ValueType == kehoach.TypeBool {
		v = map[string]string{"true": "Có", "false": "Không"}[v]
	}
	f.SetCellValue(sheet, cell, v)
}

// validation is Excel's check of a column, by the element's type.
func validation(e *kehoach.DataElement, sqref string) *excelize.DataValidation {
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(sqref)
	switch e.ValueType {
	case kehoach.TypeInteger:
		dv.SetRange(0, 9007199254740992, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
		dv.SetError(excelize.DataValidationErrorStyleStop, e.ShortName, "Cần một số nguyên không âm.")
	case kehoach.TypeNumber:
		dv.SetRange(-1e15, 1e15, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		dv.SetError(excelize.DataValidationErrorStyleStop, e.ShortName, "Cần một số.")
	case kehoach.TypeBool:
		dv.SetDropList([]string{"Có", "Không"})
		dv.SetError(excelize.DataValidationErrorStyleStop, e.ShortName, "Chọn Có hoặc Không.")
	default:
		dv.SetRange(0, kehoach.TextValueMaxLen, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
	}
	dv.SetInput(e.ShortName, e.Name)
	return dv
}

// instructions is the guide sheet.
func instructions(t *Template) []string {
	lines := []string{
		fmt.Sprintf("Biểu %s — %s", t.Form.Code, t.Form.Name),
		fmt.Sprintf("Kỳ báo cáo: %s. Đơn vị lập: %s (mã %s).", t.Period.Label(), t.Unit.Name, t.Unit.Code),
		"",
		"Cách điền:",
		"1. Mỗi dòng là một đơn vị, mỗi cột trắng là một chỉ số. Chỉ điền vào các ô trắng; ô xám (mã, tên đơn vị, số liệu kỳ trước) đã khóa.",
		"2. Số nguyên, số thập phân gõ như thường lệ (1.234 hoặc 1234; 12,5). Ô Có/Không chọn trong danh sách.",
		"3. Để trống ô nào thì số liệu đó không thay đổi. Không thêm, bớt hay đổi thứ tự dòng, cột.",
		"4. Nhập lại vào kehoach: trang Nhập số liệu, hoặc lệnh: kehoach import TỆP.xlsx",
		"5. Nếu có ô sai, kehoach báo đúng ô (ví dụ: Biểu " + t.Form.Code + ", ô C5: …) và không lưu số liệu nào; sửa rồi nhập lại.",
		"",
		"Các chỉ số:",
	}
	for _, e := range t.Columns {
		lines = append(lines, fmt.Sprintf("• %s (%s): %s — %s", e.ShortName, e.Code, e.Name, strings.ToLower(locale.VI.Label(locale.LabelValueType, e.ValueType))))
	}
	return lines
}

// Limits of a filled template read by Read.
const (
	// MaxBytes is the most bytes of the .xlsx file itself.
	MaxBytes = 20 << 20
	// MaxUnpacked is the most bytes its parts may unpack to: a ZIP bomb
	// (a few KB unpacking to gigabytes) is refused before any is unpacked.
	MaxUnpacked = 200 << 20
	// MaxParts is the most files in the archive.
	MaxParts = 500
)

// Filled is a filled template as read.
type Filled struct {
	Form, Period, Unit string
	Cells              []kehoach.ImportCell
}

// Read reads a filled template: the form, period and unit it was made
// for, and every cell filled, named "Biểu FORM, ô D7". Errors are
// EINVALID, in Vietnamese, saying what is wrong.
func Read(data []byte) (*Filled, error) {
	if len(data) > MaxBytes {
		return nil, kehoach.Errorf(kehoach.EINVALID, "tệp Excel quá lớn: tối đa %s byte", locale.VI.Int(MaxBytes))
	}
	if err := checkZip(data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: MaxUnpacked, UnzipXMLSizeLimit: MaxUnpacked})
	if err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "không đọc được tệp Excel: %v", err)
	}
	defer f.Close()
	var out *Filled
	var sheet string
	for _, name := range f.GetSheetList() {
		meta, _ := f.GetCellValue(name, "A2", excelize.Options{RawCellValue: true})
		if parts := strings.Split(meta, "|"); len(parts) == 4 && parts[0] == metaTag {
			out, sheet = &Filled{Form: parts[1], Period: parts[2], Unit: parts[3]}, name
			break
		}
	}
	if out == nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "tệp Excel không phải biểu mẫu do kehoach tạo (thiếu dòng ẩn số 2): hãy tải biểu mẫu trống bằng lệnh kehoach template hay trang Nhập số liệu")
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "không đọc được biểu %s: %v", sheet, err)
	}
	if len(rows) < codeRow {
		return nil, kehoach.Errorf(kehoach.EINVALID, "biểu %s thiếu dòng tiêu đề", sheet)
	}
	codes := rows[codeRow-1]
	for r := firstRow - 1; r < len(rows); r++ {
		row := rows[r]
		if len(row) == 0 || strings.TrimSpace(row[0]) == "" {
			continue
		}
		unit := strings.TrimSpace(row[0])
		for c := 2; c < len(row); c += 2 {
			v := strings.TrimSpace(row[c])
			if v == "" {
				continue // left blank: the figure stays as it is
			}
			at := fmt.Sprintf("Biểu %s, ô %s%d", out.Form, col(c+1), r+1)
			if c >= len(codes) || codes[c] == "" {
				return nil, kehoach.Errorf(kehoach.EINVALID, "%s: ô ngoài các cột chỉ số của biểu", at)
			}
			out.Cells = append(out.Cells, kehoach.ImportCell{At: at, ValueCell: kehoach.ValueCell{Unit: unit, Element: codes[c], Period: out.Period, Value: v}})
		}
	}
	return out, nil
}

// checkZip refuses an archive that is not one, has too many parts, or
// claims to unpack past MaxUnpacked, from its directory alone.
func checkZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return kehoach.Errorf(kehoach.EINVALID, "tệp không phải tệp Excel .xlsx (không đọc được dạng nén ZIP)")
	}
	if len(zr.File) > MaxParts {
		return kehoach.Errorf(kehoach.EINVALID, "tệp Excel có %d phần, tối đa %d", len(zr.File), MaxParts)
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > MaxUnpacked || zf.UncompressedSize64 > 100*zf.CompressedSize64+1<<20 {
			return kehoach.Errorf(kehoach.EINVALID, "tệp Excel giải nén ra quá lớn (phần %s): có thể là tệp độc hại, không đọc", zf.Name)
		}
	}
	return nil
}
