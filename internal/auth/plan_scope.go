package auth

import "kehoach"

// PlanScopeOf returns the units whose plans u may change: none for a role
// that may not plan; for one that may, the units it may see (ScopesOf's
// view scope), so a district's planner plans for the district and a
// commune's for the commune, and a planner without scopes for the whole
// tree.
func PlanScopeOf(u *kehoach.User) kehoach.Scope {
	if u == nil || u.Disabled || !Can(u.Role, ActionPlan) {
		return kehoach.Scope{}
	}
	_, view := ScopesOf(u)
	return view
}
