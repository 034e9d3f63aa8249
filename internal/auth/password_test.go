package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	hash, err := HashPassword("mật khẩu dài đủ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q, want the PHC form with the OWASP parameters", hash)
	}
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || len(parts[4]) != 22 || len(parts[5]) != 43 {
		t.Errorf("hash %q: salt %d, key %d base64 chars; want 22 (16 bytes) and 43 (32 bytes)", hash, len(parts[4]), len(parts[5]))
	}
	for _, tc := range []struct {
		name, password string
		want           bool
	}{
		{"same", "mật khẩu dài đủ", true},
		// NFD input (as some keyboards send it) matches the NFC original.
		{"decomposed", "mâ\u0323t khâ\u0309u da\u0300i đu\u0309", true},
		{"wrong", "mật khẩu dài đũ", false},
		{"empty", "", false},
		{"prefix", "mật khẩu", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := VerifyPassword(hash, tc.password)
			if err != nil || ok != tc.want {
				t.Errorf("VerifyPassword(%q) = %v, %v; want %v", tc.password, ok, err, tc.want)
			}
		})
	}
	// A second hash of the same password has its own salt.
	if again, _ := HashPassword("mật khẩu dài đủ"); again == hash {
		t.Error("two hashes of one password are equal: salt not random")
	}
	if NeedsRehash(hash) {
		t.Errorf("NeedsRehash(fresh hash) = true")
	}
}

func TestVerifyParsesParameters(t *testing.T) {
	// A hash made with other parameters (here weaker, as an old one
	// would be) still verifies, and is flagged for rehashing.
	salt := []byte("0123456789abcdef")
	for _, p := range []params{{memory: 8 * 1024, time: 1, threads: 1}, {memory: 64 * 1024, time: 3, threads: 2}} {
		key, err := argonKey(context.Background(), "bí mật muôn năm", salt, p, 24)
		if err != nil {
			t.Fatal(err)
		}
		enc := encodePHC(p, salt, key)
		got, gotSalt, gotKey, err := decodePHC(enc)
		if err != nil || got != p || string(gotSalt) != string(salt) || string(gotKey) != string(key) {
			t.Fatalf("decodePHC(%q) = %+v, %q, %x, %v", enc, got, gotSalt, gotKey, err)
		}
		if ok, err := VerifyPassword(enc, "bí mật muôn năm"); !ok || err != nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want true", enc, ok, err)
		}
		if ok, _ := VerifyPassword(enc, "bí mật muôn nam"); ok {
			t.Errorf("VerifyPassword(%q, wrong) = true", enc)
		}
		// Both are flagged: the first is weaker, and the second's key is
		// shorter than ArgonKeyLen.
		if !NeedsRehash(enc) {
			t.Errorf("NeedsRehash(%q) = false", enc)
		}
	}
}

func TestVerifyTampered(t *testing.T) {
	hash, err := HashPassword("mật khẩu dài đủ")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(hash, "$")
	flip := func(s string) string {
		b := []byte(s)
		if b[3] == 'A' {
			b[3] = 'B'
		} else {
			b[3] = 'A'
		}
		return string(b)
	}
	join := func(p ...string) string { return strings.Join(p, "$") }
	// Altered salt or key: well-formed, but the password no longer matches.
	for name, enc := range map[string]string{
		"salt":   join("", parts[1], parts[2], parts[3], flip(parts[4]), parts[5]),
		"key":    join("", parts[1], parts[2], parts[3], parts[4], flip(parts[5])),
		"memory": join("", parts[1], parts[2], "m=19457,t=2,p=1", parts[4], parts[5]),
		"time":   join("", parts[1], parts[2], "m=19456,t=3,p=1", parts[4], parts[5]),
	} {
		if ok, err := VerifyPassword(enc, "mật khẩu dài đủ"); ok || err != nil {
			t.Errorf("%s altered: VerifyPassword = %v, %v; want false, nil", name, ok, err)
		}
	}
	// Malformed: refused with ErrMalformedHash, never a match.
	for name, enc := range map[string]string{
		"empty":           "",
		"bcrypt":          "$2a$10$abcdefghijklmnopqrstuu5E5hY1Ea9i0dU8yJY9bEJXzV2k2lqK",
		"argon2i":         join("", "argon2i", parts[2], parts[3], parts[4], parts[5]),
		"version":         join("", parts[1], "v=16", parts[3], parts[4], parts[5]),
		"missing part":    join("", parts[1], parts[2], parts[3], parts[4]),
		"extra part":      hash + "$x",
		"no params":       join("", parts[1], parts[2], "", parts[4], parts[5]),
		"unknown param":   join("", parts[1], parts[2], "m=19456,t=2,p=1,x=3", parts[4], parts[5]),
		"duplicate param": join("", parts[1], parts[2], "m=19456,t=2,t=3", parts[4], parts[5]),
		"missing param":   join("", parts[1], parts[2], "m=19456,t=2", parts[4], parts[5]),
		"zero time":       join("", parts[1], parts[2], "m=19456,t=0,p=1", parts[4], parts[5]),
		"huge memory":     join("", parts[1], parts[2], "m=4000000000,t=2,p=1", parts[4], parts[5]),
		"huge time":       join("", parts[1], parts[2], "m=19456,t=100000,p=1", parts[4], parts[5]),
		"zero threads":    join("", parts[1], parts[2], "m=19456,t=2,p=0", parts[4], parts[5]),
		"negative":        join("", parts[1], parts[2], "m=-1,t=2,p=1", parts[4], parts[5]),
		"bad salt":        join("", parts[1], parts[2], parts[3], "!!!!", parts[5]),
		"short salt":      join("", parts[1], parts[2], parts[3], "YWJj", parts[5]),
		"padded key":      join("", parts[1], parts[2], parts[3], parts[4], parts[5]+"="),
		"short key":       join("", parts[1], parts[2], parts[3], parts[4], "YWJjZA"),
	} {
		ok, err := VerifyPassword(enc, "mật khẩu dài đủ")
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("%s: VerifyPassword(%q) = %v, %v; want false, ErrMalformedHash", name, enc, ok, err)
		}
		if !NeedsRehash(enc) {
			t.Errorf("%s: NeedsRehash = false", name)
		}
	}
}

func TestNewPassword(t *testing.T) {
	a, b := NewPassword(), NewPassword()
	if len(a) < 20 || a == b {
		t.Errorf("NewPassword() = %q, %q; want two different strings of ≥ 20 characters", a, b)
	}
}
