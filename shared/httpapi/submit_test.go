package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

const (
	ctJSON = "application/json"
	ctForm = "application/x-www-form-urlencoded"
)

// validJSON is a web-form submission that passes every rule.
const validJSON = `{"channel":"web_form","kind":"person",
 "person":{"name":"张三","phones":["13800138000"],"emails":["zhang@example.com"]},
 "consent":{"purposes":["service"],"givenAt":"2026-05-31T09:00:00+08:00"}}`

// validForm is the same submission as a plain HTML form posts it.
func validForm() url.Values {
	return url.Values{
		"_form":                  {htmlFormKey},
		"kind":                   {"person"},
		"person.name":            {"张三"},
		"person.phones":          {"13800138000", "", "+8613900139000"},
		"person.emails":          {"zhang@example.com"},
		"person.address.city":    {"北京"},
		"consent.purposes":       {"service", "marketing"},
		"consent.givenAt":        {"2026-05-31T09:00:00+08:00"},
		"value.amount":           {"1288.50"},
		"prospect.decisionMaker": {"on"},
		"website":                {""},
	}
}

func decodeJSON[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

func paths(errs []customer.FieldError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Path
	}
	return out
}

func TestJSONSubmissionIsStoredThenStartedAndAccepted(t *testing.T) {
	a := newAPI(t)
	resp := a.do(a.request("POST", "/v1/submissions", ctJSON, validJSON, "X-Form-Key", jsonFormKey), docAccepts)
	if resp.status != http.StatusAccepted {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	acc := decodeJSON[Accepted](t, resp.body)
	if acc.Status != store.StatusReceived || acc.StatusURL != "/v1/submissions/"+acc.ID || resp.header.Get("Location") != acc.StatusURL {
		t.Errorf("accepted = %+v, Location %q", acc, resp.header.Get("Location"))
	}
	got, err := a.store.GetSubmission(context.Background(), acc.ID)
	if err != nil {
		t.Fatalf("accepted submission not stored: %v", err)
	}
	if got.Status != store.StatusReceived || got.FormKey != jsonFormKey || got.BodyHash == "" || !got.ReceivedAt.Equal(a.clock.Now()) {
		t.Errorf("stored = %+v", got)
	}
	p := got.Payload
	if p == nil || p.Person == nil || p.Person.Name != "张三" || p.Channel != customer.ChannelWebForm || p.CollectedBy != "form:"+jsonFormKey || p.ReceivedAt == nil {
		t.Errorf("stored payload = %+v", p)
	}
	if s := a.starter.started(); !slices.Equal(s, []string{acc.ID}) {
		t.Errorf("started = %v, want [%s]", s, acc.ID)
	}
}

func TestPlainHTMLFormIsStoredAndRedirectedToThankYouPage(t *testing.T) {
	a := newAPI(t)
	resp := a.do(a.request("POST", "/v1/submissions", ctForm, validForm().Encode(), "Accept", "text/html,application/xhtml+xml,*/*;q=0.8"), docAccepts)
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != thankYou {
		t.Fatalf("status = %d, Location %q, body %s", resp.status, resp.header.Get("Location"), resp.body)
	}
	started := a.starter.started()
	if len(started) != 1 {
		t.Fatalf("started = %v", started)
	}
	got, err := a.store.GetSubmission(context.Background(), started[0])
	if err != nil {
		t.Fatal(err)
	}
	p := got.Payload
	if p.Channel != customer.ChannelWebForm || p.Person.Name != "张三" ||
		!slices.Equal(p.Person.Phones, []string{"13800138000", "+8613900139000"}) ||
		!slices.Equal(p.Consent.Purposes, []string{"service", "marketing"}) ||
		p.Person.Address == nil || p.Person.Address.City != "北京" ||
		p.Value == nil || p.Value.Amount == nil || *p.Value.Amount != 1288.5 ||
		p.Prospect == nil || p.Prospect.DecisionMaker == nil || !*p.Prospect.DecisionMaker {
		t.Errorf("form decoded as %+v", p)
	}
}

func TestPlainHTMLFormWithoutConsentTimeIsDatedOnArrival(t *testing.T) {
	a := newAPI(t)
	f := validForm()
	f.Del("consent.givenAt") // a page without script cannot fill it in
	resp := a.do(a.request("POST", "/v1/submissions", ctForm, f.Encode(), "Accept", "text/html"), docAccepts)
	if resp.status != http.StatusSeeOther {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	got, err := a.store.GetSubmission(context.Background(), a.starter.started()[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := got.ReceivedAt.Format(time.RFC3339); got.Payload.Consent.GivenAt != want {
		t.Fatalf("consent given at %q, want the arrival time %s", got.Payload.Consent.GivenAt, want)
	}

	// A JSON client has a clock: without the time its consent is incomplete.
	body := `{"channel":"web_form","kind":"person","person":{"name":"张三"},"consent":{"purposes":["service"]}}`
	resp = a.do(a.request("POST", "/v1/submissions", "application/json", body, "X-Form-Key", jsonFormKey), docAccepts)
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("JSON without consent time: status %d, want 422", resp.status)
	}
}

func TestFormPostAskingForJSONGets202(t *testing.T) {
	a := newAPI(t)
	f := validForm()
	f.Del("_form")
	resp := a.do(a.request("POST", "/v1/submissions", ctForm, f.Encode(), "X-Form-Key", jsonFormKey, "Accept", "application/json"), docAccepts)
	if resp.status != http.StatusAccepted {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
}

func TestInvalidSubmissionsGetEveryFieldErrorAtItsPath(t *testing.T) {
	tests := []struct {
		name      string
		ct, body  string
		accept    string
		status    int
		doc       docAgrees
		wantPaths []string
		wantCode  string
	}{
		{
			name: "rule violations are 422 with every field",
			ct:   ctJSON,
			body: `{"channel":"web_form","kind":"person","person":{"name":"张三",
				"idDocument":{"type":"cn_resident_id","number":"110105194912310021"},
				"phones":["13800138000","12345"],"emails":["not-an-email"]},
				"consent":{"purposes":["service"],"givenAt":"2026-05-31T09:00:00+08:00"}}`,
			status: http.StatusUnprocessableEntity, doc: docAccepts,
			wantPaths: []string{"person.idDocument.number", "person.phones[1]", "person.emails[0]"},
		},
		{
			name: "a public form may not use another channel",
			ct:   ctJSON, body: strings.Replace(validJSON, `"web_form"`, `"card_scan"`, 1),
			status: http.StatusUnprocessableEntity, doc: docAccepts,
			wantPaths: []string{"channel"}, wantCode: codeNotAllowed,
		},
		{
			name: "a public form may not claim verified information",
			ct:   ctJSON, body: strings.Replace(validJSON, `"kind"`, `"verified":true,"kind"`, 1),
			status: http.StatusUnprocessableEntity, doc: docAccepts,
			wantPaths: []string{"verified"},
		},
		{
			name: "unknown fields are 400, each named",
			ct:   ctJSON, body: strings.Replace(validJSON, `"name":"张三"`, `"name":"张三","nickname":"三儿","shoeSize":42`, 1),
			status: http.StatusBadRequest, doc: docRejects,
			wantPaths: []string{"person.nickname", "person.shoeSize"}, wantCode: codeUnknownField,
		},
		{
			name: "wrong types are 400",
			ct:   ctJSON, body: strings.Replace(validJSON, `"phones":["13800138000"]`, `"phones":"13800138000","politicallyExposed":"yes"`, 1),
			status: http.StatusBadRequest, doc: docRejects,
			wantPaths: []string{"person.phones", "person.politicallyExposed"}, wantCode: codeWrongType,
		},
		{
			name: "malformed JSON is 400",
			ct:   ctJSON, body: `{"kind":"person",`,
			status: http.StatusBadRequest, doc: docRejects,
		},
		{
			name: "trailing data is 400",
			ct:   ctJSON, body: validJSON + `{}`,
			status: http.StatusBadRequest, doc: docCannotTell,
		},
		{
			name: "deep nesting is refused before decoding",
			ct:   ctJSON, body: `{"person":{"workplace":{"address":{"line1":[[[[[["x"]]]]]]}}}}`,
			status: http.StatusBadRequest, doc: docRejects,
			wantPaths: []string{"person.workplace.address.line1[0][0][0][0]"}, wantCode: codeTooDeep,
		},
		{
			name: "long lists are refused before decoding",
			ct:   ctJSON, body: `{"kind":"person","interests":[` + strings.Repeat(`"fx",`, 50) + `"fx"]}`,
			status: http.StatusBadRequest, doc: docRejects,
			wantPaths: []string{"interests"}, wantCode: codeTooMany,
		},
		{
			name: "long strings are refused before decoding",
			ct:   ctJSON, body: `{"kind":"person","sourceRef":"` + strings.Repeat("x", 4097) + `"}`,
			status: http.StatusBadRequest, doc: docRejects,
			wantPaths: []string{"sourceRef"}, wantCode: codeTooLong,
		},
		{
			name: "form fields outside the submission are 400",
			ct:   ctForm, accept: "application/json",
			body:   "_form=" + htmlFormKey + "&person.name=x&person.nickname=y&colour=red&person.phones[0]=1",
			status: http.StatusBadRequest, doc: docAccepts,
			wantPaths: []string{"colour", "person.nickname", "person.phones[0]"}, wantCode: codeUnknownField,
		},
		{
			name: "form booleans and numbers must parse",
			ct:   ctForm, accept: "application/json",
			body:   "_form=" + htmlFormKey + "&prospect.decisionMaker=maybe&value.amount=lots",
			status: http.StatusBadRequest, doc: docAccepts,
			wantPaths: []string{"prospect.decisionMaker", "value.amount"}, wantCode: codeWrongType,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			headers := []string{"X-Form-Key", jsonFormKey}
			if tt.accept != "" {
				headers = append(headers, "Accept", tt.accept)
			}
			resp := a.do(a.request("POST", "/v1/submissions", tt.ct, tt.body, headers...), tt.doc)
			if resp.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.status, tt.status, resp.body)
			}
			if ct := resp.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			prob := decodeJSON[Problem](t, resp.body)
			if prob.Status != tt.status || !strings.HasPrefix(prob.Type, ProblemTypeBase) || prob.Title == "" || prob.TitleZh == "" {
				t.Errorf("problem = %+v", prob)
			}
			got := paths(prob.Errors)
			for _, p := range tt.wantPaths {
				if !slices.Contains(got, p) {
					t.Errorf("field errors at %v, want one at %s", got, p)
				}
			}
			for _, e := range prob.Errors {
				if e.Message == "" || e.Zh == "" {
					t.Errorf("field error without both messages: %+v", e)
				}
				if tt.wantCode != "" && slices.Contains(tt.wantPaths, e.Path) && e.Code != tt.wantCode {
					t.Errorf("error at %s has code %q, want %q", e.Path, e.Code, tt.wantCode)
				}
			}
			if n := len(a.starter.started()); n != 0 {
				t.Errorf("refused submission started %d workflows", n)
			}
		})
	}
}

func TestPlainHTMLFormErrorsComeAsABilingualPage(t *testing.T) {
	a := newAPI(t)
	f := validForm()
	f.Set("person.emails", "not-an-email")
	resp := a.do(a.request("POST", "/v1/submissions", ctForm, f.Encode(), "Referer", "https://www.example.com/contact"), docAccepts)
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type = %q", ct)
	}
	page := string(resp.body)
	for _, want := range []string{"person.emails[0]", "提交内容有误", "Invalid submission", `href="https://www.example.com/contact"`} {
		if !strings.Contains(page, want) {
			t.Errorf("error page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "not-an-email") {
		t.Error("error page repeats the submitted value")
	}
}

func TestIdempotencyKeyReplaysOrConflicts(t *testing.T) {
	a := newAPI(t)
	post := func(body, key, form string) response {
		return a.do(a.request("POST", "/v1/submissions", ctJSON, body, "X-Form-Key", form, "Idempotency-Key", key), docAccepts)
	}
	first := post(validJSON, "order-42", jsonFormKey)
	if first.status != http.StatusAccepted {
		t.Fatalf("first status = %d, body %s", first.status, first.body)
	}
	id := decodeJSON[Accepted](t, first.body).ID

	replay := post(validJSON, "order-42", jsonFormKey)
	if replay.status != http.StatusAccepted || decodeJSON[Accepted](t, replay.body).ID != id {
		t.Errorf("replay = %d %s, want 202 with id %s", replay.status, replay.body, id)
	}

	other := strings.Replace(validJSON, "张三", "李四", 1)
	conflict := post(other, "order-42", jsonFormKey)
	if conflict.status != http.StatusConflict || decodeJSON[Problem](t, conflict.body).Type != ProblemTypeBase+"idempotency-conflict" {
		t.Errorf("different body = %d %s, want 409", conflict.status, conflict.body)
	}

	scoped := post(other, "order-42", slowFormKey)
	if scoped.status != http.StatusAccepted || decodeJSON[Accepted](t, scoped.body).ID == id {
		t.Errorf("same key on another form = %d %s, want a new submission", scoped.status, scoped.body)
	}

	bad := a.do(a.request("POST", "/v1/submissions", ctJSON, validJSON, "X-Form-Key", jsonFormKey, "Idempotency-Key", "has space"), docRejects)
	if bad.status != http.StatusBadRequest {
		t.Errorf("malformed key status = %d", bad.status)
	}
	if n := len(a.starter.started()); n < 2 {
		t.Errorf("started %d workflows, want the first and the scoped one at least", n)
	}
}

func TestPlainHTMLFormReplayRedirectsAgain(t *testing.T) {
	a := newAPI(t)
	f := validForm()
	f.Set("_idempotency", "form-token-7")
	for i := range 2 {
		resp := a.do(a.request("POST", "/v1/submissions", ctForm, f.Encode()), docAccepts)
		if resp.status != http.StatusSeeOther || resp.header.Get("Location") != thankYou {
			t.Fatalf("post %d: status = %d, Location %q", i, resp.status, resp.header.Get("Location"))
		}
	}
	pending, _, err := a.store.PendingSubmissions(context.Background(), store.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 {
		t.Errorf("%d submissions stored for one form post sent twice", len(pending))
	}
}

func TestFormAccess(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		status  int
	}{
		{"no form key and no token", nil, http.StatusUnauthorized},
		{"unknown form key", []string{"X-Form-Key", "fk_nobody_knows"}, http.StatusForbidden},
		{"cross-origin post from an origin the form does not allow", []string{"X-Form-Key", jsonFormKey, "Origin", "https://evil.example"}, http.StatusForbidden},
		{"cross-origin post to a form without allowed origins", []string{"X-Form-Key", slowFormKey, "Origin", allowed}, http.StatusForbidden},
		{"cross-origin post from an allowed origin", []string{"X-Form-Key", jsonFormKey, "Origin", allowed}, http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			resp := a.do(a.request("POST", "/v1/submissions", ctJSON, validJSON, tt.headers...), docAccepts)
			if resp.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.status, tt.status, resp.body)
			}
			acao := resp.header.Get("Access-Control-Allow-Origin")
			if tt.status == http.StatusAccepted && acao != allowed {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", acao, allowed)
			}
			if tt.status != http.StatusAccepted && acao != "" {
				t.Errorf("refused post carries Access-Control-Allow-Origin %q", acao)
			}
			if tt.status == http.StatusUnauthorized && !strings.HasPrefix(resp.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer")
			}
		})
	}
}

func TestSameOriginPostNeedsNoAllowedOrigin(t *testing.T) {
	a := newAPI(t)
	resp := a.do(a.request("POST", "/v1/submissions", ctJSON, validJSON, "X-Form-Key", slowFormKey, "Origin", a.srv.URL), docAccepts)
	if resp.status != http.StatusAccepted {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
}

func TestStaffSubmitWithoutFormKey(t *testing.T) {
	a := newAPI(t)
	body := strings.Replace(validJSON, `"channel":"web_form",`, `"verified":true,`, 1)
	resp := a.do(a.request("POST", "/v1/submissions", ctJSON, body, "Authorization", "Bearer "+a.staffToken("desk-7")), docAccepts)
	if resp.status != http.StatusAccepted {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	got, err := a.store.GetSubmission(context.Background(), decodeJSON[Accepted](t, resp.body).ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Payload.Channel != customer.ChannelStaffEntry || got.Payload.CollectedBy != "desk-7" || !got.Payload.Verified || got.FormKey != "" {
		t.Errorf("staff submission stored as %+v / %+v", got, got.Payload)
	}

	bad := a.do(a.request("POST", "/v1/submissions", ctJSON, validJSON, "Authorization", "Bearer not-a-token", "X-Form-Key", jsonFormKey), docAccepts)
	if bad.status != http.StatusUnauthorized {
		t.Errorf("invalid token with a form key: status = %d, want 401", bad.status)
	}
}

func TestBodyLimitsAndMediaTypes(t *testing.T) {
	tests := []struct {
		name   string
		ct     string
		body   string
		status int
	}{
		{"body over 256 KiB", ctJSON, `{"sourceRef":"` + strings.Repeat("x", 300<<10) + `"}`, http.StatusRequestEntityTooLarge},
		{"text/plain", "text/plain", validJSON, http.StatusUnsupportedMediaType},
		{"multipart", "multipart/form-data; boundary=x", "--x--", http.StatusUnsupportedMediaType},
		{"no content type", "", validJSON, http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			resp := a.do(a.request("POST", "/v1/submissions", tt.ct, tt.body, "X-Form-Key", jsonFormKey), docRejects)
			if resp.status != tt.status {
				t.Fatalf("status = %d, want %d", resp.status, tt.status)
			}
			if tt.status == http.StatusUnsupportedMediaType && resp.header.Get("Accept-Post") == "" {
				t.Error("415 without Accept-Post")
			}
		})
	}
}

func TestRateLimitPerClientAndForm(t *testing.T) {
	a := newAPI(t)
	post := func(form string) response {
		return a.do(a.request("POST", "/v1/submissions", ctJSON, validJSON, "X-Form-Key", form), docAccepts)
	}
	for i := range 2 {
		if r := post(slowFormKey); r.status != http.StatusAccepted {
			t.Fatalf("post %d within the limit: status %d", i, r.status)
		}
	}
	limited := post(slowFormKey)
	if limited.status != http.StatusTooManyRequests {
		t.Fatalf("third post in a minute: status %d, want 429", limited.status)
	}
	if ra, err := strconv.Atoi(limited.header.Get("Retry-After")); err != nil || ra != 30 {
		t.Errorf("Retry-After = %q, want 30 (one post per 30 s)", limited.header.Get("Retry-After"))
	}
	if r := post(jsonFormKey); r.status != http.StatusAccepted {
		t.Errorf("another form's limit was spent too: status %d", r.status)
	}
	a.clock.Advance(30 * time.Second)
	if r := post(slowFormKey); r.status != http.StatusAccepted {
		t.Errorf("after Retry-After: status %d", r.status)
	}
}

func TestHoneypotAnswersLikeSuccessButKeepsNothing(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		status  int
	}{
		{"plain HTML form", nil, http.StatusSeeOther},
		{"form post asking for JSON", []string{"Accept", "application/json"}, http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			f := validForm()
			f.Set("website", "http://spam.example")
			resp := a.do(a.request("POST", "/v1/submissions", ctForm, f.Encode(), tt.headers...), docAccepts)
			if resp.status != tt.status {
				t.Fatalf("status = %d, want %d", resp.status, tt.status)
			}
			if tt.status == http.StatusAccepted {
				id := decodeJSON[Accepted](t, resp.body).ID
				if _, err := a.store.GetSubmission(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("honeypot submission stored: %v", err)
				}
			}
			pending, _, err := a.store.PendingSubmissions(context.Background(), store.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != 0 || len(a.starter.started()) != 0 {
				t.Errorf("honeypot stored %d and started %d", len(pending), len(a.starter.started()))
			}
			logs := a.logs.String()
			if !strings.Contains(logs, `"msg":"honeypot"`) || strings.Contains(logs, "张三") || strings.Contains(logs, "spam.example") {
				t.Errorf("honeypot log wrong:\n%s", logs)
			}
		})
	}
}

func TestStartFailureStillAcceptsAndLogsOnlyTheID(t *testing.T) {
	a := newAPI(t)
	a.starter.fail = errors.New("state machine unavailable")
	resp := a.do(a.request("POST", "/v1/submissions", ctJSON, validJSON, "X-Form-Key", jsonFormKey), docAccepts)
	if resp.status != http.StatusAccepted {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	id := decodeJSON[Accepted](t, resp.body).ID
	got, err := a.store.GetSubmission(context.Background(), id)
	if err != nil || got.Status != store.StatusReceived {
		t.Fatalf("submission not left pending: %+v, %v", got, err)
	}
	logs := a.logs.String()
	if !strings.Contains(logs, id) || !strings.Contains(logs, "start workflow") {
		t.Errorf("start failure not logged with the submission ID:\n%s", logs)
	}
	for _, personal := range []string{"张三", "13800138000", "zhang@example.com"} {
		if strings.Contains(logs, personal) {
			t.Errorf("logs carry personal data %q", personal)
		}
	}
}

func TestCORSPreflight(t *testing.T) {
	tests := []struct {
		name, path, origin string
		wantACAO           string
	}{
		{"allowed origin on submissions", "/v1/submissions", allowed, allowed},
		{"allowed origin on a status", "/v1/submissions/01jzz0000000000000000000000", allowed, allowed},
		{"other origin", "/v1/submissions", "https://evil.example", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			resp := a.do(a.request("OPTIONS", tt.path, "", "", "Origin", tt.origin,
				"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type, x-form-key, idempotency-key"), docAccepts)
			if resp.status != http.StatusNoContent {
				t.Fatalf("status = %d", resp.status)
			}
			if got := resp.header.Get("Access-Control-Allow-Origin"); got != tt.wantACAO {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantACAO)
			}
			if !slices.Contains(resp.header.Values("Vary"), "Origin") {
				t.Errorf("Vary = %v, want Origin", resp.header.Values("Vary"))
			}
			if tt.wantACAO != "" {
				h := resp.header.Get("Access-Control-Allow-Headers")
				for _, want := range []string{"Content-Type", "X-Form-Key", "Idempotency-Key"} {
					if !strings.Contains(h, want) {
						t.Errorf("Access-Control-Allow-Headers = %q lacks %s", h, want)
					}
				}
			}
		})
	}
}

func TestBasePathIsStrippedAtSegmentBoundary(t *testing.T) {
	a := newAPI(t, func(c *Config, _ *Deps) { c.BasePaths = []string{"/prod/"} })
	resp := a.do(a.request("POST", "/prod/v1/submissions", ctJSON, validJSON, "X-Form-Key", jsonFormKey), docAccepts)
	if resp.status != http.StatusAccepted {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	acc := decodeJSON[Accepted](t, resp.body)
	if acc.StatusURL != "/prod/v1/submissions/"+acc.ID {
		t.Errorf("statusUrl = %q, want it under /prod", acc.StatusURL)
	}
	st := a.do(a.request("GET", acc.StatusURL, "", ""), docAccepts)
	if st.status != http.StatusOK {
		t.Errorf("status URL answers %d", st.status)
	}
	if r := a.do(a.request("GET", "/production/healthz", "", ""), docNoRoute); r.status != http.StatusNotFound {
		t.Errorf("/production/healthz = %d, want 404 (not a /prod prefix)", r.status)
	}
}

func TestPublicBaseURLPrefixesStatusURL(t *testing.T) {
	a := newAPI(t, func(c *Config, _ *Deps) { c.PublicBaseURL = "https://api.example.com/intake/" })
	resp := a.do(a.request("POST", "/v1/submissions", ctJSON, validJSON, "X-Form-Key", jsonFormKey), docAccepts)
	acc := decodeJSON[Accepted](t, resp.body)
	if acc.StatusURL != "https://api.example.com/intake/v1/submissions/"+acc.ID {
		t.Errorf("statusUrl = %q", acc.StatusURL)
	}
}
