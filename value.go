package kehoach

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// TextValueMaxLen bounds a text figure, in characters.
const TextValueMaxLen = 50000

// maxExactInteger is the largest whole number a float64 holds exactly
// (2^53): figures are added up as float64, so a larger count would be
// silently rounded.
const maxExactInteger = 1 << 53

// Vietnamese writes thousands with dots and decimals with a comma
// ("1.234.567,5"), as the pages show figures (locale.VI.Number).
var (
	// groupedInt is a whole number with dot-separated thousands.
	groupedInt = regexp.MustCompile(`^[+-]?[0-9]{1,3}(\.[0-9]{3})+$`)
	// groupedDecimal is a number with dot-separated thousands and a
	// decimal comma.
	groupedDecimal = regexp.MustCompile(`^[+-]?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$`)
)

// plainNumber turns a number as a person writes it into Go's syntax:
// spaces between digit groups dropped, Vietnamese thousands dots dropped
// when unambiguous (several dots, or dots before a decimal comma; for
// integers also a single dot before three digits), a decimal comma made a
// point. A single dot in a non-integer stays a decimal point, as
// computers write it.
func plainNumber(s string, integer bool) string {
	s = strings.Map(dropSpace, s)
	if groupedDecimal.MatchString(s) || (groupedInt.MatchString(s) && (integer || strings.Count(s, ".") > 1)) {
		s = strings.ReplaceAll(s, ".", "")
	}
	return strings.ReplaceAll(s, ",", ".")
}

// dropSpace drops the spaces a person or a spreadsheet puts between digit
// groups: ordinary, no-break (U+00A0) and narrow no-break (U+202F).
func dropSpace(r rune) rune {
	switch r {
	case ' ', '\u00a0', '\u202f', '\u2009':
		return -1
	}
	return r
}

// foldWidth reads fullwidth digits, signs and separators ("１２３", typed
// with an East Asian input method) as their ASCII forms, so they are read
// as the digits they show rather than refused or misread; other scripts'
// digits stay, and are refused as not a number.
func foldWidth(s string) string { return width.Narrow.String(s) }

// ParseValue checks raw against the element's value type and returns the
// canonical text and, for numeric and yes/no types, the number. The error
// message is Vietnamese and says why, for showing beside the field.
func (e *DataElement) ParseValue(raw string) (canon string, num float64, err error) {
	s := strings.TrimSpace(raw)
	if e.ValueType == TypeInteger || e.ValueType == TypeNumber {
		s = strings.TrimSpace(foldWidth(s))
	}
	switch e.ValueType {
	case TypeInteger:
		s = plainNumber(s, true)
		n, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil {
			// Say why: a decimal or negative number, one too large, or
			// not a number at all (NaN and Inf parse as floats).
			f, ferr := strconv.ParseFloat(s, 64)
			switch {
			case ferr != nil || math.IsNaN(f) || math.IsInf(f, 0):
				return "", 0, Errorf(EINVALID, "không phải là số (%q)", raw)
			case f < 0:
				return "", 0, Errorf(EINVALID, "không được là số âm (%s)", raw)
			case f > maxExactInteger:
				n = maxExactInteger + 1 // refused below
			default:
				return "", 0, Errorf(EINVALID, "phải là số nguyên, không có phần thập phân (%s)", raw)
			}
		}
		if n < 0 {
			return "", 0, Errorf(EINVALID, "không được là số âm (%s)", raw)
		}
		if n > maxExactInteger {
			return "", 0, Errorf(EINVALID, "quá lớn (tối đa 9.007.199.254.740.992): %s", raw)
		}
		return strconv.FormatInt(n, 10), float64(n), nil
	case TypeNumber:
		f, perr := strconv.ParseFloat(plainNumber(s, false), 64)
		if errors.Is(perr, strconv.ErrRange) && math.IsInf(f, 0) {
			return "", 0, Errorf(EINVALID, "quá lớn (%s)", raw)
		}
		if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", 0, Errorf(EINVALID, "không phải là số (%q)", raw)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), f, nil
	case TypeBool:
		// NFC: "có" typed with a combining accent is the same word.
		switch strings.ToLower(norm.NFC.String(s)) {
		case "true", "1", "có", "co", "yes":
			return "true", 1, nil
		case "false", "0", "không", "khong", "no":
			return "false", 0, nil
		}
		return "", 0, Errorf(EINVALID, "phải là Có hoặc Không (%q)", raw)
	case TypeText:
		if !utf8.ValidString(s) {
			return "", 0, Errorf(EINVALID, "không phải văn bản UTF-8 hợp lệ")
		}
		s = norm.NFC.String(s)
		if utf8.RuneCountInString(s) > TextValueMaxLen {
			return "", 0, Errorf(EINVALID, "quá dài (tối đa 50.000 ký tự)")
		}
		return s, math.NaN(), nil
	}
	return "", 0, Errorf(EINVALID, "kiểu dữ liệu %q không được hỗ trợ", e.ValueType)
}
