// Package auth checks the bearer tokens that staff present to the HTTP API: locally minted
// HS256 tokens for a single-machine deployment, or an OpenID Connect issuer's RS256/ES256 tokens.
package auth

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Errors a Verifier returns; callers map ErrInvalidToken to 401.
var (
	// ErrInvalidToken: the token is malformed, expired, not for us, or its signature fails.
	ErrInvalidToken = errors.New("invalid token")
)

// Principal is who a valid token speaks for.
type Principal struct {
	Subject string
	// Staff says the token carries the staff scope or group; routes for staff answer 403
	// to a valid token without it.
	Staff bool
}

// Verifier checks a bearer token (without the "Bearer " prefix).
type Verifier interface {
	Verify(ctx context.Context, token string) (Principal, error)
}

// StaffRule says which claim grants staff access: the claim may be a space-separated string
// (OAuth "scope") or an array of strings (Cognito "cognito:groups", Keycloak "groups").
type StaffRule struct {
	Claim string // default "scope"
	Value string // default "intake:staff"
}

// Defaults for StaffRule.
const (
	DefaultStaffClaim = "scope"
	DefaultStaffValue = "intake:staff"
)

func (r StaffRule) withDefaults() StaffRule {
	if r.Claim == "" {
		r.Claim = DefaultStaffClaim
	}
	if r.Value == "" {
		r.Value = DefaultStaffValue
	}
	return r
}

// grants tells whether the claims carry the staff value in the rule's claim.
func (r StaffRule) grants(claims jwt.MapClaims) bool {
	switch v := claims[r.Claim].(type) {
	case string:
		return slices.Contains(strings.Fields(v), r.Value)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && s == r.Value {
				return true
			}
		}
	}
	return false
}

func principal(claims jwt.MapClaims, rule StaffRule) (Principal, error) {
	sub, err := claims.GetSubject()
	if err != nil || sub == "" {
		return Principal{}, ErrInvalidToken
	}
	return Principal{Subject: sub, Staff: rule.grants(claims)}, nil
}

// Any tries each verifier in turn and accepts the first that accepts the token, so a site can
// take both its OIDC staff tokens and locally minted ones.
type Any []Verifier

// Verify implements Verifier.
func (a Any) Verify(ctx context.Context, token string) (Principal, error) {
	for _, v := range a {
		if p, err := v.Verify(ctx, token); err == nil {
			return p, nil
		}
	}
	return Principal{}, ErrInvalidToken
}
