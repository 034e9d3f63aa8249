package auth

import "kehoach"

// ScopesOf returns the units u may enter figures for (and submit or approve
// them) and the units u may read, as Allowed decides them, so that a
// request or a command can compute them once and carry them in its Actor.
// A nil or disabled user reaches nothing; a role that may neither enter,
// submit nor approve has an empty entry scope whatever its units say. A user
// of admin, planner or viewer role without scopes reaches the whole tree;
// reporters and approvers without an entry scope write nothing. The view
// scope is the entry scope together with the view scope.
func ScopesOf(u *kehoach.User) (entry, view kehoach.Scope) {
	if u == nil || u.Disabled || !Can(u.Role, ActionView) {
		return kehoach.Scope{}, kehoach.Scope{}
	}
	writes := Can(u.Role, ActionEnter) || Can(u.Role, ActionSubmit) || Can(u.Role, ActionApprove)
	if !kehoach.RoleNeedsScope(u.Role) && len(u.EntryScope) == 0 && len(u.ViewScope) == 0 {
		if writes {
			entry = kehoach.AllUnits
		}
		return entry, kehoach.AllUnits
	}
	if writes && len(u.EntryScope) > 0 {
		entry.Units = append([]string(nil), u.EntryScope...)
	}
	for _, code := range append(append([]string(nil), u.EntryScope...), u.ViewScope...) {
		if !contains(view.Units, code) {
			view.Units = append(view.Units, code)
		}
	}
	return entry, view
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
