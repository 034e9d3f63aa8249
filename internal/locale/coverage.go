package locale

// Coverage says how many of the units expected to report a value did, and
// how many of those reports are approved ("3/13 đơn vị đã báo cáo, 1 đã
// duyệt"), for beside every figure (issue 9).
func (l *Locale) Coverage(reported, approved, expected int) string {
	if expected == 0 {
		return "không có đơn vị nào phải báo cáo"
	}
	s := l.Int(int64(reported)) + "/" + l.Int(int64(expected)) + " đơn vị đã báo cáo"
	switch {
	case reported == 0:
	case approved == reported:
		s += ", đã duyệt hết"
	default:
		s += ", " + l.Int(int64(approved)) + " đã duyệt"
	}
	return s
}
