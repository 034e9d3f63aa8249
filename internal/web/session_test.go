package web_test

import (
	"kehoach/internal/web"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "kehoach_session" {
			return c
		}
	}
	return nil
}

func TestLoginSessionLogout(t *testing.T) {
	srv := newServer(t)
	anon := map[string]string{"X-Test-As": "anonymous"}

	// A wrong password: 401, the form again, the same message whether the
	// user exists or not.
	for _, name := range []string{"reporter", "nobody"} {
		resp, body := do(t, srv, "POST", "/login", url.Values{"username": {name}, "password": {"sai-mật-khẩu-rồi"}}, "", anon)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Sai tên đăng nhập hoặc mật khẩu.") || sessionCookieOf(resp) != nil {
			t.Fatalf("wrong password for %s: %d, cookie %v", name, resp.StatusCode, sessionCookieOf(resp))
		}
	}

	resp, _ := do(t, srv, "POST", "/login", url.Values{"username": {"Reporter"}, "password": {testPassword}, "next": {"/units"}}, "", anon)
	c := sessionCookieOf(resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/units" || c == nil {
		t.Fatalf("login: %d → %q, cookie %v", resp.StatusCode, resp.Header.Get("Location"), c)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || len(c.Value) < 40 {
		t.Errorf("session cookie flags: %+v", c)
	}
	withCookie := map[string]string{"X-Test-As": "anonymous", "Cookie": "kehoach_session=" + c.Value}
	resp, body := do(t, srv, "GET", "/account", nil, "", withCookie)
	if resp.StatusCode != 200 || !strings.Contains(body, "Tài khoản: reporter") {
		t.Fatalf("with the session: %d", resp.StatusCode)
	}
	// An open redirect is not followed after login.
	resp, _ = do(t, srv, "POST", "/login", url.Values{"username": {"reporter"}, "password": {testPassword}, "next": {"//evil.example/x"}}, "", anon)
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("next=//evil.example redirected to %q", loc)
	}
	// Logout is a POST and ends the session for good.
	if resp, _ := do(t, srv, "GET", "/logout", nil, "", withCookie); resp.StatusCode == http.StatusSeeOther {
		t.Errorf("GET /logout signed out: state changed on GET")
	}
	resp, _ = do(t, srv, "POST", "/logout", url.Values{}, "", withCookie)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	resp, _ = do(t, srv, "GET", "/account", nil, "", withCookie)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("after logout the old cookie still works: %d", resp.StatusCode)
	}
}

func TestPasswordChangeRevokesOtherSessions(t *testing.T) {
	srv := newServer(t)
	anon := map[string]string{"X-Test-As": "anonymous"}
	login := func() string {
		resp, _ := do(t, srv, "POST", "/login", url.Values{"username": {"viewer"}, "password": {testPassword}}, "", anon)
		c := sessionCookieOf(resp)
		if c == nil {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		return "kehoach_session=" + c.Value
	}
	phone, desk := login(), login()
	as := func(cookie string) map[string]string {
		return map[string]string{"X-Test-As": "anonymous", "Cookie": cookie}
	}

	// Mismatched and short new passwords are refused, and change nothing.
	resp, body := do(t, srv, "POST", "/account/password", url.Values{"current": {testPassword}, "new": {"ngắn"}, "again": {"ngắn"}}, "", as(desk))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") {
		t.Fatalf("short password: %d", resp.StatusCode)
	}
	resp, _ = do(t, srv, "POST", "/account/password", url.Values{"current": {"không-đúng-đâu"}, "new": {"mật-khẩu-mới-dài"}, "again": {"mật-khẩu-mới-dài"}}, "", as(desk))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong current password: %d", resp.StatusCode)
	}
	resp, body = do(t, srv, "POST", "/account/password", url.Values{"current": {testPassword}, "new": {"mật-khẩu-mới-dài"}, "again": {"mật-khẩu-mới-dài"}}, "", as(desk))
	if resp.StatusCode != 200 || !strings.Contains(body, "Đã đổi mật khẩu") {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "GET", "/account", nil, "", as(desk)); resp.StatusCode != 200 {
		t.Errorf("the session that changed the password ended: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "GET", "/account", nil, "", as(phone)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the other session still works after a password change: %d", resp.StatusCode)
	}
	resp, _ = do(t, srv, "POST", "/login", url.Values{"username": {"viewer"}, "password": {"mật-khẩu-mới-dài"}}, "", anon)
	if sessionCookieOf(resp) == nil {
		t.Errorf("cannot sign in with the new password: %d", resp.StatusCode)
	}
}

// TestLoginRateLimit: repeated failures for one account are refused with
// 429 before the password is even checked, the right password included.
func TestLoginRateLimit(t *testing.T) {
	srv := newServer(t)
	anon := map[string]string{"X-Test-As": "anonymous"}
	codes := []int{}
	for range 7 {
		resp, _ := do(t, srv, "POST", "/login", url.Values{"username": {"planner"}, "password": {"đoán-bừa-mật-khẩu"}}, "", anon)
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != http.StatusUnauthorized || codes[6] != http.StatusTooManyRequests {
		t.Fatalf("statuses of 7 failed logins: %v, want 401 first and 429 last", codes)
	}
	resp, body := do(t, srv, "POST", "/login", url.Values{"username": {"planner"}, "password": {testPassword}}, "", anon)
	if resp.StatusCode != http.StatusTooManyRequests || sessionCookieOf(resp) != nil || !strings.Contains(body, "quá nhiều lần") {
		t.Fatalf("right password while limited: %d", resp.StatusCode)
	}
	// Another account from elsewhere is not affected.
	resp, _ = do(t, srv, "POST", "/login", url.Values{"username": {"viewer"}, "password": {testPassword}}, "", anon)
	if sessionCookieOf(resp) == nil {
		t.Errorf("another account was limited too: %d", resp.StatusCode)
	}
}

// TestAPITokens: tokens are made on the account page, shown once, work as
// Bearer credentials, and stop working when revoked.
func TestAPITokens(t *testing.T) {
	srv := newServer(t)
	as := map[string]string{"X-Test-As": "viewer"}
	resp, body := do(t, srv, "POST", "/account/tokens", url.Values{"name": {"đồng bộ"}}, "", as)
	if resp.StatusCode != 200 {
		t.Fatalf("create token: %d", resp.StatusCode)
	}
	i := strings.Index(body, "khk_")
	if i < 0 {
		t.Fatal("new token not shown")
	}
	token := body[i : i+strings.IndexAny(body[i:], "<\" ")]
	bearer := map[string]string{"X-Test-As": "anonymous", "Authorization": "Bearer " + token}
	if resp, _ := do(t, srv, "GET", "/api/plans", nil, "", bearer); resp.StatusCode != 200 {
		t.Fatalf("new token refused: %d", resp.StatusCode)
	}
	_, body = do(t, srv, "GET", "/account", nil, "", as)
	if strings.Contains(body, token) {
		t.Errorf("the account page shows a token again")
	}
	j := strings.Index(body, `/account/tokens/`)
	id := body[j+len("/account/tokens/") : j+strings.Index(body[j:], "/revoke")]
	if resp, _ := do(t, srv, "POST", "/account/tokens/"+id+"/revoke", url.Values{}, "", as); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	resp, body = do(t, srv, "GET", "/api/plans", nil, "", bearer)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"status":"ERROR"`) {
		t.Fatalf("revoked token: %d %s", resp.StatusCode, body)
	}
	if resp, _ := do(t, srv, "GET", "/api/plans", nil, "", map[string]string{"X-Test-As": "anonymous", "Authorization": "Basic eDp5"}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("Basic credentials: %d, want 401", resp.StatusCode)
	}
}

// TestSecureCookies: behind a TLS proxy the session cookie is Secure.
func TestSecureCookies(t *testing.T) {
	srv, stop, err := startServerWith(t.TempDir(), func(c *web.Config) { c.SecureCookies = true })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, _ := do(t, srv, "POST", "/login", url.Values{"username": {"viewer"}, "password": {testPassword}}, "", map[string]string{"X-Test-As": "anonymous"})
	if c := sessionCookieOf(resp); c == nil || !c.Secure || !c.HttpOnly {
		t.Fatalf("cookie %+v, want Secure and HttpOnly", c)
	}
}
