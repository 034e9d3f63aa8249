package web

import (
	"net/http"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/vntext"
)

// loginWindow and loginMaxFailures bound failed logins across servers (the
// in-memory limiter bounds them per server, faster).
const (
	loginWindow      = 15 * time.Minute
	loginMaxFailures = 10
)

func (h *handler) loginShow(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "login", map[string]any{"Title": "Đăng nhập", "Next": r.URL.Query().Get("next")})
}

// loginSave checks the username and password, rate-limited per account and
// per address, and starts a session.
func (h *handler) loginSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên."))
		return
	}
	username := strings.ToLower(vntext.NFC(r.PostForm.Get("username")))
	password := r.PostForm.Get("password")
	next := r.PostForm.Get("next")
	fail := func(status int, msg string) {
		h.render(w, r, status, "login", map[string]any{"Title": "Đăng nhập", "Next": next, "Username": username, "Error": msg})
	}
	addr := clientAddress(r)
	if !h.limiter.Allow(h.Now(), username, addr) {
		fail(http.StatusTooManyRequests, "Đăng nhập sai quá nhiều lần. Vui lòng chờ một phút rồi thử lại.")
		return
	}
	byUser, byAddr, err := h.Services.Users.CountFailedLogins(r.Context(), username, addr, h.Now().Add(-loginWindow))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	if byUser >= loginMaxFailures || byAddr >= 20*loginMaxFailures {
		fail(http.StatusTooManyRequests, "Đăng nhập sai quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại.")
		return
	}
	u, err := h.Services.Users.Authenticate(r.Context(), username, password, addr)
	if err != nil {
		if kehoach.ErrorCode(err) != kehoach.EUNAUTHORIZED {
			h.htmlError(w, r, err)
			return
		}
		fail(http.StatusUnauthorized, kehoach.ErrorMessage(err))
		return
	}
	token, _, err := h.Services.Users.CreateSession(r.Context(), u.ID, addr, r.UserAgent())
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.setSessionCookie(w, r, token)
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

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
