package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/export"
	"kehoach/internal/report"
)

// reportCommand is `kehoach report --plan ID --period KỲ [--kind report|
// letter] [--format docx|pdf|xlsx] [-o TỆP]`: the same file as the
// download button of the report page (the saved draft's texts, or the
// issued document exactly as issued).
func reportCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("report", env)
	dbURL := dbFlag(fs, env)
	planID := fs.Int64("plan", 0, "số `ID` của kế hoạch (xem /plans)")
	per := fs.String("period", "", "`KỲ`: "+report.PeriodHelp)
	kind := fs.String("kind", kehoach.DocReport, "loại văn bản: report (báo cáo) hoặc letter (công văn đôn đốc)")
	format := fs.String("format", "docx", "định dạng: docx, pdf hoặc xlsx")
	out := fs.String("o", "", "`TỆP` ghi ra (mặc định: tên theo kế hoạch và kỳ, trong thư mục hiện tại)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *planID <= 0 {
		return usagef("cần --plan, số ID của kế hoạch")
	}
	if *per == "" {
		return usagef("cần --period: %s", report.PeriodHelp)
	}
	if err := export.CheckFormat(*format); err != nil {
		return usagef("%s", kehoach.ErrorMessage(err))
	}
	db, err := openDB(ctx, env, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	engine := analytics.New(db)
	engine.Now = now
	src := report.SourcesOf(services(db, engine))
	actx := kehoach.NewContextWithActor(ctx, kehoach.SystemActor("cli"))
	r, _, err := report.Document(actx, src, db, *planID, *kind, *per, now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Write(&buf, *format, r); err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = export.Filename(r, *format)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("ghi %s: %w", path, err)
	}
	state := "bản nháp"
	if r.Status == kehoach.ReportIssuedStatus {
		state = "đã ban hành"
	}
	fmt.Fprintf(env.Stdout, "Đã ghi %s (%s, %s, %d byte)\n", path, r.Period.Label, state, buf.Len())
	return nil
}
