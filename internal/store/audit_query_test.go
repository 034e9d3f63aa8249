package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"kehoach"
)

// putEvent appends one audit event through the writers' own helper, as
// actor from address at testClock plus hours.
func putEvent(t testing.TB, db *DB, actor, address string, hours int, action, entity, key, old, new string) {
	t.Helper()
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: actor, Address: address})
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := audit(ctx, tx, testClock.Add(time.Duration(hours)*time.Hour), action, entity, key, old, new); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// eventKeys names events as "actor action key" for comparisons.
func eventKeys(es []*kehoach.AuditEvent) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Actor + " " + e.Action + " " + e.Key
	}
	return out
}

func TestFindAuditEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			// Written oldest first, an hour apart.
			putEvent(t, db.db, "alice", "10.0.0.1", 0, "create", "data_value", "HGD_VH/B1/2024", "", "5")
			putEvent(t, db.db, "alice", "10.0.0.1", 1, "update", "data_value", "HGD_VH/B1/2024", "5", "6")
			putEvent(t, db.db, "bob", "10.0.0.2", 2, "create", "data_value", "HGD_VH/B2/2024Q1", "", "7")
			putEvent(t, db.db, "bob", "10.0.0.2", 3, "delete", "data_value", "HGD_VH/B1/2024", "6", "")
			putEvent(t, db.db, "quantri", "10.0.0.3", 4, "create", "user", "nguyễn.an", "", `{"role":"viewer"}`)
			putEvent(t, db.db, "bob", "10.0.0.2", 5, "update", "data_value", "HGD_TONG/B1/2024", "8", "9")
			putEvent(t, db.db, "", "", 6, "load", "bundle", "1 plans", "", "")

			all := []string{"system load 1 plans", "bob update HGD_TONG/B1/2024", "quantri create nguyễn.an",
				"bob delete HGD_VH/B1/2024", "bob create HGD_VH/B2/2024Q1", "alice update HGD_VH/B1/2024", "alice create HGD_VH/B1/2024"}
			pick := func(idx ...int) []string {
				var out []string
				for _, i := range idx {
					out = append(out, all[i])
				}
				return out
			}
			for _, tc := range []struct {
				name  string
				f     kehoach.AuditFilter
				want  []string
				total int
			}{
				{"everything, newest first", kehoach.AuditFilter{}, all, 7},
				{"actor", kehoach.AuditFilter{Actor: "alice"}, pick(5, 6), 2},
				{"the system as actor", kehoach.AuditFilter{Actor: "system"}, pick(0), 1},
				{"action", kehoach.AuditFilter{Action: "delete"}, pick(3), 1},
				{"entity", kehoach.AuditFilter{Entity: "user"}, pick(2), 1},
				{"address", kehoach.AuditFilter{Address: "10.0.0.2"}, pick(1, 3, 4), 3},
				{"key exact", kehoach.AuditFilter{Key: "HGD_VH/B1/2024"}, pick(3, 5, 6), 3},
				{"key exact is not a prefix", kehoach.AuditFilter{Key: "HGD_VH/B2/2024"}, nil, 0},
				{"key prefix: one element", kehoach.AuditFilter{KeyPrefix: "HGD_VH/"}, pick(3, 4, 5, 6), 4},
				{"key prefix: a year and its quarters", kehoach.AuditFilter{KeyPrefix: "HGD_VH/B2/2024"}, pick(4), 1},
				{"key prefix with diacritics", kehoach.AuditFilter{KeyPrefix: "nguyễn"}, pick(2), 1},
				{"key prefix differs in case", kehoach.AuditFilter{KeyPrefix: "hgd_vh/"}, nil, 0},
				{"key contains: one unit", kehoach.AuditFilter{KeyContains: "/B1/"}, pick(1, 3, 5, 6), 4},
				{"key contains with diacritics", kehoach.AuditFilter{KeyContains: "ễn.a"}, pick(2), 1},
				{"from (inclusive)", kehoach.AuditFilter{From: testClock.Add(4 * time.Hour)}, pick(0, 1, 2), 3},
				{"to (exclusive)", kehoach.AuditFilter{To: testClock.Add(2 * time.Hour)}, pick(5, 6), 2},
				{"from and to in another zone", kehoach.AuditFilter{From: testClock.Add(time.Hour).In(time.FixedZone("ICT", 7*3600)),
					To: testClock.Add(3 * time.Hour).In(time.FixedZone("ICT", 7*3600))}, pick(4, 5), 2},
				{"combined", kehoach.AuditFilter{Actor: "bob", Entity: "data_value", KeyPrefix: "HGD_VH/"}, pick(3, 4), 2},
				{"first page", kehoach.AuditFilter{Limit: 3}, pick(0, 1, 2), 7},
				{"second page", kehoach.AuditFilter{Limit: 3, Offset: 3}, pick(3, 4, 5), 7},
				{"last page", kehoach.AuditFilter{Limit: 3, Offset: 6}, pick(6), 7},
				{"past the end", kehoach.AuditFilter{Limit: 3, Offset: 9}, nil, 7},
				{"offset without limit", kehoach.AuditFilter{Offset: 5}, pick(5, 6), 7},
				{"paged and filtered", kehoach.AuditFilter{KeyContains: "/B1/", Limit: 2, Offset: 1}, pick(3, 5), 4},
			} {
				t.Run(tc.name, func(t *testing.T) {
					got, total, err := db.db.FindAuditEvents(ctx, tc.f)
					if err != nil {
						t.Fatal(err)
					}
					if keys := eventKeys(got); !slices.Equal(keys, tc.want) || total != tc.total {
						t.Errorf("got %q (total %d)\nwant %q (total %d)", keys, total, tc.want, tc.total)
					}
					if got == nil {
						t.Error("nil list, want an empty one")
					}
				})
			}

			// Every field comes back as written.
			got, _, err := db.db.FindAuditEvents(ctx, kehoach.AuditFilter{Action: "update", Actor: "alice"})
			if err != nil || len(got) != 1 {
				t.Fatalf("got %v, %v", got, err)
			}
			e := got[0]
			if e.ID == 0 || !e.At.Equal(testClock.Add(time.Hour)) || e.At.Location() != time.UTC || e.Address != "10.0.0.1" ||
				e.Entity != "data_value" || e.Old != "5" || e.New != "6" {
				t.Errorf("event = %+v", *e)
			}

			if _, _, err := db.db.FindAuditEvents(ctx, kehoach.AuditFilter{Offset: -1}); kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Errorf("negative offset: %v, want EINVALID", err)
			}
		})
	}
}

func TestFindValueHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			save(t, db.db, "BM_BAN_NAM", "2024", vals{"B1": {"HGD_TONG": "120", "HGD_VH": "100"}})
			// Another person, from an address, corrects the figure.
			bob := kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: "bob", Address: "10.1.2.3", Entry: kehoach.AllUnits})
			if _, err := db.db.SaveFormValues(bob, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024",
				Values: vals{"B1": {"HGD_VH": "110"}}, By: "bob"}); err != nil {
				t.Fatal(err)
			}
			save(t, db.db, "BM_BAN_NAM", "2024", vals{"B1": {"HGD_VH": ""}})
			save(t, db.db, "BM_BAN_NAM", "2024", vals{"B1": {"HGD_VH": "90"}})

			got, err := db.db.FindValueHistory(ctx, "HGD_VH", "B1", "2024")
			if err != nil {
				t.Fatal(err)
			}
			var rows []string
			for _, e := range got {
				rows = append(rows, fmt.Sprintf("%s@%s %s %s→%s", e.Actor, e.Address, e.Action, e.Old, e.New))
				if e.Key != "HGD_VH/B1/2024" || e.Entity != kehoach.AuditDataValue {
					t.Errorf("event of %s %s in the history of HGD_VH/B1/2024", e.Entity, e.Key)
				}
			}
			want := []string{"alice@ create →100", "bob@10.1.2.3 update 100→110", "alice@ delete 110→", "alice@ create →90"}
			if !slices.Equal(rows, want) {
				t.Errorf("history = %q\nwant %q", rows, want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].ID <= got[i-1].ID {
					t.Errorf("history not oldest first: ids %d then %d", got[i-1].ID, got[i].ID)
				}
			}

			// A figure never saved has an empty history; another period is
			// another figure.
			for _, key := range [][3]string{{"HGD_VH", "B2", "2024"}, {"HGD_VH", "B1", "2023"}, {"HGD_VH", "B1", "202"}} {
				got, err := db.db.FindValueHistory(ctx, key[0], key[1], key[2])
				if err != nil || got == nil || len(got) != 0 {
					t.Errorf("history of %v = %v, %v; want an empty list", key, got, err)
				}
			}
		})
	}
}

// The databases themselves refuse to change or remove audit events.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			putEvent(t, db.db, "alice", "10.0.0.1", 0, "create", "data_value", "HGD_VH/B1/2024", "", "5")
			stmts := []string{
				`UPDATE audit_events SET new_value = '500'`,
				`UPDATE audit_events SET actor = 'mallory' WHERE actor = 'alice'`,
				`DELETE FROM audit_events`,
				`DELETE FROM audit_events WHERE actor = 'alice'`,
			}
			if db.db.IsPostgres() {
				stmts = append(stmts, `TRUNCATE audit_events`)
			}
			for _, q := range stmts {
				_, err := db.db.Writer().ExecContext(ctx, q)
				if err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: err = %v, want the append-only refusal", q, err)
				}
			}
			// Inside a transaction too, which then cannot commit the change.
			tx, err := db.db.BeginWrite(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM audit_events`); err == nil {
				t.Error("DELETE in a transaction succeeded")
			}
			tx.Rollback()

			got, total, err := db.db.FindAuditEvents(ctx, kehoach.AuditFilter{})
			if err != nil || total != 1 || got[0].Actor != "alice" || got[0].New != "5" {
				t.Errorf("after the refused changes: %v (total %d), %v", eventKeys(got), total, err)
			}
			// Appending still works.
			putEvent(t, db.db, "bob", "", 1, "update", "data_value", "HGD_VH/B1/2024", "5", "6")
			if _, total, _ := db.db.FindAuditEvents(ctx, kehoach.AuditFilter{}); total != 2 {
				t.Errorf("%d events after appending, want 2", total)
			}
		})
	}
}

func TestSplitStatementsKeepsTriggers(t *testing.T) {
	t.Parallel()
	src := "CREATE TABLE a (x INTEGER);\nCREATE TRIGGER t BEFORE DELETE ON a BEGIN SELECT RAISE(ABORT, 'no'); END;\n" +
		"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;\n"
	got := splitStatements(src)
	want := []string{"CREATE TABLE a (x INTEGER)",
		"CREATE TRIGGER t BEFORE DELETE ON a BEGIN SELECT RAISE(ABORT, 'no'); END",
		"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$"}
	if !slices.Equal(got, want) {
		t.Errorf("splitStatements = %q\nwant %q", got, want)
	}
}

func TestExportAuditEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			putEvent(t, db.db, "alice", "10.0.0.1", 0, "create", "data_value", "HGD_VH/B1/2024", "", "5")
			putEvent(t, db.db, "bob", "10.0.0.2", 1, "update", "data_value", "HGD_VH/B1/2024", "5", "6")
			putEvent(t, db.db, "bob", "10.0.0.2", 2, "create", "user", "lan", "", "{}")

			admin := kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: "quantri", Address: "192.0.2.1"})
			f := kehoach.AuditFilter{Entity: "data_value", Limit: 1, Offset: 1} // paging is ignored
			var got []*kehoach.AuditEvent
			n, err := db.db.ExportAuditEvents(admin, f, func(e *kehoach.AuditEvent) error {
				got = append(got, e)
				return nil
			})
			if err != nil || n != 2 {
				t.Fatalf("export = %d, %v", n, err)
			}
			if keys := eventKeys(got); !slices.Equal(keys, []string{"bob update HGD_VH/B1/2024", "alice create HGD_VH/B1/2024"}) {
				t.Errorf("exported %q", keys)
			}

			// The export left a trace: who, from where, with which filter;
			// an unfiltered export lists the earlier export but not itself.
			var all []string
			if _, err := db.db.ExportAuditEvents(admin, kehoach.AuditFilter{}, func(e *kehoach.AuditEvent) error {
				all = append(all, e.Actor+" "+e.Action+" "+e.Entity)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if want := []string{"quantri export audit_events", "bob create user", "bob update data_value", "alice create data_value"}; !slices.Equal(all, want) {
				t.Errorf("unfiltered export = %q\nwant %q", all, want)
			}
			traces, total, err := db.db.FindAuditEvents(ctx, kehoach.AuditFilter{Action: kehoach.AuditExport})
			if err != nil || total != 2 {
				t.Fatalf("export traces: %d, %v", total, err)
			}
			if e := traces[1]; e.Actor != "quantri" || e.Address != "192.0.2.1" || e.Entity != kehoach.AuditAuditEvents ||
				!strings.Contains(e.New, `"entity":"data_value"`) || !e.At.Equal(testClock) {
				t.Errorf("export trace = %+v", *e)
			}

			// fn's error stops the export and comes back.
			stop := errors.New("client gone")
			calls := 0
			n, err = db.db.ExportAuditEvents(admin, kehoach.AuditFilter{}, func(*kehoach.AuditEvent) error {
				calls++
				return stop
			})
			if !errors.Is(err, stop) || calls != 1 || n != 1 {
				t.Errorf("export with a failing fn = %d, %v after %d calls", n, err, calls)
			}
		})
	}
}

// Sign-in, failed sign-in and sign-out are in the audit log, by the user,
// from the client's address; a password re-check is no sign-in.
func TestSessionAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			u := mustCreateUser(t, db.db, &kehoach.User{Username: "lan", Role: kehoach.RoleViewer}, "mật khẩu của Lan")
			anon := kehoach.NewContextWithActor(ctx, kehoach.Actor{Address: "198.51.100.7"})
			if _, err := db.db.Authenticate(anon, "lan", "sai mật khẩu", "198.51.100.7"); err == nil {
				t.Fatal("wrong password accepted")
			}
			if _, err := db.db.Authenticate(anon, "Không.Có", "bất kỳ mật khẩu", "198.51.100.8"); err == nil {
				t.Fatal("unknown user accepted")
			}
			if _, err := db.db.Authenticate(anon, "lan", "mật khẩu của Lan", "198.51.100.7"); err != nil {
				t.Fatal(err)
			}
			token, s, err := db.db.CreateSession(anon, u.ID, "198.51.100.7", "Firefox")
			if err != nil {
				t.Fatal(err)
			}
			lan := kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: "lan", Address: "198.51.100.9"})
			if err := db.db.RevokeSession(lan, token); err != nil {
				t.Fatal(err)
			}
			if err := db.db.RevokeSession(lan, token); err != nil { // twice: no second event
				t.Fatal(err)
			}
			if err := db.db.RevokeSession(lan, "không-phải-mã"); err != nil {
				t.Fatal(err)
			}
			// Disabled: the right password is still a failed sign-in.
			yes := true
			if _, err := db.db.UpdateUser(adminCtx, u.ID, kehoach.UserUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.db.Authenticate(anon, "lan", "mật khẩu của Lan", "198.51.100.7"); err == nil {
				t.Fatal("disabled user accepted")
			}

			want := []string{
				"lan@198.51.100.7 login_failed lan  → ",
				"không.có@198.51.100.8 login_failed không.có  → ",
				fmt.Sprintf(`lan@198.51.100.7 login lan  → {"session":%d,"userAgent":"Firefox"}`, s.ID),
				fmt.Sprintf(`lan@198.51.100.9 logout lan {"session":%d} → `, s.ID),
				"lan@198.51.100.7 login_failed lan  → tài khoản đã bị khóa",
			}
			if got := auditRows(t, db.db, kehoach.AuditSession); !slices.Equal(got, want) {
				t.Errorf("session events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, e := range auditRows(t, db.db, kehoach.AuditSession) {
				if strings.Contains(e, "mật khẩu") || strings.Contains(e, token) {
					t.Errorf("session event holds a secret: %s", e)
				}
			}
		})
	}
}
