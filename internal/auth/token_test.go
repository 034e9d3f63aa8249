package auth

import (
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if len(a) != 43 || a == b || strings.ContainsAny(a, "+/=") {
		t.Errorf("NewToken() = %q, %q; want two different 43-character base64url strings", a, b)
	}
	api := NewAPIToken()
	if !strings.HasPrefix(api, "khk_") || len(api) != 47 || !IsAPIToken(api) {
		t.Errorf("NewAPIToken() = %q", api)
	}
	for _, s := range []string{"", a, "khk_", "khk_short", api + "x", "Bearer " + api} {
		if IsAPIToken(s) {
			t.Errorf("IsAPIToken(%q) = true", s)
		}
	}
	if p := TokenPrefix(api); p != api[:8] || !strings.HasPrefix(p, "khk_") {
		t.Errorf("TokenPrefix(%q) = %q", api, p)
	}
	if p := TokenPrefix("abc"); p != "abc" {
		t.Errorf("TokenPrefix(short) = %q", p)
	}
	h := HashToken(api)
	if len(h) != 64 || h != HashToken(api) || h == HashToken(NewAPIToken()) || strings.Contains(h, api) {
		t.Errorf("HashToken(%q) = %q", api, h)
	}
	// Known value: SHA-256("abc").
	if h := HashToken("abc"); h != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashToken(abc) = %s", h)
	}
}
