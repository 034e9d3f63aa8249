package app

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOneClock sets the server's clock and checks that the store, the web
// and the analytics engine all read it: a sign-in is recorded at that time,
// the audit export is named after it and the engine's "this year" is its.
func TestOneClock(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	at := time.Date(2031, 3, 4, 10, 0, 0, 0, time.UTC) // 17:00 in Vietnam
	s := &Server{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(t.TempDir(), "k.db"), Demo: true,
		Now: func() time.Time { return at }}
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() { cancel(); <-done }()

	if got := s.Store().Now(); !got.Equal(at) {
		t.Errorf("store clock: %v, want %v", got, at)
	}
	if got := s.Engine().Now(); !got.Equal(at) {
		t.Errorf("engine clock: %v, want %v", got, at)
	}
	var password string
	for _, a := range s.DemoAccounts {
		if a.Username == "quantri" {
			password = a.Password
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(s.URL()+"/login", url.Values{"username": {"quantri"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var created time.Time
	if err := s.Store().Reader().QueryRowContext(ctx, `SELECT created_at FROM sessions ORDER BY id DESC LIMIT 1`).Scan(&created); err != nil {
		t.Fatal(err)
	}
	if !created.Equal(at) {
		t.Errorf("session created at %v by the store, want %v", created, at)
	}
	resp, err = c.Get(s.URL() + "/admin/audit.csv")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "nhat-ky-20310304-1700") {
		t.Errorf("audit export named %q by the web, want the server's clock 20310304-1700 (status %d)", cd, resp.StatusCode)
	}
}
