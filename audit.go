package kehoach

import (
	"context"
	"time"
)

// Audit actions: what an AuditEvent records. Writers may add their own;
// AuditActionLabel names the known ones in Vietnamese.
const (
	AuditCreate      = "create"       // tạo
	AuditUpdate      = "update"       // sửa
	AuditDelete      = "delete"       // xóa
	AuditLoad        = "load"         // nạp dữ liệu (a plan bundle, a bulk load)
	AuditSetPassword = "set_password" // đổi mật khẩu (never the password itself)
	AuditRevoke      = "revoke"       // thu hồi (an API token)
	AuditLogin       = "login"        // đăng nhập
	AuditLoginFailed = "login_failed" // đăng nhập thất bại
	AuditLogout      = "logout"       // đăng xuất
	AuditExport      = "export"       // xuất nhật ký
	AuditSubmit      = "submit"       // gửi duyệt
	AuditApprove     = "approve"      // phê duyệt
	AuditReturn      = "return"       // trả lại
	AuditUnlock      = "unlock"       // mở khóa
	// AuditImport is an import of figures (dataValueSets, templates).
	AuditImport = "import" // nhập tệp số liệu
)

// AuditActions lists the known actions in the order a filter offers them.
var AuditActions = []string{AuditCreate, AuditUpdate, AuditDelete, AuditLoad, AuditSetPassword, AuditRevoke,
	AuditLogin, AuditLoginFailed, AuditLogout, AuditSubmit, AuditApprove, AuditReturn, AuditUnlock, AuditExport, AuditImport}

// Audit entities: what an AuditEvent is about, and the form of its Key.
const (
	AuditDataValue   = "data_value"   // Key "ELEMENT/UNIT/PERIOD", e.g. "HGD_VH/XA_BANBO_B01/2024"
	AuditDataValues  = "data_values"  // a bulk load; Key "bulk"
	AuditBundle      = "bundle"       // a plan bundle load; Key "N plans"
	AuditUser        = "user"         // Key the username
	AuditAPIToken    = "api_token"    // Key the token's id
	AuditSession     = "session"      // sign-in and sign-out; Key the username
	AuditAuditEvents = "audit_events" // the audit log itself (exports); Key ""
	AuditSubmission  = "submission"   // a form's figures of a unit and period; Key "FORM/UNIT/PERIOD"
	// AuditValueImport is an import's compact record of the figures of one
	// unit it changed: Key the unit's code, New a JSON list of
	// ["ELEMENT/UNIT/PERIOD", old, new]. A figure's history expands it.
	AuditValueImport = "data_value_import"
)

// AuditEntities lists the known entities in the order a filter offers them.
var AuditEntities = []string{AuditDataValue, AuditDataValues, AuditBundle, AuditUser, AuditAPIToken,
	AuditSession, AuditSubmission, AuditAuditEvents, AuditValueImport,
	AuditTask, AuditTaskReport, AuditReview, AuditCommendation, // tasks (issue 11)
}

// Audit entities of tasks (issue 11).
const (
	AuditTask       = "task"        // Key the task's id
	AuditTaskReport = "task_report" // a progress report; Key its id
	// AuditReview is a review (sơ kết, tổng kết), an assessment ("ID/UNIT")
	// or a plan's emulation criteria ("criteria/PLAN").
	AuditReview       = "review"
	AuditCommendation = "commendation" // Key its id
)

// DataValueKey is the audit Key of a data value: "ELEMENT/UNIT/PERIOD".
func DataValueKey(element, unit, period string) string {
	return element + "/" + unit + "/" + period
}

// AuditEvent is one entry of the append-only audit log: who (Actor, the
// username or "system"/"cli"), when, from which address, what (Action on
// Entity Key) and the value before and after (Old, New; "" for none).
// User events hold JSON of the account's fields, never a password, a hash
// or a token.
type AuditEvent struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Address string    `json:"address"`
	Action  string    `json:"action"`
	Entity  string    `json:"entity"`
	Key     string    `json:"key"`
	Old     string    `json:"old"`
	New     string    `json:"new"`
}

// AuditFilter selects audit events. Zero fields do not filter; string
// fields match exactly (case-sensitively) unless their names say otherwise.
type AuditFilter struct {
	Actor   string
	Action  string
	Entity  string
	Address string
	// Key matches the key exactly; KeyPrefix the keys that begin with it
	// ("HGD_VH/XA_BANBO_B01/" is every period of one village's figure,
	// "HGD_VH/XA_BANBO_B01/2024" the year and its quarters and months);
	// KeyContains the keys that hold it anywhere ("/XA_BANBO_B01/" is every
	// figure of one unit).
	Key         string
	KeyPrefix   string
	KeyContains string
	// From and To bound the time: From ≤ At < To.
	From time.Time
	To   time.Time
	// Limit caps the events returned (0: all); Offset skips the first ones.
	Limit  int
	Offset int
}

// AuditService reads the audit log. Events are written by the other
// services, each in the transaction of the change it records; nothing
// changes or removes an event (the databases refuse UPDATE and DELETE on
// the log). The web lets only administrators read the whole log; a data
// value's history goes to whoever may view its unit.
type AuditService interface {
	// FindAuditEvents returns the events matching f, newest first, paged by
	// f.Limit and f.Offset, and how many match in all.
	FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, int, error)

	// FindValueHistory returns every change of the data value (element,
	// unit, period), oldest first; an empty list when it never changed.
	FindValueHistory(ctx context.Context, element, unit, period string) ([]*AuditEvent, error)

	// ExportAuditEvents first records an AuditExport event of entity
	// AuditAuditEvents naming the Actor of ctx and the filter, so that
	// there is a trace of who took the log out, then calls fn with each
	// event matching f (Limit and Offset ignored) that was written before
	// it, newest first. It stops at fn's first error and returns it. It
	// returns how many events fn was given.
	ExportAuditEvents(ctx context.Context, f AuditFilter, fn func(*AuditEvent) error) (int, error)
}
