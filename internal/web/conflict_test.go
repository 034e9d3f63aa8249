package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestTwoEditorsSameForm: two people open the same grid; the first saves;
// the second, from the stale page, gets 409, a clear message beside the
// cell, and sees the first person's figure in it.
func TestTwoEditorsSameForm(t *testing.T) {
	srv := newServer(t)
	page := "/entry?unit=XA_BANBO&form=BM_BAN_NAM&period=2024"
	_, body := do(t, srv, "GET", page, nil, "", nil)
	m := regexp.MustCompile(`name="o\.XA_BANBO_B01\.HGD_VH" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the grid does not carry the original figure of XA_BANBO_B01.HGD_VH")
	}
	orig := m[1]
	post := func(as, value string) (*http.Response, string) {
		return do(t, srv, "POST", "/entry", url.Values{
			"unit": {"XA_BANBO"}, "form": {"BM_BAN_NAM"}, "period": {"2024"},
			"v.XA_BANBO_B01.HGD_VH": {value}, "o.XA_BANBO_B01.HGD_VH": {orig}, "k.XA_BANBO_B01.HGD_VH": {"1"},
		}, "", map[string]string{"X-Test-As": as})
	}
	if resp, _ := post("admin", "1"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", resp.StatusCode)
	}
	resp, body := post("reporter", "2")
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("second save: %d, want 409", resp.StatusCode)
	}
	if !strings.Contains(body, "người khác sửa") || !strings.Contains(body, "admin đã sửa ô này") {
		t.Errorf("no clear conflict message: %.500s", body)
	}
	if !regexp.MustCompile(`name="v\.XA_BANBO_B01\.HGD_VH" value="1"`).MatchString(body) {
		t.Errorf("the refused page does not show the other person's figure")
	}
	_, api := do(t, srv, "GET", "/api/dataValueSets?orgUnit=XA_BANBO_B01&period=2024&dataSet=BM_BAN_NAM", nil, "", nil)
	if !strings.Contains(api, `"dataElement":"HGD_VH","orgUnit":"XA_BANBO_B01","period":"2024","value":"1"`) {
		t.Errorf("stored figure is not the first person's: %s", api)
	}
}
