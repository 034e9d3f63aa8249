package planread_test

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"

	"kehoach"
	"kehoach/internal/planread"
)

// FuzzRead feeds the reader any bytes: it must not panic, must refuse with
// a Vietnamese reason on the "file" field, or return items whose sources
// are the text at their positions.
func FuzzRead(f *testing.F) {
	// short seeds: the fuzzer mutates faster what it reads faster
	seed, _ := os.ReadFile("testdata/plans/xa-van-hoa-nam.txt")
	f.Add("a.txt", seed)
	docx, _ := os.ReadFile("testdata/plans/chuong-trinh-docx.txt")
	f.Add("a.docx", fixtureDocx(string(docx)))
	f.Add("a.txt", []byte("II. MỤC TIÊU\n(1). 100% xã; trên 90% hộ, trong đó 50% bản\n| Chỉ tiêu | Năm 2025 |\n| Tỷ lệ hộ | ≥ 95 |"))
	f.Add("a.txt", []byte{})
	f.Add("a.docx", []byte("PK\x03\x04"))
	cat := catalogue(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		d, err := planread.Read(name, data, cat)
		if err != nil {
			if kehoach.ErrorCode(err) != kehoach.EINVALID || kehoach.ErrorFields(err)["file"] == "" {
				t.Fatalf("error %v is not a refusal of the file", err)
			}
			return
		}
		for _, tg := range d.Targets {
			s := tg.Source
			if s.Start < 0 || s.End > len(d.Text) || s.Start > s.End || (s.Text != d.Text[s.Start:s.End] && !strings.Contains(s.Text, " | ")) {
				t.Fatalf("target source %+v out of the text", s)
			}
		}
		for _, task := range d.Tasks {
			if task.Source.End > len(d.Text) || d.Text[task.Source.Start:task.Source.End] != task.Source.Text {
				t.Fatalf("task source %+v", task.Source)
			}
		}
	})
}

// Each kind of file that is not a plan's text gets its own reason.
func TestReadRefuses(t *testing.T) {
	cat := catalogue(t)
	zipOf := func(files map[string]string) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for n, c := range files {
			w, _ := zw.Create(n)
			w.Write([]byte(c))
		}
		zw.Close()
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"rong.txt", nil, "rỗng"},
		{"trang.txt", []byte(" \n\t\n"), "chỉ có khoảng trắng"},
		{"cu.doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, 0, 0), "Word cũ (.doc)"},
		{"a.pdf", []byte("%PDF-1.7 ..."), "PDF"},
		{"nhi-phan.bin", []byte{1, 2, 0, 4, 5}, "byte nhị phân"},
		{"utf16.txt", []byte{0xFF, 0xFE, 'K', 0}, "UTF-16"},
		{"latin.txt", []byte("caf\xe9 au lait"), "không phải văn bản UTF-8"},
		{"tcvn3.txt", []byte("Uû ban nh\xa9n d\xa9n huy\xd6n: k\xd5 ho\xb9ch ph\xb8t tri\xd3n v\xb8n h\xb3a"), "TCVN3"},
		{"tcvn3.docx", zipOf(map[string]string{"word/document.xml": "<w:document><w:body><w:p><w:r><w:t>Uû ban nh©n d©n huyÖn: kÕ ho¹ch ph¸t triÓn</w:t></w:r></w:p></w:body></w:document>"}), "TCVN3"},
		{"vni.txt", []byte("UÛy ban nhaân daân huyeän: keá hoaïch phaùt trieån vaên hoùa ñòa phöông"), "VNI"},
		{"hong.docx", zipOf(map[string]string{"word/document.xml": "<w:document><w:body><w:p>"}), "hỏng"},
		{"thieu.docx", zipOf(map[string]string{"word/other.xml": "<x/>"}), "thiếu word/document.xml"},
		{"gia.docx", []byte("PK\x03\x04 không phải zip"), "không phải .docx đọc được"},
		{"lon.txt", bytes.Repeat([]byte("a"), planread.MaxSize+1), "quá lớn"},
	} {
		_, err := planread.Read(tc.name, tc.data, cat)
		if err == nil || !strings.Contains(kehoach.ErrorMessage(err), tc.want) || kehoach.ErrorFields(err)["file"] == "" {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// The .docx reader writes out Word's automatic numbering and keeps table
// cells apart.
func TestReadDocxNumbering(t *testing.T) {
	text, _ := os.ReadFile("testdata/plans/chuong-trinh-docx.txt")
	d, err := planread.Read("ct.docx", fixtureDocx(string(text)), catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, s := range d.Sections {
		labels = append(labels, s.Number)
		for _, c := range s.Children {
			labels = append(labels, c.Number)
		}
	}
	if got := strings.Join(labels, " "); got != "I I.1 I.2 I.3 II II.1 II.2 III III.1 III.2" {
		t.Errorf("sections %s", got)
	}
	if d.Header.Type != "Chương trình" || d.Tasks[0].Source.Text != "- Nâng cấp mạng nội bộ các phòng, ban." {
		t.Errorf("type %q, first task %q", d.Header.Type, d.Tasks[0].Source.Text)
	}
}
