package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/intake-project/intake/shared/forms"
	"github.com/intake-project/intake/shared/httpapi"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

// The sample events name this form and these IDs.
const (
	sampleForms   = `{"forms":[{"key":"fk_sample_form_key_01","name":"Sample","allowedOrigins":["https://www.example.com"],"thankYouUrl":"https://www.example.com/thanks"}]}`
	sampleSubID   = "01jx5v0c3k0000000000000001"
	sampleRequest = "JKJaXmPLvHcESHA="
	sampleFormKey = "fk_sample_form_key_01"
)

type starter struct {
	mu  sync.Mutex
	ids []string
}

func (s *starter) Start(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, id)
	return nil
}

func loadEvent(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "api", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}

// newTestHandler wires the API as main does, with the embedded store and a recording starter
// in place of DynamoDB and Step Functions.
func newTestHandler(t *testing.T) (lambdaHandler, store.Store, *starter) {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	_, _, err = st.CreateSubmission(context.Background(), store.Submission{ID: sampleSubID, Status: store.StatusReceived, ReceivedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	src, err := forms.Parse([]byte(sampleForms))
	if err != nil {
		t.Fatal(err)
	}
	rec := &starter{}
	h := httpapi.New(httpapi.Config{BasePaths: []string{"/prod", "/intake"}}, httpapi.Deps{
		Store: st, Starter: rec, Forms: src,
		Clock:  func() time.Time { return now },
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	return newLambdaHandler(h), st, rec
}

func TestSampleEvents(t *testing.T) {
	tests := []struct {
		event   string
		status  int
		header  string // a response header that must be set
		want    string // what the value or body must contain
		started int
	}{
		{"post-submission-json.json", http.StatusAccepted, "Location", "/prod/v1/submissions/", 1},
		{"post-submission-base64.json", http.StatusAccepted, "Location", "/prod/v1/submissions/", 1},
		{"post-submission-form.json", http.StatusSeeOther, "Location", "https://www.example.com/thanks", 1},
		{"post-submission-invalid.json", http.StatusBadRequest, "Content-Type", "application/problem+json", 0},
		{"get-submission.json", http.StatusOK, "", `"status":"RECEIVED"`, 0},
		{"get-customer-no-token.json", http.StatusUnauthorized, "WWW-Authenticate", "Bearer", 0},
		{"preflight.json", http.StatusNoContent, "Access-Control-Allow-Origin", "https://www.example.com", 0},
		{"healthz-path-as-slash.json", http.StatusOK, "", `"status":"ok"`, 0},
		{"healthz-no-raw-path.json", http.StatusOK, "", `"status":"ok"`, 0},
		{"custom-domain.json", http.StatusOK, "", `"status":"ok"`, 0},
		{"query-encoded.json", http.StatusOK, "", `"status":"ok"`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			handle, _, rec := newTestHandler(t)
			resp, err := handle(context.Background(), loadEvent(t, tt.event))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, resp.Body)
			}
			got := resp.Body
			if tt.header != "" {
				got = header(resp, tt.header)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("%s = %q, want it to contain %q", tt.header, got, tt.want)
			}
			if got := header(resp, "X-Request-Id"); got != sampleRequest {
				t.Errorf("X-Request-Id = %q, want API Gateway's request ID", got)
			}
			if len(rec.ids) != tt.started {
				t.Errorf("started %d workflows, want %d", len(rec.ids), tt.started)
			}
		})
	}
}

// header reads a response header whatever the case of its name in the map.
func header(resp events.APIGatewayV2HTTPResponse, name string) string {
	for k, v := range resp.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func TestSampleInvalidEventNamesEveryField(t *testing.T) {
	handle, _, _ := newTestHandler(t)
	resp, err := handle(context.Background(), loadEvent(t, "post-submission-invalid.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p httpapi.Problem
	if err := json.Unmarshal([]byte(resp.Body), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Errors) != 1 || p.Errors[0].Path != "person.nickname" {
		t.Errorf("errors = %+v, want the unknown field person.nickname", p.Errors)
	}
}

func TestFormEventIsDecodedAndStored(t *testing.T) {
	handle, st, rec := newTestHandler(t)
	if _, err := handle(context.Background(), loadEvent(t, "post-submission-form.json")); err != nil {
		t.Fatal(err)
	}
	if len(rec.ids) != 1 {
		t.Fatalf("started %v", rec.ids)
	}
	got, err := st.GetSubmission(context.Background(), rec.ids[0])
	if err != nil {
		t.Fatal(err)
	}
	p := got.Payload
	if p.Person == nil || p.Person.Name != "张三" || len(p.Person.Phones) != 2 || p.Person.Phones[1] != "+86 139 0013 9000" || got.FormKey != sampleFormKey {
		t.Errorf("stored %+v / %+v", got, p)
	}
}

// probe records the request the adapter builds, to check the event-to-request conversion.
type probe struct{ got *http.Request }

func (p *probe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.got = r
	w.WriteHeader(http.StatusNoContent)
}

func TestEventToRequestConversion(t *testing.T) {
	tests := []struct {
		event  string
		path   string
		query  map[string]string
		cookie string
	}{
		// Issue #147: rawQueryString arrives percent-encoded once; it must be decoded once,
		// so %2B is "+" (not a space, not "%2B") and %20 is a space.
		{"query-encoded.json", "/prod/healthz", map[string]string{"phone": "+8613800138000", "q": "a b", "name": "张三"}, ""},
		// Without rawQueryString the adapter encodes the decoded parameters itself.
		{"query-parameters-only.json", "/prod/healthz", map[string]string{"phone": "+8613800138000", "q": "a b"}, ""},
		// Issue #60: the real path only in requestContext.http.path.
		{"healthz-path-as-slash.json", "/prod/healthz", nil, ""},
		{"healthz-no-raw-path.json", "/prod/healthz", nil, ""},
		{"post-submission-form.json", "/prod/v1/submissions", nil, "session=abc123; lang=zh-CN"},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			p := &probe{}
			if _, err := newLambdaHandler(p)(context.Background(), loadEvent(t, tt.event)); err != nil {
				t.Fatal(err)
			}
			if p.got == nil {
				t.Fatal("handler not called")
			}
			if p.got.URL.Path != tt.path {
				t.Errorf("path = %q, want %q", p.got.URL.Path, tt.path)
			}
			for k, want := range tt.query {
				if got := p.got.URL.Query().Get(k); got != want {
					t.Errorf("query %s = %q, want %q", k, got, want)
				}
			}
			if tt.cookie != "" {
				var parts []string
				for _, c := range p.got.Cookies() {
					parts = append(parts, c.Name+"="+c.Value)
				}
				if got := strings.Join(parts, "; "); got != tt.cookie {
					t.Errorf("cookies = %q, want %q", got, tt.cookie)
				}
			}
			if p.got.RemoteAddr != "203.0.113.7" {
				t.Errorf("RemoteAddr = %q, want the source IP", p.got.RemoteAddr)
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	base := map[string]string{
		"INTAKE_TABLE": "intake", "INTAKE_STATE_MACHINE_ARN": "arn:aws:states:eu-west-1:1:stateMachine:intake",
		"INTAKE_FORMS_JSON": sampleForms,
	}
	with := func(kv ...string) func(string) string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return func(k string) string { return env[k] }
	}
	c, err := loadConfig(with("INTAKE_OIDC_ISSUER", "https://idp.example", "INTAKE_OIDC_AUDIENCE", "intake",
		"INTAKE_BASE_PATHS", "/prod, /intake", "INTAKE_MAX_BODY_BYTES", "1024", "INTAKE_DINING_TIERS", "a,b"))
	if err != nil {
		t.Fatal(err)
	}
	if c.OIDC == nil || c.OIDC.Issuer != "https://idp.example" || len(c.HTTP.BasePaths) != 2 || c.HTTP.MaxBodyBytes != 1024 || len(c.Rules.DiningTiers) != 2 {
		t.Errorf("config = %+v", c)
	}
	for name, getenv := range map[string]func(string) string{
		"missing table":  with("INTAKE_TABLE", ""),
		"issuer only":    with("INTAKE_OIDC_ISSUER", "https://idp.example"),
		"bad body limit": with("INTAKE_MAX_BODY_BYTES", "lots"),
		"negative rate":  with("INTAKE_RATE_LIMIT_PER_MINUTE", "-1"),
	} {
		if _, err := loadConfig(getenv); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
