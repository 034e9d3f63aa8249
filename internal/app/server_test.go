package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kehoach"
	"kehoach/period"
)

// TestGracefulShutdown checks that a request in flight when the server is
// told to stop still gets its whole answer.
func TestGracefulShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(t.TempDir(), "k.db"), Demo: true}
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	// A save whose body is still arriving: the handler is running, waiting
	// for the rest of the form, when the server is told to stop.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The demo's open grid: the quarter before the clock's, of a village of
	// today's Bản Bo (past quarters are approved and locked).
	open := period.Of(period.Quarterly, time.Now()).Prev().String()
	units, err := s.Store().FindUnits(ctx, kehoach.UnitFilter{Parent: "X25_BANBO", Kind: kehoach.KindVillage})
	if err != nil || len(units) == 0 {
		t.Fatalf("villages of X25_BANBO: %v %v", units, err)
	}
	village := units[0].Code
	form := "unit=X25_BANBO&form=BM_BAN&period=" + open + "&v." + village + ".BAN_LOA=false"
	admin, err := s.Store().FindUserByUsername(ctx, "quantri")
	if err != nil {
		t.Fatal(err)
	}
	session, _, err := s.Store().CreateSession(ctx, admin.ID, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("POST /entry HTTP/1.1\r\nHost: kehoach\r\nCookie: kehoach_session=%s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", session, len(form))
	if _, err := io.WriteString(conn, head+form[:10]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) with a request in flight", err)
	default:
	}
	if _, err := io.WriteString(conn, form[10:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save in flight answered %d, want 303", resp.StatusCode)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	vals, err := s.Store().FindDataValues(context.Background(), kehoach.DataValueFilter{Units: []string{village}, Periods: []string{open}, Elements: []string{"BAN_LOA"}})
	if err != nil || len(vals) != 1 || vals[0].Value != "false" {
		t.Fatalf("the save in flight was not kept: %v %v", vals, err)
	}
}
