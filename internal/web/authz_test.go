package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The authorization matrix: every route, as every kind of user, on a unit
// inside the user's scope and one outside. Reporter is bound to Bản Bo
// (XA_BANBO), reporter2 to Bình Lư (XA_BINHLU), approver to the district,
// viewer.banbo may only view Bản Bo; admin, planner and viewer see all.
//
// Statuses: 200 ok, 303 redirect (to the login page for anonymous pages,
// after a save for a save), 401 API without credentials, 403 refused.

var users = []string{"anonymous", "admin", "planner", "reporter", "reporter2", "approver", "viewer", "viewer.banbo"}

type authzCase struct {
	method, path string
	form         url.Values
	// want: a status per user, in the order of users.
	want [8]int
}

// save posts one village figure through the entry form of a commune.
func save(unit, village string) url.Values {
	return url.Values{"unit": {unit}, "form": {"BM_BAN"}, "period": {"2024Q4"}, "v." + village + ".BAN_LOA": {"true"}}
}

var authzMatrix = []authzCase{
	//                                                                         anon admin plan  rep  rep2 appr view  v.bb
	{"GET", "/", nil, [8]int{303, 303, 303, 303, 303, 303, 303, 303}},
	{"GET", "/plans", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/plans/1", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/plans/import", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},                  // plan import (issue 15)
	{"POST", "/plans/import/review", url.Values{}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}}, // plan import (issue 15): an empty review
	{"GET", "/plans/1/targets/2b", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/units", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/units/XA_BANBO", nil, [8]int{303, 200, 200, 200, 403, 200, 200, 200}},
	{"GET", "/units/XA_BINHLU", nil, [8]int{303, 200, 200, 403, 200, 200, 200, 403}},
	{"GET", "/units/XA_BANBO_B01", nil, [8]int{303, 200, 200, 200, 403, 200, 200, 200}},
	// Approvers see grids of their scope read-only, to decide (submission_test.go).
	{"GET", "/entry", nil, [8]int{303, 200, 403, 200, 200, 200, 403, 403}},
	{"GET", "/entry?unit=XA_BANBO&form=BM_BAN&period=2024Q4", nil, [8]int{303, 200, 403, 200, 403, 200, 403, 403}},
	{"GET", "/entry?unit=XA_BINHLU&form=BM_BAN&period=2024Q4", nil, [8]int{303, 200, 403, 403, 200, 200, 403, 403}},
	{"POST", "/entry", save("XA_BANBO", "XA_BANBO_B01"), [8]int{303, 303, 403, 303, 403, 403, 403, 403}},
	{"POST", "/entry", save("XA_BINHLU", "XA_BINHLU_B01"), [8]int{303, 303, 403, 403, 303, 403, 403, 403}},
	// A cell of another commune smuggled into one's own commune's form.
	{"POST", "/entry", save("XA_BANBO", "XA_BINHLU_B01"), [8]int{303, 403, 403, 403, 403, 403, 403, 403}},
	// tasks (issue 11): pages.
	{"GET", "/plans/1/tasks", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/plans/1/tasks?by=unit", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/tasks/mine", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/tasks/mine?unit=XA_BINHLU", nil, [8]int{303, 200, 200, 403, 200, 200, 200, 403}},
	{"GET", "/tasks/1", nil, [8]int{303, 200, 200, 403, 403, 200, 200, 403}},
	{"POST", "/tasks/1/progress", url.Values{"unit": {"X25_BANBO_VHXH"}, "text": {"x"}, "work": {"in_progress"}, "percent": {"10"}, "date": {"2024-05-01"}}, [8]int{303, 303, 403, 403, 403, 403, 403, 403}},
	// The task edit page (issue 11): planners only, the store checks the plan scope.
	{"GET", "/tasks/1/edit", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"POST", "/tasks/1/edit", url.Values{"section": {"II.2.1"}, "title": {"Tăng cường tuyên truyền"}, "lead": {"CQ_TTVHTT"}, "kind": {"continuous"}, "due": {"2025-12-31"}, "targets": {"1a"}}, [8]int{303, 303, 303, 403, 403, 403, 403, 403}},
	{"POST", "/tasks/1/edit", url.Values{"section": {"II.2.1"}, "title": {"x"}, "lead": {"NOPE"}, "kind": {"continuous"}, "due": {"2025-12-31"}}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	{"POST", "/progress/99999/accept", url.Values{"task": {"1"}}, [8]int{303, 303, 303, 403, 403, 303, 403, 403}},
	{"GET", "/evidence/99999", nil, [8]int{303, 404, 404, 404, 404, 404, 404, 404}},
	{"GET", "/plans/1/reviews", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"POST", "/plans/1/reviews", url.Values{"kind": {"x"}}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	{"GET", "/reviews/99999", nil, [8]int{303, 404, 404, 404, 404, 404, 404, 404}},
	{"GET", "/plans/1/emulation", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"POST", "/plans/1/emulation", url.Values{"name1": {"x"}, "kind1": {"y"}, "weight1": {"1"}}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	{"GET", "/account", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/admin/users", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"GET", "/admin/users/new", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"GET", "/admin/users/1", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	// Issue 10: the unit tree and reorganisations, administrators only.
	{"GET", "/admin/units", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"GET", "/admin/units?current=1", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"GET", "/admin/units/new", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"GET", "/admin/units/XA_BANBO", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"POST", "/admin/units/XA_BANBO", url.Values{"code": {"XA_BANBO"}, "name": {"Bản Bo"}, "kind": {"commune"}, "subkind": {"xã"}, "parent": {"TAMDUONG"}, "validTo": {"2025-06-30"}}, [8]int{303, 303, 403, 403, 403, 403, 403, 403}},
	{"GET", "/admin/reorg", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"POST", "/admin/reorg", url.Values{"kind": {"merge"}, "date": {"2026-01-01"}, "units": {"X25_BANBO_MTTQ, X25_BANBO_BXDD"}, "newCode": {"CQ_TEST"}, "newName": {"Ban thử"}}, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"POST", "/admin/users", url.Values{"username": {"x1"}, "role": {"viewer"}, "password": {"dài-đủ-mười-ký-tự"}}, [8]int{303, 303, 403, 403, 403, 403, 403, 403}},
	{"GET", "/admin/tokens", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"POST", "/admin/tokens/99999/revoke", url.Values{}, [8]int{303, 404, 403, 403, 403, 403, 403, 403}},
	{"POST", "/account/tokens/99999/revoke", url.Values{}, [8]int{303, 404, 404, 404, 404, 404, 404, 404}},
	// Reports (issue 12): the issuer's (district's) view scope; editing also
	// the plan role. The planner's save comes after the administrator's from
	// the same version 0, so it is a conflict (409), not a refusal; issuing
	// a draft without a signer is 422.
	{"GET", "/plans/1/report?period=2024", nil, [8]int{303, 200, 200, 403, 403, 200, 200, 403}},
	{"GET", "/plans/1/report/file?period=2024&format=xlsx", nil, [8]int{303, 200, 200, 403, 403, 200, 200, 403}},
	{"POST", "/plans/1/report", url.Values{"kind": {"report"}, "period": {"2023"}, "version": {"0"}}, [8]int{303, 303, 409, 403, 403, 403, 403, 403}},
	{"POST", "/plans/1/report/issue", url.Values{"kind": {"report"}, "period": {"2023"}, "version": {"1"}}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	{"GET", "/healthz", nil, [8]int{200, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/login", nil, [8]int{200, 303, 303, 303, 303, 303, 303, 303}},

	// Planning (issue 14): planners and administrators set plans up; the
	// others may not, whatever their scope.
	{"GET", "/planner", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/plans/new", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/plans/1", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/plans/1/targets/new", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/plans/1/targets/2b", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/indicators/new", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/indicators/CT_XA_NVH", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/elements/new", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/elements/XA_NVH", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/forms/new", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/forms/BM_XA", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/check?numerator=%23%7BXA_NVH%7D&unit=XA_BANBO&period=2024", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	// A published plan's header changes with its decision (issue 14), and
	// is refused without one.
	{"POST", "/planner/plans/1", url.Values{"number": {"1/KH"}, "title": {"Kế hoạch"}, "issuer": {"TAMDUONG"}, "issuedOn": {"2022-06-01"},
		"decisionNumber": {"1/NQ"}, "decisionDate": {"2024-01-02"}, "decisionIssuer": {"HĐND"}, "effective": {"2024-01-02"}}, [8]int{303, 303, 303, 403, 403, 403, 403, 403}},
	{"POST", "/planner/plans/1", url.Values{"number": {"2/KH"}, "title": {"Kế hoạch"}, "issuer": {"TAMDUONG"}, "issuedOn": {"2022-06-01"}}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	// The planner's milestones of a target (issue 14), terms unchanged: a
	// published plan's milestones change by a decision.
	{"POST", "/planner/plans/1/targets/4a", url.Values{"code": {"4a"}, "section": {"II.1"}, "text": {`Hộ gia đình đạt danh hiệu "Gia đình văn hóa"`}, "indicator": {"CT_HGD_VH"},
		"comparison": {">="}, "target": {"88"}, "baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"TAMDUONG"}, "countLabel": {"hộ"}, "milestones": {"2024: 86"},
		"decisionNumber": {"5/NQ"}, "decisionDate": {"2024-01-02"}, "decisionIssuer": {"HĐND"}, "effective": {"2024-01-02"}}, [8]int{303, 303, 303, 403, 403, 403, 403, 403}},
	{"POST", "/planner/plans/1/targets/4a", url.Values{"code": {"4a"}, "section": {"II.1"}, "text": {`Hộ gia đình đạt danh hiệu "Gia đình văn hóa"`}, "indicator": {"CT_HGD_VH"},
		"comparison": {">="}, "target": {"88"}, "baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"TAMDUONG"}, "countLabel": {"hộ"}, "milestones": {"2030: 86"}}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	// Already published: the handler answers for those who may reach it.
	{"POST", "/planner/plans/1/publish", url.Values{}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	{"POST", "/planner/plans/1/targets/2b/delete", url.Values{}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	{"POST", "/planner/plans/1/copy-each", url.Values{"under": {"TAMDUONG"}, "kind": {"province"}, "codePrefix": {"KH"}, "number": {"1"}, "title": {"x"}}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	{"POST", "/planner/indicators", url.Values{"action": {"preview"}, "numerator": {"#{XA_NVH}"}}, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	// The administrator creates the element; the planner then finds it taken.
	{"POST", "/planner/elements", url.Values{"code": {"XA_AUTHZ"}, "name": {"x"}, "valueType": {"integer"}, "aggregation": {"sum"}, "unitKinds": {"commune"}}, [8]int{303, 303, 409, 403, 403, 403, 403, 403}},
	// Bounds of an element's figures (issue 9): planners and administrators,
	// in their plan scope (TestPlannerBounds has a commune's planner).
	{"GET", "/planner/elements/HGD_TONG/bounds", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"GET", "/planner/elements/HGD_TONG/bounds?propose=1&under=XA_BANBO", nil, [8]int{303, 200, 200, 403, 403, 403, 403, 403}},
	{"POST", "/planner/elements/HGD_TONG/bounds", url.Values{"target": {"unit"}, "unit": {"XA_BANBO_B01"}, "min": {"1"}, "max": {"5000"}}, [8]int{303, 303, 303, 403, 403, 403, 403, 403}},
	{"POST", "/planner/elements/HGD_TONG/bounds", url.Values{"target": {"unit"}, "unit": {"XA_BANBO_B01"}, "min": {"9"}, "max": {"1"}}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	{"POST", "/planner/elements/HGD_TONG/bounds/proposals", url.Values{}, [8]int{303, 422, 422, 403, 403, 403, 403, 403}},
	{"POST", "/planner/elements/HGD_TONG/bounds/99999/delete", url.Values{}, [8]int{303, 404, 404, 403, 403, 403, 403, 403}},
	// The approver's "cần kiểm tra" across grids, in the entry scope.
	{"GET", "/approvals/flagged", nil, [8]int{303, 200, 403, 403, 403, 200, 403, 403}},
	{"POST", "/planner/plans", url.Values{"code": {"KH_AUTHZ"}, "number": {"1/KH"}, "title": {"x"}, "issuer": {"TAMDUONG"}}, [8]int{303, 303, 409, 403, 403, 403, 403, 403}},

	// Whose system it is, help, notifications (issue 16).
	{"GET", "/admin/settings", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
	{"POST", "/admin/settings", url.Values{"issuer": {"UBND huyện Tam Đường"}}, [8]int{303, 303, 403, 403, 403, 403, 403, 403}},
	{"GET", "/help", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/help/approver", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/notifications", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},

	{"GET", "/api/units", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/units/XA_BANBO", nil, [8]int{401, 200, 200, 200, 403, 200, 200, 200}},
	{"GET", "/api/units/XA_BINHLU", nil, [8]int{401, 200, 200, 403, 200, 200, 200, 403}},
	{"GET", "/api/plans", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/plans/1", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/indicators", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/dataValueSets?orgUnit=XA_BANBO&period=2024", nil, [8]int{401, 200, 200, 200, 403, 200, 200, 200}},
	{"GET", "/api/dataValueSets?orgUnit=XA_BINHLU&period=2024&children=true", nil, [8]int{401, 200, 200, 403, 200, 200, 200, 403}},
	// issue 13: the formats read as JSON does; an import needs entry (an empty one saves nothing).
	{"GET", "/api/dataValueSets.csv?orgUnit=XA_BINHLU&period=2024", nil, [8]int{401, 200, 200, 403, 200, 200, 200, 403}},
	{"GET", "/api/dataValueSets.adx?orgUnit=XA_BANBO&period=2024", nil, [8]int{401, 200, 200, 200, 403, 200, 200, 200}},
	{"POST", "/api/dataValueSets?dryRun=true", nil, [8]int{401, 200, 403, 200, 200, 403, 403, 403}},
	{"GET", "/import", nil, [8]int{303, 200, 403, 200, 200, 403, 403, 403}},
	{"GET", "/import/template?form=BM_BAN_NAM&unit=XA_BANBO&period=2024", nil, [8]int{303, 200, 403, 200, 403, 403, 403, 403}},
	{"GET", "/api/plans/1/bundle", nil, [8]int{401, 200, 200, 403, 403, 403, 403, 403}},
	{"POST", "/api/plans/bundle?dryRun=true", nil, [8]int{401, 422, 403, 403, 403, 403, 403, 403}}, // an empty body is no bundle
	{"GET", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:XA_BANBO", nil, [8]int{401, 200, 200, 200, 403, 200, 200, 200}},
	{"GET", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:TAMDUONG;LEVEL-3", nil, [8]int{401, 200, 200, 403, 403, 200, 200, 403}},
	// tasks (issue 11): task 1 (2.1.1) is led by a district body; the
	// store refuses what is outside the scope, the role table the rest.
	{"GET", "/api/tasks?plan=1", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/tasks/1", nil, [8]int{401, 200, 200, 403, 403, 200, 200, 403}},
	{"POST", "/api/tasks/1/progress", url.Values{"unit": {"X25_BANBO_VHXH"}, "text": {"x"}, "work": {"in_progress"}, "percent": {"10"}, "date": {"2024-05-01"}}, [8]int{401, 201, 403, 403, 403, 403, 403, 403}},
	{"POST", "/api/tasks", url.Values{}, [8]int{401, 422, 422, 403, 403, 403, 403, 403}},
	{"PUT", "/api/tasks/1", url.Values{}, [8]int{401, 422, 422, 403, 403, 403, 403, 403}},
	{"POST", "/api/progress/99999/accept", url.Values{}, [8]int{401, 404, 404, 403, 403, 404, 403, 403}},
	{"POST", "/api/progress/99999/submit", url.Values{}, [8]int{401, 404, 403, 404, 404, 403, 403, 403}},
	{"GET", "/api/evidence/99999", nil, [8]int{401, 404, 404, 404, 404, 404, 404, 404}},
	{"GET", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:LEVEL-4", nil, [8]int{401, 200, 200, 403, 403, 403, 200, 403}},
	{"GET", "/api/analytics.csv?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:XA_BINHLU", nil, [8]int{401, 200, 200, 403, 200, 200, 200, 403}},
	// DHIS2 clients (issue 17): versioned and .json paths are the same
	// routes; USER_ORGUNIT is each caller's own units, so always in scope.
	{"GET", "/api/40/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:USER_ORGUNIT", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/analytics.json?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:USER_ORGUNIT;XA_BINHLU", nil, [8]int{401, 200, 200, 403, 200, 200, 200, 403}},
	{"GET", "/api/41/analytics/dataValueSet.json?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:XA_BANBO", nil, [8]int{401, 200, 200, 200, 403, 200, 200, 200}},
	{"GET", "/api/analytics/rawData?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:XA_BINHLU", nil, [8]int{401, 200, 200, 403, 200, 200, 200, 403}},
	{"GET", "/api/40/system/info", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/me.json", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
}

func TestAuthorizationMatrix(t *testing.T) {
	srv := newServer(t) // saves happen: a server of its own
	for _, c := range authzMatrix {
		for i, user := range users {
			name := c.method + " " + c.path + " as " + user
			if c.form != nil && c.form.Get("v.XA_BINHLU_B01.BAN_LOA") != "" && c.form.Get("unit") == "XA_BANBO" {
				name += " (cell of another commune)"
			}
			t.Run(name, func(t *testing.T) {
				form := c.form
				if c.path == "/admin/users" && c.method == "POST" {
					form = url.Values{}
					for k, v := range c.form {
						form[k] = v
					}
					form.Set("username", "x-"+strings.ReplaceAll(user, ".", "-"))
				}
				resp, body := do(t, srv, c.method, c.path, form, "", map[string]string{"X-Test-As": user})
				if resp.StatusCode != c.want[i] {
					t.Fatalf("status %d, want %d; body %.200s", resp.StatusCode, c.want[i], body)
				}
				switch {
				case resp.StatusCode == 303 && user == "anonymous":
					if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
						t.Errorf("anonymous redirected to %q, want the login page", loc)
					}
				case resp.StatusCode == 401 || (resp.StatusCode == 403 && strings.HasPrefix(c.path, "/api/")):
					if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || !strings.Contains(body, `"status":"ERROR"`) {
						t.Errorf("API refusal is not JSON: %s %.200s", ct, body)
					}
				case resp.StatusCode == 403:
					if !strings.Contains(body, "quyền") && !strings.Contains(body, "phạm vi") && !strings.Contains(body, "không thuộc") {
						t.Errorf("page refusal does not say why: %.300s", body)
					}
				}
			})
		}
	}
}

// TestScopeHidesOtherCommunes: a commune's reporter never reads another
// commune's figures, through listings and searches either.
func TestScopeHidesOtherCommunes(t *testing.T) {
	srv := sharedServer(t)
	as := map[string]string{"X-Test-As": "reporter"}
	for _, sc := range []struct{ path, must, mustNot string }{
		{"/api/units?q=binh", "", "XA_BINHLU"},
		{"/api/units", "XA_BANBO_B01", "XA_BINHLU"},
		{"/units?q=b", "Bản Bo", "Bình Lư"},
		{"/plans/1/targets/2b?level=village", "XA_BANBO_B01", "XA_BINHLU_B01"},
		{"/plans/1/targets/2b", "XA_BANBO", "XA_BINHLU"},
		{"/plans/1", "Số liệu của", ""},
		{"/entry", "XA_BANBO", "XA_BINHLU"},
		{"/api/dataValueSets?orgUnit=XA_BANBO&period=2024&children=true", "XA_BANBO_B01", "XA_BINHLU"},
	} {
		t.Run(sc.path, func(t *testing.T) {
			resp, body := do(t, srv, "GET", sc.path, nil, "", as)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if sc.must != "" && !strings.Contains(body, sc.must) {
				t.Errorf("missing %q", sc.must)
			}
			if sc.mustNot != "" && strings.Contains(body, sc.mustNot) {
				t.Errorf("shows %q to Bản Bo's reporter", sc.mustNot)
			}
		})
	}
}

// TestTokensNeverOpenPages: every page route of the matrix, sent with the
// administrator's API token instead of a session, is refused: a token
// cannot mint tokens, create accounts or save figures through the pages.
func TestTokensNeverOpenPages(t *testing.T) {
	srv := newServer(t)
	for _, c := range authzMatrix {
		if strings.HasPrefix(c.path, "/api/") {
			continue
		}
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			resp, body := do(t, srv, c.method, c.path, c.form, "", map[string]string{"X-Test-As": "anonymous", "Authorization": "Bearer " + testTokens["admin"]})
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "/api/") {
				t.Errorf("status %d, want 403; body %.200s", resp.StatusCode, body)
			}
		})
	}
}
