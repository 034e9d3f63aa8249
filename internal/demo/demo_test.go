package demo

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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
		if units[l.From] == nil || units[l.To] == nil || l.Date != "2025-07-01" || units[l.From].ValidTo != "2025-06-30" || units[l.To].ValidFrom != "2025-07-01" {
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
	want := map[string]bool{}
	for y := 2021; y <= time.Now().Year(); y++ {
		want[strconv.Itoa(y)] = true
	}
	if time.Now().Month() < 4 {
		delete(want, strconv.Itoa(time.Now().Year())) // only the yearly period of this year has begun, not a past quarter
	}
	for y := range want {
		if !periods[y] {
			t.Errorf("years with figures = %v, want 2021 to the clock's", periods)
			break
		}
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

// TestLivesInThePresent: the six new communes have their (synthetic)
// merged villages, the commune-level bodies exist, schools moved with their
// communes, and figures after the reorganisation are under the new units
// only, up to the quarter before the clock's, whatever the year.
func TestLivesInThePresent(t *testing.T) {
	now := time.Date(2027, 5, 20, 9, 0, 0, 0, time.UTC)
	b, err := TamDuongAt(now)
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]*kehoach.Unit{}
	villages := map[string]int{}
	for _, u := range b.Units {
		units[u.Code] = u
	}
	for _, u := range b.Units {
		if p := units[u.ParentCode]; p != nil && u.Kind == kehoach.KindVillage && p.ValidFrom == "2025-07-01" {
			villages[p.Code]++
			if !u.Synthetic || u.ValidFrom != "2025-07-01" {
				t.Errorf("village %s of %s: synthetic %v from %s", u.Code, p.Code, u.Synthetic, u.ValidFrom)
			}
		}
	}
	for _, c := range []string{"X25_BINHLU", "X25_TALENG", "X25_KHUNHA", "X25_BANBO", "X25_SINSUOIHO", "P25_TANPHONG"} {
		if villages[c] < 3 {
			t.Errorf("%s has %d villages", c, villages[c])
		}
		if a := units[c+"_VHXH"]; a == nil || a.Kind != kehoach.KindAgency {
			t.Errorf("%s has no Phòng Văn hóa - Xã hội", c)
		}
	}
	if s := units["TH_BANBO_25"]; s == nil || s.ParentCode != "X25_BANBO" || units["TH_BANBO"].ValidTo != "2025-06-30" {
		t.Errorf("school of Bản Bo not moved: %+v", s)
	}
	latest := ""
	for _, v := range b.Values {
		u := units[v.Unit]
		if len(v.Period) == 6 && v.Period >= "2025Q3" && u.ValidTo != "" {
			t.Errorf("%s has a figure for %s after it ended", v.Unit, v.Period)
		}
		if len(v.Period) == 6 && v.Period > latest {
			latest = v.Period
		}
	}
	if latest != "2027Q1" {
		t.Errorf("latest quarter with figures %s, want 2027Q1 (the one before the clock's)", latest)
	}
	if got := Successors(b, "XA_BANBO", "2026-12-01"); !slices.Equal(got, []string{"X25_BANBO"}) {
		t.Errorf("successors of XA_BANBO = %v", got)
	}
	if got := Successors(b, "TAMDUONG", "2026-12-01"); len(got) < 6 || !slices.Contains(got, "P25_TANPHONG") {
		t.Errorf("successors of TAMDUONG = %v", got)
	}
	if got := Successors(b, "XA_BANBO", "2024-12-01"); !slices.Equal(got, []string{"XA_BANBO"}) {
		t.Errorf("XA_BANBO in 2024 = %v", got)
	}
}

// TestApprovedUpToThePresent (issue 9 point 7): every past period the demo
// has figures for, up to the clock, has its grids submitted and approved;
// only each form's latest period stays open, and the grids of the commune
// the demo names still reporting (today's Bản Bo).
func TestApprovedUpToThePresent(t *testing.T) {
	b, err := TamDuongAt(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	grids := map[string]int{}
	for _, s := range b.Submissions {
		if s.Status != kehoach.SubmissionApproved || s.DecidedAt.IsZero() || s.SubmittedAt.After(s.DecidedAt) {
			t.Fatalf("submission %+v: want approved after it was sent", s)
		}
		grids[s.Form+" "+s.Period]++
		if s.Unit == "X25_BANBO" {
			t.Errorf("Bản Bo (since 2025) is still reporting, but its grid %s %s is approved", s.Form, s.Period)
		}
		if s.Unit == "XA_BANBO" {
			grids["XA_BANBO "+s.Period]++
		}
	}
	if grids["XA_BANBO 2025Q2"] == 0 {
		t.Error("the old Bản Bo's last quarter, before the demo's open date, is not approved")
	}
	for _, want := range []string{"BM_XA 2025Q4", "BM_BAN 2026Q2", "BM_BAN_NAM 2025", "BM_CANBO 2025", "BM_BAN 2024Q3", "BM_BAN_NAM 2024"} {
		if grids[want] == 0 {
			t.Errorf("no approved grid of %s", want)
		}
	}
	for _, open := range []string{"BM_XA 2026Q3", "BM_BAN 2026Q3", "BM_BAN_NAM 2026"} {
		if grids[open] != 0 {
			t.Errorf("%d approved grids of %s, the latest period: want it open", grids[open], open)
		}
	}
}

// TestOneConfirmedSurprise (issue 9 point 7): the demo's approver finds one
// figure in "cần kiểm tra": a jump its reporter confirmed, in the open
// commune's latest period, with the reason and the note as the write path
// stores them.
func TestOneConfirmedSurprise(t *testing.T) {
	b, err := TamDuongAt(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var flagged []*kehoach.DataValue
	for _, v := range b.Values {
		if _, _, ok := kehoach.SplitFlag(v.Comment); ok {
			flagged = append(flagged, v)
		}
	}
	if len(flagged) != 1 {
		t.Fatalf("%d flagged figures, want 1", len(flagged))
	}
	v := flagged[0]
	reason, note, _ := kehoach.SplitFlag(v.Comment)
	if v.Element != "HGD_TONG" || v.Period != "2026" || !strings.Contains(reason, "khác nhiều so với kỳ trước") || !strings.Contains(note, "sáp nhập") {
		t.Errorf("flagged figure %+v: reason %q, note %q", v, reason, note)
	}
	for _, s := range b.Submissions {
		if s.Period == v.Period && s.Form == "BM_BAN_NAM" && s.Unit == "X25_BANBO" {
			t.Errorf("the flagged figure's grid is approved: the approver would not see it")
		}
	}
}
