//go:build unix

package loadtest

import (
	"os"
	"strings"
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used (user + system): the
// servers' and the simulated browsers' together.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the machine's load average over 1, 5 and 15 minutes
// (Linux), to tell a busy machine from a slow program; "" when unknown.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
