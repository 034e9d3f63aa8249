package locale

import (
	"strings"

	"kehoach"
)

// Names, not codes (issue 16): how a unit and an audit event's fields are
// named for a person.

// LabelAuditField names the fields the audit log records as JSON.
const LabelAuditField = "audit_field"

func init() {
	VI.Labels[LabelAuditField] = map[string]string{
		"username": "Tên đăng nhập", "name": "Tên", "role": "Vai trò", "entryScope": "Nhập số liệu cho",
		"viewScope": "Chỉ xem", "disabled": "Khóa tài khoản", "revoked": "Đã thu hồi", "because": "Lý do",
		"scope": "Phạm vi dùng", "expiresAt": "Hết hạn", "session": "Phiên", "userAgent": "Trình duyệt",
		"revokedSessions": "Số phiên bị đóng", "issuer": "Cơ quan chủ quản", "accountHelp": "Cách xin tài khoản",
		"code": "Mã", "number": "Số văn bản", "title": "Tiêu đề", "status": "Trạng thái", "text": "Nội dung",
		"value": "Giá trị", "op": "Phép so sánh", "deadline": "Hạn", "reason": "Lý do", "filter": "Bộ lọc",
	}
}

// AuditField names a field of an audit event's JSON ("entryScope" is
// "Nhập số liệu cho"); an unknown field keeps its own name.
func (l *Locale) AuditField(field string) string { return l.Label(LabelAuditField, field) }

// UnitName names a unit as a person says it, with its kind when the name
// does not already begin with it ("xã Bản Bo", "Thị trấn Tam Đường"), and,
// for a unit that began or ended with a reorganisation, when it existed:
// "xã Bản Bo (đến 30/06/2025)", "xã Bản Bo (từ 01/07/2025)", so that two
// units of one name on either side of a merger are told apart. Pages of
// the reorganisation issue may call it as well.
func (l *Locale) UnitName(u *kehoach.Unit) string {
	name := u.Name
	if sk := strings.TrimSpace(u.Subkind); sk != "" && !strings.HasPrefix(strings.ToLower(name), strings.ToLower(sk)+" ") {
		name = sk + " " + name
	}
	switch {
	case u.ValidFrom != "" && u.ValidTo != "":
		name += " (" + l.Day(string(u.ValidFrom)) + "–" + l.Day(string(u.ValidTo)) + ")"
	case u.ValidTo != "":
		name += " (đến " + l.Day(string(u.ValidTo)) + ")"
	case u.ValidFrom != "":
		name += " (từ " + l.Day(string(u.ValidFrom)) + ")"
	}
	return name
}
