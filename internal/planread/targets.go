package planread

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"kehoach"
	"kehoach/internal/vntext"
)

// reNum finds figures: "84,6", "1.200", "98" and a following "%". The
// character before must not be part of a code or a date ("102-KH", "30/9").
var reNum = regexp.MustCompile(`(?:^|[^\p{L}\d/.,\-])((?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?)\s*(%|phần trăm)?`)

// subjects are the counted subjects, by the folded words that name them.
// Longer names first, so "hộ gia đình" wins over "hộ".
var subjects = []struct{ key, class string }{
	{"hộ gia đình", "hộ"}, {"hộ nghèo", "hộ"}, {"hộ cận nghèo", "hộ"}, {"hộ dân", "hộ"}, {"hộ", "hộ"},
	{"thôn", "bản"}, {"bản", "bản"}, {"tổ dân phố", "bản"}, {"khu dân cư", "bản"}, {"làng", "bản"}, {"khu phố", "bản"}, {"thôn, bản", "bản"},
	{"xã", "xã"}, {"phường", "xã"}, {"thị trấn", "xã"},
	{"huyện", "huyện"}, {"thành phố", "huyện"}, {"thị xã", "huyện"},
	{"cơ quan", "cơ quan"}, {"đơn vị", "cơ quan"}, {"doanh nghiệp", "cơ quan"}, {"ban ngành", "cơ quan"},
	{"trường", "trường"}, {"cơ sở giáo dục", "trường"},
	{"cán bộ", "cán bộ"},
	{"công chức", "người"}, {"viên chức", "người"}, {"người lao động", "người"}, {"lao động", "người"},
	{"người dân", "người"}, {"người", "người"}, {"học sinh", "người"}, {"trẻ em", "người"}, {"trẻ", "người"}, {"dân số", "người"},
	{"đảng viên", "người"}, {"hội viên", "người"}, {"đoàn viên", "người"}, {"thanh niên", "người"}, {"phụ nữ", "người"},
	{"nhân dân", "người"}, {"giáo viên", "người"}, {"bác sĩ", "người"}, {"báo cáo viên", "người"}, {"tuyên truyền viên", "người"},
	{"học viên", "người"}, {"bệnh nhân", "người"}, {"người bệnh", "người"}, {"sinh viên", "người"},
}

// compare rules: the folded words just before a figure, longest first.
var compareBefore = []struct{ words, op string }{
	{"khong thap hon", ">="}, {"khong duoi", ">="}, {"toi thieu la", ">="}, {"toi thieu", ">="}, {"it nhat la", ">="}, {"it nhat", ">="},
	{"xuong duoi", "<"}, {"xuong thap hon", "<"}, {"xuong con duoi", "<"},
	{"khong vuot qua", "<="}, {"khong qua", "<="}, {"khong cao hon", "<="}, {"toi da", "<="}, {"xuong con", "<="}, {"xuong", "<="}, {"con", "<="},
	{"thap hon", "<"}, {"it hon", "<"}, {"duoi", "<"},
	{"cao hon", ">"}, {"nhieu hon", ">"}, {"vuot", ">"}, {"tren", ">"}, {"hon", ">"},
	{"≥", ">="}, {">=", ">="}, {"≤", "<="}, {"<=", "<="}, {">", ">"}, {"<", "<"},
	{"tu", ">="}, {"dat", ">="},
}

// targetVerbs before an absolute number make it a target ("xây mới 20 nhà
// văn hóa"); elsewhere a bare number is a reference ("06 trường là").
var targetVerbs = []string{"xay moi", "xay dung", "lam moi", "nang cap", "dao tao", "tao viec lam", "giai quyet viec lam",
	"thu hut", "don", "dat", "phan dau", "tang them", "trong moi", "trong", "cung hoa", "thanh lap", "tuyen moi", "ket nap",
	"ho tro", "co them", "giam", "tang", "sua chua", "mo moi", "mo", "to chuc", "phat trien", "duy tri", "be tong hoa", "cap", "xoa"}

// measureUnits are the units of amounts; what they measure has no counted subject.
var measureUnits = []string{"trieu dong", "ty dong", "nghin ty", "dong", "ha", "km", "tan", "usd", "luot", "m2", "m3", "kwh", "lan", "ngay", "gio"}

var regionWords = regexp.MustCompile(`(?i)(khu vực|vùng|địa bàn|các xã|miền)\s+[^,;.\d]+|(miền núi|đồng bằng|đô thị|nông thôn|vùng cao|vùng sâu, vùng xa|thành thị)`)

var (
	reYearly   = regexp.MustCompile(`(?i)(hằng|hàng|mỗi)\s+năm`)
	rePeriod   = regexp.MustCompile(`giai đoạn\s+((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)`)
	reByYear   = regexp.MustCompile(`(?:đến|tới|trước|đến hết|đến cuối|cuối|trong)\s+năm\s+((?:19|20)\d\d)`)
	reYearOnly = regexp.MustCompile(`năm\s+((?:19|20)\d\d)`)
)

// deadlineIn finds a deadline in s: "yearly", a year, or "".
func deadlineIn(s string) (deadline, period, why string) {
	switch {
	case reYearly.MatchString(s):
		return "yearly", "", "«" + reYearly.FindString(s) + "» → hằng năm"
	case rePeriod.MatchString(s):
		m := rePeriod.FindStringSubmatch(s)
		return m[2], m[1] + "–" + m[2], "«" + m[0] + "» → đến năm " + m[2]
	case reByYear.MatchString(s):
		m := reByYear.FindStringSubmatch(s)
		return m[1], "", "«" + m[0] + "»"
	case reYearOnly.MatchString(s):
		m := reYearOnly.FindStringSubmatch(s)
		return m[1], "", "«" + m[0] + "»"
	}
	return "", "", ""
}

// mention is one figure found in a clause.
type mention struct {
	start, end int // of the figure and its "%" in the clause
	numText    string
	value      float64
	percent    bool
}

// extractTargets reads targets from the "Mục tiêu" sections or, when the
// plan has none, from every section but its purpose and its assignments.
func (d *Document) extractTargets() {
	scoped := d.hasRole("targets")
	var table *tableCols
	walk(d.Sections, func(n *Node) {
		if scoped && n.Role != "targets" || !scoped && (n.Role == "duties" || n.Role == "purpose") {
			return
		}
		if n.Kind == "row" {
			if table == nil || table.end != n.Source.Start-1 {
				table = headerCols(n.cells)
				if table != nil {
					table.end = n.Source.End
					return
				}
			}
			if table != nil {
				table.end = n.Source.End
				d.rowTarget(n, table)
			}
			return
		}
		text := n.body()
		if (n.Kind == "roman" || n.Kind == "number") && len(n.Children) > 0 {
			// a heading holds targets only in a body after its colon; a
			// numbered line without items under it is itself an item
			i := strings.Index(text, ":")
			if i < 0 {
				return
			}
			text = text[i+1:]
		}
		off := n.Source.Start + strings.Index(n.Text, text)
		d.itemTargets(n, text, off, scoped)
	})
}

// itemTargets reads the targets of one item: its sentences, their
// ";"-separated clauses, and the shares nested with "trong đó".
func (d *Document) itemTargets(n *Node, text string, off int, lenient bool) {
	first := len(d.Targets)
	for _, cl := range splitClauses(text) {
		parent := -1
		for k, part := range splitNested(cl.text) {
			before := len(d.Targets)
			d.clauseTargets(n, part.text, off+cl.start+part.start, lenient, parent)
			if k == 0 && len(d.Targets) > before {
				parent = len(d.Targets) - 1
			}
		}
	}
	sharePredicate(d.Targets[first:])
}

type piece struct {
	text  string
	start int
}

// splitClauses splits at sentence ends and at ";" outside brackets.
func splitClauses(s string) []piece {
	var out []piece
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ';', '\n':
			if depth <= 0 {
				out = append(out, piece{s[start:i], start})
				start = i + 1
			}
		case '.':
			if depth <= 0 && i+1 < len(s) && s[i+1] == ' ' && i > 0 && !unicode.IsDigit(rune(s[i-1])) {
				out = append(out, piece{s[start:i], start})
				start = i + 1
			}
		}
	}
	return append(out, piece{s[start:], start})
}

// splitNested splits "A, trong đó B" into A and B.
func splitNested(s string) []piece {
	var out []piece
	start := 0
	for {
		i := strings.Index(s[start:], "trong đó")
		if i < 0 {
			break
		}
		j := start + i
		out = append(out, piece{strings.TrimRight(s[start:j], ", ("), start})
		start = j + len("trong đó")
	}
	return append(out, piece{s[start:], start})
}

// mentions finds the figures of a clause that can be targets.
func mentions(s string, lenient bool) []mention {
	var out []mention
	for _, m := range reNum.FindAllStringSubmatchIndex(s, -1) {
		num := s[m[2]:m[3]]
		pct := m[4] >= 0
		end := m[3]
		if pct {
			end = m[5]
		}
		before := vntext.Fold(s[max(0, m[2]-40):m[2]])
		after := s[end:]
		if strings.HasPrefix(after, "/") && len(after) > 1 && unicode.IsDigit(rune(after[1])) || strings.HasPrefix(after, "-") {
			continue // a date or a code
		}
		if !pct && isRefWord(before) {
			continue
		}
		v := parseNum(num)
		if !pct {
			if len(num) == 4 && v >= 1900 && v <= 2100 {
				continue // a year
			}
			afterF := vntext.Fold(strings.TrimSpace(after))
			if afterF == "" || !unicode.IsLetter([]rune(afterF)[0]) {
				continue
			}
			if strings.HasPrefix(afterF, "tuoi") {
				continue // "trẻ em dưới 5 tuổi": an age that says who, not a target
			}
			if perCapita(before, afterF) {
				continue // "32 giường trên 1 vạn dân": the 1 is a denominator
			}
			if !hasVerb(lastWords(before, 7)) && !isMeasure(afterF) && !hasComparison(before) {
				continue
			}
		}
		out = append(out, mention{start: m[2], end: end, numText: s[m[2]:end], value: v, percent: pct})
	}
	return out
}

// hasComparison reports whether the words right before a figure compare it.
func hasComparison(before string) bool {
	w := lastWords(before, 3)
	for _, c := range compareBefore {
		if c.words != "dat" && c.words != "tu" && c.words != "con" && (w == c.words || strings.HasSuffix(w, " "+c.words)) {
			return true
		}
	}
	return false
}

func perCapita(before, afterF string) bool {
	w := lastWords(before, 1)
	return (w == "tren" || w == "/") && (strings.HasPrefix(afterF, "van dan") || strings.HasPrefix(afterF, "nghin dan") || strings.HasPrefix(afterF, "dan"))
}

func isRefWord(before string) bool {
	if strings.HasSuffix(strings.TrimRight(before, " "), ",") {
		return false // "Hằng năm, 100 …": the year word belongs to the clause before
	}
	w := lastWords(before, 3)
	for _, ref := range []string{"so", "nghi quyet", "quyet dinh", "chi thi", "ket luan", "trung uong", "khoa", "dieu", "khoan", "muc", "nam", "giai doan", "ngay", "thang", "lan thu", "thu", "stt", "phu luc", "bieu", "quy"} {
		if w == ref || strings.HasSuffix(w, " "+ref) {
			return true
		}
	}
	return false
}

func lastWords(s string, n int) string {
	f := strings.Fields(strings.NewReplacer(",", " ", ":", " ", "(", " ", ")", " ").Replace(s))
	if len(f) > n {
		f = f[len(f)-n:]
	}
	return strings.Join(f, " ")
}

func hasVerb(words string) bool {
	padded := " " + words + " "
	for _, v := range targetVerbs {
		if strings.Contains(padded, " "+v+" ") {
			return true
		}
	}
	return false
}

func isMeasure(afterF string) bool {
	afterF = strings.TrimRight(afterF, ".;,")
	for _, u := range measureUnits {
		if afterF == u || strings.HasPrefix(afterF, u+" ") || strings.HasPrefix(afterF, u+"/") || strings.HasPrefix(afterF, u+",") {
			return true
		}
	}
	return false
}

func parseNum(s string) float64 {
	s = strings.ReplaceAll(s, ".", "")
	s = strings.Replace(s, ",", ".", 1)
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// clauseTargets reads the targets of one clause; parent is the target a
// "trong đó" share belongs to.
func (d *Document) clauseTargets(n *Node, s string, off int, lenient bool, parent int) {
	ms := mentions(s, lenient)
	if len(ms) == 0 {
		return
	}
	prefix := s[:ms[0].start]
	shared := subjectFromPrefix(prefix)
	for j, m := range ms {
		nextStart := len(s)
		if j+1 < len(ms) {
			nextStart = backOverComparison(s, ms[j+1].start)
		}
		pstart := 0
		if j > 0 {
			pstart = ms[j-1].end
		}
		pre := s[pstart:m.start]
		after := s[m.end:nextStart]
		t := &Target{Value: m.value, ValueText: m.numText, Parent: parent, Section: n.Number}
		if m.percent {
			t.Unit = "%"
		}
		t.Comparison, t.Why = comparison(pre, after, prefix)
		afterClean, region := cleanAfter(after)
		t.Region = region
		if region == "" {
			t.Region = regionIn(pre)
		}
		switch {
		case afterClean != "" && subjectRunClass(afterClean) != "",
			afterClean != "" && startsLetter(afterClean) && (j > 0 || leadInOnly(prefix)) && !isMeasureUnit(afterClean, m.percent):
			// "98% trở lên công chức … được học tập": the subject follows
			t.Statement = afterClean
			t.Why = append(t.Why, "chủ thể đứng sau số liệu")
		default:
			// "Tỷ lệ hộ nghèo giảm xuống dưới 3%": the subject precedes
			t.Statement = strings.TrimSpace(shared + " " + unitTail(afterClean))
			if !m.percent {
				t.Unit = firstWords(afterClean, 3)
			}
			t.Why = append(t.Why, "chủ thể đứng trước số liệu")
		}
		if !m.percent && t.Unit == "" {
			t.Unit = firstWords(afterClean, 3)
		}
		t.Subject = subjectClass(t.Statement)
		if !m.percent {
			// "cho 3.500 lao động": what follows the figure is counted
			if c := subjectRunClass(afterClean); c != "" {
				t.Subject = c
			}
		}
		if t.Subject == "" && !isMeasure(vntext.Fold(afterClean)) && !(m.percent && strings.HasPrefix(afterClean, "/")) {
			switch {
			case !m.percent && strings.HasPrefix(vntext.Fold(prefix), "so "):
				// "Số giường bệnh đạt 32 giường": the prefix names it
				t.Subject = nounPhrase(strings.TrimSpace(prefix)[len("Số "):])
			case !m.percent:
				t.Subject = nounPhrase(afterClean) // "20 nhà văn hóa"
			case t.Statement != "" && strings.HasPrefix(t.Why[len(t.Why)-1], "chủ thể đứng sau"):
				t.Subject = nounPhrase(t.Statement) // "80% hồ sơ … được xử lý"
			}
		}
		if parent >= 0 && parent < len(d.Targets) && subjectClass(afterClean) == "" {
			p := d.Targets[parent]
			t.Statement = strings.TrimSpace(p.Statement + " " + afterClean)
			t.Subject = p.Subject
			t.Why = append(t.Why, "tỷ lệ nằm trong «trong đó» của chỉ tiêu trước")
		}
		t.Statement = capitalize(strings.Trim(t.Statement, " ,.:;-"))
		lo := backOverComparison(s, m.start)
		if j == 0 {
			lo = 0
		}
		hi := nextStart
		src := strings.TrimRight(s[lo:hi], " ,;.")
		lead := len(src) - len(strings.TrimLeft(src, " ,;"))
		t.Source = Span{off + lo + lead, off + lo + len(src), strings.TrimSpace(src)}
		d.setDeadline(t, s, n)
		d.Targets = append(d.Targets, t)
	}
}

// setDeadline takes the deadline from the clause, else the item, else the
// headings above it, else the title.
func (d *Document) setDeadline(t *Target, clause string, n *Node) {
	scopes := []string{clause, n.Text}
	for p := n.parent; p != nil; p = p.parent {
		scopes = append(scopes, p.Title)
	}
	scopes = append(scopes, d.Header.Title)
	for i, s := range scopes {
		if dl, period, why := deadlineIn(s); dl != "" {
			t.Deadline, t.Period = dl, period
			where := []string{"trong câu", "trong mục"}
			w := "trong tiêu đề mục"
			if i < 2 {
				w = where[i]
			} else if i == len(scopes)-1 {
				w = "trong tên kế hoạch"
			}
			t.Why = append(t.Why, "thời hạn "+why+" "+w)
			return
		}
	}
}

// comparison reads the comparison from the words around the figure.
func comparison(pre, after, prefix string) (string, []string) {
	a := vntext.Fold(strings.TrimSpace(after))
	preF := lastWords(vntext.Fold(pre), 4)
	// "90% trở lên", "2 giờ trở xuống": the unit may come between
	aw := strings.Fields(strings.NewReplacer(".", " ", ",", " ", ";", " ").Replace(a))
	head := " " + strings.Join(aw[:min(4, len(aw))], " ") + " "
	if strings.HasPrefix(a, "tro len") || !strings.HasPrefix(a, "/") && strings.Contains(head, " tro len ") {
		return ">=", []string{"«trở lên» → ≥"}
	}
	if strings.HasPrefix(a, "tro xuong") || strings.Contains(head, " tro xuong ") {
		return "<=", []string{"«trở xuống» → ≤"}
	}
	for _, c := range compareBefore {
		if preF == c.words || strings.HasSuffix(preF, " "+c.words) {
			if c.words == "con" && !strings.Contains(vntext.Fold(prefix), "giam") {
				continue
			}
			if c.words == "xuong" && !strings.Contains(vntext.Fold(prefix+pre), "giam") {
				continue
			}
			return c.op, []string{"«" + c.words + "» → " + kehoach.OpSymbol(c.op)}
		}
	}
	return ">=", []string{"không có từ so sánh → ≥ (mức phải đạt)"}
}

// backOverComparison moves i back over the comparison words before a
// figure, so a clause split keeps "trên 90%" together.
func backOverComparison(s string, i int) int {
	head := s[:i]
	trim := strings.TrimRight(head, " ")
	for {
		f := vntext.Fold(trim)
		moved := false
		for _, c := range compareBefore {
			if c.words == "dat" || c.words == "con" {
				continue
			}
			if f == c.words || strings.HasSuffix(f, " "+c.words) {
				n := len(strings.Fields(c.words))
				words := strings.Fields(trim)
				if len(words) < n {
					break
				}
				cut := strings.LastIndex(trim, words[len(words)-n])
				trim = strings.TrimRight(trim[:cut], " ")
				moved = true
				break
			}
		}
		if !moved {
			break
		}
	}
	return len(trim)
}

// cleanAfter drops "trở lên" and takes out a region from what follows a
// figure.
func cleanAfter(after string) (string, string) {
	a := strings.TrimSpace(after)
	for _, w := range []string{"trở lên", "trở xuống"} {
		if strings.HasPrefix(a, w) {
			a = strings.TrimSpace(a[len(w):])
		}
	}
	a = strings.TrimLeft(a, ",: ")
	region := ""
	if loc := regionWords.FindStringIndex(a); loc != nil && (loc[0] < 4 || strings.HasPrefix(vntext.Fold(a), "o ") || strings.HasPrefix(vntext.Fold(a), "tai ")) {
		region = strings.TrimSpace(a[loc[0]:loc[1]])
		a = strings.TrimSpace(a[:loc[0]] + a[loc[1]:])
		f := vntext.Fold(strings.Trim(a, " ,;."))
		if f == "o" || f == "tai" || f == "doi voi" {
			a = ""
		}
	}
	return strings.Trim(a, " ,;."), region
}

func regionIn(s string) string {
	if loc := regionWords.FindStringIndex(s); loc != nil {
		return strings.Trim(s[loc[0]:loc[1]], " ,")
	}
	return ""
}

// subjectFromPrefix is what a prose target measures: the words before its
// figure without the lead-in and the comparison.
func subjectFromPrefix(prefix string) string {
	p := strings.TrimSpace(prefix)
	// lead-ins: "Phấn đấu đến năm 2025,", "Mục tiêu:", "Có"
	for {
		f := vntext.Fold(p)
		cut := 0
		for _, lead := range []string{"phan dau", "muc tieu", "chi tieu", "den nam", "den het nam", "nam", "giai doan", "dam bao", "bao dam"} {
			if strings.HasPrefix(f, lead+" ") || strings.HasPrefix(f, lead+",") || strings.HasPrefix(f, lead+":") {
				cut = len(strings.Fields(lead))
				break
			}
		}
		if cut == 0 {
			break
		}
		words := strings.Fields(p)
		p = strings.Join(words[cut:], " ")
		p = strings.TrimLeft(p, ",: ")
		// the year of "đến năm 2025,"
		if w := strings.Fields(p); len(w) > 0 && reYear.MatchString(w[0]) {
			p = strings.TrimLeft(strings.Join(w[1:], " "), ",: ")
			if w := strings.Fields(p); len(w) > 1 && w[0] == "–" || len(w) > 1 && w[0] == "-" {
				p = strings.Join(w[2:], " ")
			}
		}
	}
	// comparison and verb at the end: "đạt trên", "giảm xuống dưới", "là"
	for {
		f := vntext.Fold(p)
		moved := false
		for _, w := range []string{"xuong con duoi", "xuong duoi", "xuong con", "xuong", "con", "dat tren", "dat tu", "dat", "tren", "tu", "it nhat", "toi thieu", "toi da", "khong qua", "khong duoi", "duoi", "la", "binh quan", "khoang", "bang", "len", "tang len", "tang", "giam", "dat muc", "o muc", "muc", ":", "-", "≥", "≤", ">", "<", ">=", "<="} {
			if f == w || strings.HasSuffix(f, " "+w) {
				words := strings.Fields(p)
				p = strings.Join(words[:len(words)-len(strings.Fields(w))], " ")
				moved = true
				break
			}
		}
		if !moved || p == "" {
			break
		}
	}
	return strings.Trim(p, " ,:;")
}

// leadInOnly reports whether the words before the first figure are only a
// lead-in, so the subject must come after it.
func leadInOnly(prefix string) bool {
	return subjectFromPrefix(prefix) == "" || subjectClass(subjectFromPrefix(prefix)) == "" && len(strings.Fields(subjectFromPrefix(prefix))) <= 2
}

func isMeasureUnit(afterClean string, percent bool) bool {
	if percent {
		return strings.HasPrefix(afterClean, "/")
	}
	return isMeasure(vntext.Fold(afterClean))
}

// unitTail keeps a rate unit after a figure ("/năm") and nothing else.
func unitTail(afterClean string) string {
	if strings.HasPrefix(afterClean, "/") {
		return ""
	}
	return ""
}

func startsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func firstWords(s string, n int) string {
	s = strings.TrimLeft(s, " /")
	for _, stop := range []string{",", ";", " được", " cho", " tại", " ở ", " trở", " đạt", " trên", " (", "/"} {
		if i := strings.Index(s, stop); i > 0 {
			s = s[:i]
		}
	}
	w := strings.Fields(s)
	if len(w) > n {
		w = w[:n]
	}
	return strings.Join(w, " ")
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// subjectRun finds the counted subject at the start of s, possibly a list
// ("cơ quan, đơn vị, doanh nghiệp"): its class and how many words it takes.
func subjectRun(s string) (string, int) {
	words := strings.Fields(strings.NewReplacer(",", " , ").Replace(s))
	folded := make([]string, len(words))
	lower := make([]string, len(words))
	for i, w := range words {
		folded[i] = vntext.Fold(w)
		lower[i] = strings.ToLower(vntext.NFC(w))
	}
	class, i := "", 0
	// "tỷ lệ", "số", "các" before the subject
	for i < len(folded) && (folded[i] == "ty" && i+1 < len(folded) && folded[i+1] == "le") {
		i += 2
	}
	for i < len(folded) && (folded[i] == "so" || folded[i] == "cac" || folded[i] == "tong") {
		i++
	}
	end := 0
	for i < len(folded) {
		matched := 0
		for _, sub := range subjects {
			kw := strings.Fields(strings.ReplaceAll(sub.key, ",", " ,"))
			if i+len(kw) <= len(lower) && strings.Join(lower[i:i+len(kw)], " ") == strings.Join(kw, " ") {
				if class == "" {
					class = sub.class
				}
				matched = len(kw)
				break
			}
		}
		if matched == 0 {
			break
		}
		i += matched
		end = i
		if i < len(folded) && (folded[i] == "," || folded[i] == "va") {
			i++
			continue
		}
		break
	}
	// count original words (commas were split off)
	n := 0
	for k := 0; k < end; k++ {
		if words[k] != "," {
			n++
		}
	}
	return class, n
}

func subjectRunClass(s string) string {
	c, _ := subjectRun(s)
	return c
}

func subjectClass(s string) string {
	if c, _ := subjectRun(s); c != "" {
		return c
	}
	w := strings.Fields(s)
	if len(w) >= 2 && vntext.Fold(w[0]) == "ty" && vntext.Fold(w[1]) == "le" {
		w = w[2:]
	}
	// within the first three words: "Tỷ lệ huy động trẻ 5 tuổi"
	for i := 1; i < len(w) && i <= 2; i++ {
		if c, _ := subjectRun(strings.Join(w[i:], " ")); c != "" {
			return c
		}
	}
	// after a preposition: "suy dinh dưỡng ở trẻ em", "cho người dân"
	for i, x := range w {
		switch vntext.Fold(strings.Trim(x, ",")) {
		case "o", "cua", "cho", "doi":
			if c, _ := subjectRun(strings.Join(w[i+1:], " ")); c != "" {
				return c
			}
		}
	}
	return ""
}

// nounPhrase is what a figure counts when no known subject names it: the
// words after it up to the first verb, without a trailing level of
// administration ("trạm y tế xã có bác sĩ" → "trạm y tế").
func nounPhrase(s string) string {
	var out []string
	for _, x := range strings.Fields(s) {
		f := vntext.Fold(strings.Trim(x, ",.;:"))
		if strings.ContainsAny(x, ",.;:(") {
			out = append(out, strings.Trim(x, ",.;:("))
			break
		}
		if slices.Contains(phraseStops, f) {
			break
		}
		out = append(out, x)
		if len(out) == 5 {
			break
		}
	}
	for len(out) > 1 && slices.Contains([]string{"xa", "huyen", "tinh", "ban", "thon", "phuong"}, vntext.Fold(out[len(out)-1])) {
		out = out[:len(out)-1]
	}
	return strings.ToLower(strings.Join(out, " "))
}

// phraseStops end a noun phrase: verbs and prepositions plans use.
var phraseStops = []string{"co", "duoc", "dat", "su", "tham", "thanh", "duy", "hoat", "phan", "xu", "ap", "la", "o", "tai", "cua", "den", "trong", "tren", "cho", "va", "phat", "thuc", "tu", "theo", "moi", "nam", "bao", "ve", "trung"}

// sharePredicate gives "88% hộ gia đình; 91% thôn, bản; 98% cơ quan … đạt
// tiêu chuẩn văn hóa" its shared predicate: a target that names only its
// subject takes the predicate of the last one of the item.
func sharePredicate(ts []*Target) {
	pred := ""
	for i := len(ts) - 1; i >= 0; i-- {
		t := ts[i]
		_, n := subjectRun(t.Statement)
		words := strings.Fields(t.Statement)
		if n > 0 && n < len(words) {
			pred = strings.Join(words[n:], " ")
			continue
		}
		if n > 0 && n == len(words) && pred != "" && t.Parent < 0 {
			t.Statement = t.Statement + " " + pred
			t.Why = append(t.Why, "vị ngữ chung «"+pred+"» lấy từ chỉ tiêu cuối của câu")
		}
	}
}
