package dhis2

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"kehoach"
)

// DataValueSet is DHIS2's dataValueSets envelope: the figures, and the
// data set (a form code), period and unit they share when they share one.
// A value that leaves out its period or unit takes the envelope's.
type DataValueSet struct {
	DataSet      string               `json:"dataSet,omitempty"`
	CompleteDate string               `json:"completeDate,omitempty"`
	Period       string               `json:"period,omitempty"`
	OrgUnit      string               `json:"orgUnit,omitempty"`
	DataValues   []*kehoach.DataValue `json:"dataValues"`
}

// Limits of a dataValueSets document read by DecodeDataValueSet and
// ScanDataValueSet. A province's year of every form is about 200,000
// figures and 30 MB; a file of MaxDataValues figures is about 80 MB of
// JSON (issue 13's benchmark). The limits leave room while keeping one
// upload from holding the server.
const (
	// MaxDataValueSetBytes is the most bytes a document may have.
	MaxDataValueSetBytes = 128 << 20
	// MaxDataValues is the most figures a document may hold.
	MaxDataValues = 1_000_000
	// MaxFieldLength is the most bytes of one text field (a value, a
	// comment, a code).
	MaxFieldLength = 50_000
)

// maxDataValues is MaxDataValues, lowered by a test that reads an endless
// document (a million figures take half a minute under the race detector).
var maxDataValues = MaxDataValues

// NewDataValueSet returns the envelope of values as GET /api/dataValueSets
// answers it: dataSet when one was asked, orgUnit and period when the
// question named exactly one.
func NewDataValueSet(dataSet string, units, periods []string, values []*kehoach.DataValue) *DataValueSet {
	s := &DataValueSet{DataSet: dataSet, DataValues: values}
	if s.DataValues == nil {
		s.DataValues = []*kehoach.DataValue{}
	}
	if len(units) == 1 {
		s.OrgUnit = units[0]
	}
	if len(periods) == 1 {
		s.Period = periods[0]
	}
	return s
}

// Encode writes s as JSON, one figure at a time (see NewEncoder).
func (s *DataValueSet) Encode(w io.Writer) error {
	e, err := NewEncoder(FormatJSON, w, s)
	if err != nil {
		return err
	}
	for _, v := range s.DataValues {
		if err := e.Encode(v); err != nil {
			return err
		}
	}
	return e.Close()
}

// wireValue is a figure as DHIS2 sends it: the value may be a string or a
// number, and fields the store keeps itself (created, lastUpdated) are
// read and dropped.
type wireValue struct {
	DataElement          string          `json:"dataElement"`
	Period               string          `json:"period"`
	OrgUnit              string          `json:"orgUnit"`
	CategoryOptionCombo  string          `json:"categoryOptionCombo"`
	AttributeOptionCombo string          `json:"attributeOptionCombo"`
	Value                json.RawMessage `json:"value"`
	Comment              string          `json:"comment"`
	StoredBy             string          `json:"storedBy"`
	Deleted              bool            `json:"deleted"`
}

// DecodeDataValueSet reads a whole dataValueSets document. It is
// ScanDataValueSet keeping every figure, for callers that need them all
// at once; an import should scan.
func DecodeDataValueSet(r io.Reader) (*DataValueSet, error) {
	s := &DataValueSet{DataValues: []*kehoach.DataValue{}}
	var values []*kehoach.DataValue
	if err := ScanDataValueSet(r, s, func(v *kehoach.DataValue) error {
		values = append(values, v)
		return nil
	}); err != nil {
		return nil, err
	}
	if values != nil {
		s.DataValues = values
	}
	return s, nil
}

// ScanDataValueSet reads a dataValueSets document from r, calling fn for
// each figure as soon as it is read, and fills head with the envelope's
// fields (its DataValues are left alone). A value without a period or unit
// takes the envelope's, which must then come before "dataValues" (DHIS2
// writes them first): a value that finds neither is refused at once, so
// nothing read is revised later. The document is refused past MaxDataValueSetBytes,
// MaxDataValues or MaxFieldLength; every error but fn's is EINVALID, in
// Vietnamese, and says where in the document it is. An error of fn stops
// the scan and is returned as is.
func ScanDataValueSet(r io.Reader, head *DataValueSet, fn func(*kehoach.DataValue) error) error {
	lr := &limitReader{r: r, n: MaxDataValueSetBytes}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	fail := func(err error) error {
		if lr.over {
			return invalid("dataValues", "tệp quá lớn: tối đa %s byte", count(MaxDataValueSetBytes))
		}
		var fe *kehoach.Error
		if errors.As(err, &fe) {
			return err
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return invalid("dataValues", "tệp JSON không hợp lệ ở byte %s", count(int(se.Offset)))
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return invalid(te.Field, "trường %s ở byte %s có kiểu sai (cần %s)", te.Field, count(int(te.Offset)), jsonKind(te.Type.Kind().String()))
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return invalid("dataValues", "tệp JSON bị cắt cụt ở byte %s", count(int(dec.InputOffset())))
		}
		return invalid("dataValues", "tệp JSON không đọc được ở byte %s", count(int(dec.InputOffset())))
	}
	if err := expectDelim(dec, '{'); err != nil {
		return fail(err)
	}
	n := 0
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return invalid(key, "trường %s được nêu hai lần", short(key))
		}
		seen[key] = true
		switch key {
		case "dataSet", "completeDate", "period", "orgUnit":
			var s string
			if err := dec.Decode(&s); err != nil {
				return fail(err)
			}
			if err := checkField(key, s); err != nil {
				return err
			}
			switch key {
			case "dataSet":
				head.DataSet = s
			case "completeDate":
				head.CompleteDate = s
			case "period":
				head.Period = s
			case "orgUnit":
				head.OrgUnit = s
			}
		case "dataValues":
			if err := expectDelim(dec, '['); err != nil {
				return fail(err)
			}
			for dec.More() {
				if n >= maxDataValues {
					return invalid("dataValues", "tệp có hơn %s số liệu, tối đa %s", count(maxDataValues), count(maxDataValues))
				}
				var w wireValue
				if err := dec.Decode(&w); err != nil {
					return fail(err)
				}
				v, err := w.value(n, head)
				if err != nil {
					return err
				}
				n++
				if err := fn(v); err != nil {
					return err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return fail(err)
			}
		default:
			// Fields this program does not use (DHIS2 sends more: idScheme,
			// attributeOptionCombo …) are read and dropped.
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return fail(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if lr.over {
			return fail(err)
		}
		return invalid("dataValues", "tệp có nội dung thừa sau tập số liệu, ở byte %s", count(int(dec.InputOffset())))
	}
	return nil
}

// value turns a wire figure, the i-th of the document, into a domain one.
func (w *wireValue) value(i int, head *DataValueSet) (*kehoach.DataValue, error) {
	at := func(field string) string { return fmt.Sprintf("dataValues[%d].%s", i, field) }
	v := &kehoach.DataValue{Element: w.DataElement, Period: w.Period, Unit: w.OrgUnit, Disagg: w.CategoryOptionCombo,
		Comment: w.Comment, StoredBy: w.StoredBy, Deleted: w.Deleted}
	if v.Period == "" {
		v.Period = head.Period
	}
	if v.Unit == "" {
		v.Unit = head.OrgUnit
	}
	switch {
	case v.Element == "":
		return nil, invalid(at("dataElement"), "%s: thiếu mã chỉ tiêu", at("dataElement"))
	case v.Period == "":
		return nil, invalid(at("period"), "%s: thiếu kỳ (ở số liệu hay ở tập số liệu)", at("period"))
	case v.Unit == "":
		return nil, invalid(at("orgUnit"), "%s: thiếu mã đơn vị (ở số liệu hay ở tập số liệu)", at("orgUnit"))
	}
	switch raw := bytes.TrimSpace(w.Value); {
	case len(raw) == 0 || string(raw) == "null":
	case raw[0] == '"':
		if err := json.Unmarshal(raw, &v.Value); err != nil {
			return nil, invalid(at("value"), "%s: chuỗi không hợp lệ", at("value"))
		}
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		v.Value = string(raw) // a JSON number, written as sent
	case string(raw) == "true" || string(raw) == "false":
		v.Value = string(raw)
	default:
		return nil, invalid(at("value"), "%s: cần một chuỗi hay một số", at("value"))
	}
	for _, f := range [][2]string{{"dataElement", v.Element}, {"period", v.Period}, {"orgUnit", v.Unit},
		{"categoryOptionCombo", v.Disagg}, {"value", v.Value}, {"comment", v.Comment}, {"storedBy", v.StoredBy}} {
		if err := checkField(at(f[0]), f[1]); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// checkField refuses a text field longer than MaxFieldLength.
func checkField(name, s string) error {
	if len(s) > MaxFieldLength {
		return invalid(name, "%s dài %s byte, tối đa %s", name, count(len(s)), count(MaxFieldLength))
	}
	return nil
}

// expectDelim reads the delimiter want, or fails.
func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return invalid("dataValues", "tệp JSON không đúng dạng dataValueSets ở byte %s: cần %q", count(int(dec.InputOffset())), string(want))
	}
	return nil
}

// jsonKind names a Go kind the way a person writing JSON knows it.
func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "chuỗi"
	case "bool":
		return "true hay false"
	case "slice":
		return "danh sách"
	case "struct", "map":
		return "đối tượng"
	}
	return kind
}

// limitReader reads at most n bytes and remembers if there were more.
type limitReader struct {
	r    io.Reader
	n    int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One byte more tells a document of exactly n bytes from a longer one.
		var b [1]byte
		if k, _ := l.r.Read(b[:]); k > 0 {
			l.over = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}
