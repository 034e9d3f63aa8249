// Package vntext handles Vietnamese text: NFC normalisation of input,
// Vietnamese collation for sorting, and folding for diacritic-insensitive
// search ("binh lu" finds "Bình Lư").
package vntext

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normal form C with surrounding space trimmed.
// Every text input goes through it: the same word typed on two keyboards
// may arrive composed or decomposed.
func NFC(s string) string {
	return strings.TrimSpace(norm.NFC.String(s))
}

// Fold returns s without diacritics, đ as d, lower-cased, with runs of
// space collapsed: the key for diacritic-insensitive search.
func Fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimRight(b.String(), " ")
}

// collators are not safe for concurrent use; a pool keeps one per goroutine.
var collators = sync.Pool{New: func() any { return collate.New(language.Vietnamese) }}

// SortKey returns a byte key that orders strings the Vietnamese way
// (A < Ă < Â, D < Đ, O < Ô < Ơ, U < Ư) when compared bytewise, in Go, in
// SQLite BLOB order and in PostgreSQL bytea order alike.
func SortKey(s string) []byte {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	k := c.KeyFromString(&buf, s)
	return append([]byte(nil), k...)
}

// Compare compares a and b in Vietnamese order.
func Compare(a, b string) int {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	return c.CompareString(a, b)
}
