package locale

import (
	"fmt"
	"time"
)

// DocumentDate writes the place and date line of an official document as
// Decree 30/2020 sets it: "Tam Đường, ngày 05 tháng 02 năm 2022", days
// below 10 and months 1–2 with a leading zero (other months without).
func (l *Locale) DocumentDate(place string, d time.Time) string {
	month := fmt.Sprintf("%d", d.Month())
	if d.Month() <= time.February {
		month = fmt.Sprintf("%02d", d.Month())
	}
	s := fmt.Sprintf("ngày %02d tháng %s năm %d", d.Day(), month, d.Year())
	if place == "" {
		return s
	}
	return place + ", " + s
}
