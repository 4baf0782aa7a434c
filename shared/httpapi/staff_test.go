package httpapi

import (
	"context"
	"encoding/json"
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

// Fixture customers: existing is on file; possible was filed from a submission the matcher
// thought might be existing, which opened the review possibleReview.
const (
	existing       = "01jxa000000000000000000001"
	possible       = "01jxb000000000000000000002"
	possibleReview = possible // the workflow names a review after its submission
	other          = "01jxc000000000000000000003"
)

// fileFixture files customer id from a web-form submission of its own ID with the given
// name and phone; with a candidate, as a possible match of it, opening a review.
func fileFixture(t *testing.T, a *api, id, name, phone, candidate string) {
	t.Helper()
	ctx := context.Background()
	now := a.clock.Now()
	payload := customer.Submission{Channel: customer.ChannelWebForm, Kind: customer.KindPerson,
		Person: &customer.Person{Name: name, Phones: []string{phone}}}
	sub := store.Submission{ID: id, Status: store.StatusReceived, ReceivedAt: now, UpdatedAt: now, Payload: &payload}
	if _, _, err := a.store.CreateSubmission(ctx, sub); err != nil {
		t.Fatal(err)
	}
	prov := customer.Provenance{Channel: customer.ChannelWebForm, SubmissionID: id, CollectedAt: now, CollectedBy: "form:" + jsonFormKey}
	c := customer.Customer{ID: id, Kind: customer.KindPerson, CreatedAt: now, UpdatedAt: now, Version: 1, LastActivityAt: now,
		Attributes: payload.Attributes(prov), Submissions: []string{id}}
	sub.Status = store.StatusFiled
	sub.Outcome = &store.Outcome{CustomerID: id, Decision: customer.DecisionNew}
	f := store.Filing{
		Submission: sub, Customer: c, NewCustomer: true,
		Keys:    []customer.LookupKey{{Kind: "phone", Hash: "h-" + id, Unique: true}},
		History: customer.HistoryEntry{CustomerID: id, SubmissionID: id, At: now, Channel: customer.ChannelWebForm, Decision: customer.DecisionNew},
		Audit:   store.AuditEntry{ID: "file-" + id, At: now, Actor: "workflow", Action: "submission.filed", CustomerID: id, SubmissionID: id},
	}
	if candidate != "" {
		expl := &customer.Explanation{RulesVersion: "m1", CandidateID: candidate, Total: 0.75, Upper: 0.9, Lower: 0.6, Candidates: 1,
			Fields: []customer.Comparison{{Field: "person.name", Similarity: 1, Weight: 2, Outcome: "agree"}}}
		f.Review = &store.Review{ID: id, SubmissionID: id, CustomerID: id, CandidateID: candidate, Status: store.ReviewOpen, Explanation: expl, CreatedAt: now}
		f.Submission.Status = store.StatusReview
		f.Submission.Outcome = &store.Outcome{CustomerID: id, Decision: customer.DecisionPossible, Explanation: expl, ReviewID: id}
		f.History.Decision = customer.DecisionPossible
	}
	if err := a.store.File(ctx, f); err != nil {
		t.Fatal(err)
	}
	a.clock.Advance(time.Minute)
}

// reviewWorld files existing and possible (a possible match of existing).
func reviewWorld(t *testing.T) *api {
	t.Helper()
	a := newAPI(t)
	fileFixture(t, a, existing, "张三", "+8613800138000", "")
	fileFixture(t, a, possible, "张三", "+8613900139000", existing)
	return a
}

func visitorToken(t *testing.T) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "intake-local", "sub": "visitor", "exp": time.Now().Add(time.Hour).Unix(), "scope": "openid",
	}).SignedString(signingKey)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// asStaff sends a staff request with a JSON body (none when body is "") and checks it
// against the OpenAPI document as want says.
func (a *api) asStaff(method, path, body string, want docAgrees) response {
	a.t.Helper()
	ct := ""
	if body != "" {
		ct = ctJSON
	}
	return a.do(a.request(method, path, ct, body, "Authorization", "Bearer "+a.staffToken("desk-7")), want)
}

func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.status, status, r.body)
	}
}

func wantProblem(t *testing.T, what string, r response, status int, slug string) {
	t.Helper()
	wantStatus(t, what, r, status)
	p := decodeJSON[Problem](t, r.body)
	if p.Type != ProblemTypeBase+slug || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s: problem %s (%s), want %s", what, p.Type, r.header.Get("Content-Type"), slug)
	}
}

func TestStaffRoutesNeedAStaffToken(t *testing.T) {
	a := reviewWorld(t)
	routes := []struct{ method, path, body string }{
		{"GET", "/v1/reviews", ""},
		{"GET", "/v1/reviews/" + possibleReview, ""},
		{"POST", "/v1/reviews/" + possibleReview + "/decision", `{"decision":"distinct"}`},
		{"GET", "/v1/customers?flag=refresh_due", ""},
		{"POST", "/v1/customers/" + existing + "/consent/withdraw", `{}`},
		{"POST", "/v1/customers/" + existing + "/relationship/end", `{}`},
		{"POST", "/v1/submissions/" + existing + "/redrive", ""},
	}
	for _, rt := range routes {
		for _, tc := range []struct {
			name   string
			auth   string
			status int
			slug   string
		}{
			{"no token", "", http.StatusUnauthorized, "unauthorized"},
			{"invalid token", "Bearer abc.def.ghi", http.StatusUnauthorized, "unauthorized"},
			{"token without staff access", "Bearer " + visitorToken(t), http.StatusForbidden, "forbidden"},
		} {
			t.Run(rt.method+" "+rt.path+"/"+tc.name, func(t *testing.T) {
				var headers []string
				if tc.auth != "" {
					headers = []string{"Authorization", tc.auth}
				}
				ct := ""
				if rt.body != "" {
					ct = ctJSON
				}
				r := a.do(a.request(rt.method, rt.path, ct, rt.body, headers...), docAccepts)
				wantProblem(t, "refused", r, tc.status, tc.slug)
				if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
				}
			})
		}
	}
	if r, err := a.store.GetReview(context.Background(), possibleReview); err != nil || r.Status != store.ReviewOpen {
		t.Errorf("a refused request changed the review: %+v %v", r, err)
	}
	if len(a.starter.started()) != 0 {
		t.Errorf("a refused request started workflows: %v", a.starter.started())
	}
}

func TestStaffRoutesRefuseOtherMethods(t *testing.T) {
	a := newAPI(t)
	for _, tc := range []struct{ method, path, allow string }{
		{"DELETE", "/v1/reviews", "GET, HEAD"},
		{"POST", "/v1/reviews/" + possibleReview, "GET, HEAD"},
		{"GET", "/v1/reviews/" + possibleReview + "/decision", "POST"},
		{"PUT", "/v1/customers", "GET, HEAD"},
		{"GET", "/v1/customers/" + existing + "/consent/withdraw", "POST"},
		{"GET", "/v1/customers/" + existing + "/relationship/end", "POST"},
		{"GET", "/v1/submissions/" + existing + "/redrive", "POST"},
	} {
		r := a.do(a.request(tc.method, tc.path, "", ""), docNoRoute)
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 Allow %q", tc.method, tc.path, r.status, r.header.Get("Allow"), tc.allow)
		}
	}
}

func TestReviewQueueListsByStatusAPageAtATime(t *testing.T) {
	a := reviewWorld(t)
	fileFixture(t, a, other, "李四", "+8613700137000", existing)
	third := "01jxd000000000000000000004"
	fileFixture(t, a, third, "王五", "+8613600136000", other)
	if r := a.asStaff("POST", "/v1/reviews/"+third+"/decision", `{"decision":"distinct"}`, docAccepts); r.status != http.StatusOK {
		t.Fatalf("decide: %d %s", r.status, r.body)
	}

	first := a.asStaff("GET", "/v1/reviews?limit=1", "", docAccepts)
	wantStatus(t, "first page", first, http.StatusOK)
	p1 := decodeJSON[Page[store.Review]](t, first.body)
	if len(p1.Items) != 1 || p1.Next == "" {
		t.Fatalf("first page: %+v", p1)
	}
	second := a.asStaff("GET", "/v1/reviews?status=open&limit=1&cursor="+p1.Next, "", docAccepts)
	wantStatus(t, "second page", second, http.StatusOK)
	p2 := decodeJSON[Page[store.Review]](t, second.body)
	if got := []string{p1.Items[0].ID, p2.Items[0].ID}; len(p2.Items) != 1 || p2.Next != "" || !slices.Equal(got, []string{possible, other}) {
		t.Errorf("open reviews: %v next %q, want [%s %s]", got, p2.Next, possible, other)
	}
	distinct := decodeJSON[Page[store.Review]](t, a.asStaff("GET", "/v1/reviews?status=distinct", "", docAccepts).body)
	if len(distinct.Items) != 1 || distinct.Items[0].ID != third || distinct.Items[0].DecidedBy != "desk-7" {
		t.Errorf("distinct reviews: %+v", distinct.Items)
	}
	if merged := a.asStaff("GET", "/v1/reviews?status=merged", "", docAccepts); !strings.Contains(string(merged.body), `"items":[]`) {
		t.Errorf("merged reviews: %s", merged.body)
	}

	for _, tc := range []struct {
		query string
		doc   docAgrees
	}{
		{"status=pending", docRejects},
		{"limit=0", docRejects},
		{"limit=many", docRejects},
		{"limit=1001", docRejects},
		{"cursor=bm90LWEtY3Vyc29y", docAccepts},
	} {
		r := a.asStaff("GET", "/v1/reviews?"+tc.query, "", tc.doc)
		wantProblem(t, tc.query, r, http.StatusBadRequest, "malformed")
	}
}

func TestReviewShowsBothCustomersSideBySide(t *testing.T) {
	a := reviewWorld(t)
	r := a.asStaff("GET", "/v1/reviews/"+possibleReview, "", docAccepts)
	wantStatus(t, "review", r, http.StatusOK)
	d := decodeJSON[ReviewDetail](t, r.body)
	if d.Review.Explanation == nil || d.Review.Explanation.Total != 0.75 || len(d.Review.Explanation.Fields) != 1 {
		t.Errorf("explanation: %+v", d.Review.Explanation)
	}
	for _, side := range []struct {
		name  string
		view  *CustomerView
		id    string
		phone string
	}{{"customer", d.Customer, possible, "+8613900139000"}, {"candidate", d.Candidate, existing, "+8613800138000"}} {
		if side.view == nil || side.view.Customer.ID != side.id {
			t.Fatalf("%s: %+v", side.name, side.view)
		}
		if p := side.view.View.Person; p == nil || p.Name != "张三" || !slices.Equal(p.Phones, []string{side.phone}) {
			t.Errorf("%s view: %+v", side.name, side.view.View.Person)
		}
		for _, attr := range side.view.Customer.Attributes {
			if attr.SubmissionID != side.id || attr.Channel != customer.ChannelWebForm {
				t.Errorf("%s attribute without its provenance: %+v", side.name, attr)
			}
		}
		if len(side.view.History) != 1 {
			t.Errorf("%s history: %+v", side.name, side.view.History)
		}
	}
	for _, id := range []string{"01jx0000000000000000000099", "not%20an%20id"} {
		wantProblem(t, id, a.asStaff("GET", "/v1/reviews/"+id, "", docCannotTell), http.StatusNotFound, "not-found")
	}
}

func TestMergeDecisionJoinsTheCustomersAndRescores(t *testing.T) {
	a := reviewWorld(t)
	a.clock.Advance(time.Hour)
	decidedAt := a.clock.Now()
	r := a.asStaff("POST", "/v1/reviews/"+possibleReview+"/decision", `{"decision":"merge","note":"同一人，电话已核实"}`, docAccepts)
	wantStatus(t, "merge", r, http.StatusOK)
	decided := decodeJSON[store.Review](t, r.body)
	if decided.Status != store.ReviewMerged || decided.DecidedBy != "desk-7" || decided.Note != "同一人，电话已核实" ||
		decided.DecidedAt == nil || !decided.DecidedAt.Equal(decidedAt) {
		t.Errorf("decided review: %+v", decided)
	}

	wantProblem(t, "merged-away customer", a.asStaff("GET", "/v1/customers/"+possible, "", docAccepts), http.StatusNotFound, "not-found")
	got := a.asStaff("GET", "/v1/customers/"+existing, "", docAccepts)
	wantStatus(t, "surviving customer", got, http.StatusOK)
	v := decodeJSON[CustomerView](t, got.body)
	if p := v.View.Person; p == nil || !slices.Equal(p.Phones, []string{"+8613900139000", "+8613800138000"}) {
		t.Errorf("merged view: %+v", v.View.Person)
	}
	if len(v.History) != 2 || !slices.Equal(v.Customer.Submissions, []string{existing, possible}) {
		t.Errorf("merged history %d entries, submissions %v", len(v.History), v.Customer.Submissions)
	}
	if v.Customer.Scores == nil || !v.Customer.Scores.ComputedAt.Equal(decidedAt) || v.Customer.RefreshDueAt == nil {
		t.Errorf("merged customer not rescored: scores %+v refreshDueAt %v", v.Customer.Scores, v.Customer.RefreshDueAt)
	}
	status := decodeJSON[SubmissionStatus](t, a.do(a.request("GET", "/v1/submissions/"+possible, "", ""), docAccepts).body)
	if status.CustomerID != existing {
		t.Errorf("the merged submission now names customer %s", status.CustomerID)
	}
	entries, _, err := a.store.ListAudit(context.Background(), store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Action != "customer.merged" || last.Actor != "desk-7" || last.Detail["from"] != possible {
		t.Errorf("audit entry: %+v", last)
	}
	if raw, _ := json.Marshal(last); strings.Contains(string(raw), "电话") || strings.Contains(string(raw), "张三") {
		t.Errorf("audit entry holds the note or personal data: %s", raw)
	}

	a.clock.Advance(time.Hour)
	again := a.asStaff("POST", "/v1/reviews/"+possibleReview+"/decision", `{"decision":"merge"}`, docAccepts)
	wantStatus(t, "the same decision again", again, http.StatusOK)
	if d := decodeJSON[store.Review](t, again.body); d.Version != decided.Version || d.Note != decided.Note {
		t.Errorf("repeated decision changed the review: %+v", d)
	}
	after := decodeJSON[CustomerView](t, a.asStaff("GET", "/v1/customers/"+existing, "", docAccepts).body)
	if after.Customer.Version != v.Customer.Version {
		t.Errorf("repeated decision rescored again: version %d, was %d", after.Customer.Version, v.Customer.Version)
	}
	wantProblem(t, "the other decision", a.asStaff("POST", "/v1/reviews/"+possibleReview+"/decision", `{"decision":"distinct"}`, docAccepts),
		http.StatusConflict, "wrong-state")
}

func TestDistinctDecisionIsRemembered(t *testing.T) {
	a := reviewWorld(t)
	r := a.asStaff("POST", "/v1/reviews/"+possibleReview+"/decision", `{"decision":"distinct"}`, docAccepts)
	wantStatus(t, "distinct", r, http.StatusOK)
	if d := decodeJSON[store.Review](t, r.body); d.Status != store.ReviewDistinct || d.DecidedBy != "desk-7" {
		t.Errorf("decided review: %+v", d)
	}
	for _, pair := range [][2]string{{possible, existing}, {existing, possible}} {
		if ok, err := a.store.Distinct(context.Background(), pair[0], pair[1]); err != nil || !ok {
			t.Errorf("Distinct(%s, %s) = %v, %v", pair[0], pair[1], ok, err)
		}
	}
	for _, id := range []string{possible, existing} {
		wantStatus(t, "customer "+id, a.asStaff("GET", "/v1/customers/"+id, "", docAccepts), http.StatusOK)
	}
	wantStatus(t, "again", a.asStaff("POST", "/v1/reviews/"+possibleReview+"/decision", `{"decision":"distinct"}`, docAccepts), http.StatusOK)
	wantProblem(t, "merge after distinct", a.asStaff("POST", "/v1/reviews/"+possibleReview+"/decision", `{"decision":"merge"}`, docAccepts),
		http.StatusConflict, "wrong-state")
}

func TestMergeOfAPairMarkedDistinctIsRefused(t *testing.T) {
	a := reviewWorld(t)
	if err := a.store.MarkDistinct(context.Background(), existing, possible); err != nil {
		t.Fatal(err)
	}
	r := a.asStaff("POST", "/v1/reviews/"+possibleReview+"/decision", `{"decision":"merge"}`, docAccepts)
	wantProblem(t, "merge", r, http.StatusConflict, "wrong-state")
	if _, err := a.store.GetCustomer(context.Background(), possible); err != nil {
		t.Errorf("the refused merge removed the customer: %v", err)
	}
}

func TestDecisionBodies(t *testing.T) {
	a := reviewWorld(t)
	path := "/v1/reviews/" + possibleReview + "/decision"
	tests := []struct {
		name, contentType, body string
		doc                     docAgrees
		status                  int
		slug                    string
		field                   string
	}{
		{"not JSON", ctJSON, `merge`, docRejects, http.StatusBadRequest, "malformed", ""},
		{"unknown field", ctJSON, `{"decision":"merge","reason":"x"}`, docRejects, http.StatusBadRequest, "malformed", "reason"},
		{"wrong type", ctJSON, `{"decision":1}`, docRejects, http.StatusBadRequest, "malformed", "decision"},
		{"data after the object", ctJSON, `{"decision":"merge"} {}`, docCannotTell, http.StatusBadRequest, "malformed", ""},
		{"no decision", ctJSON, `{}`, docRejects, http.StatusUnprocessableEntity, "invalid-request", "decision"},
		{"unknown decision", ctJSON, `{"decision":"maybe"}`, docRejects, http.StatusUnprocessableEntity, "invalid-request", "decision"},
		{"note too long", ctJSON, `{"decision":"distinct","note":"` + strings.Repeat("长", maxNoteRunes+1) + `"}`, docRejects, http.StatusUnprocessableEntity, "invalid-request", "note"},
		{"not JSON content", "text/plain", `{"decision":"merge"}`, docRejects, http.StatusUnsupportedMediaType, "unsupported-media-type", ""},
		{"too large", ctJSON, `{"decision":"merge","note":"` + strings.Repeat("x", DefaultMaxBodyBytes) + `"}`, docRejects, http.StatusRequestEntityTooLarge, "too-large", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.do(a.request("POST", path, tt.contentType, tt.body, "Authorization", "Bearer "+a.staffToken("desk-7")), tt.doc)
			wantProblem(t, tt.name, r, tt.status, tt.slug)
			if tt.field != "" {
				p := decodeJSON[Problem](t, r.body)
				if len(p.Errors) != 1 || p.Errors[0].Path != tt.field || p.Errors[0].Zh == "" {
					t.Errorf("field errors %+v, want one at %s", p.Errors, tt.field)
				}
			}
		})
	}
	wantProblem(t, "unknown review", a.asStaff("POST", "/v1/reviews/01jx0000000000000000000099/decision", `{"decision":"merge"}`, docAccepts),
		http.StatusNotFound, "not-found")
	if rv, err := a.store.GetReview(context.Background(), possibleReview); err != nil || rv.Status != store.ReviewOpen {
		t.Errorf("a refused decision changed the review: %+v %v", rv, err)
	}
}

// TestStaffSchemasMatchTheGoTypes holds the staff routes' schemas to the JSON of their Go
// types, as TestDocumentSchemasMatchTheGoTypes does for the rest.
func TestStaffSchemasMatchTheGoTypes(t *testing.T) {
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
	for name, typ := range map[string]reflect.Type{
		"Review": reflect.TypeFor[store.Review](), "ReviewPage": reflect.TypeFor[Page[store.Review]](),
		"ReviewDetail": reflect.TypeFor[ReviewDetail](), "DecisionRequest": reflect.TypeFor[DecisionRequest](),
		"CustomerDue": reflect.TypeFor[CustomerDue](), "CustomerDuePage": reflect.TypeFor[Page[CustomerDue]](),
		"DatedRequest": reflect.TypeFor[DatedRequest](),
	} {
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
		if inGo := jsonNames(typ); !slices.Equal(inDoc, inGo) {
			t.Errorf("schema %s has %v, Go type has %v", name, inDoc, inGo)
		}
	}
}
