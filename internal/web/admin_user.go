package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"kehoach"
	"kehoach/internal/web/form"
)

// userList lists the accounts (administrators only).
func (h *handler) userList(w http.ResponseWriter, r *http.Request) {
	users, err := h.Services.Users.FindUsers(r.Context(), kehoach.UserFilter{Query: r.URL.Query().Get("q")})
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	var codes []string // names, not codes (issue 16)
	for _, u := range users {
		codes = append(append(codes, u.EntryScope...), u.ViewScope...)
	}
	names, err := h.unitLabels(r, codes)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "users", map[string]any{"Title": "Tài khoản người dùng", "Users": users, "Q": r.URL.Query().Get("q"), "Names": names})
}

func (h *handler) userNew(w http.ResponseWriter, r *http.Request) {
	h.renderUserForm(w, r, http.StatusOK, &form.User{Role: kehoach.RoleReporter}, 0, nil)
}

func (h *handler) renderUserForm(w http.ResponseWriter, r *http.Request, status int, u *form.User, id int64, err error) {
	data := map[string]any{"Title": "Tài khoản", "F": u, "ID": id, "Roles": kehoach.Roles,
		"EntryScope": strings.Join(u.EntryScope, ", "), "ViewScope": strings.Join(u.ViewScope, ", ")}
	if err != nil {
		data["Message"] = kehoach.ErrorMessage(err)
		data["Errors"] = kehoach.ErrorFields(err)
	}
	// Names, not codes (issue 16): scopes are picked from named units.
	choices, cerr := h.scopeChoices(r.Context(), u.EntryScope, u.ViewScope)
	if cerr != nil {
		h.htmlError(w, r, cerr)
		return
	}
	data["Choices"] = choices
	h.render(w, r, status, "user", data)
}

// userCreate creates an account.
func (h *handler) userCreate(w http.ResponseWriter, r *http.Request) {
	f, err := form.DecodeUser(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	u := &kehoach.User{Username: f.Username, Name: f.Name, Role: f.Role, EntryScope: f.EntryScope, ViewScope: f.ViewScope}
	if err := h.Services.Users.CreateUser(r.Context(), u, f.Password); err != nil {
		if c := kehoach.ErrorCode(err); c == kehoach.EINVALID || c == kehoach.ECONFLICT {
			f.Password = ""
			h.renderUserForm(w, r, statusOf(err), f, 0, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"?saved=1", http.StatusSeeOther)
}

func (h *handler) findUser(r *http.Request) (*kehoach.User, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Không có tài khoản %q.", r.PathValue("id"))
	}
	return h.Services.Users.FindUserByID(r.Context(), id)
}

// userEdit shows one account for editing.
func (h *handler) userEdit(w http.ResponseWriter, r *http.Request) {
	u, err := h.findUser(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	f := &form.User{Username: u.Username, Name: u.Name, Role: u.Role, EntryScope: u.EntryScope, ViewScope: u.ViewScope, Disabled: u.Disabled}
	h.renderUserForm(w, r, http.StatusOK, f, u.ID, nil)
}

// userUpdate changes an account's name, role, scopes and state, and its
// password when a new one is given (which ends its sessions).
func (h *handler) userUpdate(w http.ResponseWriter, r *http.Request) {
	u, err := h.findUser(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	f, err := form.DecodeUser(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	f.Username = u.Username
	// Check the new password first, so that a bad one changes nothing.
	if n := utf8.RuneCountInString(f.Password); f.Password != "" && (n < kehoach.PasswordMinLen || n > kehoach.PasswordMaxLen) {
		msg := fmt.Sprintf("Mật khẩu phải có từ %d đến %d ký tự.", kehoach.PasswordMinLen, kehoach.PasswordMaxLen)
		f.Password = ""
		h.renderUserForm(w, r, http.StatusUnprocessableEntity, f, u.ID, &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{"password": msg}})
		return
	}
	upd := kehoach.UserUpdate{Name: &f.Name, Role: &f.Role, EntryScope: &f.EntryScope, ViewScope: &f.ViewScope, Disabled: &f.Disabled}
	if _, err := h.Services.Users.UpdateUser(r.Context(), u.ID, upd); err == nil && f.Password != "" {
		err = h.Services.Users.SetPassword(r.Context(), u.ID, f.Password, 0)
		if err != nil {
			f.Password = ""
			h.renderUserForm(w, r, statusOf(err), f, u.ID, err)
			return
		}
	} else if err != nil {
		if kehoach.ErrorCode(err) == kehoach.EINVALID {
			f.Password = ""
			h.renderUserForm(w, r, statusOf(err), f, u.ID, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"?saved=1", http.StatusSeeOther)
}
