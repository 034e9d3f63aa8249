package auth

import (
	"slices"
	"testing"

	"kehoach"
)

func TestScopesOf(t *testing.T) {
	all := kehoach.AllUnits
	none := kehoach.Scope{}
	units := func(codes ...string) kehoach.Scope { return kehoach.Scope{Units: codes} }
	for _, tc := range []struct {
		name        string
		user        *kehoach.User
		entry, view kehoach.Scope
	}{
		{"nobody", nil, none, none},
		{"admin without scopes", &kehoach.User{Role: kehoach.RoleAdmin}, all, all},
		{"planner without scopes reads all, writes nothing", &kehoach.User{Role: kehoach.RolePlanner}, none, all},
		{"viewer without scopes", &kehoach.User{Role: kehoach.RoleViewer}, none, all},
		{"reporter without scopes", &kehoach.User{Role: kehoach.RoleReporter}, none, none},
		{"approver without scopes", &kehoach.User{Role: kehoach.RoleApprover}, none, none},
		{"reporter of a commune", &kehoach.User{Role: kehoach.RoleReporter, EntryScope: []string{"XA_A"}}, units("XA_A"), units("XA_A")},
		{"approver of a district reading the province", &kehoach.User{Role: kehoach.RoleApprover, EntryScope: []string{"H"}, ViewScope: []string{"LC"}}, units("H"), units("H", "LC")},
		{"reporter with view scope only", &kehoach.User{Role: kehoach.RoleReporter, ViewScope: []string{"H"}}, none, units("H")},
		{"viewer with a view scope", &kehoach.User{Role: kehoach.RoleViewer, ViewScope: []string{"H"}}, none, units("H")},
		{"viewer with an entry scope cannot write", &kehoach.User{Role: kehoach.RoleViewer, EntryScope: []string{"H"}}, none, units("H")},
		{"admin limited to a district", &kehoach.User{Role: kehoach.RoleAdmin, EntryScope: []string{"H"}}, units("H"), units("H")},
		{"codes in both listed once", &kehoach.User{Role: kehoach.RoleReporter, EntryScope: []string{"H"}, ViewScope: []string{"H", "LC"}}, units("H"), units("H", "LC")},
		{"disabled admin", &kehoach.User{Role: kehoach.RoleAdmin, Disabled: true}, none, none},
		{"unknown role", &kehoach.User{Role: "superuser"}, none, none},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entry, view := ScopesOf(tc.user)
			if entry.All != tc.entry.All || !slices.Equal(entry.Units, tc.entry.Units) {
				t.Errorf("entry = %+v, want %+v", entry, tc.entry)
			}
			if view.All != tc.view.All || !slices.Equal(view.Units, tc.view.Units) {
				t.Errorf("view = %+v, want %+v", view, tc.view)
			}
		})
	}
}

// TestScopesOfAgreesWithAllowed checks, over a small tree and every kind of
// user, that the scopes say what Allowed says unit by unit: the two must
// never drift apart, or the store's check would differ from the web's.
func TestScopesOfAgreesWithAllowed(t *testing.T) {
	tree := map[string][]string{ // unit → its codes up the tree
		"LC": {"LC"}, "H": {"H", "LC"}, "H2": {"H2", "LC"},
		"XA_A": {"XA_A", "H", "LC"}, "XB": {"XB", "H2", "LC"},
	}
	scopes := [][]string{nil, {"H"}, {"XA_A", "H2"}, {"LC"}}
	for _, role := range append(slices.Clone(kehoach.Roles), "superuser") {
		for _, es := range scopes {
			for _, vs := range scopes {
				for _, disabled := range []bool{false, true} {
					u := &kehoach.User{Role: role, EntryScope: es, ViewScope: vs, Disabled: disabled}
					entry, view := ScopesOf(u)
					for code, anc := range tree {
						if got, want := view.Covers(anc), Allowed(u, ActionView, code, anc); got != want {
							t.Errorf("%+v: view covers %s = %v, Allowed(view) = %v", u, code, got, want)
						}
						want := Allowed(u, ActionEnter, code, anc) || Allowed(u, ActionSubmit, code, anc) || Allowed(u, ActionApprove, code, anc)
						if got := entry.Covers(anc); got != want {
							t.Errorf("%+v: entry covers %s = %v, Allowed(enter|submit|approve) = %v", u, code, got, want)
						}
					}
				}
			}
		}
	}
}
