// Package exporttest gives the exporters' tests the report models of the
// report package's golden files, so that every format is tested on the
// content model the golden test pins down.
package exporttest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"kehoach/internal/report"
)

// Golden reads the golden model name ("report_2024", "letter_2024").
func Golden(t testing.TB, name string) *report.Report {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "report", "testdata", name+".golden.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}
