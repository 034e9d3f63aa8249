package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kehoach"
	"kehoach/internal/cli"
)

// The report page shows the document as it prints (header, results with
// charts, signature block, appendix), to viewers of the issuer's scope;
// bad periods get a clear message.
func TestReportPage(t *testing.T) {
	srv := sharedServer(t)
	run(t, srv, []scenario{
		{Name: "report 2024", URL: "/plans/1/report?period=2024", ExpectedStatus: 200,
			ExpectedContent: []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG",
				"Số: …/BC-UBND", "BÁO CÁO", "(Số liệu chốt từ ngày 15/12/2023 đến ngày 14/12/2024)", `data-target="2b"`,
				`<svg class="chart trend"`, `<svg class="chart bars"`, "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "PHỤ LỤC", "Lưu bản nháp",
				"/plans/1/report/file?kind=report&amp;period=2024&amp;format=pdf", `class="lights"`, "IV. TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ"}},
		{Name: "coverage from the engine", URL: "/plans/1/report?period=2023", ExpectedStatus: 200,
			ExpectedContent: []string{"đơn vị đã báo cáo, đã duyệt hết"}},
		{Name: "viewer reads, cannot edit", URL: "/plans/1/report?period=2024", Headers: map[string]string{"X-Test-As": "viewer"}, ExpectedStatus: 200,
			ExpectedContent: []string{"BÁO CÁO"}, NotExpectedContent: []string{"Lưu bản nháp"}},
		{Name: "commune reporter refused", URL: "/plans/1/report?period=2024", Headers: map[string]string{"X-Test-As": "reporter"}, ExpectedStatus: 403},
		{Name: "nine months", URL: "/plans/1/report?period=2024N9", ExpectedStatus: 200, ExpectedContent: []string{"9 tháng năm 2024", "đến ngày 14/09/2024"}},
		{Name: "final review", URL: "/plans/1/report?period=final", ExpectedStatus: 200, ExpectedContent: []string{"giai đoạn 2022 - 2025", "Nà Tăm"}},
		// Issue 10: the review of a plan that crossed the reorganisation,
		// read under the six communes of 1 July 2025.
		{Name: "final review under the new communes", URL: "/plans/1/report?period=final&hierarchyDate=2025-07-01", ExpectedStatus: 200,
			ExpectedContent: []string{"giai đoạn 2022 - 2025 (theo địa giới hành chính ngày 01/07/2025)", "tính theo địa giới hành chính ngày 01/07/2025", "Tân Phong", `name="hierarchyDate" value="2025-07-01"`}},
		{Name: "final review under the new communes, download", URL: "/plans/1/report/file?period=final&hierarchyDate=2025-07-01&format=docx", ExpectedStatus: 200},
		{Name: "a tree on a quarter", URL: "/plans/1/report?period=2024Q2&hierarchyDate=2025-07-01", ExpectedStatus: 422, ExpectedContent: []string{"chỉ dùng cho báo cáo năm hoặc tổng kết"}},
		{Name: "a tree on no day", URL: "/plans/1/report?period=final@2025-13-45", ExpectedStatus: 422, ExpectedContent: []string{"Ngày địa giới"}},
		{Name: "letter", URL: "/plans/1/report?period=2024&kind=letter", ExpectedStatus: 200, ExpectedContent: []string{"Công văn đôn đốc", "/UBND-VHXH", "Kính gửi:"}, NotExpectedContent: []string{">BÁO CÁO<"}},
		{Name: "outside horizon", URL: "/plans/1/report?period=2030", ExpectedStatus: 422, ExpectedContent: []string{"nằm ngoài thời hạn của kế hoạch (2022 - 2025)"}},
		{Name: "no figures yet", URL: "/plans/1/report?period=2025Q4", ExpectedStatus: 422, ExpectedContent: []string{"Kế hoạch chưa có số liệu cho quý IV năm 2025: chưa thể lập báo cáo."}},
		{Name: "no figures yet, download", URL: "/plans/1/report/file?period=2025Q4&format=pdf", ExpectedStatus: 422, ExpectedContent: []string{"chưa có số liệu"}},
		{Name: "not a period", URL: "/plans/1/report?period=abc", ExpectedStatus: 422, ExpectedContent: []string{"không hợp lệ: chấp nhận 2024 (năm)"}},
		{Name: "bad format", URL: "/plans/1/report/file?period=2024&format=odt", ExpectedStatus: 422, ExpectedContent: []string{"Định dạng"}},
	}, true)
}

// The download button and `kehoach report` give the same bytes.
func TestReportDownloadSameAsCommand(t *testing.T) {
	dir := t.TempDir()
	srv, stop, err := startServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for _, f := range []string{"docx", "pdf", "xlsx"} {
		resp, body := do(t, srv, "GET", "/plans/1/report/file?period=2024&format="+f, nil, "", nil)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "bao-cao-TD-2022-TUTUONG-2024."+f) {
			t.Fatalf("%s: %d %v", f, resp.StatusCode, resp.Header)
		}
		out := filepath.Join(dir, "cli."+f)
		var errOut bytes.Buffer
		code := cli.Main(context.Background(), cli.Env{Args: []string{"report", "--db", "sqlite:" + filepath.Join(dir, "kehoach.db"), "--plan", "1", "--period", "2024", "--format", f, "-o", out},
			Stderr: &errOut, Now: func() time.Time { return testNow }})
		if code != 0 {
			t.Fatalf("cli: %s", errOut.String())
		}
		if b := readFile(t, out); !bytes.Equal(b, []byte(body)) {
			t.Errorf("%s: download (%d bytes) and command (%d bytes) differ", f, len(body), len(b))
		}
	}
}

// Two people editing one draft: the second gets a conflict with their
// text kept; an empty signature block cannot be issued; an issued report
// downloads byte-identical after a figure changes.
func TestReportDraftIssue(t *testing.T) {
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	texts := func(version, general, signer string) url.Values {
		return url.Values{"kind": {"report"}, "period": {"2024"}, "version": {version}, "number": {"12"}, "code": {"BC-UBND"}, "place": {"Tam Đường"},
			"date": {"2025-01-06"}, "summary": {"Kết quả năm 2024"}, "general": {general}, "signature": {"TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"}, "signer": {signer},
			"recipients": {"Như trên;\nLưu: VT."}}
	}
	planner := map[string]string{"X-Test-As": "planner"}
	resp, body := do(t, srv, "POST", "/plans/1/report", texts("0", "Bản của người lập kế hoạch.", ""), "", planner)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d %s", resp.StatusCode, excerpt(body))
	}
	// The administrator opened version 0 too, and saves after.
	resp, body = do(t, srv, "POST", "/plans/1/report", texts("0", "Bản của quản trị viên.", ""), "", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "sau khi bạn mở") || !strings.Contains(body, "Bản của quản trị viên.") {
		t.Fatalf("second save: %d %s", resp.StatusCode, excerpt(body))
	}
	page := get(t, srv, "/plans/1/report?period=2024", 200)
	if !strings.Contains(page, "Bản của người lập kế hoạch.") || !strings.Contains(page, "phiên bản 1") || !strings.Contains(page, "Số: 12/BC-UBND") {
		t.Fatalf("stored draft not shown: %s", excerpt(page))
	}
	// Without a signer the report cannot be issued.
	resp, body = do(t, srv, "POST", "/plans/1/report/issue", url.Values{"kind": {"report"}, "period": {"2024"}, "version": {"1"}}, "", planner)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Khối chữ ký chưa đủ") || !strings.Contains(body, "Chưa ghi họ tên người ký.") {
		t.Fatalf("issue without signer: %d %s", resp.StatusCode, excerpt(body))
	}
	if resp, _ := do(t, srv, "POST", "/plans/1/report", texts("1", "Bản của người lập kế hoạch.", "Vũ Xuân Thịnh"), "", planner); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save 2: %d", resp.StatusCode)
	}
	if resp, body := do(t, srv, "POST", "/plans/1/report/issue", url.Values{"kind": {"report"}, "period": {"2024"}, "version": {"2"}}, "", planner); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("issue: %d %s", resp.StatusCode, excerpt(body))
	}
	files := map[string]string{}
	for _, f := range []string{"docx", "pdf", "xlsx"} {
		files[f] = get(t, srv, "/plans/1/report/file?period=2024&format="+f, 200)
	}
	before := get(t, srv, "/plans/1?asof=2024", 200)
	// A figure of 2024 changes after the report was issued.
	villages, _ := db.FindUnits(context.Background(), kehoach.UnitFilter{Kind: kehoach.KindVillage, Parent: "XA_BANBO"})
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
	if _, err := db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", By: "test", Confirmed: true,
		Values: map[string]map[string]string{villages[0].Code: {"HGD_TONG": "5000", "HGD_VH": "1"}}}); err != nil {
		t.Fatal(err)
	}
	if after := get(t, srv, "/plans/1?asof=2024", 200); after == before {
		t.Fatal("the figure change does not show on the plan page: the test proves nothing")
	}
	for f, want := range files {
		if got := get(t, srv, "/plans/1/report/file?period=2024&format="+f, 200); got != want {
			t.Errorf("issued %s changed after a figure changed", f)
		}
	}
	page = get(t, srv, "/plans/1/report?period=2024", 200)
	if !strings.Contains(page, "Đã ban hành") || strings.Contains(page, "Lưu bản nháp") {
		t.Errorf("issued page: %s", excerpt(page))
	}
	resp, _ = do(t, srv, "POST", "/plans/1/report", texts("2", "sửa sau ban hành", "X"), "", planner)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("save after issue: %d", resp.StatusCode)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A target's page shows its trend and its units as sorted bars, with the
// values in tooltips.
func TestTargetCharts(t *testing.T) {
	body := get(t, sharedServer(t), "/plans/1/targets/2b?period=2024", 200)
	for _, want := range []string{`<svg class="chart trend"`, `<title>Chỉ tiêu ≥ 100%</title>`, `<svg class="chart bars"`, `Lộ trình Năm 2025: 100%`} {
		if !strings.Contains(body, want) {
			t.Errorf("target page lacks %s", want)
		}
	}
}
