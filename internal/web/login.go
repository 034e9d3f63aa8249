package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/vntext"
)

// loginWindow is how far back failed logins slow new attempts down; the
// database keeps them, so that every server of an installation sees them.
const loginWindow = 15 * time.Minute

// loginQueueWait bounds how long an attempt waits behind another one for
// the same account from the same address before the answer is "busy".
const loginQueueWait = 10 * time.Second

func (h *handler) loginShow(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "login", map[string]any{"Title": "Đăng nhập", "Next": r.URL.Query().Get("next")})
}

// loginSave checks the username and password and starts a session.
//
// Guessing is slowed, never refused: an attempt waits a delay growing with
// the recent failures of the account and of the address (auth.Throttle),
// and attempts for one account from one address run one at a time; one
// address gets at most half the hashing slots at once. A right password is
// always accepted once its turn comes, so that nobody can lock
// an account, or everyone behind one address, by failing on purpose. The
// password hashes themselves are bounded by auth.Hashing: when too many
// are in flight the answer is 503 with Retry-After.
func (h *handler) loginSave(w http.ResponseWriter, r *http.Request) {
	if err := readPost(w, r); err != nil {
		h.htmlError(w, r, err)
		return
	}
	ctx := r.Context()
	username := strings.ToLower(vntext.NFC(r.PostForm.Get("username")))
	password := r.PostForm.Get("password")
	next := r.PostForm.Get("next")
	fail := func(status int, msg string) {
		h.render(w, r, status, "login", map[string]any{"Title": "Đăng nhập", "Next": next, "Username": username, "Error": msg})
	}
	const busyMsg = "Máy chủ đang bận: quá nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau ít giây."
	busy := func(msg string) {
		w.Header().Set("Retry-After", "5")
		fail(http.StatusServiceUnavailable, msg)
	}
	addr := clientAddress(r)
	unlock, ok := h.throttle.Lock(ctx, "account\x00"+username+"\x00"+addr, loginQueueWait)
	if !ok {
		busy(busyMsg)
		return
	}
	defer unlock()
	byUser, byAddr, err := h.Services.Users.CountFailedLogins(ctx, username, addr, h.Now().Add(-loginWindow))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	if !auth.Wait(ctx, h.throttle.Delay(byUser, byAddr)) {
		return // the client went away
	}
	// One address may hold at most half the hashing slots (after its
	// delay, so that waiting attempts hold none): a flood from one address,
	// made-up names included, cannot leave the others no turn.
	n, _ := auth.Hashing.Limit()
	unlockAddr, ok := h.throttle.LockN(ctx, "address\x00"+addr, max(1, n/2), loginQueueWait)
	if !ok {
		busy(busyMsg)
		return
	}
	defer unlockAddr()
	u, err := h.Services.Users.Authenticate(ctx, username, password, addr)
	switch kehoach.ErrorCode(err) {
	case "":
	case kehoach.EUNAUTHORIZED:
		fail(http.StatusUnauthorized, kehoach.ErrorMessage(err))
		return
	case kehoach.EUNAVAILABLE: // too many hashes at once, or a store that cannot write
		busy(kehoach.ErrorMessage(err))
		return
	default:
		h.htmlError(w, r, err)
		return
	}
	token, _, err := h.Services.Users.CreateSession(ctx, u.ID, addr, r.UserAgent())
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.setSessionCookie(w, r, token)
	h.markWelcome(w, r) // notifications (issue 16): shown on the first page
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// logout ends the session (POST only: a link cannot sign anyone out).
func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := h.Services.Users.RevokeSession(r.Context(), c.Value); err != nil {
			h.htmlError(w, r, err)
			return
		}
	}
	h.clearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site: next is kept only
// when it parses as a bare path ("/plans/1?x=y") with no scheme and no host,
// begins with one "/" (a "//" or "/\\" is read by browsers as another host),
// holds no control character nor backslash once decoded (browsers drop
// tabs and newlines, so "/%09/evil.example" would become
// "//evil.example"), and gives itself back when parsed again. Anything else
// goes to "/".
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	for _, part := range []string{next, u.Path, u.RawQuery, u.Fragment} {
		if strings.ContainsFunc(part, func(c rune) bool { return c < 0x20 || c == 0x7f || c == '\\' }) {
			return "/"
		}
	}
	if q, err := url.QueryUnescape(u.RawQuery); err != nil || strings.ContainsFunc(q, unicode.IsControl) {
		return "/"
	}
	out := u.RequestURI()
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	again, err := url.Parse(out)
	if err != nil || again.Scheme != "" || again.Host != "" || again.Path != u.Path || again.RawQuery != u.RawQuery ||
		!strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.HasPrefix(out, "/\\") {
		return "/"
	}
	return out
}
