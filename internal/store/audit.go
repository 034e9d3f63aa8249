package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"kehoach"
)

// audit appends an event to the append-only audit log in the caller's
// transaction, naming the Actor of ctx ("system" when there is none) and
// its address.
func audit(ctx context.Context, tx *sql.Tx, at time.Time, action, entity, key, old, new string) error {
	a := kehoach.ActorFromContext(ctx)
	actor := a.Username
	if actor == "" {
		actor = "system"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_events (at, actor, address, action, entity, entity_key, old_value, new_value)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, at, actor, a.Address, action, entity, key, old, new)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}
