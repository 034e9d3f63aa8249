package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"kehoach"
	"kehoach/internal/auth"
)

// adminCtx is the context of an administrator acting from an address.
var adminCtx = kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "quantri", Address: "192.0.2.1"})

// mustCreateUser creates a user or fails the test.
func mustCreateUser(t testing.TB, db *DB, u *kehoach.User, password string) *kehoach.User {
	t.Helper()
	if err := db.CreateUser(adminCtx, u, password); err != nil {
		t.Fatalf("create user %s: %v", u.Username, err)
	}
	return u
}

// auditRows returns the audit events of entity as "action key old → new".
func auditRows(t testing.TB, db *DB, entity string) []string {
	t.Helper()
	rows, err := db.Reader().QueryContext(context.Background(),
		`SELECT actor, address, action, entity_key, old_value, new_value FROM audit_events WHERE entity = $1 ORDER BY id`, entity)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var actor, addr, action, key, old, new string
		if err := rows.Scan(&actor, &addr, &action, &key, &old, &new); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s@%s %s %s %s → %s", actor, addr, action, key, old, new))
	}
	return out
}

func TestCreateAndFindUsers(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			loadSmall(t, db.db)
			admin := mustCreateUser(t, db.db, &kehoach.User{Username: "QuanTri", Name: "Quản trị", Role: kehoach.RoleAdmin}, "mật khẩu quản trị")
			// Name typed decomposed (NFD) is stored composed (NFC); scopes
			// are trimmed, deduplicated and sorted.
			rep := mustCreateUser(t, db.db, &kehoach.User{Username: " nguyen.van-a_1 ", Name: "Nguye\u0302\u0303n Va\u0306n A",
				Role: kehoach.RoleReporter, EntryScope: []string{"XA_A", " XA_A"}, ViewScope: []string{"H", "CQ"}}, "0123456789")
			if admin.ID == 0 || rep.ID == 0 || admin.ID == rep.ID || !admin.CreatedAt.Equal(testClock) {
				t.Fatalf("ids %d, %d, created %v", admin.ID, rep.ID, admin.CreatedAt)
			}
			if admin.Username != "quantri" || rep.Username != "nguyen.van-a_1" || rep.Name != "Nguyễn Văn A" {
				t.Errorf("normalised: %q, %q, %q", admin.Username, rep.Username, rep.Name)
			}

			got, err := db.db.FindUserByID(ctx, rep.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Username != rep.Username || got.Name != "Nguyễn Văn A" || got.Role != kehoach.RoleReporter || got.Disabled ||
				!slices.Equal(got.EntryScope, []string{"XA_A"}) || !slices.Equal(got.ViewScope, []string{"CQ", "H"}) || !got.CreatedAt.Equal(testClock) {
				t.Errorf("FindUserByID = %+v", got)
			}
			if got, err := db.db.FindUserByUsername(ctx, "  QUANTRI"); err != nil || got.ID != admin.ID ||
				len(got.EntryScope) != 0 || got.EntryScope == nil {
				t.Errorf("FindUserByUsername(QUANTRI) = %+v, %v", got, err)
			}
			_, err = db.db.FindUserByID(ctx, 9999)
			wantCode(t, err, kehoach.ENOTFOUND)
			_, err = db.db.FindUserByUsername(ctx, "khongco")
			wantCode(t, err, kehoach.ENOTFOUND)

			mustCreateUser(t, db.db, &kehoach.User{Username: "xem", Name: "Trần Thị Bình", Role: kehoach.RoleViewer}, "0123456789")
			for _, tc := range []struct {
				f    kehoach.UserFilter
				want []string
			}{
				{kehoach.UserFilter{}, []string{"nguyen.van-a_1", "quantri", "xem"}},
				{kehoach.UserFilter{Role: kehoach.RoleViewer}, []string{"xem"}},
				{kehoach.UserFilter{Query: "nguyen van"}, []string{"nguyen.van-a_1"}},
				{kehoach.UserFilter{Query: "BÌNH"}, []string{"xem"}},
				{kehoach.UserFilter{Query: "quan"}, []string{"quantri"}},
				{kehoach.UserFilter{Limit: 2}, []string{"nguyen.van-a_1", "quantri"}},
			} {
				us, err := db.db.FindUsers(ctx, tc.f)
				var names []string
				for _, u := range us {
					names = append(names, u.Username)
				}
				if err != nil || !slices.Equal(names, tc.want) {
					t.Errorf("FindUsers(%+v) = %v, %v; want %v", tc.f, names, err, tc.want)
				}
				if tc.f.Query == "nguyen van" && len(us) == 1 && !slices.Equal(us[0].ViewScope, []string{"CQ", "H"}) {
					t.Errorf("FindUsers: scopes not loaded: %+v", us[0])
				}
			}

			// Each creation is in the audit log, with the actor and address
			// from the context and without the password.
			events := auditRows(t, db.db, "user")
			if len(events) != 3 || !strings.HasPrefix(events[1], `quantri@192.0.2.1 create nguyen.van-a_1  → {"username":"nguyen.van-a_1","name":"Nguyễn Văn A","role":"reporter","entryScope":["XA_A"],"viewScope":["CQ","H"],"disabled":false}`) {
				t.Errorf("audit = %q", events)
			}
		})
	}
}

func TestCreateUserInvalid(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			mustCreateUser(t, db.db, &kehoach.User{Username: "taken", Role: kehoach.RoleViewer}, "0123456789")
			for _, tc := range []struct {
				name     string
				user     kehoach.User
				password string
				code     string
				fields   []string
			}{
				{"taken", kehoach.User{Username: "taken", Role: kehoach.RoleViewer}, "0123456789", kehoach.ECONFLICT, []string{"username"}},
				{"taken, other case", kehoach.User{Username: "TAKEN", Role: kehoach.RoleViewer}, "0123456789", kehoach.ECONFLICT, []string{"username"}},
				{"short username", kehoach.User{Username: "ab", Role: kehoach.RoleViewer}, "0123456789", kehoach.EINVALID, []string{"username"}},
				{"long username", kehoach.User{Username: strings.Repeat("a", 51), Role: kehoach.RoleViewer}, "0123456789", kehoach.EINVALID, []string{"username"}},
				{"space in username", kehoach.User{Username: "van a", Role: kehoach.RoleViewer}, "0123456789", kehoach.EINVALID, []string{"username"}},
				{"diacritics in username", kehoach.User{Username: "nguyễn", Role: kehoach.RoleViewer}, "0123456789", kehoach.EINVALID, []string{"username"}},
				{"unknown role", kehoach.User{Username: "abc", Role: "boss"}, "0123456789", kehoach.EINVALID, []string{"role"}},
				{"reporter without scope", kehoach.User{Username: "abc", Role: kehoach.RoleReporter}, "0123456789", kehoach.EINVALID, []string{"entryScope"}},
				{"approver without scope", kehoach.User{Username: "abc", Role: kehoach.RoleApprover, ViewScope: []string{"H"}}, "0123456789", kehoach.EINVALID, []string{"entryScope"}},
				{"unknown entry unit", kehoach.User{Username: "abc", Role: kehoach.RoleReporter, EntryScope: []string{"XA_A", "NOPE"}}, "0123456789", kehoach.EINVALID, []string{"entryScope"}},
				{"unknown view unit", kehoach.User{Username: "abc", Role: kehoach.RoleViewer, ViewScope: []string{"NOPE"}}, "0123456789", kehoach.EINVALID, []string{"viewScope"}},
				{"short password", kehoach.User{Username: "abc", Role: kehoach.RoleViewer}, "123456789", kehoach.EINVALID, []string{"password"}},
				{"long name", kehoach.User{Username: "abc", Name: strings.Repeat("ă", 201), Role: kehoach.RoleViewer}, "0123456789", kehoach.EINVALID, []string{"name"}},
				{"everything wrong", kehoach.User{Username: "a", Role: "x", ViewScope: []string{"NOPE"}}, "", kehoach.EINVALID, []string{"password", "role", "username", "viewScope"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					u := tc.user
					err := db.db.CreateUser(adminCtx, &u, tc.password)
					if got := kehoach.ErrorCode(err); got != tc.code {
						t.Fatalf("code = %q (%v), want %q", got, err, tc.code)
					}
					fields := kehoach.ErrorFields(err)
					var keys []string
					for k := range fields {
						keys = append(keys, k)
					}
					slices.Sort(keys)
					if !slices.Equal(keys, tc.fields) {
						t.Errorf("fields = %v, want keys %v", fields, tc.fields)
					}
				})
			}
			// The unknown role's message lists the five roles.
			err := db.db.CreateUser(adminCtx, &kehoach.User{Username: "abc", Role: "boss"}, "0123456789")
			for _, r := range kehoach.Roles {
				if !strings.Contains(kehoach.ErrorFields(err)["role"], r) {
					t.Errorf("role message %q lacks %s", kehoach.ErrorFields(err)["role"], r)
				}
			}
			if n := countRows(t, db.db, "users"); n != 1 {
				t.Errorf("users = %d, want 1", n)
			}
		})
	}
}

func TestUpdateUser(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			loadSmall(t, db.db)
			admin := mustCreateUser(t, db.db, &kehoach.User{Username: "admin", Role: kehoach.RoleAdmin}, "0123456789")
			u := mustCreateUser(t, db.db, &kehoach.User{Username: "bao", Name: "Bảo", Role: kehoach.RoleReporter, EntryScope: []string{"XA_A"}}, "0123456789")

			name, role, entry, view := "Lê Văn Bảo", kehoach.RoleApprover, []string{"H"}, []string{"LC"}
			got, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Name: &name, Role: &role, EntryScope: &entry, ViewScope: &view})
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != name || got.Role != role || !slices.Equal(got.EntryScope, entry) || !slices.Equal(got.ViewScope, view) {
				t.Errorf("UpdateUser = %+v", got)
			}
			if again, _ := db.db.FindUserByID(ctx, u.ID); again.Name != name || again.Role != role || !slices.Equal(again.EntryScope, entry) || !slices.Equal(again.ViewScope, view) {
				t.Errorf("after update, FindUserByID = %+v", again)
			}
			// An update that changes nothing writes no audit event.
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Name: &name}); err != nil {
				t.Fatal(err)
			}
			events := auditRows(t, db.db, "user")
			if len(events) != 3 || !strings.Contains(events[2], `update bao {"username":"bao","name":"Bảo","role":"reporter","entryScope":["XA_A"],"viewScope":[],"disabled":false} → {"username":"bao","name":"Lê Văn Bảo","role":"approver","entryScope":["H"],"viewScope":["LC"],"disabled":false}`) {
				t.Errorf("audit = %q", events)
			}

			// Disabling ends the user's sessions.
			tok, _, err := db.db.CreateSession(ctx, u.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			yes, no := true, false
			if got, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Disabled: &yes}); err != nil || !got.Disabled {
				t.Fatalf("disable: %+v, %v", got, err)
			}
			_, _, err = db.db.FindSession(ctx, tok)
			wantCode(t, err, kehoach.EUNAUTHORIZED)
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Disabled: &no}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.db.FindSession(ctx, tok); kehoach.ErrorCode(err) != kehoach.EUNAUTHORIZED {
				t.Errorf("session of a disabled then enabled user: %v, want it still ended", err)
			}

			// Invalid changes.
			bad, none, unknown := "boss", []string{}, []string{"NOPE"}
			_, err = db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Role: &bad})
			wantCode(t, err, kehoach.EINVALID)
			_, err = db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{EntryScope: &none})
			if kehoach.ErrorFields(err)["entryScope"] == "" {
				t.Errorf("approver without scope: %v", err)
			}
			_, err = db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{ViewScope: &unknown})
			if kehoach.ErrorFields(err)["viewScope"] == "" {
				t.Errorf("unknown view unit: %v", err)
			}
			_, err = db.db.UpdateUser(adminCtx, 9999, kehoach.UserUpdate{Name: &name})
			wantCode(t, err, kehoach.ENOTFOUND)

			// The last enabled administrator can be neither disabled nor
			// demoted; once there is another, they can.
			viewer := kehoach.RoleViewer
			_, err = db.db.UpdateUser(adminCtx, admin.ID, kehoach.UserUpdate{Disabled: &yes})
			wantCode(t, err, kehoach.EINVALID)
			_, err = db.db.UpdateUser(adminCtx, admin.ID, kehoach.UserUpdate{Role: &viewer})
			wantCode(t, err, kehoach.EINVALID)
			adminRole := kehoach.RoleAdmin
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Role: &adminRole}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.db.UpdateUser(adminCtx, admin.ID, kehoach.UserUpdate{Role: &viewer}); err != nil {
				t.Errorf("demote an admin with another left: %v", err)
			}
		})
	}
}

// weakHash returns an argon2id PHC hash with parameters below today's.
func weakHash(password string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(password), salt, 1, 8*1024, 1, 32)
	b64 := base64.RawStdEncoding
	return "$argon2id$v=19$m=8192,t=1,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
}

func TestAuthenticate(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			now := testClock
			db.db.Now = func() time.Time { return now }
			u := mustCreateUser(t, db.db, &kehoach.User{Username: "lan", Role: kehoach.RoleViewer}, "mật khẩu của Lan")

			got, err := db.db.Authenticate(ctx, " LAN ", "mật khẩu của Lan", "10.1.1.1")
			if err != nil || got.ID != u.ID {
				t.Fatalf("Authenticate = %+v, %v", got, err)
			}
			for _, tc := range []struct{ name, user, password string }{
				{"wrong password", "lan", "mật khẩu của lan"},
				{"unknown user", "khongco", "mật khẩu của Lan"},
				{"empty", "", ""},
				{"huge password", "lan", strings.Repeat("x", 100000)},
			} {
				_, err := db.db.Authenticate(ctx, tc.user, tc.password, "10.1.1.1")
				if kehoach.ErrorCode(err) != kehoach.EUNAUTHORIZED || kehoach.ErrorMessage(err) != kehoach.LoginFailedMessage {
					t.Errorf("%s: %v; want EUNAUTHORIZED %q", tc.name, err, kehoach.LoginFailedMessage)
				}
			}
			now = now.Add(time.Minute)
			yes := true
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			_, err = db.db.Authenticate(ctx, "lan", "mật khẩu của Lan", "10.2.2.2")
			wantCode(t, err, kehoach.EUNAUTHORIZED)
			if kehoach.ErrorMessage(err) == kehoach.LoginFailedMessage || !strings.Contains(kehoach.ErrorMessage(err), "khóa") {
				t.Errorf("disabled: message %q", kehoach.ErrorMessage(err))
			}

			// Every attempt is recorded; failures are counted per
			// username and per address since a time.
			if n := countRows(t, db.db, "login_attempts"); n != 6 {
				t.Errorf("login_attempts = %d, want 6", n)
			}
			for _, tc := range []struct {
				user, addr     string
				since          time.Time
				byUser, byAddr int
			}{
				{"lan", "10.1.1.1", testClock, 3, 2}, // lan twice; khongco and "" are no account: a tenth each
				{"LAN", "10.2.2.2", testClock.Add(time.Second), 1, 1},
				{"khongco", "", testClock, 1, 0},
				{"", "10.9.9.9", testClock, 0, 0},
				{"lan", "10.1.1.1", testClock.Add(time.Hour), 0, 0},
			} {
				byUser, byAddr, err := db.db.CountFailedLogins(ctx, tc.user, tc.addr, tc.since)
				if err != nil || byUser != tc.byUser || byAddr != tc.byAddr {
					t.Errorf("CountFailedLogins(%q, %q, %v) = %d, %d, %v; want %d, %d", tc.user, tc.addr, tc.since, byUser, byAddr, err, tc.byUser, tc.byAddr)
				}
			}
			var ok int
			if err := db.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM login_attempts WHERE ok = $1 AND username = 'lan' AND address = '10.1.1.1'`, true).Scan(&ok); err != nil || ok != 1 {
				t.Errorf("successful attempts recorded = %d, %v; want 1", ok, err)
			}

			// A hash made with weaker parameters still lets the user in, and
			// is replaced by one with today's.
			v := mustCreateUser(t, db.db, &kehoach.User{Username: "cuxua", Role: kehoach.RoleViewer}, "0123456789")
			if _, err := db.db.Writer().ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, weakHash("mật khẩu cũ"), v.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.db.Authenticate(ctx, "cuxua", "mật khẩu cũ", ""); err != nil {
				t.Fatalf("weak hash: %v", err)
			}
			var hash string
			db.db.Reader().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, v.ID).Scan(&hash)
			if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Errorf("hash after login = %q, want today's parameters", hash)
			}
			if _, err := db.db.Authenticate(ctx, "cuxua", "mật khẩu cũ", ""); err != nil {
				t.Errorf("after rehash: %v", err)
			}
		})
	}
}

// TestCountFailedLoginsSpray: from one address, failures on real accounts
// count one each, made-up names one per ten distinct names, so that a spray
// of random names weighs little on everyone behind the address.
func TestCountFailedLoginsSpray(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			db.db.Now = func() time.Time { return testClock }
			mustCreateUser(t, db.db, &kehoach.User{Username: "lan", Role: kehoach.RoleViewer}, "0123456789")
			add := func(username, address string, n int) {
				for range n {
					if _, err := db.db.Writer().ExecContext(ctx, `INSERT INTO login_attempts (username, address, at, ok) VALUES ($1, $2, $3, $4)`,
						username, address, testClock, false); err != nil {
						t.Fatal(err)
					}
				}
			}
			for i := range 200 {
				add(fmt.Sprintf("ngaunhien%03d", i), "10.0.0.1", 1)
			}
			add("ngaunhien000", "10.0.0.1", 5) // the same name again is still one name
			add("lan", "10.0.0.1", 4)
			add("lan", "10.0.0.2", 2)
			for _, tc := range []struct {
				user, addr     string
				byUser, byAddr int
			}{
				{"lan", "10.0.0.1", 6, 4 + 200/10},
				{"lan", "10.0.0.2", 6, 2},
				{"ngaunhien000", "10.0.0.3", 6, 0},
			} {
				byUser, byAddr, err := db.db.CountFailedLogins(ctx, tc.user, tc.addr, testClock)
				if err != nil || byUser != tc.byUser || byAddr != tc.byAddr {
					t.Errorf("CountFailedLogins(%q, %q) = %d, %d, %v; want %d, %d", tc.user, tc.addr, byUser, byAddr, err, tc.byUser, tc.byAddr)
				}
			}
		})
	}
}

// TestDummyHash: the hash checked for unknown usernames is made with the
// parameters of real ones, so that a failed login takes as long either way.
func TestDummyHash(t *testing.T) {
	if auth.NeedsRehash(dummyHash) {
		t.Fatal("dummyHash is weaker than auth.HashPassword's hashes: make a new one")
	}
	if ok, err := auth.VerifyPassword(dummyHash, "0123456789"); ok || err != nil {
		t.Fatalf("VerifyPassword(dummyHash) = %v, %v", ok, err)
	}
}
