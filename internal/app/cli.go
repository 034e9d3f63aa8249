package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"kehoach/internal/locale"
)

// Env is what a command reads from outside: arguments, environment and
// standard streams. Tests fill it; main passes the process's own.
type Env struct {
	Args   []string // without the program name
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `kehoach: theo dõi thực hiện kế hoạch của chính quyền địa phương

Cách dùng:
  kehoach serve   [--addr 127.0.0.1:8080] [--db URL] [--demo]
  kehoach migrate [--db URL]
  kehoach backup  [--db URL] FILE
  kehoach user add --username U --role R [--unit CODE]… [--name N] [--password-stdin] [--db URL]
  kehoach token add --username U [--name N] [--db URL]   # in ra mã truy cập API
  kehoach gen     --scale district|province|national [--seed N] [--db URL]   # dữ liệu tổng hợp
  kehoach bench   [--db URL] [--runs N] [--baseline] [--full-load]   # đo hiệu năng phân tích
  kehoach loadtest [--backend sqlite|postgres] [--servers N] [--pg URL] [--reporters 500] [--leaders 50] [--duration 60s] [--seed N]   # thử tải trên 127.0.0.1

--db cũng đọc biến môi trường KEHOACH_DB; URL dạng sqlite:đường/dẫn.db hoặc postgres://…
Mặc định: sqlite:kehoach.db (lần chạy đầu tự nạp dữ liệu minh họa).
`

// Main runs one command and returns the process exit code.
func Main(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if len(env.Args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	var err error
	switch cmd, args := env.Args[0], env.Args[1:]; cmd {
	case "serve":
		err = serve(ctx, env, args)
	case "migrate":
		err = migrate(ctx, env, args)
	case "backup":
		err = backupCommand(ctx, env, args)
	case "user":
		err = userCommand(ctx, env, args)
	case "token":
		err = tokenCommand(ctx, env, args)
	case "gen":
		err = genCommand(ctx, env, args)
	case "bench":
		err = benchCommand(ctx, env, args)
	case "loadtest":
		err = loadtestCommand(ctx, env, args)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(env.Stderr, "kehoach: lệnh %q không có\n\n%s", cmd, usage)
		return 2
	}
	var fe flagError
	if errors.As(err, &fe) {
		return 2 // the flag package has said what is wrong
	} else if err != nil {
		fmt.Fprintf(env.Stderr, "kehoach: %v\n", err)
		return 1
	}
	return 0
}

// dbFlag registers --db with KEHOACH_DB and the default as fallbacks.
func dbFlag(fs *flag.FlagSet, env Env) *string {
	def := env.Getenv("KEHOACH_DB")
	if def == "" {
		def = DefaultDB
	}
	return fs.String("db", def, "cơ sở dữ liệu: sqlite:tệp.db hoặc postgres://…")
}

// flagError is a command-line mistake, already reported by the flag package.
type flagError struct{ error }

// parseFlags parses args, marking errors as the caller's mistake.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return flagError{err}
	}
	return nil
}

func newFlagSet(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

func serve(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("serve", env)
	addr := fs.String("addr", "127.0.0.1:8080", "địa chỉ lắng nghe")
	db := dbFlag(fs, env)
	demo := fs.Bool("demo", false, "nạp dữ liệu minh họa vào cơ sở dữ liệu trống")
	secure := fs.Bool("secure-cookies", false, "đánh dấu cookie phiên là Secure (khi chạy sau proxy HTTPS)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	s := &Server{Addr: *addr, DB: *db, Log: log, Out: env.Stdout,
		// The default file is the newcomer's first run: give them the demo.
		Demo: *demo || *db == DefaultDB, SecureCookies: *secure}
	if err := s.Open(ctx); err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(env.Stdout, "kehoach đang chạy tại %s (cơ sở dữ liệu %s)\n", s.URL(), redact(*db))
	if len(s.DemoAccounts) > 0 {
		fmt.Fprintf(env.Stdout, "Đã nạp dữ liệu minh họa và tạo các tài khoản dùng thử (mật khẩu chỉ hiện lần này):\n")
		for _, a := range s.DemoAccounts {
			unit := ""
			if a.Unit != "" {
				unit = " · " + a.Unit
			}
			fmt.Fprintf(env.Stdout, "  %-16s %-28s %s%s\n", a.Username, a.Password, locale.VI.Role(a.Role), unit)
		}
	}
	fmt.Fprintf(env.Stdout, "Tạo tài khoản quản trị: kehoach user add --username ten --role admin --password-stdin\n")
	fmt.Fprintf(env.Stdout, "Nhấn Ctrl-C để dừng.\n")
	err := s.Run(ctx)
	fmt.Fprintln(env.Stdout, "kehoach đã dừng.")
	return err
}

func migrate(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("migrate", env)
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := OpenDB(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(env.Stdout, "Đã cập nhật cấu trúc cơ sở dữ liệu %s\n", redact(*db))
	return nil
}

// redact hides a password in a database URL before printing it.
func redact(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if at := strings.LastIndex(url, "@"); at > i {
			cred := url[i+3 : at]
			if c := strings.Index(cred, ":"); c >= 0 {
				return url[:i+3] + cred[:c] + ":***" + url[at:]
			}
		}
	}
	return url
}

// OSEnv returns the Env of this process.
func OSEnv() Env {
	return Env{Args: os.Args[1:], Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}
