package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"kehoach"
	"kehoach/internal/app"
	"kehoach/internal/gen"
	"kehoach/internal/locale"
)

// genCommand is `kehoach gen --scale district|province|national [--seed N] [--years N]
// [--db URL]`: it writes a deterministic synthetic dataset into an empty
// database, for benchmarks and load tests.
//
// It is all or nothing for the other commands: gen marks the database
// before writing anything and clears the mark once the last figure is in,
// and serve, migrate and the rest refuse a marked database. A run that was
// killed is finished by running the same command again: the catalogue, if
// it was committed, stays, and the figures are loaded again from the first.
func genCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("gen", env)
	scale := fs.String("scale", "", "`QUY_MÔ`: district (huyện), province (tỉnh) hoặc national (toàn quốc)")
	seed := fs.Uint64("seed", 1, "hạt giống ngẫu nhiên: cùng hạt giống cho cùng dữ liệu")
	years := fs.Int("years", gen.LastYear-gen.FirstYear+1, "số liệu từng quý của `SỐ_NĂM` năm đến hết "+fmt.Sprint(gen.LastYear)+" (10: 40 quý, để đo bộ nhớ với lịch sử gấp đôi)")
	// Issue 10: a reorganisation of the dataset in the proportions of 2025.
	reorgDate := fs.String("reorg", "", "sau khi nạp, sắp xếp đơn vị có hiệu lực từ `NGÀY` (NNNN-TT-NN): cứ 6 thôn gộp 2 thành 1, 106 xã còn 38")
	dbURL := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if !validScale(*scale) {
		if *scale == "" {
			return usagef("thiếu --scale: chọn một trong %s", scaleList())
		}
		return usagef("quy mô %q không hợp lệ: chọn một trong %s", *scale, scaleList())
	}
	spec, err := gen.BuildYears(*scale, *seed, *years)
	if err != nil {
		return err
	}
	db, err := app.MigrateDB(ctx, *dbURL)
	if err != nil {
		return openError(*dbURL, err)
	}
	defer db.Close()
	if env.Now != nil {
		db.Now = env.Now
	}
	run, err := db.GenInProgress(ctx)
	if err != nil {
		return err
	}
	units, err := db.FindUnits(ctx, kehoach.UnitFilter{Limit: 1})
	if err != nil {
		return err
	}
	resume := false
	switch {
	case run != nil && (run.Scale != *scale || run.Seed != *seed):
		return fmt.Errorf("cơ sở dữ liệu %s đang dở lệnh gen quy mô %s, hạt giống %d (bắt đầu lúc %s): chạy lại đúng lệnh đó để hoàn tất (kehoach gen --scale %s --seed %d), hoặc chỉ một cơ sở dữ liệu trống khác bằng --db",
			redact(*dbURL), run.Scale, run.Seed, locale.VI.DateTime(run.StartedAt), run.Scale, run.Seed)
	case run != nil:
		resume = true
	case len(units) > 0:
		return fmt.Errorf("cơ sở dữ liệu %s đã có đơn vị (ví dụ %s): lệnh gen chỉ ghi vào cơ sở dữ liệu trống để dữ liệu tổng hợp không lẫn với dữ liệu khác; hãy chỉ một tệp mới hoặc một cơ sở dữ liệu trống bằng --db",
			redact(*dbURL), units[0].Code)
	default:
		if err := db.StartGen(ctx, *scale, *seed); err != nil {
			return err
		}
	}

	b := spec.Bundle
	total := spec.Count()
	if resume {
		fmt.Fprintf(env.Stderr, "Tiếp tục lệnh gen dừng giữa chừng (bắt đầu lúc %s) trên %s\n", locale.VI.DateTime(run.StartedAt), redact(*dbURL))
	}
	fmt.Fprintf(env.Stderr, "Sinh dữ liệu tổng hợp quy mô %s (hạt giống %d) vào %s: %s đơn vị, %d chỉ số, %s số liệu\n",
		*scale, *seed, redact(*dbURL), locale.VI.Int(int64(len(b.Units))), len(b.Elements), locale.VI.Int(total))
	start := time.Now()
	if len(units) == 0 {
		// LoadBundle is one transaction: after a kill it is either all
		// there (units exist) or not at all.
		if err := db.LoadBundle(ctx, b, "gen"); err != nil {
			return fmt.Errorf("nạp danh mục: %w; %s", err, genAgain(*scale, *seed))
		}
	} else {
		removed, err := db.RestartGenValues(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "Danh mục đã nạp ở lần trước; nạp lại số liệu từ đầu (bỏ %s số liệu của lần trước)\n", locale.VI.Int(removed))
	}
	metaTime := time.Since(start)
	fmt.Fprintf(env.Stderr, "Đã nạp danh mục (đơn vị, chỉ số, biểu mẫu, chỉ tiêu, kế hoạch) trong %s giây\n", seconds(metaTime))

	bar := newProgressBar(env.Stderr, total)
	valuesStart := time.Now()
	n, err := db.BulkLoad(ctx, nil, "gen", spec.Values, bar.update)
	bar.finish(n)
	if err != nil {
		return fmt.Errorf("nạp số liệu (đã ghi %s): %w; %s", locale.VI.Int(n), err, genAgain(*scale, *seed))
	}
	if n != total {
		return fmt.Errorf("đã ghi %s số liệu, nhưng bộ sinh có %s", locale.VI.Int(n), locale.VI.Int(total))
	}
	if err := db.FinishGen(ctx); err != nil {
		return err
	}
	valuesTime := time.Since(valuesStart)
	all := time.Since(start)
	rate := float64(n) / valuesTime.Seconds()

	w := env.Stdout
	fmt.Fprintf(w, "Đã sinh dữ liệu tổng hợp quy mô %s (hạt giống %d) vào %s\n", *scale, *seed, redact(*dbURL))
	fmt.Fprintf(w, "  Đơn vị:  %s (%s xã, %s thôn, bản)\n", locale.VI.Int(int64(len(b.Units))), locale.VI.Int(int64(len(spec.Communes()))), locale.VI.Int(int64(len(spec.Villages()))))
	fmt.Fprintf(w, "  Chỉ số:  %d; chỉ tiêu: %d; kế hoạch %s (%d mục tiêu)\n", len(b.Elements), len(b.Indicators), b.Plans[0].Code, len(b.Plans[0].Targets))
	fmt.Fprintf(w, "  Số liệu: %s trong %s giây (%s số liệu/giây)\n", locale.VI.Int(n), seconds(valuesTime), locale.VI.Int(int64(rate)))
	fmt.Fprintf(w, "  Tổng thời gian: %s giây (danh mục %s giây)\n", seconds(all), seconds(metaTime))
	if *reorgDate != "" { // issue 10
		return genReorg(kehoach.NewContextWithActor(ctx, cliActor), env, db, spec, kehoach.Date(*reorgDate))
	}
	return nil
}

// genAgain tells how to finish a gen run that stopped.
func genAgain(scale string, seed uint64) string {
	return fmt.Sprintf("cơ sở dữ liệu chưa dùng được; chạy lại đúng lệnh (kehoach gen --scale %s --seed %d) để hoàn tất", scale, seed)
}

func validScale(s string) bool {
	for _, x := range gen.Scales {
		if s == x {
			return true
		}
	}
	return false
}

func scaleList() string {
	return "district (huyện, ~13 xã), province (tỉnh, ~100 xã), national (toàn quốc, 34 tỉnh, ~3.300 xã)"
}

// seconds writes a duration in seconds with one decimal: "12,3".
func seconds(d time.Duration) string { return locale.VI.Fixed(d.Seconds(), 1) }

// progressBar reports a long load on the terminal: one line redrawn with
// \r when w is a terminal, otherwise a line every 10%.
type progressBar struct {
	w         io.Writer
	total     int64
	tty       bool
	start     time.Time
	last      time.Time // last redraw
	nextTenth int64     // next 10% step to print, when not a terminal
	drawn     bool
	now       func() time.Time
}

func newProgressBar(w io.Writer, total int64) *progressBar {
	p := &progressBar{w: w, total: total, tty: isTerminal(w), now: time.Now, nextTenth: 1}
	p.start = p.now()
	return p
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progressBar) update(done int64) {
	now := p.now()
	if p.tty {
		if now.Sub(p.last) < 200*time.Millisecond && done < p.total {
			return
		}
		p.last = now
		fmt.Fprintf(p.w, "\r%s\033[K", p.line(done, now))
		p.drawn = true
		return
	}
	if p.total <= 0 {
		return
	}
	if done*10 >= p.nextTenth*p.total {
		for done*10 >= p.nextTenth*p.total {
			p.nextTenth++
		}
		fmt.Fprintln(p.w, p.line(done, now))
	}
}

// line is "  45,3%  24.531.000/54.199.260 số liệu  312.000/giây  còn 1m32s".
func (p *progressBar) line(done int64, now time.Time) string {
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(done) / float64(p.total)
	}
	el := now.Sub(p.start)
	rate := 0.0
	if el > 0 {
		rate = float64(done) / el.Seconds()
	}
	eta := "?"
	if rate > 0 && done <= p.total {
		eta = time.Duration(float64(p.total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("  %5s%%  %s/%s số liệu  %s/giây  còn %s",
		locale.VI.Fixed(pct, 1), locale.VI.Int(done), locale.VI.Int(p.total), locale.VI.Int(int64(rate)), eta)
}

// finish ends the redrawn line.
func (p *progressBar) finish(done int64) {
	if p.tty && p.drawn {
		fmt.Fprintf(p.w, "\r%s\033[K\n", p.line(done, p.now()))
	}
}
