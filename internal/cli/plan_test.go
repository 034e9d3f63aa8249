package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kehoach"
	"kehoach/internal/app"
)

// A plan exported as a bundle and imported into an empty database gives
// the same plan, units, elements, forms and indicators: exported again it
// is the same file.
func TestPlanExportImport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := "sqlite:" + filepath.Join(dir, "src.db")
	db, err := app.OpenDB(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if loaded, err := app.LoadDemoIfEmpty(ctx, db); err != nil || !loaded {
		t.Fatalf("demo: %v %v", loaded, err)
	}
	plans, err := db.FindPlans(ctx)
	db.Close()
	if err != nil || len(plans) == 0 {
		t.Fatal(plans, err)
	}
	id := plans[0].ID
	file := filepath.Join(dir, "plan.json")
	code, _, stderr := run(ctx, nil, "plan", "export", "--db", src, "--plan", strconv.FormatInt(id, 10), "-o", file)
	if code != 0 || !strings.Contains(stderr, "Đã xuất kế hoạch") {
		t.Fatalf("export: %d %q", code, stderr)
	}
	first, _ := os.ReadFile(file)
	var b kehoach.Bundle
	if err := json.Unmarshal(first, &b); err != nil || b.Format != kehoach.BundleFormat || b.Version != kehoach.BundleVersion || len(b.Plans[0].Targets) == 0 || len(b.Plans[0].Tasks) == 0 {
		t.Fatalf("bundle: %v %+v", err, b.Plans)
	}

	dst := "sqlite:" + filepath.Join(dir, "dst.db")
	if code, _, stderr := run(ctx, nil, "migrate", "--db", dst); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := run(ctx, nil, "plan", "import", "--db", dst, "--dry-run", file)
	if code != 0 || !strings.Contains(out, "Gói hợp lệ") {
		t.Fatalf("dry run: %d %q %q", code, out, stderr)
	}
	code, out, stderr = run(ctx, nil, "plan", "import", "--db", dst, file)
	if code != 0 || !strings.Contains(out, "Đã nạp 1 kế hoạch") {
		t.Fatalf("import: %d %q %q", code, out, stderr)
	}
	again := filepath.Join(dir, "again.json")
	if code, _, stderr := run(ctx, nil, "plan", "export", "--db", dst, "--plan", "1", "-o", again); code != 0 {
		t.Fatal(stderr)
	}
	second, _ := os.ReadFile(again)
	if string(first) != string(second) {
		t.Errorf("the plan changed on the way: %d bytes, then %d", len(first), len(second))
	}
	// Imported twice: refused as a whole, nothing created.
	code, _, stderr = run(ctx, nil, "plan", "import", "--db", dst, file)
	if code != 1 || stderr == "" {
		t.Errorf("second import: %d %q", code, stderr)
	}
	t.Logf("second import: %s", stderr)
	// A newer layout is refused saying so; a plan's text goes to the text
	// reader, which names a file it cannot open.
	os.WriteFile(filepath.Join(dir, "v9.json"), []byte(`{"format":"kehoach.bundle","version":9}`), 0o600)
	if code, _, stderr := run(ctx, nil, "plan", "import", "--db", dst, filepath.Join(dir, "v9.json")); code != 1 || !strings.Contains(stderr, "phiên bản 9") {
		t.Errorf("v9: %d %q", code, stderr)
	}
	if code, _, stderr := run(ctx, nil, "plan", "import", "--db", dst, "kehoach.docx"); code == 0 || !strings.Contains(stderr, "kehoach.docx") {
		t.Errorf("docx: %d %q", code, stderr)
	}
}

// A blank template from the CLI, filled, imports back; a wrong cell is
// named by its cell and nothing is saved.
func TestTemplateCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := "sqlite:" + filepath.Join(dir, "src.db")
	db, err := app.OpenDB(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.LoadDemoIfEmpty(ctx, db); err != nil {
		t.Fatal(err)
	}
	db.Close()
	file := filepath.Join(dir, "t.xlsx")
	code, _, stderr := run(ctx, nil, "template", "--db", src, "--form", "BM_BAN_NAM", "--unit", "X25_BANBO", "--period", "2025", "-o", file)
	if code != 0 || !strings.Contains(stderr, "Đã tạo biểu BM_BAN_NAM") {
		t.Fatalf("template: %d %q", code, stderr)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	unit, _ := f.GetCellValue("BM_BAN_NAM", "A5")
	element, _ := f.GetCellValue("BM_BAN_NAM", "C4")
	f.SetCellValue("BM_BAN_NAM", "C5", "nhiều")
	f.SaveAs(file)
	before := figures(t, src)
	code, out, _ := run(ctx, nil, "import", "--db", src, "--any-period", file)
	if code != 1 || !strings.Contains(out, "Biểu BM_BAN_NAM, ô C5: ") || !strings.Contains(out, "E7619") {
		t.Errorf("bad cell: %d %q", code, out)
	}
	if !slices.Equal(figures(t, src), before) {
		t.Error("a refused template changed figures")
	}
	// The first column's type decides a good figure.
	good, stored := "4321", "4321"
	if dvs, _ := f.GetDataValidations("BM_BAN_NAM"); len(dvs) > 0 && dvs[0].Type == "list" {
		good, stored = "Có", "true"
	}
	f.SetCellValue("BM_BAN_NAM", "C5", good)
	f.SaveAs(file)
	code, out, stderr = run(ctx, nil, "import", "--db", src, "--any-period", file)
	if code != 0 || !strings.Contains(out, "SUCCESS") {
		t.Fatalf("good template: %d %q %q", code, out, stderr)
	}
	if got := figures(t, src); !slices.Contains(got, unit+"."+element+"/2025/="+stored+"|") {
		t.Errorf("figure %s.%s not %s", unit, element, stored)
	}
}
