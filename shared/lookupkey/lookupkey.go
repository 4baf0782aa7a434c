// Package lookupkey turns normalised identifiers into keyed hashes, so that lookup keys lead to
// customers without any raw personal value being stored in a key.
package lookupkey

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/intake-project/intake/shared/customer"
)

// MinSecretBytes is the shortest secret accepted: HMAC-SHA256 wants at least its output size.
const MinSecretBytes = 32

// ErrWeakSecret is returned for a secret shorter than MinSecretBytes.
var ErrWeakSecret = errors.New("lookup key secret must be at least 32 bytes")

// Hasher computes HMAC-SHA256 lookup keys under one secret.
type Hasher struct{ secret []byte }

// New returns a Hasher for the secret.
func New(secret []byte) (*Hasher, error) {
	if len(secret) < MinSecretBytes {
		return nil, ErrWeakSecret
	}
	return &Hasher{secret: append([]byte(nil), secret...)}, nil
}

// Key hashes a normalised value of the given kind. The kind is part of the hashed message, so
// one value used as two kinds of key gives two unrelated hashes.
func (h *Hasher) Key(kind, normalised string, unique bool) customer.LookupKey {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(normalised))
	return customer.LookupKey{
		Kind:   kind,
		Hash:   base64.RawURLEncoding.EncodeToString(m.Sum(nil)),
		Unique: unique,
	}
}

// LoadOrCreateSecret reads the secret from path, creating a random one with mode 0600 (in a
// folder with mode 0700) when the file is absent. A secret file readable by others is refused.
func LoadOrCreateSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		info, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("lookup key secret: %w", err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("lookup key secret %s: permissions %v are too open, want 0600", path, info.Mode().Perm())
		}
		if len(b) < MinSecretBytes {
			return nil, fmt.Errorf("lookup key secret %s: %w", path, ErrWeakSecret)
		}
		return b, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("lookup key secret: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("lookup key secret: %w", err)
	}
	secret := make([]byte, MinSecretBytes)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("lookup key secret: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it first: use theirs.
		return LoadOrCreateSecret(path)
	}
	if err != nil {
		return nil, fmt.Errorf("lookup key secret: %w", err)
	}
	if _, err := f.Write(secret); err != nil {
		f.Close()
		return nil, fmt.Errorf("lookup key secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("lookup key secret: %w", err)
	}
	return secret, nil
}
