package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/vntext"
)

// SessionPolicy sets how long sessions live.
type SessionPolicy struct {
	// Idle ends a session not seen for this long (default 2 h).
	Idle time.Duration
	// Lifetime ends a session this long after sign-in, however busy
	// (default 12 h): a working day, then sign in again.
	Lifetime time.Duration
	// Touch is how stale LastSeen (and a token's LastUsed) may get before
	// a request writes it again (default 1 min), so that reading pages does
	// not mean writing the database on every request.
	Touch time.Duration
}

// Default session lifetimes.
const (
	DefaultSessionIdle     = 2 * time.Hour
	DefaultSessionLifetime = 12 * time.Hour
	DefaultSessionTouch    = time.Minute
)

// withDefaults fills p's zero fields with the defaults.
func (p SessionPolicy) withDefaults() SessionPolicy {
	if p.Idle <= 0 {
		p.Idle = DefaultSessionIdle
	}
	if p.Lifetime <= 0 {
		p.Lifetime = DefaultSessionLifetime
	}
	if p.Touch <= 0 {
		p.Touch = DefaultSessionTouch
	}
	return p
}

// sessionPolicy returns the policy in force.
func (db *DB) sessionPolicy() SessionPolicy {
	return db.Sessions.withDefaults()
}

// sessionEnded is the answer for any session that cannot be used.
func sessionEnded() error {
	return kehoach.Errorf(kehoach.EUNAUTHORIZED, "Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại.")
}

// activeUser returns the user of id for signing in; ENOTFOUND if there is
// none, EUNAUTHORIZED if disabled.
func activeUser(ctx context.Context, q queryer, id int64) (*kehoach.User, error) {
	u, err := findUser(ctx, q, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, kehoach.Errorf(kehoach.EUNAUTHORIZED, "Tài khoản %s đã bị khóa.", u.Username)
	}
	return u, nil
}

// CreateSession starts a session for a user. See kehoach.UserService.
func (db *DB) CreateSession(ctx context.Context, userID int64, address, userAgent string) (string, *kehoach.Session, error) {
	u, err := activeUser(ctx, db.read, userID)
	if err != nil {
		return "", nil, err
	}
	token := auth.NewToken()
	now := db.authNow()
	s := &kehoach.Session{UserID: userID, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(db.sessionPolicy().Lifetime),
		Address: truncate(address, 100), UserAgent: truncate(userAgent, 500)}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return "", nil, err
	}
	defer tx.Rollback()
	// The user's ended sessions are of no more use.
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2`, userID, now); err != nil {
		return "", nil, fmt.Errorf("store: create session: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at, address, user_agent, revoked)
		VALUES ($1, $2, $3, $3, $4, $5, $6, $7) RETURNING id`,
		auth.HashToken(token), userID, now, s.ExpiresAt, s.Address, s.UserAgent, false).Scan(&s.ID); err != nil {
		return "", nil, fmt.Errorf("store: create session: %w", err)
	}
	// The sign-in, by the user from the client's address; the token never.
	actx := kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: u.Username, Address: s.Address})
	if err := audit(actx, tx, now, kehoach.AuditLogin, kehoach.AuditSession, u.Username, "",
		auditJSON(map[string]any{"session": s.ID, "userAgent": s.UserAgent})); err != nil {
		return "", nil, err
	}
	if err := tx.Commit(); err != nil {
		return "", nil, fmt.Errorf("store: create session: %w", err)
	}
	return token, s, nil
}

// FindSession returns the live session of a token and its user. See
// kehoach.UserService.
func (db *DB) FindSession(ctx context.Context, token string) (*kehoach.Session, *kehoach.User, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, sessionEnded()
	}
	var s kehoach.Session
	var revoked bool
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, created_at, last_seen, expires_at, address, user_agent, revoked
		FROM sessions WHERE token_hash = $1`, auth.HashToken(token)).
		Scan(&s.ID, &s.UserID, &s.CreatedAt, &s.LastSeen, &s.ExpiresAt, &s.Address, &s.UserAgent, &revoked)
	if err == sql.ErrNoRows {
		return nil, nil, sessionEnded()
	} else if err != nil {
		return nil, nil, fmt.Errorf("store: find session: %w", err)
	}
	s.CreatedAt, s.LastSeen, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeen.UTC(), s.ExpiresAt.UTC()
	now, p := db.authNow(), db.sessionPolicy()
	if revoked || !now.Before(s.ExpiresAt) || now.Sub(s.LastSeen) >= p.Idle {
		return nil, nil, sessionEnded()
	}
	u, err := activeUser(ctx, db.read, s.UserID)
	if kehoach.ErrorCode(err) == kehoach.EUNAUTHORIZED || kehoach.ErrorCode(err) == kehoach.ENOTFOUND {
		return nil, nil, sessionEnded()
	} else if err != nil {
		return nil, nil, err
	}
	if now.Sub(s.LastSeen) >= p.Touch {
		if _, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE id = $2 AND last_seen < $1`, now, s.ID); err != nil {
			return nil, nil, fmt.Errorf("store: touch session: %w", err)
		}
		s.LastSeen = now
	}
	return &s, u, nil
}

// RevokeSession ends the session of a token. See kehoach.UserService.
// The sign-out is audited, by the session's user from the address of the
// Actor in ctx, when a live session ends.
func (db *DB) RevokeSession(ctx context.Context, token string) error {
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id int64
	var username string
	err = tx.QueryRowContext(ctx, `UPDATE sessions SET revoked = $1 WHERE token_hash = $2 AND revoked = $3
		RETURNING id, (SELECT username FROM users WHERE users.id = sessions.user_id)`, true, auth.HashToken(token), false).Scan(&id, &username)
	if err == sql.ErrNoRows {
		return nil // unknown or already ended: nothing to do
	} else if err != nil {
		return fmt.Errorf("store: revoke session: %w", err)
	}
	actx := kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: username, Address: kehoach.ActorFromContext(ctx).Address})
	if err := audit(actx, tx, db.authNow(), kehoach.AuditLogout, kehoach.AuditSession, username,
		auditJSON(map[string]any{"session": id}), ""); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: revoke session: %w", err)
	}
	return nil
}

// tokenRefused is the answer for any token that cannot be used: it does not
// tell an unknown token from a revoked or expired one.
func tokenRefused() error {
	return kehoach.Errorf(kehoach.EUNAUTHORIZED, "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
}

// CreateToken makes a personal API token. See kehoach.UserService.
func (db *DB) CreateToken(ctx context.Context, userID int64, opt kehoach.TokenOptions) (string, *kehoach.Token, error) {
	name := vntext.NFC(opt.Name)
	if name == "" {
		name = "Mã truy cập API"
	}
	scope := opt.Scope
	if scope == "" {
		scope = kehoach.TokenScopeAPI
	}
	now := db.authNow()
	fields := map[string]string{}
	if utf8.RuneCountInString(name) > kehoach.TokenNameMaxLen {
		fields["name"] = fmt.Sprintf("Tên mã truy cập dài quá %d ký tự.", kehoach.TokenNameMaxLen)
	}
	if !kehoach.ValidTokenScope(scope) {
		fields["scope"] = fmt.Sprintf("Phạm vi dùng %q không có: chỉ %q (API) hoặc %q (chỉ đọc API).", scope, kehoach.TokenScopeAPI, kehoach.TokenScopeRead)
	}
	if !opt.ExpiresAt.IsZero() && !opt.ExpiresAt.After(now) {
		fields["expiresAt"] = "Ngày hết hạn của mã truy cập phải ở tương lai."
	}
	if len(fields) > 0 {
		return "", nil, invalidToken(fields)
	}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return "", nil, err
	}
	defer tx.Rollback()
	u, err := activeUser(ctx, tx, userID)
	if kehoach.ErrorCode(err) == kehoach.EUNAUTHORIZED {
		return "", nil, kehoach.Errorf(kehoach.EINVALID, "Tài khoản đã bị khóa: không tạo được mã truy cập.")
	} else if err != nil {
		return "", nil, err
	}
	token := auth.NewAPIToken()
	t := &kehoach.Token{UserID: userID, Username: u.Username, Name: name, Prefix: auth.TokenPrefix(token), Scope: scope, CreatedAt: now}
	var expires any // NULL: no expiry
	if !opt.ExpiresAt.IsZero() {
		t.ExpiresAt = opt.ExpiresAt.UTC().Truncate(time.Microsecond)
		expires = t.ExpiresAt
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (token_hash, prefix, name, user_id, created_at, revoked, scope, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		auth.HashToken(token), t.Prefix, t.Name, userID, t.CreatedAt, false, t.Scope, expires).Scan(&t.ID); err != nil {
		return "", nil, fmt.Errorf("store: create token: %w", err)
	}
	after := map[string]any{"username": u.Username, "name": t.Name, "scope": t.Scope}
	if !t.ExpiresAt.IsZero() {
		after["expiresAt"] = t.ExpiresAt
	}
	if err := audit(ctx, tx, t.CreatedAt, "create", "api_token", strconv.FormatInt(t.ID, 10), "", auditJSON(after)); err != nil {
		return "", nil, err
	}
	if err := tx.Commit(); err != nil {
		return "", nil, fmt.Errorf("store: create token: %w", err)
	}
	return token, t, nil
}

// invalidToken is EINVALID naming each field and its reason.
func invalidToken(fields map[string]string) error {
	msgs := make([]string, 0, len(fields))
	for _, k := range []string{"name", "scope", "expiresAt"} {
		if m, ok := fields[k]; ok {
			msgs = append(msgs, m)
		}
	}
	return &kehoach.Error{Code: kehoach.EINVALID, Message: strings.Join(msgs, " "), Fields: fields}
}

// FindTokens returns tokens, newest first. See kehoach.UserService.
func (db *DB) FindTokens(ctx context.Context, f kehoach.TokenFilter) ([]*kehoach.Token, error) {
	q := `SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.scope, t.created_at, t.last_used, t.expires_at, t.revoked
		FROM api_tokens t JOIN users u ON u.id = t.user_id`
	var args []any
	if f.UserID != 0 {
		q += ` WHERE t.user_id = $1`
		args = append(args, f.UserID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY t.created_at DESC, t.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find tokens: %w", err)
	}
	defer rows.Close()
	out := []*kehoach.Token{}
	for rows.Next() {
		var t kehoach.Token
		var used, expires sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.Username, &t.Name, &t.Prefix, &t.Scope, &t.CreatedAt, &used, &expires, &t.Revoked); err != nil {
			return nil, fmt.Errorf("store: find tokens: %w", err)
		}
		t.CreatedAt = t.CreatedAt.UTC()
		if used.Valid {
			t.LastUsed = used.Time.UTC()
		}
		if expires.Valid {
			t.ExpiresAt = expires.Time.UTC()
		}
		out = append(out, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find tokens: %w", err)
	}
	return out, nil
}

// RevokeToken revokes a token of a user, or of anyone when userID is 0.
// See kehoach.UserService.
func (db *DB) RevokeToken(ctx context.Context, userID, id int64) error {
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var revoked bool
	var name, username string
	q, args := `SELECT t.revoked, t.name, u.username FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`, []any{id}
	if userID != 0 {
		q, args = q+` AND t.user_id = $2`, append(args, userID)
	}
	err = tx.QueryRowContext(ctx, q, args...).Scan(&revoked, &name, &username)
	if err == sql.ErrNoRows {
		if userID == 0 {
			return kehoach.Errorf(kehoach.ENOTFOUND, "Không có mã truy cập số %d.", id)
		}
		return kehoach.Errorf(kehoach.ENOTFOUND, "Không có mã truy cập số %d của tài khoản này.", id)
	} else if err != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	if revoked {
		return nil
	}
	now := db.authNow()
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = $1 WHERE id = $2`, true, id); err != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	if err := audit(ctx, tx, now, "revoke", "api_token", strconv.FormatInt(id, 10),
		auditJSON(map[string]any{"username": username, "name": name, "revoked": false}),
		auditJSON(map[string]any{"username": username, "name": name, "revoked": true})); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	return nil
}

// revokeUserTokens revokes, within tx, every live token of a user, and
// audits each with why ("password" or "disabled"): a token must not outlive
// the password it was made under, nor come back with a re-enabled account.
func revokeUserTokens(ctx context.Context, tx *sql.Tx, now time.Time, userID int64, username, why string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM api_tokens WHERE user_id = $1 AND revoked = $2 ORDER BY id`, userID, false)
	if err != nil {
		return fmt.Errorf("store: revoke tokens: %w", err)
	}
	type tok struct {
		id   int64
		name string
	}
	var live []tok
	for rows.Next() {
		var t tok
		if err := rows.Scan(&t.id, &t.name); err != nil {
			rows.Close()
			return fmt.Errorf("store: revoke tokens: %w", err)
		}
		live = append(live, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: revoke tokens: %w", err)
	}
	if len(live) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = $1 WHERE user_id = $2 AND revoked = $3`, true, userID, false); err != nil {
		return fmt.Errorf("store: revoke tokens: %w", err)
	}
	for _, t := range live {
		if err := audit(ctx, tx, now, "revoke", "api_token", strconv.FormatInt(t.id, 10),
			auditJSON(map[string]any{"username": username, "name": t.name, "revoked": false}),
			auditJSON(map[string]any{"username": username, "name": t.name, "revoked": true, "because": why})); err != nil {
			return err
		}
	}
	return nil
}

// FindUserByToken returns the user of an API token and the token. See
// kehoach.UserService.
func (db *DB) FindUserByToken(ctx context.Context, token string) (*kehoach.User, *kehoach.Token, error) {
	if !auth.IsAPIToken(token) {
		return nil, nil, tokenRefused()
	}
	var t kehoach.Token
	var used, expires sql.NullTime
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, name, prefix, scope, created_at, last_used, expires_at, revoked
		FROM api_tokens WHERE token_hash = $1`, auth.HashToken(token)).
		Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.Scope, &t.CreatedAt, &used, &expires, &t.Revoked)
	if err == sql.ErrNoRows {
		return nil, nil, tokenRefused()
	} else if err != nil {
		return nil, nil, fmt.Errorf("store: find token: %w", err)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if used.Valid {
		t.LastUsed = used.Time.UTC()
	}
	if expires.Valid {
		t.ExpiresAt = expires.Time.UTC()
	}
	now := db.authNow()
	if t.Revoked || t.Expired(now) {
		return nil, nil, tokenRefused()
	}
	u, err := activeUser(ctx, db.read, t.UserID)
	if kehoach.ErrorCode(err) == kehoach.EUNAUTHORIZED || kehoach.ErrorCode(err) == kehoach.ENOTFOUND {
		return nil, nil, tokenRefused()
	} else if err != nil {
		return nil, nil, err
	}
	t.Username = u.Username
	if !used.Valid || now.Sub(used.Time) >= db.sessionPolicy().Touch {
		if _, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used = $1 WHERE id = $2`, now, t.ID); err != nil {
			return nil, nil, fmt.Errorf("store: touch token: %w", err)
		}
		t.LastUsed = now
	}
	return u, &t, nil
}
