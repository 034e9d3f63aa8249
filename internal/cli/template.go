package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"kehoach"
	"kehoach/internal/app"
	"kehoach/internal/store"
	"kehoach/internal/xlsxform"
)

// templateCommand is `kehoach template --form F --unit CODE --period P -o
// FILE.xlsx`: the blank Excel template of a form for a unit and period
// (internal/xlsxform), which `kehoach import FILE.xlsx` reads back.
func templateCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("template", env)
	dbURL := dbFlag(fs, env)
	form := fs.String("form", "", "`MÃ` biểu mẫu")
	unit := fs.String("unit", "", "`MÃ` đơn vị lập biểu (các dòng là đơn vị trực thuộc báo cáo biểu này)")
	pid := fs.String("period", "", "`KỲ` báo cáo (2024, 2024Q1 …)")
	out := fs.String("o", "", "`TỆP`.xlsx ghi ra")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *form == "" || *unit == "" || *pid == "" || *out == "" {
		return usagef("cần đủ --form, --unit, --period và -o")
	}
	db, err := openDB(ctx, env, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	t, err := xlsxform.Build(ctx, services(db, nil), *form, *unit, *pid)
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("không tạo được tệp %s: %w", *out, err)
	}
	if err := xlsxform.Write(f, t); err != nil {
		f.Close()
		os.Remove(*out)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Đã tạo biểu %s kỳ %s cho %s: %d đơn vị × %d chỉ số, vào %s\n", t.Form.Code, t.Period.Label(), t.Unit.Name, len(t.Rows), len(t.Columns), *out)
	return nil
}

// services are the store's services a command hands to a package that
// takes interfaces (with a the analytics, nil when the command reads no
// aggregate), wired as the server wires them.
func services(db *store.DB, a kehoach.AnalyticsService) kehoach.Services {
	return app.ServicesOf(db, a)
}

// templateCells reads a filled template for `kehoach import FILE.xlsx`.
func templateCells(r io.Reader) (func(yield func(kehoach.ImportCell) error) error, *xlsxform.Filled, error) {
	data, err := io.ReadAll(io.LimitReader(r, xlsxform.MaxBytes+1))
	if err != nil {
		return nil, nil, err
	}
	filled, err := xlsxform.Read(data)
	if err != nil {
		return nil, nil, err
	}
	return func(yield func(kehoach.ImportCell) error) error {
		for _, c := range filled.Cells {
			if err := yield(c); err != nil {
				return err
			}
		}
		return nil
	}, filled, nil
}
