package dhis2

import (
	"bufio"
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"kehoach"
)

// Format is one of the three dataValueSets formats DHIS2 exchanges: its
// JSON, its CSV (fixed column order) and ADX, the IHE XML profile.
type Format string

// The formats.
const (
	FormatJSON Format = "json"
	FormatCSV  Format = "csv"
	FormatADX  Format = "adx"
)

// ParseFormat reads a format name as a person or a client writes it.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "json":
		return FormatJSON, nil
	case "csv":
		return FormatCSV, nil
	case "adx", "xml", "adx+xml":
		return FormatADX, nil
	}
	return "", invalid("format", "định dạng %q không hỗ trợ: chỉ json, csv hoặc adx", short(s))
}

// FormatOf tells a document's format from its file name or its HTTP
// content type, whichever says; false when neither does.
func FormatOf(name, contentType string) (Format, bool) {
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "json"):
		return FormatJSON, true
	case strings.Contains(ct, "csv"):
		return FormatCSV, true
	case strings.Contains(ct, "adx"), strings.Contains(ct, "xml"):
		return FormatADX, true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return FormatJSON, true
	case ".csv":
		return FormatCSV, true
	case ".adx", ".xml":
		return FormatADX, true
	}
	return "", false
}

// Sniff guesses the format from a document's first bytes: "{" is JSON,
// "<" is ADX, anything else CSV.
func Sniff(head []byte) Format {
	head = bytes.TrimPrefix(head, utf8BOM)
	head = bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(head) > 0 && head[0] == '{':
		return FormatJSON
	case len(head) > 0 && head[0] == '<':
		return FormatADX
	}
	return FormatCSV
}

// ContentType is the HTTP content type of documents of f.
func (f Format) ContentType() string {
	switch f {
	case FormatCSV:
		return "application/csv; charset=utf-8"
	case FormatADX:
		return "application/adx+xml; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// Ext is the file name extension of f.
func (f Format) Ext() string {
	if f == FormatADX {
		return ".adx.xml"
	}
	return "." + string(f)
}

// Scan reads a document of format f from r, calling fn with each figure
// and where it stands in the document ("dataValues[3]", "dòng 12"), and
// fills head with the envelope's fields. Every format reads UTF-8 only (a
// BOM is dropped, UTF-16 and other encodings are refused saying so),
// within the same limits (MaxDataValueSetBytes, MaxDataValues,
// MaxFieldLength). Errors but fn's are EINVALID, in Vietnamese, saying
// where; fn's stop the scan and come back as they are.
func Scan(f Format, r io.Reader, head *DataValueSet, fn func(v *kehoach.DataValue, at string) error) error {
	u := newUTF8Reader(r)
	var err error
	switch f {
	case FormatCSV:
		err = scanCSV(u, head, fn)
	case FormatADX:
		err = scanADX(u, head, fn)
	default:
		i := 0
		err = ScanDataValueSet(u, head, func(v *kehoach.DataValue) error {
			at := "dataValues[" + itoa(i) + "]"
			i++
			return fn(v, at)
		})
	}
	if u.err != nil {
		// The decoder saw the end of the stream where the encoding broke:
		// the encoding is the reason.
		return u.err
	}
	return err
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	if i == 0 {
		return "0"
	}
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// utf8Reader passes UTF-8 through, dropping a leading BOM, and stops with
// an EINVALID error (kept in err) at the first byte that is not UTF-8:
// a file saved as UTF-16 or in a legacy Vietnamese code page would
// otherwise come in as replacement characters.
type utf8Reader struct {
	r     *bufio.Reader
	start bool
	off   int64
	carry []byte // the start of a character cut by the previous read
	err   error
}

func newUTF8Reader(r io.Reader) *utf8Reader {
	return &utf8Reader{r: bufio.NewReaderSize(r, 64<<10), start: true}
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, io.EOF
	}
	if u.start {
		u.start = false
		b, _ := u.r.Peek(3)
		switch {
		case bytes.HasPrefix(b, utf8BOM):
			u.r.Discard(3)
			u.off = 3
		case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
			u.err = invalid("file", "tệp được lưu dạng UTF-16: hãy lưu lại dạng UTF-8")
			return 0, io.EOF
		}
	}
	n := copy(p, u.carry)
	u.carry = u.carry[n:]
	if len(u.carry) > 0 {
		return n, nil
	}
	k, err := u.r.Read(p[n:])
	n += k
	// Keep back an incomplete last character for the next read.
	end := n
	for i := 1; i <= 3 && i <= n; i++ {
		c := p[n-i]
		if c < 0x80 {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(p[n-i : n]) {
				end = n - i
			}
			break
		}
	}
	if err == nil && end < n {
		u.carry = append([]byte(nil), p[end:n]...)
		n = end
	}
	for i := 0; i < n; {
		c := p[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:n])
		if r == utf8.RuneError && size <= 1 {
			u.err = invalid("file", "tệp không phải văn bản UTF-8 (byte %s): hãy lưu lại dạng UTF-8", count(int(u.off)+i))
			return i, nil
		}
		i += size
	}
	u.off += int64(n)
	return n, err
}

// Cells is the figures of a document of format f as an import reads them
// (kehoach.ImportService): each with its place in the document; a figure
// marked deleted, or without a value, removes the stored one.
func Cells(f Format, r io.Reader, head *DataValueSet) func(yield func(kehoach.ImportCell) error) error {
	return func(yield func(kehoach.ImportCell) error) error {
		return Scan(f, r, head, func(v *kehoach.DataValue, at string) error {
			value := v.Value
			if v.Deleted {
				value = ""
			}
			return yield(kehoach.ImportCell{At: at, ValueCell: kehoach.ValueCell{Unit: v.Unit, Element: v.Element,
				Period: v.Period, Disagg: v.Disagg, Value: value, Comment: v.Comment}})
		})
	}
}

// Detect tells the format of a document about to be read from r: by its
// file name or content type when they say, else by its first bytes. The
// returned reader reads the whole document, the bytes looked at included.
func Detect(r io.Reader, name, contentType string) (Format, io.Reader) {
	if f, ok := FormatOf(name, contentType); ok {
		return f, r
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	return Sniff(head), br
}
