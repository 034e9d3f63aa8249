package bench

import (
	"context"
	"net/http/httptest"
	"strconv"
	"time"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/app"
	"kehoach/internal/store"
	"kehoach/internal/web"
)

// PagesServer is the web handler over a database and its loaded engine,
// as `kehoach serve` wires them (the engine behind analytics.Cached), on a
// loopback port, with an administrator of its own to sign in as.
type PagesServer struct {
	URL, Username, Password string
	srv                     *httptest.Server
}

// ServePages boots the server; Close stops it.
func ServePages(ctx context.Context, db *store.DB, e *analytics.Engine) (*PagesServer, error) {
	actx := kehoach.NewContextWithActor(ctx, kehoach.SystemActor("bench"))
	s := &PagesServer{Username: "bench.pages." + strconv.FormatInt(time.Now().UnixNano(), 36), Password: "bench-pages-password-1"}
	if err := db.CreateUser(actx, &kehoach.User{Username: s.Username, Role: kehoach.RoleAdmin}, s.Password); err != nil {
		return nil, err
	}
	s.srv = httptest.NewServer(web.New(web.Config{Services: app.ServicesOf(db, analytics.NewCached(e)), DB: db}))
	s.URL = s.srv.URL
	return s, nil
}

// Close stops the server.
func (s *PagesServer) Close() { s.srv.Close() }
