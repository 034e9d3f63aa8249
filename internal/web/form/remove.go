package form

import (
	"fmt"
	"slices"

	"kehoach"
)

// Removals applies the grid's removal rule to e and returns the cells
// ("UNIT.ELEMENT", sorted) whose stored figure is to be removed.
//
// A stored figure is removed only by its "Xóa" control: the cell's value
// becomes "" whatever was typed in it. A field left empty (or holding only
// spaces, which the decoder trims away) is no figure typed: when the grid
// showed a stored figure there, the save is refused with the reason beside
// the field, so a stray space or a slip of the delete key never removes a
// figure; when it showed none, or the post names no shown figure (a tool
// posting without "o." fields), the cell is left alone.
func (e *Entry) Removals() ([]string, error) {
	var out []string
	bad := map[string]string{}
	for unit, els := range e.Values {
		for el, v := range els {
			key := unit + "." + el
			shown := e.Original[unit][el]
			switch {
			case e.Remove[unit][el]:
				els[el] = ""
				if shown != "" || e.Original == nil {
					out = append(out, key)
				}
			case v == "" && shown != "":
				bad[key] = fmt.Sprintf("ô để trống: số liệu đã lưu (%s) chưa bị xóa. Muốn xóa, chọn “Xóa” bên cạnh ô; muốn giữ, nhập lại số", shown)
			case v == "":
				delete(els, el)
			}
		}
	}
	slices.Sort(out)
	if len(bad) > 0 {
		return out, &kehoach.Error{Code: kehoach.EINVALID, Fields: bad,
			Message: fmt.Sprintf("Có %d ô để trống thay cho số liệu đã lưu: số liệu chỉ bị xóa khi chọn “Xóa” bên cạnh ô. Chưa lưu số liệu nào.", len(bad))}
	}
	return out, nil
}
