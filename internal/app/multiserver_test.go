package app

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"kehoach"
	"kehoach/internal/pgtest"
)

// TestServersSharePostgres runs two servers on one PostgreSQL database, as
// a province would behind a load balancer: they start at the same moment
// (one migrates and loads the demo, the other waits), a session made on A
// works on B, and a figure saved through A is in B's very next answer.
func TestServersSharePostgres(t *testing.T) {
	dbURL := pgtest.Database(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	servers := []*Server{{Addr: "127.0.0.1:0", DB: dbURL, Demo: true}, {Addr: "127.0.0.1:0", DB: dbURL, Demo: true}}
	var wg sync.WaitGroup
	errs := make([]error, len(servers))
	for i, s := range servers {
		wg.Go(func() { errs[i] = s.Open(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
	}
	done := make(chan error, len(servers))
	for _, s := range servers {
		defer s.Close()
		go func() { done <- s.Run(ctx) }()
	}
	a, b := servers[0], servers[1]
	accounts := append(a.DemoAccounts, b.DemoAccounts...)
	if len(accounts) != 5 {
		t.Fatalf("demo accounts made %d times over; want one set of 5", len(accounts))
	}
	var admin DemoAccount
	for _, acc := range accounts {
		if acc.Role == kehoach.RoleAdmin {
			admin = acc
		}
	}

	// Sign in on A; the cookie opens B.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(a.URL()+"/login", url.Values{"username": {admin.Username}, "password": {admin.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	au, _ := url.Parse(a.URL())
	cookies := jar.Cookies(au)
	if len(cookies) == 0 {
		t.Fatal("no session cookie from A")
	}
	get := func(base, path string) string {
		req, _ := http.NewRequest("GET", base+path, nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s%s: %d %.200s", base, path, resp.StatusCode, body)
		}
		return string(body)
	}
	q := "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2025Q4&dimension=ou:X25_BANBO&includeNumDen=true"
	before := get(b.URL(), q)

	// Save through A: every village of Bản Bo loses its loudspeakers.
	form := url.Values{"unit": {"X25_BANBO"}, "form": {"BM_BAN"}, "period": {"2025Q4"}}
	villages, err := a.Store().FindUnits(ctx, kehoach.UnitFilter{Parent: "X25_BANBO", Kind: kehoach.KindVillage})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range villages {
		form.Set("v."+v.Code+".BAN_LOA", "false")
	}
	req, _ := http.NewRequest("POST", a.URL()+"/entry", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save through A: %d", resp.StatusCode)
	}
	after := get(b.URL(), q)
	if after == before || !strings.Contains(after, `"X25_BANBO","0","0",`) {
		t.Fatalf("B's next answer does not show A's save:\nbefore %s\nafter  %s", before, after)
	}
	cancel()
	for range servers {
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}
}
