package expr

import (
	"encoding/json"
	"errors"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// sexpr renders the AST fully parenthesised so tests can check precedence
// and associativity, not just the final number.
func sexpr(n *node) string {
	switch n.kind {
	case nNum:
		return strconv.FormatFloat(n.num, 'g', -1, 64)
	case nRef:
		return n.ref.String()
	case nCount:
		return "count(" + n.ref.String() + ")"
	case nUnits:
		return "units(" + strings.Join(n.kinds, ",") + ")"
	case nNeg:
		return "(-" + sexpr(n.l) + ")"
	case nBin:
		return "(" + sexpr(n.l) + " " + string(n.op) + " " + sexpr(n.r) + ")"
	}
	return "?"
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"1 + 2 * 3", "(1 + (2 * 3))"},
		{"1 * 2 + 3", "((1 * 2) + 3)"},
		{"(1 + 2) * 3", "((1 + 2) * 3)"},
		{"1 - 2 - 3", "((1 - 2) - 3)"},
		{"8 / 4 / 2", "((8 / 4) / 2)"},
		{"8 / (4 / 2)", "(8 / (4 / 2))"},
		{"-#{A} * 2", "((-#{A}) * 2)"},
		{"2 * -3", "(2 * (-3))"},
		{"--1", "(-(-1))"},
		{"1 - -1", "(1 - (-1))"},
		{"-(1 + 2)", "(-(1 + 2))"},
		{"#{HGD_VH} / #{HGD_TONG} * 100", "((#{HGD_VH} / #{HGD_TONG}) * 100)"},
		{"#{HGD_VH.NAM}", "#{HGD_VH.NAM}"},
		{"#{a_1.b_2} + #{9X}", "(#{a_1.b_2} + #{9X})"},
		{"count(#{BAN_NVH_CHUAN}) / units(village) * 100", "((count(#{BAN_NVH_CHUAN}) / units(village)) * 100)"},
		{"COUNT ( #{A.B} )", "count(#{A.B})"},
		{"Units( Village ,commune, village )", "units(village,commune)"},
		{"units(agency,school)", "units(agency,school)"},
		{".5 + 12. + 1e3 + 2.5E-1", "(((0.5 + 12) + 1000) + 0.25)"},
		{"\t#{A}\n/\u00a0#{B} ", "(#{A} / #{B})"},
		{"  (((#{A})))  ", "#{A}"},
		{"#{" + strings.Repeat("X", 50) + "}", "#{" + strings.Repeat("X", 50) + "}"},
		{strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100), "1"},
	}
	for _, tt := range tests {
		e, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got := sexpr(e.root); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.src, got, tt.want)
		}
		if got, want := e.String(), strings.TrimSpace(tt.src); got != want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.src, got, want)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	long := strings.Repeat("X", 51)
	tests := []struct {
		src  string
		col  int
		frag string
	}{
		{"", 1, "biểu thức rỗng"},
		{"  \t ", 1, "biểu thức rỗng"},
		{"#{A} + * 2", 8, `cần một số, mã chỉ số #{...} hoặc dấu "(" nhưng gặp "*"`},
		{"#{A} +", 7, "nhưng gặp hết biểu thức"},
		{"+1", 1, `nhưng gặp "+"`},
		{"foo(#{A})", 1, `hàm "foo" không tồn tại`},
		{"1 + SUM (#{A})", 5, `hàm "SUM" không tồn tại`},
		{"HGD_VH / 2", 1, "mã chỉ số viết dạng #{HGD_VH}"},
		{"#{A", 1, `"#{" chưa được đóng`},
		{"#{A} + (#{B", 9, `"#{" chưa được đóng`},
		{"#{A + #{B}", 1, `"#{" chưa được đóng`},
		{"#{}", 3, "mã chỉ số rỗng"},
		{"#{.X}", 3, "mã chỉ số rỗng"},
		{"#{A.}", 5, "mã phân tổ rỗng"},
		{"#{HGD-VH}", 6, `ký tự "-" không được dùng trong mã chỉ số`},
		{"#{HỘ}", 4, `ký tự "Ộ" không được dùng trong mã chỉ số`},
		{"#{A B}", 4, "ký tự dấu cách không được dùng"},
		{"#{A.N Ữ}", 6, "không được dùng trong mã phân tổ"},
		{"#{A.B.C}", 6, `thừa dấu "."`},
		{"#{" + long + "}", 3, "dài 51 ký tự, tối đa 50"},
		{"#{A." + long + "}", 5, "mã phân tổ dài 51 ký tự"},
		{"#A", 1, `sau "#" cần "{"`},
		{"{A}", 1, `thiếu "#" phía trước`},
		{"(#{A} + 1", 10, `thiếu dấu ")" đóng cho "(" ở cột 1`},
		{"(1 2)", 4, `cần phép toán + - * / hoặc dấu ")" nhưng gặp "2"`},
		{"#{A} #{B}", 6, `cần phép toán + - * / hoặc hết biểu thức nhưng gặp "#{B}"`},
		{"#{A})", 5, `dấu ")" thừa`},
		{"1,5 * #{A}", 2, `hãy viết "1.5" (dấu chấm) thay cho "1,5"`},
		{"#{A} * 0,25", 9, `hãy viết "0.25"`},
		{"#{A} , 2", 6, `hết biểu thức nhưng gặp ","`},
		{"1.000.000", 1, "không dùng dấu chấm phân cách hàng nghìn"},
		{"12abc", 1, `số "12abc" không hợp lệ`},
		{"1e", 1, `số "1e" không hợp lệ`},
		{"1e999", 1, "nằm ngoài phạm vi"},
		{".", 1, `số "." không hợp lệ`},
		{"count(#{A} + #{B})", 12, `count(...) chỉ nhận đúng một mã chỉ số #{...} nhưng gặp "+"`},
		{"count(5)", 7, `nhưng gặp "5"`},
		{"count()", 7, `nhưng gặp ")"`},
		{"Count(#{A}", 11, `thiếu dấu ")" đóng cho "Count(" ở cột 1`},
		{"count #{A}", 7, `cần dấu "(" sau tên hàm "count"`},
		{"count", 6, `cần dấu "(" sau tên hàm "count"`},
		{"units()", 7, "cần ít nhất một loại đơn vị"},
		{"units(village,)", 15, `cần tên loại đơn vị (ví dụ village, commune) nhưng gặp ")"`},
		{"units(5)", 7, "cần tên loại đơn vị"},
		{"units(village commune)", 15, `cần dấu "," hoặc ")" nhưng gặp "commune"`},
		{"units(thôn)", 7, `tên loại đơn vị "thôn" không hợp lệ`},
		{"units(village", 14, `thiếu dấu ")" đóng cho "units(" ở cột 1`},
		{"#{A} @ 2", 6, `ký tự "@" không hợp lệ`},
		{"#{A} <= #{B}", 6, "phép so sánh"},
		{"#{A} % 100", 6, "nhân với 100"},
		{"2 × 3", 3, `phép nhân viết là "*"`},
		{"số hộ", 1, `nhưng gặp "số"`},
		// Columns count runes: NBSP is 2 bytes and U+3000 is 3 bytes.
		{"\u00a0\u00a0#{A} + * 2", 10, `gặp "*"`},
		{"\u3000#{A}\u3000+\u3000@", 9, `ký tự "@"`},
		{strings.Repeat("(", 101) + "1" + strings.Repeat(")", 101), 101, "lồng nhau quá sâu"},
		{strings.Repeat("-", 101) + "1", 101, "lồng nhau quá sâu"},
	}
	for _, tt := range tests {
		e, err := Parse(tt.src)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want error", tt.src, sexpr(e.root))
			continue
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error %T, want *Error", tt.src, err)
			continue
		}
		if pe.Col != tt.col || !strings.Contains(pe.Msg, tt.frag) || pe.Src != tt.src {
			t.Errorf("Parse(%q) = col %d %q (src %q), want col %d containing %q", tt.src, pe.Col, pe.Msg, pe.Src, tt.col, tt.frag)
		}
	}
}

func TestErrorString(t *testing.T) {
	_, err := Parse("#{A} + * 2")
	want := `biểu thức "#{A} + * 2", cột 8: cần một số, mã chỉ số #{...} hoặc dấu "(" nhưng gặp "*"`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func TestMustParse(t *testing.T) {
	if got := MustParse(" #{A} ").String(); got != "#{A}" {
		t.Errorf("MustParse.String() = %q", got)
	}
	defer func() {
		if _, ok := recover().(*Error); !ok {
			t.Errorf("MustParse of bad input did not panic with *Error")
		}
	}()
	MustParse("#{")
}

type fakeEnv struct {
	values map[Ref]float64
	counts map[Ref]float64
	units  map[string]float64
	calls  [][]string // kinds passed to Units
}

func (f *fakeEnv) Value(r Ref) (float64, bool) { v, ok := f.values[r]; return v, ok }
func (f *fakeEnv) Count(r Ref) (float64, bool) { v, ok := f.counts[r]; return v, ok }
func (f *fakeEnv) Units(kinds []string) float64 {
	f.calls = append(f.calls, kinds)
	n := 0.0
	for _, k := range kinds {
		n += f.units[k]
	}
	return n
}

func newFakeEnv() *fakeEnv {
	return &fakeEnv{
		values: map[Ref]float64{
			{Element: "HGD_VH"}:                  45,
			{Element: "HGD_TONG"}:                60,
			{Element: "A"}:                       10,
			{Element: "A", Disagg: "NAM"}:        4,
			{Element: "A", Disagg: "NU"}:         6,
			{Element: "B"}:                       4,
			{Element: "Z"}:                       0,
			{Element: "NAN"}:                     math.NaN(),
			{Element: "INF"}:                     math.Inf(1),
			{Element: "BIG"}:                     1e308,
			{Element: "HGD_VH", Disagg: "THON1"}: 9,
		},
		counts: map[Ref]float64{
			{Element: "BAN_NVH_CHUAN"}: 6,
			{Element: "CO_WIFI"}:       0,
		},
		units: map[string]float64{"village": 8, "commune": 2, "agency": 0},
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		src    string
		want   float64
		wantOK bool
	}{
		{"1 + 2 * 3", 7, true},
		{"(1 + 2) * 3", 9, true},
		{"7 - 2 - 1", 4, true},
		{"8 / 4 / 2", 1, true},
		{"2 * -3", -6, true},
		{"--2", 2, true},
		{"-#{A} + 2 * 3", -4, true},
		{".5 + 1e1", 10.5, true},
		{"#{HGD_VH} / #{HGD_TONG} * 100", 75, true},
		{"#{A.NAM} + #{A.NU}", 10, true},
		{"#{A.NAM} / #{A} * 100", 40, true},
		{"count(#{BAN_NVH_CHUAN}) / units(village) * 100", 75, true},
		{"count(#{CO_WIFI})", 0, true},
		{"units(village, commune)", 10, true},
		{"units(school)", 0, true},
		{"#{Z}", 0, true},
		{"#{A} / 0", 0, false},
		{"#{A} / (#{B} - #{B})", 0, false},
		{"#{Z} / #{Z}", 0, false},
		{"units(village) / units(agency)", 0, false},
		{"#{MISSING} + 1", 0, false},
		{"0 * #{MISSING}", 0, false},
		{"#{A.MISSING}", 0, false},
		{"count(#{MISSING})", 0, false},
		{"count(#{MISSING}) + units(village)", 0, false},
		{"#{NAN}", 0, false},
		{"#{NAN} * 0", 0, false},
		{"#{INF} - #{INF}", 0, false},
		{"#{BIG} * 10", 0, false},
		{"#{BIG} * 10 / #{BIG}", 0, false},
		{"1 / (#{BIG} * 10)", 0, false},
		{"-#{BIG} - #{BIG}", 0, false},
	}
	for _, tt := range tests {
		env := newFakeEnv()
		got, ok := MustParse(tt.src).Eval(env)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Eval(%q) = %v, %v; want %v, %v", tt.src, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestEvalUnitsKinds(t *testing.T) {
	env := newFakeEnv()
	if v, ok := MustParse("units(Village, commune, VILLAGE)").Eval(env); v != 10 || !ok {
		t.Errorf("Eval = %v, %v; want 10, true", v, ok)
	}
	if len(env.calls) != 1 || !slices.Equal(env.calls[0], []string{"village", "commune"}) {
		t.Errorf("Units called with %v, want [[village commune]]", env.calls)
	}
	// The env may scribble on the slice without corrupting the Expr.
	e := MustParse("units(village)")
	e.Eval(envFunc(func(k []string) { k[0] = "x" }))
	if v, _ := e.Eval(env); v != 8 {
		t.Errorf("after env mutation Eval = %v, want 8", v)
	}
}

// envFunc is an Env whose Units runs f and reports 1.
type envFunc func([]string)

func (envFunc) Value(Ref) (float64, bool)      { return 0, false }
func (envFunc) Count(Ref) (float64, bool)      { return 0, false }
func (f envFunc) Units(kinds []string) float64 { f(kinds); return 1 }

func TestZeroExpr(t *testing.T) {
	var e Expr
	if v, ok := e.Eval(newFakeEnv()); v != 0 || ok {
		t.Errorf("zero Expr Eval = %v, %v", v, ok)
	}
	if e.String() != "" || e.Refs() != nil || e.UnitKinds() != nil {
		t.Errorf("zero Expr has content")
	}
	if _, ok := e.Single(); ok {
		t.Errorf("zero Expr is Single")
	}
}

func TestRefsKindsSingle(t *testing.T) {
	tests := []struct {
		src     string
		refs    []Ref
		kinds   []string
		single  Ref
		isSingl bool
	}{
		{"#{A}", []Ref{{"A", ""}}, nil, Ref{"A", ""}, true},
		{" ( #{A.NAM} ) ", []Ref{{"A", "NAM"}}, nil, Ref{"A", "NAM"}, true},
		{"-#{A}", []Ref{{"A", ""}}, nil, Ref{}, false},
		{"#{A} * 1", []Ref{{"A", ""}}, nil, Ref{}, false},
		{"count(#{A})", []Ref{{"A", ""}}, nil, Ref{}, false},
		{"42", nil, nil, Ref{}, false},
		{
			"#{B} + count(#{A}) + #{B} + #{A.X} + #{A} + count(#{B}) / units(village, school) - units(School, commune)",
			[]Ref{{"B", ""}, {"A", ""}, {"A", "X"}},
			[]string{"village", "school", "commune"},
			Ref{}, false,
		},
	}
	for _, tt := range tests {
		e := MustParse(tt.src)
		if got := e.Refs(); !slices.Equal(got, tt.refs) {
			t.Errorf("Refs(%q) = %v, want %v", tt.src, got, tt.refs)
		}
		if got := e.UnitKinds(); !slices.Equal(got, tt.kinds) {
			t.Errorf("UnitKinds(%q) = %v, want %v", tt.src, got, tt.kinds)
		}
		if r, ok := e.Single(); r != tt.single || ok != tt.isSingl {
			t.Errorf("Single(%q) = %v, %v; want %v, %v", tt.src, r, ok, tt.single, tt.isSingl)
		}
	}
	// Returned slices are copies.
	e := MustParse("#{A} + units(village)")
	e.Refs()[0].Element = "X"
	e.UnitKinds()[0] = "x"
	if e.Refs()[0].Element != "A" || e.UnitKinds()[0] != "village" {
		t.Errorf("Refs/UnitKinds expose internal state")
	}
}

func TestRefString(t *testing.T) {
	if got := (Ref{Element: "A"}).String(); got != "#{A}" {
		t.Errorf("got %q", got)
	}
	if got := (Ref{Element: "A", Disagg: "NU"}).String(); got != "#{A.NU}" {
		t.Errorf("got %q", got)
	}
}

func TestTextMarshal(t *testing.T) {
	var v struct{ E *Expr }
	if err := json.Unmarshal([]byte(`{"E":" #{A} / 2 "}`), &v); err != nil {
		t.Fatal(err)
	}
	if got, ok := v.E.Eval(newFakeEnv()); got != 5 || !ok {
		t.Errorf("Eval = %v, %v; want 5, true", got, ok)
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) != `{"E":"#{A} / 2"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	err = json.Unmarshal([]byte(`{"E":"#{A"}`), &v)
	var pe *Error
	if !errors.As(err, &pe) || pe.Col != 1 {
		t.Errorf("Unmarshal bad expr err = %v, want *Error at col 1", err)
	}
}

func TestParseOp(t *testing.T) {
	tests := []struct {
		in   string
		want Op
	}{
		{"==", Eq}, {"=", Eq}, {" = ", Eq},
		{"!=", Ne}, {"≠", Ne},
		{"<", Lt}, {"<=", Le}, {"≤", Le},
		{">", Gt}, {">=", Ge}, {"≥", Ge},
	}
	for _, tt := range tests {
		got, err := ParseOp(tt.in)
		if got != tt.want || err != nil {
			t.Errorf("ParseOp(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if !got.Valid() {
			t.Errorf("%q not Valid", got)
		}
	}
	for _, bad := range []string{"", "=>", "<>", "===", "lt"} {
		if got, err := ParseOp(bad); err == nil || got != "" || !strings.Contains(err.Error(), "không hợp lệ") {
			t.Errorf("ParseOp(%q) = %q, %v; want error", bad, got, err)
		}
	}
	if Op("~").Valid() {
		t.Errorf(`Op("~") is Valid`)
	}
}

func TestOpSymbol(t *testing.T) {
	want := map[Op]string{Eq: "=", Ne: "≠", Lt: "<", Le: "≤", Gt: ">", Ge: "≥", "~": "~"}
	for o, s := range want {
		if got := o.Symbol(); got != s {
			t.Errorf("%q.Symbol() = %q, want %q", o, got, s)
		}
		if o.Valid() {
			if back, err := ParseOp(s); back != o || err != nil {
				t.Errorf("ParseOp(%q) = %q, %v; want %q", s, back, err, o)
			}
		}
	}
}

func TestOpHolds(t *testing.T) {
	inexact := 0.1 + 0.2 // 0.30000000000000004
	tests := []struct {
		op   Op
		l, r float64
		want bool
	}{
		{Eq, 1, 1, true},
		{Eq, inexact, 0.3, true},
		{Eq, 1, 1 + 1e-10, true},
		{Eq, 1, 1 + 1e-8, false},
		{Eq, 0, 1e-10, true},
		{Eq, 0, 1e-8, false},
		{Eq, 1e12, 1e12 + 100, true}, // relative tolerance for large sums
		{Eq, 999_999_999, 999_999_998, false},
		{Ne, inexact, 0.3, false},
		{Ne, 1, 2, true},
		{Lt, 1, 2, true},
		{Lt, 2, 1, false},
		{Lt, 0.3, inexact, false}, // equal within tolerance, so not less
		{Le, inexact, 0.3, true},
		{Le, 2, 1, false},
		{Gt, 2, 1, true},
		{Gt, inexact, 0.3, false},
		{Gt, 1, 2, false},
		{Ge, 0.3, inexact, true},
		{Ge, 1, 2, false},
		{Ge, -1, -1, true},
		{Eq, math.Inf(1), 5, false},
		{Ne, math.Inf(1), 5, true},
		{Eq, math.NaN(), math.NaN(), false},
		{Ne, math.NaN(), 1, false},
		{Op("~"), 1, 1, false},
	}
	for _, tt := range tests {
		if got := tt.op.Holds(tt.l, tt.r); got != tt.want {
			t.Errorf("%v %q %v = %v, want %v", tt.l, tt.op, tt.r, got, tt.want)
		}
	}
}

// TestDocExamples keeps the table in docs/expressions.md honest.
func TestDocExamples(t *testing.T) {
	env := &fakeEnv{
		values: map[Ref]float64{
			{Element: "HGD_VH"}:           120,
			{Element: "HGD_TONG"}:         150,
			{Element: "DS"}:               5200,
			{Element: "DS", Disagg: "NU"}: 2650,
			{Element: "A"}:                7,
			{Element: "KP_GIAO"}:          800,
			{Element: "KP_GIAI_NGAN"}:     600,
		},
		counts: map[Ref]float64{{Element: "BAN_NVH_CHUAN"}: 9},
		units:  map[string]float64{"village": 12, "commune": 1},
	}
	tests := []struct {
		src  string
		want float64
		ok   bool
	}{
		{"#{HGD_VH} / #{HGD_TONG} * 100", 80, true},
		{"#{DS.NU} / #{DS} * 100", 2650.0 / 5200 * 100, true},
		{"count(#{BAN_NVH_CHUAN}) / units(village) * 100", 75, true},
		{"units(village, commune)", 13, true},
		{"#{KP_GIAI_NGAN} - #{KP_GIAO} * 0.5", 200, true},
		{"-#{A} + 10", 3, true},
		{"#{A} / 0", 0, false},
		{"#{HGD_NGHEO} / #{HGD_TONG} * 100", 0, false},
	}
	for _, tt := range tests {
		got, ok := MustParse(tt.src).Eval(env)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Eval(%q) = %v, %v; want %v, %v", tt.src, got, ok, tt.want, tt.ok)
		}
	}
}

// hashEnv derives values from the ref so fuzzing exercises missing values,
// zeros, huge numbers and NaN/Inf coming from the environment.
type hashEnv struct{}

var hashVals = []float64{0, 1, -3.5, 1e308, -1e308, math.NaN(), math.Inf(1), math.Inf(-1), 5e-324, 42}

func pick(s string) (float64, bool) {
	h := fnv.New32a()
	h.Write([]byte(s))
	n := h.Sum32()
	if n%7 == 0 {
		return 0, false
	}
	return hashVals[n%uint32(len(hashVals))], true
}

func (hashEnv) Value(r Ref) (float64, bool) { return pick("v" + r.String()) }
func (hashEnv) Count(r Ref) (float64, bool) { return pick("c" + r.String()) }
func (hashEnv) Units(kinds []string) float64 {
	v, _ := pick("u" + strings.Join(kinds, ","))
	return v
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"1 + 2 * 3", "(#{A} + 1", "#{HGD_VH} / #{HGD_TONG} * 100",
		"count(#{BAN_NVH_CHUAN}) / units(village) * 100", "units(village, commune)",
		"#{A.B} / 0", "-#{A} * -2", "1,5", "#{", "#{}", "#{A.}", "count(#{A} + 1)",
		"units()", "foo(1)", "1e999", ".5e-3", "\u00a0#{Hộ}", "((((1))))", "#{A} #{B}",
		"units(thôn)", "1.000.000", "#{A}/#{B}/#{C}",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %T, want *Error", src, err)
			}
			if pe.Col < 1 || pe.Col > utf8.RuneCountInString(src)+1 || pe.Src != src || pe.Msg == "" {
				t.Fatalf("Parse(%q) bad error %+v", src, pe)
			}
			return
		}
		e2, err := Parse(e.String())
		if err != nil {
			t.Fatalf("reparse of %q: %v", e.String(), err)
		}
		if a, b := sexpr(e.root), sexpr(e2.root); a != b {
			t.Fatalf("reparse of %q changed AST: %s vs %s", src, a, b)
		}
		for _, r := range e.Refs() {
			if !isCode(r.Element) || (r.Disagg != "" && !isCode(r.Disagg)) {
				t.Fatalf("bad ref %#v from %q", r, src)
			}
		}
		v, ok := e.Eval(hashEnv{})
		if ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("Eval(%q) = %v, true", src, v)
		}
		if !ok && v != 0 {
			t.Fatalf("Eval(%q) = %v, false; want 0 when no value", src, v)
		}
	})
}
