package lookupkey

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyIsKeyedDeterministicAndSeparatesKinds(t *testing.T) {
	a, _ := New(bytes.Repeat([]byte("a"), 32))
	b, _ := New(bytes.Repeat([]byte("b"), 32))
	phone := "+8613800138000"

	k1 := a.Key("phone", phone, true)
	if k1 != a.Key("phone", phone, true) {
		t.Fatal("same secret, kind and value gave different keys")
	}
	if k1.Hash == b.Key("phone", phone, true).Hash {
		t.Fatal("different secrets gave the same hash")
	}
	if k1.Hash == a.Key("email", phone, true).Hash {
		t.Fatal("different kinds gave the same hash")
	}
	if strings.Contains(k1.Hash, "13800138000") || k1.Kind != "phone" || !k1.Unique {
		t.Fatalf("unexpected key %+v", k1)
	}
}

func TestNewRefusesShortSecret(t *testing.T) {
	if _, err := New(make([]byte, 16)); !errors.Is(err, ErrWeakSecret) {
		t.Fatalf("err = %v, want ErrWeakSecret", err)
	}
}

func TestLoadOrCreateSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "lookup.key")
	first, err := LoadOrCreateSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", info.Mode().Perm())
	}
	again, err := LoadOrCreateSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Fatal("second load returned a different secret")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSecret(path); err == nil {
		t.Fatal("a world-readable secret was accepted")
	}
}
