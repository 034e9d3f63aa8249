package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsageErrors(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "k.db")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--nope"}, 2, "nope"},
		{[]string{"--db", db, "extra"}, 2, `không nhận đối số "extra"`},
		{[]string{"--db", db, "--runs", "0"}, 2, "--runs phải lớn hơn 0"},
		{[]string{"--db", "sqlite:"}, 1, "kehoach-bench: đường dẫn cơ sở dữ liệu trống"},
		{[]string{"--help"}, 0, "Cách dùng: kehoach-bench"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errb)
		if code != tc.code || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%q: code %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.want)
		}
	}
}
