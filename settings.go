package kehoach

import (
	"context"
	"time"
	"unicode/utf8"
)

// Settings say whose system it is (issue 16): the deployment's name, the
// body that issues its plans and answers for it ("UBND xã Bình Lư"), and
// how a person gets an account from that office. The header shows the
// first two on every page, the login page the last one. The zero Settings
// are a fresh installation that nobody has named yet.
type Settings struct {
	// Name is the system's name ("Theo dõi kế hoạch phát triển KT-XH").
	Name string `json:"name"`
	// Issuer is the body whose system it is ("UBND xã Bình Lư").
	Issuer string `json:"issuer"`
	// AccountHelp tells someone without an account whom to ask
	// ("Liên hệ Văn phòng HĐND-UBND xã, điện thoại 0213 …").
	AccountHelp string    `json:"accountHelp"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
	UpdatedBy   string    `json:"updatedBy,omitempty"`
}

// Bounds of the settings' texts, in characters.
const (
	MaxSettingsName        = 120
	MaxSettingsAccountHelp = 500
)

// Validate checks the settings' texts (already trimmed and in NFC), with a
// reason per field.
func (s *Settings) Validate() error {
	bad := map[string]string{}
	if utf8.RuneCountInString(s.Name) > MaxSettingsName {
		bad["name"] = "Tên hệ thống dài quá 120 ký tự."
	}
	if s.Issuer == "" {
		bad["issuer"] = "Cần tên cơ quan chủ quản (ví dụ \"UBND xã Bình Lư\")."
	} else if utf8.RuneCountInString(s.Issuer) > MaxSettingsName {
		bad["issuer"] = "Tên cơ quan dài quá 120 ký tự."
	}
	if utf8.RuneCountInString(s.AccountHelp) > MaxSettingsAccountHelp {
		bad["accountHelp"] = "Hướng dẫn xin tài khoản dài quá 500 ký tự."
	}
	return InvalidFields("Thông tin hệ thống chưa hợp lệ", bad)
}

// AuditSettings is the audit entity of the settings; Key "settings", Old
// and New JSON of the fields.
const AuditSettings = "settings"

func init() { AuditEntities = append(AuditEntities, AuditSettings) }

// SettingsService keeps the deployment's settings. Only administrators
// change them (the web checks auth.ActionAdmin); every save is audited.
type SettingsService interface {
	// FindSettings returns the settings; zero ones before the first save.
	FindSettings(ctx context.Context) (*Settings, error)
	// SaveSettings validates and stores s (EINVALID with per-field
	// reasons), recording old → new in the audit log.
	SaveSettings(ctx context.Context, s *Settings) (*Settings, error)
}
