package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/dhis2"
	"kehoach/internal/locale"
	"kehoach/internal/xlsxform"
)

// The import page (issue 13): a person uploads a dataValueSets file or a
// filled Excel template; the import runs as a job in the background, so a
// file of a million figures does not hold the request, and the job's page
// shows its progress, then its result. The page refreshes itself (a meta
// refresh: no JavaScript needed) while the job runs.

// importJob is one import in progress or done.
type importJob struct {
	ID, Owner, File string
	Started         time.Time
	mu              sync.Mutex
	read            int64
	done            bool
	summary         *dhis2.ImportSummary
	failure         string // an error that is not about the file
}

// importJobs keeps the recent jobs of this server, newest last.
type importJobs struct {
	mu   sync.Mutex
	list []*importJob
}

// maxImportJobs is how many finished jobs are kept to be looked at.
const maxImportJobs = 50

func (j *importJobs) add(job *importJob) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.list = append(j.list, job)
	if len(j.list) > maxImportJobs {
		j.list = j.list[len(j.list)-maxImportJobs:]
	}
}

func (j *importJobs) find(id, owner string) *importJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, job := range j.list {
		if job.ID == id && job.Owner == owner {
			return job
		}
	}
	return nil
}

// importShow is the import page: upload, and the blank template.
func (h *handler) importShow(w http.ResponseWriter, r *http.Request) {
	forms, err := h.Services.Data.FindForms(r.Context())
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "import", map[string]any{"Title": "Nhập số liệu từ tệp", "Forms": forms,
		"Strategies": []string{kehoach.StrategyCreateAndUpdate, kehoach.StrategyCreate, kehoach.StrategyUpdate, kehoach.StrategyDelete}})
}

// maxUploadBytes bounds an uploaded file (dhis2.MaxDataValueSetBytes and
// a little for the form's other fields).
const maxUploadBytes = dhis2.MaxDataValueSetBytes + 1<<20

// importStart receives the file, starts the job and sends the person to
// its page.
func (h *handler) importStart(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Hãy chọn một tệp (JSON, CSV, ADX hay Excel) không quá %s byte.", locale.VI.Int(dhis2.MaxDataValueSetBytes)))
		return
	}
	defer file.Close()
	// The file is copied to a temporary file now (bounded above), so that
	// the job depends neither on the request nor on memory.
	tmp, err := os.CreateTemp("", "kehoach-import-*")
	if err == nil {
		if _, err = io.Copy(tmp, file); err == nil {
			_, err = tmp.Seek(0, io.SeekStart)
		}
	}
	if err != nil {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Không đọc được tệp tải lên: %v", err))
		return
	}
	u := currentUser(r)
	o := kehoach.ImportOptions{By: u.Username, DryRun: r.FormValue("dryRun") == "on",
		Strategy: r.FormValue("strategy"), SkipInvalid: r.FormValue("skipInvalid") == "on", ConfirmUnusual: r.FormValue("confirmUnusual") == "on"}
	o.AnyPeriod = u.Role == kehoach.RoleAdmin
	var idb [8]byte
	rand.Read(idb[:])
	job := &importJob{ID: hex.EncodeToString(idb[:]), Owner: u.Username, File: filepath.Base(hdr.Filename), Started: h.Now()}
	h.jobs.add(job)
	o.Progress = func(n int64) {
		job.mu.Lock()
		job.read = n
		job.mu.Unlock()
	}
	// The job keeps the request's actor (its scopes) but not its end.
	ctx := context.WithoutCancel(r.Context())
	go h.runImport(ctx, job, o, tmp)
	http.Redirect(w, r, "/import/jobs/"+job.ID, http.StatusSeeOther)
}

// runImport runs one job to its end.
func (h *handler) runImport(ctx context.Context, job *importJob, o kehoach.ImportOptions, file *os.File) {
	var s *dhis2.ImportSummary
	var failure string
	defer func() {
		file.Close()
		os.Remove(file.Name())
		job.mu.Lock()
		job.done, job.summary, job.failure = true, s, failure
		job.mu.Unlock()
	}()
	var cells func(yield func(kehoach.ImportCell) error) error
	if strings.EqualFold(filepath.Ext(job.File), ".xlsx") {
		data, err := io.ReadAll(io.LimitReader(file, xlsxform.MaxBytes+1))
		if err != nil {
			failure = err.Error()
			return
		}
		filled, err := xlsxform.Read(data)
		if err != nil {
			s = dhis2.NewImportSummary(o, nil, err)
			return
		}
		cells = func(yield func(kehoach.ImportCell) error) error {
			for _, c := range filled.Cells {
				if err := yield(c); err != nil {
					return err
				}
			}
			return nil
		}
	} else {
		f, in := dhis2.Detect(file, job.File, "")
		cells = dhis2.Cells(f, in, &dhis2.DataValueSet{})
	}
	res, err := h.Services.Import.ImportValues(ctx, o, cells)
	if err != nil && kehoach.ErrorCode(err) != kehoach.EINVALID {
		h.Log.Error("import job", "job", job.ID, "err", err)
		failure = kehoach.ErrorMessage(err)
		return
	}
	s = dhis2.NewImportSummary(o, res, err)
}

// importJobShow shows a job: its progress while it runs, then its result.
func (h *handler) importJobShow(w http.ResponseWriter, r *http.Request) {
	job := h.jobs.find(r.PathValue("id"), currentUser(r).Username)
	if job == nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Không có lần nhập này (hoặc nó đã quá cũ)."))
		return
	}
	job.mu.Lock()
	data := map[string]any{"Title": "Nhập tệp " + job.File, "Job": job, "Read": locale.VI.Int(job.read), "Done": job.done,
		"Summary": job.summary, "Failure": job.failure, "Elapsed": h.Now().Sub(job.Started).Round(time.Second).String()}
	if s := job.summary; s != nil {
		data["Counts"] = fmt.Sprintf("%s mới, %s cập nhật, %s xóa, %s bỏ qua", locale.VI.Int(s.ImportCount.Imported),
			locale.VI.Int(s.ImportCount.Updated), locale.VI.Int(s.ImportCount.Deleted), locale.VI.Int(s.ImportCount.Ignored))
	}
	job.mu.Unlock()
	h.render(w, r, http.StatusOK, "import_job", data)
}

// importTemplate sends the blank Excel template of a form for a unit and
// period, for a person who may enter that unit's figures.
func (h *handler) importTemplate(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	unit := q.Get("unit")
	if err := h.checkUnit(r, auth.ActionEnter, unit); err != nil {
		h.htmlError(w, r, err)
		return
	}
	t, err := xlsxform.Build(r.Context(), h.Services, q.Get("form"), unit, q.Get("period"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := xlsxform.Write(&b, t); err != nil {
		h.htmlError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s_%s_%s.xlsx"`, t.Form.Code, t.Unit.Code, t.Period))
	w.Write(b.Bytes())
}
