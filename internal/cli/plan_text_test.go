package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kehoach/internal/app"
)

func TestPlanImportDryRunJSON(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"KEHOACH_DB": demoDB(t)}
	code, out, stderr := run(ctx, env, "plan", "import", "--dry-run", "--json", "../planread/testdata/tamduong-2022.txt")
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	var doc struct {
		Targets []map[string]any `json:"targets"`
		Tasks   []map[string]any `json:"tasks"`
		Duties  []map[string]any `json:"responsibilities"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v in %.300s", err, out)
	}
	if len(doc.Targets) != 14 || len(doc.Tasks) != 25 || len(doc.Duties) != 11 {
		t.Fatalf("%d targets, %d tasks, %d responsibilities", len(doc.Targets), len(doc.Tasks), len(doc.Duties))
	}
	for _, k := range []string{"value", "comparison", "subject", "deadline", "source", "indicator"} {
		if _, ok := doc.Targets[5][k]; !ok {
			t.Errorf("target has no %q: %v", k, doc.Targets[5])
		}
	}
	if v := doc.Targets[5]["value"]; v != 84.6 {
		t.Errorf("value %v, want 84.6", v)
	}
	if src, _ := doc.Targets[5]["source"].(map[string]any); src["text"] != "84,6% đạt chuẩn" {
		t.Errorf("source %v", src)
	}
	for _, k := range []string{"text", "section", "lead", "source"} {
		if _, ok := doc.Tasks[0][k]; !ok {
			t.Errorf("task has no %q: %v", k, doc.Tasks[0])
		}
	}
}

// Without --dry-run the reviewed reading becomes a draft plan, through the
// same set-up service as the review page; without a code nothing is made.
func TestPlanImportCreatesDraft(t *testing.T) {
	ctx := context.Background()
	url := demoDB(t)
	env := map[string]string{"KEHOACH_DB": url}
	db, err := app.OpenDB(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func() int {
		plans, err := db.FindPlans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(plans)
	}
	before := count()
	code, out, stderr := run(ctx, env, "plan", "import", "../planread/testdata/tamduong-2022.txt")
	if code != 2 || !strings.Contains(stderr, "cần --code") || count() != before {
		t.Errorf("no code: %d, stderr %q, %d plans", code, stderr, count())
	}
	if !strings.Contains(out, "Chỉ tiêu (14)") || !strings.Contains(out, "≥ 84,6% — Xã, thị trấn có nhà văn hóa đạt chuẩn; hạn 2025; CT_XA_NVH_CHUAN") {
		t.Errorf("output:\n%s", out)
	}
	code, out, stderr = run(ctx, env, "plan", "import", "--code", "KH_TD_VB", "../planread/testdata/tamduong-2022.txt")
	if code != 0 || !strings.Contains(out, "Đã tạo kế hoạch nháp KH_TD_VB") || !strings.Contains(out, "14 mục tiêu, 36 nhiệm vụ") || count() != before+1 {
		t.Errorf("draft: %d, %d plans\n%s\n%s", code, count(), out, stderr)
	}
}

// Files that are not a plan's text each get their own message.
func TestPlanImportRefuses(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"KEHOACH_DB": demoDB(t)}
	dir := t.TempDir()
	var broken bytes.Buffer
	zw := zip.NewWriter(&broken)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte(`<w:document><w:body><w:p><w:r><w:t>Kế hoạch`))
	zw.Close()
	big := bytes.Repeat([]byte("Kế hoạch phát triển. "), 50<<20/len("Kế hoạch phát triển. ")+1)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"rong.txt", nil, "rỗng"},
		{"cu.doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), "Word cũ (.doc)"},
		{"anh.txt", []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 13, 'I', 'H', 'D', 'R'}, "không phải văn bản"},
		{"hong.docx", broken.Bytes(), "hỏng"},
		{"cat.docx", []byte("PK\x03\x04 not really a zip"), "không phải .docx đọc được"},
		{"lon.txt", big, "quá lớn (50,0 MB)"},
		{"tcvn3.txt", []byte("Uû ban nh\xa9n d\xa9n huy\xd6n Tam \xae\xad\xeang: k\xd5 ho\xb9ch ph\xb8t tri\xd3n"), "TCVN3"},
	} {
		p := filepath.Join(dir, tc.name)
		if err := os.WriteFile(p, tc.data, 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := run(ctx, env, "plan", "import", "--dry-run", p)
		if code != 1 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, tc.name) {
			t.Errorf("%s: code %d, stderr %q, want %q", tc.name, code, stderr, tc.want)
		}
	}
	if code, _, stderr := run(ctx, env, "plan", "import", "--dry-run"); code != 2 || !strings.Contains(stderr, "cần đúng một tệp") {
		t.Errorf("no file: code %d, %q", code, stderr)
	}
}
