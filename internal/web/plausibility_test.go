package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestPlausibility is issue 9's million households: 116 → 1.160.000 for a
// village is not saved without a word. The page shows the reason and the
// range beside the field (422, nothing saved); with "Số liệu đúng" or a
// comment it saves, and the approver sees the figure marked and listed
// ("cần kiểm tra").
func TestPlausibility(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	v := villagesOf(t, srv, "XA_BANBO")[1]
	key := v + ".HGD_TONG"
	q := "orgUnit=" + v + "&period=2024&dataSet=BM_BAN_NAM"
	stored := values(t, srv, q)[key+"/2024"]
	f := entryForm("XA_BANBO", "BM_BAN_NAM", "2024", key, "1.160.000")
	f.Set("o."+key, stored)
	resp, body := do(t, srv, http.MethodPost, "/entry", f, "", as("reporter"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422; body:\n%s", resp.StatusCode, excerpt(body))
	}
	cell := cellOf(t, body, key)
	for _, want := range []string{"Số liệu khác thường", "khác nhiều so với kỳ trước", "khoảng thường gặp", `name="k.` + key + `"`, `name="m.` + key + `"`} {
		if !strings.Contains(cell, want) {
			t.Errorf("cell lacks %q:\n%s", want, cell)
		}
	}
	if got := values(t, srv, q)[key+"/2024"]; got != stored {
		t.Fatalf("saved without confirmation: %q", got)
	}

	f.Set("m."+key, "Thôn mới sáp nhập, đã kiểm tra")
	resp, body = do(t, srv, http.MethodPost, "/entry", f, "", as("reporter"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("with a comment: status %d, want 303; body:\n%s", resp.StatusCode, excerpt(body))
	}
	if got := values(t, srv, q)[key+"/2024"]; got != "1160000" {
		t.Fatalf("after the comment: %q, want 1160000", got)
	}
	page := get(t, srv, "/entry?unit=XA_BANBO&form=BM_BAN_NAM&period=2024", http.StatusOK)
	if c := cellOf(t, page, key); !strings.Contains(c, `class="flag"`) || !strings.Contains(c, "cần kiểm tra: khác nhiều so với kỳ trước") || !strings.Contains(c, "Thôn mới sáp nhập") {
		t.Errorf("the approver's grid does not mark the figure:\n%s", c)
	}
	if !strings.Contains(page, `<section class="flags" aria-label="Cần kiểm tra"><h2>Cần kiểm tra (1)</h2>`) {
		t.Errorf("the approver's grid does not list the figure to check")
	}
	// A figure among its peers' and near last year's needs nothing (this
	// village's own, smaller, lies outside its peers' usual range).
	f = entryForm("XA_BANBO", "BM_BAN_NAM", "2024", key, "130")
	f.Set("o."+key, "1160000")
	if resp, body := do(t, srv, http.MethodPost, "/entry", f, "", as("reporter")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a usual change: status %d; body:\n%s", resp.StatusCode, excerpt(body))
	}
}

// A plausibility warning is for the figures the person typed: a cell
// posted as the page showed it, that someone else changed since, is not
// this person's to confirm (and the write path keeps the other's figure).
// Seen in the load test on PostgreSQL: two reporters on one grid, and the
// second's save refused for a figure the first had confirmed.
func TestPlausibilityOnlyForWhatOneTyped(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	vs := villagesOf(t, srv, "XA_BANBO")
	x, y := vs[1]+".HGD_TONG", vs[2]+".HGD_TONG"
	q := "orgUnit=XA_BANBO&children=true&period=2024&dataSet=BM_BAN_NAM"
	stored := values(t, srv, q)
	// The first reporter stands by an unusual figure for X.
	f := entryForm("XA_BANBO", "BM_BAN_NAM", "2024", x, "1.160.000")
	f.Set("o."+x, stored[x+"/2024"])
	f.Set("k."+x, "1")
	if resp, body := do(t, srv, http.MethodPost, "/entry", f, "", as("reporter")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the confirmed figure: status %d; body:\n%s", resp.StatusCode, excerpt(body))
	}
	// The second opens the grid now (X shows 1.160.000); then the first
	// corrects X to a usual figure.
	f = entryForm("XA_BANBO", "BM_BAN_NAM", "2024", x, "130")
	f.Set("o."+x, "1160000")
	if resp, body := do(t, srv, http.MethodPost, "/entry", f, "", as("reporter")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the correction: status %d; body:\n%s", resp.StatusCode, excerpt(body))
	}
	// The second saves the grid as it showed it, with Y changed by one.
	yv, err := strconv.Atoi(stored[y+"/2024"])
	if err != nil {
		t.Fatalf("stored %s: %q", y, stored[y+"/2024"])
	}
	f = entryForm("XA_BANBO", "BM_BAN_NAM", "2024", x, "1160000", y, strconv.Itoa(yv+1))
	f.Set("o."+x, "1160000")
	f.Set("o."+y, stored[y+"/2024"])
	resp, body := do(t, srv, http.MethodPost, "/entry", f, "", as("reporter"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the second's save: status %d, want 303 (no warning for a figure not typed); body:\n%s", resp.StatusCode, excerpt(body))
	}
	got := values(t, srv, q)
	if got[x+"/2024"] != "130" || got[y+"/2024"] != strconv.Itoa(yv+1) {
		t.Errorf("after both saves X=%q (want the correction 130), Y=%q (want %d)", got[x+"/2024"], got[y+"/2024"], yv+1)
	}
}
