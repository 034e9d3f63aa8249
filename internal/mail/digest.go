package mail

import (
	"fmt"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
)

// DigestLines is the digest's content, one line per item, in the order
// the "my tasks" page shows them: returned reports, overdue, due soon,
// figures due, returned figures. Each task line starts with the task code and the
// occurrence, so a test can compare the digest with the page.
func DigestLines(r *kehoach.Reminders) []string {
	var out []string
	task := func(o kehoach.Occurrence) string {
		s := o.TaskCode
		if o.Key != "" {
			s += " năm " + o.Key
		}
		return s + " — " + o.Title + " (hạn " + locale.VI.Day(string(o.Due)) + ", " + strings.ToLower(locale.VI.TaskState(o.State)) + ")"
	}
	section := func(title string, n int) {
		out = append(out, "", title+" ("+strconv.Itoa(n)+"):")
	}
	more := func(kind string) {
		if n := r.More(kind); n > 0 {
			out = append(out, fmt.Sprintf("- … và %d lượt khác", n))
		}
	}
	if len(r.Returned) > 0 {
		section("Báo cáo bị trả lại", r.NReturned)
		for _, o := range r.Returned {
			out = append(out, "- "+task(o)+": "+o.Reason)
		}
		more("returned")
	}
	if len(r.Overdue) > 0 {
		section("Quá hạn", r.NOverdue)
		for _, o := range r.Overdue {
			out = append(out, "- "+task(o))
		}
		more("overdue")
	}
	if len(r.DueSoon) > 0 {
		section(fmt.Sprintf("Sắp đến hạn trong %d ngày", r.Days), r.NDueSoon)
		for _, o := range r.DueSoon {
			out = append(out, "- "+task(o))
		}
		more("due")
	}
	if len(r.FiguresDue) > 0 {
		section(fmt.Sprintf("Số liệu đến hạn gửi (hạn trong %d ngày trước và sau hôm nay)", r.Days), len(r.FiguresDue))
		for _, f := range r.FiguresDue {
			state := "chưa gửi"
			if f.Overdue {
				state = "quá hạn, chưa gửi"
			}
			out = append(out, "- "+f.Form+" "+f.Period+" — "+f.FormName+" (hạn "+locale.VI.Day(string(f.Deadline))+", "+state+")")
		}
	}
	if len(r.Figures) > 0 {
		section("Số liệu bị trả lại", len(r.Figures))
		for _, s := range r.Figures {
			out = append(out, "- "+s.UnitName+" · "+s.Form+" · "+s.Period+": "+s.Reason)
		}
	}
	return out
}

// Digest renders a unit's reminders as an e-mail to to; base is the site's
// address for the link to "my tasks".
func Digest(r *kehoach.Reminders, to []string, base string) Message {
	n := r.NReturned + r.NOverdue + r.NDueSoon + len(r.Figures) + len(r.FiguresDue)
	var b strings.Builder
	fmt.Fprintf(&b, "Việc cần làm của %s, ngày %s:\n", r.UnitName, locale.VI.Day(string(r.Today)))
	for _, l := range DigestLines(r) {
		b.WriteString(l + "\n")
	}
	if r.Empty() {
		b.WriteString("\nKhông có việc quá hạn, sắp đến hạn hay bị trả lại, không có số liệu đến hạn gửi.\n")
	}
	fmt.Fprintf(&b, "\nXem và báo cáo: %s/tasks/mine?unit=%s\n", strings.TrimRight(base, "/"), r.Unit)
	return Message{To: to, Subject: fmt.Sprintf("[Kế hoạch] %s: %d việc cần làm", r.UnitName, n), Body: b.String()}
}
