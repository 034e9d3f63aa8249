package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
)

// planUsage lists the plan subcommands.
const planUsage = `Cách dùng:
  kehoach plan export --plan SỐ [--db URL] [-o TỆP.json]   # kế hoạch kèm đơn vị, chỉ số, biểu mẫu, chỉ tiêu, mục tiêu, nhiệm vụ
  kehoach plan import [--db URL] [--dry-run] TỆP.json      # nạp một gói kế hoạch: kiểm tra hết rồi mới tạo
  kehoach plan import [--dry-run] [--json] [--db URL] TỆP.docx|TỆP.txt   # đọc chỉ tiêu, nhiệm vụ, phân công từ văn bản kế hoạch`

// planCommand is `kehoach plan export|import`: a plan as one JSON bundle
// (docs/bundle.md). A plan's own text (.docx, .txt, or an old .doc to be
// refused with its reason) goes to the text reader (plan_text.go).
func planCommand(ctx context.Context, env Env, args []string) error {
	return subcommand(ctx, env, "plan", planUsage, map[string]command{
		"export": planExportCommand,
		"import": planImportCommand,
	}, args)
}

func planExportCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("plan export", env)
	dbURL := dbFlag(fs, env)
	id := fs.Int64("plan", 0, "`SỐ` của kế hoạch (xem /plans)")
	out := fs.String("o", "-", "`TỆP` ghi ra (- là đầu ra chuẩn)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *id <= 0 {
		return usagef("thiếu --plan: số của kế hoạch cần xuất")
	}
	db, err := openDB(ctx, env, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := db.ExportBundle(ctx, *id)
	if err != nil {
		return err
	}
	w := env.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("không tạo được tệp %s: %w", *out, err)
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(env.Stderr, "Đã xuất kế hoạch %s (%s, %s) vào %s\n", b.Plans[0].Code,
			locale.VI.Count("units", int64(len(b.Units))), locale.VI.Count("plans", 1), *out)
	}
	return nil
}

func planImportCommand(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && isPlanText(args[len(args)-1]) {
		return runPlanTextImport(ctx, env, args)
	}
	fs := newFlagSet("plan import", env)
	dbURL := dbFlag(fs, env)
	dryRun := fs.Bool("dry-run", false, "kiểm tra mọi thứ, không tạo gì")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("cần đúng một tệp gói kế hoạch (.json)")
	}
	name := fs.Arg(0)
	b, err := readBundle(name, env.Stdin)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, env, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckBundle(ctx, b, cliActor.Username); err != nil {
		return err
	}
	what := fmt.Sprintf("%s, %s, %s, %s", locale.VI.Count("plans", int64(len(b.Plans))), locale.VI.Count("units", int64(len(b.Units))),
		locale.VI.Count("values", int64(len(b.Values))), planParts(b))
	if *dryRun {
		fmt.Fprintf(env.Stdout, "Gói hợp lệ, chạy thử không lưu: %s\n", what)
		return nil
	}
	if err := db.LoadBundle(kehoach.NewContextWithActor(ctx, cliActor), b, cliActor.Username); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã nạp %s\n", what)
	return nil
}

// planParts counts a bundle's targets and tasks.
func planParts(b *kehoach.Bundle) string {
	var targets, tasks int
	for _, p := range b.Plans {
		targets += len(p.Targets)
		tasks += len(p.Tasks)
	}
	return fmt.Sprintf("%d mục tiêu, %d nhiệm vụ", targets, tasks)
}

// readBundle reads a bundle file ("-": r), refusing unknown fields so that
// a misspelt one is not silently dropped.
func readBundle(name string, r io.Reader) (*kehoach.Bundle, error) {
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("không mở được tệp %s: %w", name, err)
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	dec.DisallowUnknownFields()
	var b kehoach.Bundle
	if err := dec.Decode(&b); err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "tệp %s không phải gói kế hoạch JSON hợp lệ: %v", name, err)
	}
	if err := kehoach.CheckBundleVersion(&b); err != nil {
		return nil, err
	}
	return &b, nil
}

// isPlanText reports whether a file is a plan's text (read by the text
// reader) rather than a JSON bundle.
func isPlanText(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".docx", ".txt", ".doc", ".pdf":
		return true
	}
	return false
}
