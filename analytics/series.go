package analytics

import (
	"math"
	"slices"
	"sync/atomic"
)

// The matrices of figures, and how a save changes them without stopping
// the readers (issue 16 point 8).
//
// A series is a dense matrix, rows (the units that reported) × periods,
// kept in blocks of blockRows rows (compact where the figures allow:
// block). A published state is never written:
// a writer works on the next state (state.next), whose series headers are
// its own copies sharing the blocks, and copies a block before writing in
// it. So a figure saved costs a copy of one block (64 rows × the periods:
// some 10 KB), not of the matrix (15 MB for 100,000 villages and 20
// quarters), and a reader holding the old state reads it unchanged. gen
// says who may write in place: a state writes the series and blocks whose
// gen is its own (those it made, or copied), copying the others first.

// blockRows is the number of rows a block holds.
const blockRows = 64

// gens numbers the states, so that each owns what it makes.
var gens atomic.Int64

func newGen() int64 { return gens.Add(1) }

// series is a dense matrix rows × width, NaN where nothing is reported.
type series struct {
	// gen owns the header; rowsGen owns rowOf and units (a copied header
	// shares them until a row is added).
	gen, rowsGen int64
	rowOf        []int32 // unit index → row, -1 if the unit never reported
	units        []int32 // row → unit index
	base         int     // period ordinal of column 0
	width        int
	blocks       []*block
	// maxOrd is the latest ordinal with a figure (hasMax false: none), so
	// that values carried forward are not taken for new reports.
	maxOrd int
	hasMax bool
}

// block holds rows r·blockRows … of a series, row by row, width each. Most
// figures are whole numbers, or have a decimal or two, and fit an int32 in
// units of 1/div: such a block keeps them so, in half the memory of
// float64 (issue 16 point 8: 54 million figures of the country's villages
// for 20 quarters are 430 MB as float64); a block with any other figure
// keeps float64 (f64 not nil).
type block struct {
	gen int64
	f64 []float64
	i32 []int32
	div float64 // 1, 10, 100 or 1000
}

// nanI32 is NaN (no figure) in an int32 block.
const nanI32 = math.MinInt32

// divs are the units an int32 block may count in, smallest first.
var divs = [...]float64{1, 10, 100, 1000}

// vals is one row of a block.
type vals struct {
	f64 []float64
	i32 []int32
	div float64
}

// at returns the figure in column c, NaN for none.
func (v vals) at(c int) float64 {
	if v.f64 != nil {
		return v.f64[c]
	}
	x := v.i32[c]
	switch {
	case x == nanI32:
		return math.NaN()
	case v.div == 1:
		return float64(x)
	}
	return float64(x) / v.div
}

// has reports whether column c holds a figure: what a report's count is
// asked most (report.latest, at every unit of every question), so without
// converting it.
func (v vals) has(c int) bool {
	if v.f64 != nil {
		return !math.IsNaN(v.f64[c])
	}
	return v.i32[c] != nanI32
}

// encode returns x in units of 1/div, and whether it is exactly that.
func encode(x, div float64) (int32, bool) {
	if math.IsNaN(x) {
		return nanI32, true
	}
	y := math.Round(x * div)
	if y <= nanI32 || y > math.MaxInt32 || y/div != x {
		return 0, false
	}
	return int32(y), true
}

// newBlock returns a block of n figures, NaN, counting in whole numbers.
func newBlock(gen int64, n, capacity int) *block {
	b := &block{gen: gen, i32: make([]int32, n, max(n, capacity)), div: 1}
	for i := range b.i32 {
		b.i32[i] = nanI32
	}
	return b
}

// get returns figure i of the block.
func (b *block) get(i int) float64 {
	return vals{b.f64, b.i32, b.div}.at(i)
}

// put stores figure i, counting the block in a finer unit, or in float64,
// when the figure needs it.
func (b *block) put(i int, x float64) {
	if b.f64 != nil {
		b.f64[i] = x
		return
	}
	if n, ok := encode(x, b.div); ok {
		b.i32[i] = n
		return
	}
	all := make([]float64, len(b.i32))
	for j := range all {
		all[j] = b.get(j)
	}
	all[i] = x
	b.store(all)
}

// store lays out figures in the smallest unit that holds them all exactly,
// or as float64.
func (b *block) store(all []float64) {
	b.f64, b.i32 = nil, nil
	for _, div := range divs {
		i32 := make([]int32, len(all))
		ok := true
		for j, x := range all {
			if i32[j], ok = encode(x, div); !ok {
				break
			}
		}
		if ok {
			b.i32, b.div = i32, div
			return
		}
	}
	b.f64 = all
}

// clone returns a copy of the block for gen.
func (b *block) clone(gen int64) *block {
	return &block{gen: gen, f64: slices.Clone(b.f64), i32: slices.Clone(b.i32), div: b.div}
}

// grow appends n NaN figures.
func (b *block) grow(n int) {
	if b.f64 != nil {
		b.f64 = append(b.f64, nanRow(n)...)
		return
	}
	for range n {
		b.i32 = append(b.i32, nanI32)
	}
}

// newSeries returns an empty series that e owns.
func (e *state) newSeries() *series {
	s := &series{gen: e.gen, rowsGen: e.gen, rowOf: make([]int32, len(e.units))}
	for i := range s.rowOf {
		s.rowOf[i] = -1
	}
	return s
}

// own returns a copy of the header for gen to write, sharing the rows and
// blocks until written.
func (s *series) own(gen int64) *series {
	if s.gen == gen {
		return s
	}
	cp := *s
	cp.gen = gen
	cp.blocks = slices.Clone(s.blocks)
	return &cp
}

// row returns the figures of row r, by column.
func (s *series) row(r int32) vals {
	i := int(r%blockRows) * s.width
	b := s.blocks[r/blockRows]
	if b.f64 != nil {
		return vals{f64: b.f64[i : i+s.width : i+s.width]}
	}
	return vals{i32: b.i32[i : i+s.width : i+s.width], div: b.div}
}

// at returns the figure at (unit, ordinal), NaN for none.
func (s *series) at(unit int32, o int) float64 {
	row := s.rowOf[unit]
	if row < 0 || o < s.base || o >= s.base+s.width {
		return math.NaN()
	}
	return s.row(row).at(o - s.base)
}

// rows calls fn with each row's index and figures.
func (s *series) rows(fn func(r int, v vals)) {
	for r := range s.units {
		fn(r, s.row(int32(r)))
	}
}

// writable returns block b, copied first unless s's gen owns it.
func (s *series) writable(b int) *block {
	bl := s.blocks[b]
	if bl.gen != s.gen {
		bl = bl.clone(s.gen)
		s.blocks[b] = bl
	}
	return bl
}

// set stores value at (unit, ordinal), growing the matrix as needed.
// Callers own s (own).
func (s *series) set(unit int32, o int, value float64) {
	row := s.rowOf[unit]
	if row < 0 {
		if math.IsNaN(value) {
			return
		}
		row = s.addRow(unit)
	}
	if s.width == 0 {
		s.reshape(o, 1)
	} else if o < s.base || o >= s.base+s.width {
		s.grow(o)
	}
	b := s.writable(int(row / blockRows))
	b.put(int(row%blockRows)*s.width+o-s.base, value)
	if !math.IsNaN(value) && (!s.hasMax || o > s.maxOrd) {
		s.maxOrd, s.hasMax = o, true
	} else if math.IsNaN(value) && s.hasMax && o == s.maxOrd {
		s.lowerMax()
	}
}

// addRow gives unit a row of NaN and returns it.
func (s *series) addRow(unit int32) int32 {
	if s.rowsGen != s.gen {
		s.rowOf, s.units, s.rowsGen = slices.Clone(s.rowOf), slices.Clone(s.units), s.gen
	}
	row := int32(len(s.units))
	s.rowOf[unit] = row
	s.units = append(s.units, unit)
	if row%blockRows == 0 {
		s.blocks = append(s.blocks, newBlock(s.gen, 0, blockRows*s.width))
	}
	s.writable(int(row / blockRows)).grow(s.width)
	return row
}

// lowerMax finds the latest ordinal with a figure after one at maxOrd was
// removed, as a fresh load (which reads live figures only) would.
func (s *series) lowerMax() {
	s.hasMax = false
	for c := s.maxOrd - s.base; c >= 0; c-- {
		for r := range s.units {
			if s.row(int32(r)).has(c) {
				s.maxOrd, s.hasMax = s.base+c, true
				return
			}
		}
	}
}

// grow widens the matrix to include ordinal o, with some room to spare so
// that a new period each quarter does not copy every time.
func (s *series) grow(o int) {
	base, end := s.base, s.base+s.width
	if o < base {
		base = o - 4
	}
	if o >= end {
		end = o + 5
	}
	s.reshape(base, end-base)
}

// reshape lays the matrix out again with columns base … base+width-1, in
// new blocks (a wider matrix is a new one: readers keep the old).
func (s *series) reshape(base, width int) {
	blocks := make([]*block, len(s.blocks))
	for b, old := range s.blocks {
		n := min(blockRows, len(s.units)-b*blockRows)
		nb := newBlock(s.gen, n*width, 0)
		if old.f64 != nil {
			nb.f64, nb.i32 = nanRow(n*width), nil
		} else {
			nb.div = old.div
		}
		for r := range n {
			for c := range s.width {
				i, j := r*width+s.base-base+c, r*s.width+c
				if old.f64 != nil {
					nb.f64[i] = old.f64[j]
				} else {
					nb.i32[i] = old.i32[j]
				}
			}
		}
		blocks[b] = nb
	}
	s.base, s.width, s.blocks = base, width, blocks
}

// fill lays out rows × width figures read row by row (a snapshot).
func (s *series) fill(width int, value func(i int) float64) {
	s.width = width
	s.blocks = nil
	for b := 0; b*blockRows < len(s.units); b++ {
		n := min(blockRows, len(s.units)-b*blockRows)
		all := make([]float64, n*width)
		for i := range all {
			all[i] = value(b*blockRows*width + i)
		}
		bl := &block{gen: s.gen}
		bl.store(all)
		s.blocks = append(s.blocks, bl)
	}
}

func nanRow(n int) []float64 {
	r := make([]float64, n)
	for i := range r {
		r[i] = math.NaN()
	}
	return r
}
