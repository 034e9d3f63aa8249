package xlsxform

import (
	"context"
	"slices"

	"kehoach"
	"kehoach/period"
)

// Build gathers a blank template of form for unit and period from the
// services: the units under unit (itself included) that exist in the
// period and report one of the form's elements, the form's elements in
// its order, and last period's figures.
func Build(ctx context.Context, s kehoach.Services, formCode, unitCode, pid string) (*Template, error) {
	form, err := s.Data.FindFormByCode(ctx, formCode)
	if err != nil {
		return nil, err
	}
	pe, err := form.PeriodOf(pid)
	if err != nil {
		return nil, err
	}
	unit, err := s.Units.FindUnitByCode(ctx, unitCode)
	if err != nil {
		return nil, err
	}
	all, err := s.Data.FindDataElements(ctx)
	if err != nil {
		return nil, err
	}
	t := &Template{Form: form, Period: pe, Unit: unit}
	for _, code := range form.Elements {
		if i := slices.IndexFunc(all, func(e *kehoach.DataElement) bool { return e.Code == code }); i >= 0 {
			t.Columns = append(t.Columns, all[i])
		}
	}
	units, err := s.Units.FindUnits(ctx, kehoach.UnitFilter{})
	if err != nil {
		return nil, err
	}
	under := map[string]bool{unit.Code: true}
	// FindUnits lists parents before children (the tree's order).
	for _, u := range units {
		if under[u.ParentCode] {
			under[u.Code] = true
		}
	}
	from, to := kehoach.DateOf(pe.Start()), kehoach.DateOf(pe.End())
	for _, u := range units {
		if !under[u.Code] || !u.ValidDuring(from, to) {
			continue
		}
		if slices.ContainsFunc(t.Columns, func(e *kehoach.DataElement) bool { return e.ReportedBy(u.Kind) }) {
			t.Rows = append(t.Rows, u)
		}
	}
	t.Previous, err = figures(ctx, s, unit.Code, pe.Prev(), form.Elements)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// figures reads one period's figures under unit, unit → element → value.
func figures(ctx context.Context, s kehoach.Services, unit string, pe period.Period, elements []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	err := s.Import.ScanDataValues(ctx, kehoach.DataValueFilter{Units: []string{unit}, Children: true, Periods: []string{pe.String()}, Elements: elements},
		func(v *kehoach.DataValue) error {
			if v.Disagg == "" {
				if out[v.Unit] == nil {
					out[v.Unit] = map[string]string{}
				}
				out[v.Unit][v.Element] = v.Value
			}
			return nil
		})
	return out, err
}
