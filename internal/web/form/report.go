package form

import (
	"net/http"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// Report is the report page's form: which document, the version the
// person began from, and the texts.
type Report struct {
	Kind    string
	Period  string
	Version int64
	Texts   kehoach.ReportTexts
}

// DecodeReport reads a Report; texts are NFC, dates "YYYY-MM-DD" (the
// browser's date input). A version that is not a number is EINVALID.
func DecodeReport(r *http.Request) (*Report, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 512<<10)
	if err := r.ParseForm(); err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên: %v", err)
	}
	f := r.PostForm
	t := func(name string) string { return vntext.NFC(strings.TrimSpace(f.Get(name))) }
	out := &Report{Kind: t("kind"), Period: t("period")}
	if v := f.Get("version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			msg := "Phiên bản không hợp lệ: hãy tải lại trang."
			return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{"version": msg}}
		}
		out.Version = n
	}
	out.Texts = kehoach.ReportTexts{
		Number: t("number"), Code: t("code"), Place: t("place"), Date: kehoach.Date(t("date")),
		Summary: t("summary"), General: t("general"), Difficulties: t("difficulties"), Proposals: t("proposals"),
		Signature: t("signature"), Signer: t("signer"), Recipients: t("recipients"), Due: kehoach.Date(t("due")),
	}
	return out, nil
}
