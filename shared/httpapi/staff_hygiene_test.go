package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/store"
)

func TestFlaggedCustomersAreListedWithTheirReasons(t *testing.T) {
	a := reviewWorld(t)
	fileFixture(t, a, other, "李四", "+8613700137000", "")
	due := a.clock.Now().AddDate(0, 1, 0)
	for _, id := range []string{existing, other} {
		if _, err := a.store.UpdateCustomer(context.Background(), id, func(c *customer.Customer) error {
			c.Flag, c.FlagReasons, c.RefreshDueAt = customer.FlagRefreshDue, []string{"mandatory_missing"}, &due
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	cursor := ""
	for range 3 {
		r := a.asStaff("GET", "/v1/customers?flag=refresh_due&limit=1&cursor="+cursor, "", docAccepts)
		wantStatus(t, "flagged", r, http.StatusOK)
		for _, personal := range []string{"张三", "李四", "+86"} {
			if strings.Contains(string(r.body), personal) {
				t.Errorf("the listing carries personal data: %s", r.body)
			}
		}
		p := decodeJSON[Page[CustomerDue]](t, r.body)
		for _, c := range p.Items {
			if c.Flag != customer.FlagRefreshDue || len(c.FlagReasons) != 1 || c.RefreshDueAt == nil || !c.RefreshDueAt.Equal(due) {
				t.Errorf("flagged customer %+v", c)
			}
			ids = append(ids, c.ID)
		}
		if cursor = p.Next; cursor == "" {
			break
		}
	}
	if strings.Join(ids, ",") != existing+","+other {
		t.Errorf("flagged customers %v, want %s and %s", ids, existing, other)
	}
	all := decodeJSON[Page[CustomerDue]](t, a.asStaff("GET", "/v1/customers", "", docAccepts).body)
	if len(all.Items) != 3 {
		t.Errorf("all customers: %+v", all.Items)
	}
	wantProblem(t, "unknown flag", a.asStaff("GET", "/v1/customers?flag=stale", "", docRejects), http.StatusBadRequest, "malformed")
}

func TestConsentWithdrawalAndRelationshipEndSetTheDueDates(t *testing.T) {
	policy := hygiene.DefaultPolicy()
	earlier := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name, route, body string
		action            string
		at                func(now time.Time) time.Time
		purgeAfter        func(at time.Time) time.Time
		recorded          func(c CustomerDue) *time.Time
	}{
		{"consent withdrawn now", "consent/withdraw", "", hygiene.ActionConsent,
			func(now time.Time) time.Time { return now },
			func(at time.Time) time.Time { return at.AddDate(0, 0, policy.Purge.ConsentWithdrawnDays) },
			func(c CustomerDue) *time.Time { return c.ConsentWithdrawnAt }},
		{"consent withdrawn at a given time", "consent/withdraw", `{"at":"2026-05-01T16:00:00+08:00"}`, hygiene.ActionConsent,
			func(time.Time) time.Time { return earlier },
			func(at time.Time) time.Time { return at.AddDate(0, 0, policy.Purge.ConsentWithdrawnDays) },
			func(c CustomerDue) *time.Time { return c.ConsentWithdrawnAt }},
		{"relationship ended now", "relationship/end", `{}`, hygiene.ActionEnded,
			func(now time.Time) time.Time { return now },
			func(at time.Time) time.Time { return at.AddDate(policy.Purge.RelationshipEndedYears, 0, 0) },
			func(c CustomerDue) *time.Time { return c.RelationshipEndedAt }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := reviewWorld(t)
			now := a.clock.Now()
			r := a.asStaff("POST", "/v1/customers/"+existing+"/"+tt.route, tt.body, docAccepts)
			wantStatus(t, tt.route, r, http.StatusOK)
			c := decodeJSON[CustomerDue](t, r.body)
			at := tt.at(now)
			if got := tt.recorded(c); got == nil || !got.Equal(at) {
				t.Errorf("recorded %v, want %v", got, at)
			}
			if c.PurgeDueAt == nil || c.PurgeDueAt.After(tt.purgeAfter(at)) {
				t.Errorf("purge due %v, want by %v", c.PurgeDueAt, tt.purgeAfter(at))
			}
			stored, err := a.store.GetCustomer(context.Background(), existing)
			if err != nil || stored.PurgeDueAt == nil || !stored.PurgeDueAt.Equal(*c.PurgeDueAt) {
				t.Errorf("stored purge due %v (err %v), answered %v", stored.PurgeDueAt, err, c.PurgeDueAt)
			}
			entries, _, err := a.store.ListAudit(context.Background(), store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(entries, func(e store.AuditEntry) bool {
				return e.Action == tt.action && e.Actor == "desk-7" && e.CustomerID == existing && e.At.Equal(at)
			}) {
				t.Errorf("no %s audit entry by desk-7 in %+v", tt.action, entries)
			}
		})
	}
}

func TestDatedRequestsRefuseBadBodies(t *testing.T) {
	a := reviewWorld(t)
	for _, route := range []string{"consent/withdraw", "relationship/end"} {
		path := "/v1/customers/" + existing + "/" + route
		for _, tt := range []struct {
			name, contentType, body string
			doc                     docAgrees
			status                  int
			slug                    string
		}{
			{"in the future", ctJSON, `{"at":"2030-01-01T00:00:00Z"}`, docAccepts, http.StatusUnprocessableEntity, "invalid-request"},
			{"not a time", ctJSON, `{"at":"yesterday"}`, docCannotTell, http.StatusUnprocessableEntity, "invalid-request"},
			{"unknown field", ctJSON, `{"when":"2026-05-01T00:00:00Z"}`, docRejects, http.StatusBadRequest, "malformed"},
			{"not JSON", ctJSON, `at=now`, docRejects, http.StatusBadRequest, "malformed"},
			{"form data", "application/x-www-form-urlencoded", `at=now`, docRejects, http.StatusUnsupportedMediaType, "unsupported-media-type"},
		} {
			t.Run(route+"/"+tt.name, func(t *testing.T) {
				r := a.do(a.request("POST", path, tt.contentType, tt.body, "Authorization", "Bearer "+a.staffToken("desk-7")), tt.doc)
				wantProblem(t, tt.name, r, tt.status, tt.slug)
			})
		}
		wantProblem(t, "unknown customer", a.asStaff("POST", "/v1/customers/01jx0000000000000000000099/"+route, "", docAccepts),
			http.StatusNotFound, "not-found")
	}
	c, err := a.store.GetCustomer(context.Background(), existing)
	if err != nil || c.ConsentWithdrawnAt != nil || c.RelationshipEndedAt != nil {
		t.Errorf("refused requests recorded something: %+v %v", c, err)
	}
}

// failSubmission stores a submission the workflow gave up on.
func failSubmission(t *testing.T, a *api, id string) {
	t.Helper()
	now := a.clock.Now()
	sub := store.Submission{ID: id, Status: store.StatusReceived, ReceivedAt: now, UpdatedAt: now,
		Payload: &customer.Submission{Channel: customer.ChannelWebForm, Kind: customer.KindPerson, Person: &customer.Person{Name: "赵六"}}}
	if _, _, err := a.store.CreateSubmission(context.Background(), sub); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.UpdateSubmission(context.Background(), id, func(s *store.Submission) error {
		s.Status = store.StatusFailed
		s.Outcome = &store.Outcome{Failure: &store.Failure{Error: "States.TaskFailed", Cause: "dedupe: store unavailable"}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestRedriveSendsAFailedSubmissionThroughAgain(t *testing.T) {
	a := reviewWorld(t)
	failed := "01jxf000000000000000000009"
	failSubmission(t, a, failed)

	r := a.asStaff("POST", "/v1/submissions/"+failed+"/redrive", "", docAccepts)
	wantStatus(t, "redrive", r, http.StatusAccepted)
	acc := decodeJSON[Accepted](t, r.body)
	if acc.ID != failed || acc.Status != store.StatusReceived || r.header.Get("Location") != "/v1/submissions/"+failed {
		t.Errorf("answer %+v, Location %q", acc, r.header.Get("Location"))
	}
	sub, err := a.store.GetSubmission(context.Background(), failed)
	if err != nil || sub.Status != store.StatusReceived || sub.Outcome != nil {
		t.Errorf("stored submission: %+v %v", sub, err)
	}
	if got := a.starter.started(); len(got) != 1 || got[0] != failed {
		t.Errorf("started %v", got)
	}
	entries, _, err := a.store.ListAudit(context.Background(), store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Action != "submission.redriven" || last.SubmissionID != failed || last.Detail["error"] != "States.TaskFailed" || last.Actor != "desk-7" {
		t.Errorf("audit entry %+v", last)
	}

	for _, tc := range []struct{ name, id string }{
		{"a second re-drive", failed},
		{"a filed submission", existing},
		{"a submission in review", possible},
	} {
		wantProblem(t, tc.name, a.asStaff("POST", "/v1/submissions/"+tc.id+"/redrive", "", docAccepts), http.StatusConflict, "wrong-state")
	}
	wantProblem(t, "unknown submission", a.asStaff("POST", "/v1/submissions/01jx0000000000000000000099/redrive", "", docAccepts),
		http.StatusNotFound, "not-found")
	if got := a.starter.started(); len(got) != 1 {
		t.Errorf("refused re-drives started workflows: %v", got)
	}
}

func TestRedriveAnswersEvenWhenTheStartFails(t *testing.T) {
	a := newAPI(t)
	a.starter.fail = errors.New("state machine unavailable")
	failed := "01jxf000000000000000000009"
	failSubmission(t, a, failed)
	wantStatus(t, "redrive", a.asStaff("POST", "/v1/submissions/"+failed+"/redrive", "", docAccepts), http.StatusAccepted)
	if sub, err := a.store.GetSubmission(context.Background(), failed); err != nil || sub.Status != store.StatusReceived {
		t.Errorf("the submission is not pending for the runner's re-drive: %+v %v", sub, err)
	}
	if !strings.Contains(a.logs.String(), `"submissionId":"`+failed+`"`) {
		t.Errorf("the failed start is not logged with the submission ID: %s", a.logs.String())
	}
}
