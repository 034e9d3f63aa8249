package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var lightRE = regexp.MustCompile(`<td class="light light-([a-z_]+)" title="([^"]*)">([^<]*)</td>`)

// overviewOf reads the plan page's units × targets: the targets' codes,
// then each unit's cells (status, title, symbol) by unit name.
func overviewOf(t *testing.T, body string) ([]string, map[string][][3]string) {
	t.Helper()
	i := strings.Index(body, `<table class="lights"`)
	if i < 0 {
		t.Fatal("the plan page has no units × targets overview")
	}
	table := body[i : i+strings.Index(body[i:], "</table>")]
	head := table[strings.Index(table, "<thead>"):strings.Index(table, "</thead>")]
	var targets []string
	for _, m := range regexp.MustCompile(`<th>([^<]+)</th>`).FindAllStringSubmatch(head, -1)[1:] {
		targets = append(targets, m[1])
	}
	cells := map[string][][3]string{}
	for _, row := range rowsOf(table, "data-unit=") {
		for _, m := range lightRE.FindAllStringSubmatch(row, -1) {
			cells[attrOf(row, "data-unit")] = append(cells[attrOf(row, "data-unit")], [3]string{m[1], m[2], m[3]})
		}
	}
	return targets, cells
}

// The plan page shows units × targets in traffic lights (issue 16 point
// 4): the communes under the plan's scope, every target, each cell with a
// symbol that matches its status and a title with the target's figure (so that it reads without colour and in
// black and white), and the same statuses as each target's page by
// commune.
func TestPlanOverview(t *testing.T) {
	t.Parallel()
	srv, _, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	body := page(t, srv, "admin", "/plans/1", http.StatusOK)
	targets, cells := overviewOf(t, body)
	if len(targets) != len(rowsOf(body, "data-target=")) {
		t.Errorf("the overview has %d targets, the plan %d", len(targets), len(rowsOf(body, "data-target=")))
	}
	if len(cells) < 10 {
		t.Fatalf("the overview has %d units, want the district's communes", len(cells))
	}
	symbol := map[string]string{"achieved": "✓", "off_track": "✗", "no_data": "–", "none": ""}
	achieved := map[string]int{} // target → communes achieved
	for unit, cs := range cells {
		if !strings.HasPrefix(unit, "xã ") && !strings.HasPrefix(unit, "Thị trấn ") {
			t.Errorf("row %q is not a commune named as people read it", unit)
		}
		if len(cs) != len(targets) {
			t.Fatalf("%s: %d cells for %d targets", unit, len(cs), len(targets))
		}
		for j, c := range cs {
			if want, ok := symbol[c[0]]; !ok || c[2] != want {
				t.Errorf("%s, %s: status %s shown as %q", unit, targets[j], c[0], c[2])
			}
			if c[0] != "none" && !strings.HasPrefix(c[1], "Mục tiêu "+targets[j]+": ") {
				t.Errorf("%s, %s: title %q", unit, targets[j], c[1])
			}
			if c[0] == "achieved" {
				achieved[targets[j]]++
			}
		}
	}
	// A commune's reporter sees the plan re-scoped to the commune: its
	// villages, one level below.
	_, mine := overviewOf(t, page(t, srv, "reporter", "/plans/1", http.StatusOK))
	if len(mine) == 0 {
		t.Error("the reporter's plan page has no overview")
	}
	for unit := range mine {
		if !strings.HasPrefix(unit, "Bản ") {
			t.Errorf("the reporter's overview has %q, want the commune's villages", unit)
		}
	}
	// Against the target pages by commune, at the same period.
	for _, code := range []string{"2b", "3d"} {
		tp := page(t, srv, "admin", "/plans/1/targets/"+code+"?level=commune", http.StatusOK)
		n := 0
		for _, r := range rowsOf(tp, "data-unit=") {
			if strings.Contains(r, `class="st st-achieved"`) {
				n++
			}
		}
		if n != achieved[code] {
			t.Errorf("target %s: %d communes achieved on its page, %d in the overview", code, n, achieved[code])
		}
	}
}
