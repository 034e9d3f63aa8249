// Command kehoach runs and monitors local government plans. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"kehoach/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, app.OSEnv())
	stop()
	os.Exit(code)
}
