package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/httpapi"
	"github.com/intake-project/intake/shared/validate"
)

// Config is everything the API function reads from its environment.
//
//	INTAKE_TABLE               DynamoDB table (required)
//	INTAKE_STATE_MACHINE_ARN   intake state machine (required)
//	INTAKE_FORMS_JSON          {"forms":[...]} as in docs/api.md (required)
//	INTAKE_OIDC_ISSUER         staff token issuer; with INTAKE_OIDC_AUDIENCE, or neither
//	INTAKE_OIDC_AUDIENCE       (without them no staff token is accepted)
//	INTAKE_OIDC_JWKS_URL       key set URL when the issuer has no discovery document
//	INTAKE_STAFF_CLAIM         claim granting staff access (default "scope")
//	INTAKE_STAFF_VALUE         value it must hold (default "intake:staff")
//	INTAKE_BASE_PATHS          comma-separated prefixes to strip: the stage, custom-domain mappings
//	INTAKE_PUBLIC_BASE_URL     prefix of the status URLs handed out
//	INTAKE_MAX_BODY_BYTES      default 262144
//	INTAKE_RATE_LIMIT_PER_MINUTE  per client and form, per instance; default 30
//	INTAKE_DINING_TIERS, INTAKE_FREQUENCIES  comma-separated card vocabularies
//	INTAKE_PHONE_REGION        region of phone numbers without a country code (default CN)
//	INTAKE_IMAGES_BUCKET       S3 bucket keeping card-scan images (none: images only confirm the card)
//	INTAKE_IMAGES_KMS_KEY      KMS key the images are encrypted with (default: the bucket's)
//	RETENTION_YEARS, PAYLOAD_RETENTION_DAYS  the hygiene periods (shared/lambdaenv)
type Config struct {
	Table           string
	StateMachineARN string
	FormsJSON       string
	ImagesBucket    string
	ImagesKMSKey    string
	OIDC            *auth.OIDCConfig
	HTTP            httpapi.Config
	Rules           validate.Rules
}

// loadConfig reads the configuration through getenv (os.Getenv in the function).
func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Table:           getenv("INTAKE_TABLE"),
		StateMachineARN: getenv("INTAKE_STATE_MACHINE_ARN"),
		FormsJSON:       getenv("INTAKE_FORMS_JSON"),
		ImagesBucket:    getenv("INTAKE_IMAGES_BUCKET"),
		ImagesKMSKey:    getenv("INTAKE_IMAGES_KMS_KEY"),
		HTTP: httpapi.Config{
			BasePaths:     list(getenv("INTAKE_BASE_PATHS")),
			PublicBaseURL: getenv("INTAKE_PUBLIC_BASE_URL"),
		},
		Rules: validate.Rules{
			DiningTiers: list(getenv("INTAKE_DINING_TIERS")),
			Frequencies: list(getenv("INTAKE_FREQUENCIES")),
			PhoneRegion: getenv("INTAKE_PHONE_REGION"),
		},
	}
	var missing []string
	for name, v := range map[string]string{"INTAKE_TABLE": c.Table, "INTAKE_STATE_MACHINE_ARN": c.StateMachineARN, "INTAKE_FORMS_JSON": c.FormsJSON} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return Config{}, fmt.Errorf("config: missing %s", strings.Join(missing, ", "))
	}
	issuer, audience := getenv("INTAKE_OIDC_ISSUER"), getenv("INTAKE_OIDC_AUDIENCE")
	switch {
	case issuer != "" && audience != "":
		c.OIDC = &auth.OIDCConfig{
			Issuer: issuer, Audience: audience, JWKSURL: getenv("INTAKE_OIDC_JWKS_URL"),
			Staff: auth.StaffRule{Claim: getenv("INTAKE_STAFF_CLAIM"), Value: getenv("INTAKE_STAFF_VALUE")},
		}
	case issuer != "" || audience != "":
		return Config{}, errors.New("config: set both INTAKE_OIDC_ISSUER and INTAKE_OIDC_AUDIENCE, or neither")
	}
	var err error
	if c.HTTP.MaxBodyBytes, err = number(getenv, "INTAKE_MAX_BODY_BYTES"); err != nil {
		return Config{}, err
	}
	rate, err := number(getenv, "INTAKE_RATE_LIMIT_PER_MINUTE")
	if err != nil {
		return Config{}, err
	}
	c.HTTP.RateLimitPerMinute = int(rate)
	return c, nil
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func number(getenv func(string) string, name string) (int64, error) {
	v := getenv(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("config: %s must be a positive integer", name)
	}
	return n, nil
}
