package web_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"kehoach"
	"kehoach/internal/store"
)

// A token with an expiry answers until then and is refused after, by the
// server's one clock: the store decides, whatever page or API asks.
func TestTokenExpiresOverHTTP(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(testNow.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()).UTC() }
	srv, db, stop, err := openServer(t.TempDir(), func(db *store.DB) { db.Now = clock }, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
	u, err := db.FindUserByUsername(ctx, "viewer")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := db.CreateToken(ctx, u.ID, kehoach.TokenOptions{Name: "một giờ", ExpiresAt: testNow.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	bearer := map[string]string{"X-Test-As": "anonymous", "Authorization": "Bearer " + tok}
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{
		{0, http.StatusOK},
		{59 * time.Minute, http.StatusOK},
		{time.Hour, http.StatusUnauthorized},
		{30 * 24 * time.Hour, http.StatusUnauthorized},
	} {
		now.Store(testNow.Add(tc.after).UnixNano())
		if resp, body := do(t, srv, "GET", "/api/plans", nil, "", bearer); resp.StatusCode != tc.want {
			t.Errorf("%v after it was made: %d, want %d: %s", tc.after, resp.StatusCode, tc.want, body)
		}
	}
}
