package analytics

import (
	"context"
	"testing"

	"kehoach"
)

// memSnapshots adds an in-memory SnapshotStore to the fake source.
type memSnapshots struct {
	*fakeSource
	data, meta int64
	parts      map[string][]byte
}

func (m *memSnapshots) SaveSnapshot(ctx context.Context, data, meta int64, parts func(yield func(string, []byte) error) error) error {
	m.parts = map[string][]byte{}
	m.data, m.meta = data, meta
	return parts(func(name string, b []byte) error { m.parts[name] = append([]byte(nil), b...); return nil })
}

func (m *memSnapshots) LoadSnapshot(ctx context.Context, fn func(string, []byte) error) (int64, int64, error) {
	if m.parts == nil {
		return 0, 0, kehoach.Errorf(kehoach.ENOTFOUND, "none")
	}
	for name, b := range m.parts {
		if err := fn(name, b); err != nil {
			return 0, 0, err
		}
	}
	return m.data, m.meta, nil
}

// TestSnapshot: an engine started from a snapshot plus the figures saved
// after it answers exactly as one that read every figure, and reads only
// those later figures.
func TestSnapshot(t *testing.T) {
	ctx := context.Background()
	f := tree()
	f.indicator("S", "#{STOCK} + #{FLOW} + count(#{EVENT})", "1", 1)
	f.set("STOCK", "V1", "2023Q4", 100)
	f.set("STOCK", "V2", "2024Q1", 50)
	f.set("FLOW", "V3", "2024Q2", 7)
	f.set("EVENT", "V1", "2024Q3", 1)
	m := &memSnapshots{fakeSource: f}
	first := New(m)
	if err := first.SaveSnapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if len(m.parts) != 6 {
		t.Fatalf("snapshot has %d parts, want 3 series and their 3 period types", len(m.parts))
	}
	// Figures saved after the snapshot, including a removal.
	f.set("STOCK", "V3", "2024Q1", 30)
	f.del("FLOW", "V3", "2024Q2")
	f.set("FLOW", "V1", "2024Q4", 2)

	restarted := New(m)
	plain := New(f) // no snapshot: reads every row
	for _, p := range []string{"2023", "2024", "2024Q1", "2024Q2", "2024Q4"} {
		a, err := restarted.IndicatorValue(ctx, "S", "D", p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := plain.IndicatorValue(ctx, "S", "D", p)
		if a != b {
			t.Errorf("%s: from snapshot %+v, from rows %+v", p, a, b)
		}
	}
	if snap, rows := restarted.LoadStats(); !snap || rows != 3 {
		t.Errorf("restarted: fromSnapshot %v, rows read %d; want true, 3", snap, rows)
	}
	// Other metadata over the same units and elements (a new indicator):
	// the snapshot still serves (issue 16 point 8), and answers as rows do.
	f.indicator("S2", "#{STOCK}", "1", 1)
	f.meta++
	again := New(m)
	a, err := again.IndicatorValue(ctx, "S", "D", "2024")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := New(f).IndicatorValue(ctx, "S", "D", "2024"); a != b {
		t.Errorf("under new metadata: from snapshot %+v, from rows %+v", a, b)
	}
	if snap, _ := again.LoadStats(); !snap {
		t.Errorf("a snapshot still good under new metadata was not used")
	}
	// An element now reported monthly: the snapshot is stale.
	for _, el := range f.elements {
		if el.Code == "STOCK" {
			el.PeriodType = "monthly"
		}
	}
	f.meta++
	third := New(m)
	if _, err := third.IndicatorValue(ctx, "S", "D", "2024"); err != nil {
		t.Fatal(err)
	}
	if snap, _ := third.LoadStats(); snap {
		t.Errorf("stale snapshot was used after a period type changed")
	}
}
