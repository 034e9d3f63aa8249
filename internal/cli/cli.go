// Package cli is the command line of kehoach: one file per command, each
// parsing and checking its own flags and speaking Vietnamese to the person
// at the terminal. The wiring it runs (open, migrate, serve, close, the
// demo) lives in internal/app.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"kehoach"
	"kehoach/internal/app"
	"kehoach/internal/store"
)

// Env is what a command reads from outside: arguments, environment and
// standard streams. Tests fill it; main passes the process's own.
type Env struct {
	Args   []string // without the program name
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Now is the clock shared by the store, the web and the engine; nil
	// means time.Now. Tests set it.
	Now kehoach.Clock
}

// OSEnv returns the Env of this process.
func OSEnv() Env {
	return Env{Args: os.Args[1:], Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

// command runs one command with the arguments after its name.
type command func(ctx context.Context, env Env, args []string) error

// commands are the commands by name; each lives in a file of its name.
var commands = map[string]command{
	"serve":   serveCommand,
	"migrate": migrateCommand,
	"backup":  backupCommand,
	"user":    userCommand,
	"token":   tokenCommand,
	"gen":     genCommand,
	"report":  reportCommand, // reports (issue 12)
	"unit":    unitCommand,   // issue 10
	// issue 13: exchange of figures
	"import":   importCommand,
	"export":   exportCommand,
	"plan":     planCommand,
	"template": templateCommand,
	"digest":   digestCommand, // tasks (issue 11)
}

// Main runs one command and returns the process exit code: 0 when it
// succeeded, 1 when it failed, 2 when it was called wrongly.
func Main(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	if len(env.Args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	name, args := env.Args[0], env.Args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "kehoach: lệnh %q không có\n\n%s", name, usage)
		return 2
	}
	err := cmd(ctx, env, args)
	var fe flagError
	var ue usageError
	switch {
	case err == nil, errors.As(err, new(helpShown)):
		return 0
	case errors.As(err, &fe):
		return 2 // the flag package has said what is wrong
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "kehoach %s: %s\n", commandName(env.Args), ue.msg)
		return 2
	}
	fmt.Fprintf(env.Stderr, "kehoach %s: %s\n", commandName(env.Args), errorText(err))
	return 1
}

// commandName is the command as the person typed it: "gen", or "user add"
// for the commands that have subcommands.
func commandName(args []string) string {
	switch args[0] {
	case "user", "token", "plan":
		if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
			return args[0] + " " + args[1]
		}
	}
	return args[0]
}

// dbFlag registers --db with KEHOACH_DB and the default as fallbacks.
func dbFlag(fs *flag.FlagSet, env Env) *string {
	def := env.Getenv("KEHOACH_DB")
	if def == "" {
		def = app.DefaultDB
	}
	return fs.String("db", def, "cơ sở dữ liệu `URL`: sqlite:tệp.db hoặc postgres://… (hoặc biến môi trường KEHOACH_DB)")
}

// flagError is a command-line mistake that parseFlags (or the command) has
// already reported.
type flagError struct{ error }

// usageError is a command-line mistake that Main reports, with exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef returns a usageError with a formatted Vietnamese message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// parseFlags parses args, marking errors as the caller's mistake. The flag
// package's own messages are English; they are said again in Vietnamese,
// followed by the command's options. --help prints them on stdout.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out, ok := fs.Output().(*flagOutput)
	if !ok {
		if err := fs.Parse(args); err != nil {
			return flagError{err}
		}
		return nil
	}
	out.quiet = true
	err := fs.Parse(args)
	out.quiet = false
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		printOptions(out.help, fs)
		return helpShown{}
	}
	fmt.Fprintf(out.w, "%s: %s\n", fs.Name(), flagErrorText(err))
	printOptions(out.w, fs)
	return flagError{err}
}

// helpShown is --help: the options are printed and the command ends well.
type helpShown struct{}

func (helpShown) Error() string { return "help shown" }

// flagOutput is where a flag set writes: quiet while parsing, so that
// parseFlags says the mistake in Vietnamese instead.
type flagOutput struct {
	w, help io.Writer
	quiet   bool
}

func (o *flagOutput) Write(p []byte) (int, error) {
	if o.quiet {
		return len(p), nil
	}
	return o.w.Write(p)
}

// flagMessages turn the flag package's messages into Vietnamese.
var flagMessages = []struct {
	re  *regexp.Regexp
	vie string
}{
	{regexp.MustCompile(`^flag provided but not defined: -+(.*)$`), "không có tùy chọn --$1"},
	{regexp.MustCompile(`^flag needs an argument: -+(.*)$`), "tùy chọn --$1 cần một giá trị"},
	{regexp.MustCompile(`^invalid boolean value (".*") for -+([^:]*):.*$`), "giá trị $1 của --$2 không hợp lệ: dùng --$2 hoặc --$2=false"},
	{regexp.MustCompile(`^invalid value (".*") for flag -+([^:]*): parse error$`), "giá trị $1 của --$2 không hợp lệ"},
	{regexp.MustCompile(`^invalid value (".*") for flag -+([^:]*): value out of range$`), "giá trị $1 của --$2 quá lớn"},
	{regexp.MustCompile(`^invalid value (".*") for flag -+([^:]*): (.*)$`), "giá trị $1 của --$2 không hợp lệ: $3"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "tùy chọn viết sai: $1"},
}

// flagErrorText says a flag package error in Vietnamese.
func flagErrorText(err error) string {
	msg := err.Error()
	for _, m := range flagMessages {
		if m.re.MatchString(msg) {
			return m.re.ReplaceAllString(msg, m.vie)
		}
	}
	return msg
}

// printOptions lists the command's synopsis and options in Vietnamese.
func printOptions(w io.Writer, fs *flag.FlagSet) {
	name := strings.TrimPrefix(fs.Name(), "kehoach ")
	if line, ok := synopses[name]; ok {
		fmt.Fprintf(w, "Cách dùng: %s\n", line)
	} else {
		fmt.Fprintf(w, "Cách dùng: %s [tùy chọn]\n", fs.Name())
	}
	fmt.Fprintln(w, "Tùy chọn:")
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		arg := ""
		switch kind {
		case "":
		case "int", "uint", "float":
			arg = " SỐ"
		case "duration":
			arg = " THỜI_GIAN"
		case "string", "value":
			arg = " GIÁ_TRỊ"
		default:
			arg = " " + kind // named in the usage between backquotes
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			def = " (mặc định: " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "  --%s%s%s\n      %s\n", f.Name, arg, def, usage)
	})
}

// newFlagSet returns a flag set for the command name that reports its
// mistakes in Vietnamese on the command's stderr.
func newFlagSet(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("kehoach "+name, flag.ContinueOnError)
	fs.SetOutput(&flagOutput{w: env.Stderr, help: env.Stdout})
	return fs
}

// openDB opens and migrates the database of url on the command's clock,
// refusing one that a killed `kehoach gen` left half loaded.
func openDB(ctx context.Context, env Env, url string) (*store.DB, error) {
	db, err := app.OpenDB(ctx, url)
	if err != nil {
		return nil, openError(url, err)
	}
	if env.Now != nil {
		db.Now = env.Now
	}
	return db, nil
}

// redact hides a password in a database URL before printing it.
func redact(url string) string { return app.Redact(url) }

// subcommand runs the subcommand args[0] of command name among subs; with
// none, or one it does not know, it prints usage and fails as a wrong call.
func subcommand(ctx context.Context, env Env, name, usage string, subs map[string]command, args []string) error {
	if len(args) > 0 {
		if run, ok := subs[args[0]]; ok {
			return run(ctx, env, args[1:])
		}
		fmt.Fprintf(env.Stderr, "kehoach %s: lệnh con %q không có\n", name, args[0])
	}
	fmt.Fprintln(env.Stderr, usage)
	return flagError{errors.New(name + ": subcommand")}
}

// noArgs refuses the arguments left after the flags.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("thừa tham số %q (các tùy chọn viết dạng --tên giá-trị)", strings.Join(fs.Args(), " "))
	}
	return nil
}

// openError says in Vietnamese that the database did not open, keeping the
// detail for the operator; a domain error already says it.
func openError(url string, err error) error {
	var e *kehoach.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("không mở được cơ sở dữ liệu %s (kiểm tra --db hoặc KEHOACH_DB, và máy chủ PostgreSQL nếu có): %w", redact(url), err)
}
