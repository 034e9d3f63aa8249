package web

import (
	"net/http"
	"strconv"

	"kehoach"
)

// breakdownPageSize is how many units one page of a target's breakdown
// shows: 200 rows are about 100 KB of HTML, and a person reads the
// lagging ones first anyway (issue 16).
const breakdownPageSize = 200

// pager is one page of a long list sorted on the server.
type pager struct {
	Page, Pages, Total int
	From, To           int    // the rows of the page: [From, To)
	Prev, Next         string // links to the neighbouring pages, "" at the ends
}

// pageNumber reads ?page= (1 when absent); a page that is not a number
// is EINVALID.
func pageNumber(r *http.Request) (int, error) {
	s := r.URL.Query().Get("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, kehoach.Errorf(kehoach.EINVALID, "Số trang %q không hợp lệ.", s)
	}
	return n, nil
}

// pagerOf is page n of a list of total rows, size a page; the links keep
// the rest of the query. A page past the end is ENOTFOUND.
func pagerOf(r *http.Request, n, total, size int) (pager, error) {
	p := pager{Page: n, Total: total, Pages: max(1, (total+size-1)/size)}
	if n > p.Pages {
		return p, kehoach.Errorf(kehoach.ENOTFOUND, "Không có trang %d: danh sách có %d trang.", n, p.Pages)
	}
	p.From = min(total, (p.Page-1)*size)
	p.To = min(total, p.From+size)
	link := func(n int) string { return pageLink(r, n) }
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p, nil
}

// pageLink is the address of page n of the list r shows, with the rest of
// its query.
func pageLink(r *http.Request, n int) string {
	q := r.URL.Query()
	if n == 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return r.URL.Path
	}
	return r.URL.Path + "?" + q.Encode()
}
