package web

import (
	"net/http"
	"slices"
	"strconv"

	"kehoach"
	"kehoach/internal/vntext"
)

// accountShow is the signed-in user's page: password change and personal
// API tokens.
func (h *handler) accountShow(w http.ResponseWriter, r *http.Request) {
	h.renderAccount(w, r, http.StatusOK, map[string]any{})
}

func (h *handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	u := currentUser(r)
	tokens, err := h.Services.Users.FindTokens(r.Context(), kehoach.TokenFilter{UserID: u.ID})
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	data["Title"] = "Tài khoản"
	data["U"] = u
	data["Tokens"] = tokens
	data["Now"] = h.Now()
	names, err := h.unitLabels(r, append(slices.Clone(u.EntryScope), u.ViewScope...)) // names, not codes (issue 16)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	data["Names"] = names
	h.render(w, r, status, "account", data)
}

// passwordSave changes the user's own password; the other sessions end.
func (h *handler) passwordSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên."))
		return
	}
	u := currentUser(r)
	current, next, again := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("again")
	fields := map[string]string{}
	if !h.limiter.Allow(h.Now(), "password-change:"+u.Username, clientAddress(r)) {
		h.renderAccount(w, r, http.StatusTooManyRequests, map[string]any{"Errors": map[string]string{"current": "Thử quá nhiều lần. Vui lòng chờ một phút."}})
		return
	}
	if _, err := h.Services.Users.Authenticate(r.Context(), u.Username, current, clientAddress(r)); kehoach.ErrorCode(err) == kehoach.EUNAVAILABLE {
		w.Header().Set("Retry-After", "5")
		h.renderAccount(w, r, http.StatusServiceUnavailable, map[string]any{"Errors": map[string]string{"current": kehoach.ErrorMessage(err)}})
		return
	} else if err != nil {
		fields["current"] = "Mật khẩu hiện tại không đúng."
	}
	if next != again {
		fields["again"] = "Hai lần nhập mật khẩu mới không khớp."
	}
	if len(fields) == 0 {
		var keep int64
		if s := currentSession(r); s != nil {
			keep = s.ID
		}
		err := h.Services.Users.SetPassword(r.Context(), u.ID, next, keep)
		if err == nil {
			h.renderAccount(w, r, http.StatusOK, map[string]any{"Saved": "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."})
			return
		}
		if kehoach.ErrorCode(err) != kehoach.EINVALID {
			h.htmlError(w, r, err)
			return
		}
		for k, v := range kehoach.ErrorFields(err) {
			if k == "password" {
				k = "new"
			}
			fields[k] = v
		}
	}
	h.renderAccount(w, r, http.StatusUnprocessableEntity, map[string]any{"Errors": fields})
}

// tokenCreate makes a personal API token and shows it once. The form
// chooses the scope of use (API, or reading the API only) and an optional
// expiry ("90d" or a last day).
func (h *handler) tokenCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên."))
		return
	}
	name := vntext.NFC(r.PostForm.Get("name"))
	if name == "" {
		name = "không tên"
	}
	expires, err := kehoach.ParseTokenExpiry(r.PostForm.Get("expires"), h.Now())
	if err != nil {
		h.renderAccount(w, r, http.StatusUnprocessableEntity, map[string]any{"TokenError": kehoach.ErrorMessage(err)})
		return
	}
	opt := kehoach.TokenOptions{Name: name, Scope: r.PostForm.Get("scope"), ExpiresAt: expires}
	token, _, err := h.Services.Users.CreateToken(r.Context(), currentUser(r).ID, opt)
	if err != nil {
		if kehoach.ErrorCode(err) == kehoach.EINVALID {
			h.renderAccount(w, r, http.StatusUnprocessableEntity, map[string]any{"TokenError": kehoach.ErrorMessage(err)})
			return
		}
		h.htmlError(w, r, err)
		return
	}
	h.renderAccount(w, r, http.StatusOK, map[string]any{"NewToken": token})
}

// tokenRevoke revokes one of the user's own tokens.
func (h *handler) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Không có mã truy cập này."))
		return
	}
	if err := h.Services.Users.RevokeToken(r.Context(), currentUser(r).ID, id); err != nil {
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
