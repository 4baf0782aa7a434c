package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// OIDCConfig configures a verifier for an OpenID Connect issuer's access or ID tokens.
type OIDCConfig struct {
	// Issuer is the "iss" every token must carry, e.g. https://cognito-idp.<region>.amazonaws.com/<pool>.
	Issuer string
	// Audience is the "aud" every token must include (client ID or API identifier).
	Audience string
	// JWKSURL, when empty, is found through <Issuer>/.well-known/openid-configuration and,
	// failing that, taken as <Issuer>/.well-known/jwks.json.
	JWKSURL string
	Staff   StaffRule
	// Client fetches the discovery document and the key set; nil means a client with a 10 s timeout.
	Client *http.Client
	// CacheFor is how long a fetched key set is trusted before it is fetched again (default 1 h).
	// A token naming an unknown key ID refreshes it sooner, at most once per MinRefresh (default 1 min).
	CacheFor   time.Duration
	MinRefresh time.Duration
	Now        func() time.Time
}

// OIDC verifies RS256 and ES256 tokens against an issuer's JSON Web Key Set, caching the keys.
type OIDC struct {
	cfg OIDCConfig

	mu        sync.Mutex
	jwksURL   string
	keys      map[string]crypto.PublicKey
	fetchedAt time.Time
}

// NewOIDC returns a verifier for cfg. Keys are fetched on the first token, not here, so a
// cold start does not depend on the issuer being reachable.
func NewOIDC(cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("oidc verifier: issuer and audience are required")
	}
	cfg.Staff = cfg.Staff.withDefaults()
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.CacheFor <= 0 {
		cfg.CacheFor = time.Hour
	}
	if cfg.MinRefresh <= 0 {
		cfg.MinRefresh = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &OIDC{cfg: cfg, jwksURL: cfg.JWKSURL}, nil
}

// Verify implements Verifier.
func (o *OIDC) Verify(ctx context.Context, token string) (Principal, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return o.key(ctx, kid)
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg()}),
		jwt.WithIssuer(o.cfg.Issuer),
		jwt.WithAudience(o.cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(o.cfg.Now),
		jwt.WithLeeway(30*time.Second),
	)
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return principal(claims, o.cfg.Staff)
}

// key returns the public key named kid, fetching the key set when the cache is stale or when
// the issuer has rotated in a key we have not seen.
func (o *OIDC) key(ctx context.Context, kid string) (crypto.PublicKey, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.cfg.Now()
	stale := o.keys == nil || now.Sub(o.fetchedAt) >= o.cfg.CacheFor
	_, known := o.keys[kid]
	if stale || (!known && now.Sub(o.fetchedAt) >= o.cfg.MinRefresh) {
		keys, err := o.fetch(ctx)
		if err != nil && o.keys == nil {
			return nil, err
		}
		if err == nil {
			o.keys, o.fetchedAt = keys, now
		}
	}
	if k, ok := o.keys[kid]; ok {
		return k, nil
	}
	// A key set with a single key may omit kid, and so may the token.
	if kid == "" && len(o.keys) == 1 {
		for _, k := range o.keys {
			return k, nil
		}
	}
	return nil, fmt.Errorf("no key %q in the issuer's key set", kid)
}

func (o *OIDC) fetch(ctx context.Context) (map[string]crypto.PublicKey, error) {
	if o.jwksURL == "" {
		o.jwksURL = o.discover(ctx)
	}
	var set jwks
	if err := o.getJSON(ctx, o.jwksURL, &set); err != nil {
		return nil, fmt.Errorf("fetch key set: %w", err)
	}
	keys := make(map[string]crypto.PublicKey, len(set.Keys))
	for _, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		pub, err := k.publicKey()
		if err != nil {
			continue // a key of a kind we do not use must not hide the others
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		return nil, errors.New("fetch key set: no usable RSA or P-256 signing key")
	}
	return keys, nil
}

// discover reads jwks_uri from the issuer's discovery document, falling back to the
// conventional location when the issuer publishes none.
func (o *OIDC) discover(ctx context.Context) string {
	base := strings.TrimSuffix(o.cfg.Issuer, "/")
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := o.getJSON(ctx, base+"/.well-known/openid-configuration", &doc); err == nil && doc.JWKSURI != "" {
		return doc.JWKSURI
	}
	return base + "/.well-known/jwks.json"
}

func (o *OIDC) getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := o.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}

type jwks struct {
	Keys []jwk `json:"keys"`
}

type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

func (k jwk) publicKey() (crypto.PublicKey, error) {
	switch k.Kty {
	case "RSA":
		n, err := b64int(k.N)
		if err != nil {
			return nil, err
		}
		e, err := b64int(k.E)
		if err != nil {
			return nil, err
		}
		if !e.IsInt64() || e.Int64() < 3 || n.BitLen() < 2048 {
			return nil, errors.New("weak or malformed RSA key")
		}
		return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
	case "EC":
		if k.Crv != "P-256" {
			return nil, fmt.Errorf("unsupported curve %q", k.Crv)
		}
		x, err := b64int(k.X)
		if err != nil {
			return nil, err
		}
		y, err := b64int(k.Y)
		if err != nil {
			return nil, err
		}
		if x.BitLen() > 256 || y.BitLen() > 256 {
			return nil, errors.New("malformed EC key")
		}
		// Go through the uncompressed encoding so that off-curve points are refused.
		raw := make([]byte, 65)
		raw[0] = 4
		x.FillBytes(raw[1:33])
		y.FillBytes(raw[33:])
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
		if err != nil {
			return nil, err
		}
		return pub, nil
	}
	return nil, fmt.Errorf("unsupported key type %q", k.Kty)
}

func b64int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, errors.New("malformed key parameter")
	}
	return new(big.Int).SetBytes(b), nil
}
