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
  kehoach report   --plan ID --period 2024|2024S1|2024Q3|2024N9|final [--kind report|letter] [--format docx|pdf|xlsx] [-o TỆP] [--db URL]
  kehoach unit list|add|update|reorg …             # cây đơn vị; sáp nhập, chia tách, đổi tên, chuyển, giải thể
  kehoach import   [--db URL] [--dry-run] [--strategy S] [--skip-invalid] TỆP   # dataValueSets JSON, CSV, ADX
  kehoach export   [--db URL] --format json|csv|adx [--period P] [--unit MÃ] [--form F] [-o TỆP]
  kehoach template --form F --unit MÃ --period KỲ -o TỆP.xlsx   # biểu Excel trống để điền rồi nhập lại
  kehoach plan export --plan SỐ [-o TỆP.json] | plan import [--dry-run] TỆP.json   # gói kế hoạch
  kehoach plan import [--dry-run] [--json] [--db URL] TỆP.docx|TỆP.txt   # đọc chỉ tiêu, nhiệm vụ, phân công từ văn bản kế hoạch
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
	"gen":           "kehoach gen --scale district|province|national [--seed N] [--years N] [--db URL]",
	"report":        "kehoach report --plan ID --period KỲ [--kind report|letter] [--format docx|pdf|xlsx] [-o TỆP] [--db URL]",
	"import":        "kehoach import [--db URL] [--dry-run] [--strategy CREATE_AND_UPDATE|CREATE|UPDATE|DELETE] [--skip-invalid] [--id-scheme code|uid] [--format json|csv|adx] [--any-period] [--json] TỆP",
	"template":      "kehoach template [--db URL] --form F --unit MÃ --period KỲ -o TỆP.xlsx",
	"plan export":   "kehoach plan export --plan SỐ [--db URL] [-o TỆP.json]",
	"plan import":   "kehoach plan import [--db URL] [--dry-run] [--json] TỆP.json|TỆP.docx|TỆP.txt",
	"export":        "kehoach export [--db URL] --format json|csv|adx [--period KỲ] [--unit MÃ] [--form F] [--id-scheme code|uid] [-o TỆP]",
	"digest":        "kehoach digest --unit MÃ (--to ĐỊA_CHỈ --smtp smtp://…?from=… | --print) [--days N] [--base URL] [--db URL]",
}
