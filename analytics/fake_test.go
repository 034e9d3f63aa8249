package analytics

import (
	"context"
	"sync"

	"kehoach"
)

// fakeSource is an in-memory ValueSource: units, elements, indicators and
// a log of figures with versions, as the store keeps them.
type fakeSource struct {
	mu         sync.Mutex
	units      []*kehoach.Unit
	elements   []*kehoach.DataElement
	indicators []*kehoach.Indicator
	values     []RawValue
	meta       int64
	scans      int
	// onVersions, when set, runs each time the engine asks for versions
	// (a test cancels its context there, in the middle of a question).
	onVersions func()
}

func (f *fakeSource) FindUnits(ctx context.Context, _ kehoach.UnitFilter) ([]*kehoach.Unit, error) {
	return f.units, nil
}
func (f *fakeSource) FindDataElements(ctx context.Context) ([]*kehoach.DataElement, error) {
	return f.elements, nil
}
func (f *fakeSource) FindIndicators(ctx context.Context) ([]*kehoach.Indicator, error) {
	return f.indicators, nil
}
func (f *fakeSource) Versions(ctx context.Context) (int64, int64, error) {
	if f.onVersions != nil {
		f.onVersions()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return int64(len(f.values)), f.meta, nil
}
func (f *fakeSource) ScanValues(ctx context.Context, since int64, fn func(RawValue)) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scans++
	if since == 0 {
		// Like the store: one row per key, its latest state; removed ones
		// are not live.
		type key struct {
			e, u int64
			p, d string
		}
		latest := map[key]int{}
		for i, v := range f.values {
			latest[key{v.ElementID, v.UnitID, v.Period, v.Disagg}] = i
		}
		for i, v := range f.values {
			if latest[key{v.ElementID, v.UnitID, v.Period, v.Disagg}] == i && !v.Deleted {
				fn(v)
			}
		}
		return int64(len(f.values)), nil
	}
	for i := int(since); i < len(f.values); i++ {
		fn(f.values[i])
	}
	return int64(len(f.values)), nil
}

// unit adds a unit and returns its id.
func (f *fakeSource) unit(code, kind, parent, from, to string) int64 {
	id := int64(len(f.units) + 1)
	f.units = append(f.units, &kehoach.Unit{ID: id, Code: code, Name: code, Kind: kind, ParentCode: parent,
		ValidFrom: kehoach.Date(from), ValidTo: kehoach.Date(to)})
	return id
}

func (f *fakeSource) element(code, agg, ptype string, kinds ...string) {
	f.elements = append(f.elements, &kehoach.DataElement{ID: int64(len(f.elements) + 1), Code: code, Aggregation: agg, PeriodType: ptype, UnitKinds: kinds, ValueType: kehoach.TypeNumber})
}

func (f *fakeSource) indicator(code, num, den string, factor float64) {
	f.indicators = append(f.indicators, &kehoach.Indicator{Code: code, Numerator: num, Denominator: den, Factor: factor})
}

func (f *fakeSource) unitID(code string) int64 {
	for _, u := range f.units {
		if u.Code == code {
			return u.ID
		}
	}
	panic("no unit " + code)
}

func (f *fakeSource) elementID(code string) int64 {
	for _, e := range f.elements {
		if e.Code == code {
			return e.ID
		}
	}
	panic("no element " + code)
}

// set records a figure; deleted removes it.
func (f *fakeSource) set(element, unit, period string, v float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values = append(f.values, RawValue{ElementID: f.elementID(element), UnitID: f.unitID(unit), Period: period, Num: v, HasNum: true})
}

func (f *fakeSource) del(element, unit, period string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values = append(f.values, RawValue{ElementID: f.elementID(element), UnitID: f.unitID(unit), Period: period, Deleted: true})
}
