package web_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/web"
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

// TestLoginSlowsGuessing: failures for an account make each further
// attempt wait longer, up to the cap, and are never answered 429; another
// account is not slowed.
func TestLoginSlowsGuessing(t *testing.T) {
	srv, stop, err := startServerWith(t.TempDir(), func(c *web.Config) {
		c.LoginDelay = 20 * time.Millisecond
		c.LoginMaxDelay = 300 * time.Millisecond
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c := clientFrom("127.0.0.5")
	var took []time.Duration
	for i := range 8 {
		start := time.Now()
		code, ok := loginFrom(t, c, srv, "planner", fmt.Sprintf("đoán-bừa-%d", i))
		took = append(took, time.Since(start))
		if code != http.StatusUnauthorized || ok {
			t.Fatalf("wrong password %d: %d", i+1, code)
		}
	}
	// After 3 free failures: 20, 40, 80, 160 ms, then the cap.
	if took[7] < 300*time.Millisecond {
		t.Errorf("the 8th wrong password took %v, want at least the 300 ms cap (all: %v)", took[7], took)
	}
	start := time.Now()
	if code, ok := loginFrom(t, c, srv, "planner", testPassword); !ok {
		t.Fatalf("right password after the failures: %d", code)
	} else if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("the right password after 8 failures took %v: the wait must come before the check, whatever the password", d)
	}
	start = time.Now()
	if _, ok := loginFrom(t, c, srv, "viewer", testPassword); !ok || time.Since(start) > 250*time.Millisecond {
		t.Errorf("another account: session %v after %v", ok, time.Since(start))
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

// newToken makes an API token for the test user as (signed in with a
// session) through the account page, with the form's scope and expiry,
// and returns it.
func newToken(t *testing.T, srv *httptest.Server, as string, form url.Values) string {
	t.Helper()
	resp, body := do(t, srv, "POST", "/account/tokens", form, "", map[string]string{"X-Test-As": as})
	i := strings.Index(body, "khk_")
	if resp.StatusCode != 200 || i < 0 {
		t.Fatalf("create token %v: %d\n%s", form, resp.StatusCode, excerpt(body))
	}
	return body[i : i+strings.IndexAny(body[i:], "<\" ")]
}

// TestAuthorizationHeaderSchemes: only "Bearer", in any case (RFC 7235),
// carries a token; another scheme (Basic from a proxy in front) is not
// ours and leaves the session cookie working.
func TestAuthorizationHeaderSchemes(t *testing.T) {
	srv := newServer(t)
	token := newToken(t, srv, "viewer", url.Values{"name": {"thử"}})
	cookie := "kehoach_session=" + testSessions["viewer"]
	for _, tc := range []struct {
		name, path, authz, cookie string
		want                      int
	}{
		{"Basic from a proxy, with the session", "/account", "Basic eDp5", cookie, 200},
		{"Negotiate, with the session", "/account", "Negotiate abc", cookie, 200},
		{"Basic without a session: not signed in", "/api/plans", "Basic eDp5", "", 401},
		{"Bearer", "/api/plans", "Bearer " + token, "", 200},
		{"bearer in lower case", "/api/plans", "bearer " + token, "", 200},
		{"BEARER", "/api/plans", "BEARER " + token, "", 200},
		{"Bearer with a bad token is refused even with a session", "/api/plans", "Bearer khk_sai", cookie, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, srv, "GET", tc.path, nil, "", map[string]string{"X-Test-As": "anonymous", "Authorization": tc.authz, "Cookie": tc.cookie})
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d\n%s", resp.StatusCode, tc.want, excerpt(body))
			}
		})
	}
}

// TestTokenScopes: a token opens the JSON API only, never the pages (where
// it could mint tokens or create administrators); a read-only token only
// reads; an expired token is refused.
func TestTokenScopes(t *testing.T) {
	srv := newServer(t)
	admin := newToken(t, srv, "admin", url.Values{"name": {"máy"}})
	read := newToken(t, srv, "admin", url.Values{"name": {"đọc"}, "scope": {"read"}})
	bearer := func(tok string) map[string]string {
		return map[string]string{"X-Test-As": "anonymous", "Authorization": "Bearer " + tok}
	}
	for _, tc := range []struct {
		name, method, path string
		form               url.Values
		token              string
		want               int
		msg                string
	}{
		{"API read", "GET", "/api/plans", nil, admin, 200, ""},
		{"a page", "GET", "/account", nil, admin, 403, "chỉ dùng được cho các địa chỉ /api/"},
		{"minting a token", "POST", "/account/tokens", url.Values{"name": {"con"}}, admin, 403, "/api/"},
		{"creating an administrator", "POST", "/admin/users", url.Values{"username": {"ke.gian"}, "role": {"admin"}, "password": {"dài-đủ-mười-ký-tự"}}, admin, 403, "/api/"},
		{"saving figures", "POST", "/entry", save("XA_BANBO", "XA_BANBO_B01"), admin, 403, "/api/"},
		{"read token reads", "GET", "/api/units", nil, read, 200, ""},
		{"read token writes", "POST", "/api/units", url.Values{}, read, 403, "chỉ được đọc"},
		{"read token on a page", "GET", "/plans", nil, read, 403, "/api/"},
		{"api token writes (no such route: not refused for its scope)", "POST", "/api/units", url.Values{}, admin, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, srv, tc.method, tc.path, tc.form, "", bearer(tc.token))
			if resp.StatusCode != tc.want || !strings.Contains(body, tc.msg) {
				t.Errorf("status %d, want %d with %q\n%s", resp.StatusCode, tc.want, tc.msg, excerpt(body))
			}
		})
	}
	if _, body := do(t, srv, "GET", "/admin/users?q=ke.gian", nil, "", nil); strings.Contains(body, ">ke.gian</a>") {
		t.Error("a token created an administrator through the page")
	}

	// An expiry is kept and shown (that a token past it is refused is
	// TestTokenLifetime's, in the store, whose clock a test can move).
	withEnd := newToken(t, srv, "viewer", url.Values{"name": {"có hạn"}, "expires": {"2030-12-31"}})
	if resp, _ := do(t, srv, "GET", "/api/plans", nil, "", bearer(withEnd)); resp.StatusCode != 200 {
		t.Errorf("a token before its end: %d", resp.StatusCode)
	}
	if _, body := do(t, srv, "GET", "/account", nil, "", map[string]string{"X-Test-As": "viewer"}); !strings.Contains(body, "00:00 01/01/2031") {
		t.Errorf("the account page does not show the token's end")
	}
	// A bad expiry is refused on the account page, naming the field.
	resp, body := do(t, srv, "POST", "/account/tokens", url.Values{"name": {"x"}, "expires": {"31/12/2025"}}, "", map[string]string{"X-Test-As": "viewer"})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ngày hết hạn") || strings.Contains(body, "Mã mới:") {
		t.Errorf("bad expiry: %d", resp.StatusCode)
	}
}

// TestPasswordChangeEndsTokens: a password changed on the account page
// ends the user's API tokens.
func TestPasswordChangeEndsTokens(t *testing.T) {
	srv := newServer(t)
	tok := newToken(t, srv, "viewer", url.Values{"name": {"đồng bộ"}})
	bearer := map[string]string{"X-Test-As": "anonymous", "Authorization": "Bearer " + tok}
	if resp, _ := do(t, srv, "GET", "/api/plans", nil, "", bearer); resp.StatusCode != 200 {
		t.Fatalf("new token: %d", resp.StatusCode)
	}
	resp, _ := do(t, srv, "POST", "/account/password", url.Values{"current": {testPassword}, "new": {"mật-khẩu-mới-dài"}, "again": {"mật-khẩu-mới-dài"}}, "", map[string]string{"X-Test-As": "viewer"})
	if resp.StatusCode != 200 {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "GET", "/api/plans", nil, "", bearer); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("token after a password change: %d, want 401", resp.StatusCode)
	}
}

// TestAdminTokens: an administrator lists every user's tokens and revokes
// any of them; nobody else may.
func TestAdminTokens(t *testing.T) {
	srv := newServer(t)
	tok := newToken(t, srv, "reporter", url.Values{"name": {"máy của xã"}, "scope": {"read"}, "expires": {"2030-12-31"}})
	body := get(t, srv, "/admin/tokens", http.StatusOK)
	var row string
	for _, r := range rowsOf(body, "data-token=") {
		if strings.Contains(r, "máy của xã") {
			row = r
		}
	}
	if row == "" || !strings.Contains(row, ">reporter<") || !strings.Contains(row, tok[:8]) || !strings.Contains(row, "Chỉ đọc API") ||
		!strings.Contains(row, "01/01/2031") || strings.Contains(body, tok) {
		t.Fatalf("the reporter's token in the list:\n%s", row)
	}
	id := attrOf(row, "data-token")
	for _, as := range []string{"planner", "reporter", "viewer"} {
		if resp, _ := do(t, srv, "GET", "/admin/tokens", nil, "", map[string]string{"X-Test-As": as}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s lists tokens: %d", as, resp.StatusCode)
		}
		if resp, _ := do(t, srv, "POST", "/admin/tokens/"+id+"/revoke", url.Values{}, "", map[string]string{"X-Test-As": as}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s revokes a token: %d", as, resp.StatusCode)
		}
	}
	// Another user cannot revoke it from their own account page either.
	if resp, _ := do(t, srv, "POST", "/account/tokens/"+id+"/revoke", url.Values{}, "", map[string]string{"X-Test-As": "reporter2"}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("reporter2 revoking reporter's token: %d, want 404", resp.StatusCode)
	}
	bearer := map[string]string{"X-Test-As": "anonymous", "Authorization": "Bearer " + tok}
	if resp, _ := do(t, srv, "GET", "/api/plans", nil, "", bearer); resp.StatusCode != 200 {
		t.Fatalf("token before the administrator revokes it: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "POST", "/admin/tokens/"+id+"/revoke", url.Values{}, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin revoke: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "GET", "/api/plans", nil, "", bearer); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("token revoked by the administrator: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "POST", "/admin/tokens/99999/revoke", url.Values{}, "", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown token: %d", resp.StatusCode)
	}
}

// TestLoginNext: after sign-in only a path of this site is followed. A
// signed-in user at /login?next=… is sent on at once, through the same
// check as after a login.
func TestLoginNext(t *testing.T) {
	srv := sharedServer(t)
	for _, tc := range []struct{ next, want string }{
		{"/plans/1?x=y", "/plans/1?x=y"},
		{"/units", "/units"},
		{"/units#top", "/units#top"},
		{"/%09/evil.example", "/"},                             // a tab browsers drop: "//evil.example"
		{"/\t/evil.example", "/"},                              // the same, decoded
		{"/\n/evil.example", "/"},                              // a newline too
		{"//evil.example", "/"},                                // scheme-relative
		{"/\\evil.example", "/"},                               // browsers read "\" as "/"
		{"/%5Cevil.example", "/"},                              // the same, encoded
		{"/%2F/evil.example", "/"},                             // "//" once decoded
		{"https://evil.example", "/"},                          // absolute
		{"https:/evil.example", "/"},                           // a scheme without host
		{"javascript:alert(1)", "/"},                           // not a path
		{"evil.example", "/"},                                  // relative
		{"", "/"},                                              // none
		{"/ok?next=//evil.example", "/ok?next=//evil.example"}, // a query is not a host
	} {
		t.Run(tc.next, func(t *testing.T) {
			resp, _ := do(t, srv, "GET", "/login?"+url.Values{"next": {tc.next}}.Encode(), nil, "", map[string]string{"X-Test-As": "viewer"})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
				t.Errorf("next=%q → %d %q, want %q", tc.next, resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
		})
	}
}

// clientFrom returns an HTTP client whose connections come from the
// loopback address ip (Linux answers on all of 127.0.0.0/8), so that a
// test can sign in from several addresses.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{
		Transport:     &http.Transport{DialContext: d.DialContext},
		CheckRedirect: client.CheckRedirect,
		Timeout:       60 * time.Second,
	}
}

// loginFrom posts the login form from ip and returns the status and
// whether a session began.
func loginFrom(t *testing.T, c *http.Client, srv *httptest.Server, username, password string) (int, bool) {
	t.Helper()
	form := url.Values{"username": {username}, "password": {password}}
	req, err := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, sessionCookieOf(resp) != nil
}

// fastThrottle makes the login delays short, so that the tests of their
// effect do not take the seconds they take in production.
func fastThrottle(c *web.Config) {
	c.LoginDelay = 5 * time.Millisecond
	c.LoginMaxDelay = 40 * time.Millisecond
}

// TestLoginNoLockout: wrong passwords sent by anyone for an account do not
// stop its owner, elsewhere, from signing in with the right one (the
// answer may come later, never refused).
func TestLoginNoLockout(t *testing.T) {
	srv, stop, err := startServerWith(t.TempDir(), fastThrottle)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	attacker, owner := clientFrom("127.0.0.2"), clientFrom("127.0.0.3")
	for i := range 10 {
		if code, ok := loginFrom(t, attacker, srv, "planner", fmt.Sprintf("đoán-bừa-%d", i)); ok || (code != http.StatusUnauthorized && code != http.StatusTooManyRequests) {
			t.Fatalf("wrong password %d: %d, session %v", i+1, code, ok)
		}
	}
	if code, ok := loginFrom(t, owner, srv, "planner", testPassword); !ok {
		t.Fatalf("the owner's right password after 10 wrong ones from elsewhere: %d, no session", code)
	}
	// Nor from the attacker's own address, after the spree.
	if code, ok := loginFrom(t, attacker, srv, "planner", testPassword); !ok {
		t.Errorf("the right password from the same address: %d, no session", code)
	}
}

// TestLoginSprayDoesNotLockAddress: 200 failed logins with random
// usernames from one address (every user behind the documented proxy
// shares it) do not stop a real user there from signing in.
func TestLoginSprayDoesNotLockAddress(t *testing.T) {
	srv, stop, err := startServerWith(t.TempDir(), fastThrottle)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	office := clientFrom("127.0.0.4")
	// Passwords too long to be ours are refused without hashing: the
	// spray costs the test no argon2id time, and each is still a failure.
	long := strings.Repeat("x", 4*kehoach.PasswordMaxLen+1)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range 200 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			loginFrom(t, office, srv, fmt.Sprintf("khongco%03d", i), long)
		}()
	}
	wg.Wait()
	if code, ok := loginFrom(t, office, srv, "viewer", testPassword); !ok {
		t.Fatalf("a real user behind the sprayed address: %d, no session", code)
	}
}

// TestLoginBusy: when more logins arrive at once than the hashing gate
// lets through, the excess waits in line for a short time, then is told
// the server is busy (503, Retry-After) instead of each taking 19 MiB; at
// no time are more hashes running than the gate allows. Logins for
// unknown names (the dummy hash) go through the same gate.
func TestLoginBusy(t *testing.T) {
	srv := newServer(t)
	limit, wait := auth.Hashing.Limit()
	auth.Hashing.SetLimit(2, 30*time.Millisecond)
	defer auth.Hashing.SetLimit(limit, wait)
	auth.Hashing.ResetStats()

	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clientFrom(fmt.Sprintf("127.0.1.%d", i+1))
			name := fmt.Sprintf("khongco%d", i) // an unknown name: the dummy hash
			if i%2 == 0 {
				name = testUsers[i%len(testUsers)].name // a real account, wrong password
			}
			form := url.Values{"username": {name}, "password": {"sai-mật-khẩu-rồi"}}
			req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", srv.URL)
			resp, err := c.Do(req)
			if err != nil {
				t.Errorf("login %d: %v", i, err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable && (resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "Máy chủ đang bận")) {
				t.Errorf("503 without Retry-After or the message: %q", resp.Header.Get("Retry-After"))
			}
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	_, peak, refused := auth.Hashing.Stats()
	t.Logf("answers %v; peak hashes in flight %d; refused %d", codes, peak, refused)
	if peak > 2 {
		t.Errorf("%d hashes ran at once, the gate allows 2", peak)
	}
	if codes[http.StatusServiceUnavailable] == 0 || codes[http.StatusUnauthorized] == 0 || codes[http.StatusServiceUnavailable]+codes[http.StatusUnauthorized] != 24 {
		t.Errorf("answers %v: want some 401 (checked) and some 503 (busy), nothing else", codes)
	}
	// The rush over, logins work again.
	if code, ok := loginFrom(t, clientFrom("127.0.2.1"), srv, "viewer", testPassword); !ok {
		t.Errorf("after the rush: %d", code)
	}
}

// TestLoginFloodLeavesOthersATurn: one address sending failed logins as
// fast as it can, with made-up names so that no per-account wait slows it,
// holds at most half the hashing slots: a person elsewhere still signs in
// at once instead of being told the server is busy.
func TestLoginFloodLeavesOthersATurn(t *testing.T) {
	srv := newServer(t)
	limit, wait := auth.Hashing.Limit()
	auth.Hashing.SetLimit(4, 50*time.Millisecond)
	defer auth.Hashing.SetLimit(limit, wait)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	flood := clientFrom("127.0.0.9")
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				loginFrom(t, flood, srv, fmt.Sprintf("ke-tan-cong-%d-%d", i, n), "sai-mật-khẩu-rồi")
			}
		}()
	}
	time.Sleep(300 * time.Millisecond) // the flood under way
	codes := []int{}
	person := clientFrom("127.0.0.10")
	for range 5 {
		code, _ := loginFrom(t, person, srv, "viewer", testPassword)
		codes = append(codes, code)
	}
	close(stop)
	wg.Wait()
	for _, c := range codes {
		if c != http.StatusSeeOther {
			t.Errorf("a person's logins during a flood from another address: %v, want all 303", codes)
			break
		}
	}
}
