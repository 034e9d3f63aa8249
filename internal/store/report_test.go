package store

import (
	"context"
	"sync"
	"testing"

	"kehoach"
)

// Drafts keep a version per save (who, when); a save begun from an older
// version is a conflict and writes nothing; an issued document is frozen.
func TestReportDrafts(t *testing.T) {
	for _, n := range openDBs(t) {
		t.Run(n.name, func(t *testing.T) {
			db := n.db
			loadDemo(t, db)
			plans, _ := db.FindPlans(context.Background())
			planID := plans[0].ID
			an, binh := actorCtx("an", "10.0.0.1"), actorCtx("binh", "10.0.0.2")
			_, err := db.FindReport(an, planID, kehoach.DocReport, "2024")
			wantCode(t, err, kehoach.ENOTFOUND)
			d1, err := db.SaveReportDraft(an, &kehoach.ReportDraft{PlanID: planID, Kind: kehoach.DocReport, Period: "2024", Texts: kehoach.ReportTexts{General: "Tình hình chung", Signer: "A"}})
			if err != nil || d1.Version != 1 {
				t.Fatalf("first save: %+v, %v", d1, err)
			}
			// Both open version 1; an saves first, binh's save is refused.
			if _, err := db.SaveReportDraft(an, &kehoach.ReportDraft{PlanID: planID, Kind: kehoach.DocReport, Period: "2024", Version: 1, Texts: kehoach.ReportTexts{General: "Bản của An"}}); err != nil {
				t.Fatal(err)
			}
			_, err = db.SaveReportDraft(binh, &kehoach.ReportDraft{PlanID: planID, Kind: kehoach.DocReport, Period: "2024", Version: 1, Texts: kehoach.ReportTexts{General: "Bản của Bình"}})
			wantCode(t, err, kehoach.ECONFLICT)
			if msg := kehoach.ErrorMessage(err); msg == "" || kehoach.ErrorFields(err)["version"] == "" {
				t.Errorf("conflict message %q fields %v", msg, kehoach.ErrorFields(err))
			}
			cur, _ := db.FindReport(an, planID, kehoach.DocReport, "2024")
			if cur.Texts.General != "Bản của An" || cur.Version != 2 || cur.UpdatedBy != "an" {
				t.Fatalf("stored %+v", cur)
			}
			vs, err := db.FindReportVersions(an, cur.ID)
			if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].By != "an" || vs[1].Texts.General != "Tình hình chung" {
				t.Fatalf("versions %+v %v", vs, err)
			}
			// Concurrent saves from the same version: exactly one wins.
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Go(func() {
					_, errs[i] = db.SaveReportDraft(actorCtx("u", ""), &kehoach.ReportDraft{PlanID: planID, Kind: kehoach.DocReport, Period: "2024", Version: 2, Texts: kehoach.ReportTexts{General: "song song"}})
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch kehoach.ErrorCode(err) {
				case "":
					ok++
				case kehoach.ECONFLICT:
				default:
					t.Errorf("concurrent save: %v", err)
				}
			}
			if ok != 1 {
				t.Fatalf("%d concurrent saves won, want 1", ok)
			}
			// Issue at a stale version: conflict; at the current one: frozen.
			_, err = db.IssueReport(an, cur.ID, 2, []byte(`{}`))
			wantCode(t, err, kehoach.ECONFLICT)
			issued, err := db.IssueReport(an, cur.ID, 3, []byte(`{"frozen":true}`))
			if err != nil || !issued.Issued() || issued.IssuedBy != "an" {
				t.Fatalf("issue: %+v %v", issued, err)
			}
			_, err = db.SaveReportDraft(an, &kehoach.ReportDraft{PlanID: planID, Kind: kehoach.DocReport, Period: "2024", Version: 3})
			wantCode(t, err, kehoach.EINVALID)
			_, err = db.IssueReport(an, cur.ID, 3, []byte(`{}`))
			wantCode(t, err, kehoach.EINVALID)
			got, _ := db.FindReport(an, planID, kehoach.DocReport, "2024")
			if string(got.Frozen) != `{"frozen":true}` || !got.Issued() {
				t.Errorf("frozen %q status %s", got.Frozen, got.Status)
			}
			var audits int
			db.Reader().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE entity = 'report'`).Scan(&audits)
			if audits != 4 {
				t.Errorf("%d audit events, want 4 (3 saves, 1 issue)", audits)
			}
		})
	}
}
