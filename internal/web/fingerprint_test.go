package web

import (
	"testing"

	"kehoach"
)

// A fingerprint follows the content, not where it lies: equal data in
// other memory has the same, any field changed (deep, unexported too) has
// another, maps count whatever their order, and cycles end (issue 16).
func TestFingerprint(t *testing.T) {
	data := func() map[string]any {
		u := &kehoach.Unit{Code: "XA_BANBO", Name: "Bản Bo"}
		u.Children = []*kehoach.Unit{{Code: "B01", Name: "Nà Đon"}}
		return map[string]any{
			"Rows":  []*kehoach.UnitProgress{{Unit: u, Point: kehoach.Point{Value: 40, HasValue: true}}, {Unit: u}},
			"Flags": map[string]string{"1a": "x", "2b": "y", "3c": "z"},
			"Pager": pager{Page: 2, Total: 500},
			"Me":    &kehoach.User{Role: kehoach.RoleViewer},
		}
	}
	sum := func(d map[string]any) uint64 {
		s, ok := fingerprint(d)
		if !ok {
			t.Fatal("over the limit")
		}
		return s
	}
	base := sum(data())
	if again := sum(data()); again != base {
		t.Fatalf("equal data: %x and %x", base, again)
	}
	for name, change := range map[string]func(map[string]any){
		"a value deep in a row":   func(d map[string]any) { d["Rows"].([]*kehoach.UnitProgress)[0].Point.Value = 41 },
		"a child's name":          func(d map[string]any) { d["Rows"].([]*kehoach.UnitProgress)[0].Unit.Children[0].Name = "Nà Đon 2" },
		"a map's value":           func(d map[string]any) { d["Flags"].(map[string]string)["2b"] = "x" },
		"a map's key":             func(d map[string]any) { delete(d["Flags"].(map[string]string), "3c") },
		"an unexported-type page": func(d map[string]any) { d["Pager"] = pager{Page: 3, Total: 500} },
		"the role":                func(d map[string]any) { d["Me"] = &kehoach.User{Role: kehoach.RolePlanner} },
		"a row fewer":             func(d map[string]any) { d["Rows"] = d["Rows"].([]*kehoach.UnitProgress)[:1] },
		"a key more":              func(d map[string]any) { d["Extra"] = "" },
	} {
		d := data()
		change(d)
		if sum(d) == base {
			t.Errorf("%s: the same fingerprint", name)
		}
	}
	// A cycle ends.
	a := &kehoach.Unit{Code: "A"}
	a.Children = []*kehoach.Unit{a}
	if _, ok := fingerprint(a); !ok {
		t.Error("a cycle ran over the limit")
	}
}

// A cached progress counts by the name of what it was computed from and
// by its target: the series is not read, a new name or another target
// makes another fingerprint, and without a name the content counts.
func TestFingerprintVersionedProgress(t *testing.T) {
	tg := &kehoach.Target{Code: "1", Text: "Thôn có nhà văn hóa"}
	tp := func(version string, target *kehoach.Target, value float64) []*kehoach.TargetProgress {
		return []*kehoach.TargetProgress{{Target: target, Version: version, Series: []kehoach.Point{{Period: "2024", Value: value, HasValue: true}}}}
	}
	sum := func(v any) uint64 {
		s, ok := fingerprint(v)
		if !ok {
			t.Fatal("not fingerprinted")
		}
		return s
	}
	named := sum(tp("7.3.1/ab", tg, 40))
	if sum(tp("7.3.1/ab", tg, 90)) != named {
		t.Error("a named progress counted its series")
	}
	if sum(tp("8.3.1/ab", tg, 40)) == named {
		t.Error("another name, the same fingerprint")
	}
	other := *tg
	other.Text = "Thôn có loa"
	if sum(tp("7.3.1/ab", &other, 40)) == named {
		t.Error("another target, the same fingerprint")
	}
	if sum(tp("", tg, 40)) == sum(tp("", tg, 90)) {
		t.Error("an unnamed progress did not count its series")
	}
}
