package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestNoHarnessInProductionBinary: the binary an office runs must not
// carry the benchmark or the load test (they have their own commands).
func TestNoHarnessInProductionBinary(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := exec.LookPath(goTool); err != nil {
		t.Skipf("no go tool at %s", goTool)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "kehoach/internal/loadtest") || strings.HasPrefix(pkg, "kehoach/internal/bench") {
			t.Errorf("cmd/kehoach imports %s", pkg)
		}
	}
}
