package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/vntext"
	"kehoach/period"
)

var (
	_ kehoach.ReorgService     = (*DB)(nil)
	_ kehoach.UnitAdminService = (*DB)(nil)
)

// linkShare is the share a link is stored with: 0 (unset) is the whole.
func linkShare(l kehoach.UnitLink) float64 {
	if l.Share <= 0 {
		return 1
	}
	return l.Share
}

// requireUnitAdmin refuses an actor who cannot reach every unit: keeping
// the tree is the administrator's (or a command's).
func requireUnitAdmin(ctx context.Context) error {
	if !kehoach.ActorFromContext(ctx).Entry.All {
		return kehoach.Errorf(kehoach.EFORBIDDEN, "chỉ quản trị viên được sửa cây đơn vị")
	}
	return nil
}

// beginUnitAdmin refuses an actor who is not an administrator, then
// begins the write transaction of a change of the tree.
func (db *DB) beginUnitAdmin(ctx context.Context) (*sql.Tx, error) {
	if err := requireUnitAdmin(ctx); err != nil {
		return nil, err
	}
	return db.BeginWrite(ctx)
}

// PreviewReorg works out r without writing. See kehoach.ReorgService.
func (db *DB) PreviewReorg(ctx context.Context, r *kehoach.Reorg) (*kehoach.ReorgPlan, error) {
	if err := requireUnitAdmin(ctx); err != nil {
		return nil, err
	}
	return planReorg(ctx, db.read, r)
}

// ApplyReorg applies r in one transaction. See kehoach.ReorgService.
func (db *DB) ApplyReorg(ctx context.Context, r *kehoach.Reorg) (*kehoach.ReorgPlan, error) {
	tx, err := db.beginUnitAdmin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// Planned again inside the transaction: what the preview showed may
	// have changed since, and the checks must hold for what is written.
	pl, err := planReorg(ctx, tx, r)
	if err != nil {
		return nil, err
	}
	if err := writePlan(ctx, tx, db.Now(), pl, r.Confirm); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: reorg: %w", err)
	}
	return pl, nil
}

// ApplyReorgs applies several reorganisations, one after the other, in one
// transaction (a whole province on one day): the same checks as
// ApplyReorg for each, in the tree the ones before it leave. Each
// operation's proposals are listed in its plan and those offered by default
// (users' scopes, tasks' leads; see kehoach.ReorgProposal) are applied,
// after the operations before it, as an administrator who confirms the
// preview as offered would: a target keeps its original basis.
func (db *DB) ApplyReorgs(ctx context.Context, rs []*kehoach.Reorg) ([]*kehoach.ReorgPlan, error) {
	tx, err := db.beginUnitAdmin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	tree := func(last map[string]kehoach.Date) (*kehoach.ReorgTree, error) {
		units, err := findUnits(ctx, tx, kehoach.UnitFilter{})
		if err != nil {
			return nil, err
		}
		links, err := findUnitLinks(ctx, tx)
		return &kehoach.ReorgTree{Units: units, Links: links, LastStart: last}, err
	}
	for _, r := range rs {
		normReorg(r)
	}
	t, err := tree(map[string]kehoach.Date{})
	if err != nil {
		return nil, err
	}
	pls, err := kehoach.PlanReorgs(rs, t)
	if err != nil {
		return nil, err
	}
	// Only the units that end can have figures in the way: plan again
	// with theirs.
	var ended []string
	for _, pl := range pls {
		for _, u := range pl.Ended {
			ended = append(ended, u.Code)
		}
	}
	last, err := lastStarts(ctx, tx, ended)
	if err != nil {
		return nil, err
	}
	if t, err = tree(last); err != nil {
		return nil, err
	}
	if pls, err = kehoach.PlanReorgs(rs, t); err != nil {
		return nil, err
	}
	now := db.Now()
	for _, pl := range pls {
		// Listed now, not with the plan: an earlier operation of the batch
		// may have moved what refers to this one's units.
		if pl.Props, err = proposals(ctx, tx, pl); err != nil {
			return nil, err
		}
		if err := writePlan(ctx, tx, now, pl, pl.Offered()); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: reorg: %w", err)
	}
	return pls, nil
}

// writePlan writes one plan and the proposals confirmed, audited, and
// bumps the metadata version, in the caller's transaction.
func writePlan(ctx context.Context, tx *sql.Tx, now time.Time, pl *kehoach.ReorgPlan, confirm []string) error {
	r := pl.Reorg
	var events []auditEvent
	for _, u := range pl.Ended {
		if _, err := tx.ExecContext(ctx, `UPDATE units SET valid_to = $1 WHERE code = $2`, string(u.ValidTo), u.Code); err != nil {
			return fmt.Errorf("store: reorg: %w", err)
		}
		events = append(events, auditEvent{"update", "unit", u.Code, "", auditJSON(map[string]string{"validTo": string(u.ValidTo)})})
	}
	for _, u := range pl.Created {
		if err := insertUnit(ctx, tx, u); err != nil {
			return err
		}
		events = append(events, auditEvent{"create", "unit", u.Code, "", auditJSON(u)})
	}
	for _, u := range pl.Moved {
		if _, err := tx.ExecContext(ctx, `UPDATE units SET parent_id = (SELECT id FROM units WHERE code = $1), level = $2 WHERE code = $3`,
			u.ParentCode, u.Level, u.Code); err != nil {
			return fmt.Errorf("store: reorg: %w", err)
		}
		events = append(events, auditEvent{"update", "unit", u.Code, "", auditJSON(map[string]string{"parent": u.ParentCode})})
	}
	for _, l := range pl.Links {
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_links (from_id, to_id, kind, effective, share)
			VALUES ((SELECT id FROM units WHERE code = $1), (SELECT id FROM units WHERE code = $2), $3, $4, $5)`,
			l.From, l.To, l.Kind, string(l.Date), linkShare(l)); err != nil {
			return fmt.Errorf("store: reorg link: %w", err)
		}
	}
	for _, p := range pl.Props {
		if !slices.Contains(confirm, p.Key) {
			continue
		}
		if err := applyProposal(ctx, tx, p); err != nil {
			return err
		}
		events = append(events, auditEvent{"update", strings.TrimSuffix(strings.TrimSuffix(p.Kind, "_scope"), "_lead"), p.Key, p.From, strings.Join(p.To, ",")})
	}
	events = append(events, auditEvent{"reorganise", "unit", strings.Join(r.Units, ","), "", auditJSON(pl)})
	if err := auditBatch(ctx, tx, now, events); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'meta'`); err != nil {
		return fmt.Errorf("store: reorg: %w", err)
	}
	return nil
}

// planReorg reads the tree (and the figures of the units that would end)
// and plans r in it, then lists the proposals.
func planReorg(ctx context.Context, q queryer, r *kehoach.Reorg) (*kehoach.ReorgPlan, error) {
	units, err := findUnits(ctx, q, kehoach.UnitFilter{})
	if err != nil {
		return nil, err
	}
	links, err := findUnitLinks(ctx, q)
	if err != nil {
		return nil, err
	}
	t := &kehoach.ReorgTree{Units: units, Links: links, LastStart: map[string]kehoach.Date{}}
	normReorg(r)
	pl, err := kehoach.PlanReorg(r, t)
	if err != nil {
		return nil, err
	}
	// Only the units that end can have figures in the way: read theirs,
	// and plan again with them.
	ended := make([]string, len(pl.Ended))
	for i, u := range pl.Ended {
		ended[i] = u.Code
	}
	if t.LastStart, err = lastStarts(ctx, q, ended); err != nil {
		return nil, err
	}
	if pl, err = kehoach.PlanReorg(r, t); err != nil {
		return nil, err
	}
	if pl.Props, err = proposals(ctx, q, pl); err != nil {
		return nil, err
	}
	return pl, nil
}

func normReorg(r *kehoach.Reorg) {
	if r.New != nil {
		r.New.Name = vntext.NFC(strings.TrimSpace(r.New.Name))
		r.New.Code = strings.TrimSpace(r.New.Code)
	}
	for i := range r.Parts {
		r.Parts[i].Name = vntext.NFC(strings.TrimSpace(r.Parts[i].Name))
		r.Parts[i].Code = strings.TrimSpace(r.Parts[i].Code)
	}
}

// lastStarts returns, for each of codes with figures, the first day of the
// latest period it has figures for.
func lastStarts(ctx context.Context, q queryer, codes []string) (map[string]kehoach.Date, error) {
	out := map[string]kehoach.Date{}
	for len(codes) > 0 {
		n := min(len(codes), 500)
		var p params
		rows, err := q.QueryContext(ctx, `SELECT u.code, d.period FROM data_values d JOIN units u ON u.id = d.unit_id
			WHERE u.code IN (`+list(&p, codes[:n])+`) AND d.deleted = `+p.add(false)+` GROUP BY u.code, d.period`, p.args...)
		if err != nil {
			return nil, fmt.Errorf("store: figures of units: %w", err)
		}
		for rows.Next() {
			var code, pe string
			if err := rows.Scan(&code, &pe); err != nil {
				rows.Close()
				return nil, err
			}
			if pp, err := period.Parse(pe); err == nil {
				if d := kehoach.DateOf(pp.Start()); d > out[code] {
					out[code] = d
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		codes = codes[n:]
	}
	return out, nil
}

// territory returns the units that take over from an ended unit: its
// successors, or, for a unit dissolved without one, its children's.
func territory(pl *kehoach.ReorgPlan) func(code string) []string {
	succ := pl.Successors()
	kids := map[string][]string{}
	for _, u := range pl.Ended {
		kids[u.ParentCode] = append(kids[u.ParentCode], u.Code)
	}
	var terr func(code string, depth int) []string
	terr = func(code string, depth int) []string {
		if s := succ[code]; len(s) > 0 || depth > 20 {
			return s
		}
		var out []string
		for _, c := range kids[code] {
			for _, t := range terr(c, depth+1) {
				if !slices.Contains(out, t) {
					out = append(out, t)
				}
			}
		}
		return out
	}
	return func(code string) []string { return terr(code, 0) }
}

// proposals lists what refers to a unit that ends: users' scopes, targets'
// scopes and tasks' lead units, each with the successors proposed.
func proposals(ctx context.Context, q queryer, pl *kehoach.ReorgPlan) ([]*kehoach.ReorgProposal, error) {
	if len(pl.Ended) == 0 {
		return nil, nil
	}
	terr := territory(pl)
	var codes []string
	for _, u := range pl.Ended {
		codes = append(codes, u.Code)
	}
	var out []*kehoach.ReorgProposal
	scan := func(query string, mk func(a, b, c, unit string) *kehoach.ReorgProposal) error {
		for rest := codes; len(rest) > 0; {
			n := min(len(rest), 500)
			var p params
			rows, err := q.QueryContext(ctx, fmt.Sprintf(query, list(&p, rest[:n])), p.args...)
			if err != nil {
				return fmt.Errorf("store: reorg proposals: %w", err)
			}
			for rows.Next() {
				var a, b, c, unit string
				if err := rows.Scan(&a, &b, &c, &unit); err != nil {
					rows.Close()
					return err
				}
				if pr := mk(a, b, c, unit); pr != nil {
					out = append(out, pr)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	}
	err := scan(`SELECT us.username, s.kind, us.name, u.code FROM user_scopes s JOIN users us ON us.id = s.user_id
		JOIN units u ON u.id = s.unit_id WHERE u.code IN (%s) ORDER BY us.username, s.kind`,
		func(user, kind, name, unit string) *kehoach.ReorgProposal {
			label := "Phạm vi nhập liệu của " + user
			if kind == "view" {
				label = "Phạm vi xem của " + user
			}
			return &kehoach.ReorgProposal{Key: "user:" + user + ":" + kind + ":" + unit, Kind: kehoach.PropUserScope,
				Label: label, From: unit, To: terr(unit), Default: true}
		})
	if err != nil {
		return nil, err
	}
	// A target or a task has one unit: proposed only when one unit takes
	// over. A target keeps its basis by default (issue 10: its meaning is
	// the old units; the pages read it under the new tree beside).
	single := func(kind, key, label, unit string, def bool) *kehoach.ReorgProposal {
		to := terr(unit)
		if len(to) != 1 {
			return nil
		}
		return &kehoach.ReorgProposal{Key: key, Kind: kind, Label: label, From: unit, To: to, Default: def}
	}
	err = scan(`SELECT p.code, t.code, t.text, u.code FROM targets t JOIN plans p ON p.id = t.plan_id
		JOIN units u ON u.id = t.scope_id WHERE u.code IN (%s) ORDER BY p.code, t.position`,
		func(plan, code, text, unit string) *kehoach.ReorgProposal {
			return single(kehoach.PropTargetScope, "target:"+plan+":"+code, "Chỉ tiêu "+code+": "+truncate(text, 60), unit, false)
		})
	if err != nil {
		return nil, err
	}
	err = scan(`SELECT p.code, t.code, t.title, u.code FROM tasks t JOIN plans p ON p.id = t.plan_id
		JOIN units u ON u.id = t.lead_id WHERE u.code IN (%s) ORDER BY p.code, t.position`,
		func(plan, code, title, unit string) *kehoach.ReorgProposal {
			return single(kehoach.PropTaskLead, "task:"+plan+":"+code, "Nhiệm vụ "+code+": "+truncate(title, 60), unit, true)
		})
	return out, err
}

// applyProposal makes a confirmed proposal refer to the successors.
func applyProposal(ctx context.Context, tx *sql.Tx, p *kehoach.ReorgProposal) error {
	parts := strings.Split(p.Key, ":")
	var err error
	switch p.Kind {
	case kehoach.PropUserScope:
		user, kind := parts[1], parts[2]
		const uid = `(SELECT id FROM users WHERE username = $1)`
		if _, err = tx.ExecContext(ctx, `DELETE FROM user_scopes WHERE user_id = `+uid+` AND kind = $2 AND unit_id = (SELECT id FROM units WHERE code = $3)`,
			user, kind, p.From); err != nil {
			break
		}
		for _, to := range p.To {
			if _, err = tx.ExecContext(ctx, `INSERT INTO user_scopes (user_id, kind, unit_id) VALUES (`+uid+`, $2, (SELECT id FROM units WHERE code = $3))
				ON CONFLICT DO NOTHING`, user, kind, to); err != nil {
				break
			}
		}
	case kehoach.PropTargetScope:
		_, err = tx.ExecContext(ctx, `UPDATE targets SET scope_id = (SELECT id FROM units WHERE code = $1)
			WHERE code = $2 AND plan_id = (SELECT id FROM plans WHERE code = $3)`, p.To[0], parts[2], parts[1])
	case kehoach.PropTaskLead:
		_, err = tx.ExecContext(ctx, `UPDATE tasks SET lead_id = (SELECT id FROM units WHERE code = $1)
			WHERE code = $2 AND plan_id = (SELECT id FROM plans WHERE code = $3)`, p.To[0], parts[2], parts[1])
	}
	if err != nil {
		return fmt.Errorf("store: reorg %s: %w", p.Key, err)
	}
	return nil
}

// CreateUnit adds one unit. See kehoach.UnitAdminService.
func (db *DB) CreateUnit(ctx context.Context, u *kehoach.Unit) error {
	tx, err := db.beginUnitAdmin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := checkUnit(ctx, tx, "", u); err != nil {
		return err
	}
	if err := insertUnit(ctx, tx, u); err != nil {
		return err
	}
	return finishUnitChange(ctx, tx, db.Now(), auditEvent{"create", "unit", u.Code, "", auditJSON(u)})
}

// UpdateUnit changes one unit. See kehoach.UnitAdminService.
func (db *DB) UpdateUnit(ctx context.Context, code string, u *kehoach.Unit) (*kehoach.Unit, error) {
	tx, err := db.beginUnitAdmin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	old, err := findUnitByCode(ctx, tx, code)
	if err != nil {
		return nil, err
	}
	if err := checkUnit(ctx, tx, code, u); err != nil {
		return nil, err
	}
	var parent any
	if u.ParentCode != "" {
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, u.ParentCode).Scan(&id); err != nil {
			return nil, fmt.Errorf("store: unit parent: %w", err)
		}
		parent = id
	}
	_, err = tx.ExecContext(ctx, `UPDATE units SET code = $1, name = $2, kind = $3, subkind = $4, level = $5, parent_id = $6,
		valid_from = $7, valid_to = $8, search_key = $9, sort_key = $10 WHERE id = $11`,
		u.Code, u.Name, u.Kind, u.Subkind, u.Level, parent, string(u.ValidFrom), string(u.ValidTo),
		vntext.Fold(u.Name), vntext.SortKey(u.Name), old.ID)
	if isUniqueViolation(err) {
		return nil, &kehoach.Error{Code: kehoach.ECONFLICT, Message: fmt.Sprintf("Mã đơn vị %q đã có.", u.Code), Fields: map[string]string{"code": "mã đã có"}}
	} else if err != nil {
		return nil, fmt.Errorf("store: update unit %s: %w", code, err)
	}
	if u.Level != old.Level {
		// The levels below follow (LEVEL-n reads them).
		if _, err := tx.ExecContext(ctx, `WITH RECURSIVE sub(id, depth) AS (SELECT id, 0 FROM units WHERE id = $1
			UNION ALL SELECT c.id, sub.depth + 1 FROM units c JOIN sub ON c.parent_id = sub.id)
			UPDATE units SET level = $2 + (SELECT depth FROM sub WHERE sub.id = units.id) WHERE id IN (SELECT id FROM sub)`, old.ID, u.Level); err != nil {
			return nil, fmt.Errorf("store: unit levels: %w", err)
		}
	}
	u.ID = old.ID
	old.Children, old.Successors, old.Predecessors = nil, nil, nil
	if err := finishUnitChange(ctx, tx, db.Now(), auditEvent{"update", "unit", u.Code, auditJSON(old), auditJSON(u)}); err != nil {
		return nil, err
	}
	return u, nil
}

// finishUnitChange audits a change of the tree and bumps the metadata
// version (analytics engines reload the tree), then commits.
func finishUnitChange(ctx context.Context, tx *sql.Tx, now time.Time, ev auditEvent) error {
	if err := auditBatch(ctx, tx, now, []auditEvent{ev}); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'meta'`); err != nil {
		return fmt.Errorf("store: unit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: unit: %w", err)
	}
	return nil
}

var unitCodeOK = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// checkUnit normalises u and checks it against the tree: the unit that
// has code old (none when creating) becomes u. Sets u.Level from the
// parent. EINVALID with Fields: a code or name missing, an unknown kind or
// parent, a parent inside the unit itself, a validity that is backwards,
// exceeds the parent's, overlaps its successors' or predecessors', or
// leaves figures already entered outside it.
func checkUnit(ctx context.Context, q queryer, old string, u *kehoach.Unit) error {
	u.Code, u.Name = strings.TrimSpace(u.Code), vntext.NFC(strings.TrimSpace(u.Name))
	f := map[string]string{}
	if !unitCodeOK.MatchString(u.Code) {
		f["code"] = "mã cần 1–64 chữ cái không dấu, chữ số, _ . -"
	}
	if u.Name == "" {
		f["name"] = "cần tên đơn vị"
	}
	if !slices.Contains(kehoach.UnitKinds, u.Kind) {
		f["kind"] = fmt.Sprintf("loại đơn vị %q không có", u.Kind)
	}
	var err error
	if u.ValidFrom, err = kehoach.ParseDate(string(u.ValidFrom)); err != nil {
		f["validFrom"] = kehoach.ErrorMessage(err)
	}
	if u.ValidTo, err = kehoach.ParseDate(string(u.ValidTo)); err != nil {
		f["validTo"] = kehoach.ErrorMessage(err)
	}
	if u.ValidFrom != "" && u.ValidTo != "" && u.ValidTo < u.ValidFrom {
		f["validTo"] = "ngày hết hiệu lực trước ngày bắt đầu"
	}
	u.Level = 1
	if u.ParentCode != "" {
		p, err := findUnitByCode(ctx, q, u.ParentCode)
		switch {
		case kehoach.ErrorCode(err) == kehoach.ENOTFOUND:
			f["parent"] = fmt.Sprintf("không có đơn vị mã %q", u.ParentCode)
		case err != nil:
			return err
		default:
			u.Level = p.Level + 1
			if p.ValidFrom != "" && (u.ValidFrom == "" || u.ValidFrom < p.ValidFrom) {
				f["validFrom"] = fmt.Sprintf("hiệu lực chồng lấn: đơn vị cấp trên %s chỉ có từ %s", p.Code, p.ValidFrom)
			}
			if p.ValidTo != "" && (u.ValidTo == "" || u.ValidTo > p.ValidTo) {
				f["validTo"] = fmt.Sprintf("hiệu lực chồng lấn: đơn vị cấp trên %s hết hiệu lực ngày %s", p.Code, p.ValidTo)
			}
		}
		if old != "" {
			anc, err := ancestorsOf(ctx, q, u.ParentCode)
			if err == nil && slices.Contains(anc, old) {
				f["parent"] = "không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó"
			}
		}
	}
	if old != "" {
		links, err := findUnitLinks(ctx, q)
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.From == old && (u.ValidTo == "" || u.ValidTo >= l.Date) {
				f["validTo"] = fmt.Sprintf("hiệu lực chồng lấn: %s đã được kế thừa bởi %s từ %s, phải hết hiệu lực trước ngày đó", old, l.To, l.Date)
			}
			if l.To == old && (u.ValidFrom == "" || u.ValidFrom < l.Date) {
				f["validFrom"] = fmt.Sprintf("hiệu lực chồng lấn: %s kế thừa %s từ %s, không thể bắt đầu sớm hơn", old, l.From, l.Date)
			}
		}
		last, err := lastStarts(ctx, q, []string{old})
		if err != nil {
			return err
		}
		if d := last[old]; d != "" && u.ValidTo != "" && d > u.ValidTo {
			f["validTo"] = fmt.Sprintf("đơn vị đã có số liệu cho kỳ bắt đầu %s, sau ngày hết hiệu lực", d)
		}
	}
	if len(f) > 0 {
		return invalidUnit(f)
	}
	return nil
}

func invalidUnit(f map[string]string) error {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	msgs := make([]string, len(keys))
	for i, k := range keys {
		msgs[i] = f[k]
	}
	return &kehoach.Error{Code: kehoach.EINVALID, Message: "Đơn vị chưa lưu: " + strings.Join(msgs, "; ") + ".", Fields: f}
}
