package web_test

import (
	"bytes"
	"mime/multipart"
	"os"
	"strings"
	"testing"
)

// upload posts a file to the plan import page as a browser's form does.
func upload(t *testing.T, name string, data []byte, as string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	resp, text := do(t, sharedServer(t), "POST", "/plans/import", nil, body.String(), map[string]string{"Content-Type": mw.FormDataContentType(), "X-Test-As": as})
	return resp.StatusCode, text
}

// The planner uploads the Tam Đường plan and sees each target, task and
// responsibility linked to its highlighted source, and nothing created.
func TestPlanImportPage(t *testing.T) {
	get(t, sharedServer(t), "/plans/import", 200)
	data, err := os.ReadFile("../planread/testdata/tamduong-2022.txt")
	if err != nil {
		t.Fatal(err)
	}
	code, body := upload(t, "tamduong.txt", data, "planner")
	if code != 200 {
		t.Fatalf("status %d: %s", code, excerpt(body))
	}
	for _, want := range []string{
		"Chỉ tiêu (14)", "Nhiệm vụ (25)", "Phân công (11)", "Chưa có gì được tạo",
		`<li id="item-t5"><a href="#src-t5">≥ 84,6%</a> Xã, thị trấn có nhà văn hóa đạt chuẩn`,
		`<mark id="src-t5" class="target"><a href="#item-t5">84,6% đạt chuẩn</a></mark>`,
		`<mark id="src-r7" class="duty"><a href="#item-r7">8. Đề nghị Ban Tuyên giáo Huyện ủy:`,
		"CT_XA_NVH_CHUAN", "phạm vi 9 đơn vị", "phạm vi 6 đơn vị",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(body, `<mark id="src-k`); n != 25 {
		t.Errorf("%d task sources highlighted, want 25", n)
	}
	// A file that is not a plan's text: the reason, on the same page.
	code, body = upload(t, "cu.doc", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}, "planner")
	if code != 422 || !strings.Contains(body, "Word cũ (.doc)") {
		t.Errorf("old .doc: %d %s", code, excerpt(body))
	}
	// Reading a plan is the planners' work.
	if code, _ := upload(t, "tamduong.txt", data, "reporter"); code != 403 {
		t.Errorf("reporter: %d, want 403", code)
	}
}
