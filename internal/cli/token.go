package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"kehoach"
	"kehoach/internal/locale"
)

const tokenUsage = `Cách dùng:
  kehoach token add --username U [--name N] [--scope api|read] [--expires 90d|NNNN-TT-NN] [--db URL]
                                                   # in ra mã truy cập API (chỉ hiện một lần)
  kehoach token list [--username U] [--db URL]     # mọi mã truy cập, kể cả đã thu hồi, hết hạn
  kehoach token revoke --id N [--db URL]           # thu hồi mã số N (số trong cột "Số" của list)`

// tokenCommand runs `kehoach token SUBCOMMAND`.
func tokenCommand(ctx context.Context, env Env, args []string) error {
	return subcommand(ctx, env, "token", tokenUsage, map[string]command{"add": tokenAdd, "list": tokenList, "revoke": tokenRevoke}, args)
}

// clockOf returns the command's clock: env.Now, or the real time.
func clockOf(env Env) time.Time {
	if env.Now != nil {
		return env.Now()
	}
	return time.Now()
}

// tokenAdd is `kehoach token add`: it prints the new token alone on
// stdout so that scripts can capture it.
func tokenAdd(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("token add", env)
	username := fs.String("username", "", "tên đăng nhập của chủ mã truy cập")
	name := fs.String("name", "dòng lệnh", "tên gợi nhớ của mã truy cập")
	scope := fs.String("scope", kehoach.TokenScopeAPI, "dùng cho: api (API, đọc và ghi) hoặc read (chỉ đọc API)")
	expires := fs.String("expires", "", "hết hạn: số ngày (vd 90d) hoặc ngày cuối NNNN-TT-NN; bỏ trống: không hết hạn")
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
	if !kehoach.ValidTokenScope(*scope) {
		return usagef("--scope %q không có: chọn %s", *scope, tokenScopesText())
	}
	end, err := kehoach.ParseTokenExpiry(*expires, clockOf(env))
	if err != nil {
		return usagef("--expires: %s", kehoach.ErrorMessage(err))
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
	token, t, err := store.CreateToken(kehoach.NewContextWithActor(ctx, cliActor), u.ID,
		kehoach.TokenOptions{Name: *name, Scope: *scope, ExpiresAt: end})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, token)
	until := "không hết hạn"
	if !t.ExpiresAt.IsZero() {
		until = "hết hạn lúc " + locale.VI.DateTime(t.ExpiresAt)
	}
	fmt.Fprintf(env.Stderr, "Đã tạo mã truy cập số %d %q (%s…) cho %s, %s, %s; mã chỉ hiện lần này. Dùng: Authorization: Bearer <mã>\n",
		t.ID, t.Name, t.Prefix, u.Username, strings.ToLower(locale.VI.TokenScope(t.Scope)), until)
	return nil
}

// tokenScopesText lists the token scopes with their Vietnamese names.
func tokenScopesText() string {
	return locale.VI.CodesText(locale.LabelTokenScope, []string{kehoach.TokenScopeAPI, kehoach.TokenScopeRead})
}

// tokenList is `kehoach token list`: every token (or one user's), newest
// first, with what an administrator needs to decide which to revoke.
func tokenList(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("token list", env)
	username := fs.String("username", "", "chỉ các mã của tài khoản này")
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	store, err := openDB(ctx, env, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	var f kehoach.TokenFilter
	if strings.TrimSpace(*username) != "" {
		u, err := findUser(ctx, store, *username)
		if err != nil {
			return err
		}
		f.UserID = u.ID
	}
	tokens, err := store.FindTokens(ctx, f)
	if err != nil {
		return err
	}
	if len(tokens) == 0 {
		fmt.Fprintln(env.Stdout, "Chưa có mã truy cập nào.")
		return nil
	}
	now := clockOf(env)
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "Số\tTài khoản\tTên\tMã bắt đầu\tDùng cho\tTạo lúc\tDùng lần cuối\tHết hạn\tTrạng thái")
	for _, t := range tokens {
		state := "hiệu lực"
		switch {
		case t.Revoked:
			state = "đã thu hồi"
		case t.Expired(now):
			state = "đã hết hạn"
		}
		expires := "không"
		if !t.ExpiresAt.IsZero() {
			expires = locale.VI.DateTime(t.ExpiresAt)
		}
		used := locale.VI.DateTime(t.LastUsed)
		if used == "" {
			used = "chưa"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s…\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Username, t.Name, t.Prefix,
			locale.VI.TokenScope(t.Scope), locale.VI.DateTime(t.CreatedAt), used, expires, state)
	}
	return w.Flush()
}

// tokenRevoke is `kehoach token revoke`: whoever holds the database may
// end any token, as an administrator may on the web.
func tokenRevoke(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("token revoke", env)
	id := fs.Int64("id", 0, "số của mã truy cập (cột \"Số\" của kehoach token list)")
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *id <= 0 {
		return usagef("cần --id: số của mã truy cập, xem bằng kehoach token list")
	}
	store, err := openDB(ctx, env, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.RevokeToken(kehoach.NewContextWithActor(ctx, cliActor), 0, *id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã thu hồi mã truy cập số %d.\n", *id)
	return nil
}
