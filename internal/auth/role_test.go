package auth

import (
	"testing"

	"kehoach"
)

func TestCanTable(t *testing.T) {
	// The whole table: each role's row lists the actions it may take.
	want := map[string]map[string]bool{
		kehoach.RoleAdmin:    {ActionView: true, ActionEnter: true, ActionSubmit: true, ActionApprove: true, ActionPlan: true, ActionAdmin: true},
		kehoach.RolePlanner:  {ActionView: true, ActionPlan: true},
		kehoach.RoleReporter: {ActionView: true, ActionEnter: true, ActionSubmit: true},
		kehoach.RoleApprover: {ActionView: true, ActionApprove: true},
		kehoach.RoleViewer:   {ActionView: true},
		"":                   {},
		"superuser":          {},
	}
	for role, row := range want {
		for _, action := range append(Actions, "", "delete_everything") {
			if got := Can(role, action); got != row[action] {
				t.Errorf("Can(%q, %q) = %v, want %v", role, action, got, row[action])
			}
		}
	}
	for _, role := range kehoach.Roles {
		if _, ok := want[role]; !ok {
			t.Errorf("role %q missing from the test table", role)
		}
	}
}

func TestInScope(t *testing.T) {
	// Village B1 under commune XA_A under district H under province LC.
	b1 := []string{"B1", "XA_A", "H", "LC"}
	for _, tc := range []struct {
		name  string
		unit  string
		anc   []string
		scope []string
		want  bool
	}{
		{"the unit itself", "B1", b1, []string{"B1"}, true},
		{"its commune", "B1", b1, []string{"XA_A"}, true},
		{"the root", "B1", b1, []string{"LC"}, true},
		{"one of several", "B1", b1, []string{"XB", "H"}, true},
		{"a sibling", "B1", b1, []string{"B2"}, false},
		{"a descendant does not cover its parent", "XA_A", []string{"XA_A", "H", "LC"}, []string{"B1"}, false},
		{"empty scope", "B1", b1, nil, false},
		{"ancestors without the unit", "B1", []string{"XA_A"}, []string{"B1"}, true},
		{"case matters", "B1", b1, []string{"xa_a"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := InScope(tc.unit, tc.anc, tc.scope); got != tc.want {
				t.Errorf("InScope(%q, %v, %v) = %v, want %v", tc.unit, tc.anc, tc.scope, got, tc.want)
			}
		})
	}
}

func TestAllowed(t *testing.T) {
	b1 := []string{"B1", "XA_A", "H", "LC"}
	xb := []string{"XA_B", "H", "LC"}
	u := func(role string, entry, view []string) *kehoach.User {
		return &kehoach.User{Username: "x", Role: role, EntryScope: entry, ViewScope: view}
	}
	disabled := u(kehoach.RoleAdmin, nil, nil)
	disabled.Disabled = true
	for _, tc := range []struct {
		name   string
		user   *kehoach.User
		action string
		anc    []string
		want   bool
	}{
		{"nobody", nil, ActionView, b1, false},
		{"disabled admin", disabled, ActionView, b1, false},
		{"admin, no scope, enters anywhere", u(kehoach.RoleAdmin, nil, nil), ActionEnter, xb, true},
		{"planner, no scope, views anywhere", u(kehoach.RolePlanner, nil, nil), ActionView, xb, true},
		{"planner never enters", u(kehoach.RolePlanner, nil, nil), ActionEnter, b1, false},
		{"viewer, no scope, views anywhere", u(kehoach.RoleViewer, nil, nil), ActionView, b1, true},
		{"viewer with view scope, inside", u(kehoach.RoleViewer, nil, []string{"XA_A"}), ActionView, b1, true},
		{"viewer with view scope, outside", u(kehoach.RoleViewer, nil, []string{"XA_A"}), ActionView, xb, false},
		{"reporter, no scope, nothing", u(kehoach.RoleReporter, nil, nil), ActionView, b1, false},
		{"reporter enters in scope", u(kehoach.RoleReporter, []string{"XA_A"}, nil), ActionEnter, b1, true},
		{"reporter submits in scope", u(kehoach.RoleReporter, []string{"XA_A"}, nil), ActionSubmit, b1, true},
		{"reporter views entry scope", u(kehoach.RoleReporter, []string{"XA_A"}, nil), ActionView, b1, true},
		{"reporter enters outside", u(kehoach.RoleReporter, []string{"XA_A"}, []string{"H"}), ActionEnter, xb, false},
		{"reporter views view scope", u(kehoach.RoleReporter, []string{"XA_A"}, []string{"H"}), ActionView, xb, true},
		{"reporter never approves", u(kehoach.RoleReporter, []string{"XA_A"}, nil), ActionApprove, b1, false},
		{"approver approves in scope", u(kehoach.RoleApprover, []string{"H"}, nil), ActionApprove, xb, true},
		{"approver approves outside", u(kehoach.RoleApprover, []string{"XA_A"}, nil), ActionApprove, xb, false},
		{"approver never enters", u(kehoach.RoleApprover, []string{"H"}, nil), ActionEnter, xb, false},
		{"admin with entry scope is limited", u(kehoach.RoleAdmin, []string{"XA_A"}, nil), ActionEnter, xb, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Allowed(tc.user, tc.action, tc.anc[0], tc.anc); got != tc.want {
				t.Errorf("Allowed(%+v, %q, %v) = %v, want %v", tc.user, tc.action, tc.anc, got, tc.want)
			}
		})
	}
}
