package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEntryRemoval is issue 9's stray space: a stored figure goes only by
// its "Xóa" control, after the page has asked; a blank field refuses the
// save with the reason beside it and removes nothing.
func TestEntryRemoval(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	v := villagesOf(t, srv, "XA_BANBO")[0]
	key := v + ".HGD_TONG"
	q := "orgUnit=" + v + "&period=2024&dataSet=BM_BAN_NAM"
	stored := values(t, srv, q)[key+"/2024"]
	if stored == "" {
		t.Fatalf("%s has no 2024 household count in the demo: the test would prove nothing", v)
	}
	grid := func(cells ...string) url.Values {
		f := entryForm("XA_BANBO", "BM_BAN_NAM", "2024", cells...)
		f.Set("o."+key, stored)
		return f
	}

	t.Run("a single space over a stored figure", func(t *testing.T) {
		resp, body := do(t, srv, http.MethodPost, "/entry", grid(key, " "), "", nil)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422; body:\n%s", resp.StatusCode, excerpt(body))
		}
		if msg := fieldError(cellOf(t, body, key)); !strings.Contains(msg, "chưa bị xóa") || !strings.Contains(msg, "“Xóa”") {
			t.Errorf("message beside the field %q, want it to say the figure stays and how to remove it", msg)
		}
		if got := values(t, srv, q)[key+"/2024"]; got != stored {
			t.Errorf("after a space: %q, want %q kept", got, stored)
		}
	})

	t.Run("the Xóa control asks first", func(t *testing.T) {
		f := grid(key, stored)
		f.Set("d."+key, "1")
		resp, body := do(t, srv, http.MethodPost, "/entry", f, "", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200 (the question); body:\n%s", resp.StatusCode, excerpt(body))
		}
		for _, want := range []string{"Bạn sắp xóa 1 số liệu đã lưu", `name="confirm_remove" value="1"`, "Tổng số hộ gia đình: " + stored} {
			if !strings.Contains(body, want) {
				t.Errorf("question lacks %q", want)
			}
		}
		if !strings.Contains(cellOf(t, body, key), `name="d.`+key+`" value="1" checked`) {
			t.Errorf("the Xóa control is not kept checked:\n%s", cellOf(t, body, key))
		}
		if got := values(t, srv, q)[key+"/2024"]; got != stored {
			t.Errorf("removed before the yes: %q", got)
		}

		f.Set("confirm_remove", "1")
		resp, body = do(t, srv, http.MethodPost, "/entry", f, "", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirmed: status %d, want 303; body:\n%s", resp.StatusCode, excerpt(body))
		}
		if got, ok := values(t, srv, q)[key+"/2024"]; ok {
			t.Errorf("after the yes the figure is still %q", got)
		}
	})
}
