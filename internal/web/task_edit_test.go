package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"kehoach"
)

// TestTaskEdit (issue 11): a planner changes a task's text, lead,
// coordinators, kind, dates and targets on its page; a unit that does
// not exist or has ceased is refused with the field named, and nothing
// changes; the change is audited and the task page and board show it.
func TestTaskEdit(t *testing.T) {
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	as := func(u string) map[string]string { return map[string]string{"X-Test-As": u} }
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
	// A body that ceased at the end of 2024.
	if err := db.CreateUnit(ctx, &kehoach.Unit{Code: "CQ_CU", Name: "Phòng cũ huyện", Kind: kehoach.KindAgency, ParentCode: "TAMDUONG", ValidTo: "2024-12-31"}); err != nil {
		t.Fatal(err)
	}
	var id int64
	db.Reader().QueryRow(`SELECT id FROM tasks WHERE code = 'III.2'`).Scan(&id)
	path := fmt.Sprintf("/tasks/%d/edit", id)

	resp, page := do(t, srv, "GET", path, nil, "", as("planner"))
	if resp.StatusCode != 200 || !strings.Contains(page, `name="lead" value="CQ_NOIVU"`) || !strings.Contains(page, `value="1a" checked`) {
		t.Fatalf("edit page: %d %s", resp.StatusCode, excerpt(page))
	}
	if _, show := do(t, srv, "GET", fmt.Sprintf("/tasks/%d", id), nil, "", as("planner")); !strings.Contains(show, "data-edit-task") {
		t.Error("the task page has no edit link for the planner")
	}
	if _, show := do(t, srv, "GET", fmt.Sprintf("/tasks/%d", id), nil, "", as("viewer")); strings.Contains(show, "data-edit-task") {
		t.Error("the task page offers the viewer to edit")
	}
	good := url.Values{"section": {"III"}, "title": {"Tham mưu bồi dưỡng cán bộ làm công tác tư tưởng"}, "lead": {"CQ_GDDT"},
		"coordinators": {"CQ_VHTT, CQ_NOIVU"}, "kind": {"once"}, "start": {"2023-01-01"}, "due": {"2025-06-30"}, "targets": {"3a", "3c"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for a, b := range good {
			f[a] = b
		}
		f.Set(k, v)
		return f
	}
	for _, c := range []struct {
		name  string
		form  url.Values
		field string
	}{
		{"unknown lead", with("lead", "NOPE"), `Cơ quan chủ trì: không có đơn vị mã &#34;NOPE&#34;`},
		{"ceased lead", with("lead", "CQ_CU"), "Cơ quan chủ trì: Phòng cũ huyện đã thôi hoạt động từ 01/01/2025"},
		{"not yet set up", with("lead", "X25_BANBO_VHXH"), "Cơ quan chủ trì: Phòng Văn hóa - Xã hội xã Bản Bo đến 01/07/2025 mới thành lập"},
		{"ceased coordinator", with("coordinators", "CQ_VHTT, CQ_CU"), "Đơn vị phối hợp: Phòng cũ huyện đã thôi hoạt động"},
		{"unknown coordinator", with("coordinators", "XYZ"), "Đơn vị phối hợp: không có đơn vị mã"},
		{"unknown target", with("targets", "9z"), "Mục tiêu phục vụ: kế hoạch không có mục tiêu"},
		{"no text", with("title", " "), "Nội dung: cần ghi nội dung nhiệm vụ"},
		{"bad kind", with("kind", "weekly"), "Loại: phải là"},
		{"due before start", with("due", "2022-12-31"), "Hạn hoàn thành: trước ngày bắt đầu"},
	} {
		resp, body := do(t, srv, "POST", path, c.form, "", as("planner"))
		if resp.StatusCode != 422 || !strings.Contains(body, c.field) || !strings.Contains(body, "chưa lưu gì") {
			t.Errorf("%s: %d, want 422 naming the field (%q): %s", c.name, resp.StatusCode, c.field, excerpt(body))
		}
	}
	var n int
	db.Reader().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE entity = 'task' AND action = 'update'`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d task updates audited after refusals", n)
	}
	if _, b := do(t, srv, "GET", fmt.Sprintf("/tasks/%d", id), nil, "", as("planner")); !strings.Contains(b, "Phòng Nội vụ") {
		t.Fatal("a refused edit changed the task")
	}
	// Other roles may not.
	for _, u := range []string{"reporter", "approver", "viewer"} {
		if resp, _ := do(t, srv, "POST", path, good, "", as(u)); resp.StatusCode != 403 {
			t.Errorf("%s edits a task: %d", u, resp.StatusCode)
		}
	}

	resp, _ = do(t, srv, "POST", path, good, "", as("planner"))
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "done=") {
		t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, show := do(t, srv, "GET", fmt.Sprintf("/tasks/%d", id), nil, "", as("viewer"))
	for _, want := range []string{"Tham mưu bồi dưỡng cán bộ làm công tác tư tưởng", "Phòng Giáo dục và Đào tạo", "Phòng Văn hóa và Thông tin", `href="/plans/1/targets/3a"`, `data-task="III.2" data-occurrence=""`} {
		if !strings.Contains(show, want) {
			t.Errorf("task page after the edit lacks %q", want)
		}
	}
	if strings.Contains(show, `data-occurrence="2024"`) {
		t.Error("a one-off task still has yearly spans")
	}
	_, board := do(t, srv, "GET", "/plans/1/tasks?by=unit", nil, "", as("viewer"))
	if !strings.Contains(board, `data-group-link="CQ_GDDT"`) {
		t.Error("the board does not follow the new lead")
	}
	var before, after string
	db.Reader().QueryRow(`SELECT old_value, new_value FROM audit_events WHERE entity = 'task' AND action = 'update' AND entity_key = $1`, fmt.Sprint(id)).Scan(&before, &after)
	if !strings.Contains(before, `"lead":"CQ_NOIVU"`) || !strings.Contains(after, `"lead":"CQ_GDDT"`) {
		t.Errorf("audit %s → %s", before, after)
	}
}

// TestTaskToEachSuccessorPages (issue 11): a task of the district's
// culture office, which ceased on 1 July 2025, shows its 2025 span going
// to the Phòng Văn hóa - Xã hội of each new commune, on the task page and
// the board; the planner is offered to give it to one of them.
func TestTaskToEachSuccessorPages(t *testing.T) {
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	as := func(u string) map[string]string { return map[string]string{"X-Test-As": u} }
	var id int64
	db.Reader().QueryRow(`SELECT id FROM tasks WHERE code = 'III.1.2'`).Scan(&id)
	_, show := do(t, srv, "GET", fmt.Sprintf("/tasks/%d", id), nil, "", as("planner"))
	for _, c := range []string{"X25_BINHLU_VHXH", "X25_TALENG_VHXH", "X25_KHUNHA_VHXH", "X25_BANBO_VHXH", "X25_SINSUOIHO_VHXH", "P25_TANPHONG_VHXH"} {
		if !strings.Contains(show, `data-occurrence="2025" data-state="not_started" data-owner="`+c+`"`) {
			t.Errorf("the task page has no 2025 row for %s", c)
		}
	}
	if !strings.Contains(show, "data-split") || !strings.Contains(show, fmt.Sprintf(`href="/tasks/%d/edit">giao cho một đơn vị`, id)) {
		t.Error("the task page does not say the span went to each successor, nor offer the edit")
	}
	_, edit := do(t, srv, "GET", fmt.Sprintf("/tasks/%d/edit", id), nil, "", as("planner"))
	if !strings.Contains(edit, `data-successor="X25_TALENG_VHXH"`) {
		t.Errorf("the edit page does not propose the successors: %s", excerpt(edit))
	}
	_, board := do(t, srv, "GET", "/plans/1/tasks?by=unit", nil, "", as("viewer"))
	if !strings.Contains(board, `data-group-link="X25_TALENG_VHXH"`) {
		t.Error("the board has no group for Tả Lèng's Phòng Văn hóa - Xã hội")
	}
}
