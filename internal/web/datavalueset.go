package web

import (
	"net/http"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/dhis2"
	"kehoach/period"
)

// DHIS2's dataValueSets: GET reads figures out, POST brings them in, in
// JSON, CSV or ADX (issue 13).

// dataValueSetFormat is the format a request asks for: the path's
// extension (/api/dataValueSets.csv), ?format=, or the Accept header.
func dataValueSetFormat(r *http.Request) (dhis2.Format, error) {
	if f := r.URL.Query().Get("format"); f != "" {
		return dhis2.ParseFormat(f)
	}
	if f, ok := dhis2.FormatOf(r.URL.Path, ""); ok {
		return f, nil
	}
	if f, ok := dhis2.FormatOf("", r.Header.Get("Accept")); ok {
		return f, nil
	}
	return dhis2.FormatJSON, nil
}

// idSchemes reads idScheme, dataElementIdScheme and orgUnitIdScheme.
func idSchemes(r *http.Request) (element, unit string) {
	q := r.URL.Query()
	element, unit = q.Get("idScheme"), q.Get("idScheme")
	if s := q.Get("dataElementIdScheme"); s != "" {
		element = s
	}
	if s := q.Get("orgUnitIdScheme"); s != "" {
		unit = s
	}
	return strings.ToLower(element), strings.ToLower(unit)
}

// apiDataValueSets streams figures in DHIS2's dataValueSets shape.
// orgUnit is required (one or more); period and dataSet (a form code) are
// optional filters; children=true adds the units' descendants.
func (h *handler) apiDataValueSets(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	format, err := dataValueSetFormat(r)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	units, err := listParam(r, "orgUnit", maxUnitsParam)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	periods, err := listParam(r, "period", maxPeriodsParam)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	if len(units) == 0 {
		h.jsonError(w, r, &kehoach.Error{Code: kehoach.EINVALID, Message: "thiếu tham số orgUnit (mã đơn vị)", Fields: map[string]string{"orgUnit": "bắt buộc"}})
		return
	}
	elScheme, unitScheme := idSchemes(r)
	if unitScheme == dhis2.SchemeUID {
		// The question names units as the answer will.
		book, err := h.unitsByUID(r, units)
		if err != nil {
			h.jsonError(w, r, err)
			return
		}
		units = book
	}
	for _, u := range units {
		if err := h.checkUnit(r, auth.ActionView, u); err != nil {
			h.jsonError(w, r, err)
			return
		}
	}
	for _, p := range periods {
		if _, err := period.Parse(p); err != nil {
			h.jsonError(w, r, &kehoach.Error{Code: kehoach.EINVALID, Message: err.Error(), Fields: map[string]string{"period": err.Error()}})
			return
		}
	}
	f := kehoach.DataValueFilter{Units: units, Periods: periods, Children: q.Get("children") == "true"}
	ds := q.Get("dataSet")
	if ds != "" {
		form, err := h.Services.Data.FindFormByCode(ctx, ds)
		if err != nil {
			h.jsonError(w, r, err)
			return
		}
		f.Elements = form.Elements
	}
	w.Header().Set("Content-Type", format.ContentType())
	w.WriteHeader(http.StatusOK)
	head := dhis2.NewDataValueSet(ds, units, periods, nil)
	// Once the answer has begun an error can only cut it short: the
	// client sees a truncated document, which every reader refuses.
	if _, err := dhis2.Export(format, w, head, elScheme, unitScheme, func(fn func(*kehoach.DataValue) error) error {
		return h.Services.Import.ScanDataValues(ctx, f, fn)
	}); err != nil {
		h.logIfInternal(r, err)
	}
}

// unitsByUID turns the uids of a question into codes; an unknown uid
// stays as it is (and is then not found).
func (h *handler) unitsByUID(r *http.Request, uids []string) ([]string, error) {
	all, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{})
	if err != nil {
		return nil, err
	}
	byUID := map[string]string{}
	for _, u := range all {
		byUID[dhis2.UID("unit", u.Code)] = u.Code
	}
	out := make([]string, len(uids))
	for i, id := range uids {
		out[i] = id
		if code, ok := byUID[id]; ok {
			out[i] = code
		}
	}
	return out, nil
}

// apiDataValueSetsImport imports a dataValueSets document: JSON, CSV or
// ADX by its content type (or its first byte), with DHIS2's parameters
// dryRun, importStrategy, atomicMode (ALL, the default: one bad figure
// rejects the set; NONE imports the good ones), idScheme,
// dataElementIdScheme and orgUnitIdScheme, and ours confirmUnusual. The store checks the entry
// scope, validation and rules, and audits, as for the entry form. The
// answer is DHIS2's import summary, 409 when nothing could be saved.
func (h *handler) apiDataValueSetsImport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	o := kehoach.ImportOptions{By: currentUser(r).Username, DryRun: q.Get("dryRun") == "true",
		Strategy: strings.ToUpper(q.Get("importStrategy")), SkipInvalid: strings.EqualFold(q.Get("atomicMode"), "NONE")}
	if o.Strategy == "NEW_AND_UPDATES" || o.Strategy == "NEW_AND_UPDATE" {
		o.Strategy = kehoach.StrategyCreateAndUpdate // DHIS2's older names
	}
	o.ElementScheme, o.UnitScheme = idSchemes(r)
	// Unusual figures (issue 9) are refused unless confirmed: by a comment
	// on the figure, or for the whole set with confirmUnusual=true.
	o.ConfirmUnusual = q.Get("confirmUnusual") == "true"
	// Administrators may restore figures of closed periods, as DHIS2's
	// superusers (F_EDIT_EXPIRED) may.
	o.AnyPeriod = currentUser(r).Role == kehoach.RoleAdmin
	body := http.MaxBytesReader(w, r.Body, dhis2.MaxDataValueSetBytes+1)
	format, in := dhis2.Detect(body, r.URL.Path, r.Header.Get("Content-Type"))
	if f := q.Get("format"); f != "" {
		var err error
		if format, err = dhis2.ParseFormat(f); err != nil {
			h.jsonError(w, r, err)
			return
		}
	}
	head := &dhis2.DataValueSet{}
	res, err := h.Services.Import.ImportValues(r.Context(), o, dhis2.Cells(format, in, head))
	if err != nil && kehoach.ErrorCode(err) != kehoach.EINVALID {
		h.jsonError(w, r, err)
		return
	}
	m := dhis2.NewImportSummary(o, res, err).Message()
	writeJSON(w, m.HTTPStatusCode, m)
}
