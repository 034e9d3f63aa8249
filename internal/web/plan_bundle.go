package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"kehoach"
)

// apiPlanBundle answers a plan as a bundle (issue 13), the file that
// `kehoach plan import` and POST /api/plans/bundle read.
func (h *handler) apiPlanBundle(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.jsonError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "không có kế hoạch %q", r.PathValue("id")))
		return
	}
	b, err := h.Services.Bundles.ExportBundle(r.Context(), id)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.json"`, b.Plans[0].Code))
	writeJSON(w, http.StatusOK, b)
}

// maxBundleBytes bounds an uploaded bundle: a national tree of units is
// about 30 MB.
const maxBundleBytes = 128 << 20

// apiPlanBundleImport loads a bundle (?dryRun=true only checks it): every
// code and reference is checked before anything is created, and nothing
// is when any is wrong.
func (h *handler) apiPlanBundleImport(w http.ResponseWriter, r *http.Request) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBundleBytes))
	dec.DisallowUnknownFields()
	var b kehoach.Bundle
	if err := dec.Decode(&b); err != nil {
		h.jsonError(w, r, kehoach.Errorf(kehoach.EINVALID, "tệp không phải gói kế hoạch JSON hợp lệ: %v", err))
		return
	}
	by := currentUser(r).Username
	err := h.Services.Bundles.CheckBundle(r.Context(), &b, by)
	dry := r.URL.Query().Get("dryRun") == "true"
	if err == nil && !dry {
		err = h.Services.Bundles.LoadBundle(r.Context(), &b, by)
	}
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	msg := "Đã nạp gói kế hoạch."
	if dry {
		msg = "Gói kế hoạch hợp lệ (chạy thử, chưa tạo gì)."
	}
	writeJSON(w, http.StatusOK, map[string]any{"httpStatus": "OK", "httpStatusCode": 200, "status": "OK", "message": msg,
		"plans": len(b.Plans), "units": len(b.Units), "dataElements": len(b.Elements), "forms": len(b.Forms), "indicators": len(b.Indicators)})
}
