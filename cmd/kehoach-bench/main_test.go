package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"kehoach/internal/app"
	"kehoach/internal/gen"
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

// kehoach-bench pages (issue 16): wrong flags say so; on a generated
// district it prints the plan page, the target page and the API, each
// answered, in the same table.
func TestPages(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "d.db")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"pages", "--users", "0"}, 2, "--users và --duration phải lớn hơn 0"},
		{[]string{"pages", "--url", "http://127.0.0.1:1"}, 2, "--url cần --username"},
		{[]string{"pages", "--phases", "fresh,later"}, 2, `không có lượt "later"`},
	} {
		var out, errb bytes.Buffer
		if code := run(ctx, tc.args, func(string) string { return "" }, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%q: code %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.want)
		}
	}
	db, err := app.MigrateDB(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := gen.Build(gen.ScaleDistrict, 1)
	if err == nil {
		_, err = db.BulkLoad(ctx, spec.Bundle, "gen", spec.Values, nil)
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"pages", "--db", url, "--users", "4", "--duration", "300ms", "--think", "100ms"}, func(string) string { return "" }, &out, &errb); code != 0 {
		t.Fatalf("code %d: %s", code, errb.String())
	}
	for _, want := range []string{"kehoach                plan", "kehoach                target", "kehoach                api", "kehoach reload         plan", "kehoach think 100ms", "errors 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "errors 1") || strings.Contains(out.String(), " 0 ms") {
		t.Errorf("output:\n%s", out.String())
	}
	// One phase only: the others are not run.
	out.Reset()
	if code := run(ctx, []string{"pages", "--db", url, "--users", "4", "--duration", "300ms", "--think", "100ms", "--phases", "saves"}, func(string) string { return "" }, &out, &errb); code != 0 {
		t.Fatalf("code %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "saves 1/s") || strings.Contains(out.String(), "reload") {
		t.Errorf("--phases saves:\n%s", out.String())
	}
}
