package auth

import (
	"testing"

	"kehoach"
)

func TestPlanScopeOf(t *testing.T) {
	for _, c := range []struct {
		name string
		u    *kehoach.User
		all  bool
		want []string
	}{
		{"nil", nil, false, nil},
		{"viewer may not plan", &kehoach.User{Role: kehoach.RoleViewer}, false, nil},
		{"reporter may not plan", &kehoach.User{Role: kehoach.RoleReporter, EntryScope: []string{"XA"}}, false, nil},
		{"planner without scope plans everywhere", &kehoach.User{Role: kehoach.RolePlanner}, true, nil},
		{"scoped planner", &kehoach.User{Role: kehoach.RolePlanner, ViewScope: []string{"XA"}}, false, []string{"XA"}},
		{"disabled planner", &kehoach.User{Role: kehoach.RolePlanner, Disabled: true}, false, nil},
		{"admin", &kehoach.User{Role: kehoach.RoleAdmin}, true, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := PlanScopeOf(c.u)
			if s.All != c.all || len(s.Units) != len(c.want) {
				t.Fatalf("got %+v", s)
			}
			for i := range c.want {
				if s.Units[i] != c.want[i] {
					t.Fatalf("got %+v", s)
				}
			}
		})
	}
}
