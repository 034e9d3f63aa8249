package store

import (
	"context"
	"strings"
	"testing"

	"kehoach"
)

// Settings (issue 16): none before the first save; a save is validated,
// stored in NFC, read back, and audited old → new; a bad one saves nothing.
func TestSettings(t *testing.T) {
	for _, d := range openDBs(t) {
		t.Run(d.name, func(t *testing.T) {
			db := d.db
			s, err := db.FindSettings(context.Background())
			if err != nil || *s != (kehoach.Settings{}) {
				t.Fatalf("fresh settings %+v, %v", s, err)
			}
			_, err = db.SaveSettings(adminCtx, &kehoach.Settings{Issuer: " ", Name: strings.Repeat("x", 121)})
			if f := kehoach.ErrorFields(err); f["issuer"] == "" || f["name"] == "" {
				t.Fatalf("bad settings: %v %v", err, f)
			}
			if _, err := db.SaveSettings(adminCtx, &kehoach.Settings{Issuer: "  UBND xa\u0303 Bi\u0300nh Lư ", AccountHelp: "Gọi 0213"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SaveSettings(adminCtx, &kehoach.Settings{Issuer: "UBND xã Bản Bo", Name: "Kế hoạch"}); err != nil {
				t.Fatal(err)
			}
			s, err = db.FindSettings(context.Background())
			if err != nil || s.Issuer != "UBND xã Bản Bo" || s.Name != "Kế hoạch" || s.AccountHelp != "" || s.UpdatedBy != "quantri" {
				t.Fatalf("settings read back %+v, %v", s, err)
			}
			got := auditRows(t, db, kehoach.AuditSettings)
			want := []string{
				`quantri@192.0.2.1 update settings  → {"name":"","issuer":"UBND xã Bình Lư","accountHelp":"Gọi 0213"}`,
				`quantri@192.0.2.1 update settings {"name":"","issuer":"UBND xã Bình Lư","accountHelp":"Gọi 0213"} → {"name":"Kế hoạch","issuer":"UBND xã Bản Bo","accountHelp":""}`,
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
