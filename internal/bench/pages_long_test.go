package bench

import (
	"bytes"
	"context"
	"hash/fnv"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kehoach"
	"kehoach/internal/gen"
	"kehoach/internal/store"
	"kehoach/internal/vntext"
)

// A target's breakdown by the 100,000 villages of the national dataset
// (issue 16) is sorted on the server by name (Vietnamese order), by value
// both ways and by status, and paged: every page, first, second and last,
// under 200 KB with the rows in order, also across the page boundary.
// The units are those of `kehoach gen --scale national`, renamed so that
// byte order would put them wrong; the figures are one quarter's cultural
// houses, enough to break the target down.
func TestBreakdownOf100000Villages(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 103,356 units")
	}
	ctx := context.Background()
	spec, err := gen.Build(gen.ScaleNational, 1)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "villages.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Names where Vietnamese order is not byte order (Ấp, Đ, Ơ after Z in
	// bytes), repeated as village names are across communes.
	words := []string{"Zô", "Ấp", "An", "Đông", "Dương", "Ơn", "Ô", "Bản", "Thôn"}
	for i, v := range spec.Villages() {
		v.Name = words[(i*7)%len(words)] + " " + strconv.Itoa(i%97)
	}
	const at = "2025Q4"
	start := time.Now()
	if _, err := db.BulkLoad(ctx, spec.Bundle, "gen", func(yield func(kehoach.DataValue) error) error {
		for _, v := range spec.Villages() {
			h := fnv.New32a()
			h.Write([]byte(v.Code))
			meets := strconv.FormatBool(h.Sum32()%10 < 6)
			for _, dv := range []kehoach.DataValue{{Element: gen.B01, Unit: v.Code, Period: at, Value: "true"}, {Element: gen.B02, Unit: v.Code, Period: at, Value: meets}} {
				if err := yield(dv); err != nil {
					return err
				}
			}
		}
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d villages in %s", len(spec.Villages()), time.Since(start).Round(time.Millisecond))
	e, _ := NewEngine(db, false)
	if err := e.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	q, err := Discover(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	routes, err := RoutesOf(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ServePages(ctx, db, e)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	session, err := signIn(ctx, client, srv.URL, srv.Username, srv.Password)
	if err != nil {
		t.Fatal(err)
	}
	base := strings.SplitN(routes.Targets[0], "&", 2)[0] + "&period=" + at
	rowRE := regexp.MustCompile(`(?s)<tr data-unit="([^"]+)">\s*<td><a href="/units/[^"]+">([^<]+)(?:<span[^>]*>[^<]*</span>)?</a></td>\s*<td class="num">([^<]*)<br>.*?</tr>`)
	statusRE := regexp.MustCompile(`st-(achieved|off_track|no_data|at_risk|on_track)`)
	type row struct{ code, name, value, status string }
	get := func(path string) ([]row, int, time.Duration) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Cookie", "kehoach_session="+session)
		began := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(began)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		if len(body) >= 200<<10 {
			t.Errorf("GET %s: %d bytes, want under 200 KB", path, len(body))
		}
		var rows []row
		for _, m := range rowRE.FindAllSubmatch(body, -1) {
			st := statusRE.FindSubmatch(m[0])
			if st == nil {
				t.Fatalf("no status in %s", m[0])
			}
			rows = append(rows, row{string(m[1]), strings.TrimSpace(string(m[2])), string(m[3]), string(st[1])})
		}
		pages, _ := strconv.Atoi(string(regexp.MustCompile(`data-pages="(\d+)"`).FindSubmatch(body)[1]))
		return rows, pages, took
	}
	value := func(r row) float64 {
		if r.value == "–" {
			return -1
		}
		v, err := strconv.ParseFloat(strings.NewReplacer(".", "", ",", ".", "%", "", " ", "").Replace(r.value), 64)
		if err != nil {
			t.Fatalf("value %q: %v", r.value, err)
		}
		return v
	}
	rank := map[string]int{"no_data": 0, "off_track": 1, "at_risk": 2, "on_track": 3, "achieved": 4}
	inOrder := map[string]func(a, b row) bool{
		"":       func(a, b row) bool { return rank[a.status] <= rank[b.status] }, // no figures, not met, met
		"name":   func(a, b row) bool { return bytes.Compare(vntext.SortKey(a.name), vntext.SortKey(b.name)) <= 0 },
		"value":  func(a, b row) bool { return value(a) <= value(b) },
		"-value": func(a, b row) bool { return value(a) == -1 || (value(b) != -1 && value(a) >= value(b)) },
		"status": func(a, b row) bool {
			return rank[a.status] < rank[b.status] || (a.status == b.status && bytes.Compare(vntext.SortKey(a.name), vntext.SortKey(b.name)) <= 0)
		},
	}
	for _, sort := range []string{"", "name", "value", "-value", "status"} {
		path := base
		if sort != "" {
			path += "&sort=" + sort
		}
		first, pages, took := get(path)
		if pages != 500 || len(first) != 200 {
			t.Fatalf("sort %q: %d pages, %d rows on the first; want 500 of 200 (100,000 villages)", sort, pages, len(first))
		}
		second, _, took2 := get(path + "&page=2")
		last, _, took3 := get(path + "&page=500")
		t.Logf("sort %-7q first page %s, second %s, last %s", sort, took.Round(time.Millisecond), took2.Round(time.Millisecond), took3.Round(time.Millisecond))
		// Any pages of a sorted list, in order, are in order: pages 1 and 2
		// (across their boundary), every 20th, and the last.
		seq := append(append([]row{}, first...), second...)
		for p := 20; p < 500; p += 20 {
			rows, _, _ := get(path + "&page=" + strconv.Itoa(p))
			seq = append(seq, rows...)
		}
		seq = append(seq, last...)
		for i := 1; i < len(seq); i++ {
			if !inOrder[sort](seq[i-1], seq[i]) {
				t.Errorf("sort %q: %+v before %+v", sort, seq[i-1], seq[i])
				break
			}
		}
		if first[0] == second[0] || first[0].code == last[len(last)-1].code {
			t.Errorf("sort %q: the pages repeat rows", sort)
		}
	}
}
