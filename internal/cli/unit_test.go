package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kehoach"
	"kehoach/internal/app"
)

// TestUnitCommand: units are added and edited from the command line, a
// merge is previewed (nothing written), then applied with the user's
// scope moved; bad input says why and changes nothing.
func TestUnitCommand(t *testing.T) {
	ctx := context.Background()
	url, db := authDB(t)
	run := func(want int, args ...string) (string, string) {
		t.Helper()
		code, out, errs := runStdin(ctx, "", append(args, "--db", url)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d; out %s err %s", args, code, want, out, errs)
		}
		return out, errs
	}
	run(0, "unit", "add", "--code", "XB", "--name", "Xã Bên", "--kind", "commune", "--parent", "H")
	run(0, "unit", "add", "--code", "XB_1", "--name", "Bản Một", "--kind", "village", "--parent", "XB")
	_, errs := run(1, "unit", "add", "--code", "XC", "--name", "Xã C", "--kind", "commune", "--parent", "H", "--from", "2025-02-01", "--to", "2025-01-01")
	if !strings.Contains(errs, "trước ngày bắt đầu") {
		t.Errorf("backwards validity: %s", errs)
	}
	run(0, "unit", "update", "--code", "XB", "--name", "Xã Bến")
	out, _ := run(0, "unit", "list")
	if !strings.Contains(out, "  Xã Bến [XB,") || !strings.Contains(out, "    Bản Một [XB_1,") {
		t.Errorf("tree:\n%s", out)
	}
	if code, out, errs := runStdin(ctx, "mật-khẩu-dài-đủ\n", "user", "add", "--username", "rep", "--role", "reporter", "--unit", "XB", "--password-stdin", "--db", url); code != 0 {
		t.Fatalf("user add: %s %s", out, errs)
	}

	merge := []string{"unit", "reorg", "--kind", "merge", "--date", "2025-07-01", "--units", "XA,XB", "--new-code", "XM", "--new-name", "Xã Mới"}
	out, _ = run(0, merge...)
	if !strings.Contains(out, "Sẽ kết thúc 3 đơn vị ngày 30/06/2025, lập 2 đơn vị") || !strings.Contains(out, "user:rep:entry:XB") || !strings.Contains(out, "Chưa thay đổi gì") {
		t.Errorf("preview:\n%s", out)
	}
	if _, err := db.FindUnitByCode(ctx, "XM"); kehoach.ErrorCode(err) != kehoach.ENOTFOUND {
		t.Fatalf("preview wrote XM: %v", err)
	}
	_, errs = run(1, "unit", "reorg", "--kind", "merge", "--date", "2025-07-01", "--units", "XB", "--into", "XB_1")
	if !strings.Contains(errs, "cấp dưới của chính nó") {
		t.Errorf("merge into own descendant: %s", errs)
	}
	out, _ = run(0, append(merge, "--confirm-all", "--apply")...)
	if !strings.Contains(out, "Đã kết thúc 3 đơn vị") || !strings.Contains(out, "[x]") {
		t.Errorf("apply:\n%s", out)
	}
	u, err := db.FindUserByUsername(ctx, "rep")
	if err != nil || len(u.EntryScope) != 1 || u.EntryScope[0] != "XM" {
		t.Errorf("reporter's scope after the merge: %v %v", u, err)
	}
	m, err := db.FindUnitByCode(ctx, "XM")
	if err != nil || len(m.Predecessors) != 2 || len(m.Children) != 1 || m.Children[0].Code != "XB_1_2507" {
		t.Errorf("new commune %+v %v", m, err)
	}
}

// TestGenReorg: `kehoach gen --reorg` reorganises the dataset it made in
// one transaction: a sixth of the villages merged two by two, 106
// communes to 38.
func TestGenReorg(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "g.db")
	code, out, errs := runStdin(ctx, "", "gen", "--scale", "district", "--reorg", "2026-01-01", "--db", url)
	if code != 0 || !strings.Contains(out, "Sắp xếp từ 01/01/2026") || !strings.Contains(out, "Đề xuất đã áp dụng") {
		t.Fatalf("gen --reorg: %d\n%s\n%s", code, out, errs)
	}
	s, err := app.OpenDB(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	communes, err := s.FindUnits(ctx, kehoach.UnitFilter{Kind: kehoach.KindCommune, On: "2026-01-01"})
	if err != nil || len(communes) != 5 { // 13 × 38 / 106, rounded
		t.Errorf("communes after: %d %v", len(communes), err)
	}
	villages, err := s.FindUnits(ctx, kehoach.UnitFilter{Kind: kehoach.KindVillage, On: "2026-01-01"})
	if err != nil || len(villages) < 115 || len(villages) > 135 {
		t.Errorf("villages after: %d of 150 %v", len(villages), err)
	}
}
