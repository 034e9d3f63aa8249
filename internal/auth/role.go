package auth

import "kehoach"

// Actions a role may be allowed.
const (
	ActionView    = "view"    // read units' figures, plans, dashboards, reports
	ActionEnter   = "enter"   // enter and correct a unit's figures (drafts)
	ActionSubmit  = "submit"  // submit a unit's figures for approval
	ActionApprove = "approve" // approve, return or unlock submitted figures
	ActionPlan    = "plan"    // edit plans, targets, indicators, forms
	ActionAdmin   = "admin"   // manage units and users, backups
)

// Actions lists the actions in the order of the permission table.
var Actions = []string{ActionView, ActionEnter, ActionSubmit, ActionApprove, ActionPlan, ActionAdmin}

// permissions is the table of what each role may do. Unit-scoped actions
// (view, enter, submit, approve) are further limited by the user's scopes:
// see Allowed.
var permissions = map[string]map[string]bool{
	kehoach.RoleAdmin:    {ActionView: true, ActionEnter: true, ActionSubmit: true, ActionApprove: true, ActionPlan: true, ActionAdmin: true},
	kehoach.RolePlanner:  {ActionView: true, ActionPlan: true},
	kehoach.RoleReporter: {ActionView: true, ActionEnter: true, ActionSubmit: true},
	kehoach.RoleApprover: {ActionView: true, ActionApprove: true},
	kehoach.RoleViewer:   {ActionView: true},
}

// Can reports whether role may perform action at all. Unknown roles and
// actions may do nothing.
func Can(role, action string) bool {
	return permissions[role][action]
}

// InScope reports whether the unit is covered by scope: some code in scope is
// the unit itself or one of its ancestors. ancestors are the unit's codes up
// the tree, the unit's own included. An empty scope covers nothing here; what
// an empty scope means for a role is Allowed's business.
func InScope(unitCode string, ancestors []string, scope []string) bool {
	for _, s := range scope {
		if s == unitCode {
			return true
		}
		for _, a := range ancestors {
			if s == a {
				return true
			}
		}
	}
	return false
}

// Allowed reports whether u may perform a unit-scoped action (view, enter,
// submit, approve) on the unit unitCode with the given ancestors (its own
// code included). A nil or disabled user may do nothing. Viewing is
// allowed within the entry scope and the view scope; the other actions
// within the entry scope only. A user of admin, planner or viewer role whose
// scopes are both empty reaches the whole tree; reporters and approvers with
// empty scopes reach nothing. For actions not tied to a unit (plan, admin),
// use Can.
func Allowed(u *kehoach.User, action, unitCode string, ancestors []string) bool {
	if u == nil || u.Disabled || !Can(u.Role, action) {
		return false
	}
	if !kehoach.RoleNeedsScope(u.Role) && len(u.EntryScope) == 0 && len(u.ViewScope) == 0 {
		return true
	}
	if InScope(unitCode, ancestors, u.EntryScope) {
		return true
	}
	return action == ActionView && InScope(unitCode, ancestors, u.ViewScope)
}
