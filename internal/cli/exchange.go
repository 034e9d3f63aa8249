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
	"kehoach/internal/dhis2"
	"kehoach/internal/locale"
	"kehoach/internal/xlsxform"
)

// importCommand is `kehoach import [--db URL] [--dry-run] FILE`: a DHIS2
// dataValueSets file (JSON, CSV or ADX, told by its name or its first
// byte; "-" reads standard input) through the one write path, as the
// command line's actor. It prints DHIS2's import summary in Vietnamese
// (or as JSON with --json) and fails when nothing could be saved.
func importCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("import", env)
	dbURL := dbFlag(fs, env)
	dryRun := fs.Bool("dry-run", false, "kiểm tra và đếm, không lưu gì")
	strategy := fs.String("strategy", kehoach.StrategyCreateAndUpdate, "`CÁCH`: CREATE_AND_UPDATE, CREATE, UPDATE hoặc DELETE (importStrategy của DHIS2)")
	skip := fs.Bool("skip-invalid", false, "nhập các số liệu đúng, liệt kê số liệu sai (atomicMode=NONE); mặc định một số liệu sai thì không lưu gì")
	idScheme := fs.String("id-scheme", "code", "`CÁCH` gọi đơn vị và chỉ số trong tệp: code hoặc uid")
	format := fs.String("format", "", "`ĐỊNH_DẠNG` của tệp: json, csv hoặc adx (mặc định: theo tên tệp hay nội dung)")
	anyPeriod := fs.Bool("any-period", false, "nhận cả kỳ đã đóng nhập liệu (khôi phục số liệu cũ)")
	asJSON := fs.Bool("json", false, "in bản tóm tắt dạng JSON của DHIS2")
	confirmUnusual := fs.Bool("confirm-unusual", false, "giữ các số liệu khác thường (ngoài khoảng cho phép, khác nhiều so với kỳ trước hay đơn vị cùng loại), đánh dấu “cần kiểm tra” cho người duyệt; mặc định chúng bị từ chối")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("cần đúng một tệp để nhập (hoặc - để đọc từ đầu vào chuẩn)")
	}
	name := fs.Arg(0)
	var in io.Reader = env.Stdin
	var size int64
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("không mở được tệp %s: %w", name, err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		in = f
	}
	o := kehoach.ImportOptions{Strategy: strings.ToUpper(*strategy), DryRun: *dryRun, SkipInvalid: *skip,
		ElementScheme: strings.ToLower(*idScheme), UnitScheme: strings.ToLower(*idScheme), AnyPeriod: *anyPeriod, ConfirmUnusual: *confirmUnusual, By: cliActor.Username}
	db, err := openDB(ctx, env, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	counted := &countingReader{r: in}
	f, peek := dhis2.Detect(counted, name, "")
	if *format != "" {
		if f, err = dhis2.ParseFormat(*format); err != nil {
			return usagef("%s", kehoach.ErrorMessage(err))
		}
	}
	bar := newProgressBar(env.Stderr, 0)
	o.Progress = func(done int64) {
		// The total is unknown until the end: estimated from the bytes read.
		if size > 0 && counted.n > 0 {
			bar.total = max(done, done*size/counted.n)
		}
		bar.update(done)
	}
	cells := dhis2.Cells(f, peek, &dhis2.DataValueSet{})
	if strings.EqualFold(filepath.Ext(name), ".xlsx") {
		// A filled Excel template (kehoach template).
		var filled *xlsxform.Filled
		if cells, filled, err = templateCells(peek); err != nil {
			return err
		}
		if _, err := db.FindFormByCode(ctx, filled.Form); err != nil {
			return err
		}
	}
	res, err := db.ImportValues(kehoach.NewContextWithActor(ctx, cliActor), o, cells)
	if res != nil {
		bar.total = res.Read
		bar.finish(res.Read)
	}
	if err != nil && kehoach.ErrorCode(err) != kehoach.EINVALID {
		return err
	}
	s := dhis2.NewImportSummary(o, res, err)
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s.Message()); err != nil {
			return err
		}
	} else {
		printSummary(env.Stdout, s)
	}
	if s.Status == "ERROR" {
		return fmt.Errorf("%s", s.Description)
	}
	return nil
}

// printSummary says an import summary in Vietnamese, the first conflicts
// in full.
func printSummary(w io.Writer, s *dhis2.ImportSummary) {
	fmt.Fprintf(w, "%s: %s\n", s.Status, s.Description)
	const shown = 50
	for i, c := range s.Conflicts {
		if i == shown {
			break
		}
		code := ""
		if c.ErrorCode != "" {
			code = " [" + c.ErrorCode + "]"
		}
		fmt.Fprintf(w, "  %s%s: %s\n", c.Object, code, c.Value)
	}
	if more := s.ConflictCount - int64(min(len(s.Conflicts), shown)); more > 0 {
		fmt.Fprintf(w, "  … và %s xung đột nữa (--json để xem %s đầu tiên)\n", locale.VI.Int(more), locale.VI.Int(int64(len(s.Conflicts))))
	}
	for i, c := range s.Warnings {
		if i == 10 {
			break
		}
		fmt.Fprintf(w, "  cảnh báo %s: %s\n", c.Object, c.Value)
	}
}

// exportCommand is `kehoach export --format json|csv|adx [--period P]
// [--unit CODE] [--form F] [-o FILE]`: the live figures, streamed, of the
// units named and everything under them (every unit when none is named).
func exportCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("export", env)
	dbURL := dbFlag(fs, env)
	format := fs.String("format", "json", "`ĐỊNH_DẠNG`: json, csv hoặc adx")
	var periods, units listFlag
	fs.Var(&periods, "period", "`KỲ` (2024, 2024Q1, 202403 …); nhắc lại hoặc cách nhau bằng dấu phẩy; mặc định mọi kỳ")
	fs.Var(&units, "unit", "`MÃ` đơn vị, kèm các đơn vị trực thuộc; nhắc lại được; mặc định mọi đơn vị")
	form := fs.String("form", "", "`MÃ` biểu mẫu: chỉ các chỉ số của biểu mẫu đó (dataSet)")
	idScheme := fs.String("id-scheme", "code", "`CÁCH` gọi đơn vị và chỉ số: code hoặc uid")
	out := fs.String("o", "-", "`TỆP` ghi ra (- là đầu ra chuẩn)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	f, err := dhis2.ParseFormat(*format)
	if err != nil {
		return usagef("%s", kehoach.ErrorMessage(err))
	}
	db, err := openDB(ctx, env, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	filter := kehoach.DataValueFilter{Units: units, Children: true, Periods: periods}
	if *form != "" {
		fm, err := db.FindFormByCode(ctx, *form)
		if err != nil {
			return err
		}
		filter.Elements = fm.Elements
	}
	for _, u := range units {
		if _, err := db.FindUnitByCode(ctx, u); err != nil {
			return err
		}
	}
	w := env.Stdout
	var file *os.File
	if *out != "-" {
		if file, err = os.Create(*out); err != nil {
			return fmt.Errorf("không tạo được tệp %s: %w", *out, err)
		}
		w = file
	}
	n, err := dhis2.Export(f, w, dhis2.NewDataValueSet(*form, units, periods, nil), strings.ToLower(*idScheme), strings.ToLower(*idScheme),
		func(fn func(*kehoach.DataValue) error) error { return db.ScanDataValues(ctx, filter, fn) })
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out) // half a file is worse than none
		}
	}
	if err != nil {
		return err
	}
	if file != nil {
		fmt.Fprintf(env.Stderr, "Đã xuất %s vào %s\n", locale.VI.Count("values", n), *out)
	}
	return nil
}

// listFlag is a flag given several times or with commas.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// countingReader counts the bytes read, for the progress of an import.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}
