package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// LocalIssuer is the issuer of locally minted tokens.
const LocalIssuer = "intake-local"

// keySize is the HS256 key length: as long as the hash output, as RFC 7518 §3.2 asks.
const keySize = 32

// LoadOrCreateKey reads the local signing key at path, creating it with 32 random bytes (file
// mode 0600, parent directory 0700) when it does not exist yet.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < keySize {
			return nil, fmt.Errorf("load signing key %s: %d bytes, want at least %d", path, len(key), keySize)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load signing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	key = make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	// O_EXCL: two processes starting at once must not each write their own key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	return key, nil
}

// Mint makes a local staff token for subject that expires after ttl.
func Mint(key []byte, subject string, ttl time.Duration) (string, error) {
	return mintAt(key, subject, ttl, time.Now())
}

func mintAt(key []byte, subject string, ttl time.Duration, now time.Time) (string, error) {
	if subject == "" {
		return "", errors.New("mint token: empty subject")
	}
	if ttl <= 0 {
		return "", errors.New("mint token: ttl must be positive")
	}
	claims := jwt.MapClaims{
		"iss":             LocalIssuer,
		"sub":             subject,
		"iat":             now.Unix(),
		"exp":             now.Add(ttl).Unix(),
		DefaultStaffClaim: DefaultStaffValue,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
	if err != nil {
		return "", fmt.Errorf("mint token: %w", err)
	}
	return s, nil
}

// Local verifies tokens made by Mint with the same key.
type Local struct {
	key []byte
	now func() time.Time
}

// NewLocal returns a verifier for tokens signed with key. now may be nil (time.Now).
func NewLocal(key []byte, now func() time.Time) *Local {
	if now == nil {
		now = time.Now
	}
	return &Local{key: key, now: now}
}

// Verify implements Verifier.
func (l *Local) Verify(_ context.Context, token string) (Principal, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return l.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(LocalIssuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(l.now),
	)
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return principal(claims, StaffRule{}.withDefaults())
}
