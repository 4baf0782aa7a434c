package steps_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/lookupkey"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

type fixture struct {
	t     *testing.T
	st    store.Store
	steps *steps.Steps
	ctx   context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, _ := lookupkey.New(bytes.Repeat([]byte{7}, 32))
	m, err := match.NewDefault()
	if err != nil {
		t.Fatal(err)
	}
	s, err := steps.New(steps.Deps{Store: st, Keys: keys, Matcher: m, Scorer: score.Default(), Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, st: st, steps: s, ctx: context.Background()}
}

func person(id, name, phone string) *customer.Submission {
	return &customer.Submission{
		SourceRef: "ref-" + id, Channel: customer.ChannelStaffEntry, Kind: customer.KindPerson,
		Person: &customer.Person{
			Name: name, Gender: "female", BirthDate: "1949-12-31",
			IDDocument: &customer.IDDocument{Type: customer.DocCNResidentID, Number: "11010519491231002X", ExpiresOn: "2036-01-01"},
			Phones:     []string{phone},
		},
	}
}

// receive stores a submission as the API would.
func (f *fixture) receive(id string, payload *customer.Submission) {
	f.t.Helper()
	_, _, err := f.st.CreateSubmission(f.ctx, store.Submission{ID: id, Status: store.StatusReceived, ReceivedAt: now, UpdatedAt: now, Payload: payload})
	if err != nil {
		f.t.Fatal(err)
	}
}

// run takes a submission through the steps in the order the state machine does.
func (f *fixture) run(id string) steps.Result {
	f.t.Helper()
	r, err := runSteps(f.ctx, f.steps, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// runSteps takes a stored submission through the steps in the order the state machine does.
func runSteps(ctx context.Context, s *steps.Steps, id string) (steps.Result, error) {
	in := steps.Input{SubmissionID: id}
	v, err := s.Validate(ctx, in)
	if err != nil {
		return steps.Result{}, err
	}
	if !v.Valid {
		return s.MarkRejected(ctx, steps.RejectInput{SubmissionID: id, Validation: v})
	}
	d, err := s.Dedupe(ctx, in)
	if err != nil {
		return steps.Result{}, err
	}
	sc, err := s.Score(ctx, steps.ScoreInput{SubmissionID: id, Dedupe: d})
	if err != nil {
		return steps.Result{}, err
	}
	return s.File(ctx, steps.FileInput{SubmissionID: id, Dedupe: d, Score: sc})
}

func (f *fixture) dedupe(id string) steps.Dedupe {
	f.t.Helper()
	d, err := f.steps.Dedupe(f.ctx, steps.Input{SubmissionID: id})
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func (f *fixture) customers() []customer.Customer {
	f.t.Helper()
	list, _, err := f.st.ListCustomers(f.ctx, customer.FlagNone, store.Page{Limit: 100})
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

func TestNewSubmissionIsFiledAsNewCustomerWithScoresAndHistory(t *testing.T) {
	f := newFixture(t)
	f.receive("s1", person("1", "张三", "13800138000"))

	r := f.run("s1")
	if r.Status != store.StatusFiled || r.Decision != customer.DecisionNew || r.CustomerID == "" {
		t.Fatalf("result = %+v, want FILED NEW with a customer", r)
	}
	c, err := f.st.GetCustomer(f.ctx, r.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Scores == nil || c.Scores.RulesVersion == "" || c.Scores.KYCRisk == nil {
		t.Fatalf("customer scores = %+v, want computed scores", c.Scores)
	}
	view := customer.View(c.Attributes)
	if view.Person == nil || view.Person.Phones[0] != "+8613800138000" {
		t.Fatalf("view = %+v, want the canonical E.164 phone", view.Person)
	}
	for _, k := range c.Keys {
		if bytes.Contains([]byte(k.Hash), []byte("13800138000")) {
			t.Fatal("a lookup key holds the raw phone number")
		}
	}
	sub, _ := f.st.GetSubmission(f.ctx, "s1")
	if sub.Outcome == nil || sub.Outcome.Scores == nil || sub.Outcome.Explanation == nil || sub.PayloadExpiresAt == nil {
		t.Fatalf("submission outcome = %+v, want scores, explanation and a payload expiry", sub.Outcome)
	}
	hist, _, _ := f.st.History(f.ctx, c.ID, store.Page{Limit: 10})
	if len(hist) != 1 || hist[0].SubmissionID != "s1" {
		t.Fatalf("history = %+v, want the one filing", hist)
	}
}

func TestSecondSubmissionOfSamePersonMergesIntoOneCustomer(t *testing.T) {
	f := newFixture(t)
	f.receive("s1", person("1", "张三", "13800138000"))
	first := f.run("s1")
	f.receive("s2", person("2", "张三", "13900139000"))
	second := f.run("s2")

	if second.Decision != customer.DecisionMatch || second.CustomerID != first.CustomerID {
		t.Fatalf("second = %+v, want MATCH on %s", second, first.CustomerID)
	}
	if n := len(f.customers()); n != 1 {
		t.Fatalf("%d customers, want 1", n)
	}
	c, _ := f.st.GetCustomer(f.ctx, first.CustomerID)
	if phones := customer.View(c.Attributes).Person.Phones; len(phones) != 2 {
		t.Fatalf("phones = %v, want both kept", phones)
	}
}

func TestInvalidSubmissionIsRejectedWithFieldErrorsAndNoPayload(t *testing.T) {
	f := newFixture(t)
	bad := person("1", "张三", "13800138000")
	bad.Person.IDDocument.Number = "110105194912310021" // wrong check character
	f.receive("s1", bad)

	r := f.run("s1")
	if r.Status != store.StatusRejected {
		t.Fatalf("status = %s, want REJECTED", r.Status)
	}
	sub, _ := f.st.GetSubmission(f.ctx, "s1")
	if sub.Payload != nil {
		t.Fatal("a rejected submission kept its payload")
	}
	if len(sub.Outcome.Errors) == 0 || sub.Outcome.Errors[0].Path != "person.idDocument.number" {
		t.Fatalf("errors = %+v, want one at person.idDocument.number", sub.Outcome.Errors)
	}
	if n := len(f.customers()); n != 0 {
		t.Fatalf("%d customers, want none", n)
	}
}

func TestEveryStepIsIdempotent(t *testing.T) {
	f := newFixture(t)
	f.receive("s1", person("1", "张三", "13800138000"))
	first := f.run("s1")
	again := f.run("s1")
	if again != first {
		t.Fatalf("re-run = %+v, want %+v", again, first)
	}
	if n := len(f.customers()); n != 1 {
		t.Fatalf("%d customers after a re-run, want 1", n)
	}
	// A late MarkFailed (a catch racing a success) leaves the filed submission alone.
	if _, err := f.steps.MarkFailed(f.ctx, steps.FailInput{SubmissionID: "s1", Error: store.Failure{Error: "States.Timeout"}}); err != nil {
		t.Fatal(err)
	}
	if sub, _ := f.st.GetSubmission(f.ctx, "s1"); sub.Status != store.StatusFiled {
		t.Fatalf("status = %s after a late MarkFailed, want FILED", sub.Status)
	}
}

func TestFilingsRacingOnOneIdentityNumberEndAsOneCustomer(t *testing.T) {
	f := newFixture(t)
	const n = 4
	var ids []string
	for i := range n {
		id := string(rune('a'+i)) + "-racer"
		f.receive(id, person(id, "张三", "1380013800"+string(rune('0'+i))))
		ids = append(ids, id)
	}
	// Every submission is decided before any is filed: all see an empty store.
	decisions := map[string]steps.Dedupe{}
	for _, id := range ids {
		d := f.dedupe(id)
		if d.Decision != customer.DecisionNew {
			t.Fatalf("%s decided %s before any filing, want NEW", id, d.Decision)
		}
		decisions[id] = d
	}
	var wg sync.WaitGroup
	results := make([]steps.Result, n)
	errs := make([]error, n)
	for i, id := range ids {
		wg.Go(func() {
			results[i], errs[i] = f.steps.File(f.ctx, steps.FileInput{SubmissionID: id, Dedupe: decisions[id]})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", ids[i], err)
		}
	}
	if got := len(f.customers()); got != 1 {
		t.Fatalf("%d customers, want 1", got)
	}
	for _, r := range results {
		if r.CustomerID != results[0].CustomerID {
			t.Fatalf("results name different customers: %+v", results)
		}
	}
}

func TestIdentifierOwnedByAnotherCustomerOpensReviewInsteadOfSilentDuplicate(t *testing.T) {
	f := newFixture(t)
	f.receive("s1", person("1", "张三", "13800138000"))
	first := f.run("s1")
	// Someone else, with a different identity document, gives the same phone number.
	other := &customer.Submission{
		Channel: customer.ChannelStaffEntry, Kind: customer.KindPerson,
		Person: &customer.Person{Name: "Maria Rossi", BirthDate: "1980-05-05", Phones: []string{"13800138000"},
			IDDocument: &customer.IDDocument{Type: customer.DocPassport, Number: "YA1234567", IssuingCountry: "IT", ExpiresOn: "2030-01-01"}},
	}
	f.receive("s2", other)
	r := f.run("s2")
	if r.CustomerID == first.CustomerID {
		t.Fatal("a different person was merged on a shared phone number")
	}
	if r.Status != store.StatusReview || r.ReviewID == "" {
		t.Fatalf("result = %+v, want REVIEW with a review item", r)
	}
	rev, err := f.st.GetReview(f.ctx, r.ReviewID)
	if err != nil {
		t.Fatal(err)
	}
	if rev.CandidateID != first.CustomerID || rev.Status != store.ReviewOpen {
		t.Fatalf("review = %+v, want open against %s", rev, first.CustomerID)
	}
}

func TestUnknownSubmissionIsNotRetried(t *testing.T) {
	f := newFixture(t)
	_, err := f.steps.Validate(f.ctx, steps.Input{SubmissionID: "missing"})
	var tr *steps.Transient
	if err == nil || errors.As(err, &tr) || !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v, want a permanent not-found error", err)
	}
}

func TestPairMarkedDistinctIsNeverProposedAgain(t *testing.T) {
	f := newFixture(t)
	f.receive("s1", person("1", "张三", "13800138000"))
	first := f.run("s1")
	other := func(id string) *customer.Submission {
		return &customer.Submission{
			Channel: customer.ChannelStaffEntry, Kind: customer.KindPerson,
			Person: &customer.Person{Name: "Maria Rossi", BirthDate: "1980-05-05", Phones: []string{"13800138000"},
				IDDocument: &customer.IDDocument{Type: customer.DocPassport, Number: "YA1234567", IssuingCountry: "IT", ExpiresOn: "2030-01-01"}},
		}
	}
	f.receive("s2", other("2"))
	second := f.run("s2")
	if second.Status != store.StatusReview {
		t.Fatalf("second = %+v, want a review against the phone's owner", second)
	}
	if err := f.st.MarkDistinct(f.ctx, first.CustomerID, second.CustomerID); err != nil {
		t.Fatal(err)
	}
	// The same person again, with her passport: her own customer, and no new review with
	// the customer staff said she is not.
	f.receive("s3", other("3"))
	third := f.run("s3")
	if third.CustomerID != second.CustomerID || third.Status != store.StatusFiled {
		t.Fatalf("third = %+v, want FILED on %s", third, second.CustomerID)
	}
}
