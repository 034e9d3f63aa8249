package planread

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kehoach"
	"kehoach/internal/locale"
)

// MaxSize is the largest file the reader accepts. A plan is a few dozen
// pages; 10 MB leaves room for embedded pictures while keeping a mistaken
// upload (a video, a database dump) from filling memory.
const MaxSize = 10 << 20

// maxXML bounds what is inflated from one part of a .docx, so a small
// archive that unpacks to gigabytes (a "zip bomb") is refused, not read.
const maxXML = 40 << 20

// para is one paragraph of the source as read: its text and, for a table
// row, its cells.
type para struct {
	Text  string
	Cells []string // non-nil for a table row
}

// invalid returns the reader's refusal of a file: a kehoach.EINVALID error
// whose field is "file", with the reason in Vietnamese.
func invalid(format string, args ...any) error {
	e := kehoach.Errorf(kehoach.EINVALID, format, args...)
	e.Fields = map[string]string{"file": e.Message}
	return e
}

// readParagraphs turns a file into paragraphs, choosing the reader by the
// content (the name only breaks ties), and refuses what is not a plan text.
func readParagraphs(name string, data []byte) ([]para, error) {
	switch {
	case len(data) == 0:
		return nil, invalid("tệp %s rỗng: không có nội dung để đọc", base(name))
	case len(data) > MaxSize:
		return nil, CheckSize(name, int64(len(data)))
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return nil, invalid("tệp %s là văn bản Word cũ (.doc): hãy mở bằng Word và lưu lại dưới dạng .docx (Lưu thành… > Word Document), rồi nhập lại", base(name))
	case bytes.HasPrefix(data, []byte("%PDF")):
		return nil, invalid("tệp %s là PDF: chưa đọc được PDF; hãy nhập tệp .docx gốc hoặc văn bản .txt", base(name))
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.EqualFold(filepath.Ext(name), ".docx"):
		return readDocx(name, data)
	}
	return readText(name, data)
}

// CheckSize refuses a file larger than MaxSize before it is read.
func CheckSize(name string, size int64) error {
	if size <= MaxSize {
		return nil
	}
	return invalid("tệp %s quá lớn (%s): tối đa %s; kế hoạch là văn bản, hãy bỏ hình ảnh hoặc lưu lại dưới dạng .docx chỉ có chữ", base(name), sizeText(size), sizeText(MaxSize))
}

func base(name string) string {
	if name == "" {
		return "đã chọn"
	}
	return "«" + filepath.Base(name) + "»"
}

func sizeText(n int64) string {
	return locale.VI.Fixed(float64(n)/(1<<20), 1) + " MB"
}

// readText reads plain UTF-8 text: one paragraph a line. Text in the old
// Vietnamese 8-bit encodings is refused, with how to convert it.
func readText(name string, data []byte) ([]para, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if bytes.IndexByte(data, 0) >= 0 {
		if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
			return nil, invalid("tệp %s là văn bản UTF-16: hãy lưu lại dưới dạng UTF-8 rồi nhập lại", base(name))
		}
		return nil, invalid("tệp %s không phải văn bản (có byte nhị phân): hãy nhập tệp .docx hoặc .txt của kế hoạch", base(name))
	}
	if !utf8.Valid(data) {
		// An 8-bit file: TCVN3 and VNI fonts store Vietnamese as Latin-1
		// bytes; read it so for the diagnosis only.
		latin := make([]rune, len(data))
		for i, b := range data {
			latin[i] = rune(b)
		}
		if enc := legacyEncoding(string(latin)); enc != "" {
			return nil, legacyError(name, enc)
		}
		return nil, invalid("tệp %s không phải văn bản UTF-8: hãy lưu lại với bảng mã Unicode (UTF-8) rồi nhập lại", base(name))
	}
	text := norm.NFC.String(string(data))
	if enc := legacyEncoding(text); enc != "" {
		return nil, legacyError(name, enc)
	}
	if controlShare(text) > 0.01 {
		return nil, invalid("tệp %s không phải văn bản (nhiều ký tự điều khiển): hãy nhập tệp .docx hoặc .txt của kế hoạch", base(name))
	}
	var out []para
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(strings.ReplaceAll(line, "\r", ""))
		if line == "" {
			continue
		}
		if cells := tableCells(line); cells != nil {
			out = append(out, para{Text: strings.Join(cells, " | "), Cells: cells})
			continue
		}
		out = append(out, para{Text: line})
	}
	if len(out) == 0 {
		return nil, invalid("tệp %s chỉ có khoảng trắng: không có nội dung để đọc", base(name))
	}
	return out, nil
}

// tableCells splits a text line that is a table row: cells between "|"
// (as plain-text tables are typed) or separated by tabs.
func tableCells(line string) []string {
	var parts []string
	switch {
	case strings.HasPrefix(line, "|") && strings.Count(line, "|") >= 3:
		parts = strings.Split(strings.Trim(line, "|"), "|")
	case strings.Count(line, "\t") >= 2:
		parts = strings.Split(line, "\t")
	default:
		return nil
	}
	cells := make([]string, 0, len(parts))
	rule := true
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if strings.Trim(p, "-: ") != "" {
			rule = false
		}
		cells = append(cells, p)
	}
	if rule {
		return []string{} // a "|---|---|" separator: an empty row
	}
	return cells
}

func controlShare(s string) float64 {
	n, bad := 0, 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			bad++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(bad) / float64(n)
}

// Characters that Vietnamese written in Unicode never uses but that the
// TCVN3 (ABC) and VNI fonts put in the place of Vietnamese letters: "¸"
// is TCVN3's á, "©" its â; "ø" is VNI's grave accent, "ï" its dot below.
const (
	tcvn3Marks = "¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾"
	vniMarks   = "øïäëöñåûÿÑØÏÄËÖÅ"
)

// legacyEncoding names the old encoding text is in, or "".
func legacyEncoding(text string) string {
	letters, tcvn, vni := 0, 0, 0
	for _, r := range text {
		switch {
		case strings.ContainsRune(tcvn3Marks, r):
			tcvn++
		case strings.ContainsRune(vniMarks, r):
			vni++
		case unicode.IsLetter(r):
			letters++
		}
	}
	total := letters + tcvn + vni
	if total == 0 {
		return ""
	}
	switch {
	case tcvn >= 3 && float64(tcvn)/float64(total) > 0.01:
		return "TCVN3 (ABC)"
	case vni >= 3 && float64(vni)/float64(total) > 0.01:
		return "VNI"
	}
	return ""
}

func legacyError(name, enc string) error {
	return invalid("tệp %s viết bằng bảng mã cũ %s, không phải Unicode: hãy chuyển mã sang Unicode (Unikey: Công cụ chuyển mã, nguồn %s, đích Unicode) rồi nhập lại", base(name), enc, enc)
}

// readDocx reads the paragraphs and table rows of word/document.xml, with
// the labels of automatic numbering ("1.", "a)", "-") written out as the
// reader of the printed page sees them.
func readDocx(name string, data []byte) ([]para, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, invalid("tệp %s không phải .docx đọc được (không mở được gói nén: %v): hãy mở bằng Word và lưu lại", base(name), err)
	}
	var doc, numbering []byte
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			doc, err = readPart(f)
		case "word/numbering.xml":
			numbering, err = readPart(f)
		}
		if err != nil {
			return nil, invalid("tệp %s hỏng: không đọc được %s (%v)", base(name), f.Name, err)
		}
	}
	if doc == nil {
		return nil, invalid("tệp %s không phải văn bản Word .docx (thiếu word/document.xml)", base(name))
	}
	nums := parseNumbering(numbering)
	paras, err := parseDocument(doc, nums)
	if err != nil {
		return nil, invalid("tệp %s hỏng: nội dung XML không đọc được (%v)", base(name), err)
	}
	var all strings.Builder
	for _, p := range paras {
		all.WriteString(p.Text)
	}
	if enc := legacyEncoding(all.String()); enc != "" {
		return nil, legacyError(name, enc)
	}
	if len(paras) == 0 {
		return nil, invalid("tệp %s không có đoạn văn nào: không có nội dung để đọc", base(name))
	}
	return paras, nil
}

func readPart(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxXML {
		return nil, fmt.Errorf("phần nội dung quá lớn")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxXML+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxXML {
		return nil, fmt.Errorf("phần nội dung quá lớn")
	}
	return b, nil
}

// numLevel is one level of a Word list: its format and label template.
type numLevel struct {
	Format string // decimal, lowerLetter, upperRoman, bullet…
	Text   string // "%1.", "(%1).", "%1.%2.", "-"
	Start  int
}

type numbering struct {
	levels map[string]map[int]numLevel // numId → ilvl → level
}

// parseNumbering reads numbering.xml: numId → abstractNum → levels.
func parseNumbering(b []byte) *numbering {
	n := &numbering{levels: map[string]map[int]numLevel{}}
	if b == nil {
		return n
	}
	var x struct {
		Abstract []struct {
			ID  string `xml:"abstractNumId,attr"`
			Lvl []struct {
				Ilvl  int `xml:"ilvl,attr"`
				Start struct {
					Val int `xml:"val,attr"`
				} `xml:"start"`
				Fmt struct {
					Val string `xml:"val,attr"`
				} `xml:"numFmt"`
				Text struct {
					Val string `xml:"val,attr"`
				} `xml:"lvlText"`
			} `xml:"lvl"`
		} `xml:"abstractNum"`
		Num []struct {
			ID       string `xml:"numId,attr"`
			Abstract struct {
				Val string `xml:"val,attr"`
			} `xml:"abstractNumId"`
		} `xml:"num"`
	}
	if xml.Unmarshal(b, &x) != nil {
		return n // numbering lost, text kept: labels in the text still work
	}
	abs := map[string]map[int]numLevel{}
	for _, a := range x.Abstract {
		m := map[int]numLevel{}
		for _, l := range a.Lvl {
			start := l.Start.Val
			if start == 0 {
				start = 1
			}
			m[l.Ilvl] = numLevel{Format: l.Fmt.Val, Text: l.Text.Val, Start: start}
		}
		abs[a.ID] = m
	}
	for _, num := range x.Num {
		n.levels[num.ID] = abs[num.Abstract.Val]
	}
	return n
}

// label renders the label of the next item of list numID at level ilvl,
// advancing counters (a deeper level restarts when a shallower one moves).
func (n *numbering) label(counters map[string][]int, numID string, ilvl int) string {
	levels := n.levels[numID]
	lvl, ok := levels[ilvl]
	if !ok || ilvl < 0 || ilvl > 8 {
		return ""
	}
	if lvl.Format == "bullet" {
		if lvl.Text == "" || !unicode.IsPunct([]rune(lvl.Text)[0]) {
			return "-"
		}
		return "-" // "•", "", "-" all read as a dash bullet
	}
	c := counters[numID]
	if c == nil {
		c = make([]int, 9)
		for i := range c {
			c[i] = levels[i].Start - 1
		}
		counters[numID] = c
	}
	c[ilvl]++
	for i := ilvl + 1; i < 9; i++ {
		c[i] = levels[i].Start - 1
	}
	out := lvl.Text
	for i := 0; i <= ilvl; i++ {
		out = strings.ReplaceAll(out, "%"+strconv.Itoa(i+1), formatNum(c[i], levels[i].Format))
	}
	return out
}

func formatNum(v int, format string) string {
	switch format {
	case "lowerLetter":
		if v >= 1 && v <= 26 {
			return string(rune('a' + v - 1))
		}
	case "upperLetter":
		if v >= 1 && v <= 26 {
			return string(rune('A' + v - 1))
		}
	case "upperRoman":
		return roman(v)
	case "lowerRoman":
		return strings.ToLower(roman(v))
	}
	return strconv.Itoa(v)
}

func roman(v int) string {
	if v <= 0 || v >= 40 {
		return strconv.Itoa(v)
	}
	var b strings.Builder
	for _, p := range []struct {
		n int
		s string
	}{{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for v >= p.n {
			b.WriteString(p.s)
			v -= p.n
		}
	}
	return b.String()
}

// parseDocument walks document.xml token by token: w:p is a paragraph,
// w:t its text, w:tab and w:br spaces, w:numPr its list label; a w:tr is
// a table row whose w:tc cells are kept apart.
func parseDocument(b []byte, nums *numbering) ([]para, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var (
		out      []para
		text     strings.Builder
		inText   bool
		numID    string
		ilvl     int
		counters = map[string][]int{}
		row      []string
		inRow    bool
		cell     strings.Builder
		depth    int // table nesting
	)
	flush := func() {
		t := strings.TrimSpace(norm.NFC.String(text.String()))
		text.Reset()
		if numID != "" && numID != "0" {
			if l := nums.label(counters, numID, ilvl); l != "" && t != "" {
				t = l + " " + t
			}
		}
		numID, ilvl = "", 0
		if t == "" {
			return
		}
		if inRow {
			if cell.Len() > 0 {
				cell.WriteByte(' ')
			}
			cell.WriteString(t)
			return
		}
		out = append(out, para{Text: t})
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tbl":
				depth++
			case "tr":
				if depth == 1 {
					inRow, row = true, nil
				}
			case "tc":
				if depth == 1 {
					cell.Reset()
				}
			case "p":
				text.Reset()
				numID, ilvl = "", 0
			case "t":
				inText = true
			case "tab", "br", "cr":
				text.WriteByte(' ')
			case "numId":
				numID = attr(t, "val")
			case "ilvl":
				ilvl, _ = strconv.Atoi(attr(t, "val"))
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				flush()
			case "tc":
				if depth == 1 && inRow {
					row = append(row, strings.TrimSpace(cell.String()))
					cell.Reset()
				}
			case "tr":
				if depth == 1 && inRow {
					inRow = false
					if strings.TrimSpace(strings.Join(row, "")) != "" {
						out = append(out, para{Text: strings.Join(row, " | "), Cells: row})
					}
				}
			case "tbl":
				depth--
			}
		case xml.CharData:
			if inText {
				text.Write(t)
			}
		}
	}
	return out, nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
