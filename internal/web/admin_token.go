package web

import (
	"net/http"
	"strconv"

	"kehoach"
)

// tokenList lists every user's API tokens, revoked and expired ones
// included (administrators only), so that a token of someone who left, or
// one that leaked, can be found and ended without its owner.
func (h *handler) tokenList(w http.ResponseWriter, r *http.Request) {
	tokens, err := h.Services.Users.FindTokens(r.Context(), kehoach.TokenFilter{})
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "tokens", map[string]any{"Title": "Mã truy cập API", "Tokens": tokens, "Now": h.Now()})
}

// tokenAdminRevoke revokes any user's token (administrators only).
func (h *handler) tokenAdminRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Không có mã truy cập này."))
		return
	}
	if err := h.Services.Users.RevokeToken(r.Context(), 0, id); err != nil {
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
}
