package dhis2

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"kehoach"
)

func TestDataValueSetEncode(t *testing.T) {
	at := time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		set  *DataValueSet
		want string
	}{
		{"empty", NewDataValueSet("", nil, nil, nil), `{"dataValues":[]}`},
		{"one unit and period", NewDataValueSet("VH_XA", []string{"XA_BANBO"}, []string{"2024Q4"}, []*kehoach.DataValue{
			{Element: "BAN_LOA", Unit: "XA_BANBO", Period: "2024Q4", Value: "3", StoredBy: "Lò Văn <A>", Updated: at},
			{Element: "BAN_NVH", Unit: "XA_BANBO", Period: "2024Q4", Disagg: "nam", Value: "1,5", Comment: `"x"`},
		}), `{"dataSet":"VH_XA","period":"2024Q4","orgUnit":"XA_BANBO","dataValues":[` +
			`{"dataElement":"BAN_LOA","orgUnit":"XA_BANBO","period":"2024Q4","value":"3","storedBy":"Lò Văn <A>","lastUpdated":"2025-03-10T02:00:00Z"},` +
			`{"dataElement":"BAN_NVH","orgUnit":"XA_BANBO","period":"2024Q4","categoryOptionCombo":"nam","value":"1,5","comment":"\"x\""}]}`},
		{"several units", NewDataValueSet("", []string{"A", "B"}, []string{"2024", "2023"}, nil), `{"dataValues":[]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.set.Encode(&b); err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(b.String()); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
			if !json.Valid(b.Bytes()) {
				t.Errorf("not valid JSON: %s", b.String())
			}
		})
	}
}

func TestDecodeDataValueSet(t *testing.T) {
	dv := func(el, p, u, v string) *kehoach.DataValue {
		return &kehoach.DataValue{Element: el, Period: p, Unit: u, Value: v}
	}
	for _, tc := range []struct {
		name, doc string
		want      *DataValueSet
		err       []string
	}{
		{name: "DHIS2 export", doc: `{"dataSet":"VH_XA","completeDate":"2025-01-05","period":"2024Q4","orgUnit":"XA_BANBO",
			"dataValues":[{"dataElement":"BAN_LOA","value":"3","storedBy":"admin","created":"2025-01-01T00:00:00.000","lastUpdated":"2025-01-01T00:00:00.000","followup":false},
			{"dataElement":"BAN_NVH","period":"2024Q3","orgUnit":"XA_BINHLU","categoryOptionCombo":"nam","attributeOptionCombo":"HllvX50cXC0","value":12.5,"comment":"ghi chú"},
			{"dataElement":"BAN_VH","value":null,"deleted":true}]}`,
			want: &DataValueSet{DataSet: "VH_XA", CompleteDate: "2025-01-05", Period: "2024Q4", OrgUnit: "XA_BANBO", DataValues: []*kehoach.DataValue{
				{Element: "BAN_LOA", Period: "2024Q4", Unit: "XA_BANBO", Value: "3", StoredBy: "admin"},
				{Element: "BAN_NVH", Period: "2024Q3", Unit: "XA_BINHLU", Disagg: "nam", Value: "12.5", Comment: "ghi chú"},
				{Element: "BAN_VH", Period: "2024Q4", Unit: "XA_BANBO", Deleted: true},
			}}},
		{name: "values name their own", doc: `{"dataValues":[{"dataElement":"A","period":"2024","orgUnit":"U","value":true}],"dataSet":"F"}`,
			want: &DataValueSet{DataSet: "F", DataValues: []*kehoach.DataValue{dv("A", "2024", "U", "true")}}},
		{name: "unknown fields dropped", doc: `{"idScheme":"CODE","x":{"y":[1,2]},"dataValues":[]}`, want: &DataValueSet{DataValues: []*kehoach.DataValue{}}},
		{name: "no values", doc: `{}`, want: &DataValueSet{DataValues: []*kehoach.DataValue{}}},
		{name: "not an object", doc: `[]`, err: []string{"dataValueSets", "byte 1"}},
		{name: "syntax", doc: `{"dataValues":[{"dataElement":"A",]}`, err: []string{"JSON không hợp lệ", "byte"}},
		{name: "cut short", doc: `{"dataValues":[{"dataElement":"A"`, err: []string{"cắt cụt"}},
		{name: "trailing", doc: `{"dataValues":[]} {}`, err: []string{"nội dung thừa"}},
		{name: "wrong type", doc: `{"dataValues":[{"dataElement":1}]}`, err: []string{"dataElement", "kiểu sai", "chuỗi"}},
		{name: "value of a wrong kind", doc: `{"dataValues":[{"dataElement":"A","period":"2024","orgUnit":"U","value":[1]}]}`, err: []string{"dataValues[0].value", "chuỗi hay một số"}},
		{name: "no element", doc: `{"period":"2024","orgUnit":"U","dataValues":[{"value":"1"}]}`, err: []string{"dataValues[0].dataElement", "thiếu mã chỉ tiêu"}},
		{name: "no period", doc: `{"orgUnit":"U","dataValues":[{"dataElement":"A","period":"2024"},{"dataElement":"A"}]}`, err: []string{"dataValues[1].period", "thiếu kỳ"}},
		{name: "no unit", doc: `{"period":"2024","dataValues":[{"dataElement":"A"}]}`, err: []string{"dataValues[0].orgUnit"}},
		{name: "key twice", doc: `{"period":"2024","period":"2025","dataValues":[]}`, err: []string{"period", "hai lần"}},
		{name: "field too long", doc: `{"dataValues":[{"dataElement":"A","period":"2024","orgUnit":"U","comment":"` + strings.Repeat("x", MaxFieldLength+1) + `"}]}`,
			err: []string{"dataValues[0].comment", "50.001 byte", "tối đa 50.000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeDataValueSet(strings.NewReader(tc.doc))
			if tc.err != nil {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				if kehoach.ErrorCode(err) != kehoach.EINVALID {
					t.Errorf("code %q, want EINVALID: %v", kehoach.ErrorCode(err), err)
				}
				for _, s := range tc.err {
					if !strings.Contains(kehoach.ErrorMessage(err), s) {
						t.Errorf("message %q lacks %q", kehoach.ErrorMessage(err), s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
				for i := range got.DataValues {
					t.Logf("value %d: %+v", i, got.DataValues[i])
				}
			}
		})
	}
}

// endless is a reader of a dataValueSets document that never ends.
type endless struct{ started bool }

func (e *endless) Read(p []byte) (int, error) {
	if !e.started {
		e.started = true
		return copy(p, `{"dataValues":[`), nil
	}
	const v = `{"dataElement":"A","period":"2024","orgUnit":"U","value":"1"},`
	n := 0
	for n+len(v) <= len(p) {
		n += copy(p[n:], v)
	}
	return n, nil
}

// TestScanDataValueSetLimits: an endless document stops at the first
// limit met, and the scan keeps nothing but the figure in hand.
func TestScanDataValueSetLimits(t *testing.T) {
	defer func(old int) { maxDataValues = old }(maxDataValues)
	maxDataValues = 20_000
	n := 0
	err := ScanDataValueSet(&endless{}, &DataValueSet{}, func(*kehoach.DataValue) error { n++; return nil })
	if kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorMessage(err), "tối đa 20.000") {
		t.Errorf("endless document: %v after %d values, want the MaxDataValues refusal", err, n)
	}
	if n != maxDataValues {
		t.Errorf("%d values read, want %d", n, maxDataValues)
	}

	big := `{"dataSet":"` + strings.Repeat("x", MaxDataValueSetBytes) + `"}`
	err = ScanDataValueSet(strings.NewReader(big), &DataValueSet{}, func(*kehoach.DataValue) error { return nil })
	if kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorMessage(err), "tệp quá lớn") {
		t.Errorf("document over the size: %v", err)
	}

	stop := errors.New("stop")
	err = ScanDataValueSet(strings.NewReader(`{"dataValues":[{"dataElement":"A","period":"2024","orgUnit":"U"},{"dataElement":"B","period":"2024","orgUnit":"U"}]}`),
		&DataValueSet{}, func(v *kehoach.DataValue) error { return stop })
	if err != stop {
		t.Errorf("fn's error came back as %v", err)
	}
}

// FuzzDecodeDataValueSet: any document fails with EINVALID or decodes to
// a set whose every value names an element, period and unit, and which
// reads back the same once encoded.
func FuzzDecodeDataValueSet(f *testing.F) {
	for _, s := range []string{
		`{"dataSet":"VH_XA","period":"2024Q4","orgUnit":"XA_BANBO","dataValues":[{"dataElement":"BAN_LOA","value":"3"},{"dataElement":"B","period":"2024","orgUnit":"U","value":1e3,"deleted":true}]}`,
		`{"dataValues":[{"dataElement":"A","period":"2024","orgUnit":"U","categoryOptionCombo":"nam","comment":"Bản \u0042o","value":null}]}`,
		`{}`, `[]`, `{"dataValues":[`, `{"dataValues":[{}]}`, `{"x":[{"y":1}],"dataValues":[]}`, `{"period":1}`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		set, err := DecodeDataValueSet(bytes.NewReader(doc))
		if err != nil {
			if kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		for i, v := range set.DataValues {
			if v.Element == "" || v.Period == "" || v.Unit == "" {
				t.Fatalf("value %d %+v lacks a code", i, v)
			}
		}
		var b bytes.Buffer
		if err := set.Encode(&b); err != nil {
			t.Fatal(err)
		}
		back, err := DecodeDataValueSet(io.MultiReader(&b))
		if err != nil {
			t.Fatalf("encoded set does not read back: %v\n%s", err, b.String())
		}
		if !reflect.DeepEqual(back, set) {
			t.Fatalf("read back %+v, want %+v", back, set)
		}
	})
}
