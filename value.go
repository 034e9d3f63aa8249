package kehoach

import (
	"math"
	"strconv"
	"strings"
)

// ParseValue checks raw against the element's value type and returns the
// canonical text and, for numeric and yes/no types, the number. The error
// message is Vietnamese and says why, for showing beside the field.
func (e *DataElement) ParseValue(raw string) (canon string, num float64, err error) {
	s := strings.TrimSpace(raw)
	switch e.ValueType {
	case TypeInteger:
		s = strings.ReplaceAll(s, " ", "")
		n, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil {
			if f, ferr := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64); ferr == nil {
				if f < 0 {
					return "", 0, Errorf(EINVALID, "không được là số âm (%s)", raw)
				}
				return "", 0, Errorf(EINVALID, "phải là số nguyên, không có phần thập phân (%s)", raw)
			}
			return "", 0, Errorf(EINVALID, "không phải là số (%q)", raw)
		}
		if n < 0 {
			return "", 0, Errorf(EINVALID, "không được là số âm (%s)", raw)
		}
		return strconv.FormatInt(n, 10), float64(n), nil
	case TypeNumber:
		// Vietnamese writes the decimal separator as a comma.
		f, perr := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "."), 64)
		if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", 0, Errorf(EINVALID, "không phải là số (%q)", raw)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), f, nil
	case TypeBool:
		switch strings.ToLower(s) {
		case "true", "1", "có", "co", "yes":
			return "true", 1, nil
		case "false", "0", "không", "khong", "no":
			return "false", 0, nil
		}
		return "", 0, Errorf(EINVALID, "phải là Có hoặc Không (%q)", raw)
	case TypeText:
		if len(s) > 50000 {
			return "", 0, Errorf(EINVALID, "quá dài (tối đa 50.000 ký tự)")
		}
		return s, math.NaN(), nil
	}
	return "", 0, Errorf(EINVALID, "kiểu dữ liệu %q không được hỗ trợ", e.ValueType)
}
