package period

import "testing"

// String is written by hand for speed; it must say what fmt says.
func TestStringAsSprintf(t *testing.T) {
	for _, typ := range types {
		for _, year := range []int{0, 7, 99, 1999, 2024, 9999, 10000, -1} {
			for n := -1; n <= 13; n++ {
				p := Period{Type: typ, Year: year, N: n}
				if got, want := p.String(), p.sprint(); got != want {
					t.Errorf("%#v.String() = %q, want %q", p, got, want)
				}
			}
		}
	}
}
