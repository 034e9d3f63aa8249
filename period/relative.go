package period

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// relative maps each DHIS2 relative period name to the periods it denotes
// for the current period of its type. LAST_n excludes the current period, as
// DHIS2 does.
var relative = map[string]func(now time.Time) []Period{
	"THIS_YEAR":          this(Yearly),
	"LAST_YEAR":          last(Yearly, 1),
	"LAST_5_YEARS":       last(Yearly, 5),
	"LAST_10_YEARS":      last(Yearly, 10),
	"THIS_SIX_MONTH":     this(SixMonthly),
	"LAST_SIX_MONTH":     last(SixMonthly, 1),
	"LAST_2_SIXMONTHS":   last(SixMonthly, 2),
	"THIS_QUARTER":       this(Quarterly),
	"LAST_QUARTER":       last(Quarterly, 1),
	"LAST_4_QUARTERS":    last(Quarterly, 4),
	"QUARTERS_THIS_YEAR": within(Quarterly, 0),
	"QUARTERS_LAST_YEAR": within(Quarterly, -1),
	"THIS_MONTH":         this(Monthly),
	"LAST_MONTH":         last(Monthly, 1),
	"LAST_3_MONTHS":      last(Monthly, 3),
	"LAST_6_MONTHS":      last(Monthly, 6),
	"LAST_12_MONTHS":     last(Monthly, 12),
	"MONTHS_THIS_YEAR":   within(Monthly, 0),
	"MONTHS_LAST_YEAR":   within(Monthly, -1),
}

// this is the current period of type t.
func this(t Type) func(time.Time) []Period {
	return func(now time.Time) []Period { return []Period{Of(t, now)} }
}

// last is the n periods of type t before the current one, oldest first.
func last(t Type, n int) func(time.Time) []Period {
	return func(now time.Time) []Period {
		cur := Of(t, now)
		return Range(cur.AddN(-n), cur.Prev())
	}
}

// within is every period of type t in the year offset years from now's,
// including ones not yet finished (DHIS2's MONTHS_THIS_YEAR does the same).
func within(t Type, offset int) func(time.Time) []Period {
	return func(now time.Time) []Period {
		return Of(Yearly, now).AddN(offset).Sub(t)
	}
}

// RelativeNames returns the supported relative period names, sorted, e.g.
// to offer them in a form.
func RelativeNames() []string {
	names := make([]string, 0, len(relative))
	for name := range relative {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// normName lets users type names with spaces around or in lower case.
func normName(name string) string { return strings.ToUpper(strings.TrimSpace(name)) }

// IsRelative reports whether name is a relative period name Relative
// understands.
func IsRelative(name string) bool {
	_, ok := relative[normName(name)]
	return ok
}

// Relative resolves a DHIS2 relative period name such as "LAST_12_MONTHS"
// against the day of now (taken in now's location) and returns the periods
// in chronological order. Names are matched ignoring case and surrounding
// spaces.
func Relative(name string, now time.Time) ([]Period, error) {
	f, ok := relative[normName(name)]
	if !ok {
		return nil, fmt.Errorf("kỳ tương đối %q không được hỗ trợ; chấp nhận: %s", name, strings.Join(RelativeNames(), ", "))
	}
	return f(now), nil
}
