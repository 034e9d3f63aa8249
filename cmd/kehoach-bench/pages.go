package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"kehoach/internal/app"
	"kehoach/internal/bench"
)

// runPages is `kehoach-bench pages --db URL [--url BASE --username U
// --password P]`: the plan page and a target's breakdown read by many
// people at once beside /api/analytics (issue 16). Without --url it boots
// the server of this build over the database (and writes the engine's
// snapshot when there is none, as serve does); with --url it measures a
// server already running on that database (another build, say), signed
// in as the account named. The runs: fresh loads one after another,
// reloads that revalidate their ETag, and fresh loads with a reading time
// between them (--think).
func runPages(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kehoach-bench pages", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := getenv("KEHOACH_DB")
	if def == "" {
		def = app.DefaultDB
	}
	dbURL := fs.String("db", def, "cơ sở dữ liệu do kehoach gen sinh ra (để tìm kế hoạch, mục tiêu, câu hỏi)")
	base := fs.String("url", "", "đo máy chủ đang chạy tại `URL` (http://127.0.0.1:…) thay vì máy chủ của bản này")
	username := fs.String("username", "", "tài khoản đăng nhập vào máy chủ của --url")
	password := fs.String("password", "", "mật khẩu của tài khoản đó")
	users := fs.Int("users", 50, "số người đọc cùng lúc")
	duration := fs.Duration("duration", 10*time.Second, "thời gian mỗi lượt đo")
	think := fs.Duration("think", time.Second, "lượt thứ ba: mỗi người đọc trang trung bình chừng ấy rồi mới mở trang sau (0: bỏ lượt này)")
	label := fs.String("label", "", "tên lượt đo trong bảng")
	cpu := fs.String("cpuprofile", "", "ghi hồ sơ CPU (máy chủ trong tiến trình này) vào `TỆP`")
	phases := fs.String("phases", "fresh,reload,think,saves", "các lượt đo, cách nhau bởi dấu phẩy: fresh (mở trang liền nhau), reload (mở lại, hỏi ETag), think (nghỉ giữa hai trang), saves (như think, thêm một lần lưu mỗi giây)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	want := map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		switch p = strings.TrimSpace(p); p {
		case "fresh", "reload", "think", "saves":
			want[p] = true
		default:
			fmt.Fprintf(stderr, "kehoach-bench pages: --phases: không có lượt %q (fresh, reload, think, saves)\n", p)
			return 2
		}
	}
	if *users <= 0 || *duration <= 0 || (*base != "" && *username == "") {
		fmt.Fprintln(stderr, "kehoach-bench pages: --users và --duration phải lớn hơn 0; --url cần --username và --password")
		return 2
	}
	db, ok := openDB(ctx, *dbURL, stderr)
	if !ok {
		return 1
	}
	defer db.Close()
	q, err := bench.Discover(ctx, db)
	inProcess := err == nil && *base == ""
	if inProcess {
		e, _ := bench.NewEngine(db, true)
		fmt.Fprintln(stderr, "kehoach-bench: đang nạp số liệu vào bộ phân tích…")
		if err = e.Refresh(ctx); err == nil {
			if _, rows := e.LoadStats(); rows > 1_000_000 {
				err = e.SaveSnapshot(ctx) // the next start reads it, as serve's do
			}
		}
		var srv *bench.PagesServer
		if err == nil {
			srv, err = bench.ServePages(ctx, db, e)
		}
		if err == nil {
			defer srv.Close()
			*base, *username, *password = srv.URL, srv.Username, srv.Password
			if *label == "" {
				*label = "kehoach"
			}
		}
	}
	var routes bench.PageRoutes
	if err == nil {
		routes, err = bench.RoutesOf(ctx, db, q)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kehoach-bench: %s\n", message(err))
		return 1
	}
	stop, ok := startCPUProfile(*cpu, stderr)
	if !ok {
		return 1
	}
	defer stop()
	var rs []*bench.PagesResult
	var runs []bench.PagesOptions
	if want["fresh"] {
		runs = append(runs, bench.PagesOptions{})
	}
	if want["reload"] {
		runs = append(runs, bench.PagesOptions{Revalidate: true})
	}
	if *think > 0 {
		if want["think"] {
			runs = append(runs, bench.PagesOptions{Think: *think})
		}
		if inProcess && want["saves"] {
			// The same readers while a figure is saved every second
			// through the store (issue 16 point 8).
			save, err := bench.Toggler(ctx, db, q)
			if err != nil {
				fmt.Fprintf(stderr, "kehoach-bench: %s\n", message(err))
				return 1
			}
			runs = append(runs, bench.PagesOptions{Think: *think, Save: save})
		}
	}
	for _, o := range runs {
		o.Users, o.Duration = *users, *duration
		r, err := bench.Pages(ctx, *base, *username, *password, routes, o)
		if err != nil {
			fmt.Fprintf(stderr, "kehoach-bench: %s\n", message(err))
			return 1
		}
		if o.Save != nil && r.Saves%2 == 1 {
			o.Save(ctx) // the figure back as it was
		}
		r.Label = *label
		rs = append(rs, r)
	}
	fmt.Fprintf(stdout, "Cơ sở dữ liệu: %s; máy chủ %s\n", app.Redact(*dbURL), *base)
	bench.PrintPages(stdout, rs...)
	return 0
}
