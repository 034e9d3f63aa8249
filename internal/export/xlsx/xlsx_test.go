package xlsx

import (
	"bytes"
	"math"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"kehoach/internal/export/exporttest"
)

// The workbook reads back with the model's numbers stored as numbers (a
// percentage as a fraction with a percent format), a sheet per target
// group with each unit's figures, and a native chart.
func TestReportXLSX(t *testing.T) {
	r := exporttest.Golden(t, "report_2024")
	var buf bytes.Buffer
	if err := Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	num := func(sheet, cell string) float64 {
		t.Helper()
		typ, _ := f.GetCellType(sheet, cell)
		if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s!%s is %v, want a number", sheet, cell, typ)
		}
		raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			t.Fatalf("%s!%s = %q: %v", sheet, cell, raw, err)
		}
		return v
	}
	x := r.Results[0]
	for cell, want := range map[string]float64{"D5": x.Target / 100, "E5": x.Value / 100, "F5": x.Num, "G5": x.Den, "H5": x.OfTarget / 100, "I5": x.Coverage / 100, "K5": x.ChangePrev, "L5": x.ChangeBase} {
		if got := num(SummarySheet, cell); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", cell, got, want)
		}
	}
	if shown, _ := f.GetCellValue(SummarySheet, "E5"); shown != "84.0%" {
		t.Errorf("E5 shows %q, want a percent format", shown)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[1] != "II.1. Thiết chế văn hóa" {
		t.Fatalf("sheets = %q", sheets)
	}
	rows, _ := f.GetRows(sheets[1])
	var found bool
	for i, row := range rows {
		if len(row) > 1 && row[1] == "Xã Bê" {
			found = true
			if got := num(sheets[1], "D"+strconv.Itoa(i+1)); got != r.Appendix[0].Rows[1].Num {
				t.Errorf("Xã Bê numerator %v, want %v", got, r.Appendix[0].Rows[1].Num)
			}
		}
	}
	if !found {
		t.Error("no row for Xã Bê")
	}
	z := buf.String()
	if !bytes.Contains([]byte(z), []byte("xl/charts/chart1.xml")) {
		t.Error("no native chart in the workbook")
	}
	var again bytes.Buffer
	Write(&again, r)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two writes of one model differ")
	}
}

func TestSheetName(t *testing.T) {
	used := map[string]bool{}
	for _, c := range []struct{ in, want string }{
		{"II.1. Thiết chế văn hóa", "II.1. Thiết chế văn hóa"},
		{"II.1. Thiết chế văn hóa", "II.1. Thiết chế văn hóa 2"},
		{"a/b:c", "a-b-c"},
		{"Một tên nhóm rất dài vượt quá ba mươi mốt ký tự", "Một tên nhóm rất dài vượt qu"},
	} {
		if got := SheetName(c.in, used); got != c.want {
			t.Errorf("SheetName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
