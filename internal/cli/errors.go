package cli

import (
	"errors"
	"slices"
	"strings"

	"kehoach"
)

// errorText is how the terminal shows err after "kehoach <command>: ".
// A domain error shows its Vietnamese message (not "kehoach: conflict: …"),
// then the reason for each field under the flag that sets it; any other
// error is shown whole, for the operator needs its detail.
func errorText(err error) string {
	var e *kehoach.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	// Keep the context the command added around the domain error.
	msg := strings.Replace(err.Error(), e.Error(), e.Message, 1)
	if len(e.Fields) == 0 {
		return msg
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var lines []string
	for _, k := range keys {
		line := "\n  " + flagOf(k) + ": " + e.Fields[k]
		if e.Fields[k] != e.Message && !slices.Contains(lines, line) {
			lines = append(lines, line)
		}
	}
	return msg + strings.Join(lines, "")
}

// flagOf names the command-line flag of a field.
func flagOf(field string) string {
	switch field {
	case "entryScope", "viewScope":
		return "--unit"
	case "password":
		return "mật khẩu"
	}
	return "--" + field
}
