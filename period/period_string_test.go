package period

import (
	"fmt"
	"testing"
)

// String is written by hand for speed; it must say what Sprintf said.
func TestStringAsSprintf(t *testing.T) {
	want := func(p Period) string {
		switch p.Type {
		case Yearly:
			return fmt.Sprintf("%04d", p.Year)
		case SixMonthly:
			return fmt.Sprintf("%04dS%d", p.Year, p.N)
		case Quarterly:
			return fmt.Sprintf("%04dQ%d", p.Year, p.N)
		case Monthly:
			return fmt.Sprintf("%04d%02d", p.Year, p.N)
		}
		return ""
	}
	for _, typ := range types {
		for _, year := range []int{0, 7, 99, 1999, 2024, 9999, 10000, -1} {
			for n := -1; n <= 13; n++ {
				p := Period{Type: typ, Year: year, N: n}
				if got := p.String(); got != want(p) {
					t.Errorf("%#v.String() = %q, want %q", p, got, want(p))
				}
			}
		}
	}
}
