package planread

import (
	"strings"

	"kehoach/internal/vntext"
)

// tableCols are the columns of a targets table, from its header row.
type tableCols struct {
	subject, unit, value int
	deadline             string
	end                  int // end of the last row read, to tell tables apart
}

// headerCols reads a header row ("STT | Chỉ tiêu | Đơn vị tính | Năm
// 2025"); nil when the row is not the header of a targets table.
func headerCols(cells []string) *tableCols {
	c := &tableCols{subject: -1, unit: -1, value: -1}
	for i, cell := range cells {
		f := vntext.Fold(cell)
		switch {
		case strings.Contains(f, "chi tieu") || strings.Contains(f, "noi dung") || strings.Contains(f, "muc tieu cu the"):
			if c.subject < 0 {
				c.subject = i
			}
		case strings.Contains(f, "don vi"):
			c.unit = i
		case reYear.MatchString(f) || strings.Contains(f, "ke hoach") || strings.Contains(f, "muc tieu") || strings.Contains(f, "gia tri") || strings.Contains(f, "phan dau"):
			c.value = i
			if dl, _, _ := deadlineIn(cell); dl != "" {
				c.deadline = dl
			} else if y := reYear.FindString(cell); y != "" {
				c.deadline = y
			}
		}
	}
	if c.subject < 0 || c.value < 0 {
		return nil
	}
	return c
}

// rowTarget reads one data row of a targets table.
func (d *Document) rowTarget(n *Node, c *tableCols) {
	cells := n.cells
	if c.subject >= len(cells) || c.value >= len(cells) {
		return
	}
	subject, value := strings.TrimSpace(cells[c.subject]), strings.TrimSpace(cells[c.value])
	unit := ""
	if c.unit >= 0 && c.unit < len(cells) {
		unit = strings.TrimSpace(cells[c.unit])
	}
	ms := mentions(" "+value+map[bool]string{true: "%", false: ""}[unit == "%" && !strings.Contains(value, "%")]+" x", true)
	if len(ms) == 0 {
		// a value like "95" with unit "%" or "hộ": read it as an amount
		ms = mentions(" đạt "+value+" x", true)
		if len(ms) == 0 {
			return
		}
	}
	m := ms[0]
	t := &Target{Value: m.value, ValueText: value, Unit: unit, Parent: -1, Section: n.Number, Source: Span{n.Source.Start, n.Source.End, n.Text}}
	if unit == "%" || m.percent {
		t.Unit = "%"
	}
	// the comparison may sit in the value cell ("≥ 95", "95 trở lên",
	// "trên 90") or end the subject cell ("Tỷ lệ hộ nghèo giảm xuống dưới")
	num := strings.TrimSuffix(strings.TrimSpace(m.numText), "%")
	pre, after := "", ""
	if i := strings.Index(value, num); i >= 0 {
		pre, after = value[:i], strings.TrimLeft(value[i+len(num):], "% ")
	}
	op, why := comparison(subject+" "+pre, after, subject)
	t.Comparison, t.Why = op, append(why, "đọc từ bảng chỉ tiêu")
	t.Statement = capitalize(subjectFromPrefix(subject))
	t.Subject = subjectClass(t.Statement)
	if t.Subject == "" && t.Unit != "%" && !isMeasure(vntext.Fold(t.Unit)) {
		t.Subject = vntext.NFC(strings.ToLower(t.Unit))
	}
	if c.deadline != "" {
		t.Deadline = c.deadline
		t.Why = append(t.Why, "thời hạn từ tiêu đề cột")
	} else {
		d.setDeadline(t, subject, n)
	}
	d.Targets = append(d.Targets, t)
}
