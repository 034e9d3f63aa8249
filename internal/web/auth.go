package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
)

// sessionCookie names the cookie holding a session token.
const sessionCookie = "kehoach_session"

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
	tokenKey // the *kehoach.Token that authenticated the request
)

// currentUser returns the signed-in user of the request, or nil.
func currentUser(r *http.Request) *kehoach.User {
	u, _ := r.Context().Value(userKey).(*kehoach.User)
	return u
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header, or of "Authorization: ApiToken <token>", DHIS2's scheme for
// personal access tokens that its clients send (issue 17). The scheme is
// case-insensitive (RFC 7235 section 2.1); ok is false for no header or
// another scheme, which are not addressed to us.
func bearerToken(r *http.Request) (token string, ok bool) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "ApiToken") {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// currentToken returns the API token that authenticated the request, or
// nil for a session or no one.
func currentToken(r *http.Request) *kehoach.Token {
	t, _ := r.Context().Value(tokenKey).(*kehoach.Token)
	return t
}

// tokenMayServe refuses a token used beyond its scope: any token outside
// the JSON API (the pages make tokens, users and administrators, and are
// for a person who typed a password), and a read-only token for anything
// but reading.
func tokenMayServe(t *kehoach.Token, r *http.Request) error {
	if r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/") {
		return kehoach.Errorf(kehoach.EFORBIDDEN, "Mã truy cập API (%s…) chỉ dùng được cho các địa chỉ /api/; trang web cần đăng nhập bằng mật khẩu.", t.Prefix)
	}
	if t.Scope != kehoach.TokenScopeAPI && r.Method != http.MethodGet && r.Method != http.MethodHead {
		return kehoach.Errorf(kehoach.EFORBIDDEN, "Mã truy cập %s… chỉ được đọc (GET): không dùng được cho %s.", t.Prefix, r.Method)
	}
	return nil
}

// currentSession returns the request's session, or nil (API tokens have none).
func currentSession(r *http.Request) *kehoach.Session {
	s, _ := r.Context().Value(sessionKey).(*kehoach.Session)
	return s
}

// clientAddress is the caller's IP address, for the audit log and the
// login throttle. X-Forwarded-For is not trusted: a proxy in front should
// be configured to pass the real address (docs/operations.md).
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authenticate finds who is calling: a personal API token (Authorization:
// Bearer) or a session cookie. An invalid token is refused at once; an
// invalid cookie is dropped and the request goes on as anonymous. An
// Authorization header of another scheme (Basic from a proxy in front) is
// not ours and is ignored, so the cookie still counts.
func (h *handler) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var user *kehoach.User
		if token, ok := bearerToken(r); ok {
			u, t, err := h.Services.Users.FindUserByToken(ctx, token)
			if err != nil {
				h.jsonError(w, r, err)
				return
			}
			if err := tokenMayServe(t, r); err != nil {
				h.jsonError(w, r, err)
				return
			}
			user = u
			ctx = context.WithValue(ctx, tokenKey, t)
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, u, err := h.Services.Users.FindSession(ctx, c.Value)
			if err == nil {
				user = u
				ctx = context.WithValue(ctx, sessionKey, sess)
			} else {
				h.clearSessionCookie(w, r)
			}
		}
		actor := kehoach.Actor{Address: clientAddress(r)}
		if user != nil {
			ctx = context.WithValue(ctx, userKey, user)
			actor.Username = user.Username
			// The scopes are computed here, once: every check and listing
			// of the request, and the store's own check of writes, read them
			// from the Actor.
			actor.Entry, actor.View = auth.ScopesOf(user)
			actor.Plan = auth.PlanScopeOf(user) // planning (issue 14)
		}
		ctx = kehoach.NewContextWithActor(ctx, actor)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (h *handler) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: h.secure(r), SameSite: http.SameSiteLaxMode})
}

func (h *handler) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.secure(r), SameSite: http.SameSiteLaxMode})
}

// secure reports whether cookies must be Secure: behind TLS, directly or
// through a proxy that says so.
func (h *handler) secure(r *http.Request) bool {
	return r.TLS != nil || h.SecureCookies
}

// page wraps a page handler: the caller must be signed in (else to the
// login page) and, when action is not "", have a role that may do it.
func (h *handler) page(action string, fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		if u == nil {
			next := r.URL.RequestURI()
			http.Redirect(w, r, "/login?"+url.Values{"next": {next}}.Encode(), http.StatusSeeOther)
			return
		}
		if action != "" && !auth.Can(u.Role, action) {
			h.htmlError(w, r, forbidden())
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A page shows one version of the figures (issue 16).
			r = r.WithContext(kehoach.NewContextWithOneVersion(r.Context()))
		}
		fn(w, r)
	}
}

// api wraps an API handler: 401 JSON without a valid token or session,
// 403 JSON when the role may not do action.
func (h *handler) api(action string, fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		if u == nil {
			h.jsonError(w, r, kehoach.Errorf(kehoach.EUNAUTHORIZED, "Cần đăng nhập hoặc mã truy cập cá nhân (Authorization: Bearer … hoặc ApiToken …)."))
			return
		}
		if action != "" && !auth.Can(u.Role, action) {
			h.jsonError(w, r, forbidden())
			return
		}
		if err := checkQuerySize(r); err != nil { // params.go
			h.jsonError(w, r, err)
			return
		}
		fn(w, r)
	}
}

func forbidden() error {
	return kehoach.Errorf(kehoach.EFORBIDDEN, "Tài khoản của bạn không có quyền thực hiện việc này.")
}

// checkUnit returns nil when the caller may do action on the unit,
// EFORBIDDEN when not, ENOTFOUND when there is no such unit. It reads the
// scopes the request's Actor carries (auth.ScopesOf), which say what
// auth.Allowed says.
func (h *handler) checkUnit(r *http.Request, action, code string) error {
	u := currentUser(r)
	ancestors, err := h.Services.Units.FindAncestors(r.Context(), code)
	if err != nil {
		return err
	}
	if !slices.Contains(ancestors, code) {
		ancestors = append(ancestors, code)
	}
	a := kehoach.ActorFromContext(r.Context())
	scope := a.Entry
	if action == auth.ActionView {
		scope = a.View
	}
	if u == nil || !auth.Can(u.Role, action) || !scope.Covers(ancestors) {
		name := ""
		if u != nil {
			name = u.Username
		}
		return kehoach.Errorf(kehoach.EFORBIDDEN, "Đơn vị %s nằm ngoài phạm vi của tài khoản %s.", code, name)
	}
	return nil
}

// viewScope returns the unit codes whose subtrees the caller may see, or
// nil when the caller sees everything: the Actor's view scope in the shape
// of the stores' Within filters.
func viewScope(r *http.Request) []string {
	return kehoach.ActorFromContext(r.Context()).View.Filter()
}

// entryScope returns the unit codes whose subtrees the caller may enter
// figures for (or submit or approve them), or nil for everything.
func entryScope(r *http.Request) []string {
	return kehoach.ActorFromContext(r.Context()).Entry.Filter()
}

// scopePlan returns the plan as the caller may see it: a target whose scope
// lies outside the caller's view scope is computed instead over the
// caller's own unit under that scope (a commune's officer sees the plan's
// targets for the commune), or left out when there is none. note names
// the unit the figures are for when it is not the plan's.
func (h *handler) scopePlan(r *http.Request, plan *kehoach.Plan) (*kehoach.Plan, string, error) {
	scope := viewScope(r)
	if scope == nil {
		return plan, "", nil
	}
	out := *plan
	out.Targets = nil
	note := ""
	// The ancestors of each unit of the caller's scope, read once.
	ancestorsOf := map[string][]string{}
	for _, code := range scope {
		ancestors, err := h.lineage(r, code) // issue 10: and the units it was made of
		if kehoach.ErrorCode(err) == kehoach.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, "", err
		}
		ancestorsOf[code] = ancestors
	}
	visible := map[string]bool{} // target scope → the caller may view it
	for _, t := range plan.Targets {
		ok, seen := visible[t.ScopeCode]
		if !seen {
			err := h.checkUnit(r, auth.ActionView, t.ScopeCode)
			if err != nil && kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				return nil, "", err
			}
			ok = err == nil
			visible[t.ScopeCode] = ok
		}
		if ok {
			out.Targets = append(out.Targets, t)
			continue
		}
		for _, code := range scope {
			if ancestors, ok := ancestorsOf[code]; ok && slices.Contains(ancestors, t.ScopeCode) {
				c := *t
				c.ScopeCode = code
				out.Targets = append(out.Targets, &c)
				note = code
				break
			}
		}
	}
	return &out, note, nil
}
