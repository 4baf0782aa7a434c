package lambdaenv

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/lookupkey"
)

type sample struct {
	Name    string        `env:"T_NAME,required"`
	Count   int           `env:"T_COUNT" default:"3"`
	On      bool          `env:"T_ON"`
	Wait    time.Duration `env:"T_WAIT" default:"2s"`
	List    []string      `env:"T_LIST"`
	Local   string        `env:"T_LOCAL,local"`
	Ignored string
	inner
}

type inner struct {
	Deep string `env:"T_DEEP,required"`
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		want     sample
		problems []string
	}{
		{
			name: "defaults fill what is unset",
			env:  map[string]string{"T_NAME": "x", "T_DEEP": "d"},
			want: sample{Name: "x", Count: 3, Wait: 2 * time.Second, inner: inner{Deep: "d"}},
		},
		{
			name: "every kind is parsed",
			env: map[string]string{"T_NAME": "x", "T_COUNT": "7", "T_ON": "true", "T_WAIT": "90s",
				"T_LIST": "a, b,,c", "T_LOCAL": "l", "T_DEEP": "d"},
			want: sample{Name: "x", Count: 7, On: true, Wait: 90 * time.Second, List: []string{"a", "b", "c"},
				Local: "l", inner: inner{Deep: "d"}},
		},
		{
			name:     "every missing required variable is named, embedded ones too",
			env:      map[string]string{},
			problems: []string{"T_NAME is required", "T_DEEP is required"},
		},
		{
			name:     "malformed values are named without their value",
			env:      map[string]string{"T_NAME": "x", "T_DEEP": "d", "T_COUNT": "secret-ish", "T_ON": "maybe", "T_WAIT": "soon"},
			problems: []string{"T_COUNT: not an integer", "T_ON: not a boolean (true or false)", "T_WAIT: not a duration (e.g. 90s, 5m)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"T_NAME", "T_COUNT", "T_ON", "T_WAIT", "T_LIST", "T_LOCAL", "T_DEEP"} {
				t.Setenv(k, tt.env[k])
			}
			var got sample
			err := Load(&got)
			var ce *ConfigError
			switch {
			case tt.problems == nil && err != nil:
				t.Fatalf("Load: %v", err)
			case tt.problems == nil:
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			case !errors.As(err, &ce):
				t.Fatalf("error %v, want a *ConfigError", err)
			default:
				if !reflect.DeepEqual(ce.Problems, tt.problems) {
					t.Errorf("problems %q, want %q", ce.Problems, tt.problems)
				}
				if strings.Contains(err.Error(), "secret-ish") {
					t.Errorf("error %q repeats a value", err)
				}
			}
		})
	}
}

func TestLoadWantsAStructPointer(t *testing.T) {
	if err := Load(sample{}); err == nil {
		t.Error("Load of a struct value: no error")
	}
}

const testSecret = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqr"

// fakeSecretsManager answers GetSecretValue for one ARN, with a string or a binary secret.
func fakeSecretsManager(t *testing.T, arn string, str *string, bin []byte) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ SecretId string }
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || in.SecretId != arn {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"__type":"ResourceNotFoundException","message":"not found"}`)
			return
		}
		out := map[string]any{"ARN": arn, "Name": "lookup"}
		if str != nil {
			out["SecretString"] = *str
		}
		if bin != nil {
			out["SecretBinary"] = base64.StdEncoding.EncodeToString(bin)
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "local")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
}

func TestSecretHasher(t *testing.T) {
	const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lookup-AbCdEf"
	str := testSecret
	reference, err := lookupkey.New([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	want := reference.Key("phone", "+8613800138000", true)
	tests := []struct {
		name    string
		secret  Secret
		str     *string
		bin     []byte
		wantErr string
	}{
		{name: "from Secrets Manager, as text", secret: Secret{LookupSecretARN: arn}, str: &str},
		{name: "from Secrets Manager, as binary", secret: Secret{LookupSecretARN: arn}, bin: []byte(testSecret)},
		{name: "local value hashes as the stored text does", secret: Secret{LookupSecret: testSecret}},
		{name: "both set", secret: Secret{LookupSecretARN: arn, LookupSecret: testSecret}, wantErr: "not both"},
		{name: "neither set", secret: Secret{}, wantErr: "LOOKUP_SECRET_ARN is required"},
		{name: "too short", secret: Secret{LookupSecret: "short"}, wantErr: lookupkey.ErrWeakSecret.Error()},
		{name: "unknown secret", secret: Secret{LookupSecretARN: arn + "-gone"}, str: &str, wantErr: "ResourceNotFoundException"},
		{name: "empty secret", secret: Secret{LookupSecretARN: arn}, wantErr: "holds no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeSecretsManager(t, arn, tt.str, tt.bin)
			h, err := tt.secret.Hasher(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := h.Key("phone", "+8613800138000", true); got != want {
				t.Errorf("key %v, want %v: the same secret must hash the same keys", got, want)
			}
		})
	}
}

func TestRetentionPolicy(t *testing.T) {
	def := hygiene.DefaultPolicy()
	tests := []struct {
		name      string
		r         Retention
		wantYears int
		wantKeep  time.Duration
		wantErr   bool
	}{
		{"unset keeps the built-in policy", Retention{}, def.Purge.RelationshipEndedYears, def.PayloadRetention, false},
		{"overrides", Retention{RetentionYears: 7, PayloadRetentionDays: 10}, 7, 10 * 24 * time.Hour, false},
		{"negative years", Retention{RetentionYears: -1}, 0, 0, true},
		{"too many days", Retention{PayloadRetentionDays: 4000}, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.r.Policy()
			if tt.wantErr {
				var ce *ConfigError
				if !errors.As(err, &ce) {
					t.Fatalf("error %v, want a *ConfigError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Purge.RelationshipEndedYears != tt.wantYears || p.PayloadRetention != tt.wantKeep {
				t.Errorf("policy keeps %d years and payloads %v, want %d and %v",
					p.Purge.RelationshipEndedYears, p.PayloadRetention, tt.wantYears, tt.wantKeep)
			}
		})
	}
}

func TestReportInitError(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantType string
	}{
		{"configuration", fmt.Errorf("start: %w", &ConfigError{Problems: []string{"TABLE_NAME is required"}}), "ConfigError"},
		{"anything else", errors.New("lookup key secret: get: access denied"), "InitError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotPath, gotHeader string
			var body struct{ ErrorType, ErrorMessage string }
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotPath, gotHeader = r.URL.Path, r.Header.Get("Lambda-Runtime-Function-Error-Type")
				_ = json.NewDecoder(r.Body).Decode(&body)
				w.WriteHeader(http.StatusAccepted)
			}))
			defer srv.Close()
			if err := reportInitError(strings.TrimPrefix(srv.URL, "http://"), tt.err); err != nil {
				t.Fatal(err)
			}
			if gotPath != "/2018-06-01/runtime/init/error" {
				t.Errorf("posted to %s", gotPath)
			}
			if body.ErrorType != tt.wantType || gotHeader != "Runtime."+tt.wantType || body.ErrorMessage != tt.err.Error() {
				t.Errorf("posted type %q (header %q) message %q, want %q and %q", body.ErrorType, gotHeader, body.ErrorMessage, tt.wantType, tt.err)
			}
		})
	}
}

func TestReportInitErrorNoticesARefusal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	defer srv.Close()
	if err := reportInitError(strings.TrimPrefix(srv.URL, "http://"), errors.New("x")); err == nil {
		t.Error("a refused report: no error")
	}
}

func TestRetentionPolicyFromFileKeepsTheEnvironmentsPeriods(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.yaml")
	// A site policy that purges 9 years after a relationship ends.
	if err := os.WriteFile(path, []byte("version: \"site-1\"\npurge:\n  relationshipEnded:\n    afterYears: 9\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Retention{}.PolicyFrom(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "site-1" || p.Purge.RelationshipEndedYears != 9 {
		t.Fatalf("policy %s keeps %d years, want the file's site-1 and 9", p.Version, p.Purge.RelationshipEndedYears)
	}
	p, err = Retention{RetentionYears: 3}.PolicyFrom(path)
	if err != nil || p.Purge.RelationshipEndedYears != 3 {
		t.Fatalf("with RETENTION_YEARS=3: %v years (%v), want the environment's 3", p.Purge.RelationshipEndedYears, err)
	}
	if _, err := (Retention{}).PolicyFrom(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Fatal("a missing policy file was accepted")
	}
}
