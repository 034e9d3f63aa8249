// Package form decodes and normalises the web forms, apart from the
// handlers: every text is trimmed and put in Unicode NFC.
package form

import (
	"net/http"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// maxEntryCells bounds one save: a commune has tens of villages, not thousands.
const maxEntryCells = 5000

// Entry is a data entry grid as posted: the page's unit, form and period,
// and the cells keyed by unit then element ("v.UNIT.ELEMENT" fields).
type Entry struct {
	Unit   string
	Form   string
	Period string
	Values map[string]map[string]string
	// Original holds the figures as the grid showed them ("o.UNIT.ELEMENT"
	// hidden fields), for the check that nobody changed them meanwhile.
	Original map[string]map[string]string
	// Remove marks the cells whose stored figure the person chose to
	// remove ("d.UNIT.ELEMENT", the grid's "Xóa" control): the only way
	// the grid removes a figure, never an emptied or blank field.
	Remove map[string]map[string]bool
	// ConfirmRemove is the person's yes to the page's question before it
	// removes figures ("confirm_remove").
	ConfirmRemove bool
	// Checked marks the figures the person confirmed despite a
	// plausibility warning ("k.UNIT.ELEMENT"); Comments are their comments
	// ("m.UNIT.ELEMENT"), which confirm too (issue 9).
	Checked  map[string]map[string]bool
	Comments map[string]map[string]string
}

// DecodeEntry reads an Entry from a posted form.
func DecodeEntry(r *http.Request) (*Entry, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 2<<20)
	if err := r.ParseForm(); err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên: %v", err)
	}
	e := &Entry{
		Unit:   vntext.NFC(r.PostForm.Get("unit")),
		Form:   vntext.NFC(r.PostForm.Get("form")),
		Period: vntext.NFC(r.PostForm.Get("period")),
		Values: map[string]map[string]string{},
		// Only the grid's confirmation button sends it.
		ConfirmRemove: r.PostForm.Get("confirm_remove") == "1",
	}
	n := 0
	for key, vs := range r.PostForm {
		prefix, rest, ok := strings.Cut(key, ".")
		if !ok || len(vs) == 0 || !strings.Contains("vodkm", prefix) || len(prefix) != 1 {
			continue
		}
		unit, el, ok := strings.Cut(rest, ".")
		if !ok || unit == "" || el == "" {
			continue
		}
		switch prefix {
		case "d":
			if vs[0] == "1" {
				setCell(&e.Remove, unit, el, true)
			}
			continue
		case "k":
			if vs[0] == "1" {
				setCell(&e.Checked, unit, el, true)
			}
			continue
		case "m":
			if c := vntext.NFC(vs[0]); c != "" {
				setCell(&e.Comments, unit, el, c)
			}
			continue
		}
		target := &e.Values
		if prefix == "o" {
			target = &e.Original
		} else if n++; n > maxEntryCells {
			return nil, kehoach.Errorf(kehoach.EINVALID, "Quá nhiều ô trong một lần lưu (tối đa %d).", maxEntryCells)
		}
		if *target == nil {
			*target = map[string]map[string]string{}
		}
		if (*target)[unit] == nil {
			(*target)[unit] = map[string]string{}
		}
		(*target)[unit][el] = vntext.NFC(vs[0])
	}
	switch {
	case e.Unit == "":
		return e, fieldError("unit", "Chưa chọn đơn vị.")
	case e.Form == "":
		return e, fieldError("form", "Chưa chọn biểu mẫu.")
	case e.Period == "":
		return e, fieldError("period", "Chưa chọn kỳ báo cáo.")
	}
	return e, nil
}

func fieldError(field, msg string) error {
	return &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

// setCell sets (*m)[unit][el], making the maps as needed.
func setCell[T any](m *map[string]map[string]T, unit, el string, v T) {
	if *m == nil {
		*m = map[string]map[string]T{}
	}
	if (*m)[unit] == nil {
		(*m)[unit] = map[string]T{}
	}
	(*m)[unit][el] = v
}
