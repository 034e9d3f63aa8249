package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/locale"
)

const (
	userUsage  = "kehoach user add --username U --role R [--unit CODE]… [--name N] [--password-stdin] [--db URL]"
	tokenUsage = "kehoach token add --username U [--name N] [--db URL]"
)

// cliActor is who the audit log names for changes made from the command
// line: whoever holds the database file or URL.
var cliActor = kehoach.Actor{Username: "cli"}

// userCommand runs `kehoach user add`.
func userCommand(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintf(env.Stderr, "Cách dùng: %s\n", userUsage)
		return flagError{errors.New("user: subcommand")}
	}
	fs := newFlagSet("user add", env)
	username := fs.String("username", "", "tên đăng nhập: 3–50 ký tự a–z, 0–9, . _ -")
	role := fs.String("role", "", "vai trò: "+strings.Join(kehoach.Roles, ", "))
	var units []string
	fs.Func("unit", "mã đơn vị được nhập và xem số liệu (cả các đơn vị trực thuộc); lặp lại được", func(s string) error {
		for _, c := range strings.Split(s, ",") {
			if c = strings.TrimSpace(c); c != "" {
				units = append(units, c)
			}
		}
		return nil
	})
	name := fs.String("name", "", "họ và tên")
	stdin := fs.Bool("password-stdin", false, "đọc mật khẩu từ dòng đầu của đầu vào chuẩn (nếu không: tạo mật khẩu ngẫu nhiên và in ra một lần)")
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("user add: thừa tham số %q", fs.Args())
	}
	if strings.TrimSpace(*username) == "" {
		return errors.New("user add: cần --username (tên đăng nhập)")
	}
	switch {
	case *role == "":
		return fmt.Errorf("user add: cần --role; chọn một trong: %s", locale.VI.CodesText(locale.LabelRole, kehoach.Roles))
	case !kehoach.ValidRole(*role):
		return fmt.Errorf("user add: vai trò %q không có; chọn một trong: %s", *role, locale.VI.CodesText(locale.LabelRole, kehoach.Roles))
	case kehoach.RoleNeedsScope(*role) && len(units) == 0:
		return fmt.Errorf("user add: vai trò %s (%s) cần --unit MÃ_ĐƠN_VỊ: đơn vị mà người này được nhập số liệu", *role, locale.VI.Role(*role))
	}
	password, generated := "", false
	if *stdin {
		var err error
		if password, err = readPasswordLine(env.Stdin); err != nil {
			return err
		}
	} else {
		password, generated = auth.NewPassword(), true
	}

	store, err := OpenDB(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	u := &kehoach.User{Username: *username, Name: *name, Role: *role, EntryScope: units, ViewScope: slices.Clone(units)}
	if err := store.CreateUser(kehoach.NewContextWithActor(ctx, cliActor), u, password); err != nil {
		return cliError("user add", err)
	}
	scope := "toàn bộ các đơn vị"
	if len(u.EntryScope) > 0 {
		scope = "đơn vị " + strings.Join(u.EntryScope, ", ") + " và các đơn vị trực thuộc"
	}
	fmt.Fprintf(env.Stdout, "Đã tạo tài khoản %s, vai trò %s, phạm vi: %s.\n", u.Username, locale.VI.Role(u.Role), scope)
	if generated {
		fmt.Fprintf(env.Stdout, "Mật khẩu (chỉ hiện lần này; hãy đổi sau khi đăng nhập): %s\n", password)
	}
	return nil
}

// readPasswordLine returns the first line of r without its line ending.
func readPasswordLine(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New("user add: --password-stdin: không có đầu vào chuẩn")
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("user add: đọc mật khẩu: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("user add: --password-stdin: dòng đầu của đầu vào chuẩn trống, không có mật khẩu")
	}
	return line, nil
}

// tokenCommand runs `kehoach token add`: it prints the new token alone on
// stdout so that scripts can capture it.
func tokenCommand(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintf(env.Stderr, "Cách dùng: %s\n", tokenUsage)
		return flagError{errors.New("token: subcommand")}
	}
	fs := newFlagSet("token add", env)
	username := fs.String("username", "", "tên đăng nhập của chủ mã truy cập")
	name := fs.String("name", "dòng lệnh", "tên gợi nhớ của mã truy cập")
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("token add: thừa tham số %q", fs.Args())
	}
	if strings.TrimSpace(*username) == "" {
		return errors.New("token add: cần --username (tên đăng nhập)")
	}
	store, err := OpenDB(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.FindUserByUsername(ctx, *username)
	if kehoach.ErrorCode(err) == kehoach.ENOTFOUND {
		return fmt.Errorf("token add: không có tài khoản %q", strings.ToLower(strings.TrimSpace(*username)))
	} else if err != nil {
		return err
	}
	token, t, err := store.CreateToken(kehoach.NewContextWithActor(ctx, cliActor), u.ID, *name)
	if err != nil {
		return cliError("token add", err)
	}
	fmt.Fprintln(env.Stdout, token)
	fmt.Fprintf(env.Stderr, "Đã tạo mã truy cập %q (%s…) cho %s; mã chỉ hiện lần này. Dùng: Authorization: Bearer <mã>\n",
		t.Name, t.Prefix, u.Username)
	return nil
}

// messageError shows a domain error as a sentence for the terminal, with
// the reason for each field, and keeps the error (and its code) unwrappable.
type messageError struct {
	cmd string
	err error
}

func (e *messageError) Error() string {
	msg := e.cmd + ": " + kehoach.ErrorMessage(e.err)
	if fields := kehoach.ErrorFields(e.err); len(fields) > 0 {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var lines []string
		for _, k := range keys {
			line := "\n  " + flagOf(k) + ": " + fields[k]
			if fields[k] != kehoach.ErrorMessage(e.err) && !slices.Contains(lines, line) {
				lines = append(lines, line)
			}
		}
		msg += strings.Join(lines, "")
	}
	return msg
}

func (e *messageError) Unwrap() error { return e.err }

// flagOf names the command-line flag of a field.
func flagOf(field string) string {
	switch field {
	case "entryScope", "viewScope":
		return "--unit"
	case "password":
		return "mật khẩu"
	}
	return "--" + field
}

// cliError returns err as the terminal should show it: internal errors as
// they are (the operator needs the detail), domain errors by their message.
func cliError(cmd string, err error) error {
	var e *kehoach.Error
	if errors.As(err, &e) {
		return &messageError{cmd, err}
	}
	return err
}
