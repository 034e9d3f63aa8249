package store

import (
	"testing"

	"kehoach"
)

// TestPlanTrust: a plan's coverage threshold and default figures (issue 9)
// are stored with the plan and read back; a plan without them keeps the
// defaults; a threshold out of range refuses the load.
func TestPlanTrust(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			b := smallBundle(t)
			b.Plans = []*kehoach.Plan{
				{Code: "KH1", Number: "1/KH", Title: "Có ngưỡng", IssuerCode: "H", CoverageThreshold: 0.8, Figures: kehoach.FiguresApproved},
				{Code: "KH2", Number: "2/KH", Title: "Mặc định", IssuerCode: "H"},
			}
			if err := db.db.LoadBundle(ctx, b, "test"); err != nil {
				t.Fatalf("load: %v", err)
			}
			for _, want := range b.Plans {
				p, err := db.db.FindPlanByID(ctx, want.ID)
				if err != nil {
					t.Fatal(err)
				}
				if p.CoverageThreshold != want.CoverageThreshold || p.Figures != want.Figures {
					t.Errorf("plan %s: %v %q, want %v %q", p.Code, p.CoverageThreshold, p.Figures, want.CoverageThreshold, want.Figures)
				}
			}
			bad := smallBundle(t)
			for _, u := range bad.Units {
				u.Code += "_2"
				if u.ParentCode != "" {
					u.ParentCode += "_2"
				}
			}
			bad.Elements, bad.Forms, bad.Indicators = nil, nil, nil
			bad.Plans = []*kehoach.Plan{{Code: "KH3", Number: "3/KH", Title: "Sai", IssuerCode: "H_2", CoverageThreshold: 1.5}}
			if err := db.db.LoadBundle(ctx, bad, "test"); kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Errorf("threshold 1.5: %v, want EINVALID", err)
			}
		})
	}
}
