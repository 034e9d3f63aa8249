package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/vntext"
)

var _ kehoach.UserService = (*DB)(nil)

// authNow is the store's clock in the form the auth tables keep: UTC, to
// the microsecond (PostgreSQL's precision; SQLite compares the text).
func (db *DB) authNow() time.Time {
	return db.Now().UTC().Truncate(time.Microsecond)
}

// normUsername is how usernames are compared and stored (as
// kehoach.User.Normalize does).
func normUsername(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// checkPassword returns why password is unacceptable, or "": the domain's
// rule.
func checkPassword(password string) string {
	return kehoach.ValidatePassword(password)
}

// normUser normalises u's fields in place and returns the reasons, by
// field, why they are unacceptable (the domain's rules, User.Validate);
// scopes are checked against the units by resolveScopes.
func normUser(u *kehoach.User) map[string]string {
	u.Normalize()
	return u.Validate()
}

// resolveScopes returns the unit ids of codes, noting unknown codes in
// fields under field.
func resolveScopes(ctx context.Context, q queryer, codes []string, field string, fields map[string]string) ([]int64, error) {
	var ids []int64
	var missing []string
	for _, c := range codes {
		var id int64
		err := q.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, c).Scan(&id)
		if err == sql.ErrNoRows {
			missing = append(missing, strconv.Quote(c))
			continue
		} else if err != nil {
			return nil, fmt.Errorf("store: scope unit %q: %w", c, err)
		}
		ids = append(ids, id)
	}
	if len(missing) > 0 {
		fields[field] = "Không có đơn vị mã " + strings.Join(missing, ", ") + "."
	}
	return ids, nil
}

func invalidUser(fields map[string]string) error {
	return &kehoach.Error{Code: kehoach.EINVALID, Message: "Thông tin tài khoản chưa hợp lệ.", Fields: fields}
}

// auditUser is what the audit log records of a user: never the password
// or its hash.
type auditUser struct {
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	Role       string   `json:"role"`
	EntryScope []string `json:"entryScope"`
	ViewScope  []string `json:"viewScope"`
	Disabled   bool     `json:"disabled"`
}

func auditJSON(v any) string {
	b, _ := json.Marshal(v) // plain structs: cannot fail
	return string(b)
}

func userAudit(u *kehoach.User) string {
	return auditJSON(auditUser{u.Username, u.Name, u.Role, u.EntryScope, u.ViewScope, u.Disabled})
}

// CreateUser creates u with password. See kehoach.UserService.
func (db *DB) CreateUser(ctx context.Context, u *kehoach.User, password string) error {
	fields := normUser(u)
	if why := checkPassword(password); why != "" {
		fields["password"] = why
	}
	entryIDs, err := resolveScopes(ctx, db.read, u.EntryScope, "entryScope", fields)
	if err != nil {
		return err
	}
	viewIDs, err := resolveScopes(ctx, db.read, u.ViewScope, "viewScope", fields)
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		return invalidUser(fields)
	}
	// Hash before taking the write lock: it takes a tenth of a second.
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.authNow()
	err = tx.QueryRowContext(ctx, `INSERT INTO users (username, name, role, password_hash, disabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, u.Username, u.Name, u.Role, hash, u.Disabled, now).Scan(&u.ID)
	if isUniqueViolation(err) {
		msg := fmt.Sprintf("Tên đăng nhập %q đã có.", u.Username)
		return &kehoach.Error{Code: kehoach.ECONFLICT, Message: msg, Fields: map[string]string{"username": msg}}
	} else if err != nil {
		return fmt.Errorf("store: create user %s: %w", u.Username, err)
	}
	if err := insertScopes(ctx, tx, u.ID, entryIDs, viewIDs); err != nil {
		return err
	}
	u.CreatedAt = now
	if err := audit(ctx, tx, now, "create", "user", u.Username, "", userAudit(u)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: create user %s: %w", u.Username, err)
	}
	return nil
}

func insertScopes(ctx context.Context, tx *sql.Tx, userID int64, entryIDs, viewIDs []int64) error {
	for kind, ids := range map[string][]int64{"entry": entryIDs, "view": viewIDs} {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_scopes (user_id, unit_id, kind) VALUES ($1, $2, $3)`, userID, id, kind); err != nil {
				return fmt.Errorf("store: user scope: %w", err)
			}
		}
	}
	return nil
}

const userColumns = `id, username, name, role, disabled, created_at`

func scanUser(row interface{ Scan(...any) error }) (*kehoach.User, error) {
	u := &kehoach.User{EntryScope: []string{}, ViewScope: []string{}}
	if err := row.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.Disabled, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// findUser returns the one user matching where (with its argument) and
// its scopes.
func findUser(ctx context.Context, q queryer, where string, arg any) (*kehoach.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Không có tài khoản %v.", arg)
	} else if err != nil {
		return nil, fmt.Errorf("store: user %v: %w", arg, err)
	}
	if err := loadScopes(ctx, q, []*kehoach.User{u}); err != nil {
		return nil, err
	}
	return u, nil
}

// loadScopes fills the scopes of users.
func loadScopes(ctx context.Context, q queryer, users []*kehoach.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*kehoach.User, len(users))
	ids := make([]int64, len(users))
	for i, u := range users {
		byID[u.ID] = u
		ids[i] = u.ID
	}
	var p params
	query := `SELECT s.user_id, s.kind, u.code FROM user_scopes s JOIN units u ON u.id = s.unit_id`
	if len(users) <= 1000 {
		query += ` WHERE s.user_id IN (` + list(&p, ids) + `)`
	} // many users: read every scope rather than bind thousands of ids
	rows, err := q.QueryContext(ctx, query+` ORDER BY u.code`, p.args...)
	if err != nil {
		return fmt.Errorf("store: user scopes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind, code string
		if err := rows.Scan(&id, &kind, &code); err != nil {
			return fmt.Errorf("store: user scopes: %w", err)
		}
		u := byID[id]
		switch {
		case u == nil:
		case kind == "entry":
			u.EntryScope = append(u.EntryScope, code)
		default:
			u.ViewScope = append(u.ViewScope, code)
		}
	}
	return rows.Err()
}

// FindUserByID returns a user with scopes; ENOTFOUND if there is none.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*kehoach.User, error) {
	return findUser(ctx, db.read, `id = $1`, id)
}

// FindUserByUsername returns a user with scopes; ENOTFOUND if there is none.
func (db *DB) FindUserByUsername(ctx context.Context, username string) (*kehoach.User, error) {
	return findUser(ctx, db.read, `username = $1`, normUsername(username))
}

// FindUsers returns the users matching f, by username.
func (db *DB) FindUsers(ctx context.Context, f kehoach.UserFilter) ([]*kehoach.User, error) {
	var where []string
	var p params
	if f.Role != "" {
		where = append(where, "role = "+p.add(f.Role))
	}
	query := `SELECT ` + userColumns + ` FROM users`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY username"
	rows, err := db.read.QueryContext(ctx, query, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: find users: %w", err)
	}
	defer rows.Close()
	// Names are matched in Go: folding is Go's (vntext.Fold), and the
	// user list is small.
	fold := vntext.Fold(f.Query)
	var out []*kehoach.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find users: %w", err)
		}
		if fold != "" && !strings.Contains(u.Username, fold) && !strings.Contains(vntext.Fold(u.Name), fold) {
			continue
		}
		out = append(out, u)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find users: %w", err)
	}
	rows.Close()
	if err := loadScopes(ctx, db.read, out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateUser changes a user's name, role, scopes or disabled flag. See
// kehoach.UserService.
func (db *DB) UpdateUser(ctx context.Context, id int64, upd kehoach.UserUpdate) (*kehoach.User, error) {
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	old, err := findUser(ctx, tx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	u := *old
	if upd.Name != nil {
		u.Name = *upd.Name
	}
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.EntryScope != nil {
		u.EntryScope = *upd.EntryScope
	}
	if upd.ViewScope != nil {
		u.ViewScope = *upd.ViewScope
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	fields := normUser(&u)
	entryIDs, err := resolveScopes(ctx, tx, u.EntryScope, "entryScope", fields)
	if err != nil {
		return nil, err
	}
	viewIDs, err := resolveScopes(ctx, tx, u.ViewScope, "viewScope", fields)
	if err != nil {
		return nil, err
	}
	if len(fields) > 0 {
		return nil, invalidUser(fields)
	}
	if userAudit(&u) == userAudit(old) {
		return old, nil
	}
	if old.Role == kehoach.RoleAdmin && !old.Disabled && (u.Role != kehoach.RoleAdmin || u.Disabled) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = $1 AND disabled = $2 AND id <> $3`,
			kehoach.RoleAdmin, false, id).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: update user %d: %w", id, err)
		}
		if n == 0 {
			return nil, kehoach.Errorf(kehoach.EINVALID, "Không thể khóa hoặc đổi vai trò của quản trị viên cuối cùng đang hoạt động.")
		}
	}
	now := db.authNow()
	if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, role = $2, disabled = $3, updated_at = $4 WHERE id = $5`,
		u.Name, u.Role, u.Disabled, now, id); err != nil {
		return nil, fmt.Errorf("store: update user %d: %w", id, err)
	}
	if !slices.Equal(u.EntryScope, old.EntryScope) || !slices.Equal(u.ViewScope, old.ViewScope) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_scopes WHERE user_id = $1`, id); err != nil {
			return nil, fmt.Errorf("store: update user %d: %w", id, err)
		}
		if err := insertScopes(ctx, tx, id, entryIDs, viewIDs); err != nil {
			return nil, err
		}
	}
	if err := audit(ctx, tx, now, "update", "user", u.Username, userAudit(old), userAudit(&u)); err != nil {
		return nil, err
	}
	if u.Disabled && !old.Disabled {
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked = $1 WHERE user_id = $2`, true, id); err != nil {
			return nil, fmt.Errorf("store: update user %d: %w", id, err)
		}
		// Revoked, not merely refused while disabled: enabling the account
		// again must not bring its machine clients back unasked.
		if err := revokeUserTokens(ctx, tx, now, id, u.Username, "disabled"); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: update user %d: %w", id, err)
	}
	return &u, nil
}

// SetPassword replaces a user's password and revokes the user's other
// sessions and all their API tokens. See kehoach.UserService.
func (db *DB) SetPassword(ctx context.Context, userID int64, newPassword string, keepSessionID int64) error {
	if why := checkPassword(newPassword); why != "" {
		return &kehoach.Error{Code: kehoach.EINVALID, Message: why, Fields: map[string]string{"password": why}}
	}
	u, err := db.FindUserByID(ctx, userID)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(newPassword)
	if err != nil {
		return err
	}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.authNow()
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, now, userID); err != nil {
		return fmt.Errorf("store: set password %d: %w", userID, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked = $1 WHERE user_id = $2 AND id <> $3 AND revoked = $4`, true, userID, keepSessionID, false)
	if err != nil {
		return fmt.Errorf("store: set password %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	if err := audit(ctx, tx, now, "set_password", "user", u.Username, "",
		auditJSON(map[string]int64{"revokedSessions": n})); err != nil {
		return err
	}
	// A password is changed because it may have leaked; a token made by
	// whoever held it must end with it.
	if err := revokeUserTokens(ctx, tx, now, userID, u.Username, "password"); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: set password %d: %w", userID, err)
	}
	return nil
}

// dummyHash is verified against when the username is unknown, so that a
// login takes as long whether or not the account exists. It is a constant,
// made once with HashPassword's parameters (TestDummyHash keeps it so),
// rather than computed at first use: a first computation refused by a busy
// auth.Hashing gate would leave no hash, and unknown names would be
// answered at once.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$9hqtz0GyDii4K0lZTg5Zaw$GKtgA3+uFt7v8MiwhpCs1SrLWFeMFGtjHnHTbHttbZY"

// busy is the answer when the password could not be checked because too
// many are being checked at once (auth.ErrBusy).
func busy() error {
	return kehoach.Errorf(kehoach.EUNAVAILABLE, "Máy chủ đang bận: quá nhiều người đăng nhập cùng lúc. Vui lòng thử lại sau ít giây.")
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Authenticate checks a username and password and records the attempt. See
// kehoach.UserService.
func (db *DB) Authenticate(ctx context.Context, username, password, address string) (*kehoach.User, error) {
	username = truncate(normUsername(username), 100)
	address = truncate(address, 100)
	failed := kehoach.Errorf(kehoach.EUNAUTHORIZED, "%s", kehoach.LoginFailedMessage)
	var id int64
	var hash string
	var disabled bool
	err := db.read.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE username = $1`, username).Scan(&id, &hash, &disabled)
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("store: authenticate: %w", err)
	}
	ok := false
	switch {
	case len(password) > 4*kehoach.PasswordMaxLen:
		// Too long to be a password of ours: not worth hashing.
	case err == sql.ErrNoRows:
		// The same work, through the same gate, as for a known name.
		if _, err := auth.VerifyPasswordContext(ctx, dummyHash, password); err != nil {
			return nil, hashError(err)
		}
	default:
		if ok, err = auth.VerifyPasswordContext(ctx, hash, password); errors.Is(err, auth.ErrBusy) || ctx.Err() != nil {
			// Nothing was checked: not a failed attempt.
			return nil, hashError(err)
		} else if err != nil {
			db.recordLogin(ctx, username, address, false, "")
			return nil, fmt.Errorf("store: authenticate %s: %w", username, err)
		}
	}
	if !ok {
		if err := db.recordLogin(ctx, username, address, false, ""); err != nil {
			return nil, err
		}
		return nil, failed
	}
	if disabled {
		if err := db.recordLogin(ctx, username, address, false, "tài khoản đã bị khóa"); err != nil {
			return nil, err
		}
		return nil, kehoach.Errorf(kehoach.EUNAUTHORIZED, "Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị viên.")
	}
	if err := db.recordLogin(ctx, username, address, true, ""); err != nil {
		return nil, err
	}
	if auth.NeedsRehash(hash) {
		// The parameters were raised since this hash was made.
		if h, err := auth.HashPasswordContext(ctx, password); err == nil {
			if _, err := db.write.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`, h, id, hash); err != nil {
				return nil, fmt.Errorf("store: rehash %s: %w", username, err)
			}
		}
	}
	return db.FindUserByID(ctx, id)
}

// hashError is the answer when a password could not be checked: busy for
// a full gate, the context's error when the client went away.
func hashError(err error) error {
	if errors.Is(err, auth.ErrBusy) {
		return busy()
	}
	return fmt.Errorf("store: authenticate: %w", err)
}

// recordLogin notes a login attempt for rate limiting and, when it failed,
// appends a login_failed audit event (actor the username as typed, the
// client's address, why in new_value) in the same transaction. A success
// is audited by CreateSession, when the session begins: Authenticate also
// re-checks passwords (the password change), which is no sign-in.
func (db *DB) recordLogin(ctx context.Context, username, address string, ok bool, why string) error {
	now := db.authNow()
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (username, address, at, ok) VALUES ($1, $2, $3, $4)`,
		username, address, now, ok); err != nil {
		return fmt.Errorf("store: record login: %w", err)
	}
	if !ok {
		actx := kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: username, Address: address})
		if err := audit(actx, tx, now, kehoach.AuditLoginFailed, kehoach.AuditSession, username, "", why); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: record login: %w", err)
	}
	return nil
}

// CountFailedLogins counts failed attempts since a time for the username
// and from the address. See kehoach.UserService.
func (db *DB) CountFailedLogins(ctx context.Context, username, address string, since time.Time) (byUser, byAddress int, err error) {
	since = since.UTC().Truncate(time.Microsecond)
	if username = truncate(normUsername(username), 100); username != "" {
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND ok = $2 AND at >= $3`,
			username, false, since).Scan(&byUser); err != nil {
			return 0, 0, fmt.Errorf("store: count failed logins: %w", err)
		}
	}
	if address = truncate(address, 100); address != "" {
		// Failures on accounts count one each; names that are no account
		// count one per ten distinct names, so that a spray of made-up
		// names does not weigh on everyone behind the address as much as
		// guessing at real accounts.
		var known, unknown int
		if err := db.read.QueryRowContext(ctx, `SELECT
			COUNT(CASE WHEN u.id IS NOT NULL THEN 1 END),
			COUNT(DISTINCT CASE WHEN u.id IS NULL THEN a.username END)
			FROM login_attempts a LEFT JOIN users u ON u.username = a.username
			WHERE a.address = $1 AND a.ok = $2 AND a.at >= $3`, address, false, since).Scan(&known, &unknown); err != nil {
			return 0, 0, fmt.Errorf("store: count failed logins: %w", err)
		}
		byAddress = known + unknown/10
	}
	return byUser, byAddress, nil
}
