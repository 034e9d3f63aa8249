package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kehoach/internal/store"
	"kehoach/internal/web"
)

// A full disk: the save answers 503 with the grid as typed and a message
// that the server cannot store figures now, and /healthz stops answering
// 200. The disk is made full without root: SQLite's max_page_count at the
// database's current size, on the writer connection.
func TestEntrySaveDiskFull(t *testing.T) {
	t.Parallel()
	var db *store.DB
	srv, stop, err := startServerWith(t.TempDir(), func(c *web.Config) { db = c.DB.(*store.DB) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	if resp, body := do(t, srv, http.MethodGet, "/healthz", nil, "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz before: %d %s", resp.StatusCode, body)
	}
	villages := villagesOf(t, srv, "XA_BANBO")
	ctx := context.Background()
	var pages int64
	if err := db.Writer().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}

	// Grids of new figures until one does not fit: the first saves may
	// still find room in pages not yet full.
	type grid struct {
		form, period string
		typed        map[string]string // UNIT.ELEMENT → value
	}
	var grids []grid
	for y := 2020; y <= 2025; y++ {
		g := grid{"BM_BAN_NAM", fmt.Sprint(y), map[string]string{}}
		for i, v := range villages {
			g.typed[v+".HGD_TONG"] = fmt.Sprint(7000 + 13*i + y)
			g.typed[v+".HGD_VH"] = fmt.Sprint(3000 + 11*i + y)
		}
		grids = append(grids, g)
	}
	for y := 2020; y <= 2024; y++ {
		for q := 1; q <= 4; q++ {
			g := grid{"BM_BAN", fmt.Sprintf("%dQ%d", y, q), map[string]string{}}
			for i, v := range villages {
				g.typed[v+".BAN_LOA"] = fmt.Sprint(i%2 == 0)
				g.typed[v+".BAN_NVH"] = "true"
				g.typed[v+".BAN_NVH_CHUAN"] = fmt.Sprint(i%3 == 0)
			}
			grids = append(grids, g)
		}
	}
	var full *grid
	var body string
	for i, g := range grids {
		f := url.Values{"unit": {"XA_BANBO"}, "form": {g.form}, "period": {g.period}}
		for k, v := range g.typed {
			f.Set("v."+k, v)
		}
		var resp *http.Response
		resp, body = do(t, srv, http.MethodPost, "/entry", f, "", nil)
		if resp.StatusCode == http.StatusServiceUnavailable {
			full = &grids[i]
			break
		}
		// Saved, or refused for a locked grid: the disk is not full yet.
		if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("save %s %s: status %d, want 303, 422 or 503; body:\n%s", g.form, g.period, resp.StatusCode, excerpt(body))
		}
	}
	if full == nil {
		t.Fatalf("%d grids saved on a database that cannot grow: the test proves nothing", len(grids))
	}
	for _, want := range []string{"không lưu được số liệu", "chưa lưu số liệu nào", "quản trị viên"} {
		if !strings.Contains(body, want) {
			t.Errorf("503 page lacks %q:\n%s", want, excerpt(body))
		}
	}
	// Every cell shows what was typed, not what is stored.
	for k, typed := range full.typed {
		cell := cellOf(t, body, k)
		got := inputValue(cell)
		if got == "<no input>" {
			got = selectedOption(cell)
		}
		if got != typed {
			t.Errorf("%s shows %q after the failed save, want the typed %q", k, got, typed)
		}
	}
	resp, hb := do(t, srv, http.MethodGet, "/healthz", nil, "", nil)
	if resp.StatusCode == http.StatusOK {
		t.Errorf("/healthz = 200 %s on a database that cannot store", hb)
	}
	if !strings.Contains(hb, "không lưu được") {
		t.Errorf("/healthz body %q does not say why", hb)
	}
}
