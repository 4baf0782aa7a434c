package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestLoadOrCreateKeyCreatesPrivateFileOnceAndRereadsIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "signing.key")
	first, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 32 {
		t.Fatalf("key length = %d, want 32", len(first))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("key dir mode = %v, want 0700", di.Mode().Perm())
	}
	again, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(first) {
		t.Error("second load returned a different key")
	}
}

func TestLoadOrCreateKeyRefusesShortKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "short.key")
	if err := os.WriteFile(path, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(path); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestLocalVerify(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	other := []byte("fedcba9876543210fedcba9876543210")
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	good, err := mintAt(key, "alice", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	expired, _ := mintAt(key, "alice", time.Minute, now.Add(-time.Hour))
	wrongKey, _ := mintAt(other, "alice", time.Hour, now)
	noStaff, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": LocalIssuer, "sub": "bob", "exp": now.Add(time.Hour).Unix(),
	}).SignedString(key)
	wrongIssuer, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "someone-else", "sub": "bob", "exp": now.Add(time.Hour).Unix(), "scope": DefaultStaffValue,
	}).SignedString(key)
	noExpiry, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": LocalIssuer, "sub": "bob", "scope": DefaultStaffValue,
	}).SignedString(key)
	unsigned, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{
		"iss": LocalIssuer, "sub": "bob", "exp": now.Add(time.Hour).Unix(), "scope": DefaultStaffValue,
	}).SignedString(jwt.UnsafeAllowNoneSignatureType)

	tests := []struct {
		name    string
		token   string
		want    Principal
		wantErr bool
	}{
		{"minted token is staff", good, Principal{Subject: "alice", Staff: true}, false},
		{"token without scope is valid but not staff", noStaff, Principal{Subject: "bob"}, false},
		{"expired token is refused", expired, Principal{}, true},
		{"token signed with another key is refused", wrongKey, Principal{}, true},
		{"token from another issuer is refused", wrongIssuer, Principal{}, true},
		{"token without expiry is refused", noExpiry, Principal{}, true},
		{"unsigned token is refused", unsigned, Principal{}, true},
		{"garbage is refused", "not.a.token", Principal{}, true},
	}
	v := NewLocal(key, func() time.Time { return now })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(context.Background(), tt.token)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidToken) {
					t.Fatalf("err = %v, want ErrInvalidToken", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("principal = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMintRefusesEmptySubjectAndTTL(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	if _, err := Mint(key, "", time.Hour); err == nil {
		t.Error("empty subject accepted")
	}
	if _, err := Mint(key, "alice", 0); err == nil {
		t.Error("zero ttl accepted")
	}
}

func TestStaffRuleReadsScopeStringsAndGroupArrays(t *testing.T) {
	tests := []struct {
		name   string
		rule   StaffRule
		claims jwt.MapClaims
		want   bool
	}{
		{"scope among others", StaffRule{}.withDefaults(), jwt.MapClaims{"scope": "openid intake:staff email"}, true},
		{"scope prefix does not count", StaffRule{}.withDefaults(), jwt.MapClaims{"scope": "intake:staffer"}, false},
		{"group array", StaffRule{Claim: "cognito:groups", Value: "staff"}, jwt.MapClaims{"cognito:groups": []any{"users", "staff"}}, true},
		{"group missing", StaffRule{Claim: "groups", Value: "staff"}, jwt.MapClaims{"groups": []any{"users"}}, false},
		{"claim absent", StaffRule{}.withDefaults(), jwt.MapClaims{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rule.grants(tt.claims); got != tt.want {
				t.Errorf("grants = %v, want %v", got, tt.want)
			}
		})
	}
}
