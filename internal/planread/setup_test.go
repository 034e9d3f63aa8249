package planread_test

import (
	"os"
	"strings"
	"testing"

	"kehoach"
	"kehoach/internal/planread"
)

// TestSetupProposals: a socio-economic plan whose targets no indicator of
// the demo measures becomes a draft plan whose every target has an
// indicator, each proposed one with its elements on one new yearly form,
// and which the domain's rules accept; a text whose issuer is not a known
// unit is refused on the field "issuer".
func TestSetupProposals(t *testing.T) {
	text, err := os.ReadFile("testdata/plans/kinh-te-xa-hoi.txt")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := planread.Read("kinh-te-xa-hoi.txt", text, catalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Header.IssuerUnit == "" {
		doc.Header.IssuerUnit = "TAMDUONG" // the fixture's issuer is not in the demo: as the officer would pick it
	}
	s, err := planread.Setup(doc, planread.SetupOptions{Code: "kh_ktxh"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Plan.Code != "KH_KTXH" || len(s.Plan.Targets) != len(doc.Targets) || len(s.Indicators) == 0 || len(s.Forms) != 1 {
		t.Fatalf("plan %s: %d targets of %d, %d new indicators, %d forms", s.Plan.Code, len(s.Plan.Targets), len(doc.Targets), len(s.Indicators), len(s.Forms))
	}
	onForm := map[string]bool{}
	for _, c := range s.Forms[0].Elements {
		onForm[c] = true
	}
	for _, e := range s.Elements {
		if !onForm[e.Code] || len(e.UnitKinds) == 0 {
			t.Errorf("element %s: on the form %v, kinds %v", e.Code, onForm[e.Code], e.UnitKinds)
		}
	}
	for _, i := range s.Indicators {
		if !strings.HasPrefix(i.Numerator, "#{KH_KTXH_") {
			t.Errorf("indicator %s counts %s", i.Code, i.Numerator)
		}
	}
	for _, tg := range s.Plan.Targets {
		if tg.IndicatorCode == "" {
			t.Errorf("target %s has no indicator", tg.Code)
		}
	}
	if err := kehoach.ValidatePlan(s.Plan); err != nil {
		t.Errorf("the draft breaks the plan's rules: %v", err)
	}
	doc.Header.IssuerUnit = ""
	if _, err := planread.Setup(doc, planread.SetupOptions{Code: "X"}); kehoach.ErrorFields(err)["issuer"] == "" {
		t.Errorf("unknown issuer: %v", err)
	}
}
