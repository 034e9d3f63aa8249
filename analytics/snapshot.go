package analytics

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A snapshot part is one series, named "s/<element id>/<disaggregation>",
// encoded little-endian: magic, base, width, maxOrd, hasMax, rows, the rows'
// unit ids, then rows×width float64 (NaN where nothing is reported). Ids,
// not indexes: indexes change when units are added.
var snapshotMagic = [4]byte{'K', 'H', 'S', '1'}

// SaveSnapshot writes the engine's figures to its source, if the source
// keeps snapshots. Neither readers nor saves wait for it; figures saved
// meanwhile are caught up on by version at the next load.
func (e *Engine) SaveSnapshot(ctx context.Context) error {
	ss, ok := e.src.(SnapshotStore)
	if !ok {
		return nil
	}
	// A published state is not written: encode it while saves and
	// queries go on. Each part's bytes are garbage once written.
	defer collectOften()()
	st, err := e.read(ctx)
	if err != nil {
		return err
	}
	data, meta := st.dataVersion, st.metaVersion
	type part struct {
		name string
		s    *series
	}
	var parts []part
	types := map[string]string{}
	for _, x := range st.elements {
		for disagg, s := range x.series {
			id := strconv.FormatInt(x.el.ID, 10)
			parts = append(parts, part{"s/" + id + "/" + disagg, s})
			types["t/"+id] = x.ptype.String()
		}
	}
	return ss.SaveSnapshot(ctx, data, meta, func(yield func(string, []byte) error) error {
		// Each element's period type, so that a snapshot outlives new
		// metadata that keeps it (loadSnapshot).
		for name, t := range types {
			if err := yield(name, []byte(t)); err != nil {
				return err
			}
		}
		for _, p := range parts {
			b := st.encodeSeries(p.s)
			if err := yield(p.name, b); err != nil {
				return err
			}
		}
		return nil
	})
}

func (e *state) encodeSeries(s *series) []byte {
	var buf bytes.Buffer
	buf.Grow(48 + len(s.units)*8)
	buf.Write(snapshotMagic[:])
	has := int64(0)
	if s.hasMax {
		has = 1
	}
	for _, v := range []int64{int64(s.base), int64(s.width), int64(s.maxOrd), has, int64(len(s.units))} {
		binary.Write(&buf, binary.LittleEndian, v)
	}
	for _, u := range s.units {
		binary.Write(&buf, binary.LittleEndian, e.units[u].unit.ID)
	}
	b := buf.Bytes()
	out := make([]byte, len(b), len(b)+len(s.units)*s.width*8)
	copy(out, b)
	s.rows(func(_ int, vals vals) {
		for c := range s.width {
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(vals.at(c)))
		}
	})
	return out
}

// errStaleSnapshot means the snapshot was taken under other metadata.
var errStaleSnapshot = errors.New("analytics: snapshot taken under other units or elements")

// loadSnapshot fills fresh from the snapshot and returns its data version.
func (fresh *state) loadSnapshot(ctx context.Context, ss SnapshotStore, meta int64) (int64, error) {
	types := map[int64]string{}
	data, snapMeta, err := ss.LoadSnapshot(ctx, func(name string, b []byte) error {
		if idStr, ok := strings.CutPrefix(name, "t/"); ok {
			id, err := strconv.ParseInt(idStr, 10, 64)
			if err != nil {
				return fmt.Errorf("analytics: snapshot part %q", name)
			}
			types[id] = string(b)
			return nil
		}
		rest, ok := strings.CutPrefix(name, "s/")
		if !ok {
			return nil
		}
		idStr, disagg, _ := strings.Cut(rest, "/")
		id, err := strconv.ParseInt(idStr, 10, 64)
		if err != nil {
			return fmt.Errorf("analytics: snapshot part %q", name)
		}
		x := fresh.elementByID[id]
		if x == nil {
			return errStaleSnapshot
		}
		s, err := fresh.decodeSeries(b)
		if err != nil {
			return fmt.Errorf("analytics: snapshot part %q: %w", name, err)
		}
		x.series[disagg] = s
		return nil
	})
	if err != nil {
		return 0, err
	}
	if snapMeta != meta {
		// Taken under other metadata: still good when every unit and
		// element it holds is there (checked as it was read) and each
		// element keeps the period type its figures were read under (a
		// snapshot without types, from before, is not).
		for id, x := range fresh.elementByID {
			if len(x.series) > 0 && types[id] != x.ptype.String() {
				return 0, errStaleSnapshot
			}
		}
	}
	return data, nil
}

func (fresh *state) decodeSeries(b []byte) (*series, error) {
	if len(b) < 44 || !bytes.Equal(b[:4], snapshotMagic[:]) {
		return nil, errors.New("not a snapshot")
	}
	r := b[4:]
	next := func() int64 {
		v := int64(binary.LittleEndian.Uint64(r))
		r = r[8:]
		return v
	}
	s := fresh.newSeries()
	var width int
	s.base, width, s.maxOrd = int(next()), int(next()), int(next())
	s.hasMax = next() == 1
	rows := int(next())
	if rows < 0 || width < 0 || len(r) != rows*8+rows*width*8 {
		return nil, errors.New("truncated")
	}
	s.units = make([]int32, rows)
	for i := range rows {
		u, ok := fresh.unitByID[next()]
		if !ok {
			return nil, errStaleSnapshot
		}
		s.units[i] = u
		s.rowOf[u] = int32(i)
	}
	s.fill(width, func(i int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(r[i*8:])) })
	return s, nil
}
