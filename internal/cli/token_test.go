package cli

import (
	"context"
	"strings"
	"testing"

	"kehoach"
)

// TestTokenListRevokeCommands: tokens made with a scope and an expiry are
// listed with their owner, and any of them can be revoked by number.
func TestTokenListRevokeCommands(t *testing.T) {
	ctx := context.Background()
	url, db := authDB(t)
	for _, name := range []string{"may", "khac"} {
		if code, _, errs := runStdin(ctx, "0123456789\n", "user", "add", "--username", name, "--role", "viewer", "--all-units", "--password-stdin", "--db", url); code != 0 {
			t.Fatalf("user add %s: %d %q", name, code, errs)
		}
	}
	code, out, errs := runStdin(ctx, "", "token", "add", "--username", "may", "--name", "Đồng bộ", "--scope", "read", "--expires", "2030-12-31", "--db", url)
	if code != 0 {
		t.Fatalf("token add: %d %q", code, errs)
	}
	tok := strings.TrimSpace(out)
	if !strings.Contains(errs, "chỉ đọc api") || !strings.Contains(errs, "00:00 01/01/2031") {
		t.Errorf("token add says %q: want the scope and the end", errs)
	}
	_, got, err := db.FindUserByToken(ctx, tok)
	if err != nil || got.Scope != kehoach.TokenScopeRead || got.ExpiresAt.IsZero() {
		t.Fatalf("FindUserByToken = %+v, %v", got, err)
	}
	if code, _, errs := runStdin(ctx, "", "token", "add", "--username", "khac", "--name", "Khác", "--db", url); code != 0 {
		t.Fatalf("token add khac: %d %q", code, errs)
	}

	code, out, errs = runStdin(ctx, "", "token", "list", "--db", url)
	if code != 0 {
		t.Fatalf("token list: %d %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "Số") {
		t.Fatalf("token list:\n%s", out)
	}
	if !strings.Contains(lines[1], "khac") || !strings.Contains(lines[2], "may") || !strings.Contains(lines[2], "Chỉ đọc API") ||
		!strings.Contains(lines[2], "00:00 01/01/2031") || !strings.Contains(lines[2], tok[:8]+"…") || !strings.Contains(lines[2], "hiệu lực") ||
		strings.Contains(out, tok) {
		t.Errorf("token list (newest first, no secret):\n%s", out)
	}
	if code, out, _ := runStdin(ctx, "", "token", "list", "--username", "KHAC", "--db", url); code != 0 || strings.Count(strings.TrimSpace(out), "\n") != 1 || strings.Contains(out, "may") {
		t.Errorf("token list --username khac: %d\n%s", code, out)
	}

	id := strings.Fields(lines[2])[0]
	if code, out, errs := runStdin(ctx, "", "token", "revoke", "--id", id, "--db", url); code != 0 || !strings.Contains(out, "Đã thu hồi mã truy cập số "+id) {
		t.Fatalf("token revoke: %d %q %q", code, out, errs)
	}
	if _, _, err := db.FindUserByToken(ctx, tok); kehoach.ErrorCode(err) != kehoach.EUNAUTHORIZED {
		t.Errorf("revoked token: %v", err)
	}
	if _, out, _ := runStdin(ctx, "", "token", "list", "--username", "may", "--db", url); !strings.Contains(out, "đã thu hồi") {
		t.Errorf("the list after revoking:\n%s", out)
	}

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"token", "revoke", "--id", "9999", "--db", url}, 1, "Không có mã truy cập số 9999"},
		{[]string{"token", "revoke", "--db", url}, 2, "cần --id"},
		{[]string{"token", "add", "--username", "may", "--scope", "all", "--db", url}, 2, "--scope"},
		{[]string{"token", "add", "--username", "may", "--expires", "31/12/2030", "--db", url}, 2, "--expires"},
		{[]string{"token", "add", "--username", "may", "--expires", "2000-01-01", "--db", url}, 2, "sau hôm nay"},
		{[]string{"token", "list", "--username", "khongco", "--db", url}, 1, "khongco"},
		{[]string{"token", "xoa"}, 2, "không có"},
	} {
		code, _, errs := runStdin(ctx, "", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("%q: code %d, stderr %q; want %d with %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
}
