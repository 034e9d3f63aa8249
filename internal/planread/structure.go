package planread

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"kehoach/internal/vntext"
)

// paragraphX is one paragraph after page-break repair, with its span.
type paragraphX struct {
	Text  string
	Cells []string
	Span  Span
}

var (
	reRoman  = regexp.MustCompile(`^([IVX]{1,5})[.)]\s+(.*)$`)
	reNumber = regexp.MustCompile(`^(\d{1,2}(?:\.\d{1,2}){0,3})[.)]\s*(.*)$`)
	reParen  = regexp.MustCompile(`^\((\d{1,2})\)[.:]?\s*(.*)$`)
	reLetter = regexp.MustCompile(`^([a-zđ])[.)]\s+(.*)$`)
	reBullet = regexp.MustCompile(`^[-–—•+*]\s*(.+)$`)
	reSo     = regexp.MustCompile(`^Số\s*:?\s*(\S*)\s*(.*)$`)
	reDate   = regexp.MustCompile(`ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})`)
	reYear   = regexp.MustCompile(`(19|20)\d\d`)
)

// docTypes are the document types of Nghị định 30/2020/NĐ-CP a plan comes as.
var docTypes = []string{"KẾ HOẠCH", "CHƯƠNG TRÌNH HÀNH ĐỘNG", "CHƯƠNG TRÌNH", "NGHỊ QUYẾT", "QUYẾT ĐỊNH", "ĐỀ ÁN", "CHỈ THỊ", "BÁO CÁO", "PHƯƠNG ÁN"}

// build joins lines broken by page ends, then reads the header, the basis
// and the section tree.
func build(paras []para) *Document {
	d := &Document{}
	var joined []para
	for _, p := range paras {
		if n := len(joined); n > 0 && p.Cells == nil && joined[n-1].Cells == nil && continues(joined[n-1].Text, p.Text) {
			joined[n-1].Text += " " + p.Text
			continue
		}
		if p.Cells != nil && len(p.Cells) == 0 {
			continue
		}
		joined = append(joined, p)
	}
	var b strings.Builder
	for i, p := range joined {
		if i > 0 {
			b.WriteByte('\n')
		}
		start := b.Len()
		b.WriteString(p.Text)
		d.paragraphs = append(d.paragraphs, paragraphX{Text: p.Text, Cells: p.Cells, Span: Span{Start: start, End: b.Len()}})
	}
	d.Text = b.String()
	body := d.readHeader()
	d.readSections(body)
	return d
}

// continues reports whether next is the rest of prev cut by a page end: prev
// stops without closing punctuation and next starts in lower case.
func continues(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	if strings.ContainsRune(".:;!?…)", last) || !unicode.IsLower(first) {
		return false
	}
	return !isMarker(next)
}

func isMarker(s string) bool {
	return reRoman.MatchString(s) || reNumber.MatchString(s) || reParen.MatchString(s) || reLetter.MatchString(s) || reBullet.MatchString(s)
}

// readHeader reads the heading block and the basis; it returns the index of
// the first paragraph of the body.
func (d *Document) readHeader() int {
	h := &d.Header
	i := 0
	titleOpen := false
	for ; i < len(d.paragraphs); i++ {
		p := d.paragraphs[i]
		t := p.Text
		if isMarker(t) && !reSo.MatchString(t) {
			break
		}
		lines := []string{t}
		if p.Cells != nil {
			lines = p.Cells
		}
		if strings.HasPrefix(t, "Căn cứ") {
			titleOpen = false
			for _, part := range splitBasis(t) {
				d.Basis = append(d.Basis, Basis{Text: part, Source: sub(p.Span, t, part)})
			}
			continue
		}
		for _, line := range lines {
			// A cell of the heading table holds several lines run
			// together: "ỦY BAN NHÂN DÂN HUYỆN X Số: 12/KH-UBND".
			if j := strings.Index(line, "Hạnh phúc"); j >= 0 {
				line = line[j+len("Hạnh phúc"):]
			}
			if j := strings.Index(line, "Số:"); j > 0 {
				d.headerLine(line[:j], &titleOpen)
				line = line[j:]
			}
			d.headerLine(line, &titleOpen)
		}
		if h.Source.End == 0 {
			h.Source.Start = p.Span.Start
		}
		h.Source.End = p.Span.End
	}
	return i
}

func (d *Document) headerLine(line string, titleOpen *bool) {
	h := &d.Header
	line = strings.TrimSpace(line)
	up := strings.ToUpper(line)
	switch {
	case line == "":
	case strings.Contains(up, "CỘNG HÒA XÃ HỘI") || strings.Contains(up, "CỘNG HOÀ XÃ HỘI") || strings.Contains(line, "Độc lập"):
		// the national motto is in every document; it names no one
	case reSo.MatchString(line):
		m := reSo.FindStringSubmatch(line)
		h.Number = strings.TrimRight(m[1], ",")
		d.placeDate(m[2])
	case reDate.MatchString(line) && h.DateText == "":
		d.placeDate(line)
	case docType(up) != "" && h.Type == "":
		h.Type = docType(up)
		rest := strings.TrimSpace(line[len(strings.ToUpper(h.Type)):])
		if rest != "" && len(rest) < len(line) {
			h.Title = rest
		}
		*titleOpen = true
	case *titleOpen:
		h.Title = strings.TrimSpace(h.Title + " " + line)
	case h.Type == "" && line == up && strings.IndexFunc(line, unicode.IsLetter) >= 0:
		// upper-case lines before the type are the issuer ("ỦY BAN NHÂN
		// DÂN" / "HUYỆN TAM ĐƯỜNG")
		h.Issuer = strings.TrimSpace(h.Issuer + " " + line)
	}
}

func docType(up string) string {
	for _, t := range docTypes {
		if strings.HasPrefix(up, t) {
			r := []rune(strings.ToLower(t))
			r[0] = unicode.ToUpper(r[0])
			return string(r)
		}
	}
	return ""
}

func (d *Document) placeDate(s string) {
	h := &d.Header
	if m := reDate.FindStringSubmatchIndex(s); m != nil {
		h.DateText = s[m[0]:m[1]]
		h.Place = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s[:m[0]]), ","))
		y, mo, day := s[m[6]:m[7]], "", ""
		if m[4] >= 0 {
			mo = s[m[4]:m[5]]
		}
		if m[2] >= 0 {
			day = s[m[2]:m[3]]
		}
		h.Date = y
		if mo != "" {
			h.Date += "-" + pad2(mo)
			if day != "" {
				h.Date += "-" + pad2(day)
			}
		}
	}
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// splitBasis splits a paragraph of basis into its "Căn cứ …" parts, without
// the issuer's closing clause (", UBND … xây dựng Kế hoạch …").
func splitBasis(t string) []string {
	var out []string
	for _, part := range strings.Split(t, ";") {
		part = strings.TrimSpace(part)
		if i := strings.Index(part, "Căn cứ"); i >= 0 {
			part = part[i:]
		}
		if !strings.HasPrefix(part, "Căn cứ") {
			continue
		}
		for _, end := range []string{", UBND", ", Ủy ban", ", Uỷ ban", ", Ban Thường vụ", ", Hội đồng"} {
			if i := strings.Index(part, end); i > 0 {
				part = part[:i]
			}
		}
		out = append(out, strings.TrimRight(strings.TrimSpace(strings.TrimPrefix(part, "Căn cứ")), ",.:"))
	}
	return out
}

// sub is the span of part inside a paragraph text t at span s.
func sub(s Span, t, part string) Span {
	if i := strings.Index(t, part); i >= 0 {
		return Span{s.Start + i, s.Start + i + len(part), part}
	}
	return s
}

// readSections builds the section tree from paragraph i on, until the
// closing ("Trên đây …", "Nơi nhận").
func (d *Document) readSections(i int) {
	root := &Node{Kind: "root"}
	cur := root // the deepest open heading
	var last *Node
	closing := false
	for ; i < len(d.paragraphs); i++ {
		p := d.paragraphs[i]
		t := p.Text
		if strings.HasPrefix(t, "Trên đây") || strings.HasPrefix(t, "Nơi nhận") || strings.HasPrefix(t, "TM.") || strings.HasPrefix(t, "T/M") || strings.HasPrefix(t, "KT.") {
			closing = true
		}
		if closing {
			d.closingLine(t)
			continue
		}
		n := &Node{Text: t, Source: p.Span, cells: p.Cells}
		depth := 0
		switch {
		case p.Cells != nil:
			n.Kind = "row"
		case reRoman.MatchString(t):
			m := reRoman.FindStringSubmatch(t)
			n.Kind, n.Label, n.Title, depth = "roman", m[1], m[2], 1
		case reNumber.MatchString(t) && !reYear.MatchString(t[:min(len(t), 4)]):
			m := reNumber.FindStringSubmatch(t)
			n.Kind, n.Label, n.Title, depth = "number", m[1], m[2], 2+strings.Count(m[1], ".")
		case reParen.MatchString(t):
			m := reParen.FindStringSubmatch(t)
			n.Kind, n.Label, n.Title = "paren", "("+m[1]+")", m[2]
		case reLetter.MatchString(t):
			m := reLetter.FindStringSubmatch(t)
			n.Kind, n.Label, n.Title = "letter", m[1], m[2]
		case reBullet.MatchString(t):
			n.Kind, n.Label, n.Title = "bullet", "-", reBullet.FindStringSubmatch(t)[1]
		default:
			n.Kind, n.Title = "para", t
		}
		if depth > 0 {
			for cur != root && headingDepth(cur) >= depth {
				cur = cur.parent
			}
			n.parent = cur
			cur.Children = append(cur.Children, n)
			n.Number = n.Label
			if cur.Number != "" {
				if n.Kind == "number" && strings.Contains(n.Label, ".") && cur.Kind == "number" {
					// "2.1" under "II.2": the label already holds its parent's number
					n.Number = parentNumber(cur.Number) + "." + n.Label
				} else {
					n.Number = cur.Number + "." + n.Label
				}
			}
			n.Role = roleOf(n.Title, cur.Role)
			cur, last = n, n
			continue
		}
		// A plain paragraph after a bullet or item continues it (a second
		// paragraph of the same bullet), unless it is a heading-less body.
		if n.Kind == "para" && last != nil && (last.Kind == "bullet" || last.Kind == "paren" || last.Kind == "letter") {
			last.Text = d.Text[last.Source.Start:p.Span.End]
			last.Title += "\n" + t
			last.Source.End = p.Span.End
			continue
		}
		parent := cur
		if n.Kind == "letter" && last != nil && last.Kind == "paren" {
			parent = last
		}
		n.parent, n.Number, n.Role = parent, parent.Number, parent.Role
		parent.Children = append(parent.Children, n)
		if n.Kind != "letter" || parent == cur {
			last = n
		}
	}
	d.Sections = root.Children
	for _, s := range d.Sections {
		s.parent = nil
	}
}

func headingDepth(n *Node) int {
	switch n.Kind {
	case "roman":
		return 1
	case "number":
		return 2 + strings.Count(n.Label, ".")
	}
	return 0
}

// parentNumber drops the last part of a section number: "II.2" → "II".
func parentNumber(num string) string {
	if i := strings.LastIndex(num, "."); i >= 0 {
		return num[:i]
	}
	return ""
}

// roleOf is what a section holds, from its heading (inherited otherwise).
func roleOf(title, inherited string) string {
	f := vntext.Fold(title)
	for _, w := range []string{"cac ", "nhung ", "mot so ", "ii. ", "i. "} {
		f = strings.TrimPrefix(f, w)
	}
	switch {
	case strings.HasPrefix(f, "to chuc thuc hien") || strings.HasPrefix(f, "phan cong") || strings.HasPrefix(f, "trach nhiem"):
		return "duties"
	case strings.HasPrefix(f, "muc tieu") || strings.HasPrefix(f, "chi tieu"):
		return "targets"
	case strings.HasPrefix(f, "nhiem vu") || strings.HasPrefix(f, "giai phap"):
		return "tasks"
	case strings.HasPrefix(f, "muc dich") || strings.HasPrefix(f, "yeu cau") || strings.HasPrefix(f, "quan diem"):
		return "purpose"
	}
	return inherited
}

// closingLine reads the signature block for the signer: the last line
// that looks like a name.
func (d *Document) closingLine(t string) {
	if t == strings.ToUpper(t) || strings.HasPrefix(t, "-") || strings.Contains(t, ":") || strings.HasPrefix(t, "Trên đây") {
		return
	}
	words := strings.Fields(t)
	if len(words) < 2 || len(words) > 5 {
		return
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return
		}
	}
	d.Header.Signer = t
}

// walk calls f for every node, depth first.
func walk(nodes []*Node, f func(*Node)) {
	for _, n := range nodes {
		f(n)
		walk(n.Children, f)
	}
}

// hasRole reports whether some section has the role.
func (d *Document) hasRole(role string) bool {
	found := false
	walk(d.Sections, func(n *Node) {
		if n.Role == role && (n.Kind == "roman" || n.Kind == "number") {
			found = true
		}
	})
	return found
}

// body is the text of a node after its label.
func (n *Node) body() string {
	if n.Kind == "row" {
		return n.Text
	}
	return n.Title
}

func atoiOr(s string, def int) int {
	if v, err := strconv.Atoi(s); err == nil {
		return v
	}
	return def
}
