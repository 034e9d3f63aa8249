package kehoach_test

import (
	"strings"
	"testing"
	"time"

	"kehoach"
)

func TestParseTokenExpiry(t *testing.T) {
	// 15:00 on 10 March 2025 in Vietnam.
	now := time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)
	vn := kehoach.VietnamZone
	for _, tc := range []struct {
		in   string
		want time.Time // zero with ok: no expiry
		ok   bool
	}{
		{"", time.Time{}, true},
		{"  ", time.Time{}, true},
		{"90d", now.Add(90 * 24 * time.Hour), true},
		{"1d", now.Add(24 * time.Hour), true},
		{"2025-03-11", time.Date(2025, 3, 12, 0, 0, 0, 0, vn), true}, // works through the 11th, Vietnam's time
		{"2025-12-31", time.Date(2026, 1, 1, 0, 0, 0, 0, vn), true},
		{"2025-03-10", time.Time{}, false}, // today: ends before a day is out
		{"2025-03-09", time.Time{}, false},
		{"0d", time.Time{}, false},
		{"-5d", time.Time{}, false},
		{"3661d", time.Time{}, false},
		{"2040-01-01", time.Time{}, false}, // beyond TokenMaxDays
		{"90", time.Time{}, false},
		{"31/12/2025", time.Time{}, false},
		{"2025-02-30", time.Time{}, false},
		{"mãi mãi", time.Time{}, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := kehoach.ParseTokenExpiry(tc.in, now)
			if !tc.ok {
				if kehoach.ErrorCode(err) != kehoach.EINVALID || kehoach.ErrorFields(err)["expiresAt"] == "" {
					t.Fatalf("ParseTokenExpiry(%q) = %v, %v; want EINVALID naming expiresAt", tc.in, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) {
				t.Fatalf("ParseTokenExpiry(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestTokenExpired(t *testing.T) {
	now := time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		expires time.Time
		want    bool
	}{
		{"no expiry", time.Time{}, false},
		{"later", now.Add(time.Second), false},
		{"exactly now", now, true},
		{"before", now.Add(-time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := (&kehoach.Token{ExpiresAt: tc.expires}).Expired(now); got != tc.want {
				t.Errorf("Expired = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUserValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		user   kehoach.User
		fields []string // the fields refused, in any order
	}{
		{"a reporter of a commune", kehoach.User{Username: "hoa.nt", Role: kehoach.RoleReporter, EntryScope: []string{"XA_A"}}, nil},
		{"an admin without scope", kehoach.User{Username: "quantri", Role: kehoach.RoleAdmin}, nil},
		{"a viewer without scope", kehoach.User{Username: "xem_1", Role: kehoach.RoleViewer}, nil},
		{"normalised username", kehoach.User{Username: "  Hoa.NT ", Role: kehoach.RoleViewer}, nil},
		{"the shortest username", kehoach.User{Username: "abc", Role: kehoach.RoleViewer}, nil},
		{"too short", kehoach.User{Username: "ab", Role: kehoach.RoleViewer}, []string{"username"}},
		{"too long", kehoach.User{Username: strings.Repeat("a", 51), Role: kehoach.RoleViewer}, []string{"username"}},
		{"50 is fine", kehoach.User{Username: strings.Repeat("a", 50), Role: kehoach.RoleViewer}, nil},
		{"diacritics", kehoach.User{Username: "hòa", Role: kehoach.RoleViewer}, []string{"username"}},
		{"a space inside", kehoach.User{Username: "hoa nt", Role: kehoach.RoleViewer}, []string{"username"}},
		{"an at sign", kehoach.User{Username: "hoa@xa", Role: kehoach.RoleViewer}, []string{"username"}},
		{"unknown role", kehoach.User{Username: "hoa", Role: "superuser"}, []string{"role"}},
		{"no role", kehoach.User{Username: "hoa"}, []string{"role"}},
		{"a reporter without entry scope", kehoach.User{Username: "hoa", Role: kehoach.RoleReporter}, []string{"entryScope"}},
		{"an approver with view scope only", kehoach.User{Username: "hoa", Role: kehoach.RoleApprover, ViewScope: []string{"H"}}, []string{"entryScope"}},
		{"a reporter whose scope is blanks", kehoach.User{Username: "hoa", Role: kehoach.RoleReporter, EntryScope: []string{" ", ""}}, []string{"entryScope"}},
		{"a long name", kehoach.User{Username: "hoa", Role: kehoach.RoleViewer, Name: strings.Repeat("ắ", 201)}, []string{"name"}},
		{"a name of 200", kehoach.User{Username: "hoa", Role: kehoach.RoleViewer, Name: strings.Repeat("ắ", 200)}, nil},
		{"everything wrong", kehoach.User{Username: "x", Role: "?", Name: strings.Repeat("a", 201)}, []string{"username", "role", "name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.user
			u.Normalize()
			got := u.Validate()
			if len(got) != len(tc.fields) {
				t.Fatalf("Validate() = %v, want fields %v", got, tc.fields)
			}
			for _, f := range tc.fields {
				if got[f] == "" {
					t.Errorf("Validate() = %v, want a reason for %q", got, f)
				}
			}
		})
	}
}

func TestUserNormalize(t *testing.T) {
	u := kehoach.User{Username: " Hoa.NT ", Name: " Nguyễn Thị Hoa ", Role: " reporter ",
		EntryScope: []string{" XA_B", "XA_A", "", "XA_B"}, ViewScope: nil}
	u.Normalize()
	if u.Username != "hoa.nt" || u.Name != "Nguyễn Thị Hoa" || u.Role != "reporter" ||
		strings.Join(u.EntryScope, ",") != "XA_A,XA_B" || u.ViewScope == nil || len(u.ViewScope) != 0 {
		t.Errorf("Normalize() = %+v", u)
	}
}

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		name, password string
		ok             bool
	}{
		{"ten ASCII", "0123456789", true},
		{"nine", "012345678", false},
		{"empty", "", false},
		{"ten Vietnamese letters", "mậtkhẩuhay", true},
		// "ệ" typed as e + two combining marks counts as one letter.
		{"decomposed letters count once", "e\u0323\u0302e\u0323\u0302e\u0323\u0302e\u0323\u0302e\u0323\u0302e\u0323\u0302e\u0323\u0302e\u0323\u0302e\u0323\u0302", false},
		{"spaces around do not count", "  012345678  ", false},
		{"the longest", strings.Repeat("a", kehoach.PasswordMaxLen), true},
		{"too long", strings.Repeat("a", kehoach.PasswordMaxLen+1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			why := kehoach.ValidatePassword(tc.password)
			if (why == "") != tc.ok {
				t.Errorf("ValidatePassword = %q, want ok %v", why, tc.ok)
			}
		})
	}
}
