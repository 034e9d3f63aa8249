// Package auth holds what signing in needs apart from storage: argon2id
// password hashes in PHC form behind a gate bounding how many run at once,
// random tokens and their hashes, the throttle that slows password guessing
// without locking anyone out, a rate limiter, the table of what each role
// may do over which units, and the scopes a user reaches.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Argon2id parameters of new hashes: the OWASP minimum (19 MiB, 2 passes,
// 1 lane), about 0.1 s on a small server. Stored hashes carry their own
// parameters, so these can be raised later; NeedsRehash tells which hashes
// are below them.
const (
	ArgonTime    = 2
	ArgonMemory  = 19 * 1024 // KiB
	ArgonThreads = 1
	ArgonKeyLen  = 32
	ArgonSaltLen = 16
)

// Bounds on the parameters Verify accepts, so that a corrupt or planted
// hash cannot make a login eat the server's memory or time.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 64
	maxThreads = 64
	minKeyLen  = 16
	maxKeyLen  = 128
	minSaltLen = 8
)

// ErrMalformedHash is returned by VerifyPassword for a string that is not
// an argon2id PHC hash with acceptable parameters.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// b64 is the PHC string format's base64: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of password (NFC-normalised, so
// that the same password typed on two keyboards matches) as a PHC string:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// It waits for its turn at Hashing; see HashPasswordContext.
func HashPassword(password string) (string, error) {
	return HashPasswordContext(context.Background(), password)
}

// HashPasswordContext is HashPassword, waiting for its turn at the Hashing
// gate until ctx ends: ErrBusy when the wait runs out.
func HashPasswordContext(ctx context.Context, password string) (string, error) {
	salt := make([]byte, ArgonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	p := params{ArgonMemory, ArgonTime, ArgonThreads}
	key, err := argonKey(ctx, password, salt, p, ArgonKeyLen)
	if err != nil {
		return "", err
	}
	return encodePHC(p, salt, key), nil
}

// params are argon2id cost parameters.
type params struct {
	memory  uint32
	time    uint32
	threads uint8
}

func encodePHC(p params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodePHC parses an argon2id PHC string.
func decodePHC(encoded string) (p params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: version %q", ErrMalformedHash, parts[2])
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || seen[k] {
			return p, nil, nil, fmt.Errorf("%w: parameters %q", ErrMalformedHash, parts[3])
		}
		seen[k] = true
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, nil, nil, fmt.Errorf("%w: parameter %q", ErrMalformedHash, kv)
		}
		switch k {
		case "m":
			p.memory = uint32(n)
		case "t":
			p.time = uint32(n)
		case "p":
			if n > 255 {
				return p, nil, nil, fmt.Errorf("%w: parameter %q", ErrMalformedHash, kv)
			}
			p.threads = uint8(n)
		default:
			return p, nil, nil, fmt.Errorf("%w: parameter %q", ErrMalformedHash, kv)
		}
	}
	if !seen["m"] || !seen["t"] || !seen["p"] {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", ErrMalformedHash, parts[3])
	}
	if p.time < 1 || p.time > maxTime || p.threads < 1 || p.threads > maxThreads ||
		p.memory < 8*uint32(p.threads) || p.memory > maxMemory {
		return p, nil, nil, fmt.Errorf("%w: parameters %q out of range", ErrMalformedHash, parts[3])
	}
	if salt, err = b64.Strict().DecodeString(parts[4]); err != nil || len(salt) < minSaltLen {
		return p, nil, nil, fmt.Errorf("%w: salt", ErrMalformedHash)
	}
	if key, err = b64.Strict().DecodeString(parts[5]); err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, fmt.Errorf("%w: hash", ErrMalformedHash)
	}
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches the PHC hash encoded,
// hashing with the parameters the hash records and comparing in constant
// time. The error is ErrMalformedHash (wrapped) when encoded cannot be used.
// It waits for its turn at Hashing; see VerifyPasswordContext.
func VerifyPassword(encoded, password string) (bool, error) {
	return VerifyPasswordContext(context.Background(), encoded, password)
}

// VerifyPasswordContext is VerifyPassword, waiting for its turn at the
// Hashing gate until ctx ends: ErrBusy when the wait runs out, and
// nothing was checked.
func VerifyPasswordContext(ctx context.Context, encoded, password string) (bool, error) {
	p, salt, key, err := decodePHC(encoded)
	if err != nil {
		return false, err
	}
	got, err := argonKey(ctx, password, salt, p, uint32(len(key)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with weaker parameters than
// HashPassword uses now (or cannot be read), so that a successful login
// should store a fresh hash.
func NeedsRehash(encoded string) bool {
	p, salt, key, err := decodePHC(encoded)
	return err != nil || p.memory < ArgonMemory || p.time < ArgonTime || p.threads < ArgonThreads ||
		len(salt) < ArgonSaltLen || len(key) < ArgonKeyLen
}

// NewPassword returns a random password for an account created without one:
// 26 characters of base32 (130 bits), to be shown once and then changed.
func NewPassword() string {
	return rand.Text()
}

// argonKey derives the argon2id key of password (NFC-normalised), when
// the Hashing gate gives it a turn.
func argonKey(ctx context.Context, password string, salt []byte, p params, keyLen uint32) ([]byte, error) {
	var key []byte
	err := Hashing.Do(ctx, func() {
		key = argon2.IDKey([]byte(norm.NFC.String(password)), salt, p.time, p.memory, p.threads, keyLen)
	})
	return key, err
}
