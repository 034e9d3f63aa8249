package kehoach_test

import (
	"math"
	"strings"
	"testing"

	"kehoach"
)

func TestParseValue(t *testing.T) {
	t.Parallel()
	const bad = "!" // want an EINVALID error
	tests := []struct {
		name      string
		valueType string
		raw       string
		canon     string  // bad: refused
		num       float64 // checked unless canon is bad; NaN for text
		reason    string  // a part of the refusal's message
	}{
		{"integer", kehoach.TypeInteger, "42", "42", 42, ""},
		{"integer zero", kehoach.TypeInteger, "0", "0", 0, ""},
		{"integer trimmed", kehoach.TypeInteger, "  7 \t", "7", 7, ""},
		{"integer with spaces between digit groups", kehoach.TypeInteger, "1 234 567", "1234567", 1234567, ""},
		{"integer with Vietnamese thousands dots", kehoach.TypeInteger, "1.234", "1234", 1234, ""},
		{"integer with several thousands dots", kehoach.TypeInteger, "12.345.678", "12345678", 12345678, ""},
		{"integer with a plus sign", kehoach.TypeInteger, "+5", "5", 5, ""},
		{"integer leading zeros", kehoach.TypeInteger, "007", "7", 7, ""},
		{"integer negative", kehoach.TypeInteger, "-3", bad, 0, "số âm"},
		{"integer negative decimal", kehoach.TypeInteger, "-1,5", bad, 0, "số âm"},
		{"integer decimal comma", kehoach.TypeInteger, "2,5", bad, 0, "phần thập phân"},
		{"integer decimal point", kehoach.TypeInteger, "2.5", bad, 0, "phần thập phân"},
		{"integer dot not in groups of three", kehoach.TypeInteger, "1.2345", bad, 0, "phần thập phân"},
		{"integer exponent", kehoach.TypeInteger, "1e3", bad, 0, "số nguyên"},
		{"integer words", kehoach.TypeInteger, "mười", bad, 0, "không phải là số"},
		{"integer empty", kehoach.TypeInteger, "", bad, 0, "không phải là số"},
		{"integer NaN", kehoach.TypeInteger, "NaN", bad, 0, "không phải là số"},
		{"integer Inf", kehoach.TypeInteger, "Inf", bad, 0, "không phải là số"},
		{"integer too large", kehoach.TypeInteger, "99999999999999999999", bad, 0, "quá lớn"},
		{"integer beyond exact float", kehoach.TypeInteger, "9007199254740993", bad, 0, "quá lớn"},
		// Issue 9: the page prints "11.564" and must read it back.
		{"integer as the page prints it (issue 9)", kehoach.TypeInteger, "11.564", "11564", 11564, ""},
		{"integer a million with dots", kehoach.TypeInteger, "1.000.000", "1000000", 1000000, ""},
		{"integer with no-break spaces", kehoach.TypeInteger, "1\u00a0000\u202f000", "1000000", 1000000, ""},
		{"integer fullwidth digits", kehoach.TypeInteger, "１１８", "118", 118, ""},
		{"integer fullwidth grouped", kehoach.TypeInteger, "１．０００", "1000", 1000, ""},
		{"integer Arabic-Indic digits refused", kehoach.TypeInteger, "١٢٣", bad, 0, "không phải là số"},
		{"integer 22 digits (issue 9)", kehoach.TypeInteger, "1234567890123456789012", bad, 0, "quá lớn"},
		{"integer Infinity (issue 9)", kehoach.TypeInteger, "Infinity", bad, 0, "không phải là số"},
		{"integer only spaces", kehoach.TypeInteger, "   ", bad, 0, "không phải là số"},
		{"integer largest exact", kehoach.TypeInteger, "9007199254740992", "9007199254740992", 9007199254740992, ""},

		{"number", kehoach.TypeNumber, "3.25", "3.25", 3.25, ""},
		{"number Vietnamese decimal comma", kehoach.TypeNumber, "3,25", "3.25", 3.25, ""},
		{"number Vietnamese grouping and comma", kehoach.TypeNumber, "1.234,5", "1234.5", 1234.5, ""},
		{"number several groups and comma", kehoach.TypeNumber, "1.234.567,25", "1234567.25", 1234567.25, ""},
		{"number spaces between groups", kehoach.TypeNumber, "1 234,5", "1234.5", 1234.5, ""},
		{"number negative", kehoach.TypeNumber, "-0,5", "-0.5", -0.5, ""},
		{"number whole", kehoach.TypeNumber, "10", "10", 10, ""},
		{"number canonical drops trailing zeros", kehoach.TypeNumber, "2,50", "2.5", 2.5, ""},
		{"number several thousands dots", kehoach.TypeNumber, "1.234.567", "1234567", 1234567, ""},
		{"number one dot is a decimal point", kehoach.TypeNumber, "1.234", "1.234", 1.234, ""},
		{"number exponent", kehoach.TypeNumber, "1e-3", "0.001", 0.001, ""},
		{"number two commas", kehoach.TypeNumber, "1,2,3", bad, 0, "không phải là số"},
		{"number bad groups before the comma", kehoach.TypeNumber, "12.34,5", bad, 0, "không phải là số"},
		{"number English grouping", kehoach.TypeNumber, "1,234.5", bad, 0, "không phải là số"},
		{"number NaN", kehoach.TypeNumber, "NaN", bad, 0, "không phải là số"},
		{"number nan lower case", kehoach.TypeNumber, "nan", bad, 0, "không phải là số"},
		{"number Inf", kehoach.TypeNumber, "Inf", bad, 0, "không phải là số"},
		{"number -Infinity", kehoach.TypeNumber, "-Infinity", bad, 0, "không phải là số"},
		{"number overflow", kehoach.TypeNumber, "1e400", bad, 0, "quá lớn"},
		{"number fullwidth digits and comma", kehoach.TypeNumber, "３，５", "3.5", 3.5, ""},
		{"number empty", kehoach.TypeNumber, "", bad, 0, "không phải là số"},
		{"number text", kehoach.TypeNumber, "ba phẩy năm", bad, 0, "không phải là số"},

		{"bool true", kehoach.TypeBool, "true", "true", 1, ""},
		{"bool 1", kehoach.TypeBool, "1", "true", 1, ""},
		{"bool có", kehoach.TypeBool, "có", "true", 1, ""},
		{"bool Có capital", kehoach.TypeBool, "Có", "true", 1, ""},
		{"bool co without marks", kehoach.TypeBool, "co", "true", 1, ""},
		{"bool yes", kehoach.TypeBool, "YES", "true", 1, ""},
		{"bool false", kehoach.TypeBool, "false", "false", 0, ""},
		{"bool 0", kehoach.TypeBool, "0", "false", 0, ""},
		{"bool không", kehoach.TypeBool, "không", "false", 0, ""},
		{"bool Không capital", kehoach.TypeBool, " Không ", "false", 0, ""},
		{"bool khong without marks", kehoach.TypeBool, "khong", "false", 0, ""},
		{"bool no", kehoach.TypeBool, "no", "false", 0, ""},
		{"bool có in decomposed form", kehoach.TypeBool, "co\u0301", "true", 1, ""},
		{"bool other", kehoach.TypeBool, "2", bad, 0, "Có hoặc Không"},
		{"bool empty", kehoach.TypeBool, "", bad, 0, "Có hoặc Không"},

		{"text trimmed", kehoach.TypeText, "  Nhà văn hóa  ", "Nhà văn hóa", math.NaN(), ""},
		{"text at the limit", kehoach.TypeText, strings.Repeat("a", 50000), strings.Repeat("a", 50000), math.NaN(), ""},
		{"text over the limit", kehoach.TypeText, strings.Repeat("a", 50001), bad, 0, "50.000 ký tự"},
		// The limit is in characters, as the message says: Vietnamese
		// letters take two or three bytes.
		{"Vietnamese text under the limit in characters", kehoach.TypeText, strings.Repeat("ế", 40000), strings.Repeat("ế", 40000), math.NaN(), ""},
		{"Vietnamese text over the limit in characters", kehoach.TypeText, strings.Repeat("ế", 50001), bad, 0, "50.000 ký tự"},
		{"text not UTF-8", kehoach.TypeText, "Nh\xe0 v\xe3n", bad, 0, "UTF-8"},

		{"unknown type", "date", "2025-01-01", bad, 0, `"date"`},
		{"no type", "", "1", bad, 0, "không được hỗ trợ"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &kehoach.DataElement{Code: "X", ValueType: tc.valueType}
			canon, num, err := e.ParseValue(tc.raw)
			if tc.canon == bad {
				if kehoach.ErrorCode(err) != kehoach.EINVALID {
					t.Fatalf("ParseValue(%.40q) = %.40q, %v, %v; want EINVALID", tc.raw, canon, num, err)
				}
				if msg := kehoach.ErrorMessage(err); !strings.Contains(msg, tc.reason) {
					t.Errorf("ParseValue(%.40q): message %q lacks %q", tc.raw, msg, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseValue(%.40q): %v", tc.raw, err)
			}
			if canon != tc.canon {
				t.Errorf("ParseValue(%.40q) canon = %.40q, want %.40q", tc.raw, canon, tc.canon)
			}
			if math.IsNaN(tc.num) != math.IsNaN(num) || (!math.IsNaN(num) && num != tc.num) {
				t.Errorf("ParseValue(%.40q) num = %v, want %v", tc.raw, num, tc.num)
			}
		})
	}
}

// TestParseValueCanonicalIsStable checks that parsing the canonical text
// gives it back: what is stored reads back as itself.
func TestParseValueCanonicalIsStable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ valueType, raw string }{
		{kehoach.TypeInteger, "1.234"}, {kehoach.TypeInteger, "0"},
		{kehoach.TypeNumber, "1.234,5"}, {kehoach.TypeNumber, "-0,125"}, {kehoach.TypeNumber, "1e-7"},
		{kehoach.TypeBool, "có"}, {kehoach.TypeBool, "không"},
		{kehoach.TypeText, " Đạt chuẩn "},
	} {
		e := &kehoach.DataElement{ValueType: tc.valueType}
		canon, _, err := e.ParseValue(tc.raw)
		if err != nil {
			t.Fatalf("%s %q: %v", tc.valueType, tc.raw, err)
		}
		again, _, err := e.ParseValue(canon)
		if err != nil || again != canon {
			t.Errorf("%s %q: canonical %q reads back as %q, %v", tc.valueType, tc.raw, canon, again, err)
		}
	}
}
