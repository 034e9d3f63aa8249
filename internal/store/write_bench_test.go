package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kehoach"
)

// BenchmarkSaveFormValues saves one commune's grid of the demo (every
// village of the commune with the most villages × the four elements of
// BM_BAN, whose blocking rule BAN_NVH_CHUAN ≤ BAN_NVH applies to every
// village) for 2025Q1, every cell changed at each iteration, on SQLite
// and, when KEHOACH_TEST_PG is set, on PostgreSQL:
//
//   - kehoach: through db.SaveFormValues, as the entry page sends it (every
//     field with the original it showed), i.e. the whole write path:
//     resolve, check each cell and the entry scope, the version lock, the
//     rules on the stored figures inside the transaction, the lock and
//     conflict checks, the upsert and the audit events;
//   - baseline: the same cells as one bare multi-row upsert (INSERT … ON
//     CONFLICT DO UPDATE) plus the version-counter bump, in one transaction:
//     no reads, no checks, no rules, no audit. The floor a save of these
//     cells cannot go under;
//   - baseline-7params: the same bare upsert in the statement shape the
//     store's upsertValues has (seven parameters a row instead of four), to
//     show what the shape alone costs.
//
// Benchmarks run only with -bench:
//
//	go test ./internal/store/ -run XXX -bench BenchmarkSaveFormValues -benchtime 200x
func BenchmarkSaveFormValues(b *testing.B) {
	const form, pe = "BM_BAN", "2025Q1"
	elements := []string{"BAN_LOA", "BAN_NVH", "BAN_NVH_CHUAN", "BAN_DVN"}
	for _, db := range openDBs(b) {
		b.Run(db.name, func(b *testing.B) {
			bundle := loadDemo(b, db.db)
			villages := biggestCommune(b, bundle)
			cells := len(villages) * len(elements)

			b.Run("kehoach", func(b *testing.B) {
				ctx := sysCtxAs("bench")
				shown := shownGrid(b, db.db, villages, elements, pe)
				i := 0
				for b.Loop() {
					v := boolText(i)
					i++
					values := map[string]map[string]string{}
					for _, u := range villages {
						values[u] = map[string]string{}
						for _, e := range elements {
							values[u][e] = v
						}
					}
					res, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: form, Period: pe, Values: values, Original: shown, By: "bench"})
					if err != nil {
						b.Fatalf("SaveFormValues: %v (fields %v)", err, kehoach.ErrorFields(err))
					}
					if n := res.Imported + res.Updated; n != cells {
						b.Fatalf("saved %d cells (imported %d, updated %d, ignored %d), want %d", n, res.Imported, res.Updated, res.Ignored, cells)
					}
					shown = values // the page after the save shows what was saved
				}
				b.ReportMetric(float64(cells), "cells/op")
			})

			// The floor: the cells' own figures a row (element, unit, value,
			// number), what is the same for the whole grid bound once.
			b.Run("baseline", func(b *testing.B) { benchBareUpsert(b, db.db, villages, elements, pe, false) })
			// The same statement in the shape the store's upsertValues has now:
			// seven numbered parameters a row (period, disaggregation and
			// comment too). On SQLite each numbered parameter is bound by name,
			// so the shape alone costs about half a millisecond here.
			b.Run("baseline-7params", func(b *testing.B) { benchBareUpsert(b, db.db, villages, elements, pe, true) })
		})
	}
}

// benchBareUpsert writes the grid's cells as one multi-row upsert and the
// version-counter bump in one transaction, nothing else: no reads, no
// checks, no rules, no audit. perRow binds period, disaggregation and
// comment on every row, as upsertValues does.
func benchBareUpsert(b *testing.B, db *DB, villages, elements []string, pe string, perRow bool) {
	ctx := context.Background()
	type key struct{ el, unit int64 }
	var ids []key
	for _, u := range villages {
		var uid int64
		if err := db.Reader().QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, u).Scan(&uid); err != nil {
			b.Fatalf("unit %s: %v", u, err)
		}
		for _, e := range elements {
			var eid int64
			if err := db.Reader().QueryRowContext(ctx, `SELECT id FROM data_elements WHERE code = $1`, e).Scan(&eid); err != nil {
				b.Fatalf("element %s: %v", e, err)
			}
			ids = append(ids, key{eid, uid})
		}
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO data_values (element_id, unit_id, period, coc, value, num, comment, stored_by, created_at, updated_at, version, deleted) VALUES `)
	for j := range ids {
		if j > 0 {
			q.WriteString(", ")
		}
		if perRow {
			k := 4 + 7*j // $1…$4: by, now, version, deleted
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $1, $2, $2, $3, $4)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
		} else {
			k := 5 + 4*j // and $5: period
			fmt.Fprintf(&q, "($%d, $%d, $5, '', $%d, $%d, '', $1, $2, $2, $3, $4)", k+1, k+2, k+3, k+4)
		}
	}
	q.WriteString(` ON CONFLICT (element_id, unit_id, period, coc) DO UPDATE SET value = excluded.value, num = excluded.num,
		stored_by = excluded.stored_by, updated_at = excluded.updated_at, version = excluded.version, deleted = excluded.deleted`)
	stmt := q.String()
	now := time.Now().UTC()
	i := 0
	for b.Loop() {
		v, n := boolText(i), float64((i+1)%2)
		i++
		tx, err := db.BeginWrite(ctx)
		if err != nil {
			b.Fatal(err)
		}
		version, err := nextVersion(ctx, tx)
		if err != nil {
			b.Fatal(err)
		}
		args := []any{"bench", now, version, false}
		if !perRow {
			args = append(args, pe)
		}
		for _, k := range ids {
			if perRow {
				args = append(args, k.el, k.unit, pe, "", v, n, "")
			} else {
				args = append(args, k.el, k.unit, v, n)
			}
		}
		if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
			b.Fatalf("upsert: %v", err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ids)), "cells/op")
}

// boolText is the value of every cell at iteration i: true, false, true, …
// (BAN_NVH_CHUAN ≤ BAN_NVH holds either way, and every cell changes).
func boolText(i int) string {
	if i%2 == 0 {
		return "true"
	}
	return "false"
}

// biggestCommune returns the villages of the demo's commune that has the
// most, valid in 2025Q1 (the old communes end on 2025-06-30).
func biggestCommune(b *testing.B, bundle *kehoach.Bundle) []string {
	b.Helper()
	var best []string
	for _, u := range bundle.Units {
		if u.Kind != kehoach.KindCommune {
			continue
		}
		if vs := villagesOf(bundle, u.Code); len(vs) > len(best) {
			best = vs
		}
	}
	if len(best) == 0 {
		b.Fatal("no commune with villages in the demo")
	}
	return best
}

// shownGrid is the grid as the entry page would show it now: the stored
// figure of each cell, "" where there is none.
func shownGrid(b *testing.B, db *DB, villages, elements []string, pe string) map[string]map[string]string {
	b.Helper()
	out := map[string]map[string]string{}
	for _, u := range villages {
		out[u] = map[string]string{}
		for _, e := range elements {
			out[u][e] = ""
		}
	}
	vs, err := db.FindDataValues(context.Background(), kehoach.DataValueFilter{Units: villages, Periods: []string{pe}, Elements: elements})
	if err != nil {
		b.Fatalf("FindDataValues: %v", err)
	}
	for _, v := range vs {
		out[v.Unit][v.Element] = v.Value
	}
	return out
}
