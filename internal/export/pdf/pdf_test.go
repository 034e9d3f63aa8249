package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kehoach/internal/chart"
	"kehoach/internal/export/exporttest"
	"kehoach/internal/report"
)

// pdftotext extracts the text of a PDF with poppler's tools, and the page
// count from pdfinfo; the test skips when they are not installed.
func extract(t *testing.T, b []byte) (text string, pages string) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	os.WriteFile(path, b, 0o644)
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo: %s", info)
	}
	return string(out), string(m[1])
}

// The PDF's text holds the header, the figures and the signature block
// with every Vietnamese letter right, and the expected pages: the body
// and the appendix on a page of its own, numbered from page 2.
func TestReportPDF(t *testing.T) {
	r := exporttest.Golden(t, "report_2024")
	var buf bytes.Buffer
	if err := Write(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	text, pages := extract(t, buf.Bytes())
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"ỦY BAN NHÂN DÂN", "HUYỆN MẪU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Số: …/BC-UBND", "Mẫu Sơn, ngày 20 tháng 12 năm 2024", "BÁO CÁO",
		"(Số liệu chốt từ ngày 15/12/2023 đến ngày 14/12/2024)",
		"I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU", "Thôn có nhà văn hóa", "84%", "42/50",
		"Xã Bê", "Phòng Văn hóa", "Nơi nhận:", "- Lưu: VT, VHXH.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Ấn", "./.",
		"PHỤ LỤC", "Xã Cê", "Chưa có số liệu",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if pages != "2" {
		t.Errorf("pages = %s, want 2 (body, appendix)", pages)
	}
	if !strings.Contains(text, "\n") || strings.Contains(flat, "1 CỘNG HÒA") {
		t.Error("page 1 carries a page number")
	}
	var again bytes.Buffer
	Write(&again, r, nil)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two writes of one model differ")
	}
}

// A long appendix flows over pages with its header row repeated, and every
// page after the first is numbered at the top.
func TestLongAppendixPDF(t *testing.T) {
	r := exporttest.Golden(t, "report_2024")
	row := r.Appendix[0].Rows[1]
	for i := 0; i < 120; i++ {
		r.Appendix[0].Rows = append(r.Appendix[0].Rows, row)
	}
	var buf bytes.Buffer
	if err := Write(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	text, pages := extract(t, buf.Bytes())
	if pages < "4" || len(pages) != 1 {
		t.Fatalf("pages = %s, want ≥ 4", pages)
	}
	if n := strings.Count(text, "Đơn vị"); n < 3 {
		t.Errorf("appendix header row printed %d times, want once per page", n)
	}
	for _, p := range []string{"2", "3"} {
		if !regexp.MustCompile(`(?m)^\s+` + p + `\s*$`).MatchString(text) {
			t.Errorf("no page number %s at the top of a page", p)
		}
	}
}

func TestLetterPDF(t *testing.T) {
	r := exporttest.Golden(t, "letter_2024")
	var buf bytes.Buffer
	if err := Write(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	text, _ := extract(t, buf.Bytes())
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Số: …/UBND-VHXH", "V/v đôn đốc báo cáo", "Kính gửi:", "- Xã Cê.", "Nhiệm vụ quá hạn: Xây nhà văn hóa thôn Nà", "27/12/2024", "thời hạn./."} {
		if !strings.Contains(flat, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
}

// TestWriteSample writes docs images when KEHOACH_DOCS is set.
func TestWriteSample(t *testing.T) {
	out := os.Getenv("KEHOACH_SAMPLE_PDF")
	if out == "" {
		t.Skip("KEHOACH_SAMPLE_PDF not set")
	}
	var buf bytes.Buffer
	if err := Write(&buf, exporttest.Golden(t, "report_2024"), nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(out, buf.Bytes(), 0o644)
}

// Charts go in as images, and a report with several makes the same bytes
// every time (fpdf orders images by width, then by map order).
func TestImagesSameBytes(t *testing.T) {
	r := exporttest.Golden(t, "report_2024")
	var images []report.Image
	for _, code := range []string{"1a", "1b", "1c", "2a", "2b", "3a"} {
		rr := *r
		rr.Results = []report.Result{r.Results[0]}
		rr.Results[0].Code = code
		images = append(images, chart.Images(&rr)...)
	}
	var a, b bytes.Buffer
	if err := Write(&a, r, images); err != nil {
		t.Fatal(err)
	}
	Write(&b, r, images)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes with images differ")
	}
	if n := bytes.Count(a.Bytes(), []byte("/Subtype /Image")); n != 6 {
		t.Errorf("%d images in the PDF, want 6", n)
	}
}
