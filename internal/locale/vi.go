package locale

// VI is Vietnamese, the language of every page, message and document.
var VI = &Locale{
	Tag:            "vi",
	Decimal:        ",",
	Group:          ".",
	Zone:           Vietnam,
	DateLayout:     "02/01/2006",
	TimeLayout:     "15:04",
	DateTimeLayout: "15:04 02/01/2006",
	SecondsLayout:  "02/01/2006 15:04:05",
	NoValue:        "–",
	Labels: map[string]map[string]string{
		LabelStatus: {
			"achieved":  "Đạt",
			"on_track":  "Đúng tiến độ",
			"at_risk":   "Có nguy cơ",
			"off_track": "Chậm",
			"no_data":   "Chưa có số liệu",
		},
		LabelRole: {
			"admin":    "Quản trị hệ thống",
			"planner":  "Cán bộ kế hoạch",
			"reporter": "Người báo cáo",
			"approver": "Người phê duyệt",
			"viewer":   "Người xem",
		},
		LabelKind: {
			"province": "Tỉnh",
			"district": "Huyện",
			"commune":  "Xã, phường, thị trấn",
			"village":  "Thôn, bản",
			"agency":   "Cơ quan, đơn vị",
			"school":   "Trường học",
		},
		LabelSubmission: {
			"draft":     "Bản nháp",
			"submitted": "Đã gửi",
			"approved":  "Đã duyệt (khóa)",
			"returned":  "Bị trả lại",
		},
		LabelAuditAction: {
			"create":       "Tạo",
			"update":       "Sửa",
			"delete":       "Xóa",
			"load":         "Nạp dữ liệu",
			"set_password": "Đổi mật khẩu",
			"revoke":       "Thu hồi",
			"login":        "Đăng nhập",
			"login_failed": "Đăng nhập thất bại",
			"logout":       "Đăng xuất",
			"export":       "Xuất nhật ký",
			"submit":       "Gửi duyệt",
			"approve":      "Phê duyệt",
			"return":       "Trả lại",
			"unlock":       "Mở khóa",
			"issue":        "Ban hành", // reports (issue 12)
		},
		LabelAuditEntity: {
			"data_value":   "Số liệu",
			"data_values":  "Số liệu (nạp hàng loạt)",
			"bundle":       "Bộ kế hoạch",
			"user":         "Tài khoản",
			"api_token":    "Mã truy cập API",
			"session":      "Phiên đăng nhập",
			"audit_events": "Nhật ký hệ thống",
			"submission":   "Báo cáo gửi duyệt",
			"report":       "Văn bản báo cáo", // reports (issue 12)
		},
		LabelTokenScope: {
			"api":  "API (đọc và ghi)",
			"read": "Chỉ đọc API",
		},
	},
	Messages: map[string]string{
		"plans":    "%s kế hoạch",
		"units":    "%s đơn vị",
		"values":   "%s số liệu",
		"cells":    "%s ô",
		"targets":  "%s mục tiêu",
		"accounts": "%s tài khoản",
	},
}
