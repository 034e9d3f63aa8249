package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"kehoach"
	"kehoach/internal/auth"
)

func TestSessions(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			now := testClock
			db.db.Now = func() time.Time { return now }
			loadSmall(t, db.db)
			u := mustCreateUser(t, db.db, &kehoach.User{Username: "hoa", Role: kehoach.RoleReporter, EntryScope: []string{"XA_A"}}, "0123456789")

			tok, s, err := db.db.CreateSession(ctx, u.ID, "10.0.0.5", "Mozilla/5.0")
			if err != nil {
				t.Fatal(err)
			}
			if len(tok) != 43 || s.ID == 0 || s.UserID != u.ID || !s.CreatedAt.Equal(now) || !s.LastSeen.Equal(now) ||
				!s.ExpiresAt.Equal(now.Add(12*time.Hour)) || s.Address != "10.0.0.5" || s.UserAgent != "Mozilla/5.0" {
				t.Fatalf("CreateSession = %q, %+v", tok, s)
			}
			// The database holds the token's SHA-256, not the token.
			var stored string
			db.db.Reader().QueryRowContext(ctx, `SELECT token_hash FROM sessions WHERE id = $1`, s.ID).Scan(&stored)
			if stored != auth.HashToken(tok) || strings.Contains(stored, tok) {
				t.Errorf("token_hash = %q", stored)
			}

			find := func(when string) (*kehoach.Session, *kehoach.User) {
				t.Helper()
				s, u, err := db.db.FindSession(ctx, tok)
				if err != nil {
					t.Fatalf("%s: FindSession: %v", when, err)
				}
				return s, u
			}
			got, gu := find("at once")
			if got.ID != s.ID || gu.ID != u.ID || gu.EntryScope[0] != "XA_A" {
				t.Errorf("FindSession = %+v, %+v", got, gu)
			}
			// LastSeen is written at most once a minute.
			now = now.Add(30 * time.Second)
			if got, _ := find("30 s"); !got.LastSeen.Equal(testClock) {
				t.Errorf("after 30 s LastSeen = %v, want unchanged %v", got.LastSeen, testClock)
			}
			now = now.Add(31 * time.Second)
			if got, _ := find("61 s"); !got.LastSeen.Equal(now) {
				t.Errorf("after 61 s LastSeen = %v, want %v", got.LastSeen, now)
			}
			// Active every 90 minutes, the session lives until its absolute
			// end 12 h after sign-in.
			for now.Add(90 * time.Minute).Before(testClock.Add(12 * time.Hour)) {
				now = now.Add(90 * time.Minute)
				find(now.Sub(testClock).String())
			}
			now = testClock.Add(12 * time.Hour)
			_, _, err = db.db.FindSession(ctx, tok)
			wantCode(t, err, kehoach.EUNAUTHORIZED)

			// Idle for 2 h: ended; just under: alive.
			now = testClock
			tok2, _, err := db.db.CreateSession(ctx, u.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(2*time.Hour - time.Second)
			if _, _, err := db.db.FindSession(ctx, tok2); err != nil {
				t.Errorf("idle 1h59m59s: %v", err)
			}
			now = now.Add(2 * time.Hour)
			_, _, err = db.db.FindSession(ctx, tok2)
			wantCode(t, err, kehoach.EUNAUTHORIZED)

			// Revoked (logout): ended; revoking again or an unknown token is fine.
			tok3, _, err := db.db.CreateSession(ctx, u.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.db.FindSession(ctx, tok3); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := db.db.RevokeSession(ctx, tok3); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.db.RevokeSession(ctx, "nope"); err != nil {
				t.Error(err)
			}
			for _, bad := range []string{tok3, "", "nope", auth.HashToken(tok3), strings.Repeat("a", 1000)} {
				_, _, err = db.db.FindSession(ctx, bad)
				wantCode(t, err, kehoach.EUNAUTHORIZED)
			}

			// Unknown or disabled users get no session.
			_, _, err = db.db.CreateSession(ctx, 9999, "", "")
			wantCode(t, err, kehoach.ENOTFOUND)
			yes := true
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			_, _, err = db.db.CreateSession(ctx, u.ID, "", "")
			wantCode(t, err, kehoach.EUNAUTHORIZED)

			// Each sign-in and sign-out is in the audit log, by the user
			// from the client's address (failed sign-ins: TestSessionAudit);
			// a revoked or unknown token's logout adds nothing.
			want := []string{
				`hoa@10.0.0.5 login hoa  → {"session":1,"userAgent":"Mozilla/5.0"}`,
				`hoa@ login hoa  → {"session":2,"userAgent":""}`,
				`hoa@ login hoa  → {"session":3,"userAgent":""}`,
				`hoa@ logout hoa {"session":3} → `,
			}
			if events := auditRows(t, db.db, "session"); !slices.Equal(events, want) {
				t.Errorf("session audit events: %q\nwant %q", events, want)
			}
		})
	}
}

func TestSetPasswordRevokesOtherSessions(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			u := mustCreateUser(t, db.db, &kehoach.User{Username: "minh", Role: kehoach.RolePlanner}, "mật khẩu cũ 123")
			here, hs, err := db.db.CreateSession(ctx, u.ID, "10.0.0.1", "a")
			if err != nil {
				t.Fatal(err)
			}
			there, _, err := db.db.CreateSession(ctx, u.ID, "10.0.0.2", "b")
			if err != nil {
				t.Fatal(err)
			}
			err = db.db.SetPassword(ctx, u.ID, "ngắn", hs.ID)
			wantCode(t, err, kehoach.EINVALID)
			if kehoach.ErrorFields(err)["password"] == "" {
				t.Errorf("short password: fields %v", kehoach.ErrorFields(err))
			}
			wantCode(t, db.db.SetPassword(ctx, 9999, "mật khẩu mới 456", 0), kehoach.ENOTFOUND)

			userCtx := kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: "minh", Address: "10.0.0.1"})
			if err := db.db.SetPassword(userCtx, u.ID, "mật khẩu mới 456", hs.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.db.FindSession(ctx, here); err != nil {
				t.Errorf("the session that changed the password: %v", err)
			}
			_, _, err = db.db.FindSession(ctx, there)
			wantCode(t, err, kehoach.EUNAUTHORIZED)
			_, err = db.db.Authenticate(ctx, "minh", "mật khẩu cũ 123", "")
			wantCode(t, err, kehoach.EUNAUTHORIZED)
			if _, err := db.db.Authenticate(ctx, "minh", "mật khẩu mới 456", ""); err != nil {
				t.Errorf("new password: %v", err)
			}
			events := auditRows(t, db.db, "user")
			if len(events) != 2 || events[1] != `minh@10.0.0.1 set_password minh  → {"revokedSessions":1}` {
				t.Errorf("audit = %q", events)
			}
			// keepSessionID 0 (an admin resetting it) ends them all.
			if err := db.db.SetPassword(adminCtx, u.ID, "mật khẩu thứ ba", 0); err != nil {
				t.Fatal(err)
			}
			_, _, err = db.db.FindSession(ctx, here)
			wantCode(t, err, kehoach.EUNAUTHORIZED)
		})
	}
}

func TestTokens(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			now := testClock
			db.db.Now = func() time.Time { return now }
			u := mustCreateUser(t, db.db, &kehoach.User{Username: "may", Role: kehoach.RoleViewer}, "0123456789")
			other := mustCreateUser(t, db.db, &kehoach.User{Username: "khac", Role: kehoach.RoleViewer}, "0123456789")

			tok, tk, err := db.db.CreateToken(adminCtx, u.ID, kehoach.TokenOptions{Name: "  Đồng bộ DHIS2 "})
			if err != nil {
				t.Fatal(err)
			}
			if !auth.IsAPIToken(tok) || tk.ID == 0 || tk.UserID != u.ID || tk.Name != "Đồng bộ DHIS2" || tk.Prefix != tok[:8] ||
				!tk.CreatedAt.Equal(now) || !tk.LastUsed.IsZero() || tk.Revoked || tk.Scope != kehoach.TokenScopeAPI || !tk.ExpiresAt.IsZero() {
				t.Fatalf("CreateToken = %q, %+v", tok, tk)
			}
			tok2, _, err := db.db.CreateToken(adminCtx, u.ID, kehoach.TokenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			list, err := db.db.FindTokens(ctx, kehoach.TokenFilter{UserID: u.ID})
			if err != nil || len(list) != 2 || list[0].Name != "Mã truy cập API" || list[1].ID != tk.ID || list[1].Prefix != tk.Prefix {
				t.Fatalf("FindTokens = %+v, %v", list, err)
			}
			if list, err := db.db.FindTokens(ctx, kehoach.TokenFilter{UserID: other.ID}); err != nil || len(list) != 0 {
				t.Errorf("FindTokens(other) = %+v, %v", list, err)
			}

			now = now.Add(time.Hour)
			if got, gt, err := db.db.FindUserByToken(ctx, tok); err != nil || got.ID != u.ID || gt.ID != tk.ID || gt.Scope != kehoach.TokenScopeAPI {
				t.Fatalf("FindUserByToken = %+v, %+v, %v", got, gt, err)
			}
			lastUsed := func() time.Time {
				list, _ := db.db.FindTokens(ctx, kehoach.TokenFilter{UserID: u.ID})
				return list[1].LastUsed
			}
			if got := lastUsed(); !got.Equal(now) {
				t.Errorf("LastUsed = %v, want %v", got, now)
			}
			then := now
			now = now.Add(10 * time.Second)
			db.db.FindUserByToken(ctx, tok)
			if got := lastUsed(); !got.Equal(then) {
				t.Errorf("LastUsed after 10 s = %v, want unchanged %v", got, then)
			}
			now = now.Add(time.Minute)
			db.db.FindUserByToken(ctx, tok)
			if got := lastUsed(); !got.Equal(now) {
				t.Errorf("LastUsed after a minute = %v, want %v", got, now)
			}

			// Revoking: only by the token's owner id; twice is fine.
			wantCode(t, db.db.RevokeToken(adminCtx, other.ID, tk.ID), kehoach.ENOTFOUND)
			wantCode(t, db.db.RevokeToken(adminCtx, u.ID, 9999), kehoach.ENOTFOUND)
			for range 2 {
				if err := db.db.RevokeToken(adminCtx, u.ID, tk.ID); err != nil {
					t.Fatal(err)
				}
			}
			_, _, err = db.db.FindUserByToken(ctx, tok)
			wantCode(t, err, kehoach.EUNAUTHORIZED)
			if list, _ := db.db.FindTokens(ctx, kehoach.TokenFilter{UserID: u.ID}); !list[1].Revoked || list[0].Revoked {
				t.Errorf("after revoke: %+v %+v", list[0], list[1])
			}
			if _, _, err := db.db.FindUserByToken(ctx, tok2); err != nil {
				t.Errorf("other token: %v", err)
			}
			for _, bad := range []string{"", "khk_", tok[:len(tok)-1] + "A", strings.TrimPrefix(tok2, "khk_"), auth.HashToken(tok2)} {
				if bad == tok2 {
					continue
				}
				_, _, err = db.db.FindUserByToken(ctx, bad)
				wantCode(t, err, kehoach.EUNAUTHORIZED)
			}

			// A disabled user's tokens stop working, and they get no new one.
			yes := true
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			_, _, err = db.db.FindUserByToken(ctx, tok2)
			wantCode(t, err, kehoach.EUNAUTHORIZED)
			_, _, err = db.db.CreateToken(adminCtx, u.ID, kehoach.TokenOptions{Name: "x"})
			wantCode(t, err, kehoach.EINVALID)
			_, _, err = db.db.CreateToken(adminCtx, 9999, kehoach.TokenOptions{Name: "x"})
			wantCode(t, err, kehoach.ENOTFOUND)
			_, _, err = db.db.CreateToken(adminCtx, other.ID, kehoach.TokenOptions{Name: strings.Repeat("x", 101)})
			wantCode(t, err, kehoach.EINVALID)

			events := auditRows(t, db.db, "api_token")
			want := []string{
				`quantri@192.0.2.1 create 1  → {"name":"Đồng bộ DHIS2","scope":"api","username":"may"}`,
				`quantri@192.0.2.1 create 2  → {"name":"Mã truy cập API","scope":"api","username":"may"}`,
				`quantri@192.0.2.1 revoke 1 {"name":"Đồng bộ DHIS2","revoked":false,"username":"may"} → {"name":"Đồng bộ DHIS2","revoked":true,"username":"may"}`,
				`quantri@192.0.2.1 revoke 2 {"name":"Mã truy cập API","revoked":false,"username":"may"} → {"because":"disabled","name":"Mã truy cập API","revoked":true,"username":"may"}`,
			}
			if strings.Join(events, "\n") != strings.Join(want, "\n") {
				t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(events, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestAuthSecretsNotAudited(t *testing.T) {
	// Passwords, their hashes, tokens and token hashes never reach the
	// audit log, whatever happens to the account.
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			loadSmall(t, db.db)
			secrets := []string{"mật khẩu bí mật 1", "mật khẩu bí mật 2"}
			u := mustCreateUser(t, db.db, &kehoach.User{Username: "bimat", Role: kehoach.RoleReporter, EntryScope: []string{"XA_A"}}, secrets[0])
			mustCreateUser(t, db.db, &kehoach.User{Username: "admin", Role: kehoach.RoleAdmin}, "0123456789")
			if err := db.db.SetPassword(adminCtx, u.ID, secrets[1], 0); err != nil {
				t.Fatal(err)
			}
			if _, err := db.db.Authenticate(ctx, "bimat", secrets[1], "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
			db.db.Authenticate(ctx, "bimat", secrets[0], "10.0.0.1")
			stok, _, err := db.db.CreateSession(ctx, u.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			tok, tk, err := db.db.CreateToken(adminCtx, u.ID, kehoach.TokenOptions{Name: "t"})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.db.RevokeToken(adminCtx, u.ID, tk.ID); err != nil {
				t.Fatal(err)
			}
			yes := true
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			var hash string
			db.db.Reader().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash)
			secrets = append(secrets, hash, hash[strings.LastIndex(hash, "$")+1:], "argon2", stok, auth.HashToken(stok),
				tok, auth.HashToken(tok), strings.TrimPrefix(tok, "khk_"))

			rows, err := db.db.Reader().QueryContext(ctx, `SELECT action, entity, entity_key, old_value, new_value FROM audit_events`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var f [5]string
				if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4]); err != nil {
					t.Fatal(err)
				}
				n++
				all := strings.Join(f[:], "|")
				for _, s := range secrets {
					if strings.Contains(all, s) {
						t.Errorf("audit event %q holds a secret %q", all, s)
					}
				}
			}
			if n < 6 {
				t.Errorf("%d audit events, want at least 6", n)
			}
		})
	}
}

// TestTokenLifetime: a token may end at a set time, has a scope of use, and
// ends for good with its owner's password or account: re-enabling the
// account does not bring it back. An administrator lists and revokes
// anyone's tokens.
func TestTokenLifetime(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			now := testClock
			db.db.Now = func() time.Time { return now }
			u := mustCreateUser(t, db.db, &kehoach.User{Username: "may", Role: kehoach.RoleViewer}, "0123456789")
			other := mustCreateUser(t, db.db, &kehoach.User{Username: "khac", Role: kehoach.RoleViewer}, "0123456789")
			create := func(userID int64, opt kehoach.TokenOptions) (string, *kehoach.Token) {
				t.Helper()
				tok, tk, err := db.db.CreateToken(adminCtx, userID, opt)
				if err != nil {
					t.Fatalf("CreateToken(%+v): %v", opt, err)
				}
				return tok, tk
			}
			works := func(tok string) bool {
				t.Helper()
				_, _, err := db.db.FindUserByToken(ctx, tok)
				if err != nil && kehoach.ErrorCode(err) != kehoach.EUNAUTHORIZED {
					t.Fatalf("FindUserByToken: %v", err)
				}
				return err == nil
			}

			// Options refused, naming the field.
			for _, tc := range []struct {
				opt   kehoach.TokenOptions
				field string
			}{
				{kehoach.TokenOptions{Scope: "all"}, "scope"},
				{kehoach.TokenOptions{Scope: "API"}, "scope"},
				{kehoach.TokenOptions{ExpiresAt: now}, "expiresAt"},
				{kehoach.TokenOptions{ExpiresAt: now.Add(-time.Hour)}, "expiresAt"},
			} {
				_, _, err := db.db.CreateToken(adminCtx, u.ID, tc.opt)
				if kehoach.ErrorCode(err) != kehoach.EINVALID || kehoach.ErrorFields(err)[tc.field] == "" {
					t.Errorf("CreateToken(%+v) = %v, want EINVALID on %s", tc.opt, err, tc.field)
				}
			}

			// An expiring, read-only token works until its end, then never.
			end := now.Add(90 * 24 * time.Hour)
			short, stk := create(u.ID, kehoach.TokenOptions{Name: "đọc", Scope: kehoach.TokenScopeRead, ExpiresAt: end})
			if stk.Scope != kehoach.TokenScopeRead || !stk.ExpiresAt.Equal(end) {
				t.Fatalf("created %+v", stk)
			}
			if _, gt, err := db.db.FindUserByToken(ctx, short); err != nil || gt.Scope != kehoach.TokenScopeRead || !gt.ExpiresAt.Equal(end) {
				t.Fatalf("FindUserByToken = %+v, %v", gt, err)
			}
			now = end.Add(-time.Second)
			if !works(short) {
				t.Error("refused a second before its end")
			}
			now = end
			if works(short) {
				t.Error("an expired token still works")
			}
			now = testClock.Add(time.Hour)

			// A password change ends every token of the user (audited);
			// another user's tokens stay.
			tok, tk := create(u.ID, kehoach.TokenOptions{Name: "đồng bộ"})
			keep, _ := create(other.ID, kehoach.TokenOptions{Name: "của người khác"})
			if err := db.db.SetPassword(adminCtx, u.ID, "mật khẩu mới dài", 0); err != nil {
				t.Fatal(err)
			}
			if works(tok) {
				t.Error("a token survived its owner's password change")
			}
			if !works(keep) {
				t.Error("another user's token ended with this user's password")
			}

			// Disabling ends the tokens for good: enabling again does not
			// bring them back.
			tok, _ = create(u.ID, kehoach.TokenOptions{Name: "sau đổi mật khẩu"})
			yes, no := true, false
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Disabled: &no}); err != nil {
				t.Fatal(err)
			}
			if works(tok) {
				t.Error("a token revived when its disabled owner was enabled again")
			}

			// The administrator's list holds everyone's tokens with owners,
			// and any of them can be revoked by id alone.
			all, err := db.db.FindTokens(ctx, kehoach.TokenFilter{})
			if err != nil || len(all) != 4 {
				t.Fatalf("FindTokens(all) = %d tokens, %v", len(all), err)
			}
			owners := map[string]int{}
			for _, x := range all {
				owners[x.Username]++
			}
			if owners["may"] != 3 || owners["khac"] != 1 {
				t.Errorf("owners in the list: %v", owners)
			}
			var keepID int64
			for _, x := range all {
				if x.Username == "khac" {
					keepID = x.ID
				}
			}
			wantCode(t, db.db.RevokeToken(adminCtx, u.ID, keepID), kehoach.ENOTFOUND) // not u's
			if err := db.db.RevokeToken(adminCtx, 0, keepID); err != nil {
				t.Fatal(err)
			}
			if works(keep) {
				t.Error("a token revoked by the administrator still works")
			}
			wantCode(t, db.db.RevokeToken(adminCtx, 0, 9999), kehoach.ENOTFOUND)

			events := strings.Join(auditRows(t, db.db, "api_token"), "\n")
			for _, want := range []string{
				`"because":"password","name":"đồng bộ","revoked":true`,
				`"because":"disabled","name":"sau đổi mật khẩu","revoked":true`,
				`"expiresAt":`,
				`"scope":"read"`,
			} {
				if !strings.Contains(events, want) {
					t.Errorf("audit lacks %s:\n%s", want, events)
				}
			}
			_ = tk
		})
	}
}
