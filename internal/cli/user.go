package cli

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
	"kehoach/internal/store"
)

const userUsage = `Cách dùng:
  kehoach user add --username U --role VAI_TRÒ (--unit MÃ… | --all-units) [--name N] [--password-stdin] [--db URL]
  kehoach user password --username U [--db URL]   # mật khẩu mới: dòng đầu của đầu vào chuẩn`

// cliActor is who the audit log names for changes made from the command
// line: whoever holds the database file or URL, and so reaches every unit.
var cliActor = kehoach.SystemActor("cli")

// userCommand runs `kehoach user SUBCOMMAND`.
func userCommand(ctx context.Context, env Env, args []string) error {
	return subcommand(ctx, env, "user", userUsage, map[string]command{"add": userAdd, "password": userPassword}, args)
}

// rolesText lists the roles with their Vietnamese names.
func rolesText() string {
	return locale.VI.CodesText(locale.LabelRole, kehoach.Roles)
}

// userAdd is `kehoach user add`. The units a user reaches are always said:
// --unit for some units (and their subtrees), --all-units for the whole
// tree, so that forgetting --unit cannot give someone everything.
func userAdd(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("user add", env)
	username := fs.String("username", "", "`TÊN` đăng nhập: 3–50 ký tự a–z, 0–9, . _ -")
	role := fs.String("role", "", "`VAI_TRÒ`, một trong: "+rolesText())
	var units []string
	fs.Func("unit", "`MÃ` đơn vị được nhập và xem số liệu (cả các đơn vị trực thuộc); lặp lại được", func(s string) error {
		for _, c := range strings.Split(s, ",") {
			if c = strings.TrimSpace(c); c != "" {
				units = append(units, c)
			}
		}
		return nil
	})
	allUnits := fs.Bool("all-units", false, "được xem toàn bộ các đơn vị (thay cho --unit; không dùng cho người báo cáo, người phê duyệt)")
	name := fs.String("name", "", "họ và tên")
	stdin := fs.Bool("password-stdin", false, "đọc mật khẩu từ dòng đầu của đầu vào chuẩn (nếu không: tạo mật khẩu ngẫu nhiên và in ra một lần)")
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if strings.TrimSpace(*username) == "" {
		return errors.New("cần --username (tên đăng nhập)")
	}
	switch {
	case *role == "":
		return fmt.Errorf("cần --role; chọn một trong: %s", rolesText())
	case !kehoach.ValidRole(*role):
		return fmt.Errorf("vai trò %q không có; chọn một trong: %s", *role, rolesText())
	case *allUnits && len(units) > 0:
		return errors.New("chọn một trong hai: --unit MÃ_ĐƠN_VỊ (một số đơn vị) hoặc --all-units (toàn bộ), không cả hai")
	case kehoach.RoleNeedsScope(*role) && len(units) == 0:
		return fmt.Errorf("vai trò %s (%s) cần --unit MÃ_ĐƠN_VỊ: đơn vị mà người này được nhập số liệu", *role, locale.VI.Role(*role))
	case len(units) == 0 && !*allUnits:
		return fmt.Errorf("cần --unit MÃ_ĐƠN_VỊ (các đơn vị người này được xem) hoặc --all-units (toàn bộ các đơn vị) cho vai trò %s (%s)", *role, locale.VI.Role(*role))
	}
	password, generated := "", false
	if *stdin {
		var err error
		if password, err = readPasswordLine(env.Stdin, "--password-stdin"); err != nil {
			return err
		}
	} else {
		password, generated = auth.NewPassword(), true
	}

	store, err := openDB(ctx, env, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	u := &kehoach.User{Username: *username, Name: *name, Role: *role, EntryScope: units, ViewScope: slices.Clone(units)}
	if err := store.CreateUser(kehoach.NewContextWithActor(ctx, cliActor), u, password); err != nil {
		return err
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

// userPassword is `kehoach user password --username U`: it sets the new
// password read from the first line of standard input, for someone who
// forgot theirs or missed the demo's passwords at the first start. The
// user's sessions end.
func userPassword(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("user password", env)
	username := fs.String("username", "", "`TÊN` đăng nhập của tài khoản cần đặt lại mật khẩu")
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if strings.TrimSpace(*username) == "" {
		return errors.New("cần --username (tên đăng nhập)")
	}
	password, err := readPasswordLine(env.Stdin, "đầu vào chuẩn")
	if err != nil {
		return err
	}
	store, err := openDB(ctx, env, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := findUser(ctx, store, *username)
	if err != nil {
		return err
	}
	if err := store.SetPassword(kehoach.NewContextWithActor(ctx, cliActor), u.ID, password, 0); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã đặt mật khẩu mới cho %s; các phiên đăng nhập cũ của tài khoản đã kết thúc.\n", u.Username)
	return nil
}

// findUser returns the user of username, with a message naming it when
// there is none.
func findUser(ctx context.Context, db *store.DB, username string) (*kehoach.User, error) {
	u, err := db.FindUserByUsername(ctx, username)
	if kehoach.ErrorCode(err) == kehoach.ENOTFOUND {
		return nil, fmt.Errorf("không có tài khoản %q", strings.ToLower(strings.TrimSpace(username)))
	}
	return u, err
}

// readPasswordLine returns the first line of r without its line ending;
// from names the input in messages.
func readPasswordLine(r io.Reader, from string) (string, error) {
	if r == nil {
		return "", fmt.Errorf("%s: không có đầu vào chuẩn để đọc mật khẩu", from)
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("đọc mật khẩu: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", fmt.Errorf("%s: dòng đầu của đầu vào chuẩn trống, không có mật khẩu (ví dụ: echo 'mật-khẩu-mới' | kehoach user …)", from)
	}
	return line, nil
}
