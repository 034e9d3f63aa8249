// Package app wires the program: configuration → store → services → web.
// It is the only package that sees concrete types; the command line
// (internal/cli), the harnesses and the end-to-end tests use it. It holds
// the Server (Open, Run, Close), opening a database, and the demo.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/auth"
	"kehoach/internal/demo"
	"kehoach/internal/locale"
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
	// AllowSelfApproval lets whoever submitted a grid approve it too (off:
	// approval takes a second person).
	AllowSelfApproval bool
	// Now is the one clock of the server, given to the store, the web and
	// the analytics engine so that they agree on "now"; nil means
	// time.Now. Tests set it.
	Now kehoach.Clock

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
	if s.Now == nil {
		s.Now = time.Now
	}
	// Listen first: a port already taken is said at once, not after the
	// demo and the figures have been loaded.
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return &ListenError{Addr: s.Addr, Err: err}
	}
	db, err := OpenDB(ctx, s.DB)
	if err != nil {
		ln.Close()
		return err
	}
	db.Now = s.Now
	db.AllowSelfApproval = s.AllowSelfApproval
	s.store = db
	s.listener = ln
	fail := func(err error) error {
		ln.Close()
		db.Close()
		return err
	}
	if s.Demo {
		loaded, err := LoadDemoIfEmpty(ctx, db)
		if err != nil {
			return fail(err)
		}
		if loaded {
			s.Log.Info("demo loaded", "db", s.DB)
			accounts, err := CreateDemoAccounts(ctx, db)
			if err != nil {
				return fail(err)
			}
			s.DemoAccounts = accounts
		}
	}
	s.engine = analytics.New(db)
	s.engine.Now = s.Now
	start := time.Now()
	if err := s.engine.Refresh(ctx); err != nil {
		return fail(fmt.Errorf("app: load analytics: %w", err))
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
		// Speed (issue 16): the plan and target pages read results computed
		// once per data version (analytics.Cached).
		Services:      ServicesOf(db, analytics.NewCached(s.engine)),
		DB:            db,
		Log:           s.Log,
		DemoNote:      demo.NoteText(),
		Now:           s.Now,
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
	return nil
}

// ListenError is a server that could not listen on its address, most
// often because another program holds the port.
type ListenError struct {
	Addr string
	Err  error
}

func (e *ListenError) Error() string { return fmt.Sprintf("app: listen %s: %v", e.Addr, e.Err) }

func (e *ListenError) Unwrap() error { return e.Err }

// InUse reports whether the address is taken by another program.
func (e *ListenError) InUse() bool {
	if errors.Is(e.Err, syscall.EADDRINUSE) {
		return true
	}
	// Windows says WSAEADDRINUSE, which syscall does not name there.
	msg := strings.ToLower(e.Err.Error())
	return strings.Contains(msg, "address already in use") || strings.Contains(msg, "only one usage of each socket address")
}

// URL returns the server's base URL. A server listening on every
// interface (0.0.0.0, ::) is named by its loopback address, which this
// machine can always dial.
func (s *Server) URL() string {
	addr, ok := s.listener.Addr().(*net.TCPAddr)
	if !ok {
		return "http://" + s.listener.Addr().String()
	}
	if addr.IP == nil || addr.IP.IsUnspecified() {
		return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(addr.Port))
	}
	return "http://" + addr.String()
}

// AllInterfaces reports whether the server listens on every interface, so
// that the other computers of the network reach it.
func (s *Server) AllInterfaces() bool {
	addr, ok := s.listener.Addr().(*net.TCPAddr)
	return ok && (addr.IP == nil || addr.IP.IsUnspecified())
}

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

// OpenDB opens and migrates a database, and refuses one that a killed
// `kehoach gen` left half loaded (ECONFLICT, saying how to finish it):
// serving or changing it would pass a partial dataset off as whole.
func OpenDB(ctx context.Context, url string) (*store.DB, error) {
	db, err := MigrateDB(ctx, url)
	if err != nil {
		return nil, err
	}
	run, err := db.GenInProgress(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if run != nil {
		db.Close()
		return nil, GenUnfinished(run)
	}
	return db, nil
}

// GenUnfinished is the error for a database whose gen run did not finish.
func GenUnfinished(run *store.GenRun) error {
	return kehoach.Errorf(kehoach.ECONFLICT,
		"cơ sở dữ liệu này chưa sinh xong dữ liệu tổng hợp: lệnh kehoach gen (quy mô %s, hạt giống %d) bắt đầu lúc %s đã dừng giữa chừng, dữ liệu còn thiếu; "+
			"hãy chạy lại đúng lệnh đó để hoàn tất: kehoach gen --scale %s --seed %d --db …",
		run.Scale, run.Seed, locale.VI.DateTime(run.StartedAt), run.Scale, run.Seed)
}

// MigrateDB opens and migrates a database without the check of OpenDB;
// only `kehoach gen`, which finishes what it started, opens it this way.
func MigrateDB(ctx context.Context, url string) (*store.DB, error) {
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
	ctx = kehoach.NewContextWithActor(ctx, kehoach.SystemActor("demo"))
	// Issue 10: the accounts' units are the 2022 plan's; their scopes are
	// where those units went by today (Bản Bo's reporter reports for the
	// new commune of Bản Bo).
	b, err := demo.TamDuongAt(db.Now())
	if err != nil {
		return nil, err
	}
	today := kehoach.DateOf(db.Now())
	for i := range accounts {
		a := &accounts[i]
		a.Password = auth.NewPassword()
		u := &kehoach.User{Username: a.Username, Role: a.Role}
		if a.Unit != "" {
			u.EntryScope = demo.Successors(b, a.Unit, today)
			a.Unit = strings.Join(u.EntryScope, ",")
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
	b, err := demo.TamDuongAt(db.Now()) // issue 10: figures up to the clock's last quarter
	if err != nil {
		return false, err
	}
	loaded, err := db.LoadBundleIfEmpty(ctx, b, "demo")
	if err != nil {
		return false, fmt.Errorf("app: load demo: %w", err)
	}
	return loaded, nil
}

// Redact hides the password of a database URL, for printing it.
func Redact(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if at := strings.LastIndex(url, "@"); at > i {
			cred := url[i+3 : at]
			if c := strings.Index(cred, ":"); c >= 0 {
				return url[:i+3] + cred[:c] + ":***" + url[at:]
			}
		}
	}
	return url
}

// ServicesOf is every service of the store, with a the analytics: the one
// place that says which concrete type serves what (the server and the
// benchmarks use it).
func ServicesOf(db *store.DB, a kehoach.AnalyticsService) kehoach.Services {
	return kehoach.Services{Units: db, Plans: db, Data: db, Analytics: a, Users: db, Submissions: db, Audit: db,
		Reports: db,              // reports (issue 12)
		Import:  db, Bundles: db, // exchange (issue 13)
		Tasks: db, Reviews: db, // tasks (issue 11)
		Bounds: db, // plausibility (issue 9)
	}
}
