package hygiene_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
	"github.com/intake-project/intake/shared/store/storetest"
)

var _ storetest.Dumper = (*embedded.Store)(nil)

// marked gives a submission personal values unique to customer n, so a purge test can tell
// whose data is left.
func marked(sub customer.Submission, n int) customer.Submission {
	p := *sub.Person
	p.Name = fmt.Sprintf("顾客%03d", n)
	p.Phones = []string{fmt.Sprintf("+86139%08d", n)}
	sub.Person = &p
	return sub
}

func markersOf(n int) []string {
	return []string{fmt.Sprintf("顾客%03d", n), fmt.Sprintf("+86139%08d", n)}
}

// sweepFixture files one customer per refresh reason, one not due and one due later. Each was
// filed (and its due dates set) on its last activity.
func sweepFixture(t *testing.T, st store.Store, p *hygiene.Policy) map[string][]string {
	t.Helper()
	expiring := now.AddDate(0, 0, 10).Format(time.DateOnly)
	missingRole := cardScan()
	card := *missingRole.Card
	card.Role = ""
	missingRole.Card = &card
	fixtures := []struct {
		c    customer.Customer
		want []string
	}{
		{customerOf("c-period", kycPerson(farExpiry), now.AddDate(0, -7, 0), "A"), []string{hygiene.CodeRefreshPeriod}},
		{customerOf("c-expired", kycPerson("2026-11-01"), now.AddDate(0, -2, 0), "B"), []string{hygiene.CodeDocumentExpired}},
		{customerOf("c-expiring", kycPerson(expiring), now.AddDate(0, -2, 0), "B"), []string{hygiene.CodeDocumentExpiring}},
		{customerOf("c-missing", withPerson(kycPerson(farExpiry), func(p *customer.Person) { p.Occupation = "" }), now.AddDate(0, 0, -3), "C"),
			[]string{hygiene.CodeMandatoryMissing}},
		{customerOf("c-card", missingRole, now.AddDate(0, 0, -1), "C"), []string{hygiene.CodeMandatoryMissing}},
		{customerOf("c-fine", kycPerson(farExpiry), now.AddDate(0, -1, 0), "C"), nil},
		{customerOf("c-later", kycPerson(farExpiry), now.AddDate(0, -5, 0), "A"), nil},
	}
	want := map[string][]string{}
	for _, f := range fixtures {
		file(t, st, p, f.c, f.c.LastActivityAt)
		if f.want != nil {
			want[f.c.ID] = f.want
		}
	}
	return want
}

func reported(r hygiene.Report) map[string][]string {
	out := map[string][]string{}
	for _, c := range r.Customers {
		out[c.ID] = reasonCodes(c.Reasons)
	}
	return out
}

func sameReported(t *testing.T, r hygiene.Report, want map[string][]string) {
	t.Helper()
	got := reported(r)
	if len(got) != len(want) {
		t.Errorf("report lists %v, want %v", got, want)
		return
	}
	for id, codes := range want {
		if !slices.Equal(got[id], codes) {
			t.Errorf("report: %s reasons %v, want %v", id, got[id], codes)
		}
	}
}

func mustGet(t *testing.T, st store.Store, id string) customer.Customer {
	t.Helper()
	c, err := st.GetCustomer(t.Context(), id)
	if err != nil {
		t.Fatalf("GetCustomer %s: %v", id, err)
	}
	return c
}

func auditOf(t *testing.T, st store.Store, action string) []store.AuditEntry {
	t.Helper()
	var out []store.AuditEntry
	page := store.Page{}
	for {
		list, next, err := st.ListAudit(t.Context(), page)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list {
			if e.Action == action {
				out = append(out, e)
			}
		}
		if next == "" {
			return out
		}
		page.Cursor = next
	}
}

// dump is every stored item, to compare a store before and after a run.
func dump(t *testing.T, st *embedded.Store) []string {
	t.Helper()
	var items []string
	err := st.Dump(t.Context(), func(_ bool, raw []byte) error {
		items = append(items, string(raw))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func noPersonalDataIn(t *testing.T, what string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range personalValues {
		if bytes.Contains(b, []byte(p)) {
			t.Errorf("%s holds personal data: %s", what, b)
		}
	}
}

func TestSweepFlagsEachDueCustomerWithItsReasons(t *testing.T) {
	st, p := openStore(t), hygiene.DefaultPolicy()
	want := sweepFixture(t, st, p)
	var progress []int
	r, err := hygiene.Sweep(t.Context(), st, p, hygiene.SweepOptions{Now: now, Progress: func(n int) { progress = append(progress, n) }})
	if err != nil {
		t.Fatal(err)
	}
	sameReported(t, r, want)
	if r.Read != len(want) || r.Flagged != len(want) || r.Skipped != 0 || !r.Complete || r.Next != "" {
		t.Errorf("report read %d flagged %d skipped %d complete %v next %q; want %d read and flagged, complete",
			r.Read, r.Flagged, r.Skipped, r.Complete, r.Next, len(want))
	}
	if !slices.Equal(progress, []int{1, 2, 3, 4, 5}) {
		t.Errorf("progress %v, want one call per customer read", progress)
	}
	noPersonalDataIn(t, "report", r)
	for id, codes := range want {
		c := mustGet(t, st, id)
		if c.Flag != customer.FlagRefreshDue || !slices.Equal(c.FlagReasons, codes) {
			t.Errorf("%s stored with flag %q %v, want refresh_due %v", id, c.Flag, c.FlagReasons, codes)
		}
		if c.RefreshDueAt != nil && !c.RefreshDueAt.After(now) {
			t.Errorf("%s still due at %s: the next run would read it again", id, fmtTime(c.RefreshDueAt))
		}
	}
	for _, id := range []string{"c-fine", "c-later"} {
		if c := mustGet(t, st, id); c.Flag != customer.FlagNone {
			t.Errorf("%s flagged %v though not due", id, c.FlagReasons)
		}
	}
	audit := auditOf(t, st, hygiene.ActionFlagged)
	if len(audit) != len(want) {
		t.Fatalf("%d flag audit entries, want %d", len(audit), len(want))
	}
	for _, e := range audit {
		if e.Actor != hygiene.ActorSweep || e.Detail["reasons"] != strings.Join(want[e.CustomerID], ",") || e.Detail["policyVersion"] != p.Version {
			t.Errorf("audit entry %+v: want actor sweep, the reason codes and the policy version", e)
		}
	}
	noPersonalDataIn(t, "audit", audit)
}

// A second run flags nothing; a flagged customer is read again only when a new reason holds.
func TestSweepIsIdempotent(t *testing.T) {
	st, p := openStore(t), hygiene.DefaultPolicy()
	sweepFixture(t, st, p)
	if _, err := hygiene.Sweep(t.Context(), st, p, hygiene.SweepOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	later := now.AddDate(0, 0, 11) // c-expiring's document has expired
	tests := []struct {
		name     string
		at       time.Time
		wantRead int
		want     map[string][]string
	}{
		{"again at the same time", now, 0, map[string][]string{}},
		{"a day later", now.AddDate(0, 0, 1), 0, map[string][]string{}},
		{"once a flagged document has expired", later, 1, map[string][]string{"c-expiring": {hygiene.CodeDocumentExpired}}},
		{"again after that", later, 0, map[string][]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := hygiene.Sweep(t.Context(), st, p, hygiene.SweepOptions{Now: tc.at})
			if err != nil {
				t.Fatal(err)
			}
			if r.Read != tc.wantRead {
				t.Errorf("read %d customers, want %d", r.Read, tc.wantRead)
			}
			sameReported(t, r, tc.want)
		})
	}
	if audit := auditOf(t, st, hygiene.ActionFlagged); len(audit) != 6 {
		t.Errorf("%d flag audit entries, want 5 from the first run and 1 for the expiry", len(audit))
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	tests := []struct {
		name string
		run  func(ctx context.Context, st store.Store, p *hygiene.Policy, dry bool) (hygiene.Report, error)
	}{
		{"sweep", func(ctx context.Context, st store.Store, p *hygiene.Policy, dry bool) (hygiene.Report, error) {
			return hygiene.Sweep(ctx, st, p, hygiene.SweepOptions{Now: now, DryRun: dry, PageSize: 2})
		}},
		{"purge", func(ctx context.Context, st store.Store, p *hygiene.Policy, dry bool) (hygiene.Report, error) {
			return hygiene.Purge(ctx, st, p, hygiene.PurgeOptions{Now: now, DryRun: dry, PageSize: 2})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, p := openStore(t), hygiene.DefaultPolicy()
			sweepFixture(t, st, p)
			purgeFixture(t, st, p)
			before := dump(t, st)
			dry, err := tc.run(t.Context(), st, p, true)
			if err != nil {
				t.Fatal(err)
			}
			if after := dump(t, st); !slices.Equal(before, after) {
				t.Errorf("the dry run changed the store: %d items before, %d after", len(before), len(after))
			}
			if !dry.DryRun || dry.Flagged+dry.Purged == 0 {
				t.Errorf("dry run report %+v: want a dry run that found work", dry)
			}
			real, err := tc.run(t.Context(), st, p, false)
			if err != nil {
				t.Fatal(err)
			}
			dry.DryRun = false
			if d, r := reported(dry), reported(real); fmt.Sprint(d) != fmt.Sprint(r) || dry.Read != real.Read {
				t.Errorf("the dry run reported %v (read %d), the real run did %v (read %d)", d, dry.Read, r, real.Read)
			}
		})
	}
}

// A customer changed since its due date was set is re-checked, not flagged on the hint.
func TestSweepReChecksEachCustomer(t *testing.T) {
	st, p := openStore(t), hygiene.DefaultPolicy()
	c := file(t, st, p, customerOf("c-stale-hint", kycPerson(farExpiry), now.AddDate(0, -1, 0), "C"), now.AddDate(0, -1, 0))
	if _, err := st.UpdateCustomer(t.Context(), c.ID, func(c *customer.Customer) error {
		c.RefreshDueAt = ptr(now.AddDate(0, 0, -1))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r, err := hygiene.Sweep(t.Context(), st, p, hygiene.SweepOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if r.Read != 1 || r.Skipped != 1 || r.Flagged != 0 {
		t.Errorf("read %d skipped %d flagged %d, want the customer read and skipped", r.Read, r.Skipped, r.Flagged)
	}
	got := mustGet(t, st, c.ID)
	if got.Flag != customer.FlagNone || got.RefreshDueAt == nil || !got.RefreshDueAt.After(now) {
		t.Errorf("stored flag %q due %s: want unflagged and due in the future", got.Flag, fmtTime(got.RefreshDueAt))
	}
	if audit := auditOf(t, st, hygiene.ActionFlagged); len(audit) != 0 {
		t.Errorf("audit %v, want none", audit)
	}
}

// budgetFor allows the given number of pages, then says the time is up.
func budgetFor(pages int) func() time.Duration {
	calls := 0
	return func() time.Duration {
		calls++
		if calls > pages {
			return time.Second
		}
		return time.Hour
	}
}

func TestRunsStopOnBudgetAndResumeFromCheckpoint(t *testing.T) {
	const due, pageSize = 11, 2
	tests := []struct {
		name   string
		dry    bool
		engine string
	}{
		{"sweep", false, "sweep"},
		{"sweep dry run", true, "sweep"},
		{"purge", false, "purge"},
		{"purge dry run", true, "purge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, p := openStore(t), hygiene.DefaultPolicy()
			for n := range due {
				sub, grade := kycPerson("2026-01-01"), "C"
				if tc.engine == "purge" {
					sub, grade = prospect(), "E"
				}
				file(t, st, p, customerOf(fmt.Sprintf("c%02d", n), sub, now.AddDate(-3, 0, n), grade), now.AddDate(-3, 0, n))
			}
			run := func(checkpoint string, budget func() time.Duration) hygiene.Report {
				t.Helper()
				var r hygiene.Report
				var err error
				if tc.engine == "sweep" {
					r, err = hygiene.Sweep(t.Context(), st, p, hygiene.SweepOptions{Now: now, DryRun: tc.dry, PageSize: pageSize, Checkpoint: checkpoint, Budget: budget})
				} else {
					r, err = hygiene.Purge(t.Context(), st, p, hygiene.PurgeOptions{Now: now, DryRun: tc.dry, PageSize: pageSize, Checkpoint: checkpoint, Budget: budget})
				}
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			var seen []string
			first := run("", budgetFor(2))
			if first.Complete || first.Next == "" || first.Read != 2*pageSize {
				t.Fatalf("first run: complete %v next %q read %d; want it stopped after 2 pages with a checkpoint", first.Complete, first.Next, first.Read)
			}
			for _, c := range first.Customers {
				seen = append(seen, c.ID)
			}
			second := run(first.Next, budgetFor(1))
			if second.Complete || second.Read != pageSize {
				t.Fatalf("second run: complete %v read %d; want one page", second.Complete, second.Read)
			}
			for _, c := range second.Customers {
				seen = append(seen, c.ID)
			}
			last := run(second.Next, nil)
			if !last.Complete || last.Next != "" {
				t.Errorf("last run: complete %v next %q; want complete", last.Complete, last.Next)
			}
			for _, c := range last.Customers {
				seen = append(seen, c.ID)
			}
			slices.Sort(seen)
			if len(seen) != due || len(slices.Compact(slices.Clone(seen))) != due {
				t.Errorf("acted on %v across the runs, want each of %d customers once", seen, due)
			}
		})
	}
}

type imageCall struct {
	customerID  string
	submissions []string
}

type images struct {
	calls []imageCall
	fail  error
}

func (im *images) RemoveImages(_ context.Context, customerID string, subs []string) error {
	im.calls = append(im.calls, imageCall{customerID, subs})
	return im.fail
}

// purgeFixture files one customer per purge rule and some that must stay; it returns the
// number each purged customer's personal values are marked with.
func purgeFixture(t *testing.T, st store.Store, p *hygiene.Policy) map[string]int {
	t.Helper()
	ctx := t.Context()
	recent := now.AddDate(0, -2, 0)
	filedAt := func(c customer.Customer) customer.Customer { return file(t, st, p, c, c.LastActivityAt) }
	filedAt(customerOf("p-inactive", marked(prospect(), 1), now.AddDate(0, -25, 0), "E"))
	filedAt(customerOf("p-consent", marked(prospect(), 2), recent, "C"))
	filedAt(customerOf("p-ended", marked(kycPerson(farExpiry), 3), now.AddDate(-6, 0, 0), "A"))
	filedAt(customerOf("k-consent", marked(kycPerson(farExpiry), 4), recent, "A"))
	filedAt(customerOf("k-active", marked(prospect(), 5), recent, "E"))
	filedAt(customerOf("k-valued", marked(prospect(), 6), now.AddDate(-3, 0, 0), "B"))
	for _, step := range []struct {
		id    string
		at    time.Time
		write func(ctx context.Context, st store.Store, p *hygiene.Policy, id string, at time.Time, actor string) (customer.Customer, error)
	}{
		{"p-consent", now.AddDate(0, 0, -31), hygiene.WithdrawConsent},
		{"p-ended", now.AddDate(-5, 0, -1), hygiene.EndRelationship},
		{"k-consent", now.AddDate(0, 0, -400), hygiene.WithdrawConsent},
	} {
		if _, err := step.write(ctx, st, p, step.id, step.at, "staff-1"); err != nil {
			t.Fatal(err)
		}
	}
	return map[string]int{"p-inactive": 1, "p-consent": 2, "p-ended": 3}
}

func TestPurgeDeletesEveryDueCustomerCompletely(t *testing.T) {
	st, p := openStore(t), hygiene.DefaultPolicy()
	purged := purgeFixture(t, st, p)
	im := &images{}
	r, err := hygiene.Purge(t.Context(), st, p, hygiene.PurgeOptions{Now: now, Images: im})
	if err != nil {
		t.Fatal(err)
	}
	sameReported(t, r, map[string][]string{
		"p-inactive": {hygiene.CodeProspectInactive},
		"p-consent":  {hygiene.CodeConsentWithdrawn},
		"p-ended":    {hygiene.CodeRelationshipEnded},
	})
	if r.Purged != 3 || r.Read != 3 || !r.Complete {
		t.Errorf("report %+v: want 3 read and purged, complete", r)
	}
	for id := range purged {
		if _, err := st.GetCustomer(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetCustomer(%s) after purge: %v, want ErrNotFound", id, err)
		}
	}
	for _, id := range []string{"k-consent", "k-active", "k-valued"} {
		mustGet(t, st, id)
	}
	var removed []string
	for _, call := range im.calls {
		removed = append(removed, call.customerID)
		if !slices.Equal(call.submissions, []string{call.customerID + "-s1"}) {
			t.Errorf("images of %s removed for %v, want its submissions", call.customerID, call.submissions)
		}
	}
	slices.Sort(removed)
	if !slices.Equal(removed, []string{"p-consent", "p-ended", "p-inactive"}) {
		t.Errorf("images removed for %v, want every purged customer", removed)
	}
	err = st.Dump(t.Context(), func(audit bool, raw []byte) error {
		for id, n := range purged {
			if !audit && bytes.Contains(raw, []byte(id)) {
				t.Errorf("an item still names purged customer %s: %s", id, raw)
			}
			for _, v := range markersOf(n) {
				if bytes.Contains(raw, []byte(v)) {
					t.Errorf("an item still holds personal data of %s: %s", id, raw)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	audit := auditOf(t, st, hygiene.ActionPurged)
	if len(audit) != 3 {
		t.Fatalf("%d purge audit entries, want 3", len(audit))
	}
	for _, e := range audit {
		if e.Actor != hygiene.ActorPurge || e.Detail["reasons"] != strings.Join(reported(r)[e.CustomerID], ",") || e.Detail["policyVersion"] != p.Version {
			t.Errorf("audit %+v: want actor purge, the reason codes and the policy version", e)
		}
	}
	again, err := hygiene.Purge(t.Context(), st, p, hygiene.PurgeOptions{Now: now, Images: im})
	if err != nil || again.Read != 0 || again.Purged != 0 {
		t.Errorf("second purge read %d purged %d (%v), want nothing", again.Read, again.Purged, err)
	}
}

func TestPurgeKeepsCustomersWhenImagesCannotBeRemoved(t *testing.T) {
	st, p := openStore(t), hygiene.DefaultPolicy()
	purgeFixture(t, st, p)
	boom := errors.New("image bucket unavailable")
	r, err := hygiene.Purge(t.Context(), st, p, hygiene.PurgeOptions{Now: now, Images: &images{fail: boom}})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the image error", err)
	}
	if r.Purged != 0 || r.Complete {
		t.Errorf("report %+v: want nothing purged, incomplete", r)
	}
	if c := mustGet(t, st, "p-inactive"); c.ID == "" {
		t.Error("the customer whose images failed was purged")
	}
}

// A customer on the purge index whose rules no longer hold is kept and leaves the index.
func TestPurgeReChecksEachCustomer(t *testing.T) {
	st, p := openStore(t), hygiene.DefaultPolicy()
	file(t, st, p, customerOf("p-renewed", prospect(), now.AddDate(0, -25, 0), "E"), now.AddDate(0, -25, 0))
	if _, err := st.UpdateCustomer(t.Context(), "p-renewed", func(c *customer.Customer) error {
		c.LastActivityAt = now.AddDate(0, 0, -1)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r, err := hygiene.Purge(t.Context(), st, p, hygiene.PurgeOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if r.Read != 1 || r.Skipped != 1 || r.Purged != 0 {
		t.Errorf("read %d skipped %d purged %d, want it read and skipped", r.Read, r.Skipped, r.Purged)
	}
	if c := mustGet(t, st, "p-renewed"); c.PurgeDueAt == nil || !c.PurgeDueAt.After(now) {
		t.Errorf("PurgeDueAt %s, want moved to the future", fmtTime(c.PurgeDueAt))
	}
}

func TestConsentAndRelationshipChanges(t *testing.T) {
	p := hygiene.DefaultPolicy()
	tests := []struct {
		name      string
		sub       customer.Submission
		grade     string
		write     func(ctx context.Context, st store.Store, p *hygiene.Policy, id string, at time.Time, actor string) (customer.Customer, error)
		action    string
		wantPurge time.Time
	}{
		{"consent withdrawn purges after the policy's days", prospect(), "C", hygiene.WithdrawConsent, hygiene.ActionConsent, now.AddDate(0, 0, 30)},
		{"a KYC customer's consent withdrawal waits for the relationship's end", kycPerson(farExpiry), "A", hygiene.WithdrawConsent, hygiene.ActionConsent, time.Time{}},
		{"a relationship's end purges after the retention years", kycPerson(farExpiry), "A", hygiene.EndRelationship, hygiene.ActionEnded, now.AddDate(5, 0, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			file(t, st, p, customerOf("c1", tc.sub, now.AddDate(0, -1, 0), tc.grade), now.AddDate(0, -1, 0))
			c, err := tc.write(t.Context(), st, p, "c1", now, "staff-7")
			if err != nil {
				t.Fatal(err)
			}
			var want *time.Time
			if !tc.wantPurge.IsZero() {
				want = &tc.wantPurge
			}
			sameTime(t, "PurgeDueAt", c.PurgeDueAt, want)
			sameTime(t, "stored PurgeDueAt", mustGet(t, st, "c1").PurgeDueAt, want)
			if _, err := tc.write(t.Context(), st, p, "c1", now.AddDate(0, 0, 3), "staff-7"); err != nil {
				t.Fatal(err)
			}
			sameTime(t, "PurgeDueAt after a later repeat", mustGet(t, st, "c1").PurgeDueAt, want)
			audit := auditOf(t, st, tc.action)
			if len(audit) != 2 || audit[0].Actor != "staff-7" || audit[0].CustomerID != "c1" || audit[0].Detail["policyVersion"] != p.Version {
				t.Errorf("audit %+v: want two entries by staff-7 with the policy version", audit)
			}
			if _, err := tc.write(t.Context(), st, p, "absent", now, "staff-7"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("on an absent customer: %v, want ErrNotFound", err)
			}
		})
	}
}
