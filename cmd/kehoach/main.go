// Command kehoach runs and monitors local government plans. See README.md.
// The commands themselves are in internal/cli; the benchmark and the load
// test are separate programs (cmd/kehoach-bench, cmd/kehoach-loadtest) so
// that the binary an office runs does not carry them.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"kehoach/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.OSEnv())
	stop()
	os.Exit(code)
}
