package store

import (
	"context"
	"slices"
	"time"

	"kehoach"
)

// ExportBundle returns a plan as a bundle (issue 13): the plan with its
// sections, targets and tasks, every unit (parents first) and link, and
// the data elements, forms and indicators, in the demo's format. Loaded
// into an empty database (LoadBundle) it gives the same plan.
func (db *DB) ExportBundle(ctx context.Context, planID int64) (*kehoach.Bundle, error) {
	plan, err := db.FindPlanByID(ctx, planID)
	if err != nil {
		return nil, err
	}
	plan.ID = 0
	for _, t := range plan.Targets {
		t.ID = 0
	}
	for _, t := range plan.Tasks {
		t.ID = 0
	}
	b := &kehoach.Bundle{Format: kehoach.BundleFormat, Version: kehoach.BundleVersion, Plans: []*kehoach.Plan{plan}}
	if b.Units, err = db.FindUnits(ctx, kehoach.UnitFilter{}); err != nil {
		return nil, err
	}
	// Parents before children, as LoadBundle inserts them.
	slices.SortStableFunc(b.Units, func(a, c *kehoach.Unit) int { return a.Level - c.Level })
	for _, u := range b.Units {
		u.ID, u.Children = 0, nil
	}
	if b.Links, err = db.FindUnitLinks(ctx); err != nil {
		return nil, err
	}
	if b.Elements, err = db.FindDataElements(ctx); err != nil {
		return nil, err
	}
	if b.Forms, err = db.FindForms(ctx); err != nil {
		return nil, err
	}
	if b.Indicators, err = db.FindIndicators(ctx); err != nil {
		return nil, err
	}
	// The planner's bounds of figures (issue 9) go with the elements.
	if b.Bounds, err = db.queryBounds(ctx, `ORDER BY e.code, CASE WHEN b.unit_id IS NULL THEN 0 ELSE 1 END, b.kind, u.code`, nil); err != nil {
		return nil, err
	}
	for _, x := range b.Bounds {
		x.ID, x.UnitName, x.UpdatedBy, x.UpdatedAt = 0, "", "", time.Time{}
	}
	return b, nil
}

// CheckBundle runs every step of LoadBundle on b, then keeps nothing: a
// dry run that finds what a load would refuse (a code already taken, a
// unit or indicator that does not exist, a rule that does not parse).
func (db *DB) CheckBundle(ctx context.Context, b *kehoach.Bundle, by string) error {
	if err := kehoach.CheckBundleVersion(b); err != nil {
		return err
	}
	if err := validateBundle(b); err != nil {
		return err
	}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return db.classify(err)
	}
	defer tx.Rollback()
	if err := insertBundleMeta(kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: by}), tx, b, db.Now().UTC()); err != nil {
		return db.classify(err)
	}
	if len(b.Values) > 0 {
		return db.classify(loadCells(ctx, tx, b.Values, by, db.Now().UTC()))
	}
	return nil
}
