package demo

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"kehoach"
)

func TestTamDuong(t *testing.T) {
	b, err := TamDuong()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Plans) != 1 || len(b.Plans[0].Targets) != 14 || !b.Plans[0].Demo {
		t.Fatalf("want one demo plan with 14 targets, got %d plans", len(b.Plans))
	}
	kinds := map[string]int{}
	units := map[string]*kehoach.Unit{}
	for _, u := range b.Units {
		kinds[u.Kind]++
		units[u.Code] = u
		if u.Kind == kehoach.KindVillage && !u.Synthetic {
			t.Errorf("village %s is not marked synthetic", u.Code)
		}
	}
	// 13 communes before the reform and 6 after.
	if kinds[kehoach.KindCommune] != 19 {
		t.Errorf("communes = %d, want 13 + 6", kinds[kehoach.KindCommune])
	}
	if kinds[kehoach.KindVillage] < 13*7 {
		t.Errorf("villages = %d, want at least 7 per commune", kinds[kehoach.KindVillage])
	}
	for _, l := range b.Links {
		if units[l.From] == nil || units[l.To] == nil || l.Date != "2025-07-01" {
			t.Errorf("bad link %+v", l)
		}
	}
	indicators := map[string]bool{}
	for _, i := range b.Indicators {
		indicators[i.Code] = true
	}
	for _, tg := range b.Plans[0].Targets {
		if !indicators[tg.IndicatorCode] {
			t.Errorf("target %s: no indicator %s", tg.Code, tg.IndicatorCode)
		}
		if err := tg.Validate(); err != nil {
			t.Errorf("target %s: %v", tg.Code, err)
		}
	}
	elements := map[string]*kehoach.DataElement{}
	for _, e := range b.Elements {
		elements[e.Code] = e
	}
	periods := map[string]bool{}
	for _, v := range b.Values {
		e, u := elements[v.Element], units[v.Unit]
		if e == nil || u == nil {
			t.Fatalf("value for unknown element or unit: %+v", v)
		}
		if !e.ReportedBy(u.Kind) {
			t.Errorf("%s reported by %s (%s)", v.Element, v.Unit, u.Kind)
		}
		if _, _, err := e.ParseValue(v.Value); err != nil {
			t.Errorf("%+v: %v", v, err)
		}
		periods[v.Period[:4]] = true
	}
	if !reflect.DeepEqual(periods, map[string]bool{"2021": true, "2022": true, "2023": true, "2024": true}) {
		t.Errorf("years with figures = %v, want 2021–2024", periods)
	}
	if !strings.Contains(NoteText(), "minh họa") {
		t.Errorf("note %q does not say the data is illustrative", NoteText())
	}
}

// TestDeterministic: the same seed gives the same villages and figures.
func TestDeterministic(t *testing.T) {
	a, err := TamDuong()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := TamDuong()
	if !reflect.DeepEqual(a.Units, b.Units) || !reflect.DeepEqual(a.Values, b.Values) {
		t.Fatal("two builds differ")
	}
}

// TestRulesHoldOnDemo: the synthetic figures obey the forms' own rules
// (standard cultural houses only where there is a cultural house, cultural
// families no more than households).
func TestRulesHoldOnDemo(t *testing.T) {
	b, _ := TamDuong()
	got := map[string]string{}
	for _, v := range b.Values {
		got[v.Element+"/"+v.Unit+"/"+v.Period] = v.Value
	}
	for _, v := range b.Values {
		switch v.Element {
		case "BAN_NVH_CHUAN", "XA_NVH_CHUAN":
			has := strings.TrimSuffix(v.Element, "_CHUAN")
			if v.Value == "true" && got[has+"/"+v.Unit+"/"+v.Period] != "true" {
				t.Errorf("%s/%s standard without a house", v.Unit, v.Period)
			}
		case "HGD_VH":
			n, _ := strconv.Atoi(v.Value)
			total, _ := strconv.Atoi(got["HGD_TONG/"+v.Unit+"/"+v.Period])
			if n > total {
				t.Errorf("%s/%s: %d cultural families of %d households", v.Unit, v.Period, n, total)
			}
		}
	}
}
