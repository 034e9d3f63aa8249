package analytics

import (
	"context"
	"math"

	"kehoach"
	"kehoach/period"
)

// Approved figures (issue 9). A figure is approved when the grid holding
// it is: the submission of its form and period for its unit or a unit
// above it (a commune's grid holds its villages' figures) has the status
// approved. Leaders may read approved figures only; every value also
// counts how many of its reports are approved (Coverage.Approved).

// ApprovedGrid is one approved submission: a form, the grid's unit and a
// period.
type ApprovedGrid struct {
	Form   string
	UnitID int64
	Period string
}

// ApprovalSource is what a ValueSource also offers when it keeps
// submissions (the store does). ApprovalVersion changes whenever a
// submission changes, so that approving or returning a grid is in the very
// next answer.
type ApprovalSource interface {
	ApprovalVersion(ctx context.Context) (int64, error)
	FindApprovedGrids(ctx context.Context) ([]ApprovedGrid, error)
}

// approvalVersion asks the source for the version of the approved grids;
// -1 when it keeps none.
func (e *Engine) approvalVersion(ctx context.Context) (int64, error) {
	as, ok := e.src.(ApprovalSource)
	if !ok {
		return -1, nil
	}
	return as.ApprovalVersion(ctx)
}

// refreshApprovals reloads the approved grids when they changed, or when
// the units and forms were reloaded (the marks hold their indexes), into
// the next state. Callers hold e.refresh.
func (e *Engine) refreshApprovals(ctx context.Context) error {
	as, ok := e.src.(ApprovalSource)
	if !ok {
		return nil
	}
	v, err := as.ApprovalVersion(ctx)
	if err != nil {
		return err
	}
	cur := e.cur.Load()
	if cur.approvalsRead && v == cur.approvalVersion {
		return nil
	}
	grids, err := as.FindApprovedGrids(ctx)
	if err != nil {
		return err
	}
	n := cur.next()
	for _, rp := range n.reportByForm {
		rp.approved = nil
	}
	for _, g := range grids {
		rp := n.reportByForm[g.Form]
		u, ok := n.unitByID[g.UnitID]
		if rp == nil || !ok {
			continue
		}
		p, err := period.Parse(g.Period)
		if err != nil || p.Type != rp.ptype {
			continue
		}
		o := ordinal(p)
		// Mark the grid's unit and every unit under it, so that a figure's
		// approval is one look-up on the hot path.
		if rp.approved == nil {
			rp.approved = n.newSeries()
		}
		n.subtree(u, func(d int32) { rp.approved.set(d, o, 1) })
	}
	n.approvalsRead, n.approvalVersion = true, v
	e.cur.Store(n)
	return nil
}

// subtree calls fn with u and every unit under it.
func (e *state) subtree(u int32, fn func(int32)) {
	if int(u) < len(e.bounded) && !e.bounded[u] {
		for _, d := range e.pre[e.pos[u]:e.end[u]] {
			fn(d)
		}
		return
	}
	fn(u)
	for _, c := range e.units[u].children {
		e.subtree(c, fn)
	}
}

// approved reports whether the unit's figures of the report in the period
// are approved: its own grid or one above it is.
func (e *state) approved(rp *report, u int32, o int) bool {
	if rp == nil || rp.approved == nil {
		return false
	}
	return !math.IsNaN(rp.approved.at(u, o))
}

// figuresMode reads the figures ctx asks for: true for approved only.
func figuresMode(ctx context.Context) bool {
	return kehoach.FiguresFromContext(ctx) == kehoach.FiguresApproved
}
