package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// fileOne posts a submission and files it on a new customer, as the workflow would.
func fileOne(t *testing.T, a *api) (subID, custID string) {
	t.Helper()
	resp := a.do(a.request("POST", "/v1/submissions", ctJSON, validJSON, "X-Form-Key", jsonFormKey), docAccepts)
	if resp.status != http.StatusAccepted {
		t.Fatalf("post: %d %s", resp.status, resp.body)
	}
	subID = decodeJSON[Accepted](t, resp.body).ID
	custID = "01jx0000000000000000000001"
	now := a.clock.Now()
	sub, err := a.store.GetSubmission(context.Background(), subID)
	if err != nil {
		t.Fatal(err)
	}
	sub.Status = store.StatusFiled
	sub.UpdatedAt = now
	sub.Outcome = &store.Outcome{
		CustomerID: custID,
		Decision:   customer.DecisionNew,
		Warnings:   []customer.FieldError{{Path: "person.birthDate", Code: "required", Message: "is recommended", Zh: "建议填写"}},
		Explanation: &customer.Explanation{RulesVersion: "m1", Total: 0, Upper: 0.9, Lower: 0.6, Candidates: 0,
			Fields: []customer.Comparison{{Field: "person.name", Similarity: 0, Weight: 1, Outcome: "missing"}}},
		Scores: &customer.Scores{RulesVersion: "s1", ComputedAt: now,
			Completeness: &customer.Completeness{Ratio: 0.5, Missing: []string{"person.birthDate"},
				Reasons: []customer.Reason{{Rule: "completeness", Inputs: map[string]string{"person.name": "张三"}, Effect: "+0.5"}}},
			KYCRisk:    &customer.KYCRisk{Level: "low"},
			VIPSignals: []customer.VIPSignal{{Signal: "quality_employer", Evidence: map[string]string{"workplace": "示例公司"}}},
		},
	}
	c := customer.Customer{
		ID: custID, Kind: customer.KindPerson, CreatedAt: now, UpdatedAt: now, Version: 1, LastActivityAt: now,
		Attributes: []customer.Attribute{{Path: "person.name", Value: "张三", Provenance: customer.Provenance{
			Channel: customer.ChannelWebForm, SubmissionID: subID, CollectedAt: now, CollectedBy: "form:" + jsonFormKey}}},
		Submissions: []string{subID},
		Scores:      sub.Outcome.Scores,
	}
	err = a.store.File(context.Background(), store.Filing{
		Submission: sub, Customer: c, NewCustomer: true,
		History: customer.HistoryEntry{CustomerID: custID, SubmissionID: subID, At: now, Channel: customer.ChannelWebForm, Decision: customer.DecisionNew},
		Audit:   store.AuditEntry{ID: "audit-1", At: now, Actor: "test", Action: "file", CustomerID: custID, SubmissionID: subID},
	})
	if err != nil {
		t.Fatal(err)
	}
	return subID, custID
}

func TestSubmissionStatusShowsOutcomeWithoutPersonalData(t *testing.T) {
	a := newAPI(t)
	subID, custID := fileOne(t, a)
	resp := a.do(a.request("GET", "/v1/submissions/"+subID, "", "", "Origin", allowed), docAccepts)
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	st := decodeJSON[SubmissionStatus](t, resp.body)
	if st.Status != store.StatusFiled || st.CustomerID != custID || st.Decision != customer.DecisionNew ||
		st.Explanation == nil || st.Scores == nil || len(st.Warnings) != 1 {
		t.Errorf("status = %+v", st)
	}
	for _, personal := range []string{"张三", "示例公司", "13800138000"} {
		if strings.Contains(string(resp.body), personal) {
			t.Errorf("public status carries personal data %q: %s", personal, resp.body)
		}
	}
	if resp.header.Get("Access-Control-Allow-Origin") != allowed {
		t.Error("status for an allowed origin lacks CORS headers")
	}
}

func TestSubmissionStatusNotFound(t *testing.T) {
	a := newAPI(t)
	for _, id := range []string{"01jx0000000000000000000099", "healthz-probe"} {
		resp := a.do(a.request("GET", "/v1/submissions/"+id, "", ""), docAccepts)
		if resp.status != http.StatusNotFound {
			t.Errorf("%s: status = %d", id, resp.status)
		}
	}
}

func TestCustomerNeedsStaffToken(t *testing.T) {
	a := newAPI(t)
	_, custID := fileOne(t, a)
	expired, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "intake-local", "sub": "desk-7", "exp": time.Now().Add(-time.Hour).Unix(), "scope": "intake:staff",
	}).SignedString(signingKey)
	if err != nil {
		t.Fatal(err)
	}
	notStaff, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "intake-local", "sub": "visitor", "exp": time.Now().Add(time.Hour).Unix(), "scope": "openid",
	}).SignedString(signingKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		auth   string
		id     string
		status int
	}{
		{"no token", "", custID, http.StatusUnauthorized},
		{"not a bearer token", "Basic ZGVzazpwdw==", custID, http.StatusUnauthorized},
		{"garbage token", "Bearer abc.def.ghi", custID, http.StatusUnauthorized},
		{"expired token", "Bearer " + expired, custID, http.StatusUnauthorized},
		{"token without the staff scope", "Bearer " + notStaff, custID, http.StatusForbidden},
		{"staff token", "Bearer " + a.staffToken("desk-7"), custID, http.StatusOK},
		{"staff token, unknown customer", "Bearer " + a.staffToken("desk-7"), "01jx0000000000000000000077", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.auth != "" {
				headers = []string{"Authorization", tt.auth}
			}
			resp := a.do(a.request("GET", "/v1/customers/"+tt.id, "", "", headers...), docAccepts)
			if resp.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.status, tt.status, resp.body)
			}
			switch tt.status {
			case http.StatusUnauthorized, http.StatusForbidden:
				if !strings.HasPrefix(resp.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate = %q", resp.header.Get("WWW-Authenticate"))
				}
				if strings.Contains(string(resp.body), "张三") {
					t.Error("refused request leaked customer data")
				}
			case http.StatusOK:
				v := decodeJSON[CustomerView](t, resp.body)
				if v.Customer.ID != custID || len(v.Customer.Attributes) != 1 || len(v.History) != 1 || v.Customer.Scores == nil {
					t.Errorf("customer view = %+v", v)
				}
			}
		})
	}
}

// brokenStore fails every read, as an unreachable database would.
type brokenStore struct{ store.Store }

func (brokenStore) GetSubmission(context.Context, string) (store.Submission, error) {
	return store.Submission{}, errors.New("connection refused")
}

func TestHealthz(t *testing.T) {
	a := newAPI(t)
	if r := a.do(a.request("GET", "/healthz", "", ""), docAccepts); r.status != http.StatusOK {
		t.Errorf("healthy store: status %d", r.status)
	}
	down := newAPI(t, func(_ *Config, d *Deps) { d.Store = brokenStore{d.Store} })
	if r := down.do(down.request("GET", "/healthz", "", ""), docAccepts); r.status != http.StatusServiceUnavailable {
		t.Errorf("broken store: status %d, want 503", r.status)
	}
	r := down.do(down.request("GET", "/v1/submissions/01jx0000000000000000000001", "", ""), docAccepts)
	if r.status != http.StatusInternalServerError || strings.Contains(string(r.body), "connection refused") {
		t.Errorf("store failure: status %d body %s, want 500 without internals", r.status, r.body)
	}
}

func TestOpenAPIDocumentIsServed(t *testing.T) {
	a := newAPI(t)
	r := a.do(a.request("GET", "/openapi.json", "", ""), docAccepts)
	if r.status != http.StatusOK || string(r.body) != string(OpenAPI()) {
		t.Fatalf("status %d, %d bytes", r.status, len(r.body))
	}
}

func TestUnknownRoutesAndMethodsAreProblems(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/v2/nothing", http.StatusNotFound, ""},
		{"DELETE", "/v1/submissions", http.StatusMethodNotAllowed, "POST, OPTIONS"},
		{"POST", "/v1/customers/01jx0000000000000000000001", http.StatusMethodNotAllowed, "GET, HEAD"},
	}
	for _, tt := range tests {
		r := a.do(a.request(tt.method, tt.path, "", ""), docNoRoute)
		if r.status != tt.status || r.header.Get("Content-Type") != "application/problem+json" || r.header.Get("Allow") != tt.allow {
			t.Errorf("%s %s: %d %q Allow %q", tt.method, tt.path, r.status, r.header.Get("Content-Type"), r.header.Get("Allow"))
		}
	}
}

// TestDocumentSchemasMatchTheGoTypes holds the OpenAPI schemas to the JSON the Go types read
// and write, so that a field added to the model cannot go undocumented (or be refused).
func TestDocumentSchemasMatchTheGoTypes(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	types := map[string]reflect.Type{
		"Submission": reflect.TypeFor[customer.Submission](), "Person": reflect.TypeFor[customer.Person](),
		"IDDocument": reflect.TypeFor[customer.IDDocument](), "Address": reflect.TypeFor[customer.Address](),
		"Workplace": reflect.TypeFor[customer.Workplace](), "Organisation": reflect.TypeFor[customer.Organisation](),
		"Licence": reflect.TypeFor[customer.Licence](), "RelatedPerson": reflect.TypeFor[customer.RelatedPerson](),
		"Consent": reflect.TypeFor[customer.Consent](), "CardInfo": reflect.TypeFor[customer.CardInfo](),
		"Associate": reflect.TypeFor[customer.Associate](), "SpecialDate": reflect.TypeFor[customer.SpecialDate](),
		"ValueInfo": reflect.TypeFor[customer.ValueInfo](), "Prospect": reflect.TypeFor[customer.Prospect](),
		"FieldError": reflect.TypeFor[customer.FieldError](), "Problem": reflect.TypeFor[Problem](),
		"Accepted": reflect.TypeFor[Accepted](), "SubmissionStatus": reflect.TypeFor[SubmissionStatus](),
		"Explanation": reflect.TypeFor[customer.Explanation](), "Comparison": reflect.TypeFor[customer.Comparison](),
		"Scores": reflect.TypeFor[customer.Scores](), "Reason": reflect.TypeFor[customer.Reason](),
		"Customer": reflect.TypeFor[customer.Customer](), "Attribute": reflect.TypeFor[customer.Attribute](),
		"LookupKey": reflect.TypeFor[customer.LookupKey](), "HistoryEntry": reflect.TypeFor[customer.HistoryEntry](),
		"CustomerView": reflect.TypeFor[CustomerView](),
	}
	for name, typ := range types {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s missing", name)
			continue
		}
		var inDoc []string
		for p := range s.Properties {
			inDoc = append(inDoc, p)
		}
		slices.Sort(inDoc)
		inGo := jsonNames(typ)
		if !slices.Equal(inDoc, inGo) {
			t.Errorf("schema %s has %v, Go type has %v", name, inDoc, inGo)
		}
	}
}

func jsonNames(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if f.Anonymous {
			out = append(out, jsonNames(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}
