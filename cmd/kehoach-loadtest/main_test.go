package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--nope"}, 2, "nope"},
		{[]string{"extra"}, 2, `không nhận đối số "extra"`},
		{[]string{"--backend", "mysql"}, 2, `--backend "mysql" không có`},
		{[]string{"--help"}, 0, "Cách dùng: kehoach-loadtest"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errb)
		if code != tc.code || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%q: code %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.want)
		}
	}
}
