package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"kehoach"
)

// statusOf maps a domain error code to an HTTP status: the one place where
// that mapping lives.
func statusOf(err error) int {
	switch kehoach.ErrorCode(err) {
	case kehoach.EINVALID:
		return http.StatusUnprocessableEntity
	case kehoach.ENOTFOUND:
		return http.StatusNotFound
	case kehoach.ECONFLICT:
		return http.StatusConflict
	case kehoach.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case kehoach.EFORBIDDEN:
		return http.StatusForbidden
	case kehoach.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// logIfInternal logs errors that are ours, not the client's.
func (h *handler) logIfInternal(r *http.Request, err error) {
	if kehoach.ErrorCode(err) == kehoach.EINTERNAL {
		h.Log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// htmlError renders the error page with the error's status and message.
func (h *handler) htmlError(w http.ResponseWriter, r *http.Request, err error) {
	h.logIfInternal(r, err)
	status := statusOf(err)
	h.render(w, r, status, "error", map[string]any{
		"Title":   statusTitle(status),
		"Status":  status,
		"Message": kehoach.ErrorMessage(err),
	})
}

// statusTitle names an HTTP status in Vietnamese, for the error page.
func statusTitle(status int) string {
	switch status {
	case http.StatusUnprocessableEntity:
		return "Dữ liệu không hợp lệ"
	case http.StatusNotFound:
		return "Không tìm thấy"
	case http.StatusConflict:
		return "Xung đột dữ liệu"
	case http.StatusUnauthorized:
		return "Chưa đăng nhập"
	case http.StatusForbidden:
		return "Không có quyền truy cập"
	case http.StatusServiceUnavailable:
		return "Máy chủ tạm thời không lưu được"
	}
	return "Lỗi hệ thống"
}

// jsonError writes {"httpStatusCode", "status":"ERROR", "message"} as DHIS2 does.
func (h *handler) jsonError(w http.ResponseWriter, r *http.Request, err error) {
	h.logIfInternal(r, err)
	status := statusOf(err)
	body := map[string]any{
		"httpStatus":     http.StatusText(status),
		"httpStatusCode": status,
		"status":         "ERROR",
		"message":        kehoach.ErrorMessage(err),
	}
	if f := kehoach.ErrorFields(err); len(f) > 0 {
		body["fields"] = f
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Không tìm thấy trang %s.", r.URL.Path))
}

func (h *handler) apiNotFound(w http.ResponseWriter, r *http.Request) {
	h.jsonError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "không có API %s %s", r.Method, r.URL.Path))
}

// crossOrigin refuses a state-changing request sent from another site
// (cross-site request forgery), in Vietnamese rather than the default
// English text.
func (h *handler) crossOrigin(w http.ResponseWriter, r *http.Request) {
	err := kehoach.Errorf(kehoach.EFORBIDDEN, "Yêu cầu gửi từ một trang web khác đã bị từ chối; chưa có gì được lưu.")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		h.jsonError(w, r, err)
		return
	}
	h.htmlError(w, r, err)
}
