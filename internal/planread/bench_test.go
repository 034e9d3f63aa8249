package planread_test

import (
	"testing"

	"kehoach/internal/planread"
)

// BenchmarkReadSeed reads the Tam Đường plan (176 lines, 45 units).
func BenchmarkReadSeed(b *testing.B) {
	data, cat := seedText(b), catalogue(b)
	for b.Loop() {
		if _, err := planread.Read("seed.txt", data, cat); err != nil {
			b.Fatal(err)
		}
	}
}
