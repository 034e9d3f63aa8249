package kehoach

import (
	"context"
	"time"
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
// apart in lists) are stored. LastUsed is zero until first use.
type Token struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"userId"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"`
	CreatedAt time.Time `json:"createdAt"`
	LastUsed  time.Time `json:"lastUsed,omitzero"`
	Revoked   bool      `json:"revoked,omitempty"`
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
	// admin only. Disabling a user ends their sessions. Returns ENOTFOUND,
	// EINVALID with Fields as CreateUser, or EINVALID when the change
	// would leave no enabled administrator.
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)

	// SetPassword replaces a user's password and revokes all the user's
	// sessions except keepSessionID (0 keeps none); the user themself or an
	// admin. Returns ENOTFOUND, or EINVALID with Fields["password"].
	SetPassword(ctx context.Context, userID int64, newPassword string, keepSessionID int64) error

	// Authenticate checks a username and password typed at the login page
	// and records the attempt with address and time. Returns EUNAUTHORIZED
	// with LoginFailedMessage for an unknown user or a wrong password (in
	// the same time), and EUNAUTHORIZED with its own message for a disabled
	// user whose password was right.
	Authenticate(ctx context.Context, username, password, address string) (*User, error)
	// CountFailedLogins counts the failed attempts since a time for the
	// username and, separately, from the address; for rate limiting.
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

	// CreateToken makes a personal API token for a user and returns it in
	// clear, the only time it is ever shown ("khk_" + 43 characters); the
	// user themself or an admin. Returns ENOTFOUND, EINVALID for a name
	// longer than TokenNameMaxLen or a disabled user.
	CreateToken(ctx context.Context, userID int64, name string) (string, *Token, error)
	// FindTokens returns a user's tokens, revoked ones included, newest first.
	FindTokens(ctx context.Context, userID int64) ([]*Token, error)
	// RevokeToken revokes one of a user's tokens; revoking twice is not an
	// error. Returns ENOTFOUND if the user has no token id.
	RevokeToken(ctx context.Context, userID, id int64) error
	// FindUserByToken returns the user of an API token (Authorization:
	// Bearer) and notes the time as LastUsed (at most once a minute).
	// Returns EUNAUTHORIZED for an unknown or revoked token or a disabled
	// user.
	FindUserByToken(ctx context.Context, token string) (*User, error)
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
}

// SystemActor is a command or a loader run by whoever runs the server
// (the demo, kehoach gen, an import on the command line): it reaches every
// unit, and the audit log names it name.
func SystemActor(name string) Actor {
	return Actor{Username: name, Entry: AllUnits, View: AllUnits}
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
