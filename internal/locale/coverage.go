package locale

// Coverage says how many of the units expected to report a value did
// ("3/13 đơn vị đã báo cáo"), for beside every figure (issue 9).
func (l *Locale) Coverage(reported, expected int) string {
	if expected == 0 {
		return "không có đơn vị nào phải báo cáo"
	}
	return l.Int(int64(reported)) + "/" + l.Int(int64(expected)) + " đơn vị đã báo cáo"
}
