package kehoach

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kehoach/internal/vntext"
)

// Roles. A user has exactly one; what each may do is the table in
// internal/auth (auth.Can).
const (
	RoleAdmin    = "admin"    // quản trị: units, users, backups; may do everything
	RolePlanner  = "planner"  // cán bộ kế hoạch: plans, targets, forms, reports
	RoleReporter = "reporter" // người báo cáo: enters and submits a unit's figures
	RoleApprover = "approver" // người phê duyệt: approves or returns submitted figures
	RoleViewer   = "viewer"   // người xem: reads dashboards and reports
)

// Roles lists the roles, from the most to the least powerful.
var Roles = []string{RoleAdmin, RolePlanner, RoleReporter, RoleApprover, RoleViewer}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool {
	for _, r := range Roles {
		if r == role {
			return true
		}
	}
	return false
}

// RoleNeedsScope reports whether users of role must have an entry scope.
// Reporters and approvers act for particular units, so an empty scope would
// give them nothing; for admin, planner and viewer an empty scope means the
// whole unit tree.
func RoleNeedsScope(role string) bool {
	return role == RoleReporter || role == RoleApprover
}

// LoginFailedMessage is the one answer to a failed login, whatever failed:
// it must not tell an unknown username from a wrong password.
const LoginFailedMessage = "Sai tên đăng nhập hoặc mật khẩu."

// Limits on account fields.
const (
	UsernameMinLen    = 3
	UsernameMaxLen    = 50
	PasswordMinLen    = 10   // characters, after NFC
	PasswordMaxLen    = 1024 // bounds the hashing work an attacker can ask for
	UserNameMaxLen    = 200
	TokenNameMaxLen   = 100
	TokenPrefixLen    = 8 // characters of a token kept in clear for lists
	APITokenPrefix    = "khk_"
	SessionTokenBytes = 32
)

// User is a person (or a machine client's owner) who signs in. Usernames are
// lower-case [a-z0-9._-], 3–50 characters, and never change.
//
// EntryScope holds the codes of the units whose figures the user may enter,
// submit or approve, each with its whole subtree; ViewScope the codes of
// further units (with subtrees) the user may read. Entry implies view. When
// both are empty, admin, planner and viewer reach the whole tree, and
// reporter and approver nothing (see RoleNeedsScope and auth.Allowed).
type User struct {
	ID         int64     `json:"id"`
	Username   string    `json:"username"`
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	EntryScope []string  `json:"entryScope"`
	ViewScope  []string  `json:"viewScope"`
	Disabled   bool      `json:"disabled,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
}

// UserFilter selects users. Zero fields do not filter.
type UserFilter struct {
	Query string // diacritic-insensitive match on username or name
	Role  string
	Limit int
}

// UserUpdate holds the fields UpdateUser changes; nil fields stay as they are.
type UserUpdate struct {
	Name       *string
	Role       *string
	EntryScope *[]string
	ViewScope  *[]string
	Disabled   *bool
}

// Session is a signed-in browser. The browser holds a random token; the
// database holds only its SHA-256. A session ends when revoked, when
// ExpiresAt passes (absolute lifetime) or when it is idle too long after
// LastSeen.
type Session struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"userId"`
	CreatedAt time.Time `json:"createdAt"`
	LastSeen  time.Time `json:"lastSeen"`
	ExpiresAt time.Time `json:"expiresAt"`
	Address   string    `json:"address"`
	UserAgent string    `json:"userAgent"`
}

// Token is a personal API token of a machine client ("khk_…"). Only its
// SHA-256 and its first TokenPrefixLen characters (Prefix, to tell tokens
// apart in lists) are stored. LastUsed is zero until first use; ExpiresAt
// is zero for a token that does not expire. Scope says what the token may
// be used for (TokenScopeAPI, TokenScopeRead): never the pages, which are
// for people signed in with a password. Username is filled in listings.
type Token struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"userId"`
	Username  string    `json:"username,omitempty"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"`
	Scope     string    `json:"scope"`
	CreatedAt time.Time `json:"createdAt"`
	LastUsed  time.Time `json:"lastUsed,omitzero"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
	Revoked   bool      `json:"revoked,omitempty"`
}

// Token scopes: what a token may be used for.
const (
	// TokenScopeAPI: the JSON API under /api/, every method the owner's
	// role allows. The default.
	TokenScopeAPI = "api"
	// TokenScopeRead: GET (and HEAD) requests of the JSON API only.
	TokenScopeRead = "read"
)

// ValidTokenScope reports whether scope is TokenScopeAPI or TokenScopeRead.
func ValidTokenScope(scope string) bool {
	return scope == TokenScopeAPI || scope == TokenScopeRead
}

// Expired reports whether t has an end and it has passed at now.
func (t *Token) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// TokenOptions are the choices made when a token is created. The zero
// value is a token of TokenScopeAPI that does not expire.
type TokenOptions struct {
	Name      string    // shown in lists; a default name when empty
	Scope     string    // TokenScopeAPI when empty
	ExpiresAt time.Time // zero: no expiry
}

// TokenFilter selects tokens. Zero fields do not filter.
type TokenFilter struct {
	UserID int64 // 0: every user's (admin only)
}

// UserService manages accounts, sign-in sessions and API tokens.
//
// The service does not check the caller's role: the web layer does, with
// auth.Can, before calling. "Admin only" below says who the web lets call a
// method. Every change to a user or a token appends an audit event naming the
// Actor found in ctx (see NewContextWithActor); passwords, password hashes
// and tokens never go into the audit log.
type UserService interface {
	// CreateUser creates u with password; admin only. Username is trimmed
	// and lower-cased; Name is NFC-normalised. Fills u.ID and u.CreatedAt.
	// Returns EINVALID with Fields ("username", "name", "role", "entryScope",
	// "viewScope", "password") for a username not 3–50 of [a-z0-9._-], an
	// unknown role, a scope code that is not a unit, a reporter or approver
	// without entry scope, or a password shorter than PasswordMinLen;
	// ECONFLICT if the username is taken.
	CreateUser(ctx context.Context, u *User, password string) error

	// FindUserByID returns a user with scopes; ENOTFOUND if there is none.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByUsername returns a user with scopes (username compared
	// lower-cased); ENOTFOUND if there is none.
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	// FindUsers returns the users matching f, by username; admin only.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, error)

	// UpdateUser changes a user's name, role, scopes or disabled flag;
	// admin only. Disabling a user ends their sessions and revokes their
	// API tokens (see FindUserByToken). Returns ENOTFOUND,
	// EINVALID with Fields as CreateUser, or EINVALID when the change
	// would leave no enabled administrator.
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)

	// SetPassword replaces a user's password, revokes all the user's
	// sessions except keepSessionID (0 keeps none) and all the user's API
	// tokens; the user themself or an admin. Returns ENOTFOUND, or EINVALID with Fields["password"].
	SetPassword(ctx context.Context, userID int64, newPassword string, keepSessionID int64) error

	// Authenticate checks a username and password typed at the login page
	// and records the attempt with address and time. Returns EUNAUTHORIZED
	// with LoginFailedMessage for an unknown user or a wrong password (in
	// the same time), and EUNAUTHORIZED with its own message for a disabled
	// user whose password was right.
	Authenticate(ctx context.Context, username, password, address string) (*User, error)
	// CountFailedLogins counts the failed attempts since a time for the
	// username and, separately, from the address, for slowing guesses
	// down (auth.Throttle). From the address, failures on existing
	// accounts count one each and names that are no account one per ten
	// distinct names: many people share an address (an office's NAT, the
	// documented proxy), and a spray of made-up names must not weigh on
	// them all as guessing at real accounts does.
	CountFailedLogins(ctx context.Context, username, address string, since time.Time) (byUser, byAddress int, err error)

	// CreateSession starts a session for a user after Authenticate and
	// returns the token for the cookie (32 random bytes, base64url); the
	// database keeps only its SHA-256. Returns ENOTFOUND for an unknown
	// user, EUNAUTHORIZED for a disabled one.
	CreateSession(ctx context.Context, userID int64, address, userAgent string) (string, *Session, error)
	// FindSession returns the live session of a cookie token and its user,
	// and notes the time as LastSeen (at most once a minute). Returns
	// EUNAUTHORIZED for an unknown, revoked, expired or idle session or a
	// disabled user.
	FindSession(ctx context.Context, token string) (*Session, *User, error)
	// RevokeSession ends the session of a token (logout); an unknown
	// token is not an error.
	RevokeSession(ctx context.Context, token string) error

	// CreateToken makes a personal API token for a user with opt and
	// returns it in clear, the only time it is ever shown ("khk_" + 43
	// characters); the user themself or an admin. Returns ENOTFOUND for an
	// unknown user, EINVALID with Fields ("name", "scope", "expiresAt") for a
	// name longer than TokenNameMaxLen, an unknown scope or an expiry that
	// is not in the future, and EINVALID for a disabled user.
	CreateToken(ctx context.Context, userID int64, opt TokenOptions) (string, *Token, error)
	// FindTokens returns the tokens matching f with their owners'
	// usernames, revoked and expired ones included, newest first.
	// f.UserID 0 lists every user's tokens: admin only.
	FindTokens(ctx context.Context, f TokenFilter) ([]*Token, error)
	// RevokeToken revokes token id of user userID; userID 0 revokes it
	// whoever owns it (admin only). Revoking twice is not an error.
	// Returns ENOTFOUND if there is no such token (of that user).
	RevokeToken(ctx context.Context, userID, id int64) error
	// FindUserByToken returns the user of an API token (Authorization:
	// Bearer) and the token, whose Scope the caller must enforce, and
	// notes the time as LastUsed (at most once a minute). Returns
	// EUNAUTHORIZED for an unknown, revoked or expired token or a disabled
	// user.
	//
	// A token ends with its owner's password: SetPassword revokes all the
	// user's tokens, since a password changed because it leaked must not
	// leave a token made with it working. Disabling a user (UpdateUser)
	// revokes them too, so that enabling the user again does not bring
	// them back. Both are audited.
	FindUserByToken(ctx context.Context, token string) (*User, *Token, error)
}

// Actor is who makes a change and from where, as the audit log records it,
// and the units they may act on, computed once when the request or the
// command starts (auth.ScopesOf for a user). The store checks Entry on
// every write of figures, so a handler or a command that forgets a check
// still cannot write outside it.
type Actor struct {
	Username string // "" is the system itself
	Address  string // client address; "" when not over the network
	// Entry is the units whose figures the actor may write; View, those
	// it may read. The zero Scope covers nothing.
	Entry, View Scope
	// Plan is the units whose plans the actor may change (planning): the
	// issuer and every target's scope must lie in it. The zero Scope
	// changes no plan.
	Plan Scope
}

// SystemActor is a command or a loader run by whoever runs the server
// (the demo, kehoach gen, an import on the command line): it reaches every
// unit, and the audit log names it name.
func SystemActor(name string) Actor {
	return Actor{Username: name, Entry: AllUnits, View: AllUnits, Plan: AllUnits}
}

type actorKey struct{}

// NewContextWithActor returns a copy of ctx that carries a.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the Actor in ctx, or the zero Actor.
func ActorFromContext(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// TokenMaxDays bounds how far ahead a token's expiry may be set, in days:
// a machine client that runs for years should still be looked at again.
const TokenMaxDays = 3660

// ParseTokenExpiry reads the expiry of a new token as a person writes it:
// "" for none, "90d" for that many whole days from now, or a last day
// "YYYY-MM-DD" (the token works through that day, Vietnam's time, and ends
// at the midnight after it). The result is the instant the token ends.
// Returns EINVALID with Fields["expiresAt"] for anything else, a day that
// is not after today, or more than TokenMaxDays ahead.
func ParseTokenExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	invalid := func(why string) error {
		return &Error{Code: EINVALID, Message: why, Fields: map[string]string{"expiresAt": why}}
	}
	var end time.Time
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 || days > TokenMaxDays {
			return time.Time{}, invalid(fmt.Sprintf("Thời hạn %q không hợp lệ: cần số ngày từ 1 đến %d, ví dụ \"90d\".", s, TokenMaxDays))
		}
		return now.Add(time.Duration(days) * 24 * time.Hour), nil
	}
	day, err := time.ParseInLocation("2006-01-02", s, VietnamZone)
	if err != nil {
		return time.Time{}, invalid(fmt.Sprintf("Ngày hết hạn %q không hợp lệ: cần dạng NNNN-TT-NN (ví dụ 2026-12-31) hoặc số ngày như \"90d\".", s))
	}
	end = day.AddDate(0, 0, 1)
	if !end.After(now.Add(24 * time.Hour)) {
		return time.Time{}, invalid("Ngày hết hạn của mã truy cập phải sau hôm nay.")
	}
	if end.After(now.AddDate(0, 0, TokenMaxDays+1)) {
		return time.Time{}, invalid(fmt.Sprintf("Ngày hết hạn quá xa: tối đa %d ngày kể từ hôm nay.", TokenMaxDays))
	}
	return end, nil
}

// Normalize puts u's fields in the form they are stored and compared in:
// the username trimmed and lower-cased, the name NFC-normalised and
// trimmed, the role trimmed, each scope trimmed, without empty or repeated
// codes, and sorted.
func (u *User) Normalize() {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.Name = vntext.NFC(u.Name)
	u.Role = strings.TrimSpace(u.Role)
	u.EntryScope, u.ViewScope = normScope(u.EntryScope), normScope(u.ViewScope)
}

// normScope trims, drops empties and duplicates, and sorts unit codes.
func normScope(codes []string) []string {
	out := []string{}
	for _, c := range codes {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// usernameRE is the alphabet of usernames.
var usernameRE = regexp.MustCompile(`^[a-z0-9._-]+$`)

// Validate returns why a normalised u (see Normalize) is not acceptable,
// by field ("username", "name", "role", "entryScope"), or an empty map.
// It checks what needs no database: the username's form, the name's
// length, that the role is known, and that a reporter or approver has an
// entry scope; that the scope's codes are units and that the username is
// free are the store's to check.
func (u *User) Validate() map[string]string {
	fields := map[string]string{}
	if n := len(u.Username); n < UsernameMinLen || n > UsernameMaxLen || !usernameRE.MatchString(u.Username) {
		fields["username"] = fmt.Sprintf("Tên đăng nhập cần %d–%d ký tự, chỉ gồm chữ thường không dấu (a–z), chữ số và các dấu . _ -",
			UsernameMinLen, UsernameMaxLen)
	}
	if utf8.RuneCountInString(u.Name) > UserNameMaxLen {
		fields["name"] = fmt.Sprintf("Họ tên dài quá %d ký tự.", UserNameMaxLen)
	}
	if !ValidRole(u.Role) {
		fields["role"] = fmt.Sprintf("Vai trò %q không có; chọn một trong: %s.", u.Role, strings.Join(Roles, ", "))
	} else if RoleNeedsScope(u.Role) && len(u.EntryScope) == 0 {
		fields["entryScope"] = "Vai trò này cần ít nhất một đơn vị được nhập số liệu (phạm vi nhập)."
	}
	return fields
}

// ValidatePassword returns why password cannot be a password, or "": it
// must have PasswordMinLen to PasswordMaxLen characters after NFC (so that
// a password counts the same typed on any keyboard), spaces around it not
// counted (they add no strength).
func ValidatePassword(password string) string {
	n := utf8.RuneCountInString(vntext.NFC(password))
	switch {
	case n < PasswordMinLen:
		return fmt.Sprintf("Mật khẩu cần ít nhất %d ký tự.", PasswordMinLen)
	case n > PasswordMaxLen:
		return fmt.Sprintf("Mật khẩu dài quá %d ký tự.", PasswordMaxLen)
	}
	return ""
}
