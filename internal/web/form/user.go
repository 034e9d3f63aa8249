package form

import (
	"net/http"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// User is the administrator's user form.
type User struct {
	Username   string
	Name       string
	Role       string
	EntryScope []string
	ViewScope  []string
	Disabled   bool
	Password   string
}

// DecodeUser reads a User; scopes are unit codes, one per value (the
// pickers) or separated by commas, spaces or new lines.
func DecodeUser(r *http.Request) (*User, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên: %v", err)
	}
	f := r.PostForm
	return &User{
		Username:   strings.ToLower(vntext.NFC(f.Get("username"))),
		Name:       vntext.NFC(f.Get("name")),
		Role:       vntext.NFC(f.Get("role")),
		EntryScope: codes(strings.Join(f["entryScope"], ",")), // a picker sends one value per unit
		ViewScope:  codes(strings.Join(f["viewScope"], ",")),
		Disabled:   f.Get("disabled") == "on",
		Password:   f.Get("password"),
	}, nil
}

func codes(s string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(vntext.NFC(s), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		out = append(out, strings.ToUpper(c))
	}
	return out
}
