package dhis2

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"

	"kehoach"
)

// csvColumns are DHIS2's dataValueSets CSV columns, in its order.
var csvColumns = []string{"dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo",
	"value", "storedby", "lastupdated", "comment", "followup", "deleted"}

// csvMinColumns: a row names its element, period, unit, the two option
// combos (possibly empty) and the value; the rest may be left off.
const csvMinColumns = 6

// scanCSV reads DHIS2's CSV: the columns in csvColumns' order, the header
// row optional (told by its first cell), one figure a row.
func scanCSV(r io.Reader, head *DataValueSet, fn func(*kehoach.DataValue, string) error) error {
	lr := &limitReader{r: r, n: MaxDataValueSetBytes}
	cr := csv.NewReader(lr)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	n := 0
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			if lr.over {
				return invalid("file", "tệp quá lớn: tối đa %s byte", count(MaxDataValueSetBytes))
			}
			return nil
		}
		at := "dòng " + itoa(line)
		if err != nil {
			if lr.over {
				return invalid("file", "tệp quá lớn: tối đa %s byte", count(MaxDataValueSetBytes))
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				at = "dòng " + itoa(pe.Line)
				if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
					return invalid(at, "%s: dấu ngoặc kép không đúng chỗ (hay tệp bị cắt cụt)", at)
				}
			}
			return invalid(at, "%s: không đọc được dòng CSV", at)
		}
		if line, _ := cr.FieldPos(0); line > 0 {
			at = "dòng " + itoa(line)
		}
		if n == 0 && line == 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "dataelement") {
			continue // the header
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) < csvMinColumns {
			return invalid(at, "%s: có %d cột, cần ít nhất %d (%s)", at, len(rec), csvMinColumns, strings.Join(csvColumns[:csvMinColumns], ", "))
		}
		if n >= maxDataValues {
			return invalid("file", "tệp có hơn %s số liệu, tối đa %s", count(maxDataValues), count(maxDataValues))
		}
		col := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		v := &kehoach.DataValue{Element: col(0), Period: col(1), Unit: col(2), Disagg: col(3), Value: rec[5],
			StoredBy: col(6), Comment: col(8), Deleted: strings.EqualFold(col(10), "true")}
		if err := checkValue(at, v); err != nil {
			return err
		}
		n++
		if err := fn(v, at); err != nil {
			return err
		}
	}
}

// checkValue refuses a figure without its codes or with a field too long.
func checkValue(at string, v *kehoach.DataValue) error {
	switch {
	case v.Element == "":
		return invalid(at, "%s: thiếu mã chỉ tiêu (dataElement)", at)
	case v.Period == "":
		return invalid(at, "%s: thiếu kỳ (period)", at)
	case v.Unit == "":
		return invalid(at, "%s: thiếu mã đơn vị (orgUnit)", at)
	}
	for _, f := range [][2]string{{"dataElement", v.Element}, {"period", v.Period}, {"orgUnit", v.Unit},
		{"categoryOptionCombo", v.Disagg}, {"value", v.Value}, {"comment", v.Comment}, {"storedBy", v.StoredBy}} {
		if len(f[1]) > MaxFieldLength { // the name only for the message
			return checkField(at+"."+f[0], f[1])
		}
	}
	return nil
}

// csvEncoder writes DHIS2's CSV, header first.
type csvEncoder struct {
	w   *csv.Writer
	rec []string
}

func newCSVEncoder(w io.Writer) (*csvEncoder, error) {
	e := &csvEncoder{w: csv.NewWriter(w), rec: make([]string, len(csvColumns))}
	return e, e.w.Write(csvColumns)
}

func (e *csvEncoder) Encode(v *kehoach.DataValue) error {
	updated := ""
	if !v.Updated.IsZero() {
		updated = v.Updated.UTC().Format(time.RFC3339)
	}
	deleted := ""
	if v.Deleted {
		deleted = "true"
	}
	copy(e.rec, []string{v.Element, v.Period, v.Unit, v.Disagg, "", v.Value, v.StoredBy, updated, v.Comment, "", deleted})
	return e.w.Write(e.rec)
}

func (e *csvEncoder) Close() error {
	e.w.Flush()
	return e.w.Error()
}
