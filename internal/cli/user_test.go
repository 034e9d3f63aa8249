package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kehoach"
	"kehoach/internal/app"
	"kehoach/internal/locale"
	"kehoach/internal/store"
)

// runStdin runs a command with stdin as its standard input.
func runStdin(ctx context.Context, stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(ctx, Env{Args: args, Getenv: func(string) string { return "" }, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

// authDB returns the URL of a fresh migrated database holding a district H
// with a commune XA, and the store opened on it.
func authDB(t *testing.T) (string, *store.DB) {
	t.Helper()
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "k.db")
	db, err := app.OpenDB(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b := &kehoach.Bundle{Units: []*kehoach.Unit{
		{Code: "H", Name: "Huyện Thử", Kind: kehoach.KindDistrict, Level: 1},
		{Code: "XA", Name: "Xã Thử", Kind: kehoach.KindCommune, Level: 2, ParentCode: "H"},
	}}
	if err := db.LoadBundle(ctx, b, "test"); err != nil {
		t.Fatal(err)
	}
	return url, db
}

func TestUserAddCommand(t *testing.T) {
	ctx := context.Background()
	url, db := authDB(t)

	// Password from stdin: the first line, without its line ending.
	code, out, errs := runStdin(ctx, "mật khẩu quản trị\r\nthừa\n", "user", "add", "--username", "Admin", "--role", "admin", "--all-units", "--name", "Quản trị", "--password-stdin", "--db", url)
	if code != 0 || !strings.Contains(out, "Đã tạo tài khoản admin") || strings.Contains(out, "Mật khẩu") {
		t.Fatalf("user add: code %d, out %q, err %q", code, out, errs)
	}
	u, err := db.Authenticate(ctx, "admin", "mật khẩu quản trị", "127.0.0.1")
	if err != nil || u.Role != kehoach.RoleAdmin || u.Name != "Quản trị" || len(u.EntryScope) != 0 {
		t.Fatalf("Authenticate = %+v, %v", u, err)
	}
	var actor string
	db.Reader().QueryRowContext(ctx, `SELECT actor FROM audit_events WHERE entity = 'user'`).Scan(&actor)
	if actor != "cli" {
		t.Errorf("audit actor = %q, want cli", actor)
	}

	// Without --password-stdin a strong password is made and shown once.
	code, out, errs = runStdin(ctx, "", "user", "add", "--username", "lan", "--role", "viewer", "--all-units", "--db", url)
	if code != 0 {
		t.Fatalf("user add (generated): code %d, err %q", code, errs)
	}
	_, pw, ok := strings.Cut(out, "Mật khẩu (chỉ hiện lần này; hãy đổi sau khi đăng nhập): ")
	pw = strings.TrimSpace(pw)
	if !ok || len(pw) < 20 {
		t.Fatalf("generated password not shown: %q", out)
	}
	if _, err := db.Authenticate(ctx, "lan", pw, ""); err != nil {
		t.Errorf("generated password: %v", err)
	}

	// --unit sets both scopes.
	code, _, errs = runStdin(ctx, "0123456789\n", "user", "add", "--username", "bao", "--role", "reporter", "--unit", "XA", "--password-stdin", "--db", url)
	if code != 0 {
		t.Fatalf("reporter: code %d, err %q", code, errs)
	}
	if u, err := db.FindUserByUsername(ctx, "bao"); err != nil || !slices.Equal(u.EntryScope, []string{"XA"}) || !slices.Equal(u.ViewScope, []string{"XA"}) {
		t.Errorf("reporter = %+v, %v", u, err)
	}

	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []string
	}{
		{"unknown role", "0123456789", []string{"--username", "x1x", "--role", "boss"},
			1, append([]string{`vai trò "boss" không có`}, kehoach.Roles...)},
		{"no role", "0123456789", []string{"--username", "x1x"}, 1, []string{"cần --role", "reporter (Người báo cáo)"}},
		{"no username", "0123456789", []string{"--role", "viewer"}, 1, []string{"cần --username"}},
		{"reporter without unit", "0123456789", []string{"--username", "x1x", "--role", "reporter"}, 1, []string{"cần --unit"}},
		{"approver without unit", "0123456789", []string{"--username", "x1x", "--role", "approver"}, 1, []string{"cần --unit"}},
		{"viewer without unit", "0123456789", []string{"--username", "x1x", "--role", "viewer"}, 1, []string{"cần --unit", "--all-units", "Người xem"}},
		{"admin without unit", "0123456789", []string{"--username", "x1x", "--role", "admin"}, 1, []string{"cần --unit", "--all-units"}},
		{"planner without unit", "0123456789", []string{"--username", "x1x", "--role", "planner"}, 1, []string{"cần --unit", "--all-units"}},
		{"reporter with all units", "0123456789", []string{"--username", "x1x", "--role", "reporter", "--all-units"}, 1, []string{"cần --unit", "Người báo cáo"}},
		{"unit and all units", "0123456789", []string{"--username", "x1x", "--role", "viewer", "--unit", "XA", "--all-units"}, 1, []string{"không cả hai"}},
		{"existing username", "0123456789", []string{"--username", "ADMIN", "--role", "viewer", "--all-units"}, 1, []string{`Tên đăng nhập "admin" đã có`}},
		{"unknown unit", "0123456789", []string{"--username", "x1x", "--role", "reporter", "--unit", "NOPE"}, 1, []string{`--unit: Không có đơn vị mã "NOPE"`}},
		{"short password", "123456789\n", []string{"--username", "x1x", "--role", "viewer", "--all-units"}, 1, []string{"mật khẩu: Mật khẩu cần ít nhất 10 ký tự"}},
		{"empty stdin", "", []string{"--username", "x1x", "--role", "viewer", "--all-units"}, 1, []string{"trống"}},
		{"bad username", "0123456789", []string{"--username", "Nguyễn", "--role", "viewer", "--all-units"}, 1, []string{"--username: Tên đăng nhập cần 3–50 ký tự"}},
		{"extra argument", "0123456789", []string{"--username", "x1x", "--role", "viewer", "--all-units", "thừa"}, 2, []string{"thừa tham số"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"user", "add"}, tc.args...)
			args = append(args, "--password-stdin", "--db", url)
			code, out, errs := runStdin(ctx, tc.stdin, args...)
			if code != tc.code {
				t.Errorf("code %d, want %d (out %q, err %q)", code, tc.code, out, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q lacks %q", errs, w)
				}
			}
			if strings.Contains(errs, "kehoach: invalid") || strings.Contains(errs, "kehoach: conflict") {
				t.Errorf("stderr shows the error code: %q", errs)
			}
			if code == 1 && (!strings.HasPrefix(errs, "kehoach user add: ") || strings.Contains(errs, "kehoach: ")) {
				t.Errorf("stderr %q: want one prefix \"kehoach user add: \"", errs)
			}
		})
	}
	if us, _ := db.FindUsers(ctx, kehoach.UserFilter{}); len(us) != 3 {
		t.Errorf("%d users after the failures, want 3", len(us))
	}
	// The roles are listed with their Vietnamese names in the help.
	if code, out, _ := runStdin(ctx, "", "user", "add", "--help"); code != 0 || !strings.Contains(out, locale.VI.CodesText(locale.LabelRole, kehoach.Roles)) || !strings.Contains(out, "--all-units") {
		t.Errorf("user add --help: code %d, does not list the roles in Vietnamese: %q", code, out)
	}
	for _, args := range [][]string{{"user"}, {"user", "remove"}, {"user", "add", "--nope"}} {
		if code, _, errs := runStdin(ctx, "", args...); code != 2 || errs == "" {
			t.Errorf("%q: code %d, err %q; want 2 and a usage", args, code, errs)
		}
	}
}

func TestTokenAddCommand(t *testing.T) {
	ctx := context.Background()
	url, db := authDB(t)
	if code, _, errs := runStdin(ctx, "0123456789\n", "user", "add", "--username", "may", "--role", "viewer", "--all-units", "--password-stdin", "--db", url); code != 0 {
		t.Fatalf("user add: %d %q", code, errs)
	}
	code, out, errs := runStdin(ctx, "", "token", "add", "--username", "MAY", "--name", "Đồng bộ", "--db", url)
	if code != 0 {
		t.Fatalf("token add: code %d, err %q", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "khk_") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("stdout %q: want the token alone on one line", out)
	}
	u, _, err := db.FindUserByToken(ctx, lines[0])
	if err != nil || u.Username != "may" {
		t.Fatalf("FindUserByToken(printed) = %+v, %v", u, err)
	}
	if tokens, _ := db.FindTokens(ctx, kehoach.TokenFilter{UserID: u.ID}); len(tokens) != 1 || tokens[0].Name != "Đồng bộ" || !strings.Contains(errs, tokens[0].Prefix) {
		t.Errorf("tokens %+v, stderr %q", tokens, errs)
	}
	code, out, errs = runStdin(ctx, "", "token", "add", "--username", "khongco", "--db", url)
	if code != 1 || out != "" || !strings.Contains(errs, `không có tài khoản "khongco"`) {
		t.Errorf("unknown user: code %d, out %q, err %q", code, out, errs)
	}
	if code, _, errs := runStdin(ctx, "", "token", "add", "--db", url); code != 1 || !strings.Contains(errs, "cần --username") {
		t.Errorf("no username: code %d, err %q", code, errs)
	}
	if code, _, _ := runStdin(ctx, "", "token"); code != 2 {
		t.Errorf("token without subcommand: code %d, want 2", code)
	}
}

// TestUserPasswordCommand resets a password from standard input, as one
// who missed the demo's passwords at the first start would.
func TestUserPasswordCommand(t *testing.T) {
	ctx := context.Background()
	url, db := authDB(t)
	if code, _, errs := runStdin(ctx, "mật khẩu cũ 123\n", "user", "add", "--username", "hoa", "--role", "reporter", "--unit", "XA", "--password-stdin", "--db", url); code != 0 {
		t.Fatalf("user add: %d %q", code, errs)
	}
	u, err := db.FindUserByUsername(ctx, "hoa")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := db.CreateSession(ctx, u.ID, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"no username", "mật khẩu mới 456\n", nil, 1, "cần --username"},
		{"unknown user", "mật khẩu mới 456\n", []string{"--username", "khongco"}, 1, `không có tài khoản "khongco"`},
		{"empty stdin", "", []string{"--username", "hoa"}, 1, "trống"},
		{"short password", "ngắn\n", []string{"--username", "hoa"}, 1, "kehoach user password: Mật khẩu cần ít nhất 10 ký tự"},
		{"extra argument", "mật khẩu mới 456\n", []string{"--username", "hoa", "thừa"}, 2, "thừa tham số"},
		{"unknown flag", "mật khẩu mới 456\n", []string{"--nope"}, 2, "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"user", "password", "--db", url}, tc.args...)
			code, out, errs := runStdin(ctx, tc.stdin, args...)
			if code != tc.code || !strings.Contains(errs, tc.want) || out != "" {
				t.Errorf("code %d, out %q, err %q; want %d and %q", code, out, errs, tc.code, tc.want)
			}
			if code == 1 && (!strings.HasPrefix(errs, "kehoach user password: ") || strings.Contains(errs, "kehoach: ")) {
				t.Errorf("stderr %q: want one prefix \"kehoach user password: \"", errs)
			}
		})
	}
	if _, err := db.Authenticate(ctx, "hoa", "mật khẩu cũ 123", ""); err != nil {
		t.Fatalf("the failures changed the password: %v", err)
	}

	code, out, errs := runStdin(ctx, "mật khẩu mới 456\r\n", "user", "password", "--username", "HOA", "--db", url)
	if code != 0 || !strings.Contains(out, "Đã đặt mật khẩu mới cho hoa") {
		t.Fatalf("user password: code %d, out %q, err %q", code, out, errs)
	}
	if _, err := db.Authenticate(ctx, "hoa", "mật khẩu mới 456", ""); err != nil {
		t.Errorf("new password refused: %v", err)
	}
	if _, err := db.Authenticate(ctx, "hoa", "mật khẩu cũ 123", ""); err == nil {
		t.Errorf("old password still accepted")
	}
	if _, _, err := db.FindSession(ctx, token); err == nil {
		t.Errorf("the session made before the reset still works")
	}
}
