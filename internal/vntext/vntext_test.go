package vntext

import (
	"bytes"
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNFC(t *testing.T) {
	nfd := norm.NFD.String("Hồ Thầu")
	if nfd == "Hồ Thầu" {
		t.Fatal("test input is already NFC")
	}
	if got := NFC("  " + nfd + " "); got != "Hồ Thầu" {
		t.Fatalf("NFC = %q, want %q", got, "Hồ Thầu")
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Bình Lư", "binh lu"},
		{"ĐẮK LẮK", "dak lak"},
		{"Bản  Bo", "ban bo"},
		{norm.NFD.String("Thèn Sin"), "then sin"},
		{"Tả Lèng", "ta leng"},
		{"Phường Tân Phong ", "phuong tan phong"},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSortKey(t *testing.T) {
	want := []string{"An", "Ăn", "Ân", "Bản Bo", "Bình Lư", "Dê", "Đà", "Hồ Thầu", "Ô", "Ơ", "Sơn Bình", "Tả Lèng", "Thèn Sin", "U", "Ư", "Vạn"}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortFunc(got, func(a, b string) int { return bytes.Compare(SortKey(a), SortKey(b)) })
	if !slices.Equal(got, want) {
		t.Fatalf("sorted by key = %q, want %q", got, want)
	}
	slices.Reverse(got)
	slices.SortFunc(got, Compare)
	if !slices.Equal(got, want) {
		t.Fatalf("sorted by Compare = %q, want %q", got, want)
	}
}
