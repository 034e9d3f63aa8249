package xlsxform

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kehoach"
	"kehoach/period"
)

func sampleTemplate() *Template {
	return &Template{
		Form:   &kehoach.Form{Code: "BM_BAN_NAM", Name: "Biểu năm của bản", PeriodType: "yearly", Elements: []string{"HGD_TONG", "BAN_VH"}},
		Period: period.MustParse("2024"),
		Unit:   &kehoach.Unit{Code: "XA_A", Name: "Xã An"},
		Rows:   []*kehoach.Unit{{Code: "B1", Name: "Bản Một"}, {Code: "B2", Name: "Bản Hai"}},
		Columns: []*kehoach.DataElement{
			{Code: "HGD_TONG", Name: "Tổng số hộ", ShortName: "Số hộ", ValueType: kehoach.TypeInteger},
			{Code: "BAN_VH", Name: "Có nhà văn hóa", ShortName: "NVH", ValueType: kehoach.TypeBool},
		},
		Previous: map[string]map[string]string{"B1": {"HGD_TONG": "120", "BAN_VH": "true"}},
	}
}

func templateBytes(t testing.TB, fill map[string]any) []byte {
	var b bytes.Buffer
	if err := Write(&b, sampleTemplate()); err != nil {
		t.Fatal(err)
	}
	if len(fill) == 0 {
		return b.Bytes()
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	for cell, v := range fill {
		f.SetCellValue("BM_BAN_NAM", cell, v)
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// A blank template has its units, elements, last period's figures, typed
// and locked cells; filled, it reads back cell by cell.
func TestWriteRead(t *testing.T) {
	blank := templateBytes(t, nil)
	f, err := excelize.OpenReader(bytes.NewReader(blank))
	if err != nil {
		t.Fatal(err)
	}
	for cell, want := range map[string]string{"A5": "B1", "B6": "Bản Hai", "C3": "Tổng số hộ", "D5": "120", "F5": "Có", "C4": "HGD_TONG"} {
		if got, _ := f.GetCellValue("BM_BAN_NAM", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	if dvs, _ := f.GetDataValidations("BM_BAN_NAM"); len(dvs) != 2 {
		t.Errorf("%d data validations, want 2", len(dvs))
	}
	if sheets := f.GetSheetList(); len(sheets) != 2 || sheets[1] != "Hướng dẫn" {
		t.Errorf("sheets %v", sheets)
	}
	filled, err := Read(templateBytes(t, map[string]any{"C5": 130, "E6": "Không", "C6": "1.234"}))
	if err != nil {
		t.Fatal(err)
	}
	if filled.Form != "BM_BAN_NAM" || filled.Period != "2024" || filled.Unit != "XA_A" || len(filled.Cells) != 3 {
		t.Fatalf("%+v", filled)
	}
	got := map[string]string{}
	for _, c := range filled.Cells {
		got[c.At] = c.Unit + "." + c.Element + "=" + c.Value
	}
	for at, want := range map[string]string{"Biểu BM_BAN_NAM, ô C5": "B1.HGD_TONG=130", "Biểu BM_BAN_NAM, ô E6": "B2.BAN_VH=Không", "Biểu BM_BAN_NAM, ô C6": "B2.HGD_TONG=1.234"} {
		if got[at] != want {
			t.Errorf("%s = %q, want %q (all %v)", at, got[at], want, got)
		}
	}
}

// zipOf builds an archive of the named parts.
func zipOf(t testing.TB, parts map[string][]byte) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, data := range parts {
		fw, _ := w.Create(name)
		fw.Write(data)
	}
	w.Close()
	return b.Bytes()
}

func TestReadMalformed(t *testing.T) {
	blank := templateBytes(t, nil)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("dataelement,period\n"), "ZIP"},
		{"truncated", blank[:len(blank)/2], "ZIP"},
		{"zip bomb", zipOf(t, map[string][]byte{"xl/worksheets/sheet1.xml": make([]byte, 30<<20)}), "giải nén ra quá lớn"},
		{"too many parts", zipOf(t, func() map[string][]byte {
			m := map[string][]byte{}
			for i := range MaxParts + 1 {
				m[strings.Repeat("a", 1+i%7)+string(rune('A'+i%26))+itoa(i)] = nil
			}
			return m
		}()), "phần"},
		{"another workbook", func() []byte {
			f := excelize.NewFile()
			var b bytes.Buffer
			f.WriteTo(&b)
			return b.Bytes()
		}(), "không phải biểu mẫu do kehoach tạo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(tc.data)
			if kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorMessage(err), tc.want) {
				t.Errorf("error %v, want EINVALID saying %q", err, tc.want)
			}
		})
	}
}

func itoa(i int) string {
	s := ""
	for {
		s = string(rune('0'+i%10)) + s
		if i /= 10; i == 0 {
			return s
		}
	}
}

// FuzzRead: any bytes are refused with EINVALID or read into cells that
// each name a unit, an element, the period and where they are.
func FuzzRead(f *testing.F) {
	f.Add(templateBytes(f, map[string]any{"C5": 1}))
	f.Add([]byte("PK\x03\x04"))
	f.Add(zipOf(f, map[string][]byte{"[Content_Types].xml": []byte("<x/>")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		filled, err := Read(data)
		if err != nil {
			if kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		for _, c := range filled.Cells {
			if c.Unit == "" || c.Element == "" || c.Period == "" || !strings.HasPrefix(c.At, "Biểu ") {
				t.Fatalf("cell %+v", c)
			}
		}
	})
}
