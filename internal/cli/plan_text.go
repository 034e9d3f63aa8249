package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/planread"
)

// runPlanTextImport is `kehoach plan import [--dry-run] [--json] [--code
// CODE] FILE`: it reads a plan's text, extracts its header, targets, tasks
// and responsibilities, matched against the units and indicators of the
// database, and prints them. With --dry-run it creates nothing; otherwise
// it creates the plan as a draft with the library entries it needs, as the
// review page's button does (planread.Setup, then SetUpPlan, in one
// audited transaction): a draft goes live only once an officer has checked
// it on the planner's pages and published it.
func runPlanTextImport(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("plan import", env)
	dry := fs.Bool("dry-run", false, "chỉ đọc và in ra những gì trích được, không tạo gì")
	asJSON := fs.Bool("json", false, "in kết quả dạng JSON")
	code := fs.String("code", "", "`MÃ` của kế hoạch nháp được tạo (bắt buộc khi không có --dry-run)")
	dbURL := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("cần đúng một tệp kế hoạch (.docx hoặc .txt)")
	}
	name := fs.Arg(0)
	if !isPlanText(name) {
		return usagef("tệp %q không phải văn bản kế hoạch (.docx, .txt)", name)
	}
	data, err := readPlanFile(name)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, env, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	units, err := db.FindUnits(ctx, kehoach.UnitFilter{})
	if err != nil {
		return err
	}
	inds, err := db.FindIndicators(ctx)
	if err != nil {
		return err
	}
	doc, err := planread.Read(name, data, planread.Catalogue{Units: units, Indicators: inds})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else {
		printPlanText(env.Stdout, doc)
	}
	if *dry {
		return nil
	}
	if strings.TrimSpace(*code) == "" {
		return usagef("cần --code MÃ cho kế hoạch nháp sẽ tạo (hoặc --dry-run để chỉ đọc)")
	}
	setup, err := planread.Setup(doc, planread.SetupOptions{Code: *code})
	if err == nil {
		err = db.SetUpPlan(kehoach.NewContextWithActor(ctx, cliActor), setup)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã tạo kế hoạch nháp %s (số %d): %d mục tiêu, %d nhiệm vụ, %d chỉ tiêu mới. Kiểm tra rồi công bố trên trang lập kế hoạch (/planner/plans/%d).\n",
		setup.Plan.Code, setup.Plan.ID, len(setup.Plan.Targets), len(setup.Plan.Tasks), len(setup.Indicators), setup.Plan.ID)
	return nil
}

// readPlanFile reads at most a little more than the reader accepts, so a
// mistaken 5 GB file is refused without being read into memory.
func readPlanFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("không mở được tệp %s: %w", name, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, usagef("%s là thư mục, không phải tệp kế hoạch", name)
		}
		if err := planread.CheckSize(name, st.Size()); err != nil {
			return nil, err
		}
	}
	return io.ReadAll(io.LimitReader(f, planread.MaxSize+1))
}

// printPlanText prints what was read, for the terminal.
func printPlanText(w io.Writer, d *planread.Document) {
	h := d.Header
	fmt.Fprintf(w, "%s số %s — %s, %s\n%s\n", orDash(h.Type), orDash(h.Number), orDash(h.Place), orDash(h.DateText), h.Title)
	fmt.Fprintf(w, "Cơ quan ban hành: %s (%s); người ký: %s\n", orDash(h.Issuer), orDash(h.IssuerUnit), orDash(h.Signer))
	for _, b := range d.Basis {
		fmt.Fprintf(w, "Căn cứ: %s\n", b.Text)
	}
	fmt.Fprintf(w, "\nChỉ tiêu (%d):\n", len(d.Targets))
	for i, t := range d.Targets {
		ind := t.Indicator
		if ind == "" && t.Proposed != nil {
			ind = "chỉ số mới: " + t.Proposed.Name
		}
		fmt.Fprintf(w, "%3d. [%s] %s %s%s — %s; hạn %s; %s\n", i+1, t.Section, kehoach.OpSymbol(t.Comparison), locale.VI.Number(t.Value, decimalsOf(t.Value)), unitSuffix(t.Unit), t.Statement, orDash(t.Deadline), ind)
		if len(t.Scope) > 0 {
			fmt.Fprintf(w, "     phạm vi: %s\n", strings.Join(t.Scope, ", "))
		}
	}
	fmt.Fprintf(w, "\nNhiệm vụ (%d):\n", len(d.Tasks))
	for i, t := range d.Tasks {
		fmt.Fprintf(w, "%3d. [%s] %s\n", i+1, t.Section, shorten(t.Text, 110))
	}
	fmt.Fprintf(w, "\nPhân công (%d):\n", len(d.Duties))
	for _, du := range d.Duties {
		kind := "giao"
		if du.Request {
			kind = "đề nghị"
		}
		units := strings.Join(du.Units, ", ")
		if du.Group != "" {
			units = fmt.Sprintf("tất cả %d đơn vị loại %s", len(du.Units), du.Group)
		}
		fmt.Fprintf(w, "%4s %s (%s: %s) — %d việc\n", du.Label+".", du.Body, kind, orDash(units), len(du.Duties))
	}
	for _, warn := range d.Warnings {
		fmt.Fprintf(w, "Lưu ý: %s\n", warn)
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func unitSuffix(u string) string {
	if u == "%" || u == "" {
		return u
	}
	return " " + u
}

func decimalsOf(v float64) int {
	for d := 0; d < 4; d++ {
		p := 1.0
		for i := 0; i < d; i++ {
			p *= 10
		}
		if v*p == float64(int64(v*p)) {
			return d
		}
	}
	return 4
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
