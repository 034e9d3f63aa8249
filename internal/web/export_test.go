package web

import "time"

// SetAnalyticsTimeout changes the deadline of analytics questions and
// returns a function that puts it back. Tests that use it are not parallel.
func SetAnalyticsTimeout(d time.Duration) (restore func()) {
	old := analyticsTimeout
	analyticsTimeout = d
	return func() { analyticsTimeout = old }
}
