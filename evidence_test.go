package kehoach

import (
	"archive/zip"
	"bytes"
	"testing"
)

func zipWith(t *testing.T, part string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create(part)
	w.Write([]byte("<x/>"))
	z.Close()
	return b.Bytes()
}

func TestSniffEvidence(t *testing.T) {
	pdf := []byte("%PDF-1.4\n%…")
	for _, c := range []struct {
		name string
		data []byte
		want string // "" = refused
	}{
		{"bao-cao.pdf", pdf, EvidencePDF},
		{"BAO-CAO.PDF", pdf, EvidencePDF},
		{"anh.png", []byte("\x89PNG\r\n\x1a\nrest"), EvidencePNG},
		{"anh.jpg", []byte{0xFF, 0xD8, 0xFF, 0xE0}, EvidenceJPEG},
		{"bb.docx", zipWith(t, "word/document.xml"), EvidenceDOCX},
		{"bb.xlsx", zipWith(t, "xl/workbook.xml"), EvidenceXLSX},
		{"bb.docx", zipWith(t, "xl/workbook.xml"), ""}, // an XLSX named DOCX
		{"gia.pdf", []byte("<html>not a pdf</html>"), ""},
		{"anh.pdf", []byte("\x89PNG\r\n\x1a\n"), ""},
		{"script.exe", pdf, ""},
		{"rong.pdf", nil, ""},
		{"lon.pdf", append(pdf, make([]byte, EvidenceMaxBytes)...), ""},
		{"../x.pdf", pdf, ""},
	} {
		got, err := SniffEvidence(c.name, c.data)
		if got != c.want {
			t.Errorf("%s: got %q (%v), want %q", c.name, got, err, c.want)
		}
		if c.want == "" && ErrorFields(err)["evidence"] == "" {
			t.Errorf("%s: no field reason: %v", c.name, err)
		}
	}
}
