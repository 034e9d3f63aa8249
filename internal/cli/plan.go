package cli

// plan import (issue 15): `kehoach plan import FILE` for a plan's own text.
// The JSON bundle export/import of issue 13 joins this dispatch.

import (
	"context"
	"path/filepath"
	"strings"
)

func init() {
	commands["plan"] = planCommand
	synopses["plan import"] = "kehoach plan import [--dry-run] [--json] [--db URL] TỆP.docx|TỆP.txt"
}

const planUsage = `Cách dùng:
  kehoach plan import [--dry-run] [--json] [--db URL] TỆP.docx|TỆP.txt   # đọc chỉ tiêu, nhiệm vụ, phân công từ văn bản kế hoạch`

// planCommand dispatches the plan subcommands.
func planCommand(ctx context.Context, env Env, args []string) error {
	return subcommand(ctx, env, "plan", planUsage, map[string]command{"import": planImport}, args)
}

// planImport sends a plan's text (.docx, .txt) to the text reader.
func planImport(ctx context.Context, env Env, args []string) error {
	return runPlanTextImport(ctx, env, args)
}

// isPlanText reports whether a file is a plan's text rather than a bundle.
func isPlanText(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".docx", ".txt", ".doc", "":
		return true
	}
	return false
}
