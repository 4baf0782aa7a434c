package lambdaenv

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/intake-project/intake/shared/lookupkey"
)

// Secret locates the HMAC secret that lookup keys are hashed under. Its bytes are the secret's
// text as stored: a value copied from Secrets Manager into LOOKUP_SECRET hashes the same keys.
type Secret struct {
	// LookupSecretARN names the Secrets Manager secret; its SecretString is the key.
	LookupSecretARN string `env:"LOOKUP_SECRET_ARN"`
	// LookupSecret is the key itself, for runs without Secrets Manager (tests, sam local).
	LookupSecret string `env:"LOOKUP_SECRET,local"`
}

// Hasher returns the lookup-key hasher, fetching the secret from Secrets Manager when the
// configuration names one. Call it once, at cold start: the secret is not expected to change
// (a new secret would orphan every stored lookup key).
func (s Secret) Hasher(ctx context.Context) (*lookupkey.Hasher, error) {
	secret, err := s.value(ctx)
	if err != nil {
		return nil, err
	}
	h, err := lookupkey.New(secret)
	if err != nil {
		return nil, fmt.Errorf("lookup key secret: %w", err)
	}
	return h, nil
}

func (s Secret) value(ctx context.Context) ([]byte, error) {
	switch {
	case s.LookupSecretARN != "" && s.LookupSecret != "":
		return nil, &ConfigError{Problems: []string{"set LOOKUP_SECRET_ARN or LOOKUP_SECRET, not both"}}
	case s.LookupSecret != "":
		return []byte(s.LookupSecret), nil
	case s.LookupSecretARN == "":
		return nil, &ConfigError{Problems: []string{"LOOKUP_SECRET_ARN is required (LOOKUP_SECRET for local runs)"}}
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("lookup key secret: load AWS config: %w", err)
	}
	out, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(s.LookupSecretARN),
	})
	if err != nil {
		return nil, fmt.Errorf("lookup key secret: get %s: %w", s.LookupSecretARN, err)
	}
	switch {
	case out.SecretString != nil:
		return []byte(aws.ToString(out.SecretString)), nil
	case len(out.SecretBinary) > 0:
		return out.SecretBinary, nil
	}
	return nil, errors.New("lookup key secret: the secret holds no value")
}
