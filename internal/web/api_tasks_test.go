package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type apiOccurrence struct {
	TaskID   int64  `json:"taskId"`
	TaskCode string `json:"taskCode"`
	Key      string `json:"occurrence"`
	Owner    string `json:"owner"`
	State    string `json:"state"`
	Returned bool   `json:"returned"`
	Reason   string `json:"reason"`
	Due      string `json:"due"`
}

type apiTaskList struct {
	Tasks []apiOccurrence `json:"tasks"`
	Count struct {
		Total, DoneOnTime, DoneLate, Pending, Overdue int
	} `json:"count"`
}

var testPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// postMultipart posts fields and files (name → content) to the API as
// user as.
func postMultipart(t *testing.T, srv *httptest.Server, path, as string, fields map[string]string, files map[string][]byte) (int, string) {
	t.Helper()
	return postMultipartAs(t, srv, path, as, fields, files, true)
}

// postMultipartAs posts a multipart form with the user's API token (api)
// or, as a browser on a page does, with the session and same-origin headers.
func postMultipartAs(t *testing.T, srv *httptest.Server, path, as string, fields map[string]string, files map[string][]byte, api bool) (int, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("evidence", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if api {
		req.Header.Set("Authorization", "Bearer "+testTokens[as])
	} else {
		req.Header.Set("Cookie", "kehoach_session="+testSessions[as])
		req.Header.Set("Origin", srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func apiAs(t *testing.T, srv *httptest.Server, method, path, as, body string) (int, string) {
	t.Helper()
	resp, b := do(t, srv, method, path, nil, body, map[string]string{"X-Test-As": as, "Content-Type": "application/json"})
	return resp.StatusCode, b
}

func listTasks(t *testing.T, srv *httptest.Server, as, query string) apiTaskList {
	t.Helper()
	code, body := apiAs(t, srv, "GET", "/api/tasks?"+query, as, "")
	if code != 200 {
		t.Fatalf("GET /api/tasks?%s as %s: %d %s", query, as, code, body)
	}
	var l apiTaskList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func fieldsOf(t *testing.T, body string) map[string]string {
	t.Helper()
	var e apiError
	json.Unmarshal([]byte(body), &e)
	return e.Fields
}

func TestAPITasks(t *testing.T) {
	srv := newServer(t)
	mine := listTasks(t, srv, "reporter", "plan=1&unit=XA_BANBO")
	if len(mine.Tasks) != 3 || mine.Tasks[0].TaskCode != "III.11.BANBO" || mine.Count.Overdue != 3 {
		t.Fatalf("reporter's tasks: %+v", mine)
	}
	id := mine.Tasks[0].TaskID
	// A viewer bound to Bản Bo sees its tasks only (with the occurrence
	// carried to the merged commune).
	for _, o := range listTasks(t, srv, "viewer.banbo", "plan=1").Tasks {
		if o.TaskCode != "III.11.BANBO" {
			t.Errorf("viewer.banbo sees %s of %s", o.TaskCode, o.Owner)
		}
	}
	if c := listTasks(t, srv, "viewer", "plan=1&status=overdue&dueBefore=2023-12-31"); c.Count.Total == 0 || c.Count.Total != c.Count.Overdue {
		t.Errorf("overdue filter %+v", c.Count)
	}
	if code, body := apiAs(t, srv, "GET", "/api/tasks?status=bogus", "viewer", ""); code != 422 || fieldsOf(t, body)["status"] == "" {
		t.Errorf("bad status filter: %d %s", code, body)
	}

	path := fmt.Sprintf("/api/tasks/%d/progress", id)
	good := map[string]string{"occurrence": "2024", "text": "Đã ban hành kế hoạch thực hiện năm 2024", "work": "done", "percent": "100", "date": "2024-11-20", "submit": "true"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range good {
			m[a] = b
		}
		m[k] = v
		return m
	}
	pdf := map[string][]byte{"ke-hoach.pdf": testPDF}
	for _, c := range []struct {
		name   string
		fields map[string]string
		files  map[string][]byte
		field  string
	}{
		{"future date", with("date", "2025-03-11"), pdf, "date"},
		{"before the task", with("date", "2023-06-01"), pdf, "date"},
		{"percent over 100", with("percent", "150"), pdf, "percent"},
		{"percent not a number", with("percent", "nhiều"), pdf, "percent"},
		{"claim the dates contradict", with("status", "done_late"), pdf, "status"},
		{"type not what its name says", good, map[string][]byte{"ke-hoach.docx": testPDF}, "evidence"},
		{"not allowed", good, map[string][]byte{"x.html": []byte("<html>")}, "evidence"},
		{"oversized", good, map[string][]byte{"lon.pdf": append(append([]byte{}, testPDF...), make([]byte, 10<<20)...)}, "evidence"},
	} {
		code, body := postMultipart(t, srv, path, "reporter", c.fields, c.files)
		if code != 422 || fieldsOf(t, body)[c.field] == "" {
			t.Errorf("%s: %d %s", c.name, code, excerpt(body))
		}
	}
	if code, _ := postMultipart(t, srv, path, "reporter2", good, pdf); code != 403 {
		t.Errorf("another commune posted: %d", code)
	}
	var detail struct {
		Reports []struct {
			ID       int64  `json:"id"`
			State    string `json:"state"`
			Evidence []struct {
				ID   int64  `json:"id"`
				Type string `json:"type"`
			} `json:"evidence"`
		} `json:"reports"`
	}
	getJSON(t, srv, fmt.Sprintf("/api/tasks/%d", id), 200, &detail)
	if len(detail.Reports) != 0 {
		t.Fatalf("bad input saved %d reports", len(detail.Reports))
	}

	code, body := postMultipart(t, srv, path, "reporter", good, pdf)
	if code != 201 {
		t.Fatalf("post progress: %d %s", code, body)
	}
	getJSON(t, srv, fmt.Sprintf("/api/tasks/%d", id), 200, &detail)
	if len(detail.Reports) != 1 || detail.Reports[0].State != "submitted" || len(detail.Reports[0].Evidence) != 1 || detail.Reports[0].Evidence[0].Type != "application/pdf" {
		t.Fatalf("after post: %+v", detail)
	}
	rid := detail.Reports[0].ID
	if code, _ := apiAs(t, srv, "POST", fmt.Sprintf("/api/progress/%d/accept", rid), "reporter", ""); code != 403 {
		t.Errorf("reporter accepted: %d", code)
	}
	if code, body := apiAs(t, srv, "POST", fmt.Sprintf("/api/progress/%d/return", rid), "approver", `{"reason":""}`); code != 422 || fieldsOf(t, body)["reason"] == "" {
		t.Errorf("return without reason: %d %s", code, body)
	}
	if code, body := apiAs(t, srv, "POST", fmt.Sprintf("/api/progress/%d/return", rid), "approver", `{"reason":"Thiếu số, ngày của kế hoạch"}`); code != 200 {
		t.Fatalf("return: %d %s", code, body)
	}
	back := listTasks(t, srv, "reporter", "plan=1&unit=XA_BANBO")
	if o := back.Tasks[2]; o.Key != "2024" || !o.Returned || o.Reason != "Thiếu số, ngày của kế hoạch" {
		t.Errorf("returned not shown: %+v", back.Tasks)
	}
	// Resubmit, accept: done on time, as the dates say.
	if code, body := apiAs(t, srv, "POST", fmt.Sprintf("/api/progress/%d/submit", rid), "reporter", ""); code != 200 {
		t.Fatalf("resubmit: %d %s", code, body)
	}
	if code, body := apiAs(t, srv, "POST", fmt.Sprintf("/api/progress/%d/accept", rid), "approver", ""); code != 200 {
		t.Fatalf("accept: %d %s", code, body)
	}
	if o := listTasks(t, srv, "reporter", "plan=1&unit=XA_BANBO").Tasks[2]; o.State != "done_on_time" || o.Returned {
		t.Errorf("after acceptance: %+v", o)
	}
	resp, pdfBody := do(t, srv, "GET", fmt.Sprintf("/api/evidence/%d", detail.Reports[0].Evidence[0].ID), nil, "", map[string]string{"X-Test-As": "reporter"})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || pdfBody != string(testPDF) {
		t.Errorf("evidence: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := do(t, srv, "GET", fmt.Sprintf("/api/evidence/%d", detail.Reports[0].Evidence[0].ID), nil, "", map[string]string{"X-Test-As": "reporter2"}); resp.StatusCode != 403 {
		t.Errorf("evidence seen by another commune: %d", resp.StatusCode)
	}

	// New tasks.
	newTask := `{"plan":1,"code":"N.1","section":"III","title":"Kiểm tra nhà văn hóa","kind":"once","lead":"%s","start":"2025-08-01","due":"2025-10-31","targets":["3a"]}`
	for lead, field := range map[string]string{"XA_BANBO": "lead", "KHONG_CO": "lead"} {
		if code, body := apiAs(t, srv, "POST", "/api/tasks", "planner", fmt.Sprintf(newTask, lead)); code != 422 || fieldsOf(t, body)[field] == "" {
			t.Errorf("lead %s: %d %s", lead, code, body)
		}
	}
	if code, _ := apiAs(t, srv, "POST", "/api/tasks", "reporter", fmt.Sprintf(newTask, "X25_BANBO")); code != 403 {
		t.Errorf("reporter created a task: %d", code)
	}
	code, body = apiAs(t, srv, "POST", "/api/tasks", "planner", fmt.Sprintf(newTask, "X25_BANBO"))
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	if code, _ := apiAs(t, srv, "POST", "/api/tasks", "planner", fmt.Sprintf(newTask, "X25_BANBO")); code != 409 {
		t.Errorf("duplicate: %d", code)
	}

	// Changing it: the whole task again, checked field by field; nothing
	// is changed by a refused one.
	var created struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &created); err != nil || created.ID == 0 {
		t.Fatalf("created task: %v %s", err, body)
	}
	path = fmt.Sprintf("/api/tasks/%d", created.ID)
	changed := `{"section":"III","title":"Kiểm tra nhà văn hóa thôn, bản","kind":"once","lead":"X25_BANBO","start":"2025-08-01","due":"%s","targets":["3a"]}`
	if code, _ := apiAs(t, srv, "PUT", path, "reporter", fmt.Sprintf(changed, "2025-11-30")); code != 403 {
		t.Errorf("reporter changed a task: %d", code)
	}
	if code, body := apiAs(t, srv, "PUT", path, "planner", fmt.Sprintf(changed, "2025-07-01")); code != 422 || !strings.Contains(fieldsOf(t, body)["due"], "trước ngày bắt đầu") {
		t.Errorf("due before start: %d %s", code, body)
	}
	if code, body := apiAs(t, srv, "PUT", "/api/tasks/999999", "planner", fmt.Sprintf(changed, "2025-11-30")); code != 404 {
		t.Errorf("unknown task: %d %s", code, body)
	}
	if code, body := apiAs(t, srv, "PUT", path, "planner", fmt.Sprintf(changed, "2025-11-30")); code != 200 {
		t.Errorf("update: %d %s", code, body)
	}
	var after struct {
		Task struct{ Title, Due, Code string }
	}
	getJSON(t, srv, path, 200, &after)
	if after.Task.Title != "Kiểm tra nhà văn hóa thôn, bản" || after.Task.Due != "2025-11-30" || after.Task.Code != "N.1" {
		t.Errorf("after the update: %+v", after.Task)
	}
}
