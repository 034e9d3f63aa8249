package form

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// maxProgressBody bounds a whole progress post: every file at its limit
// and the text fields.
const maxProgressBody = kehoach.EvidenceMaxFiles*kehoach.EvidenceMaxBytes + 1<<20

// DecodeProgress reads a progress report from a multipart (or plain)
// posted form: occurrence, unit, text, work, percent, date, status (a
// computed state the client expects, checked against the dates), submit,
// and the files "evidence". A file larger than the limit is kept one byte
// over it so that the check by content names it.
func DecodeProgress(w http.ResponseWriter, r *http.Request, taskID int64) (kehoach.ProgressInput, error) {
	in := kehoach.ProgressInput{TaskID: taskID}
	r.Body = http.MaxBytesReader(w, r.Body, maxProgressBody)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return in, &kehoach.Error{Code: kehoach.EINVALID, Message: "Dữ liệu gửi lên quá lớn; chưa lưu gì.",
				Fields: map[string]string{"evidence": "Tổng dung lượng tệp vượt quá giới hạn (" + strconv.Itoa(kehoach.EvidenceMaxFiles) + " tệp × " + strconv.Itoa(kehoach.EvidenceMaxBytes>>20) + " MB)."}}
		}
		return in, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên: %v", err)
	}
	field := func(name string) string { return strings.TrimSpace(vntext.NFC(r.FormValue(name))) }
	in.Occurrence, in.Unit, in.Text, in.Work, in.Claim = field("occurrence"), field("unit"), field("text"), field("work"), field("status")
	in.Submit = field("submit") == "true" || field("submit") == "1"
	if p := field("percent"); p != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(p, "%"))
		if err != nil {
			return in, &kehoach.Error{Code: kehoach.EINVALID, Message: "Tỷ lệ hoàn thành không phải là số; chưa lưu gì.",
				Fields: map[string]string{"percent": "Tỷ lệ phải là số nguyên từ 0 đến 100."}}
		}
		in.Percent = n
	} else if in.Work == kehoach.WorkDone {
		in.Percent = 100
	}
	d, err := kehoach.ParseDate(field("date"))
	if err != nil {
		return in, &kehoach.Error{Code: kehoach.EINVALID, Message: kehoach.ErrorMessage(err), Fields: map[string]string{"date": "Ngày phải có dạng NNNN-TT-NN."}}
	}
	in.On = d
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["evidence"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue // an empty file input
			}
			f, err := fh.Open()
			if err != nil {
				return in, kehoach.Errorf(kehoach.EINVALID, "Không đọc được tệp %s.", fh.Filename)
			}
			data, err := io.ReadAll(io.LimitReader(f, kehoach.EvidenceMaxBytes+1))
			f.Close()
			if err != nil {
				return in, kehoach.Errorf(kehoach.EINVALID, "Không đọc được tệp %s.", fh.Filename)
			}
			in.Files = append(in.Files, kehoach.EvidenceFile{Name: vntext.NFC(fh.Filename), Data: data})
		}
	}
	return in, nil
}

// DecodeTask reads a task from a posted form (or the API's JSON, decoded
// by the caller into the same fields): a new one, or the edit form's
// (issue 11), whose targets are checkboxes, one value each. It only
// decodes; kehoach.CheckTaskFields checks the fields.
func DecodeTask(r *http.Request, planID int64) (kehoach.TaskInput, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return kehoach.TaskInput{}, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên: %v", err)
	}
	field := func(name string) string { return strings.TrimSpace(vntext.NFC(r.PostForm.Get(name))) }
	in := kehoach.TaskInput{PlanID: planID, Code: field("code"), Section: field("section"), Title: field("title"), Kind: field("kind"), Lead: field("lead"),
		Coordinators: splitList(strings.Join(r.PostForm["coordinators"], ",")), Targets: splitList(strings.Join(r.PostForm["targets"], ","))}
	var f = map[string]string{}
	var err error
	if in.Start, err = kehoach.ParseDate(field("start")); err != nil {
		f["start"] = "Ngày phải có dạng NNNN-TT-NN."
	}
	if in.Due, err = kehoach.ParseDate(field("due")); err != nil {
		f["due"] = "Ngày phải có dạng NNNN-TT-NN."
	}
	if len(f) > 0 {
		return in, &kehoach.Error{Code: kehoach.EINVALID, Message: "Nhiệm vụ chưa hợp lệ; chưa lưu gì.", Fields: f}
	}
	return in, nil
}

// splitList splits "A, B C" into codes.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}
