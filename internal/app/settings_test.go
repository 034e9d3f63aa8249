package app

import (
	"context"
	"path/filepath"
	"testing"
)

// Approval by a second person is the default; serve --allow-self-approval
// turns it off through Server.AllowSelfApproval, which must reach the store
// (where the rule is enforced, whatever the caller).
func TestSelfApprovalSetting(t *testing.T) {
	for _, allow := range []bool{false, true} {
		s := &Server{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(t.TempDir(), "k.db"), AllowSelfApproval: allow}
		if err := s.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := s.Store().SelfApprovalAllowed(); got != allow {
			t.Errorf("AllowSelfApproval %v: the store says %v", allow, got)
		}
		s.Close()
	}
}
