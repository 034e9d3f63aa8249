package web

import (
	"net/http"

	"kehoach"
)

// Guides (issue 16): a short page per role, reachable from the header.
// "leader" is who reads the plan's progress (role viewer, or anyone).
var helpGuides = []struct{ Code, Title string }{
	{"reporter", "Người báo cáo: nhập và gửi số liệu"},
	{"approver", "Người phê duyệt: duyệt hoặc trả lại báo cáo"},
	{"planner", "Cán bộ kế hoạch: lập và điều chỉnh kế hoạch"},
	{"leader", "Lãnh đạo: đọc tiến độ kế hoạch"},
}

// guideOf is the guide a role reads first.
func guideOf(role string) string {
	switch role {
	case kehoach.RoleReporter, kehoach.RoleApprover, kehoach.RolePlanner:
		return role
	}
	return "leader"
}

// helpShow shows the guide of {role}, or at /help the signed-in reader's
// own with the list of the others.
func (h *handler) helpShow(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("role")
	if code == "" {
		code = guideOf(currentUser(r).Role)
	}
	title := ""
	for _, g := range helpGuides {
		if g.Code == code {
			title = g.Title
		}
	}
	if title == "" {
		h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Không có hướng dẫn %q.", code))
		return
	}
	h.render(w, r, http.StatusOK, "help", map[string]any{"Title": "Hướng dẫn: " + title, "Guide": code, "GuideTitle": title,
		"Guides": helpGuides})
}
