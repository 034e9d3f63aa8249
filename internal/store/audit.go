package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"kehoach"
)

// audit appends an event to the append-only audit log in the caller's
// transaction, naming the Actor of ctx ("system" when there is none) and
// its address.
func audit(ctx context.Context, tx *sql.Tx, at time.Time, action, entity, key, old, new string) error {
	return auditBatch(ctx, tx, at, []auditEvent{{action, entity, key, old, new}})
}

// auditEvent is one event of a batch: what, on which entity, old → new.
type auditEvent struct {
	action, entity, key, old, new string
}

// auditBatch appends events, all by the Actor of ctx at one time, with one
// statement per hundred events.
func auditBatch(ctx context.Context, tx *sql.Tx, at time.Time, events []auditEvent) error {
	a := kehoach.ActorFromContext(ctx)
	actor := a.Username
	if actor == "" {
		actor = "system"
	}
	for len(events) > 0 {
		n := min(len(events), 100)
		var b strings.Builder
		b.WriteString(`INSERT INTO audit_events (at, actor, address, action, entity, entity_key, old_value, new_value) VALUES `)
		args := []any{at, actor, a.Address}
		for i, e := range events[:n] {
			args = append(args, e.action, e.entity, e.key, e.old, e.new)
			k := len(args)
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($1, $2, $3, $%d, $%d, $%d, $%d, $%d)", k-4, k-3, k-2, k-1, k)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: audit: %w", err)
		}
		events = events[n:]
	}
	return nil
}
