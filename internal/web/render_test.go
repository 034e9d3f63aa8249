package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestRenderAll is the render self-check: every page template, reached
// through its routes (including error pages and a refused save), renders a
// well-formed Vietnamese page with no template residue.
func TestRenderAll(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	type page struct {
		method string
		path   string
		form   url.Values
		status int
	}
	pages := []page{
		{"GET", "/plans", nil, 200},
		{"GET", "/plans/1", nil, 200},
		{"GET", "/plans/1?asof=2021", nil, 200},
		{"GET", "/plans/1?asof=2025", nil, 200},
		{"GET", "/plans/1/targets/1a", nil, 200},
		{"GET", "/plans/1/targets/2b?level=village&sort=-value", nil, 200},
		{"GET", "/plans/1/targets/4c?level=agency", nil, 200},
		{"GET", "/plans/1/targets/5c?level=school&sort=value", nil, 200},
		{"GET", "/plans/1/targets/3b?period=2025", nil, 200},
		{"GET", "/entry", nil, 200},
		{"GET", "/entry?unit=XA_BANBO", nil, 200},
		{"GET", "/entry?unit=XA_BANBO&form=BM_BAN", nil, 200},
		{"GET", "/entry?unit=XA_BANBO&form=BM_BAN&period=2024Q4", nil, 200},
		{"GET", "/entry?unit=XA_BANBO&form=BM_XA&period=2024Q4", nil, 200},
		{"GET", "/entry?unit=XA_BANBO&form=BM_BAN_NAM&period=2024", nil, 200},
		{"GET", "/entry?unit=TAMDUONG&form=BM_CANBO&period=2024", nil, 200},
		{"GET", "/entry?unit=X25_BINHLU&form=BM_XA&period=2025Q3", nil, 200},
		{"GET", "/units", nil, 200},
		{"GET", "/units?q=binh+lu&kind=commune", nil, 200},
		{"GET", "/units/XA_BINHLU", nil, 200},
		{"GET", "/units/X25_BINHLU", nil, 200},
		{"GET", "/units/XA_BANBO_B01", nil, 200},
		{"GET", "/units/LAICHAU", nil, 200},
		{"GET", "/planner/elements/HGD_TONG/bounds", nil, 200}, // issue 9: bounds
		{"GET", "/planner/elements/HGD_TONG/bounds?propose=1&under=XA_BANBO", nil, 200},
		{"GET", "/planner/elements/BAN_LOA/bounds", nil, 200},
		{"GET", "/approvals/flagged", nil, 200},
		{"POST", "/planner/elements/HGD_TONG/bounds", url.Values{"unit": {"XA_BANBO_B01"}, "min": {"x"}}, 422},
		{"GET", "/plans/999", nil, 404},
		{"GET", "/nope/nope", nil, 404},
		{"GET", "/plans/1?asof=2024Q5", nil, 422},
		{"POST", "/entry", entryForm("XA_BANBO", "BM_BAN_NAM", "2024", "XA_BANBO_B01.HGD_TONG", "-5", "XA_NOPE.HGD_TONG", "1"), 422},
		{"POST", "/entry", entryForm("XA_BANBO", "BM_BAN", "2024Q4", "XA_BANBO_B01.BAN_NVH_CHUAN", "true", "XA_BANBO_B01.BAN_NVH", "false"), 422},
	}
	for _, p := range pages {
		t.Run(p.method+" "+p.path, func(t *testing.T) {
			t.Parallel()
			resp, body := do(t, srv, p.method, p.path, p.form, "", nil)
			if resp.StatusCode != p.status {
				t.Fatalf("status %d, want %d; body:\n%s", resp.StatusCode, p.status, excerpt(body))
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			checkPage(t, body)

			// The partial (main block only) renders as well.
			if p.method == "GET" {
				_, part := do(t, srv, p.method, p.path, nil, "", map[string]string{"X-Partial": "1"})
				if strings.Contains(part, "<html") || !strings.Contains(part, "<h1>") {
					t.Errorf("partial is not the main block:\n%s", excerpt(part))
				}
				if err := balanced(part); err != nil {
					t.Errorf("partial: %v", err)
				}
			}
		})
	}
}

var titleRE = regexp.MustCompile(`<title>([^<]+) · Kế hoạch</title>`)

// checkPage checks a whole page: the layout, no template residue, and
// every element closed in order.
func checkPage(t *testing.T, body string) {
	t.Helper()
	if !strings.HasPrefix(body, "<!doctype html>\n<html lang=\"vi\">") || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
		t.Errorf("not a whole page:\n%s", excerpt(body))
	}
	if m := titleRE.FindStringSubmatch(body); m == nil || strings.TrimSpace(m[1]) == "" {
		t.Error("no title")
	}
	for _, want := range []string{`<meta charset="utf-8">`, `<main id="main">`, `<a href="/entry"`, `<footer class="foot">`} {
		if !strings.Contains(body, want) {
			t.Errorf("layout lacks %q", want)
		}
	}
	if n := strings.Count(body, "<h1>"); n != 1 {
		t.Errorf("%d <h1>, want 1", n)
	}
	// Template residue and formatting slips.
	for _, bad := range []string{"<no value>", "ZgotmplZ", "%!", "NaN", "Inf%", "map[", "&lt;nil&gt;", "<nil>", "template:", "Lỗi hệ thống",
		"Not Found", "Unprocessable Entity", "Internal Server Error"} {
		if strings.Contains(body, bad) {
			i := strings.Index(body, bad)
			t.Errorf("page contains %q: …%s…", bad, body[max(0, i-120):min(len(body), i+120)])
		}
	}
	if err := balanced(body); err != nil {
		t.Error(err)
	}
}

// voidElements have no closing tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

var tagRE = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(/?)>`)

// balanced reports the first element that is not closed, or closed out of
// order. Templates close every element, including those HTML lets one
// omit, so a strict check holds.
func balanced(doc string) error {
	var stack []string
	for _, m := range tagRE.FindAllStringSubmatchIndex(doc, -1) {
		closing := doc[m[2]:m[3]] == "/"
		name := strings.ToLower(doc[m[4]:m[5]])
		selfClosing := doc[m[6]:m[7]] == "/"
		switch {
		case voidElements[name] || selfClosing:
		case closing:
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return fmt.Errorf("</%s> at byte %d closes %v: …%s…", name, m[0], stack, doc[max(0, m[0]-200):m[1]])
			}
			stack = stack[:len(stack)-1]
		default:
			stack = append(stack, name)
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed elements %v", stack)
	}
	return nil
}

// TestBalancedCatchesErrors keeps the render check honest.
func TestBalancedCatchesErrors(t *testing.T) {
	for _, tc := range []struct {
		doc string
		ok  bool
	}{
		{`<table><tr><td>a</td></tr></table>`, true},
		{`<p>a<br><input name="x"><svg><line x1="1"/></svg></p>`, true},
		{`<table><tr><td>a</tr></table>`, false},
		{`<ul><li>a</li>`, false},
		{`<div></span></div>`, false},
	} {
		if err := balanced(tc.doc); (err == nil) != tc.ok {
			t.Errorf("balanced(%q) = %v, want ok %v", tc.doc, err, tc.ok)
		}
	}
}

// TestStatusTitles checks that error pages name the status in Vietnamese.
func TestStatusTitles(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	for path, want := range map[string]string{
		"/units/NOPE":           "<title>Không tìm thấy · Kế hoạch</title>",
		"/plans/1?asof=2024Q99": "<title>Dữ liệu không hợp lệ · Kế hoạch</title>",
	} {
		resp, body := do(t, srv, http.MethodGet, path, nil, "", nil)
		if resp.StatusCode < 400 || !strings.Contains(body, want) {
			t.Errorf("%s: status %d, page lacks %q", path, resp.StatusCode, want)
		}
	}
}
