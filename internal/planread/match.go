package planread

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"kehoach"
	"kehoach/internal/vntext"
)

// matcher matches names as plans write them to existing units and
// indicators: without diacritics, with abbreviations read as the initials
// of the words they stand for ("VH&TT" for "Văn hóa và Thông tin",
// "THCS" for "Trung học cơ sở", "UBND" for "Ủy ban nhân dân"), and with
// the generic words of a name ("Trường", "Phòng", "huyện") optional.
type matcher struct {
	units    []*kehoach.Unit
	toks     [][]string
	inds     []*kehoach.Indicator
	issuer   *kehoach.Unit
	day      kehoach.Date
	optional map[string]bool
	children map[string][]*kehoach.Unit
	index    map[string][]int         // word → units whose name has it
	cache    map[string]*kehoach.Unit // mention words → match
}

var generic = []string{"truong", "phong", "huyen", "xa", "thi", "tran", "tinh", "cac", "tren", "dia", "ban", "cua", "phuong"}

func newMatcher(cat Catalogue, d *Document) *matcher {
	m := &matcher{inds: cat.Indicators, optional: map[string]bool{}, children: map[string][]*kehoach.Unit{},
		index: map[string][]int{}, cache: map[string]*kehoach.Unit{}}
	for _, g := range generic {
		m.optional[g] = true
	}
	if len(d.Header.Date) >= 4 {
		day := d.Header.Date
		for len(day) < 10 {
			day += map[int]string{4: "-06", 7: "-01"}[len(day)]
		}
		m.day = kehoach.Date(day)
	}
	for _, u := range cat.Units {
		if m.day != "" && !u.ValidOn(m.day) {
			continue
		}
		m.units = append(m.units, u)
		m.toks = append(m.toks, tokens(u.Name))
		for _, w := range m.toks[len(m.toks)-1] {
			if l := m.index[w]; len(l) == 0 || l[len(l)-1] != len(m.units)-1 {
				m.index[w] = append(l, len(m.units)-1)
			}
		}
		m.children[u.ParentCode] = append(m.children[u.ParentCode], u)
	}
	d.findIssuer(m)
	return m
}

var reIssuer = regexp.MustCompile(`(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|ỦY BAN NHÂN DÂN|HĐND|Hội đồng nhân dân)\s+((?:huyện|tỉnh|xã|thị trấn|phường|thành phố|thị xã|HUYỆN|TỈNH|XÃ|THỊ TRẤN|PHƯỜNG|THÀNH PHỐ|THỊ XÃ)\s+[\p{Lu}][\p{L}]*(?:\s+[\p{Lu}][\p{L}]*){0,3})`)

// findIssuer reads the issuer from the heading, or else from the first
// "UBND huyện X" of the text, and matches it to a unit.
func (d *Document) findIssuer(m *matcher) {
	h := &d.Header
	name := h.Issuer
	if name == "" {
		if s := reIssuer.FindStringSubmatch(d.Text); s != nil {
			name = "Ủy ban nhân dân " + s[1]
			d.Warnings = append(d.Warnings, "văn bản không ghi cơ quan ban hành ở đầu; lấy «"+s[0]+"» trong nội dung")
		}
	}
	h.Issuer = titleCase(name)
	// The issuer is the area unit the issuing body governs: "Ủy ban nhân
	// dân huyện Tam Đường" → the unit "Huyện Tam Đường".
	area := h.Issuer
	f := vntext.Fold(area)
	for _, body := range []string{"uy ban nhan dan ", "hoi dong nhan dan ", "ubnd "} {
		if strings.HasPrefix(f, body) {
			area = strings.Join(strings.Fields(area)[len(strings.Fields(body)):], " ")
		}
	}
	best, score := -1, 0.0
	at := vntext.Fold(area)
	for i, u := range m.units {
		if u.Kind == "agency" || u.Kind == "school" {
			continue
		}
		if vntext.Fold(u.Name) == at {
			best, score = i, 99
			break
		}
		if s := m.align(tokens(area), m.toks[i]); s > score {
			best, score = i, s
		}
	}
	if best >= 0 {
		m.issuer = m.units[best]
		h.IssuerUnit = m.issuer.Code
		for _, w := range tokens(m.issuer.Name) {
			m.optional[w] = true // the place name may be left out: "Phổ thông DTNT huyện"
		}
	}
}

func titleCase(s string) string {
	if s != strings.ToUpper(s) {
		return s
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		if i == 0 || i >= 3 && !slices.Contains([]string{"dân", "nhân", "ban"}, w) {
			words[i] = capitalize(w)
		}
	}
	out := strings.Join(words, " ")
	// the kind of area stays in lower case: "Ủy ban nhân dân huyện Tam Đường"
	for _, k := range []string{"Huyện ", "Tỉnh ", "Xã ", "Phường ", "Thị trấn ", "Thành phố "} {
		out = strings.Replace(out, " "+k, " "+strings.ToLower(k), 1)
	}
	return out
}

// tokens folds a name into words; "&" reads "và".
func tokens(s string) []string {
	f := vntext.Fold(strings.ReplaceAll(s, "&", " và "))
	return strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// align scores how well mention tokens a match name tokens b: > 0 only
// when every non-generic word of each is accounted for.
func (m *matcher) align(a, b []string) float64 {
	if len(a) == 0 || len(a) > 16 || len(b) > 24 || !m.shareWord(a, b) {
		return 0
	}
	const no = -1e9
	memo := make([]float64, (len(a)+1)*(len(b)+1))
	seen := make([]bool, len(memo))
	var f func(i, j int) float64
	f = func(i, j int) float64 {
		k := i*(len(b)+1) + j
		if seen[k] {
			return memo[k]
		}
		seen[k] = true
		best := no
		if i == len(a) && j == len(b) {
			best = 0
		}
		if i < len(a) && j < len(b) && a[i] == b[j] {
			best = max(best, 1+f(i+1, j+1))
		}
		if i < len(a) && len(a[i]) >= 2 && j+len(a[i]) <= len(b) && initials(b[j:j+len(a[i])]) == a[i] {
			best = max(best, float64(len(a[i]))+f(i+1, j+len(a[i])))
		}
		if j < len(b) && len(b[j]) >= 2 && i+len(b[j]) <= len(a) && initials(a[i:i+len(b[j])]) == b[j] {
			best = max(best, float64(len(b[j]))+f(i+len(b[j]), j+1))
		}
		if j < len(b) && m.optional[b[j]] {
			best = max(best, f(i, j+1)-0.5)
		}
		if i < len(a) && m.optional[a[i]] {
			best = max(best, f(i+1, j)-0.5)
		}
		memo[k] = best
		return best
	}
	s := f(0, 0)
	if s < 1 {
		return 0
	}
	return s
}

// shareWord reports whether a and b have a word in common that is not
// generic: initials alone ("TH") would match too many names.
func (m *matcher) shareWord(a, b []string) bool {
	content := 0
	for _, x := range a {
		if !slices.Contains(generic, x) {
			content++
		}
	}
	if content >= 2 {
		return true // "TC KH": two abbreviations together say enough
	}
	for _, x := range a {
		if !slices.Contains(generic, x) && slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// hasAbbreviation reports whether name has a word in capitals ("VH", "THCS").
func hasAbbreviation(name string) bool {
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(w)) >= 2 && len([]rune(w)) <= 6 && w == strings.ToUpper(w) {
			return true
		}
	}
	return false
}

func initials(ws []string) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteByte(w[0])
	}
	return b.String()
}

// unit matches a name to one unit: the best alignment, ties going to the
// unit under the issuer.
func (m *matcher) unit(name string) *kehoach.Unit {
	a := tokens(name)
	key := strings.Join(a, " ")
	if u, ok := m.cache[key]; ok {
		return u
	}
	// Only units sharing a word can match, unless a word of the mention is
	// in no name at all (an abbreviation): then every unit is tried.
	cand := map[int]bool{}
	all := hasAbbreviation(name)
	for _, w := range a {
		if !slices.Contains(generic, w) {
			for _, i := range m.index[w] {
				cand[i] = true
			}
		}
	}
	var best *kehoach.Unit
	score := 0.0
	for i, u := range m.units {
		if !all && !cand[i] {
			continue
		}
		s := m.align(a, m.toks[i])
		if s > 0 && m.issuer != nil && (u.ParentCode == m.issuer.Code || u.Code == m.issuer.Code) {
			s += 0.25
		}
		if s > score {
			best, score = u, s
		}
	}
	m.cache[key] = best
	return best
}

// group reads "các xã, thị trấn", "các cơ quan, ban, ngành": all units of
// a kind under the issuer.
func (m *matcher) group(name string) (string, []string) {
	f := vntext.Fold(name)
	kind := ""
	switch {
	case strings.Contains(f, "cac xa") || strings.Contains(f, "cac phuong") || strings.Contains(f, "cac huyen"):
		kind = "commune"
		if strings.Contains(f, "cac huyen") {
			kind = "district"
		}
	case strings.Contains(f, "cac co quan") || strings.Contains(f, "cac phong") || strings.Contains(f, "cac ban, nganh") || strings.Contains(f, "cac so, ban, nganh") || strings.Contains(f, "cac so"):
		kind = "agency"
	case strings.Contains(f, "cac truong"):
		kind = "school"
	default:
		return "", nil
	}
	var codes []string
	if m.issuer != nil {
		for _, u := range m.children[m.issuer.Code] {
			if u.Kind == kind {
				codes = append(codes, u.Code)
			}
		}
	}
	return kind, codes
}

var reDutyVerb = regexp.MustCompile(`\s(chủ trì|phối hợp|tham mưu|có trách nhiệm|chịu trách nhiệm|hướng dẫn|triển khai)\s`)

// extractDuties reads each numbered entry of "Tổ chức thực hiện".
func (d *Document) extractDuties(m *matcher) {
	walk(d.Sections, func(n *Node) {
		if n.Role != "duties" || n.parent == nil || n.parent.Role != "duties" && n.parent.Kind != "root" {
			return
		}
		if n.parent.Role == "duties" && headingDepth(n.parent) > 0 && roleOf(n.parent.Title, "") != "duties" {
			return // deeper than the entries
		}
		if n.Kind != "number" && n.Kind != "bullet" && n.Kind != "letter" && n.Kind != "paren" {
			return
		}
		title := n.Title
		body, rest := title, ""
		if i := strings.Index(title, ":"); i > 0 && len(strings.Fields(title[:i])) <= 30 {
			body, rest = title[:i], strings.TrimSpace(title[i+1:])
		} else if n.Kind == "bullet" {
			if loc := reDutyVerb.FindStringIndex(title); loc != nil {
				body, rest = title[:loc[0]], strings.TrimSpace(title[loc[0]:])
			} else {
				return
			}
		}
		body = strings.TrimSpace(body)
		du := &Duty{Label: n.Label, Body: body, Source: Span{n.Source.Start, n.Source.End, n.Text}, Units: []string{}, Duties: []string{}}
		if f := vntext.Fold(body); strings.HasPrefix(f, "de nghi") {
			du.Request = true
			body = strings.TrimSpace(strings.Join(strings.Fields(body)[2:], " "))
		}
		if rest != "" {
			du.Duties = append(du.Duties, rest)
		}
		for _, c := range n.Children {
			du.Duties = append(du.Duties, c.body())
		}
		if kind, codes := m.group(body); kind != "" {
			du.Group, du.Units = kind, codes
		}
		parts := []string{body}
		if m.unit(body) == nil {
			parts = splitList(body)
		}
		for _, p := range parts {
			if u := m.unit(p); u != nil && !slices.Contains(du.Units, u.Code) && du.Group == "" {
				du.Units = append(du.Units, u.Code)
			}
		}
		d.Duties = append(d.Duties, du)
	})
}

func splitList(s string) []string {
	return strings.FieldsFunc(strings.ReplaceAll(s, " và ", ","), func(r rune) bool { return r == ',' || r == ';' })
}

// extractTasks makes a task of every bullet (or item, or paragraph) of the
// tasks and solutions sections.
func (d *Document) extractTasks(m *matcher) {
	walk(d.Sections, func(n *Node) {
		if n.Role != "tasks" {
			return
		}
		switch {
		case n.Kind == "bullet", n.Kind == "paren", n.Kind == "letter", n.Kind == "para":
		case n.Kind == "number" && len(n.Children) == 0 && roleOf(n.Title, "") == "":
		default:
			return
		}
		t := &Task{Text: strings.ReplaceAll(n.body(), "\n", " "), Section: n.Number, Source: Span{n.Source.Start, n.Source.End, n.Text}}
		if loc := reDutyVerb.FindStringIndex(" " + t.Text + " "); loc != nil && loc[0] > 0 && loc[0] < 120 {
			if u := m.unit(t.Text[:loc[0]-1]); u != nil {
				t.Lead = u.Code
			}
		}
		d.Tasks = append(d.Tasks, t)
	})
}

var kindClass = map[string]string{"commune": "xã", "school": "trường", "village": "bản", "agency": "cơ quan", "district": "huyện"}

// extractUnitLists finds sentences that name three or more existing units
// and gives each list to the target it fits best as that target's scope.
func (d *Document) extractUnitLists(m *matcher) {
	walk(d.Sections, func(n *Node) {
		if n.Role == "duties" || n.Kind == "roman" || n.Kind == "number" {
			return
		}
		for _, sent := range splitSentences(n.Text) {
			var codes []string
			kinds := map[string]int{}
			for _, el := range strings.FieldsFunc(sent.text, func(r rune) bool { return strings.ContainsRune(",;():", r) }) {
				for _, part := range listElement(m, el) {
					if !slices.Contains(codes, part.Code) {
						codes = append(codes, part.Code)
						kinds[part.Kind]++
					}
				}
			}
			if len(codes) < 3 {
				continue
			}
			kind, best := "", 0
			for k, c := range kinds {
				if c > best || c == best && k < kind {
					kind, best = k, c
				}
			}
			ul := &UnitList{Units: codes, Kind: kind, Target: -1, Source: Span{n.Source.Start + sent.start, n.Source.Start + sent.start + len(sent.text), sent.text}}
			score := 0.15
			for i, t := range d.Targets {
				if t.Subject != kindClass[kind] {
					continue
				}
				if s := overlap(words(sent.text), words(t.Statement)); s > score {
					ul.Target, score = i, s
				}
			}
			if ul.Target >= 0 {
				d.Targets[ul.Target].Scope = codes
				d.Targets[ul.Target].Why = append(d.Targets[ul.Target].Why, "phạm vi: danh sách đơn vị trong câu «"+firstWords(sent.text, 8)+"…»")
			}
			d.UnitLists = append(d.UnitLists, ul)
		}
	})
}

// listElement matches one element of a list: the longest tail of its words
// that names a unit, or else its parts around "và".
func listElement(m *matcher, el string) []*kehoach.Unit {
	try := func(s string) *kehoach.Unit {
		w := strings.Fields(s)
		for i := 0; i < len(w) && i < 12; i++ {
			tail := strings.Join(w[i:], " ")
			if len(strings.Fields(tail)) > 10 {
				continue
			}
			if u := m.unit(tail); u != nil && u.Kind != "district" && u.Kind != "province" {
				return u
			}
		}
		return nil
	}
	// "Bản Hòn và Thị trấn Tam Đường" is two units, "TH và THCS Bản Hon" one
	var out []*kehoach.Unit
	if strings.Contains(el, " và ") {
		for _, p := range strings.Split(el, " và ") {
			if u := try(p); u != nil {
				out = append(out, u)
			}
		}
		if len(out) >= 2 {
			return out
		}
	}
	if u := try(el); u != nil {
		return []*kehoach.Unit{u}
	}
	return out
}

func splitSentences(s string) []piece {
	var out []piece
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\n') {
			out = append(out, piece{s[start : i+1], start})
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, piece{s[start:], start})
	}
	return out
}

var stop = map[string]bool{"ty": true, "le": true, "so": true, "cac": true, "cua": true, "duoc": true, "va": true, "trong": true, "do": true, "the": true, "tu": true, "den": true, "danh": true, "hieu": true, "tieu": true}

func words(s string) []string {
	var out []string
	for _, w := range tokens(s) {
		if !stop[w] {
			out = append(out, w)
		}
	}
	return out
}

// overlap is the F1 of the words and of the word pairs of a and b, averaged.
func overlap(a, b []string) float64 {
	f1 := func(x, y []string) float64 {
		if len(x) == 0 || len(y) == 0 {
			return 0
		}
		set := map[string]int{}
		for _, w := range y {
			set[w]++
		}
		common := 0
		for _, w := range x {
			if set[w] > 0 {
				set[w]--
				common++
			}
		}
		p, r := float64(common)/float64(len(x)), float64(common)/float64(len(y))
		if p+r == 0 {
			return 0
		}
		return 2 * p * r / (p + r)
	}
	pairs := func(x []string) []string {
		var out []string
		for i := 0; i+1 < len(x); i++ {
			out = append(out, x[i]+" "+x[i+1])
		}
		return out
	}
	return (f1(a, b) + f1(pairs(a), pairs(b))) / 2
}

// matchIndicators matches each target to the existing indicator whose name
// says the same, of the same counted subject; when none says it well
// enough, a new indicator is proposed with its elements.
func (d *Document) matchIndicators(m *matcher) {
	for _, t := range d.Targets {
		best, score := "", 0.0
		tw := words(t.Statement)
		for _, ind := range m.inds {
			name := strings.Trim(strings.ReplaceAll(ind.Name, "\"", ""), " ")
			if c := subjectClass(name); c != "" && t.Subject != "" && c != t.Subject {
				continue
			}
			if (ind.Factor == 100) != (t.Unit == "%") && ind.Factor != 0 {
				continue
			}
			if s := overlap(tw, words(name)); s > score {
				best, score = ind.Code, s
			}
		}
		if score >= 0.4 {
			t.Indicator, t.Match = best, float64(int(score*100))/100
			t.Why = append(t.Why, "chỉ số có tên gần nhất: "+best)
			continue
		}
		t.Proposed = propose(t)
		t.Why = append(t.Why, "không có chỉ số nào đủ gần: đề xuất chỉ số mới")
	}
}

func propose(t *Target) *Proposal {
	st := lowerFirst(t.Statement)
	if t.Unit == "%" {
		_, n := subjectRun(t.Statement)
		subj := strings.Join(strings.Fields(t.Statement)[:n], " ")
		if subj == "" {
			subj = st
		}
		return &Proposal{Name: "Tỷ lệ " + st, Numerator: "Số " + st, Denominator: "Tổng số " + lowerFirst(strings.TrimRight(subj, ",")), Factor: 100}
	}
	name := st
	if t.Unit != "" && !strings.Contains(vntext.Fold(st), vntext.Fold(t.Unit)) {
		name = st + " (" + t.Unit + ")"
	}
	return &Proposal{Name: capitalize(name), Numerator: capitalize(name), Factor: 1}
}

func lowerFirst(s string) string {
	w := strings.Fields(s)
	if len(w) == 0 {
		return s
	}
	// keep proper names and abbreviations ("UBND", "Nhà nước") as written
	if w[0] != strings.ToUpper(w[0]) {
		w[0] = strings.ToLower(w[0])
	}
	return strings.Join(w, " ")
}
