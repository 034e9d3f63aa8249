package loadtest

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// sessionCookie is the web's session cookie (internal/web).
const sessionCookie = "kehoach_session"

// cluster is the servers under test, which the simulated people reach
// round-robin per request, as a load balancer without sticky sessions would.
type cluster struct {
	urls    []string
	next    atomic.Uint64
	rec     *recorder
	timeout time.Duration // of one request
}

func (c *cluster) pick() string {
	return c.urls[(c.next.Add(1)-1)%uint64(len(c.urls))]
}

// person is one simulated person: their own account, their own browser
// (connection pool, session cookie) and their own loopback address.
type person struct {
	username, password string
	c                  *cluster
	http               *http.Client
	cookie             string
}

// sourceAddr is person i's loopback address, 127.10.x.y: every address of
// 127.0.0.0/8 is the loopback interface's, and each person comes from an
// address of their own as they would from their own machine (the login
// limiter counts attempts per address).
func sourceAddr(i int) net.IP {
	return net.IPv4(127, byte(10+i/(200*250)), byte(i/200%250), byte(i%200+1))
}

func newPerson(c *cluster, i int, username, password string) *person {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: sourceAddr(i)}, Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
	}
	return &person{username: username, password: password, c: c, http: &http.Client{
		Transport: tr,
		// Redirects are followed by hand, each timed as its own request.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (p *person) close() { p.http.CloseIdleConnections() }

// response is what a request brought back.
type response struct {
	status   int
	body     string
	location string
}

// do sends one request to the next server and records it under route:
// as an error unless the status is one of want. It returns nil when the
// request got no answer.
func (p *person) do(ctx context.Context, phase, route, method, path string, form url.Values, want ...int) (*response, bool) {
	base := p.c.pick()
	rctx, cancel := context.WithTimeout(ctx, p.c.timeout)
	defer cancel()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(rctx, method, base+path, body)
	if err != nil {
		p.c.rec.fail(phase, route, -1, "request: "+err.Error(), "")
		return nil, false
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		// What a browser sends with a form it was given by the same site.
		req.Header.Set("Origin", base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if p.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: p.cookie})
	}
	start := time.Now()
	resp, err := p.http.Do(req)
	if err != nil {
		p.c.rec.fail(phase, route, -1, transportKind(ctx, rctx, err), "")
		return nil, false
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		p.c.rec.fail(phase, route, -1, transportKind(ctx, rctx, err), "")
		return nil, false
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			p.cookie = c.Value
			if c.MaxAge < 0 {
				p.cookie = ""
			}
		}
	}
	r := &response{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location")}
	for _, w := range want {
		if r.status == w {
			p.c.rec.ok(phase, route, d)
			return r, true
		}
	}
	kind := fmt.Sprintf("status %d, want %s", r.status, statusList(want))
	if r.status == http.StatusSeeOther && strings.HasPrefix(r.location, "/login") {
		kind = "sent to the login page (session lost)"
	}
	p.c.rec.fail(phase, route, d, kind, pageMessage(r.body))
	return r, false
}

// follow requests the page a redirect names, as a browser does.
func (p *person) follow(ctx context.Context, phase string, r *response, want ...int) (*response, bool) {
	if r == nil || r.location == "" {
		return nil, false
	}
	u, err := url.Parse(r.location)
	if err != nil || u.IsAbs() {
		p.c.rec.fail(phase, "GET (redirect)", -1, "redirect outside the site: "+r.location, "")
		return nil, false
	}
	return p.do(ctx, phase, routeOf(u.Path), http.MethodGet, u.RequestURI(), nil, want...)
}

func statusList(want []int) string {
	s := make([]string, len(want))
	for i, w := range want {
		s[i] = fmt.Sprint(w)
	}
	return strings.Join(s, "/")
}

var (
	planPath   = regexp.MustCompile(`^/plans/[^/]+$`)
	targetPath = regexp.MustCompile(`^/plans/[^/]+/targets/[^/]+$`)
)

// routeOf names the route of a GET path.
func routeOf(path string) string {
	switch {
	case path == "/":
		return RouteHome
	case planPath.MatchString(path):
		return RoutePlan
	case targetPath.MatchString(path):
		return RouteTarget
	case path == "/entry":
		return RouteEntryShow
	case strings.HasPrefix(path, "/submissions"):
		return RouteSubmission
	}
	return "GET " + path
}

// transportKind classifies a request that got no answer. ctx is the run's,
// rctx the request's.
func transportKind(ctx, rctx context.Context, err error) string {
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return "cut by the hard deadline"
	case rctx.Err() != nil || errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "transport: connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "transport: connection reset"
	case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.EADDRINUSE):
		return "transport: no local address or port"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "transport: connection closed"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return "transport: " + err.Error()
}

var (
	alertRE = regexp.MustCompile(`(?s)class="(?:alert|field-error)"[^>]*>(.*?)</`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
	mainRE  = regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
)

// pageMessage picks what a page says went wrong, for the error table.
func pageMessage(body string) string {
	s := body
	if m := alertRE.FindStringSubmatch(body); m != nil {
		s = m[1]
	} else if m := mainRE.FindStringSubmatch(body); m != nil {
		s = m[1]
	}
	s = strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(s, " "))), " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160]) + "…"
	}
	return s
}

// gridFields returns the fields the entry page's save form would post as
// it stands: every cell with the value shown, the hidden originals
// (o.UNIT.ELEMENT) and the hidden unit, form and period. ok is false when
// the page has no save form. It scans the page with plain string search
// (regular expressions cost the simulated browsers a tenth of the CPU).
func gridFields(body string) (url.Values, bool) {
	i := strings.Index(body, `action="/entry"`)
	for i >= 0 {
		open := strings.LastIndex(body[:i], "<form")
		if open >= 0 && strings.Contains(body[open:i], `method="post"`) {
			break
		}
		j := strings.Index(body[i+1:], `action="/entry"`)
		if j < 0 {
			i = -1
			break
		}
		i += 1 + j
	}
	if i < 0 {
		return nil, false
	}
	form := body[i:]
	if end := strings.Index(form, "</form>"); end >= 0 {
		form = form[:end]
	}
	out := url.Values{}
	for {
		lt := strings.IndexByte(form, '<')
		if lt < 0 {
			break
		}
		form = form[lt+1:]
		var tag string
		switch {
		case strings.HasPrefix(form, "input"):
			tag = "input"
		case strings.HasPrefix(form, "select"):
			tag = "select"
		default:
			continue
		}
		gt := strings.IndexByte(form, '>')
		if gt < 0 {
			break
		}
		attrs := form[len(tag):gt]
		form = form[gt+1:]
		name := attr(attrs, "name")
		if name == "" {
			continue
		}
		if tag == "input" {
			// As a browser does, an unchecked checkbox posts nothing (the
			// grid's "Xóa" controls, issue 9).
			if attr(attrs, "type") == "checkbox" && !strings.Contains(attrs, " checked") {
				continue
			}
			out.Set(name, attr(attrs, "value"))
			continue
		}
		// A select posts its selected option, or its first.
		end := strings.Index(form, "</select>")
		if end < 0 {
			break
		}
		options := form[:end]
		form = form[end:]
		value, first := "", true
		for {
			o := strings.Index(options, "<option")
			if o < 0 {
				break
			}
			options = options[o+len("<option"):]
			gt := strings.IndexByte(options, '>')
			if gt < 0 {
				break
			}
			oa := options[:gt]
			if first || strings.Contains(oa, " selected") {
				value = attr(oa, "value")
			}
			first = false
		}
		out.Set(name, value)
	}
	return out, true
}

// attr returns the value of a double-quoted attribute in a tag's text.
func attr(attrs, name string) string {
	for s := attrs; ; {
		i := strings.Index(s, name+`="`)
		if i < 0 {
			return ""
		}
		if i > 0 && s[i-1] != ' ' && s[i-1] != '\t' && s[i-1] != '\n' {
			s = s[i+len(name):]
			continue
		}
		v := s[i+len(name)+2:]
		if j := strings.IndexByte(v, '"'); j >= 0 {
			return html.UnescapeString(v[:j])
		}
		return ""
	}
}
