package planread_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"kehoach/internal/demo"
	"kehoach/internal/planread"
	"kehoach/internal/vntext"
)

const seedPath = "../../../../shared/plans/tam-duong-2022-cong-tac-tu-tuong.txt"

// catalogue is the demo bundle's units and indicators: what a plan is
// matched against.
func catalogue(t testing.TB) planread.Catalogue {
	t.Helper()
	b, err := demo.TamDuong()
	if err != nil {
		t.Fatal(err)
	}
	return planread.Catalogue{Units: b.Units, Indicators: b.Indicators}
}

func seedText(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/tamduong-2022.txt")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSeedPlan reads the Tam Đường plan and checks every target against
// the demo bundle, which was set up from the same plan by hand.
func TestSeedPlan(t *testing.T) {
	b, err := demo.TamDuong()
	if err != nil {
		t.Fatal(err)
	}
	d, err := planread.Read("tamduong-2022.txt", seedText(t), catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	want := b.Plans[0].Targets
	if len(d.Targets) != len(want) {
		t.Errorf("%d targets, want %d", len(d.Targets), len(want))
	}
	found := 0
	for _, w := range want {
		ok := false
		for _, g := range d.Targets {
			if g.Indicator == w.IndicatorCode && g.Value == w.Value && g.Comparison == w.Op && g.Deadline == string(w.Deadline) {
				ok = true
				break
			}
		}
		if ok {
			found++
		} else {
			t.Errorf("target %s (%s %v %s by %s) not extracted", w.Code, w.IndicatorCode, w.Value, w.Op, w.Deadline)
		}
	}
	t.Logf("targets: %d/%d with exact indicator, value, comparison and deadline", found, len(want))

	h := d.Header
	if h.IssuerUnit != b.Plans[0].IssuerCode || h.Place != b.Plans[0].Place || h.Type != "Kế hoạch" || h.Number != "/KH-UBND" || h.Date != "2022-06" || h.Signer != b.Plans[0].Signer {
		t.Errorf("header = %+v", h)
	}
	if !strings.Contains(vntext.Fold(b.Plans[0].Title), vntext.Fold(h.Title)) {
		t.Errorf("title %q", h.Title)
	}
	if len(d.Basis) != 1 || d.Basis[0].Text != b.Plans[0].LegalBasis {
		t.Errorf("basis = %+v, want %q", d.Basis, b.Plans[0].LegalBasis)
	}

	// Every "-" bullet between "2. Nhiệm vụ" and "III." is a task.
	src := string(seedText(t))
	body := src[strings.Index(src, "\n2. Nhiệm vụ"):strings.Index(src, "\nIII. TỔ CHỨC")]
	bullets := strings.Count(body, "\n- ")
	if len(d.Tasks) != bullets {
		t.Errorf("%d tasks, want the %d bullets", len(d.Tasks), bullets)
	}
	for _, task := range d.Tasks {
		if got := d.Text[task.Source.Start:task.Source.End]; !strings.HasPrefix(got, "- ") || !strings.HasPrefix(task.Section, "II.") {
			t.Errorf("task %q: source %q section %s", task.Text[:20], got[:min(20, len(got))], task.Section)
		}
	}

	// The eleven entries of "Tổ chức thực hiện", with the units they name.
	wantDuties := []struct {
		unit    string
		request bool
		group   string
	}{{"CQ_VHTT", false, ""}, {"CQ_NOIVU", false, ""}, {"CQ_GDDT", false, ""}, {"CQ_TNMT", false, ""}, {"CQ_TCKH", false, ""},
		{"CQ_LDTBXH", false, ""}, {"CQ_TTVHTT", false, ""}, {"CQ_BTGHU", true, ""}, {"CQ_MTTQ", true, ""}, {"CQ_VHTT", false, "agency"}, {"XA_BINHLU", false, "commune"}}
	if len(d.Duties) != len(wantDuties) {
		t.Fatalf("%d responsibilities, want %d", len(d.Duties), len(wantDuties))
	}
	for i, w := range wantDuties {
		g := d.Duties[i]
		if !slices.Contains(g.Units, w.unit) || g.Request != w.request || g.Group != w.group || len(g.Duties) == 0 {
			t.Errorf("responsibility %d %q = units %v request %v group %q duties %d", i+1, g.Body, g.Units, g.Request, g.Group, len(g.Duties))
		}
		if w.group == "" && len(g.Units) != 1 {
			t.Errorf("responsibility %d names %v, want one unit", i+1, g.Units)
		}
	}

	// The nine communes of the heritage clubs and the six schools scope
	// their targets.
	scopes := map[string]int{}
	for _, g := range d.Targets {
		scopes[g.Indicator] = len(g.Scope)
	}
	if scopes["CT_XA_CLB"] != 9 || scopes["CT_TRUONG_CLB"] != 6 {
		t.Errorf("scopes = %v, want 9 communes for CT_XA_CLB and 6 schools for CT_TRUONG_CLB", scopes)
	}
	// Every item's source is the exact text at its position.
	for _, g := range d.Targets {
		if d.Text[g.Source.Start:g.Source.End] != g.Source.Text {
			t.Errorf("target source %q ≠ text at %v %q", g.Source.Text, g.Source, d.Text[g.Source.Start:g.Source.End])
		}
	}
}
