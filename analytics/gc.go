package analytics

import (
	"runtime/debug"
	"sync"
)

// loadGCPercent is the garbage collector's target while a load reads the
// figures or a snapshot is written (GOGC 25 rather than Go's 100). A load
// builds hundreds of MB of blocks while it drops as much garbage (rows as
// read, blocks as a series widens; a snapshot, each part's bytes); at 100
// the heap may grow to twice what is live before a collection, and a first
// start at the national scale with 40 quarters (108 million figures)
// peaked at twice its 590 MB. The blocks hold no
// pointers, so marking them costs little: collecting four times as often
// kept the same load's time (docs/performance.md, issue 16 point 8).
const loadGCPercent = 25

// loadGC counts the loads running, so that the first lowers the target
// and the last puts back the one it found.
var loadGC struct {
	sync.Mutex
	n, prev int
}

// collectOften lowers the collector's target for a load and returns the
// function that puts it back. An operator's lower GOGC, or GOGC=off, is
// left as it is.
func collectOften() (restore func()) {
	loadGC.Lock()
	defer loadGC.Unlock()
	if loadGC.n == 0 {
		loadGC.prev = debug.SetGCPercent(loadGCPercent)
		if loadGC.prev < loadGCPercent {
			debug.SetGCPercent(loadGC.prev)
		}
	}
	loadGC.n++
	return func() {
		loadGC.Lock()
		defer loadGC.Unlock()
		if loadGC.n--; loadGC.n == 0 {
			debug.SetGCPercent(loadGC.prev)
		}
	}
}
