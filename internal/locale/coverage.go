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

// Pace explains a target's pace in a sentence: the change per period still
// needed and the trend kept ("cần tăng 2,1 điểm %/năm, xu hướng hiện tại
// 0,8 điểm %/năm"), per is the period's word ("năm").
func (l *Locale) Pace(need, trend float64, per string) string {
	verb := "tăng"
	if need < 0 {
		verb = "giảm"
	}
	s := "cần " + verb + " " + l.Number(abs(need), 1) + " điểm %/" + per + ", xu hướng hiện tại "
	switch {
	case trend > 0.05:
		s += "tăng " + l.Number(trend, 1)
	case trend < -0.05:
		s += "giảm " + l.Number(-trend, 1)
	default:
		return s + "đi ngang"
	}
	return s + " điểm %/" + per
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
