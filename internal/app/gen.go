package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/gen"
)

// genCommand is `kehoach gen --scale district|province|national [--seed N]
// [--db URL]`: it writes a deterministic synthetic dataset into an empty
// database, for benchmarks and load tests.
func genCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("gen", env)
	scale := fs.String("scale", "", "quy mô: district (huyện), province (tỉnh) hoặc national (toàn quốc)")
	seed := fs.Uint64("seed", 1, "hạt giống ngẫu nhiên: cùng hạt giống cho cùng dữ liệu")
	dbURL := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "kehoach gen: không nhận đối số %q\n", strings.Join(fs.Args(), " "))
		return flagError{fmt.Errorf("gen: extra arguments")}
	}
	if !validScale(*scale) {
		if *scale == "" {
			fmt.Fprintf(env.Stderr, "kehoach gen: thiếu --scale: chọn một trong %s\n", scaleList())
		} else {
			fmt.Fprintf(env.Stderr, "kehoach gen: quy mô %q không hợp lệ: chọn một trong %s\n", *scale, scaleList())
		}
		return flagError{fmt.Errorf("gen: bad scale %q", *scale)}
	}
	spec, err := gen.Build(*scale, *seed)
	if err != nil {
		return err
	}
	db, err := OpenDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	units, err := db.FindUnits(ctx, kehoach.UnitFilter{Limit: 1})
	if err != nil {
		return err
	}
	if len(units) > 0 {
		return fmt.Errorf("cơ sở dữ liệu %s đã có đơn vị (ví dụ %s): lệnh gen chỉ ghi vào cơ sở dữ liệu trống để dữ liệu tổng hợp không lẫn với dữ liệu khác; hãy chỉ một tệp mới hoặc một cơ sở dữ liệu trống bằng --db",
			redact(*dbURL), units[0].Code)
	}

	b := spec.Bundle
	total := spec.Count()
	fmt.Fprintf(env.Stderr, "Sinh dữ liệu tổng hợp quy mô %s (hạt giống %d) vào %s: %s đơn vị, %d chỉ số, %s số liệu\n",
		*scale, *seed, redact(*dbURL), groupDigits(int64(len(b.Units))), len(b.Elements), groupDigits(total))
	start := time.Now()
	if err := db.LoadBundle(ctx, b, "gen"); err != nil {
		return fmt.Errorf("nạp danh mục: %w", err)
	}
	metaTime := time.Since(start)
	fmt.Fprintf(env.Stderr, "Đã nạp danh mục (đơn vị, chỉ số, biểu mẫu, chỉ tiêu, kế hoạch) trong %s giây\n", seconds(metaTime))

	bar := newProgressBar(env.Stderr, total)
	valuesStart := time.Now()
	n, err := db.BulkLoad(ctx, nil, "gen", spec.Values, bar.update)
	bar.finish(n)
	if err != nil {
		return fmt.Errorf("nạp số liệu (đã ghi %s): %w; cơ sở dữ liệu còn dở dang, hãy xóa và chạy lại", groupDigits(n), err)
	}
	if n != total {
		return fmt.Errorf("đã ghi %d số liệu, nhưng bộ sinh có %d", n, total)
	}
	valuesTime := time.Since(valuesStart)
	all := time.Since(start)
	rate := float64(n) / valuesTime.Seconds()

	w := env.Stdout
	fmt.Fprintf(w, "Đã sinh dữ liệu tổng hợp quy mô %s (hạt giống %d) vào %s\n", *scale, *seed, redact(*dbURL))
	fmt.Fprintf(w, "  Đơn vị:  %s (%s xã, %s thôn, bản)\n", groupDigits(int64(len(b.Units))), groupDigits(int64(len(spec.Communes()))), groupDigits(int64(len(spec.Villages()))))
	fmt.Fprintf(w, "  Chỉ số:  %d; chỉ tiêu: %d; kế hoạch %s (%d mục tiêu)\n", len(b.Elements), len(b.Indicators), b.Plans[0].Code, len(b.Plans[0].Targets))
	fmt.Fprintf(w, "  Số liệu: %s trong %s giây (%s số liệu/giây)\n", groupDigits(n), seconds(valuesTime), groupDigits(int64(rate)))
	fmt.Fprintf(w, "  Tổng thời gian: %s giây (danh mục %s giây)\n", seconds(all), seconds(metaTime))
	return nil
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

// seconds formats a duration in seconds with one decimal, the Vietnamese way.
func seconds(d time.Duration) string {
	return strings.Replace(strconv.FormatFloat(d.Seconds(), 'f', 1, 64), ".", ",", 1)
}

// groupDigits writes n with dots between groups of three digits (1.234.567).
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

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
		strings.Replace(strconv.FormatFloat(pct, 'f', 1, 64), ".", ",", 1), groupDigits(done), groupDigits(p.total), groupDigits(int64(rate)), eta)
}

// finish ends the redrawn line.
func (p *progressBar) finish(done int64) {
	if p.tty && p.drawn {
		fmt.Fprintf(p.w, "\r%s\033[K\n", p.line(done, p.now()))
	}
}
