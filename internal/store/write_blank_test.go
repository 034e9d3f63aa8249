package store

import (
	"slices"
	"strings"
	"testing"

	"kehoach"
)

// TestSaveBlankIsNotRemoval is issue 9's stray space through the write
// path (the API's rule too): a value of only spaces is refused with its
// reason and the stored figure stays; the empty value removes it.
func TestSaveBlankIsNotRemoval(t *testing.T) {
	t.Parallel()
	ctx := sysCtx()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			save(t, db.db, "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": "116"}})
			for _, blank := range []string{" ", "\t", "\u00a0 "} {
				_, err := db.db.SaveValues(ctx, kehoach.ValueBatch{Form: "BM_BAN_NAM", Period: "2024", By: "alice",
					Cells: []kehoach.ValueCell{{Unit: "B1", Element: "HGD_TONG", Value: blank}}})
				if kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorFields(err)["B1.HGD_TONG"], "chỉ có khoảng trắng") {
					t.Errorf("saving %q: %v, want EINVALID saying it is only spaces", blank, err)
				}
			}
			f := kehoach.DataValueFilter{Units: []string{"B1"}, Elements: []string{"HGD_TONG"}}
			if got := live(t, db.db, f); !slices.Equal(got, []string{"B1.HGD_TONG/2024=116"}) {
				t.Fatalf("after blanks: %v, want the figure kept", got)
			}
			res := save(t, db.db, "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": ""}})
			if res.Deleted != 1 || len(live(t, db.db, f)) != 0 {
				t.Errorf("the empty value: %+v, %v; want the figure removed", res, live(t, db.db, f))
			}
		})
	}
}
