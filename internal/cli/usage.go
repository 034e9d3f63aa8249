package cli

// usage is what `kehoach help` prints: every command on one line, the
// details in each command's --help.
const usage = `kehoach: theo dõi thực hiện kế hoạch của chính quyền địa phương

Cách dùng:
  kehoach serve    [--addr 127.0.0.1:8080] [--db URL] [--demo]
  kehoach migrate  [--db URL]
  kehoach backup   [--db URL] TỆP
  kehoach user add --username U --role VAI_TRÒ (--unit MÃ… | --all-units) [--name N] [--password-stdin] [--db URL]
  kehoach user password --username U [--db URL]   # đặt mật khẩu mới, đọc từ đầu vào chuẩn
  kehoach token add --username U [--name N] [--scope api|read] [--expires 90d|NNNN-TT-NN] [--db URL]   # in ra mã truy cập API
  kehoach token list [--username U] [--db URL]    # các mã truy cập, kể cả đã thu hồi, hết hạn
  kehoach token revoke --id N [--db URL]          # thu hồi một mã truy cập
  kehoach gen      --scale district|province|national [--seed N] [--db URL]   # dữ liệu tổng hợp
  kehoach digest   --unit MÃ (--to ĐỊA_CHỈ --smtp URL | --print) [--days N] [--db URL]   # thư nhắc việc

Mỗi lệnh có --help, ví dụ: kehoach user add --help
--db cũng đọc biến môi trường KEHOACH_DB; URL dạng sqlite:đường/dẫn.db hoặc postgres://…
Mặc định: sqlite:kehoach.db (lần chạy đầu tự nạp dữ liệu minh họa).
Để các máy khác trong cơ quan vào được: kehoach serve --addr 0.0.0.0:8080
`

// synopses are the one-line usages of the commands, shown with their
// options when one is called wrongly or with --help.
var synopses = map[string]string{
	"serve":         "kehoach serve [--addr 127.0.0.1:8080] [--db URL] [--demo] [--secure-cookies] [--allow-self-approval]",
	"migrate":       "kehoach migrate [--db URL]",
	"backup":        "kehoach backup [--db URL] TỆP",
	"user add":      "kehoach user add --username U --role VAI_TRÒ (--unit MÃ… | --all-units) [--name N] [--password-stdin] [--db URL]",
	"user password": "echo 'mật-khẩu-mới' | kehoach user password --username U [--db URL]",
	"gen":           "kehoach gen --scale district|province|national [--seed N] [--db URL]",
	"digest":        "kehoach digest --unit MÃ (--to ĐỊA_CHỈ --smtp smtp://…?from=… | --print) [--days N] [--base URL] [--db URL]",
}
