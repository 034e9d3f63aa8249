package dhis2

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"kehoach"
)

// scanAll reads a document of format f whole.
func scanAll(f Format, doc []byte) ([]*kehoach.DataValue, []string, error) {
	var vs []*kehoach.DataValue
	var ats []string
	err := Scan(f, bytes.NewReader(doc), &DataValueSet{}, func(v *kehoach.DataValue, at string) error {
		vs = append(vs, v)
		ats = append(ats, at)
		return nil
	})
	return vs, ats, err
}

// encodeAll writes values as a document of format f.
func encodeAll(t testing.TB, f Format, vs []*kehoach.DataValue) []byte {
	var b bytes.Buffer
	e, err := NewEncoder(f, &b, &DataValueSet{DataSet: "F"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if err := e.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var sample = []*kehoach.DataValue{
	{Element: "HGD_TONG", Unit: "XA_A", Period: "2024", Value: "120"},
	{Element: "HGD_VH", Unit: "XA_A", Period: "2024", Value: "1.234,5", Comment: "ghi chú, \"trích\" <b>&\nhai dòng"},
	{Element: "BAN_LOA", Unit: "B1", Period: "2024Q3", Disagg: "nam", Value: "có"},
	{Element: "T", Unit: "B1", Period: "202403", Value: "Bản Mường Thàng", Deleted: true},
}

// Every format writes and reads back the same figures.
func TestFormatsRoundTrip(t *testing.T) {
	for _, f := range []Format{FormatJSON, FormatCSV, FormatADX} {
		t.Run(string(f), func(t *testing.T) {
			doc := encodeAll(t, f, sample)
			got, ats, err := scanAll(f, doc)
			if err != nil {
				t.Fatalf("%v\n%s", err, doc)
			}
			if !reflect.DeepEqual(got, sample) {
				t.Errorf("read back\n%+v\nwant\n%+v\n%s", got, sample, doc)
			}
			if Sniff(doc) != f {
				t.Errorf("Sniff says %s", Sniff(doc))
			}
			if ats[0] == "" || ats[0] == ats[1] {
				t.Errorf("places %v", ats)
			}
		})
	}
}

func TestADXPeriods(t *testing.T) {
	for id, adx := range map[string]string{"2024": "2024-01-01/P1Y", "2024S2": "2024-07-01/P6M", "2024Q3": "2024-07-01/P3M", "202411": "2024-11-01/P1M"} {
		got, err := ADXPeriod(id)
		if err != nil || got != adx {
			t.Errorf("ADXPeriod(%s) = %s, %v", id, got, err)
		}
		back, err := parseADXPeriod(adx)
		if err != nil || back != id {
			t.Errorf("parseADXPeriod(%s) = %s, %v", adx, back, err)
		}
	}
	for _, bad := range []string{"2024-02-01/P3M", "2024-01-01/P2W", "2024/P1Y", "2024Q5", "x"} {
		if _, err := parseADXPeriod(bad); err == nil {
			t.Errorf("parseADXPeriod(%s) accepted", bad)
		}
	}
}

func TestCSVHeaderOptional(t *testing.T) {
	for _, doc := range []string{
		"dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nA,2024,U,,,1\n",
		"A,2024,U,,,1\n",
		"\ufeffDataElement,Period,OrgUnit,CategoryOptionCombo,AttributeOptionCombo,Value\r\nA,2024,U,,,1\r\n\r\n",
	} {
		got, ats, err := scanAll(FormatCSV, []byte(doc))
		if err != nil || len(got) != 1 || got[0].Element != "A" || got[0].Value != "1" {
			t.Errorf("%q: %+v %v", doc, got, err)
		}
		if want := strings.Count(doc[:strings.Index(doc, "A,")], "\n") + 1; err == nil && ats[0] != "dòng "+itoa(want) {
			t.Errorf("%q: at %s, want line %d", doc, ats[0], want)
		}
	}
}

// Malformed documents of every format fail with EINVALID saying why and
// where, never a panic or a figure read from garbage.
func TestMalformed(t *testing.T) {
	latin1 := []byte("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment\nA,2024,U,,,1,,,B\xe1n\n")
	utf16 := []byte{0xFF, 0xFE, '{', 0, '}', 0}
	for _, tc := range []struct {
		name string
		f    Format
		doc  []byte
		want string
	}{
		{"JSON truncated", FormatJSON, encodeAll(t, FormatJSON, sample)[:60], "cắt cụt"},
		{"JSON latin-1", FormatJSON, []byte(`{"dataValues":[{"dataElement":"A","period":"2024","orgUnit":"U","value":"B` + "\xe1" + `n"}]}`), "UTF-8"},
		{"JSON UTF-16", FormatJSON, utf16, "UTF-16"},
		{"JSON not an object", FormatJSON, []byte(`[1,2]`), "dataValueSets"},
		{"CSV truncated in a quote", FormatCSV, []byte("A,2024,U,,,\"1"), "ngoặc kép"},
		{"CSV latin-1", FormatCSV, latin1, "UTF-8"},
		{"CSV too few columns", FormatCSV, []byte("A,2024,U\n"), "ít nhất 6"},
		{"CSV no element", FormatCSV, []byte(",2024,U,,,1\n"), "thiếu mã chỉ tiêu"},
		{"ADX truncated", FormatADX, encodeAll(t, FormatADX, sample)[:120], "cắt cụt"},
		{"ADX latin-1", FormatADX, []byte(`<adx><group orgUnit="U" period="2024"><dataValue dataElement="A" value="B` + "\xe1" + `n"/></group></adx>`), "UTF-8"},
		{"ADX declared latin-1", FormatADX, []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><adx/>`), "UTF-8"},
		{"ADX other root", FormatADX, []byte(`<dataValueSet/>`), "adx"},
		{"ADX bad period", FormatADX, []byte(`<adx><group orgUnit="U" period="2024-02-01/P3M"><dataValue dataElement="A" value="1"/></group></adx>`), "dòng 1"},
		{"ADX no unit", FormatADX, []byte(`<adx><group period="2024"><dataValue dataElement="A" value="1"/></group></adx>`), "thiếu mã đơn vị"},
		{"ADX entity", FormatADX, []byte(`<!DOCTYPE adx [<!ENTITY a "aaaa">]><adx><group orgUnit="U" period="2024"><dataValue dataElement="&a;" value="1"/></group></adx>`), "không hợp lệ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := scanAll(tc.f, tc.doc)
			if kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorMessage(err), tc.want) {
				t.Errorf("error %v, want EINVALID saying %q", err, tc.want)
			}
		})
	}
	// A BOM is fine; a huge number is read as written (the write path
	// refuses it against the element's type).
	got, _, err := scanAll(FormatJSON, append([]byte("\ufeff"), `{"dataValues":[{"dataElement":"A","period":"2024","orgUnit":"U","value":1e400}]}`...))
	if err != nil || got[0].Value != "1e400" {
		t.Errorf("BOM and a huge number: %+v %v", got, err)
	}
}

// An endless document stops at the limit on figures, without reading the
// rest into memory.
func TestCSVTooManyValues(t *testing.T) {
	old := maxDataValues
	maxDataValues = 1000
	defer func() { maxDataValues = old }()
	doc := strings.Repeat("A,2024,U,,,1\n", 1001)
	_, _, err := scanAll(FormatCSV, []byte(doc))
	if kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorMessage(err), "1.000") {
		t.Errorf("error %v", err)
	}
}

// A million-figure document is scanned with memory that does not grow
// with it.
func TestScanMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	row := []byte("HGD_TONG,2024,XA_BANBO_B01,,,1234,,,\n")
	r := &repeatReader{row: row, n: 300_000}
	var m0 runtimeMem
	m0.read()
	peak := m0.heap
	n := 0
	err := Scan(FormatCSV, r, &DataValueSet{}, func(*kehoach.DataValue, string) error {
		if n++; n%20_000 == 0 {
			peak = max(peak, heapNow())
		}
		return nil
	})
	if err != nil || n != 300_000 {
		t.Fatalf("%d figures, %v", n, err)
	}
	if grown := int64(peak) - int64(m0.heap); grown > 16<<20 {
		t.Errorf("heap grew by %d bytes reading %d figures (%d bytes)", grown, n, n*len(row))
	}
}

// repeatReader yields row n times.
type repeatReader struct {
	row []byte
	n   int
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) && r.n > 0 {
		c := copy(p[k:], r.row[r.off:])
		k += c
		r.off += c
		if r.off == len(r.row) {
			r.off = 0
			r.n--
		}
	}
	if k == 0 {
		return 0, eof
	}
	return k, nil
}

func fuzzFormat(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, _, err := scanAll(format, doc)
		if err != nil {
			if kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		for i, v := range got {
			if v.Element == "" || v.Period == "" || v.Unit == "" {
				t.Fatalf("value %d %+v lacks a code", i, v)
			}
		}
		if format == FormatADX {
			for _, v := range got {
				if _, err := ADXPeriod(v.Period); err != nil {
					return // a period the encoder cannot write as an interval
				}
			}
		}
		back, _, err := scanAll(format, encodeAll(t, format, got))
		if err != nil {
			t.Fatalf("written document does not read back: %v", err)
		}
		if len(back) != len(got) {
			t.Fatalf("read back %d figures, want %d", len(back), len(got))
		}
		for i := range got {
			if format == FormatCSV {
				// CSV trims codes; a value keeps its spaces.
				got[i].Value = back[i].Value
			}
			if !reflect.DeepEqual(back[i], got[i]) {
				t.Fatalf("figure %d read back %+v, want %+v", i, back[i], got[i])
			}
		}
	})
}

func FuzzScanCSV(f *testing.F) {
	fuzzFormat(f, FormatCSV, string(encodeAll(f, FormatCSV, sample)), "A,2024,U,,,1\n", "\ufeffdataelement\n", "a,\"b\nc\",d,,,\"\"\"\"\n", "")
}

func FuzzScanADX(f *testing.F) {
	fuzzFormat(f, FormatADX, string(encodeAll(f, FormatADX, sample)), `<adx><group orgUnit="U" period="2024"><dataValue dataElement="A" value="1"><annotation>x</annotation></dataValue></group></adx>`, "<adx/>", "<a><b><c><d><e/></d></c></b></a>")
}

func FuzzScanJSON(f *testing.F) {
	fuzzFormat(f, FormatJSON, string(encodeAll(f, FormatJSON, sample)), "\ufeff{}", "\xff\xfe{")
}
