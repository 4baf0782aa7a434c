package hygiene

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// DefaultMargin is the time left at which a run with a budget stops: enough to act on one
// page of customers and return the report before a Lambda's deadline.
const DefaultMargin = 10 * time.Second

// Audit actors and actions the engines write.
const (
	ActorSweep     = "sweep"
	ActorPurge     = "purge"
	ActionFlagged  = "customer.flagged"
	ActionPurged   = "customer.purged"
	ActionConsent  = "customer.consent_withdrawn"
	ActionEnded    = "customer.relationship_ended"
	detailReasons  = "reasons"
	detailPolicy   = "policyVersion"
	detailPurgeDue = "purgeDueAt"
)

// SweepOptions tune a sweep run.
type SweepOptions struct {
	// Now is the time the rules are evaluated at; zero means the current time.
	Now time.Time
	// DryRun reports what the run would flag and writes nothing.
	DryRun bool
	// Budget returns the time left to the run (a Lambda's time to its deadline); the run
	// stops before the next page when less than Margin is left. Nil means no limit.
	Budget func() time.Duration
	// Margin defaults to DefaultMargin.
	Margin time.Duration
	// Checkpoint is the Next of an earlier run's report, to resume where it stopped.
	Checkpoint string
	// PageSize is how many due customers are read at a time (default store.DefaultLimit).
	PageSize int
	// Progress, when set, is called after each customer with the number read so far.
	Progress func(done int)
}

// ImageRemover deletes the card scan images of a customer's submissions, which live outside
// the store. Removing images that are already gone is not an error.
type ImageRemover interface {
	RemoveImages(ctx context.Context, customerID string, submissionIDs []string) error
}

// PurgeOptions tune a purge run; the fields shared with SweepOptions mean the same.
type PurgeOptions struct {
	Now        time.Time
	DryRun     bool
	Budget     func() time.Duration
	Margin     time.Duration
	Checkpoint string
	PageSize   int
	Progress   func(done int)
	// Images, when set, removes each purged customer's scan images before the store purge.
	Images ImageRemover
}

// Report says what a run did (or, in a dry run, would do). It holds customer IDs and reason
// codes and details, never personal data.
type Report struct {
	Run    string `json:"run"` // "sweep", "purge", "payloads" or "recompute"
	DryRun bool   `json:"dryRun"`
	// PolicyVersion is empty for the payload expiry run, which applies expiry dates set at
	// filing under the policy of that time.
	PolicyVersion string    `json:"policyVersion"`
	Now           time.Time `json:"now"`
	// Read counts the due customers (or expired payloads) read; Flagged or Purged those acted
	// on; Skipped those whose rules no longer held, or held nothing new, when re-checked.
	Read    int `json:"read"`
	Flagged int `json:"flagged"`
	Purged  int `json:"purged"`
	Skipped int `json:"skipped"`
	// Dropped counts the submissions whose expired payload the payload expiry run removed.
	Dropped int `json:"dropped"`
	// Updated counts the customers a recompute run changed the due dates or flag of.
	Updated int `json:"updated"`
	// Customers lists every customer flagged or purged, with its reasons.
	Customers []CustomerReport `json:"customers"`
	// Complete is false when the run stopped early (budget spent, context ended, error);
	// Next is then the checkpoint to resume from.
	Complete bool   `json:"complete"`
	Next     string `json:"next,omitempty"`
}

// CustomerReport is one customer a run acted on.
type CustomerReport struct {
	ID      string   `json:"id"`
	Reasons []Reason `json:"reasons"`
}

// run is what the engines share: paging through customers with a budget and a checkpoint.
type run struct {
	// list reads one page of the customers the run visits.
	list     func(ctx context.Context, p store.Page) ([]customer.Customer, string, error)
	what     string
	now      time.Time
	budget   func() time.Duration
	margin   time.Duration
	pageSize int
	progress func(int)
	report   *Report
}

// each calls act for every customer listed, from the checkpoint on, until the listing is
// read to its end (Complete), the budget is spent, the context ends or act fails. The budget
// is checked before each page, so a page's work must fit in the margin; stopping there makes
// Next the exact cursor of the first customer not read. After a context end or a failure,
// Next is the cursor of the page in hand: customers already acted on have left the index, so
// resuming from there re-reads only those skipped.
func (r *run) each(ctx context.Context, checkpoint string, act func(c customer.Customer) error) error {
	return visit(ctx, r, r.list, checkpoint, act)
}

// visit is each for listings of any item: customers, or the submission IDs of the payload
// expiry run.
func visit[T any](ctx context.Context, r *run, list func(context.Context, store.Page) ([]T, string, error), checkpoint string, act func(T) error) error {
	cursor := checkpoint
	for {
		if r.spent() {
			r.report.Next = cursor
			return nil
		}
		page, next, err := list(ctx, store.Page{Cursor: cursor, Limit: r.pageSize})
		if err != nil {
			r.report.Next = cursor
			return fmt.Errorf("read %s: %w", r.what, err)
		}
		for _, item := range page {
			if err := ctx.Err(); err != nil {
				r.report.Next = cursor
				return err
			}
			r.report.Read++
			if err := act(item); err != nil {
				r.report.Next = cursor
				return err
			}
			if r.progress != nil {
				r.progress(r.report.Read)
			}
		}
		if next == "" {
			r.report.Complete = true
			return nil
		}
		cursor = next
	}
}

func (r *run) spent() bool {
	return r.budget != nil && r.budget() < r.margin
}

func newRun(policyVersion string, name string, now time.Time, dry bool, budget func() time.Duration, margin time.Duration, pageSize int, progress func(int)) *run {
	if now.IsZero() {
		now = time.Now()
	}
	if margin <= 0 {
		margin = DefaultMargin
	}
	return &run{
		now: now, budget: budget, margin: margin, pageSize: pageSize, progress: progress,
		report: &Report{Run: name, DryRun: dry, PolicyVersion: policyVersion, Now: now, Customers: []CustomerReport{}},
	}
}

// onIndex makes the run visit the customers due on one index at the run's time.
func (r *run) onIndex(st store.Store, due store.Due) *run {
	r.what = "customers due for " + string(due)
	r.list = func(ctx context.Context, p store.Page) ([]customer.Customer, string, error) {
		return st.DueCustomers(ctx, due, r.now, p)
	}
	return r
}

// Sweep flags every customer due for refresh with its reasons. It reads only the refresh due
// index; each customer is re-checked against the policy before it is flagged, so a customer
// updated since its due date was set is flagged only for what still holds. A flagged customer
// gets one audit entry naming the reason codes, and its RefreshDueAt moves to the date a
// further reason will hold (or none), so later runs do not read it again until then. A
// customer already flagged with every reason that holds is skipped, which makes a second run
// at the same time flag nothing.
func Sweep(ctx context.Context, st store.Store, p *Policy, opt SweepOptions) (Report, error) {
	r := newRun(p.Version, "sweep", opt.Now, opt.DryRun, opt.Budget, opt.Margin, opt.PageSize, opt.Progress).onIndex(st, store.DueRefresh)
	now := r.now
	err := r.each(ctx, opt.Checkpoint, func(listed customer.Customer) error {
		if opt.DryRun {
			if reasons := p.RefreshReasons(listed, now); len(newReasons(reasons, listed)) > 0 {
				r.flagged(listed.ID, reasons)
			} else {
				r.report.Skipped++
			}
			return nil
		}
		var reasons []Reason
		var isNew bool
		updated, err := st.UpdateCustomer(ctx, listed.ID, func(c *customer.Customer) error {
			reasons = p.RefreshReasons(*c, now)
			isNew = len(newReasons(reasons, *c)) > 0
			if len(reasons) > 0 {
				c.Flag, c.FlagReasons = customer.FlagRefreshDue, codes(reasons)
			}
			p.Due(c, nil, now)
			return nil
		})
		if errors.Is(err, store.ErrNotFound) {
			r.report.Skipped++
			return nil
		}
		if err != nil {
			return fmt.Errorf("sweep customer %s: %w", listed.ID, err)
		}
		if !isNew {
			r.report.Skipped++
			return nil
		}
		audit := store.AuditEntry{
			ID: fmt.Sprintf("flag-%s-v%d", updated.ID, updated.Version), At: now, Actor: ActorSweep,
			Action: ActionFlagged, CustomerID: updated.ID,
			Detail: map[string]string{detailReasons: strings.Join(codes(reasons), ","), detailPolicy: p.Version},
		}
		if err := st.AppendAudit(ctx, audit); err != nil {
			return fmt.Errorf("sweep customer %s: audit: %w", updated.ID, err)
		}
		r.flagged(updated.ID, reasons)
		return nil
	})
	return *r.report, err
}

func (r *run) flagged(id string, reasons []Reason) {
	r.report.Flagged++
	r.report.Customers = append(r.report.Customers, CustomerReport{ID: id, Reasons: reasons})
}

// newReasons keeps the reasons whose code the customer is not flagged with yet.
func newReasons(reasons []Reason, c customer.Customer) []Reason {
	var out []Reason
	for _, reason := range reasons {
		if c.Flag != customer.FlagRefreshDue || !slices.Contains(c.FlagReasons, reason.Code) {
			out = append(out, reason)
		}
	}
	return out
}

// Purge deletes every customer whose purge date has come and whose purge rules still hold
// when re-checked on a fresh read: its scan images first (through opt.Images), then every
// store item holding its data, with an audit entry naming only the customer ID, the reason
// codes and the policy version. A customer whose rules no longer hold is skipped and its due
// dates recomputed, so it leaves the index.
func Purge(ctx context.Context, st store.Store, p *Policy, opt PurgeOptions) (Report, error) {
	r := newRun(p.Version, "purge", opt.Now, opt.DryRun, opt.Budget, opt.Margin, opt.PageSize, opt.Progress).onIndex(st, store.DuePurge)
	now := r.now
	err := r.each(ctx, opt.Checkpoint, func(listed customer.Customer) error {
		c := listed
		if !opt.DryRun {
			fresh, err := st.GetCustomer(ctx, listed.ID)
			if errors.Is(err, store.ErrNotFound) {
				r.report.Skipped++
				return nil
			}
			if err != nil {
				return fmt.Errorf("purge customer %s: read: %w", listed.ID, err)
			}
			c = fresh
		}
		reasons := p.PurgeReasons(c, now)
		if len(reasons) == 0 {
			r.report.Skipped++
			if opt.DryRun {
				return nil
			}
			_, err := st.UpdateCustomer(ctx, c.ID, func(c *customer.Customer) error {
				p.Due(c, nil, now)
				return nil
			})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("purge customer %s: recompute due dates: %w", c.ID, err)
			}
			return nil
		}
		if !opt.DryRun {
			if opt.Images != nil {
				if err := opt.Images.RemoveImages(ctx, c.ID, c.Submissions); err != nil {
					return fmt.Errorf("purge customer %s: remove images: %w", c.ID, err)
				}
			}
			audit := store.AuditEntry{
				ID: "purge-" + c.ID, At: now, Actor: ActorPurge, Action: ActionPurged, CustomerID: c.ID,
				Detail: map[string]string{detailReasons: strings.Join(codes(reasons), ","), detailPolicy: p.Version},
			}
			if err := st.PurgeCustomer(ctx, c.ID, audit); err != nil {
				return fmt.Errorf("purge customer %s: %w", c.ID, err)
			}
		}
		r.report.Purged++
		r.report.Customers = append(r.report.Customers, CustomerReport{ID: c.ID, Reasons: reasons})
		return nil
	})
	return *r.report, err
}
