package planread_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kehoach/internal/planread"
	"kehoach/internal/vntext"
)

var update = flag.Bool("update", false, "rewrite the measured table in docs/plan-import.md")

// want is a fixture's expected extraction, written by reading the plan.
type want struct {
	Docx    bool `json:"docx"`
	Targets []struct {
		Key        string  `json:"key"` // a phrase of the target's clause
		Value      float64 `json:"value"`
		Comparison string  `json:"comparison"`
		Subject    string  `json:"subject"`
		Deadline   string  `json:"deadline"`
	} `json:"targets"`
	Header    map[string]string `json:"header"`
	Basis     *int              `json:"basis"`
	Tasks     *int              `json:"tasks"`
	Duties    *int              `json:"duties"`
	DutyUnits [][]string        `json:"dutyUnits"`
}

// counts are the target counts of one fixture (or all): extracted,
// expected, and for each field the extracted targets that match an
// expected one with that field right.
type counts struct {
	got, want, found int
	fields           map[string]int
}

var fieldNames = []string{"value", "comparison", "subject", "deadline"}

func (c *counts) add(o counts) {
	c.got += o.got
	c.want += o.want
	c.found += o.found
	if c.fields == nil {
		c.fields = map[string]int{}
	}
	for k, v := range o.fields {
		c.fields[k] += v
	}
}

// score aligns the extracted targets with the expected ones (an expected
// target is found by the first unused extracted target whose source holds
// its key, preferring one of the same value) and counts the right fields.
func score(d *planread.Document, w *want) (counts, []string) {
	c := counts{got: len(d.Targets), want: len(w.Targets), fields: map[string]int{}}
	used := make([]bool, len(d.Targets))
	var misses []string
	for _, e := range w.Targets {
		best := -1
		for i, g := range d.Targets {
			if used[i] || !strings.Contains(vntext.Fold(g.Source.Text), vntext.Fold(e.Key)) {
				continue
			}
			if best < 0 || g.Value == e.Value && d.Targets[best].Value != e.Value {
				best = i
			}
		}
		if best < 0 {
			misses = append(misses, fmt.Sprintf("missed %q", e.Key))
			continue
		}
		used[best] = true
		g := d.Targets[best]
		c.found++
		got := map[string]bool{"value": g.Value == e.Value, "comparison": g.Comparison == e.Comparison, "subject": g.Subject == e.Subject, "deadline": g.Deadline == e.Deadline}
		for _, f := range fieldNames {
			if got[f] {
				c.fields[f]++
			} else {
				misses = append(misses, fmt.Sprintf("%q: %s = %v", e.Key, f, map[string]any{"value": g.Value, "comparison": g.Comparison, "subject": g.Subject, "deadline": g.Deadline}[f]))
			}
		}
	}
	for i, g := range d.Targets {
		if !used[i] {
			misses = append(misses, fmt.Sprintf("extra %v %q", g.Value, g.Source.Text))
		}
	}
	return c, misses
}

// readFixture reads a fixture plan; one marked docx is first written as a
// .docx with Word's automatic numbering ("#1 " a level-1 item) and tables
// ("TABLE a | b"), so the .docx reader is measured too.
func readFixture(t *testing.T, path string, w *want) *planread.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(path)
	if w.Docx {
		data, name = fixtureDocx(string(data)), strings.TrimSuffix(name, ".txt")+".docx"
	}
	d, err := planread.Read(name, data, catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestQuality reads every fixture plan, checks its header, basis, tasks and
// responsibilities, and measures the precision and recall of its targets
// field by field; with -update it writes the table to docs/plan-import.md,
// and without, it fails when the table there is not what was measured.
func TestQuality(t *testing.T) {
	files, _ := filepath.Glob("testdata/plans/*.txt")
	if len(files) < 9 {
		t.Fatalf("%d fixtures", len(files))
	}
	var rows []string
	var total counts
	for _, f := range files {
		var w want
		b, err := os.ReadFile(strings.TrimSuffix(f, ".txt") + ".want.json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &w); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		d := readFixture(t, f, &w)
		c, misses := score(d, &w)
		for _, m := range misses {
			t.Logf("%s: %s", filepath.Base(f), m)
		}
		total.add(c)
		rows = append(rows, row(strings.TrimSuffix(filepath.Base(f), ".txt"), c))
		checkStructure(t, filepath.Base(f), d, &w)
	}
	rows = append(rows, row("**tổng**", total))
	table := "| Kế hoạch | Trích | Cần | Khớp | " + strings.Join(mapStr(fieldNames, func(f string) string { return f + " P / R" }), " | ") + " |\n|---|---|---|---|---|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
	t.Logf("\n%s", table)
	const doc = "../../docs/plan-import.md"
	const begin, end = "<!-- quality:begin -->\n", "<!-- quality:end -->"
	text, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	i, j := strings.Index(string(text), begin), strings.Index(string(text), end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q … %q", doc, begin, end)
	}
	if *update {
		out := string(text[:i+len(begin)]) + table + string(text[j:])
		if err := os.WriteFile(doc, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if string(text[i+len(begin):j]) != table {
		t.Errorf("%s is not what was measured; run go test ./internal/planread -run TestQuality -update", doc)
	}
	// The bar the reader must keep: a regression fails here, not silently.
	if r := ratio(total.fields["value"], total.want); r < 0.85 {
		t.Errorf("value recall %.2f < 0.85", r)
	}
	if p := ratio(total.fields["comparison"], total.got); p < 0.8 {
		t.Errorf("comparison precision %.2f < 0.80", p)
	}
}

func checkStructure(t *testing.T, name string, d *planread.Document, w *want) {
	h := map[string]string{"issuerUnit": d.Header.IssuerUnit, "number": d.Header.Number, "date": d.Header.Date, "place": d.Header.Place, "type": d.Header.Type}
	for k, v := range w.Header {
		if h[k] != v {
			t.Errorf("%s: header %s = %q, want %q", name, k, h[k], v)
		}
	}
	if w.Basis != nil && len(d.Basis) != *w.Basis {
		t.Errorf("%s: %d basis, want %d", name, len(d.Basis), *w.Basis)
	}
	if w.Tasks != nil && len(d.Tasks) != *w.Tasks {
		t.Errorf("%s: %d tasks, want %d", name, len(d.Tasks), *w.Tasks)
	}
	if w.Duties != nil && len(d.Duties) != *w.Duties {
		t.Errorf("%s: %d responsibilities, want %d", name, len(d.Duties), *w.Duties)
	}
	for i, units := range w.DutyUnits {
		if i < len(d.Duties) {
			for _, u := range units {
				if !slices.Contains(d.Duties[i].Units, u) {
					t.Errorf("%s: responsibility %d %q has units %v, want %s", name, i+1, d.Duties[i].Body, d.Duties[i].Units, u)
				}
			}
		}
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func row(name string, c counts) string {
	cells := []string{name, fmt.Sprint(c.got), fmt.Sprint(c.want), fmt.Sprint(c.found)}
	for _, f := range fieldNames {
		cells = append(cells, fmt.Sprintf("%.2f / %.2f", ratio(c.fields[f], c.got), ratio(c.fields[f], c.want)))
	}
	return "| " + strings.Join(cells, " | ") + " |"
}

func mapStr(xs []string, f func(string) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// fixtureDocx writes text as a .docx: "#N " lines become items of level N
// of an automatic list (I., 1., -), "TABLE " lines rows of a table.
func fixtureDocx(text string) []byte {
	var body strings.Builder
	inTable := false
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(line, "TABLE ") {
			if !inTable {
				body.WriteString("<w:tbl>")
				inTable = true
			}
			body.WriteString("<w:tr>")
			for _, c := range strings.Split(strings.TrimPrefix(line, "TABLE "), "|") {
				fmt.Fprintf(&body, "<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc>", html.EscapeString(strings.TrimSpace(c)))
			}
			body.WriteString("</w:tr>")
			continue
		}
		if inTable {
			body.WriteString("</w:tbl>")
			inTable = false
		}
		num := ""
		if len(line) > 2 && line[0] == '#' {
			num = fmt.Sprintf(`<w:pPr><w:numPr><w:ilvl w:val="%c"/><w:numId w:val="1"/></w:numPr></w:pPr>`, line[1]-1)
			line = line[3:]
		}
		// split the run in two, as Word does at a change of format
		half := len(line) / 2
		for half > 0 && !utf8Start(line[half]) {
			half--
		}
		fmt.Fprintf(&body, `<w:p>%s<w:r><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>%s</w:t></w:r></w:p>`, num, html.EscapeString(line[:half]), html.EscapeString(line[half:]))
	}
	if inTable {
		body.WriteString("</w:tbl>")
	}
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	numbering := `<w:numbering ` + ns + `><w:abstractNum w:abstractNumId="0">` +
		`<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>` +
		`<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>` +
		`<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>` +
		`</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   `<?xml version="1.0" encoding="UTF-8"?><w:document ` + ns + `><w:body>` + body.String() + `</w:body></w:document>`,
		"word/numbering.xml":  numbering,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(content))
	}
	zw.Close()
	return buf.Bytes()
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
