package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"kehoach"
)

// NewToken returns a random session token: SessionTokenBytes (32) random
// bytes in unpadded base64url, 43 characters safe in a cookie.
func NewToken() string {
	b := make([]byte, kehoach.SessionTokenBytes)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewAPIToken returns a random personal API token: "khk_" and a NewToken.
// The prefix lets secret scanners and people recognise it.
func NewAPIToken() string {
	return kehoach.APITokenPrefix + NewToken()
}

// IsAPIToken reports whether s has the shape of an API token.
func IsAPIToken(s string) bool {
	return strings.HasPrefix(s, kehoach.APITokenPrefix) && len(s) == len(kehoach.APITokenPrefix)+43
}

// TokenPrefix returns the part of a token kept in clear to tell tokens apart
// in lists: its first TokenPrefixLen characters.
func TokenPrefix(token string) string {
	if len(token) < kehoach.TokenPrefixLen {
		return token
	}
	return token[:kehoach.TokenPrefixLen]
}

// HashToken returns the SHA-256 of a token in hex, the form the database
// keeps. Tokens carry 256 random bits, so a fast hash is enough: there is
// nothing to guess, only a stolen database to make useless.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
