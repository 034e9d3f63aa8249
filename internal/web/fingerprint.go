package web

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"reflect"
	"sync"
	"time"

	"kehoach"
)

// fingerprintSeed is the process's seed: fingerprints are compared only
// within the process (the fragment cache).
var fingerprintSeed = maphash.MakeSeed()

// fingerprintLimit bounds the values one fingerprint visits; past it the
// data is not fingerprinted (and its page not cached): hashing would cost
// what rendering costs.
const fingerprintLimit = 2_000_000

// fingerprint hashes v by content, deeply: two values with the same
// fingerprint render the same page (speed, issue 16: a page's rendered
// part is cached under the fingerprint of the data it was rendered from,
// so it is never stale whatever changed the data, a figure, a task, a
// unit's name). Every field counts, exported or not; a pointer seen
// twice counts by the order it was first seen in (cycles end there);
// functions and channels count only as nil or not. ok is false when v
// holds more than fingerprintLimit values.
func fingerprint(v any) (sum uint64, ok bool) {
	f := newFingerprinter()
	defer f.free()
	f.value(reflect.ValueOf(v))
	return maphash.Bytes(fingerprintSeed, f.buf), f.n <= fingerprintLimit
}

// fingerprinters are reused: a page is fingerprinted on every request,
// and allocating its buffer and map each time was most of the cost
// (measured with 50 readers: half the fingerprint's time was malloc).
var fingerprinters = sync.Pool{New: func() any {
	return &fingerprinter{seen: make(map[seenKey]int, 256), buf: make([]byte, 0, 16<<10)}
}}

func newFingerprinter() *fingerprinter { return fingerprinters.Get().(*fingerprinter) }

// free returns f to the pool, unless it grew past what a page needs.
func (f *fingerprinter) free() {
	if cap(f.buf) > 1<<20 || len(f.seen) > 1<<14 {
		return
	}
	f.buf, f.n = f.buf[:0], 0
	clear(f.seen)
	fingerprinters.Put(f)
}

// fingerprinter writes the content into buf, hashed at the end in one
// go (faster than feeding a hash a few bytes at a time).
type fingerprinter struct {
	buf  []byte
	seen map[seenKey]int
	n    int
}

func (f *fingerprinter) byte1(b byte) { f.buf = append(f.buf, b) }

// seenKey is a pointer and its type (a struct and its first field share
// an address).
type seenKey struct {
	p uintptr
	t reflect.Type
}

var (
	timeType           = reflect.TypeFor[time.Time]()
	targetProgressType = reflect.TypeFor[kehoach.TargetProgress]()
)

func (f *fingerprinter) u64(x uint64) { f.buf = binary.LittleEndian.AppendUint64(f.buf, x) }

func (f *fingerprinter) str(s string) {
	f.u64(uint64(len(s)))
	f.buf = append(f.buf, s...)
}

func (f *fingerprinter) value(v reflect.Value) {
	f.n++
	if f.n > fingerprintLimit {
		return
	}
	if !v.IsValid() {
		f.byte1(0)
		return
	}
	k := v.Kind()
	f.byte1(byte(k))
	switch k {
	case reflect.Bool:
		if v.Bool() {
			f.byte1(1)
		} else {
			f.byte1(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.u64(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		f.u64(v.Uint())
	case reflect.Float32, reflect.Float64:
		f.u64(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		f.u64(math.Float64bits(real(c)))
		f.u64(math.Float64bits(imag(c)))
	case reflect.String:
		f.str(v.String())
	case reflect.Slice, reflect.Array:
		if k == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			f.str(string(v.Bytes()))
			return
		}
		f.u64(uint64(v.Len()))
		for i := range v.Len() {
			f.value(v.Index(i))
		}
	case reflect.Map:
		// Map order is random: the entries' own hashes are added up.
		f.u64(uint64(v.Len()))
		var total uint64
		it := v.MapRange()
		e := newFingerprinter()
		for it.Next() {
			e.buf, e.n = e.buf[:0], 0
			clear(e.seen)
			e.value(it.Key())
			e.value(it.Value())
			f.n += e.n
			total += maphash.Bytes(fingerprintSeed, e.buf)
		}
		e.free()
		f.u64(total)
	case reflect.Pointer:
		if v.IsNil() {
			f.byte1(0)
			return
		}
		sk := seenKey{v.Pointer(), v.Type()}
		if i, ok := f.seen[sk]; ok {
			f.byte1(2)
			f.u64(uint64(i))
			return
		}
		f.seen[sk] = len(f.seen)
		f.byte1(1)
		f.value(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			f.byte1(0)
			return
		}
		f.str(v.Elem().Type().String())
		f.value(v.Elem())
	case reflect.Struct:
		if v.Type() == targetProgressType {
			// A cached progress names what it was computed from (the
			// analytics' versions and the question): that name stands for
			// its content, and a plan's page hashes 14 names, not 14
			// series. The target is set after the cache, so it counts.
			if ver := v.FieldByName("Version").String(); ver != "" {
				f.str(ver)
				f.value(v.FieldByName("Target"))
				return
			}
		}
		if v.Type() == timeType && v.CanInterface() {
			t := v.Interface().(time.Time)
			f.u64(uint64(t.UnixNano()))
			f.str(t.Location().String())
			return
		}
		f.str(v.Type().String())
		for i := range v.NumField() {
			f.value(v.Field(i))
		}
	default: // func, chan, unsafe pointer
		if v.IsNil() {
			f.byte1(0)
		} else {
			f.byte1(1)
		}
	}
}
