package web_test

import (
	"encoding/json"
	"html"
	"net/url"
	"os"
	"strings"
	"testing"
)

// upload posts a file to the plan import page as a browser's form does.
func upload(t *testing.T, name string, data []byte, as string) (int, string) {
	t.Helper()
	payload, ct := multipartFile(t, name, data, nil)
	resp, text := do(t, sharedServer(t), "POST", "/plans/import", nil, payload, map[string]string{"Content-Type": ct, "X-Test-As": as})
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
		`<a href="#src-t5">≥ 84,6%</a> Xã, thị trấn có nhà văn hóa đạt chuẩn`,
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

// The officer drops a target, edits another's value and comparison, drops
// a task, and gets the reviewed document back; bad edits are refused with
// the field named.
func TestPlanImportReview(t *testing.T) {
	data, _ := os.ReadFile("../planread/testdata/tamduong-2022.txt")
	code, body := upload(t, "tamduong.txt", data, "planner")
	if code != 200 {
		t.Fatalf("upload %d", code)
	}
	i := strings.Index(body, `name="doc" value="`)
	if i < 0 {
		t.Fatal("no document in the review form")
	}
	rest := body[i+len(`name="doc" value="`):]
	doc := html.UnescapeString(rest[:strings.Index(rest, `"`)])
	form := url.Values{"doc": {doc}, "d.t0": {"drop"}, "v.t5": {"85,5"}, "c.t5": {">"}, "d.k3": {"drop"}}
	resp, out := do(t, sharedServer(t), "POST", "/plans/import/review", form, "", map[string]string{"X-Test-As": "planner"})
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("review %d %s", resp.StatusCode, excerpt(out))
	}
	var got struct {
		Targets []struct {
			Value      float64
			Comparison string
			Parent     int
			Indicator  string
		}
		Tasks  []any
		Duties []any `json:"responsibilities"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Targets) != 13 || len(got.Tasks) != 24 || len(got.Duties) != 11 {
		t.Fatalf("%d targets, %d tasks, %d responsibilities", len(got.Targets), len(got.Tasks), len(got.Duties))
	}
	// target 5 is now at 4, its parent (old 4) at 3
	if g := got.Targets[4]; g.Value != 85.5 || g.Comparison != ">" || g.Parent != 3 || g.Indicator != "CT_XA_NVH_CHUAN" {
		t.Errorf("edited target = %+v", g)
	}
	form.Set("v.t5", "tám mươi")
	resp, out = do(t, sharedServer(t), "POST", "/plans/import/review", form, "", map[string]string{"X-Test-As": "planner"})
	if resp.StatusCode != 422 || !strings.Contains(out, "không phải số") {
		t.Errorf("bad value: %d %s", resp.StatusCode, excerpt(out))
	}
}
