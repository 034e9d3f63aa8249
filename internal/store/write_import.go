package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"kehoach"
	"kehoach/internal/dhis2"
	"kehoach/period"
)

// Imports through the one write path (write.go), for files of any size.
// A file is read in chunks of importChunk figures; each chunk goes through
// the same steps as a save (resolve and parse, check each cell and the
// entry scope, the submission lock, the diff) inside one transaction for
// the whole file, so the file is saved whole or not at all. What differs
// is only what a million figures need:
//
//   - new figures go in with the bulk loader's multi-row INSERT, and the
//     changes of each chunk are audited as one compact event per unit
//     (kehoach.AuditValueImport), listing every figure's old → new; a figure's
//     history (FindValueHistory) expands it;
//   - by default the rules are checked once at the end, on every unit and
//     period the file touched, as they will be committed (the chunks are
//     written in the transaction, so what is read is the file's result
//     whatever the order of its rows). With SkipInvalid they are checked
//     chunk by chunk, so that a unit's figures that break one are left out
//     before anything of them is written: exact when a unit's figures of a
//     period are contiguous in the file, as DHIS2 and kehoach write them.

// importChunk is how many figures a chunk holds (a variable: tests make
// chunks small to cross their edges).
var importChunk = 10000

// importBeforeWrite runs before each chunk's statements (tests slow the
// writer down with it to show that checks wait for what they read).
var importBeforeWrite = func() {}

// importRun is one import in progress.
type importRun struct {
	db      *DB
	o       kehoach.ImportOptions
	wo      writeOpts
	tx      *sql.Tx
	conn    *sql.Conn // tx's connection
	version int64
	res     *kehoach.ImportResult
	// failed: a figure was refused without SkipInvalid; the rest of the
	// file is still checked, to list every conflict, but not written.
	failed bool
	// touched are the units and periods written, with the chunk that
	// last wrote them and whether the rules must be checked again at the
	// end (they broke, or a later chunk wrote there too).
	touched  map[unitPeriod]*touch
	chunks   int
	elements map[string]*kehoach.DataElement
	// uids maps uids to codes when a scheme is uid.
	elementUIDs, unitUIDs map[string]string
	insert                *sql.Stmt // the bulk INSERT of bulkRowsPerStmt rows (SQLite)
	// The writer goroutine runs each chunk's statements (writeJob) while
	// this one checks the next chunk; werr is its first error, read only
	// after flush.
	jobs       chan *writeJob
	lastJob    *writeJob
	writerDone chan struct{}
	werr       error
	// anyLocked: some grid is submitted or approved, so chunks check locks.
	anyLocked bool
	// emptyAtStart: data_values held no row when the import began.
	emptyAtStart bool
}

// ImportValues imports figures; see kehoach.ImportService.
func (db *DB) ImportValues(ctx context.Context, o kehoach.ImportOptions, cells func(yield func(kehoach.ImportCell) error) error) (*kehoach.ImportResult, error) {
	switch o.Strategy {
	case "":
		o.Strategy = kehoach.StrategyCreateAndUpdate
	case kehoach.StrategyCreate, kehoach.StrategyUpdate, kehoach.StrategyCreateAndUpdate, kehoach.StrategyDelete:
	default:
		msg := fmt.Sprintf("importStrategy %q không hợp lệ: CREATE, UPDATE, CREATE_AND_UPDATE hoặc DELETE", o.Strategy)
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{"importStrategy": msg}}
	}
	for name, s := range map[string]string{"dataElementIdScheme": o.ElementScheme, "orgUnitIdScheme": o.UnitScheme} {
		if s = strings.ToLower(s); s != "" && s != dhis2.SchemeCode && s != dhis2.SchemeUID {
			msg := fmt.Sprintf("%s %q không hợp lệ: code hoặc uid", name, s)
			return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{name: msg}}
		}
	}
	if a := kehoach.ActorFromContext(ctx); a.Username == "" {
		a.Username = o.By
		ctx = kehoach.NewContextWithActor(ctx, a)
	}
	r := &importRun{db: db, o: o, res: &kehoach.ImportResult{Conflicts: []kehoach.ImportConflict{}},
		wo:      writeOpts{by: o.By, now: db.Now(), skip: o.SkipInvalid, anyPeriod: o.AnyPeriod},
		touched: map[unitPeriod]*touch{}, elements: map[string]*kehoach.DataElement{}}
	if err := r.loadUIDs(ctx); err != nil {
		return nil, err
	}
	// A connection of its own, so that on PostgreSQL new figures go in by
	// COPY on the transaction's connection (insertFresh).
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, db.classify(fmt.Errorf("store: import: %w", err))
	}
	defer conn.Close()
	if db.dialect == sqlite && bulkNoForeignKeys {
		// Every id the import writes was read from the database after the
		// version lock below, which no other writer passes until the
		// commit: the checks cannot fail (as in the bulk loader).
		restore, err := foreignKeysOff(ctx, conn)
		if err != nil {
			return nil, db.classify(fmt.Errorf("store: import: %w", err))
		}
		defer restore()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, db.classify(fmt.Errorf("store: begin: %w", err))
	}
	defer tx.Rollback()
	r.tx, r.conn = tx, conn
	if r.version, err = nextVersion(ctx, tx); err != nil {
		return nil, db.classify(err)
	}
	// Under the counter's lock no grid is submitted meanwhile (see
	// checkLockedCells): when none is locked now, no chunk needs the check.
	var one int
	switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM submissions WHERE status IN ($1, $2) LIMIT 1`,
		kehoach.SubmissionSubmitted, kehoach.SubmissionApproved).Scan(&one); {
	case err == nil:
		r.anyLocked = true
	case err != sql.ErrNoRows:
		return nil, db.classify(fmt.Errorf("store: import: %w", err))
	}
	// Into a table without figures (a new instance rebuilt from files),
	// what a chunk finds stored is only what this import wrote before.
	switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM data_values LIMIT 1`).Scan(&one); {
	case err == sql.ErrNoRows:
		r.emptyAtStart = true
	case err != nil:
		return nil, db.classify(fmt.Errorf("store: import: %w", err))
	}
	defer func() {
		if r.insert != nil {
			r.insert.Close()
		}
	}()
	err = r.pipeline(ctx, cells)
	if err == nil && !r.failed && !o.SkipInvalid {
		err = r.finalRules(ctx)
	}
	if err != nil {
		return nil, db.classify(err)
	}
	res := r.res
	changed := res.Imported+res.Updated+res.Deleted > 0
	if r.failed || o.DryRun || !changed {
		// The deferred rollback keeps nothing, and gives the version back:
		// a file sent again changes nothing, not even the counter.
		return res, nil
	}
	if err := tx.Commit(); err != nil {
		return nil, db.classify(fmt.Errorf("store: commit import: %w", err))
	}
	res.Saved = true
	db.stored()
	return res, nil
}

// loadUIDs maps the uids of elements and units to codes when the import
// names them by uid.
func (r *importRun) loadUIDs(ctx context.Context) error {
	byUID := strings.EqualFold(r.o.ElementScheme, dhis2.SchemeUID) || strings.EqualFold(r.o.UnitScheme, dhis2.SchemeUID)
	if !byUID {
		return nil
	}
	book, err := lookupCodes(ctx, r.db.read, nil)
	if err != nil {
		return err
	}
	if strings.EqualFold(r.o.ElementScheme, dhis2.SchemeUID) {
		r.elementUIDs = map[string]string{}
		for code := range book.elements {
			r.elementUIDs[dhis2.UID("element", code)] = code
		}
	}
	if strings.EqualFold(r.o.UnitScheme, dhis2.SchemeUID) {
		r.unitUIDs = map[string]string{}
		for code := range book.units {
			r.unitUIDs[dhis2.UID("unit", code)] = code
		}
	}
	return nil
}

// pipeline reads the file and resolves its chunks (steps 1 and 2, which
// read only metadata) in one goroutine while this one checks and writes
// the previous chunk in the transaction: on two cores the file's parsing
// costs little more than its writing.
func (r *importRun) pipeline(ctx context.Context, cells func(yield func(kehoach.ImportCell) error) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *resolved, 1)
	errc := make(chan error, 1)
	go func() {
		defer close(chunks)
		send := func(buf []kehoach.ImportCell) error {
			c, err := r.resolve(ctx, buf)
			if err != nil {
				return err
			}
			select {
			case chunks <- c:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		buf := make([]kehoach.ImportCell, 0, importChunk)
		err := cells(func(c kehoach.ImportCell) error {
			// A chunk ends where a unit's figures end (up to twice its
			// size): in a file that keeps them together, as DHIS2 and
			// kehoach write them, each unit's rules are checked whole in
			// its chunk and nothing is left to check again at the end.
			if n := len(buf); n >= importChunk && (c.Unit != buf[n-1].Unit || n >= 2*importChunk) {
				err := send(buf)
				buf = make([]kehoach.ImportCell, 0, importChunk)
				if err != nil {
					return err
				}
			}
			buf = append(buf, c)
			return nil
		})
		if err == nil && len(buf) > 0 {
			err = send(buf)
		}
		errc <- err
	}()
	r.startWriter(ctx, cancel)
	var werr error
	for c := range chunks {
		if werr == nil {
			if werr = r.apply(ctx, c); werr != nil {
				cancel() // stop the reader; drain what it sent
			}
		}
	}
	// The writer's error first: a failed write cancels the others.
	if err := r.stopWriter(); err != nil {
		return err
	}
	if rerr := <-errc; werr == nil {
		return rerr
	}
	return werr
}

// writeJob is a chunk's statements, made ready by apply.
type writeJob struct {
	run  func() error
	done chan struct{}
}

// startWriter starts the goroutine that runs the chunks' statements in the
// transaction, one chunk behind the checks: on two cores the database
// writes while the next chunk is checked and diffed. A failure cancels the
// import.
func (r *importRun) startWriter(ctx context.Context, cancel func()) {
	r.jobs, r.writerDone = make(chan *writeJob, 1), make(chan struct{})
	go func() {
		defer close(r.writerDone)
		for j := range r.jobs {
			if r.werr == nil && ctx.Err() == nil {
				importBeforeWrite()
				if r.werr = j.run(); r.werr != nil {
					cancel()
				}
			}
			close(j.done)
		}
	}()
}

// submit queues a chunk's statements.
func (r *importRun) submit(run func() error) {
	r.lastJob = &writeJob{run: run, done: make(chan struct{})}
	r.jobs <- r.lastJob
}

// flush waits until every statement queued has run, before the
// transaction is read (what is stored, locks, the rules at the end), and
// returns the writer's error.
func (r *importRun) flush() error {
	if r.lastJob != nil {
		<-r.lastJob.done
	}
	return r.werr
}

// stopWriter flushes and ends the writer goroutine.
func (r *importRun) stopWriter() error {
	if r.jobs == nil {
		return nil
	}
	close(r.jobs)
	<-r.writerDone
	r.jobs = nil
	return r.werr
}

// resolved is a chunk after steps 1 and 2.
type resolved struct {
	in    []kehoach.ImportCell
	vc    []kehoach.ValueCell
	book  *codeBook
	cells []cell
	bad   map[string]string
}

// resolve runs steps 1 and 2 of the write path on a chunk: codes (by uid
// when asked), values parsed, each cell checked, duplicates, entry scope.
func (r *importRun) resolve(ctx context.Context, in []kehoach.ImportCell) (*resolved, error) {
	vc := make([]kehoach.ValueCell, len(in))
	for i, c := range in {
		v := c.ValueCell
		if r.elementUIDs != nil {
			if code, ok := r.elementUIDs[v.Element]; ok {
				v.Element = code
			}
		}
		if r.unitUIDs != nil {
			if code, ok := r.unitUIDs[v.Unit]; ok {
				v.Unit = code
			}
		}
		if r.o.Strategy == kehoach.StrategyDelete {
			v.Value = ""
		}
		v.Confirmed = v.Confirmed || r.o.ConfirmUnusual
		vc[i] = v
	}
	book, err := lookupCodes(ctx, r.db.read, vc)
	if err != nil {
		return nil, err
	}
	cells, bad := resolveCells(book, r.wo, vc)
	seen := make(map[string]bool, len(cells))
	for _, c := range cells {
		if seen[c.key] {
			bad[c.key] = "số liệu này có hai lần trong tệp"
		}
		seen[c.key] = true
	}
	if err := checkEntryScope(ctx, r.db.read, cells, bad, true); err != nil {
		return nil, err
	}
	return &resolved{in: in, vc: vc, book: book, cells: cells, bad: bad}, nil
}

// apply runs steps 3 and 4 on a resolved chunk, in the transaction.
func (r *importRun) apply(ctx context.Context, rc *resolved) error {
	in, vc, book, cells, bad := rc.in, rc.vc, rc.book, rc.cells, rc.bad
	var sr kehoach.SaveResult
	if len(bad) > 0 && !r.o.SkipInvalid {
		r.conflicts(book, vc, in, bad)
		r.failed = true
	}
	if r.failed {
		r.res.Read += int64(len(in))
		r.progress()
		return nil // checked, not written
	}
	stored, err := r.readStored(ctx, cells)
	if err != nil {
		return err
	}
	rules, err := r.db.rulesFor(ctx, nil, cells)
	if err != nil {
		return err
	}
	// Plausibility against what was stored when the import began (read
	// beside the writer, which runs ahead) and the chunk's own figures.
	var before queryer = r.db.read
	if r.emptyAtStart {
		before = nil
	}
	if err := checkUnusual(ctx, before, r.db.read, cells, stored, bad); err != nil {
		return err
	}
	if len(bad) > 0 && !r.o.SkipInvalid {
		r.conflicts(book, vc, in, bad)
		r.failed = true
		r.res.Read += int64(len(in))
		r.progress()
		return nil
	}
	if r.o.SkipInvalid {
		checkRules(rules, cells, stored.envs, bad, &sr)
		r.conflicts(book, vc, in, bad)
		cells = dropBad(cells, bad, &kehoach.SaveResult{})
	} else {
		r.checkChunkRules(rules, cells, stored)
	}
	r.warnings(sr.Warnings)
	if r.anyLocked {
		if err := r.flush(); err != nil {
			return err
		}
		if err := checkLockedCells(ctx, r.tx, cells); err != nil {
			return err
		}
	}
	cells = r.strategy(cells, stored)
	d := diffCells(cells, stored.cells, &sr)
	r.res.Imported += int64(sr.Imported)
	r.res.Updated += int64(sr.Updated)
	r.res.Deleted += int64(sr.Deleted)
	r.res.Ignored += int64(sr.Ignored)
	r.chunks++
	for _, c := range cells {
		up := unitPeriod{c.unit.ID, c.pe}
		switch t := r.touched[up]; {
		case t == nil:
			r.touched[up] = &touch{unit: c.unit, chunk: r.chunks}
		case t.chunk != r.chunks:
			t.chunk, t.recheck = r.chunks, true
		}
		r.elements[c.el.Code] = c.el
	}
	r.write(ctx, d, stored)
	r.res.Read += int64(len(in))
	r.progress()
	return nil
}

// readStored is the write path's readStored, but spared when nothing can
// be stored for the chunk: the table was empty when the import began and
// no earlier chunk wrote to the chunk's units and periods.
func (r *importRun) readStored(ctx context.Context, cells []cell) (*storedCells, error) {
	if r.emptyAtStart && !slices.ContainsFunc(cells, func(c cell) bool { return r.touched[unitPeriod{c.unit.ID, c.pe}] != nil }) {
		return &storedCells{cells: map[cellKey]cellState{}, envs: map[unitPeriod]unitEnv{}}, nil
	}
	if err := r.flush(); err != nil {
		return nil, err
	}
	return readStored(ctx, r.tx, cells)
}

func (r *importRun) progress() {
	if r.o.Progress != nil {
		r.o.Progress(r.res.Read)
	}
}

// strategy applies CREATE (leave stored figures alone) and UPDATE (leave
// new ones out), counting what it leaves as ignored.
func (r *importRun) strategy(cells []cell, stored *storedCells) []cell {
	if r.o.Strategy != kehoach.StrategyCreate && r.o.Strategy != kehoach.StrategyUpdate {
		return cells
	}
	out := cells[:0]
	for _, c := range cells {
		cur, ok := stored.cells[keyOf(c)]
		exists := ok && !cur.deleted
		if exists == (r.o.Strategy == kehoach.StrategyCreate) {
			r.res.Ignored++
			continue
		}
		out = append(out, c)
	}
	return out
}

// write queues a chunk's diff for the writer goroutine: new rows by the
// bulk INSERT, others by the write path's upsert, removals, and the
// compact audit events. What needs no database (statements' arguments,
// the events' lists) is made here, beside the writer.
func (r *importRun) write(ctx context.Context, d cellDiff, stored *storedCells) {
	now := r.wo.now.UTC()
	var fresh, existing []cell
	for _, c := range d.upserts {
		if _, ok := stored.cells[keyOf(c)]; ok {
			existing = append(existing, c)
		} else {
			fresh = append(fresh, c)
		}
	}
	insert := r.freshRows(fresh, now)
	events := compactEvents(d.events)
	r.submit(func() error {
		if err := insert(ctx); err != nil {
			return err
		}
		if err := upsertValues(ctx, r.tx, existing, r.wo.by, now, r.version); err != nil {
			return err
		}
		if err := removeValues(ctx, r.tx, d.removals, r.wo.by, now, r.version); err != nil {
			return err
		}
		return auditBatch(ctx, r.tx, now, events)
	})
}

// freshRows makes ready the insert of figures that have no row yet, as the
// bulk loader writes them: its multi-row INSERT on SQLite (bulkInsertSQL),
// COPY on PostgreSQL, in the import's transaction. The returned func runs
// it.
func (r *importRun) freshRows(cs []cell, now time.Time) func(context.Context) error {
	if len(cs) == 0 {
		return func(context.Context) error { return nil }
	}
	if r.db.dialect == postgres {
		rows := make([][]any, len(cs))
		for i, c := range cs {
			rows[i] = []any{c.el.ID, c.unit.ID, c.pe.String(), c.coc, c.canon, numArg(c.num), c.comment, r.wo.by, now, now, r.version, false}
		}
		return func(ctx context.Context) error { return r.copyFresh(ctx, rows) }
	}
	const shared = 5
	var stmts [][]any
	for chunk := range slices.Chunk(cs, bulkRowsPerStmt) {
		args := make([]any, shared, shared+7*len(chunk))
		args[0], args[1], args[2], args[3], args[4] = r.wo.by, now, now, r.version, false
		for _, c := range chunk {
			args = append(args, c.el.ID, c.unit.ID, c.pe.String(), c.coc, c.canon, numArg(c.num), c.comment)
		}
		stmts = append(stmts, args)
	}
	return func(ctx context.Context) error {
		for _, args := range stmts {
			var err error
			if n := (len(args) - shared) / 7; n == bulkRowsPerStmt {
				if r.insert == nil {
					if r.insert, err = r.tx.PrepareContext(ctx, bulkInsertSQL(n)); err != nil {
						return fmt.Errorf("store: import: %w", err)
					}
				}
				_, err = r.insert.ExecContext(ctx, args...)
			} else {
				_, err = r.tx.ExecContext(ctx, bulkInsertSQL(n), args...)
			}
			if err != nil {
				return fmt.Errorf("store: import: %w", err)
			}
		}
		return nil
	}
}

// copyFresh is the insert of new figures on PostgreSQL: COPY on the
// connection whose transaction is open, so the rows are the transaction's.
func (r *importRun) copyFresh(ctx context.Context, rows [][]any) error {
	err := r.conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"data_values"},
			copyColumns,
			pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: import: copy: %w", err)
	}
	return nil
}

// copyColumns are the columns of data_values a COPY fills, in the order
// of its rows (the bulk loader's, an import's, the baseline's).
var copyColumns = []string{"element_id", "unit_id", "period", "coc", "value", "num", "comment", "stored_by", "created_at", "updated_at", "version", "deleted"}

// compactEvents folds a chunk's events, which come unit by unit, into one
// event per unit listing [key, old, new] of each figure.
func compactEvents(events []auditEvent) []auditEvent {
	var out []auditEvent
	var list [][3]string
	unit := ""
	flush := func() {
		if len(list) == 0 {
			return
		}
		b, _ := json.Marshal(list)
		out = append(out, auditEvent{kehoach.AuditImport, kehoach.AuditValueImport, unit, "", string(b)})
		list = list[:0]
	}
	for _, e := range events {
		u := unitOfKey(e.key)
		if u != unit {
			flush()
			unit = u
		}
		list = append(list, [3]string{e.key, e.old, e.new})
	}
	flush()
	return out
}

// unitOfKey is the unit of a figure's key "ELEMENT/UNIT/PERIOD[/COC]".
func unitOfKey(key string) string {
	_, rest, _ := strings.Cut(key, "/")
	u, _, _ := strings.Cut(rest, "/")
	return u
}

// conflicts lists the refused cells of a chunk, each with where it stands
// in the file and DHIS2's error code where one exists.
func (r *importRun) conflicts(book *codeBook, vc []kehoach.ValueCell, in []kehoach.ImportCell, bad map[string]string) {
	if len(bad) == 0 {
		return
	}
	listed := map[string]bool{}
	for i, v := range vc {
		key := cellKeyText(r.wo, v)
		reason, ok := bad[key]
		if !ok || listed[key] && !strings.Contains(reason, "hai lần") {
			continue
		}
		listed[key] = true
		r.res.ConflictCount++
		if len(r.res.Conflicts) >= kehoach.MaxImportConflicts {
			continue
		}
		at := in[i].At
		msg := reason
		if at != "" {
			msg = at + ": " + reason
		}
		r.res.Conflicts = append(r.res.Conflicts, kehoach.ImportConflict{Object: key, Value: msg, ErrorCode: conflictCode(book, v, reason), At: at})
	}
	// Rule breaks may name cells the file does not carry.
	for key, reason := range bad {
		if !listed[key] {
			r.res.ConflictCount++
			if len(r.res.Conflicts) < kehoach.MaxImportConflicts {
				r.res.Conflicts = append(r.res.Conflicts, kehoach.ImportConflict{Object: key, Value: reason})
			}
		}
	}
}

// warnings keeps the rules broken that do not block saving.
func (r *importRun) warnings(w map[string]string) {
	for k, msg := range w {
		if len(r.res.Warnings) < kehoach.MaxImportConflicts {
			r.res.Warnings = append(r.res.Warnings, kehoach.ImportConflict{Object: k, Value: msg})
		}
	}
}

// conflictCode is DHIS2's error code for why a cell was refused.
func conflictCode(book *codeBook, v kehoach.ValueCell, reason string) string {
	// In the resolver's order: unit, period, element, value.
	el := book.elements[v.Element]
	_, perr := period.Parse(v.Period)
	switch {
	case book.units[v.Unit] == nil:
		return "E7612" // organisation unit not found
	case perr != nil:
		return "E7611" // period not valid
	case el == nil:
		return "E7610" // data element not found
	case strings.Contains(reason, "hai lần"):
		return ""
	}
	if v.Value != "" {
		if _, _, err := el.ParseValue(v.Value); err != nil {
			return "E7619" // value does not match the element's type
		}
	}
	switch {
	case strings.Contains(reason, "phạm vi"):
		return "E7617" // unit outside the user's hierarchy
	case strings.Contains(reason, "không báo cáo"):
		return "E7633" // element not assigned to the unit
	case strings.Contains(reason, "không khớp"):
		return "E7632" // period type not the element's
	case strings.Contains(reason, "không mở"):
		return "E7641" // period not open
	}
	return ""
}

// touch is a unit and period an import wrote.
type touch struct {
	unit    *kehoach.Unit
	chunk   int
	recheck bool
}

// checkChunkRules checks the rules on the units and periods of a chunk as
// they will be once it is written. One that breaks is not refused yet: a
// later chunk may complete it, so it is checked again at the end, with
// those a later chunk writes to (finalRules). One that holds and that no
// later chunk writes to holds in the file's result.
func (r *importRun) checkChunkRules(rules []formRule, cells []cell, stored *storedCells) {
	broken := map[string]string{}
	var sr kehoach.SaveResult
	checkRules(rules, cells, stored.envs, broken, &sr)
	if len(broken) == 0 {
		return
	}
	byKey := map[string]unitPeriod{}
	for _, c := range cells {
		byKey[c.unit.Code+"/"+c.pe.String()] = unitPeriod{c.unit.ID, c.pe}
		if r.touched[unitPeriod{c.unit.ID, c.pe}] == nil {
			r.touched[unitPeriod{c.unit.ID, c.pe}] = &touch{unit: c.unit, chunk: r.chunks + 1}
		}
	}
	for key := range broken {
		// ruleKey: "UNIT.ELEMENT/PERIOD".
		unit, _, _ := strings.Cut(key, ".")
		pe := key[strings.LastIndexByte(key, '/')+1:]
		if up, ok := byKey[unit+"/"+pe]; ok {
			r.touched[up].recheck = true
		}
	}
}

// finalRules checks the rules again, as they stand in the transaction
// (the file's result), on the units and periods whose rules broke in a
// chunk or that several chunks wrote.
func (r *importRun) finalRules(ctx context.Context) error {
	if len(r.touched) == 0 {
		return nil
	}
	var probe []cell
	for _, el := range r.elements {
		probe = append(probe, cell{el: el})
	}
	rules, err := r.db.rulesFor(ctx, nil, probe)
	if err != nil || len(rules) == 0 {
		return err
	}
	var batch []cell
	bad := map[string]string{}
	var sr kehoach.SaveResult
	check := func() error {
		stored, err := readStored(ctx, r.tx, batch)
		if err != nil {
			return err
		}
		checkRules(rules, batch, stored.envs, bad, &sr)
		batch = batch[:0]
		return nil
	}
	for up, t := range r.touched {
		if !t.recheck {
			continue
		}
		// A cell that changes nothing: the rules see what is stored.
		batch = append(batch, cell{unit: t.unit, pe: up.pe, same: true, key: t.unit.Code + "./" + up.pe.String()})
		if len(batch) == 500 {
			if err := check(); err != nil {
				return err
			}
		}
	}
	if len(batch) > 0 {
		if err := check(); err != nil {
			return err
		}
	}
	r.warnings(sr.Warnings)
	if len(bad) > 0 {
		r.failed = true
		r.conflicts(nil, nil, nil, bad)
	}
	return nil
}
