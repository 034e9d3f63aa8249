package dhis2

import (
	"io"
	"runtime"
)

var eof = io.EOF

// runtimeMem is the live heap after a collection.
type runtimeMem struct{ heap uint64 }

func (m *runtimeMem) read() {
	runtime.GC()
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.heap = s.HeapAlloc
}

// heapNow is the heap in use now, garbage included: what the process holds.
func heapNow() uint64 {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	return s.HeapInuse
}
