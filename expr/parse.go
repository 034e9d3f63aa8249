package expr

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Error is a parse error. Col is the 1-based column in runes (not bytes),
// so Vietnamese text before the error counts one per character.
type Error struct {
	Col int    // 1-based rune column in Src
	Msg string // Vietnamese, says what was expected and what was found
	Src string // the source text as given to Parse
}

// Error formats the error as `biểu thức "SRC", cột N: MSG`.
func (e *Error) Error() string {
	return fmt.Sprintf("biểu thức %q, cột %d: %s", e.Src, e.Col, e.Msg)
}

const (
	maxCodeLen = 50  // longest data element / disaggregation code
	maxDepth   = 100 // nesting limit so hostile input cannot exhaust the stack
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tRef
	tIdent
	tPlus
	tMinus
	tStar
	tSlash
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	col  int    // 1-based rune column
	text string // lexeme as written
	num  float64
	ref  Ref
}

// desc describes the token for "… nhưng gặp X" messages.
func (t token) desc() string {
	if t.kind == tEOF {
		return "hết biểu thức"
	}
	return `"` + t.text + `"`
}

// lexer produces tokens on demand, so the reported error is always the
// leftmost one the parser actually reaches.
type lexer struct {
	src string
	rs  []rune
	pos int // index into rs
}

func (lx *lexer) errAt(pos int, format string, args ...any) *Error {
	return &Error{Col: pos + 1, Msg: fmt.Sprintf(format, args...), Src: lx.src}
}

func (lx *lexer) at(i int) rune {
	if i < len(lx.rs) {
		return lx.rs[i]
	}
	return -1
}

func (lx *lexer) skipSpace() {
	for lx.pos < len(lx.rs) && unicode.IsSpace(lx.rs[lx.pos]) {
		lx.pos++
	}
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func isCodeRune(r rune) bool {
	return 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || isDigit(r) || r == '_'
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// showRune quotes a rune for messages; a plain space would be invisible.
func showRune(r rune) string {
	if r == ' ' {
		return "dấu cách"
	}
	return strconv.Quote(string(r))
}

var punct = map[rune]tokKind{
	'+': tPlus, '-': tMinus, '*': tStar, '/': tSlash,
	'(': tLParen, ')': tRParen, ',': tComma,
}

func (lx *lexer) next() (token, *Error) {
	lx.skipSpace()
	start := lx.pos
	if start >= len(lx.rs) {
		return token{kind: tEOF, col: start + 1}, nil
	}
	r := lx.rs[start]
	switch {
	case r == '#':
		return lx.lexRef()
	case isDigit(r) || r == '.':
		return lx.lexNumber()
	case isWordRune(r):
		for lx.pos < len(lx.rs) && isWordRune(lx.rs[lx.pos]) {
			lx.pos++
		}
		return token{kind: tIdent, col: start + 1, text: string(lx.rs[start:lx.pos])}, nil
	}
	if k, ok := punct[r]; ok {
		lx.pos++
		return token{kind: k, col: start + 1, text: string(r)}, nil
	}
	// Hints for the mistakes people actually make when typing formulas.
	switch r {
	case '=', '<', '>', '≤', '≥', '≠', '!':
		return token{}, lx.errAt(start, "phép so sánh %s không dùng trong biểu thức; quy tắc kiểm tra chọn phép so sánh riêng", showRune(r))
	case '×':
		return token{}, lx.errAt(start, `ký tự "×" không hợp lệ; phép nhân viết là "*"`)
	case '÷', ':':
		return token{}, lx.errAt(start, "ký tự %s không hợp lệ; phép chia viết là \"/\"", showRune(r))
	case '%':
		return token{}, lx.errAt(start, `ký tự "%%" không hợp lệ; để tính phần trăm hãy nhân với 100`)
	case '{':
		return token{}, lx.errAt(start, `dấu "{" thiếu "#" phía trước; mã chỉ số viết dạng #{MA_CHI_SO}`)
	}
	return token{}, lx.errAt(start, "ký tự %s không hợp lệ", showRune(r))
}

func (lx *lexer) scanDigits() int {
	n := 0
	for isDigit(lx.at(lx.pos)) {
		lx.pos++
		n++
	}
	return n
}

func (lx *lexer) lexNumber() (token, *Error) {
	start := lx.pos
	digits := lx.scanDigits()
	intOnly := true
	if lx.at(lx.pos) == '.' {
		lx.pos++
		intOnly = false
		digits += lx.scanDigits()
	}
	if digits > 0 && (lx.at(lx.pos) == 'e' || lx.at(lx.pos) == 'E') {
		intOnly = false
		lx.pos++
		if lx.at(lx.pos) == '+' || lx.at(lx.pos) == '-' {
			lx.pos++
		}
		lx.scanDigits() // an empty exponent is rejected by ParseFloat below
	}
	// Letters or dots glued to a number ("12abc", "1.000.000") make it one
	// bad lexeme rather than two confusing tokens.
	glued := false
	for r := lx.at(lx.pos); isWordRune(r) || r == '.'; r = lx.at(lx.pos) {
		lx.pos++
		glued = true
	}
	text := string(lx.rs[start:lx.pos])
	if glued || digits == 0 {
		if strings.Count(text, ".") > 1 {
			return token{}, lx.errAt(start, "số %q không hợp lệ; không dùng dấu chấm phân cách hàng nghìn", text)
		}
		return token{}, lx.errAt(start, "số %q không hợp lệ", text)
	}
	if intOnly && lx.at(lx.pos) == ',' && isDigit(lx.at(lx.pos+1)) {
		comma := lx.pos
		lx.pos++
		fs := lx.pos
		lx.scanDigits()
		frac := string(lx.rs[fs:lx.pos])
		return token{}, lx.errAt(comma, "không dùng dấu phẩy thập phân; hãy viết %q (dấu chấm) thay cho %q", text+"."+frac, text+","+frac)
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return token{}, lx.errAt(start, "số %q nằm ngoài phạm vi cho phép", text)
		}
		return token{}, lx.errAt(start, "số %q không hợp lệ", text)
	}
	return token{kind: tNum, col: start + 1, text: text, num: v}, nil
}

func (lx *lexer) lexRef() (token, *Error) {
	start := lx.pos // at '#'
	if lx.at(start+1) != '{' {
		return token{}, lx.errAt(start, `sau "#" cần "{", ví dụ #{MA_CHI_SO}`)
	}
	// Look for the closing brace but stop at the next "#" or "{": in
	// "#{A + #{B}" the real mistake is the unclosed first brace, not a space.
	body := start + 2
	end := -1
	for j := body; j < len(lx.rs); j++ {
		if c := lx.rs[j]; c == '}' {
			end = j
			break
		} else if c == '#' || c == '{' {
			break
		}
	}
	if end < 0 {
		return token{}, lx.errAt(start, `"#{" chưa được đóng: thiếu dấu "}"`)
	}
	dot := -1
	for j := body; j < end; j++ {
		if lx.rs[j] == '.' {
			dot = j
			break
		}
	}
	var ref Ref
	var err *Error
	if dot < 0 {
		ref.Element, err = lx.code(body, end, "mã chỉ số")
	} else {
		ref.Element, err = lx.code(body, dot, "mã chỉ số")
		if err == nil {
			ref.Disagg, err = lx.code(dot+1, end, "mã phân tổ")
		}
	}
	if err != nil {
		return token{}, err
	}
	lx.pos = end + 1
	return token{kind: tRef, col: start + 1, text: string(lx.rs[start:lx.pos]), ref: ref}, nil
}

// code validates rs[from:to] as a code; what names it in messages.
func (lx *lexer) code(from, to int, what string) (string, *Error) {
	if from == to {
		return "", lx.errAt(from, "%s rỗng", what)
	}
	for j := from; j < to; j++ {
		r := lx.rs[j]
		if isCodeRune(r) {
			continue
		}
		if r == '.' {
			return "", lx.errAt(j, `thừa dấu "." trong %s; chỉ một dấu "." ngăn cách mã chỉ số và mã phân tổ`, what)
		}
		return "", lx.errAt(j, "ký tự %s không được dùng trong %s; chỉ dùng chữ cái không dấu A-Z, a-z, chữ số và \"_\"", showRune(r), what)
	}
	if n := to - from; n > maxCodeLen {
		return "", lx.errAt(from, "%s dài %d ký tự, tối đa %d", what, n, maxCodeLen)
	}
	return string(lx.rs[from:to]), nil
}

type parser struct {
	lx    lexer
	tok   token
	depth int
}

func (p *parser) advance() *Error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) errAt(col int, format string, args ...any) *Error {
	return &Error{Col: col, Msg: fmt.Sprintf(format, args...), Src: p.lx.src}
}

// Parse parses src. A non-nil error is always an *Error.
func Parse(src string) (*Expr, error) {
	e, err := parse(src)
	if err != nil {
		return nil, err // avoid returning a typed nil as error
	}
	return e, nil
}

func parse(src string) (*Expr, *Error) {
	p := &parser{lx: lexer{src: src, rs: []rune(src)}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, p.errAt(1, "biểu thức rỗng")
	}
	root, err := p.parseSum()
	if err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tEOF:
	case tRParen:
		return nil, p.errAt(p.tok.col, `dấu ")" thừa, không có "(" tương ứng`)
	default:
		return nil, p.errAt(p.tok.col, "cần phép toán + - * / hoặc hết biểu thức nhưng gặp %s", p.tok.desc())
	}
	e := &Expr{src: strings.TrimSpace(src), root: root}
	e.collect(root)
	return e, nil
}

func (p *parser) parseSum() (*node, *Error) {
	l, err := p.parseProduct()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tPlus || p.tok.kind == tMinus {
		op := rune(p.tok.text[0])
		if err := p.advance(); err != nil {
			return nil, err
		}
		r, err := p.parseProduct()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nBin, op: op, l: l, r: r}
	}
	return l, nil
}

func (p *parser) parseProduct() (*node, *Error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tStar || p.tok.kind == tSlash {
		op := rune(p.tok.text[0])
		if err := p.advance(); err != nil {
			return nil, err
		}
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nBin, op: op, l: l, r: r}
	}
	return l, nil
}

// enter guards recursion depth for "(" and unary minus.
func (p *parser) enter() *Error {
	p.depth++
	if p.depth > maxDepth {
		return p.errAt(p.tok.col, "biểu thức lồng nhau quá sâu (tối đa %d mức)", maxDepth)
	}
	return nil
}

func (p *parser) parseUnary() (*node, *Error) {
	if p.tok.kind != tMinus {
		return p.parsePrimary()
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	p.depth--
	return &node{kind: nNeg, l: x}, nil
}

func (p *parser) parsePrimary() (*node, *Error) {
	t := p.tok
	switch t.kind {
	case tNum:
		return &node{kind: nNum, num: t.num}, p.advance()
	case tRef:
		return &node{kind: nRef, ref: t.ref}, p.advance()
	case tLParen:
		if err := p.enter(); err != nil {
			return nil, err
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.parseSum()
		if err != nil {
			return nil, err
		}
		switch p.tok.kind {
		case tRParen:
		case tEOF:
			return nil, p.errAt(p.tok.col, `thiếu dấu ")" đóng cho "(" ở cột %d`, t.col)
		default:
			return nil, p.errAt(p.tok.col, `cần phép toán + - * / hoặc dấu ")" nhưng gặp %s`, p.tok.desc())
		}
		p.depth--
		return x, p.advance()
	case tIdent:
		return p.parseCall()
	}
	return nil, p.errAt(t.col, `cần một số, mã chỉ số #{...} hoặc dấu "(" nhưng gặp %s`, t.desc())
}

// parseCall handles an identifier in operand position: count(...),
// units(...), or a helpful error for anything else.
func (p *parser) parseCall() (*node, *Error) {
	name := p.tok
	fn := lowerASCII(name.text)
	// Peek at the raw text so a bad token after the name cannot mask
	// the more useful "unknown function" message.
	p.lx.skipSpace()
	paren := p.lx.at(p.lx.pos) == '('
	if fn != "count" && fn != "units" {
		if paren {
			return nil, p.errAt(name.col, "hàm %q không tồn tại; chỉ có count(#{...}) và units(loại đơn vị)", name.text)
		}
		if isCode(name.text) {
			return nil, p.errAt(name.col, "%q không phải là số hay mã chỉ số; mã chỉ số viết dạng #{%s}", name.text, name.text)
		}
		return nil, p.errAt(name.col, `cần một số, mã chỉ số #{...} hoặc dấu "(" nhưng gặp %s`, name.desc())
	}
	if !paren {
		return nil, p.errAt(p.lx.pos+1, `cần dấu "(" sau tên hàm %q`, name.text)
	}
	if err := p.advance(); err != nil { // the "("
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if fn == "count" {
		return p.parseCount(name)
	}
	return p.parseUnits(name)
}

func (p *parser) parseCount(name token) (*node, *Error) {
	if p.tok.kind != tRef {
		return nil, p.errAt(p.tok.col, "%s(...) chỉ nhận đúng một mã chỉ số #{...} nhưng gặp %s", name.text, p.tok.desc())
	}
	ref := p.tok.ref
	if err := p.advance(); err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tRParen:
	case tEOF:
		return nil, p.errAt(p.tok.col, `thiếu dấu ")" đóng cho "%s(" ở cột %d`, name.text, name.col)
	default:
		return nil, p.errAt(p.tok.col, "%s(...) chỉ nhận đúng một mã chỉ số #{...} nhưng gặp %s", name.text, p.tok.desc())
	}
	return &node{kind: nCount, ref: ref}, p.advance()
}

func (p *parser) parseUnits(name token) (*node, *Error) {
	if p.tok.kind == tRParen {
		return nil, p.errAt(p.tok.col, "%s() cần ít nhất một loại đơn vị, ví dụ units(village)", name.text)
	}
	var kinds []string
	for {
		t := p.tok
		if t.kind != tIdent {
			return nil, p.errAt(t.col, "cần tên loại đơn vị (ví dụ village, commune) nhưng gặp %s", t.desc())
		}
		if !isCode(t.text) {
			return nil, p.errAt(t.col, "tên loại đơn vị %q không hợp lệ; chỉ dùng chữ cái không dấu, chữ số và \"_\"", t.text)
		}
		// Kinds are lower-cased like function names, so units(Village) works.
		k := lowerASCII(t.text)
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		switch p.tok.kind {
		case tComma:
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		case tRParen:
			return &node{kind: nUnits, kinds: kinds}, p.advance()
		case tEOF:
			return nil, p.errAt(p.tok.col, `thiếu dấu ")" đóng cho "%s(" ở cột %d`, name.text, name.col)
		default:
			return nil, p.errAt(p.tok.col, `cần dấu "," hoặc ")" nhưng gặp %s`, p.tok.desc())
		}
	}
}

func isCode(s string) bool {
	if s == "" || len(s) > maxCodeLen {
		return false
	}
	for _, r := range s {
		if !isCodeRune(r) {
			return false
		}
	}
	return true
}
