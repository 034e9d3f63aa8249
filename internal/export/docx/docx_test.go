package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kehoach/internal/export/exporttest"
	"kehoach/internal/report"
)

// run is one text run of document.xml with its formatting.
type run struct {
	text         string
	bold, italic bool
	size         string
}

// unzip opens the package and checks that every part is well-formed XML.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = data
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			d := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed: %v", f.Name, err)
				}
			}
		}
	}
	return out
}

// runs lists the text runs of a part.
func runs(t *testing.T, part []byte) []run {
	d := xml.NewDecoder(bytes.NewReader(part))
	var out []run
	var cur *run
	inText := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "r":
				cur = &run{}
			case "b":
				if cur != nil {
					cur.bold = true
				}
			case "i":
				if cur != nil {
					cur.italic = true
				}
			case "sz":
				if cur != nil {
					cur.size = attr(e, "val")
				}
			case "t":
				inText = true
			}
		case xml.CharData:
			if inText && cur != nil {
				cur.text += string(e)
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inText = false
			case "r":
				if cur != nil {
					out = append(out, *cur)
				}
				cur = nil
			}
		}
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// find returns the first run whose text is s.
func find(rs []run, s string) (run, bool) {
	for _, r := range rs {
		if r.text == s {
			return r, true
		}
	}
	return run{}, false
}

// The DOCX is valid OOXML in the decree's format: every part parses, the
// content types name every part, A4 with the decree's margins, Times New
// Roman, the page number centred in the header from page 2 (a different,
// empty first-page header), the header, body end and signature block
// there with their sizes and bold/italic.
func TestReportDOCX(t *testing.T) {
	r := exporttest.Golden(t, "report_2024")
	var buf bytes.Buffer
	if err := Write(&buf, r, []report.Image{{Name: "1a", PNG: []byte("\x89PNG fake"), Width: 600, Height: 300}}); err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, buf.Bytes())
	ct := string(parts["[Content_Types].xml"])
	for name := range parts {
		if strings.HasSuffix(name, ".rels") || strings.HasSuffix(name, ".png") || name == "[Content_Types].xml" {
			continue
		}
		if !strings.Contains(ct, `PartName="/`+name+`"`) {
			t.Errorf("content types do not name %s", name)
		}
	}
	if parts["word/media/chart1.png"] == nil || !strings.Contains(string(parts["word/_rels/document.xml.rels"]), `Target="media/chart1.png"`) {
		t.Error("chart image not in the package")
	}
	doc := string(parts["word/document.xml"])
	for _, want := range []string{
		`<w:pgSz w:w="11906" w:h="16838"/>`,
		`<w:pgMar w:top="1134" w:right="851" w:bottom="1134" w:left="1701"`,
		`<w:titlePg/>`,
		`<w:headerReference w:type="default" r:id="rIdHdr1"/>`,
		`<w:headerReference w:type="first" r:id="rIdHdr2"/>`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	styles := string(parts["word/styles.xml"])
	if !strings.Contains(styles, `<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"`) || !strings.Contains(styles, `<w:firstLine w:val`) && !strings.Contains(styles, `w:firstLine="720"`) {
		t.Errorf("styles lack Times New Roman or the first-line indent")
	}
	hdr := string(parts["word/header1.xml"])
	if !strings.Contains(hdr, `<w:jc w:val="center"/>`) || !strings.Contains(hdr, ` PAGE `) {
		t.Errorf("default header has no centred page number: %s", hdr)
	}
	if strings.Contains(string(parts["word/header2.xml"]), "PAGE") {
		t.Error("first page shows a page number")
	}
	rs := runs(t, parts["word/document.xml"])
	for _, c := range []struct {
		text         string
		bold, italic bool
		size         string
	}{
		{"ỦY BAN NHÂN DÂN", true, false, "26"},
		{"HUYỆN MẪU", true, false, "26"},
		{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", true, false, "24"},
		{"Độc lập - Tự do - Hạnh phúc", true, false, "28"},
		{"Số: …/BC-UBND", false, false, "26"},
		{"Mẫu Sơn, ngày 20 tháng 12 năm 2024", false, true, "28"},
		{"BÁO CÁO", true, false, "28"},
		{r.Summary, true, false, "28"},
		{"Nơi nhận:", true, true, "24"},
		{"- Lưu: VT, VHXH.", false, false, "22"},
		{"TM. ỦY BAN NHÂN DÂN", true, false, "28"},
		{"CHỦ TỊCH", true, false, "28"},
		{"Nguyễn Văn Ấn", true, false, "28"},
		{"./.", false, false, "28"},
		{"PHỤ LỤC", true, false, "28"},
		{"Xã Bê", false, false, "22"},
	} {
		got, ok := find(rs, c.text)
		if !ok {
			t.Errorf("no run %q", c.text)
			continue
		}
		if got.bold != c.bold || got.italic != c.italic || got.size != c.size {
			t.Errorf("%q: bold %v italic %v size %s, want %v %v %s", c.text, got.bold, got.italic, got.size, c.bold, c.italic, c.size)
		}
	}
	// The same model makes the same bytes.
	var again bytes.Buffer
	Write(&again, r, []report.Image{{Name: "1a", PNG: []byte("\x89PNG fake"), Width: 600, Height: 300}})
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two writes of one model differ")
	}
}

// A chasing letter has no type line, its summary "V/v …" under the number,
// the "Kính gửi:" list and the table of what each unit owes.
func TestLetterDOCX(t *testing.T) {
	r := exporttest.Golden(t, "letter_2024")
	var buf bytes.Buffer
	if err := Write(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, buf.Bytes())
	rs := runs(t, parts["word/document.xml"])
	for _, s := range []string{"Số: …/UBND-VHXH", r.Summary, "Kính gửi:", "- Xã Cê.", "Nội dung còn nợ", "27/12/2024", "- Nhiệm vụ quá hạn: Xây nhà văn hóa thôn Nà"} {
		if _, ok := find(rs, s); !ok {
			t.Errorf("letter lacks %q", s)
		}
	}
	if _, ok := find(rs, "BÁO CÁO"); ok {
		t.Error("a letter has no type line")
	}
}

// LibreOffice opens the DOCX and lays it out on A4 pages with its text
// (skipped without soffice and pdftotext, or with -short).
func TestDOCXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil || testing.Short() {
		t.Skip("soffice not installed (or -short)")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := Write(&buf, exporttest.Golden(t, "report_2024"), nil); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "r.docx")
	os.WriteFile(in, buf.Bytes(), 0o644)
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "r.pdf")
	info, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatalf("LibreOffice made no PDF: %v", err)
	}
	if !strings.Contains(string(info), "(A4)") {
		t.Errorf("not A4: %s", info)
	}
	txt, _ := exec.Command("pdftotext", pdf, "-").Output()
	flat := strings.Join(strings.Fields(string(txt)), " ")
	for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Nơi nhận:", "Nguyễn Văn Ấn", "PHỤ LỤC", "Xã Bê"} {
		if !strings.Contains(flat, want) {
			t.Errorf("LibreOffice's rendering lacks %q", want)
		}
	}
	// The page number field is in the top margin of page 2 only.
	pages := strings.Split(string(txt), "\f")
	if len(pages) < 2 || strings.TrimSpace(strings.SplitN(strings.TrimSpace(pages[1]), "\n", 2)[0]) != "2" {
		t.Errorf("page 2 does not start with its number: %q", excerptOf(pages))
	}
}

func excerptOf(pages []string) string {
	if len(pages) < 2 {
		return strings.Join(pages, "|")
	}
	p := strings.TrimSpace(pages[1])
	if len(p) > 80 {
		p = p[:80]
	}
	return p
}
