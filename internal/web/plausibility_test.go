package web_test

import (
	"net/http"
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
