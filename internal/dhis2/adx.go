package dhis2

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"kehoach"
	"kehoach/period"
)

// ADX (IHE QRPH Aggregate Data Exchange) as DHIS2 reads and writes it:
//
//	<adx xmlns="urn:ihe:qrph:adx:2015">
//	  <group dataSet="F" orgUnit="U" period="2024-01-01/P3M">
//	    <dataValue dataElement="E" value="12"><annotation>ghi chú</annotation></dataValue>
//	  </group>
//	</adx>
//
// Periods are ISO 8601 intervals (start/duration); the DHIS2 identifier
// ("2024Q1") is also read. The disaggregation rides in the attribute
// categoryOptionCombo.

// ADXNamespace is ADX's XML namespace.
const ADXNamespace = "urn:ihe:qrph:adx:2015"

// ADXPeriod writes a period identifier as an ADX interval ("2024Q1" →
// "2024-01-01/P3M").
func ADXPeriod(id string) (string, error) {
	p, err := period.Parse(id)
	if err != nil {
		return "", err
	}
	dur := map[period.Type]string{period.Yearly: "P1Y", period.SixMonthly: "P6M", period.Quarterly: "P3M", period.Monthly: "P1M"}[p.Type]
	return p.Start().Format(kehoach.DateFormat) + "/" + dur, nil
}

// parseADXPeriod reads an ADX interval, or a DHIS2 identifier, as the
// identifier; the interval must start where a period of its length does.
func parseADXPeriod(s string) (string, error) {
	s = strings.TrimSpace(s)
	start, dur, ok := strings.Cut(s, "/")
	if !ok {
		if _, err := period.Parse(s); err != nil {
			return "", err
		}
		return s, nil
	}
	t, err := time.Parse(kehoach.DateFormat, start)
	if err != nil {
		return "", fmt.Errorf("kỳ %q: ngày bắt đầu phải có dạng NNNN-TT-NN", short(s))
	}
	types := map[string]period.Type{"P1Y": period.Yearly, "P12M": period.Yearly, "P6M": period.SixMonthly, "P3M": period.Quarterly, "P1M": period.Monthly}
	pt, ok := types[strings.ToUpper(dur)]
	if !ok {
		return "", fmt.Errorf("kỳ %q: độ dài %q không hỗ trợ (P1Y, P6M, P3M, P1M)", short(s), short(dur))
	}
	p := period.Of(pt, t)
	if !p.Start().Equal(t) {
		return "", fmt.Errorf("kỳ %q không bắt đầu ở đầu một kỳ (%s bắt đầu ngày %s)", short(s), p, p.Start().Format(kehoach.DateFormat))
	}
	return p.String(), nil
}

// scanADX reads an ADX document, figure by figure.
func scanADX(r io.Reader, head *DataValueSet, fn func(*kehoach.DataValue, string) error) error {
	lr := &limitReader{r: r, n: MaxDataValueSetBytes}
	dec := xml.NewDecoder(lr)
	// Only UTF-8: a declared legacy encoding is refused, not guessed.
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") {
			return in, nil
		}
		return nil, fmt.Errorf("encoding %s", label)
	}
	at := func() string {
		line, _ := dec.InputPos()
		return "dòng " + itoa(line)
	}
	fail := func(err error) error {
		if lr.over {
			return invalid("file", "tệp quá lớn: tối đa %s byte", count(MaxDataValueSetBytes))
		}
		var fe *kehoach.Error
		if errors.As(err, &fe) {
			return err
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected EOF") {
			return invalid("file", "tệp ADX bị cắt cụt ở %s", at())
		}
		if strings.Contains(err.Error(), "encoding") {
			return invalid("file", "tệp ADX khai báo bảng mã khác UTF-8: hãy lưu lại dạng UTF-8")
		}
		return invalid("file", "tệp ADX không hợp lệ ở %s", at())
	}
	var group *DataValueSet // the open group's fields
	var cur *kehoach.DataValue
	var curAt string
	inAnnotation, seenRoot, rootClosed := false, false, false
	depth, n := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if lr.over {
				return fail(err)
			}
			if !seenRoot || !rootClosed {
				return invalid("file", "tệp ADX bị cắt cụt ở %s (thiếu phần tử adx)", at())
			}
			return nil
		}
		if err != nil {
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if rootClosed {
				return invalid("file", "tệp ADX có nội dung thừa sau phần tử adx, ở %s", at())
			}
			attr := func(name string) string {
				for _, a := range t.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			switch {
			case depth == 1:
				if t.Name.Local != "adx" {
					return invalid("file", "tệp ADX cần phần tử gốc adx, gặp %q", short(t.Name.Local))
				}
				seenRoot = true
			case depth == 2 && t.Name.Local == "group":
				group = &DataValueSet{DataSet: attr("dataSet"), OrgUnit: attr("orgUnit"), CompleteDate: attr("completeDate")}
				if p := attr("period"); p != "" {
					id, err := parseADXPeriod(p)
					if err != nil {
						return invalid(at(), "%s: %v", at(), err)
					}
					group.Period = id
				}
				for _, f := range []string{group.DataSet, group.OrgUnit, group.CompleteDate} {
					if err := checkField(at(), f); err != nil {
						return err
					}
				}
				if head.DataSet == "" {
					head.DataSet = group.DataSet
				}
			case depth == 3 && t.Name.Local == "dataValue" && group != nil:
				if n >= maxDataValues {
					return invalid("file", "tệp có hơn %s số liệu, tối đa %s", count(maxDataValues), count(maxDataValues))
				}
				curAt = at()
				cur = &kehoach.DataValue{Element: attr("dataElement"), Period: group.Period, Unit: group.OrgUnit,
					Disagg: attr("categoryOptionCombo"), Value: attr("value"), Deleted: strings.EqualFold(attr("deleted"), "true")}
			case depth == 4 && t.Name.Local == "annotation" && cur != nil:
				inAnnotation = true
			case depth > 4:
				return invalid(at(), "%s: phần tử %q lồng quá sâu", at(), short(t.Name.Local))
			}
		case xml.CharData:
			if inAnnotation {
				if len(cur.Comment)+len(t) > MaxFieldLength {
					return checkField(curAt+".annotation", cur.Comment+string(t))
				}
				cur.Comment += string(t)
			}
		case xml.EndElement:
			depth--
			switch {
			case depth == 0:
				rootClosed = true
			case depth == 1:
				group = nil
			case depth == 2 && cur != nil:
				v := cur
				cur = nil
				if err := checkValue(curAt, v); err != nil {
					return err
				}
				n++
				if err := fn(v, curAt); err != nil {
					return err
				}
			case depth == 3:
				inAnnotation = false
			}
		}
	}
}

// adxEncoder writes ADX, one group per run of figures of one unit and
// period.
type adxEncoder struct {
	w       io.Writer
	dataSet string
	open    bool
	unit    string
	period  string
	buf     []byte
}

func newADXEncoder(w io.Writer, dataSet string) (*adxEncoder, error) {
	_, err := io.WriteString(w, xml.Header+`<adx xmlns="`+ADXNamespace+`">`+"\n")
	return &adxEncoder{w: w, dataSet: dataSet}, err
}

func (e *adxEncoder) Encode(v *kehoach.DataValue) error {
	e.buf = e.buf[:0]
	if !e.open || v.Unit != e.unit || v.Period != e.period {
		if e.open {
			e.buf = append(e.buf, "  </group>\n"...)
		}
		p, err := ADXPeriod(v.Period)
		if err != nil {
			return err
		}
		e.buf = append(e.buf, "  <group"...)
		if e.dataSet != "" {
			e.buf = appendAttr(e.buf, "dataSet", e.dataSet)
		}
		e.buf = appendAttr(e.buf, "orgUnit", v.Unit)
		e.buf = appendAttr(e.buf, "period", p)
		e.buf = append(e.buf, ">\n"...)
		e.open, e.unit, e.period = true, v.Unit, v.Period
	}
	e.buf = append(e.buf, "    <dataValue"...)
	e.buf = appendAttr(e.buf, "dataElement", v.Element)
	if v.Disagg != "" {
		e.buf = appendAttr(e.buf, "categoryOptionCombo", v.Disagg)
	}
	e.buf = appendAttr(e.buf, "value", v.Value)
	if v.Deleted {
		e.buf = appendAttr(e.buf, "deleted", "true")
	}
	if v.Comment != "" {
		e.buf = append(e.buf, "><annotation>"...)
		e.buf = appendEscaped(e.buf, v.Comment)
		e.buf = append(e.buf, "</annotation></dataValue>\n"...)
	} else {
		e.buf = append(e.buf, "/>\n"...)
	}
	_, err := e.w.Write(e.buf)
	return err
}

func (e *adxEncoder) Close() error {
	s := "</adx>\n"
	if e.open {
		s = "  </group>\n" + s
	}
	_, err := io.WriteString(e.w, s)
	return err
}

func appendAttr(b []byte, name, value string) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, `="`...)
	b = appendEscaped(b, value)
	return append(b, '"')
}

// appendEscaped escapes text for an attribute or element, keeping line
// breaks and tabs as character references so that they survive attribute
// normalisation.
func appendEscaped(b []byte, s string) []byte {
	var sb strings.Builder
	xml.EscapeText(&sb, []byte(s))
	return append(b, sb.String()...)
}
