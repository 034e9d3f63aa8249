package loadtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"kehoach/internal/app"
)

// DefaultTestPG is the PostgreSQL server the load test uses when neither
// --pg nor KEHOACH_TEST_PG names one.
const DefaultTestPG = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// LocalOptions sets up RunLocal.
type LocalOptions struct {
	// Backend is "sqlite" (one server on a fresh file) or "postgres"
	// (Servers servers on a fresh database made on the server of PG).
	Backend string
	Servers int
	// PG is a URL of an existing database on the PostgreSQL server, used
	// to create and drop the test's own database.
	PG string
	// Dir holds the SQLite file; "" makes a temporary directory.
	Dir string
	// The rest is passed to Config.
	Reporters, Leaders int
	Communes           int
	Duration           time.Duration
	Seed               uint64
	// Log receives progress lines and the servers' warnings.
	Log io.Writer
	// CPUProfile receives a CPU profile of the work phase when set.
	CPUProfile io.Writer
}

// RunLocal boots fresh servers with the demo on loopback, plays the load
// test against them (Run), shuts them down and removes the
// database. The whole run is bounded: the load test's own deadline, plus
// a margin for start-up, accounts and the check.
func RunLocal(ctx context.Context, o LocalOptions) (*Result, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Duration <= 0 {
		o.Duration = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, 2*o.Duration+10*time.Minute)
	defer cancel()
	var dbURL string
	switch o.Backend {
	case "", "sqlite":
		o.Backend, o.Servers = "sqlite", 1
		dir := o.Dir
		if dir == "" {
			tmp, err := os.MkdirTemp("", "kehoach-loadtest-")
			if err != nil {
				return nil, err
			}
			defer os.RemoveAll(tmp)
			dir = tmp
		}
		dbURL = "sqlite:" + filepath.Join(dir, fmt.Sprintf("loadtest-%d.db", time.Now().UnixNano()))
	case "postgres":
		if o.Servers <= 0 {
			o.Servers = 3
		}
		u, drop, err := freshPostgres(ctx, o.PG)
		if err != nil {
			return nil, err
		}
		defer drop()
		dbURL = u
	default:
		return nil, fmt.Errorf("loadtest: backend %q: want sqlite or postgres", o.Backend)
	}

	// The servers start together, as a province's would behind a load
	// balancer: one migrates and loads the demo, the others wait.
	log := slog.New(slog.NewTextHandler(o.Log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	servers := make([]*app.Server, o.Servers)
	errs := make([]error, o.Servers)
	var wg sync.WaitGroup
	for i := range servers {
		servers[i] = &app.Server{Addr: "127.0.0.1:0", DB: dbURL, Demo: true, Log: log}
		wg.Go(func() { errs[i] = servers[i].Open(ctx) })
	}
	wg.Wait()
	defer func() {
		for _, s := range servers {
			s.Close()
		}
	}()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, len(servers))
	urls := make([]string, len(servers))
	for i, s := range servers {
		urls[i] = s.URL()
		go func() { done <- s.Run(runCtx) }()
	}
	stopped := false
	shutdown := func() error {
		if stopped {
			return nil
		}
		stopped = true
		stop()
		var errs []error
		for range servers {
			errs = append(errs, <-done)
		}
		return errors.Join(errs...)
	}
	defer shutdown()
	fmt.Fprintf(o.Log, "loadtest: %d server(s) on %s (%s)\n", len(servers), strings.Join(urls, ", "), app.Redact(dbURL))

	res, err := Run(ctx, Config{
		URLs:       urls,
		DB:         servers[0].Store(),
		Reporters:  o.Reporters,
		Leaders:    o.Leaders,
		Communes:   o.Communes,
		Duration:   o.Duration,
		Seed:       o.Seed,
		Log:        o.Log,
		CPUProfile: o.CPUProfile,
	})
	if res != nil {
		res.Backend = o.Backend
	}
	if serr := shutdown(); err == nil && serr != nil {
		err = fmt.Errorf("loadtest: shutdown: %w", serr)
	}
	return res, err
}

// freshPostgres creates an empty database on the server of admin (a URL
// of an existing database there, on loopback) and returns its URL and a
// function that drops it.
func freshPostgres(ctx context.Context, admin string) (string, func(), error) {
	if admin == "" {
		admin = DefaultTestPG
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("loadtest: --pg %q: want a postgres:// URL", app.Redact(admin))
	}
	if err := loopbackHost(u); err != nil {
		return "", nil, err
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("kh_loadtest_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("loadtest: create database on %s: %w", app.Redact(admin), err)
	}
	drop := func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db.ExecContext(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		db.Close()
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// loopbackHost refuses a PostgreSQL server that is not on this machine:
// the load test creates and drops databases.
func loopbackHost(u *url.URL) error {
	host := u.Hostname()
	if host == "" {
		host = u.Query().Get("host")
	}
	if host == "" || host == "localhost" || strings.HasPrefix(host, "/") {
		return nil // default, or a Unix socket
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("loadtest: PostgreSQL at %s is not on loopback; the load test runs on this machine only", host)
}
