package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// issuer is a local OpenID Connect issuer: discovery document, key set, and signing keys.
type issuer struct {
	srv       *httptest.Server
	mu        sync.Mutex
	keys      []map[string]string
	jwksHits  int
	discovery bool
}

func newIssuer(t *testing.T, discovery bool) *issuer {
	t.Helper()
	is := &issuer{discovery: discovery}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if !is.discovery {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"issuer": is.srv.URL, "jwks_uri": is.srv.URL + "/keys"})
	})
	serveKeys := func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		defer is.mu.Unlock()
		is.jwksHits++
		json.NewEncoder(w).Encode(map[string]any{"keys": is.keys})
	}
	mux.HandleFunc("GET /keys", serveKeys)
	mux.HandleFunc("GET /.well-known/jwks.json", serveKeys)
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func (is *issuer) addRSA(t *testing.T, kid string) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys = append(is.keys, map[string]string{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes()),
	})
	return k
}

func (is *issuer) addEC(t *testing.T, kid string) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := k.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys = append(is.keys, map[string]string{
		"kty": "EC", "kid": kid, "crv": "P-256", "x": b64(raw[1:33]), "y": b64(raw[33:]),
	})
	return k
}

func (is *issuer) hits() int {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.jwksHits
}

func sign(t *testing.T, m jwt.SigningMethod, kid string, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOIDCVerify(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	is := newIssuer(t, true)
	rsaKey := is.addRSA(t, "r1")
	ecKey := is.addEC(t, "e1")
	stranger, _ := rsa.GenerateKey(rand.Reader, 2048)
	claims := func(extra jwt.MapClaims) jwt.MapClaims {
		c := jwt.MapClaims{
			"iss": is.srv.URL, "aud": "intake-api", "sub": "staff-1",
			"exp": now.Add(time.Hour).Unix(), "cognito:groups": []any{"staff"},
		}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	tests := []struct {
		name    string
		token   string
		want    Principal
		wantErr bool
	}{
		{"RS256 staff token", sign(t, jwt.SigningMethodRS256, "r1", rsaKey, claims(nil)), Principal{"staff-1", true}, false},
		{"ES256 staff token", sign(t, jwt.SigningMethodES256, "e1", ecKey, claims(nil)), Principal{"staff-1", true}, false},
		{"valid token without the group", sign(t, jwt.SigningMethodRS256, "r1", rsaKey, claims(jwt.MapClaims{"cognito:groups": []any{"users"}})), Principal{"staff-1", false}, false},
		{"audience list containing ours", sign(t, jwt.SigningMethodRS256, "r1", rsaKey, claims(jwt.MapClaims{"aud": []any{"other", "intake-api"}})), Principal{"staff-1", true}, false},
		{"wrong audience", sign(t, jwt.SigningMethodRS256, "r1", rsaKey, claims(jwt.MapClaims{"aud": "other"})), Principal{}, true},
		{"wrong issuer", sign(t, jwt.SigningMethodRS256, "r1", rsaKey, claims(jwt.MapClaims{"iss": "https://evil.example"})), Principal{}, true},
		{"expired", sign(t, jwt.SigningMethodRS256, "r1", rsaKey, claims(jwt.MapClaims{"exp": now.Add(-time.Hour).Unix()})), Principal{}, true},
		{"signed by a key the issuer does not publish", sign(t, jwt.SigningMethodRS256, "r1", stranger, claims(nil)), Principal{}, true},
		{"unknown key ID", sign(t, jwt.SigningMethodRS256, "r9", rsaKey, claims(nil)), Principal{}, true},
		{"HS256 with the public modulus as secret", sign(t, jwt.SigningMethodHS256, "r1", rsaKey.N.Bytes(), claims(nil)), Principal{}, true},
	}
	v, err := NewOIDC(OIDCConfig{
		Issuer: is.srv.URL, Audience: "intake-api",
		Staff: StaffRule{Claim: "cognito:groups", Value: "staff"},
		Now:   func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
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

func TestOIDCCachesKeysAndRefetchesForRotatedKey(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := now
	is := newIssuer(t, false) // no discovery: falls back to /.well-known/jwks.json
	k1 := is.addRSA(t, "k1")
	v, err := NewOIDC(OIDCConfig{Issuer: is.srv.URL, Audience: "a", Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{"iss": is.srv.URL, "aud": "a", "sub": "s", "exp": now.Add(3 * time.Hour).Unix(), "scope": DefaultStaffValue}
	for range 3 {
		if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, "k1", k1, claims)); err != nil {
			t.Fatal(err)
		}
	}
	if h := is.hits(); h != 1 {
		t.Fatalf("key set fetched %d times for three tokens, want 1", h)
	}

	k2 := is.addRSA(t, "k2")
	rotated := sign(t, jwt.SigningMethodRS256, "k2", k2, claims)
	if _, err := v.Verify(context.Background(), rotated); err == nil {
		t.Fatal("new key trusted before the refresh interval passed")
	}
	clock = now.Add(2 * time.Minute)
	if _, err := v.Verify(context.Background(), rotated); err != nil {
		t.Fatalf("rotated key not picked up: %v", err)
	}
	if h := is.hits(); h != 2 {
		t.Errorf("key set fetched %d times, want 2", h)
	}
}

func TestNewOIDCNeedsIssuerAndAudience(t *testing.T) {
	if _, err := NewOIDC(OIDCConfig{Issuer: "https://x"}); err == nil {
		t.Error("missing audience accepted")
	}
}

func TestAnyAcceptsFirstVerifierThatAccepts(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tok, err := Mint(key, "alice", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other := NewLocal([]byte("fedcba9876543210fedcba9876543210"), nil)
	p, err := Any{other, NewLocal(key, nil)}.Verify(context.Background(), tok)
	if err != nil || p.Subject != "alice" {
		t.Fatalf("Any = %+v, %v", p, err)
	}
	if _, err := (Any{other}).Verify(context.Background(), tok); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("err = %v, want ErrInvalidToken", err)
	}
}
