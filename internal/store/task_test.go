package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"kehoach"
)

// unitCtx acts as a user whose entry scope is the given units.
func unitCtx(name string, units ...string) context.Context {
	s := kehoach.Scope{Units: units}
	return kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: name, Entry: s, View: s})
}

// taskID returns the id of the demo task code.
func taskID(t *testing.T, db *DB, code string) int64 {
	t.Helper()
	var id int64
	if err := db.read.QueryRow(`SELECT id FROM tasks WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatalf("task %s: %v", code, err)
	}
	return id
}

func countReports(t *testing.T, db *DB) (reports, files int) {
	t.Helper()
	db.read.QueryRow(`SELECT COUNT(*) FROM task_reports`).Scan(&reports)
	db.read.QueryRow(`SELECT COUNT(*) FROM task_evidence`).Scan(&files)
	return
}

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

func TestTasks(t *testing.T) {
	t.Parallel()
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) {
			db := n.db
			loadDemo(t, db)
			ctx := sysCtx()
			plans, _ := db.FindPlans(ctx)
			plan := plans[0].ID

			// Occurrences: 25 yearly tasks × 4 years + 31 others as of
			// 2025-03-14; the four-state count covers what has begun.
			all, err := db.FindTasks(ctx, kehoach.TaskFilter{PlanID: plan})
			if err != nil {
				t.Fatal(err)
			}
			// (A span of a task whose lead's work went to several bodies
			// is one occurrence for each of them.)
			yearly, spans := 0, map[string]bool{}
			for _, o := range all {
				if k := o.TaskCode + "/" + o.Key; !spans[k] {
					spans[k] = true
					if o.Kind == kehoach.TaskYearly {
						yearly++
					}
				}
			}
			if yearly%4 != 0 || len(spans)-yearly+yearly/4 != 56 {
				t.Fatalf("%d spans, %d yearly", len(spans), yearly)
			}
			c, err := db.CountTasks(ctx, kehoach.TaskFilter{PlanID: plan, Started: true})
			if err != nil {
				t.Fatal(err)
			}
			// Nothing reported yet: every occurrence due before today is
			// overdue; the rest is pending; only TK.2025 has not begun.
			wantOverdue, notBegun := 0, map[string]bool{}
			for _, o := range all {
				if o.Due < "2025-03-14" {
					wantOverdue++
				}
				if o.Start > "2025-03-14" {
					notBegun[o.TaskCode] = true
				}
			}
			if c.Overdue != wantOverdue || c.DoneOnTime != 0 || c.Total != len(all)-6 || len(notBegun) != 1 || !notBegun["TK.2025"] || c.Total != c.Overdue+c.Pending {
				t.Errorf("count %+v (overdue want %d, all %d)", c, wantOverdue, len(all))
			}

			// Carried to the successor: the 2025 occurrence of Bản Bo's task
			// belongs to the merged commune.
			merged, err := db.FindTasks(ctx, kehoach.TaskFilter{PlanID: plan, Unit: "X25_BANBO"})
			if err != nil {
				t.Fatal(err)
			}
			var carried []string
			for _, o := range merged {
				if o.Owner != "X25_BANBO" {
					continue // (issue 11) a span it coordinates
				}
				carried = append(carried, o.TaskCode+"/"+o.Key)
				if o.Lead == "" {
					t.Errorf("carried %+v", o)
				}
			}
			// The two communes' own tasks, and (issue 11) the district
			// UBND's, whose work each new commune took over.
			for _, o := range merged {
				if o.Owner == "X25_BANBO" && o.Lead != "CQ_UBND" && o.TaskCode != "III.11.BANBO" && o.TaskCode != "III.11.NATAM" ||
					o.Owner != "X25_BANBO" && (!slices.Contains(o.Coordinators, "X25_BANBO") || !strings.HasPrefix(o.Owner, "X25_BANBO_")) {
					t.Errorf("carried to X25_BANBO: %+v", o)
				}
			}
			if !slices.Contains(carried, "III.11.BANBO/2025") || !slices.Contains(carried, "III.11.NATAM/2025") || !slices.Contains(carried, "III.10/") {
				t.Errorf("carried to X25_BANBO: %v", carried)
			}
			own, _ := db.FindTasks(ctx, kehoach.TaskFilter{PlanID: plan, Unit: "XA_BANBO"})
			if len(own) != 3 {
				t.Errorf("XA_BANBO answers for %d occurrences, want 2022–2024", len(own))
			}

			// Sections and bodies.
			sec, _ := db.CountTasks(ctx, kehoach.TaskFilter{PlanID: plan, Section: "II.2"})
			if sec.Total == 0 {
				t.Error("no occurrence in II.2")
			}
			sec1, _ := db.CountTasks(ctx, kehoach.TaskFilter{PlanID: plan, Section: "II.2.1"})
			if sec1.Total == 0 || sec1.Total >= sec.Total {
				t.Errorf("II.2.1 %d of II.2 %d", sec1.Total, sec.Total)
			}

			id := taskID(t, db, "III.11.BANBO")
			xa := unitCtx("xa_banbo", "XA_BANBO")
			good := kehoach.ProgressInput{TaskID: id, Occurrence: "2024", Text: "Đã ban hành kế hoạch thực hiện năm 2024", Work: kehoach.WorkDone,
				Percent: 100, On: "2024-11-20", Files: []kehoach.EvidenceFile{{Name: "ke-hoach.pdf", Data: pdf}}}

			// Bad input saves nothing.
			for name, edit := range map[string]func(*kehoach.ProgressInput){
				"future":       func(p *kehoach.ProgressInput) { p.On = "2025-03-15" },
				"before start": func(p *kehoach.ProgressInput) { p.On = "2023-12-31" },
				"over 100":     func(p *kehoach.ProgressInput) { p.Work = kehoach.WorkInProgress; p.Percent = 120 },
				"claim":        func(p *kehoach.ProgressInput) { p.Claim = kehoach.TaskDoneLate },
				"oversized": func(p *kehoach.ProgressInput) {
					p.Files = []kehoach.EvidenceFile{{Name: "x.pdf", Data: append(pdf, make([]byte, kehoach.EvidenceMaxBytes)...)}}
				},
				"wrong type":    func(p *kehoach.ProgressInput) { p.Files = []kehoach.EvidenceFile{{Name: "x.docx", Data: pdf}} },
				"no occurrence": func(p *kehoach.ProgressInput) { p.Occurrence = "2031" },
			} {
				in := good
				edit(&in)
				if _, err := db.SaveProgress(xa, in); kehoach.ErrorCode(err) != kehoach.EINVALID || len(kehoach.ErrorFields(err)) == 0 {
					t.Errorf("%s: %v %v", name, err, kehoach.ErrorFields(err))
				}
			}
			if r, f := countReports(t, db); r != 0 || f != 0 {
				t.Fatalf("bad input saved %d reports, %d files", r, f)
			}
			// Another commune may not report on it.
			if _, err := db.SaveProgress(unitCtx("xa_natam", "XA_NATAM"), good); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("other commune: %v", err)
			}

			// draft → submitted → returned → submitted → accepted.
			r, err := db.SaveProgress(xa, good)
			if err != nil {
				t.Fatal(err)
			}
			if r.State != kehoach.ProgressDraft || len(r.Evidence) != 1 || r.Evidence[0].Type != kehoach.EvidencePDF {
				t.Fatalf("saved %+v", r)
			}
			if _, err := db.ChangeProgress(xa, r.ID, kehoach.ActionAcceptProgress, ""); kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Errorf("accept a draft: %v", err)
			}
			if _, err := db.ChangeProgress(xa, r.ID, kehoach.ActionSubmitProgress, ""); err != nil {
				t.Fatal(err)
			}
			district := unitCtx("huyen", "TAMDUONG")
			if _, err := db.ChangeProgress(district, r.ID, kehoach.ActionReturnProgress, " "); kehoach.ErrorFields(err)["reason"] == "" {
				t.Errorf("return without reason: %v", err)
			}
			if _, err := db.ChangeProgress(unitCtx("xa_natam", "XA_NATAM"), r.ID, kehoach.ActionReturnProgress, "x"); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("return by another commune: %v", err)
			}
			if _, err := db.ChangeProgress(district, r.ID, kehoach.ActionReturnProgress, "Thiếu quyết định ban hành"); err != nil {
				t.Fatal(err)
			}
			mine, _ := db.FindTasks(ctx, kehoach.TaskFilter{Unit: "XA_BANBO", PlanID: plan})
			returned := false
			for _, o := range mine {
				if o.TaskID == id && o.Key == "2024" {
					returned = o.Returned && o.Reason == "Thiếu quyết định ban hành" && o.State == kehoach.TaskOverdue
				}
			}
			if !returned {
				t.Errorf("returned occurrence not shown: %+v", mine)
			}
			if _, err := db.ChangeProgress(xa, r.ID, kehoach.ActionSubmitProgress, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ChangeProgress(district, r.ID, kehoach.ActionAcceptProgress, ""); err != nil {
				t.Fatal(err)
			}
			d, err := db.FindTaskByID(xa, id, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range d.Occurrences {
				if o.Key == "2024" && (o.State != kehoach.TaskDoneOnTime || o.Percent != 100 || o.DoneOn != "2024-11-20") {
					t.Errorf("2024 after acceptance: %+v", o)
				}
			}
			if len(d.Reports) != 1 || d.Reports[0].State != kehoach.ProgressAccepted || len(d.Reports[0].Evidence) != 1 {
				t.Errorf("reports %+v", d.Reports)
			}
			e, err := db.FindEvidence(xa, d.Reports[0].Evidence[0].ID)
			if err != nil || string(e.Data) != string(pdf) {
				t.Errorf("evidence %v", err)
			}
			if _, err := db.FindEvidence(unitCtx("xa_natam", "XA_NATAM"), e.ID); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
				t.Errorf("evidence seen by another commune: %v", err)
			}
			// A report done late counts as done late.
			late := good
			late.TaskID, late.Occurrence, late.On, late.Files = taskID(t, db, "III.4"), "", "2024-02-01", nil
			rl, err := db.SaveProgress(unitCtx("tnmt", "CQ_TNMT"), late)
			if err != nil {
				t.Fatal(err)
			}
			db.ChangeProgress(unitCtx("tnmt", "CQ_TNMT"), rl.ID, kehoach.ActionSubmitProgress, "")
			if _, err := db.ChangeProgress(district, rl.ID, kehoach.ActionAcceptProgress, ""); err != nil {
				t.Fatal(err)
			}
			body, _ := db.CountTasks(ctx, kehoach.TaskFilter{PlanID: plan, Unit: "CQ_TNMT", Started: true})
			if body != (kehoach.TaskCount{Total: 1, DoneLate: 1}) {
				t.Errorf("CQ_TNMT count %+v", body)
			}

			// New tasks: a ceased or unknown unit is refused.
			bad := kehoach.TaskInput{PlanID: plan, Code: "N.1", Section: "III", Title: "Nhiệm vụ mới", Kind: kehoach.TaskOnce, Lead: "XA_BANBO", Start: "2025-08-01", Due: "2025-10-01"}
			if _, err := db.CreateTask(ctx, bad); kehoach.ErrorFields(err)["lead"] == "" {
				t.Errorf("ceased lead: %v", err)
			}
			bad.Lead = "KHONG_CO"
			if _, err := db.CreateTask(ctx, bad); kehoach.ErrorFields(err)["lead"] == "" {
				t.Errorf("unknown lead: %v", err)
			}
			bad.Lead, bad.Targets = "X25_BANBO", []string{"3a"}
			nt, err := db.CreateTask(ctx, bad)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateTask(ctx, bad); kehoach.ErrorCode(err) != kehoach.ECONFLICT {
				t.Errorf("duplicate code: %v", err)
			}
			nd, err := db.FindTaskByID(ctx, nt.ID, "")
			if err != nil || len(nd.Occurrences) != 1 || nd.Occurrences[0].Start != "2025-08-01" || len(nd.Task.Targets) != 1 {
				t.Errorf("new task %+v %v", nd, err)
			}
		})
	}
}

// TestTaskToEachSuccessor (issue 11): a district office ceased on
// 1 July 2025 and its work went to a body of each new commune; its later
// spans go to each of them, each reported on and counted apart, and a
// commune's viewer sees its own part, not the others'.
func TestTaskToEachSuccessor(t *testing.T) {
	t.Parallel()
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) { testTaskToEachSuccessor(t, n.db) })
	}
}

func testTaskToEachSuccessor(t *testing.T, db *DB) {
	loadDemo(t, db)
	ctx := sysCtx()
	id := taskID(t, db, "III.1.2") // Phòng Văn hóa và Thông tin, yearly
	d, err := db.FindTaskByID(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	var owners []string
	for _, o := range d.Occurrences {
		if o.Key == "2025" {
			owners = append(owners, o.Owner)
			if o.Lead != "CQ_VHTT" {
				t.Errorf("2025 span %+v: lead %q", o, o.Lead)
			}
		} else if o.Owner != "CQ_VHTT" {
			t.Errorf("%s span goes to %s", o.Key, o.Owner)
		}
	}
	if want := []string{"P25_TANPHONG_VHXH", "X25_BANBO_VHXH", "X25_BINHLU_VHXH", "X25_KHUNHA_VHXH", "X25_SINSUOIHO_VHXH", "X25_TALENG_VHXH"}; !slices.Equal(owners, want) {
		t.Fatalf("2025 goes to %v, want %v", owners, want)
	}
	// Every other office of the district goes somewhere too.
	for code, want := range map[string]string{"III.5.1": "X25_BANBO_KT", "III.3.1": "X25_BANBO_VHXH", "III.9": "X25_BANBO_MTTQ", "III.8": "X25_BANBO_BXDD", "III.10": "X25_BANBO"} {
		occ, err := db.FindTasks(ctx, kehoach.TaskFilter{Unit: want})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, o := range occ {
			found = found || o.TaskCode == code
		}
		if !found {
			t.Errorf("%s does not answer for %s", want, code)
		}
	}

	// A coordinator that ceased is followed too: the district's finance
	// office coordinated 2.1.2; in 2025 each Phòng Kinh tế does.
	kt, err := db.FindTasks(ctx, kehoach.TaskFilter{Unit: "X25_BANBO_KT"})
	if err != nil {
		t.Fatal(err)
	}
	coordinates := false
	for _, o := range kt {
		if o.TaskCode == "2.1.2" && o.Key == "2025" && slices.Contains(o.Coordinators, "X25_BANBO_KT") {
			coordinates = true
		}
		if o.TaskCode == "2.1.2" && o.Key == "2024" {
			t.Errorf("X25_BANBO_KT coordinates the 2024 span of 2.1.2: %+v", o)
		}
	}
	if !coordinates {
		t.Error("X25_BANBO_KT does not coordinate the 2025 span of 2.1.2")
	}
	// Each commune's part is coordinated by that commune's bodies: 3.3.2
	// (Ban Tuyên giáo Huyện ủy, with the UBND huyện) in Tả Lèng.
	tl, _ := db.FindTasks(ctx, kehoach.TaskFilter{Unit: "X25_TALENG_BXDD"})
	for _, o := range tl {
		if o.TaskCode == "3.3.2" && o.Key == "2025" && !slices.Equal(o.Coordinators, []string{"X25_TALENG"}) {
			t.Errorf("3.3.2 in Tả Lèng coordinated by %v", o.Coordinators)
		}
	}

	// Bản Bo's body reports on its own part; unnamed, the unit is asked.
	banbo := unitCtx("vhxh_banbo", "X25_BANBO_VHXH")
	in := kehoach.ProgressInput{TaskID: id, Occurrence: "2025", Text: "Đã kiện toàn đội văn nghệ", Work: kehoach.WorkDone, Percent: 100, On: "2025-03-01", Submit: true}
	if _, err := db.SaveProgress(sysCtx(), in); kehoach.ErrorCode(err) != kehoach.EINVALID || kehoach.ErrorFields(err)["unit"] == "" {
		t.Fatalf("no unit named: %v", err)
	}
	in.Unit = "X25_TALENG_VHXH"
	if _, err := db.SaveProgress(banbo, in); kehoach.ErrorCode(err) != kehoach.EFORBIDDEN {
		t.Fatalf("another commune's part: %v", err)
	}
	in.Unit = ""
	r, err := db.SaveProgress(banbo, kehoach.ProgressInput{TaskID: id, Occurrence: "2025", Unit: "X25_BANBO_VHXH", Text: in.Text, Work: in.Work, Percent: 100, On: in.On, Submit: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangeProgress(kehoach.NewContextWithPlanner(unitCtx("kehoach", "LAICHAU")), r.ID, kehoach.ActionAcceptProgress, ""); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	occ, err := db.FindTasks(ctx, kehoach.TaskFilter{SectionIs: "III", AsOf: "2025-03-14"})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range occ {
		if o.TaskCode == "III.1.2" && o.Key == "2025" {
			states[o.Owner] = o.State
		}
	}
	if states["X25_BANBO_VHXH"] != kehoach.TaskDoneOnTime || states["X25_TALENG_VHXH"] != kehoach.TaskNotStarted || len(states) != 6 {
		t.Errorf("states %v", states)
	}

	// A viewer of today's Tả Lèng sees its own 2025 part and the office's
	// earlier years, not the other communes' parts.
	seen := map[string]bool{}
	occ, _ = db.FindTasks(ctx, kehoach.TaskFilter{Within: []string{"X25_TALENG"}})
	for _, o := range occ {
		if o.TaskCode == "III.1.2" {
			seen[o.Key+" "+o.Owner] = true
		}
	}
	if !seen["2025 X25_TALENG_VHXH"] || !seen["2024 CQ_VHTT"] || seen["2025 X25_BANBO_VHXH"] {
		t.Errorf("Tả Lèng sees %v", seen)
	}
}
