// Package app wires the program: configuration → store → services → web.
// It is the only package that sees concrete types; main and the end-to-end
// tests use it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/auth"
	"kehoach/internal/demo"
	"kehoach/internal/store"
	"kehoach/internal/web"
)

// DefaultDB is the database used when neither --db nor KEHOACH_DB is given.
const DefaultDB = "sqlite:kehoach.db"

// Server is a running kehoach server: Open it, then Run, then Close.
type Server struct {
	Addr string // listen address; "127.0.0.1:0" picks a free port
	DB   string // database URL
	// Demo loads the demo into an empty database.
	Demo bool
	// DemoAccounts are the accounts made with the demo, with their
	// passwords: known only at that first start.
	DemoAccounts []DemoAccount
	Log          *slog.Logger
	Out          io.Writer // where the start-up message goes
	// SecureCookies marks session cookies Secure behind a proxy that
	// terminates TLS (the server itself then sees plain HTTP).
	SecureCookies bool

	store    *store.DB
	engine   *analytics.Engine
	listener net.Listener
	http     *http.Server

	// background work (the analytics snapshot) stops and is waited for at Close.
	bg       sync.WaitGroup
	bgCancel context.CancelFunc
}

// snapshotAfterRows: when the engine had to read more figures than this row
// by row, it writes a snapshot so the next start is fast.
const snapshotAfterRows = 200_000

// Open opens and migrates the database, loads the demo when asked and the
// database is empty, and starts listening (so that URL is known before Run).
func (s *Server) Open(ctx context.Context) error {
	if s.Log == nil {
		s.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.Out == nil {
		s.Out = io.Discard
	}
	db, err := OpenDB(ctx, s.DB)
	if err != nil {
		return err
	}
	s.store = db
	if s.Demo {
		loaded, err := LoadDemoIfEmpty(ctx, db)
		if err != nil {
			db.Close()
			return err
		}
		if loaded {
			s.Log.Info("demo loaded", "db", s.DB)
			accounts, err := CreateDemoAccounts(ctx, db)
			if err != nil {
				db.Close()
				return err
			}
			s.DemoAccounts = accounts
		}
	}
	s.engine = analytics.New(db)
	start := time.Now()
	if err := s.engine.Refresh(ctx); err != nil {
		db.Close()
		return fmt.Errorf("app: load analytics: %w", err)
	}
	fromSnapshot, rows := s.engine.LoadStats()
	s.Log.Info("analytics loaded", "from_snapshot", fromSnapshot, "rows_read", rows, "duration", time.Since(start).Round(time.Millisecond))
	bgctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.bgCancel = cancel
	if rows > snapshotAfterRows {
		s.bg.Go(func() {
			if err := s.engine.SaveSnapshot(bgctx); err != nil && bgctx.Err() == nil {
				s.Log.Warn("analytics snapshot", "err", err)
			}
		})
	}
	h := web.New(web.Config{
		Services:      kehoach.Services{Units: db, Plans: db, Data: db, Analytics: s.engine, Users: db, Submissions: db, Audit: db},
		DB:            db,
		Log:           s.Log,
		DemoNote:      demo.NoteText(),
		SecureCookies: s.SecureCookies,
	})
	s.http = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
	if s.listener, err = net.Listen("tcp", s.Addr); err != nil {
		db.Close()
		return fmt.Errorf("app: listen %s: %w", s.Addr, err)
	}
	return nil
}

// URL returns the server's base URL.
func (s *Server) URL() string { return "http://" + s.listener.Addr().String() }

// Run serves until ctx is cancelled, then shuts down gracefully: requests
// in flight finish (up to 15 s), then the database is closed.
func (s *Server) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.listener) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	err := s.http.Shutdown(shutdown)
	<-errc
	return err
}

// Close stops background work and closes the database.
func (s *Server) Close() error {
	if s.bgCancel != nil {
		s.bgCancel()
	}
	s.bg.Wait()
	if s.store == nil {
		return nil
	}
	return s.store.Close()
}

// Engine returns the analytics engine, for tests and benchmarks.
func (s *Server) Engine() *analytics.Engine { return s.engine }

// Store returns the open store, for tests.
func (s *Server) Store() *store.DB { return s.store }

// OpenDB opens and migrates a database.
func OpenDB(ctx context.Context, url string) (*store.DB, error) {
	db, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// DemoAccount is an account made for trying the demo.
type DemoAccount struct {
	Username, Password, Role, Unit string
}

// CreateDemoAccounts makes one account per kind of user of the demo, each
// with its own random password: there is no default password.
func CreateDemoAccounts(ctx context.Context, db *store.DB) ([]DemoAccount, error) {
	accounts := []DemoAccount{
		{Username: "quantri", Role: kehoach.RoleAdmin},
		{Username: "vanhoa.huyen", Role: kehoach.RolePlanner},
		{Username: "xa.banbo", Role: kehoach.RoleReporter, Unit: "XA_BANBO"},
		{Username: "pheduyet.huyen", Role: kehoach.RoleApprover, Unit: "TAMDUONG"},
		{Username: "lanhdao", Role: kehoach.RoleViewer},
	}
	ctx = kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: "demo"})
	for i := range accounts {
		a := &accounts[i]
		a.Password = auth.NewPassword()
		u := &kehoach.User{Username: a.Username, Role: a.Role}
		if a.Unit != "" {
			u.EntryScope = []string{a.Unit}
		}
		if err := db.CreateUser(ctx, u, a.Password); err != nil {
			return nil, fmt.Errorf("app: demo account %s: %w", a.Username, err)
		}
	}
	return accounts, nil
}

// LoadDemoIfEmpty loads the demo bundle when the database holds no unit;
// of several servers starting at once, exactly one loads it.
func LoadDemoIfEmpty(ctx context.Context, db *store.DB) (bool, error) {
	units, err := db.FindUnits(ctx, kehoach.UnitFilter{Limit: 1})
	if err != nil || len(units) > 0 {
		return false, err
	}
	b, err := demo.TamDuong()
	if err != nil {
		return false, err
	}
	loaded, err := db.LoadBundleIfEmpty(ctx, b, "demo")
	if err != nil {
		return false, fmt.Errorf("app: load demo: %w", err)
	}
	return loaded, nil
}
