package store

import (
	"strings"
	"testing"

	"kehoach"
)

// TestConcurrentEditors: two people open the same form; the first saves;
// the second's save of the same cell is refused with the other's figure
// named, and nothing of it is saved; cells the second person did not touch
// keep the first person's newer figures.
func TestConcurrentEditors(t *testing.T) {
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := sysCtx()
			loadSmall(t, db.db)
			save(t, db.db, "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": "100", "HGD_VH": "50"}, "B2": {"HGD_TONG": "80"}})
			// Both load the grid: this is what they see.
			seen := vals{"B1": {"HGD_TONG": "100", "HGD_VH": "50"}, "B2": {"HGD_TONG": "80", "HGD_VH": ""}}

			// Hoa changes B1's cultural families and B2's households.
			_, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", By: "hoa", Original: seen,
				Values: vals{"B1": {"HGD_TONG": "100", "HGD_VH": "60"}, "B2": {"HGD_TONG": "85", "HGD_VH": ""}}})
			if err != nil {
				t.Fatalf("first save: %v", err)
			}
			before := dataVersion(t, db.db)

			// Nam, from the stale page, changes B1's cultural families too, and
			// adds B2's cultural families; B2's households he left as he saw them.
			_, err = db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", By: "nam", Original: seen,
				Values: vals{"B1": {"HGD_TONG": "100", "HGD_VH": "55"}, "B2": {"HGD_TONG": "80", "HGD_VH": "40"}}})
			wantCode(t, err, kehoach.ECONFLICT)
			fields := kehoach.ErrorFields(err)
			if len(fields) != 1 || !strings.Contains(fields["B1.HGD_VH"], "hoa") || !strings.Contains(fields["B1.HGD_VH"], "60") {
				t.Fatalf("conflict fields = %v, want only B1.HGD_VH naming hoa and 60", fields)
			}
			if dataVersion(t, db.db) != before {
				t.Errorf("a refused save took a version")
			}
			got := map[string]string{}
			vs, _ := db.db.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{"B1", "B2"}, Periods: []string{"2024"}})
			for _, v := range vs {
				got[v.Unit+"."+v.Element] = v.Value
			}
			want := map[string]string{"B1.HGD_TONG": "100", "B1.HGD_VH": "60", "B2.HGD_TONG": "85"}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (hoa's figure kept, nothing of nam's saved)", k, got[k], v)
				}
			}
			if _, ok := got["B2.HGD_VH"]; ok {
				t.Errorf("B2.HGD_VH was saved from a refused save")
			}

			// Nam reloads (sees hoa's figures) and saves again: B2's households
			// stay hoa's 85 because he does not change them.
			seen2 := vals{"B1": {"HGD_VH": "60"}, "B2": {"HGD_TONG": "85", "HGD_VH": ""}}
			res, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", By: "nam", Original: seen2,
				Values: vals{"B1": {"HGD_VH": "55"}, "B2": {"HGD_TONG": "85", "HGD_VH": "40"}}})
			if err != nil {
				t.Fatalf("save after reload: %v", err)
			}
			wantResult(t, res, 1, 1, 0, 0)
		})
	}
}
