package analytics

import (
	"context"
	"strings"

	"kehoach"
	"kehoach/expr"
	"kehoach/period"
)

var _ kehoach.IndicatorPreviewer = (*Engine)(nil)

// PreviewIndicator evaluates an indicator that need not be saved yet (the
// planner's form, as it is typed) for one unit and period, over the
// figures the engine holds: the same evaluation as IndicatorValue.
func (e *Engine) PreviewIndicator(ctx context.Context, ind *kehoach.Indicator, unitCode, pid string) (kehoach.Point, error) {
	p, err := period.Parse(pid)
	if err != nil {
		return kehoach.Point{}, kehoach.Errorf(kehoach.EINVALID, "%v", err)
	}
	num, err := expr.Parse(ind.Numerator)
	if err != nil {
		return kehoach.Point{}, kehoach.Errorf(kehoach.EINVALID, "%v", err)
	}
	den := strings.TrimSpace(ind.Denominator)
	if den == "" {
		den = "1"
	}
	dx, err := expr.Parse(den)
	if err != nil {
		return kehoach.Point{}, kehoach.Errorf(kehoach.EINVALID, "%v", err)
	}
	st, err := e.read(ctx)
	if err != nil {
		return kehoach.Point{}, err
	}
	u, ok := st.unitByCode[unitCode]
	if !ok {
		return kehoach.Point{}, kehoach.Errorf(kehoach.ENOTFOUND, "không có đơn vị mã %q", unitCode)
	}
	return st.point(&indicator{ind: ind, num: num, den: dx}, u, p, figuresMode(ctx)), nil
}
