package dhis2

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"kehoach"
)

// Encoder writes a dataValueSets document one figure at a time, so that an
// export of millions of figures is never held whole in memory.
type Encoder interface {
	// Encode writes one figure.
	Encode(v *kehoach.DataValue) error
	// Close ends the document and flushes it; the writer stays open.
	Close() error
}

// NewEncoder starts a document of format f on w with head's envelope
// fields (JSON writes them all; ADX the data set; CSV has none).
func NewEncoder(f Format, w io.Writer, head *DataValueSet) (Encoder, error) {
	bw := bufio.NewWriterSize(w, 32<<10)
	var e Encoder
	var err error
	switch f {
	case FormatCSV:
		e, err = newCSVEncoder(bw)
	case FormatADX:
		e, err = newADXEncoder(bw, head.DataSet)
	default:
		e, err = newJSONEncoder(bw, head)
	}
	return flushing{e, bw}, err
}

// flushing flushes the buffer when the document ends.
type flushing struct {
	Encoder
	bw *bufio.Writer
}

func (f flushing) Close() error {
	if err := f.Encoder.Close(); err != nil {
		return err
	}
	return f.bw.Flush()
}

// jsonEncoder writes DHIS2's JSON: the envelope, then the figures.
type jsonEncoder struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

func newJSONEncoder(w io.Writer, s *DataValueSet) (*jsonEncoder, error) {
	var head bytes.Buffer
	head.WriteByte('{')
	for _, f := range [][2]string{{"dataSet", s.DataSet}, {"completeDate", s.CompleteDate}, {"period", s.Period}, {"orgUnit", s.OrgUnit}} {
		if f[1] == "" {
			continue
		}
		b, _ := json.Marshal(f[1])
		fmt.Fprintf(&head, "%q:%s,", f[0], b)
	}
	head.WriteString(`"dataValues":[`)
	e := &jsonEncoder{w: w}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	_, err := w.Write(head.Bytes())
	return e, err
}

func (e *jsonEncoder) Encode(v *kehoach.DataValue) error {
	e.buf.Reset()
	if e.n > 0 {
		e.buf.WriteByte(',')
	}
	e.n++
	if err := e.enc.Encode(v); err != nil {
		return err
	}
	_, err := e.w.Write(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
	return err
}

func (e *jsonEncoder) Close() error {
	_, err := io.WriteString(e.w, "]}\n")
	return err
}

// Export writes the figures scan yields as a document of format f,
// naming elements and units by elementScheme and unitScheme ("code" or
// "uid"), one figure at a time. It returns how many it wrote.
func Export(f Format, w io.Writer, head *DataValueSet, elementScheme, unitScheme string, scan func(fn func(*kehoach.DataValue) error) error) (int64, error) {
	byUID := func(s string) bool { return s == SchemeUID || s == "UID" }
	if byUID(unitScheme) && head.OrgUnit != "" {
		h := *head
		h.OrgUnit = UID("unit", h.OrgUnit)
		head = &h
	}
	enc, err := NewEncoder(f, w, head)
	if err != nil {
		return 0, err
	}
	var n int64
	err = scan(func(v *kehoach.DataValue) error {
		if byUID(elementScheme) {
			v.Element = UID("element", v.Element)
		}
		if byUID(unitScheme) {
			v.Unit = UID("unit", v.Unit)
		}
		n++
		return enc.Encode(v)
	})
	if err != nil {
		return n, err
	}
	return n, enc.Close()
}
