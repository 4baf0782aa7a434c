// Package store is the repository port: everything the workflow, the HTTP API and the hygiene
// engines persist goes through Store. Adapters live in store/embedded (bbolt) and store/dynamo
// (DynamoDB); store/storetest holds the contract suite both must pass.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/intake-project/intake/shared/customer"
)

// Domain errors. Adapters wrap them with %w; callers test with errors.Is.
var (
	// ErrNotFound: the item asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a conditional update lost to a concurrent writer (a version mismatch), or
	// an item that must not exist already does.
	ErrConflict = errors.New("conflict")
	// ErrDuplicateKey: a unique lookup key already belongs to another customer. The error is
	// a *DuplicateKeyError naming the key kind and the owner.
	ErrDuplicateKey = errors.New("duplicate lookup key")
	// ErrInvalidCursor: a Page.Cursor that no listing of this store handed out.
	ErrInvalidCursor = errors.New("invalid page cursor")
)

// DuplicateKeyError says which unique key a filing lost and who owns it.
type DuplicateKeyError struct {
	Kind       string
	CustomerID string
}

func (e *DuplicateKeyError) Error() string {
	return "lookup key " + e.Kind + " already belongs to customer " + e.CustomerID
}

// Unwrap makes errors.Is(err, ErrDuplicateKey) true.
func (e *DuplicateKeyError) Unwrap() error { return ErrDuplicateKey }

// Status is where a submission stands.
type Status string

// Submission statuses. RECEIVED is the only non-terminal one.
const (
	StatusReceived Status = "RECEIVED"
	StatusRejected Status = "REJECTED"
	StatusFiled    Status = "FILED"
	StatusReview   Status = "REVIEW"
	StatusFailed   Status = "FAILED"
)

// Submission is a stored submission: the payload as received, its status and its outcome.
type Submission struct {
	ID string `json:"id"`
	// IdempotencyKey is the client's Idempotency-Key scoped by the caller (form key or staff
	// subject); BodyHash is the SHA-256 of the request body, to tell a replay from a misuse.
	IdempotencyKey string    `json:"idempotencyKey,omitempty"`
	BodyHash       string    `json:"bodyHash,omitempty"`
	FormKey        string    `json:"formKey,omitempty"`
	Status         Status    `json:"status"`
	ReceivedAt     time.Time `json:"receivedAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
	Version        int64     `json:"version"`
	// Payload is the submission as received. Filing sets PayloadExpiresAt; from then on the
	// payload expiry run (hygiene.ExpirePayloads) removes it through Store.DropPayload.
	Payload          *customer.Submission `json:"payload,omitempty"`
	PayloadExpiresAt *time.Time           `json:"payloadExpiresAt,omitempty"`
	// SourceRef is the payload's sourceRef, kept beside it so the links export still has it
	// after the payload expires. Adapters copy it from the payload whenever it is empty.
	SourceRef string `json:"sourceRef,omitempty"`
	// CardID links a card scan to its card; ImageRef names a stored scan image.
	CardID   string   `json:"cardId,omitempty"`
	ImageRef string   `json:"imageRef,omitempty"`
	Outcome  *Outcome `json:"outcome,omitempty"`
}

// Outcome is what the workflow made of a submission.
type Outcome struct {
	Errors      []customer.FieldError `json:"errors,omitempty"`
	Warnings    []customer.FieldError `json:"warnings,omitempty"`
	CustomerID  string                `json:"customerId,omitempty"`
	Decision    customer.Decision     `json:"decision,omitempty"`
	Explanation *customer.Explanation `json:"explanation,omitempty"`
	Scores      *customer.Scores      `json:"scores,omitempty"`
	ReviewID    string                `json:"reviewId,omitempty"`
	// Failure is set when the workflow failed; the submission can be re-driven.
	Failure *Failure `json:"failure,omitempty"`
}

// Failure is an error the workflow caught.
type Failure struct {
	Error string `json:"error"`
	Cause string `json:"cause,omitempty"`
}

// Filing is everything one filing writes, all or nothing.
type Filing struct {
	// Submission is the submission as it should be stored after filing (status, outcome).
	Submission Submission
	// Customer is the profile to write. When NewCustomer is false the write is conditional on
	// the stored version being Customer.Version-1 (the caller increments Version).
	Customer    customer.Customer
	NewCustomer bool
	// Keys are lookup keys to add for the customer; unique ones are written only if absent or
	// already owned by this customer, and a clash fails the whole filing with a
	// *DuplicateKeyError.
	Keys    []customer.LookupKey
	History customer.HistoryEntry
	Review  *Review
	Audit   AuditEntry
}

// Candidates are the customers that share at least one lookup key with a submission.
type Candidates struct {
	// ByKey maps each lookup key hash to the customers it leads to.
	ByKey map[string][]string
	// Truncated lists key hashes whose block was larger than the cap and was cut.
	Truncated []string
}

// ReviewStatus is where a review item stands.
type ReviewStatus string

// Review statuses.
const (
	ReviewOpen     ReviewStatus = "open"
	ReviewMerged   ReviewStatus = "merged"
	ReviewDistinct ReviewStatus = "distinct"
)

// Review is a possible match left for staff to decide.
type Review struct {
	ID           string                `json:"id"`
	SubmissionID string                `json:"submissionId"`
	CustomerID   string                `json:"customerId"`  // the customer the submission was filed as
	CandidateID  string                `json:"candidateId"` // the existing customer it may be
	Status       ReviewStatus          `json:"status"`
	Explanation  *customer.Explanation `json:"explanation,omitempty"`
	CreatedAt    time.Time             `json:"createdAt"`
	DecidedAt    *time.Time            `json:"decidedAt,omitempty"`
	DecidedBy    string                `json:"decidedBy,omitempty"`
	// Note is the decider's remark. It stays with the review and never enters the audit log.
	Note    string `json:"note,omitempty"`
	Version int64  `json:"version"`
}

// Merge joins two customers found to be one: everything of From moves onto Into and From is
// deleted. Review is the review that decided it, as it should be stored (the store sets its
// status to merged and writes it one version above the stored one, which must be open and
// name both customers).
type Merge struct {
	From, Into string
	Review     Review
	Audit      AuditEntry
	// At is when the merge happens: Into's UpdatedAt, and the decision time of other open
	// reviews of the same pair, which the merge settles too.
	At time.Time
}

// CardStatus is where an information card stands.
type CardStatus string

// Card statuses.
const (
	CardOutstanding CardStatus = "outstanding"
	CardReturned    CardStatus = "returned"
)

// Card is an issued customer information card and its issue/return log entry.
type Card struct {
	ID         string     `json:"id"`
	CustomerID string     `json:"customerId,omitempty"`
	Room       string     `json:"room"`
	Unit       string     `json:"unit"`
	Salutation string     `json:"salutation"`
	Quantity   int        `json:"quantity"`
	IssuedBy   string     `json:"issuedBy"`
	IssuedAt   time.Time  `json:"issuedAt"`
	Status     CardStatus `json:"status"`
	ReturnedAt *time.Time `json:"returnedAt,omitempty"`
	ReturnedBy string     `json:"returnedBy,omitempty"`
	// Scans lists the submissions made from this card.
	Scans   []string `json:"scans,omitempty"`
	Version int64    `json:"version"`
}

// CardFilter selects cards for the issue/return log. Zero fields match everything.
type CardFilter struct {
	Status CardStatus
	Room   string
	From   time.Time // issued at or after
	To     time.Time // issued before
}

// AuditEntry records who did what to which item. It never holds personal data.
type AuditEntry struct {
	ID           string            `json:"id"`
	At           time.Time         `json:"at"`
	Actor        string            `json:"actor"`
	Action       string            `json:"action"`
	CustomerID   string            `json:"customerId,omitempty"`
	SubmissionID string            `json:"submissionId,omitempty"`
	Detail       map[string]string `json:"detail,omitempty"`
}

// Due names the hygiene index a customer is due on.
type Due string

// Due-date indexes.
const (
	DueRefresh Due = "refresh"
	DuePurge   Due = "purge"
)

// Page asks for one page of a listing: up to Limit items after Cursor ("" for the first).
// A Limit of zero or less means DefaultLimit, and no page holds more than MaxLimit items.
// Listings return the cursor of the next page, "" when there is none; a page may be shorter
// than Limit (even empty) while more follow, so callers page until the cursor is "".
type Page struct {
	Cursor string
	Limit  int
}

// Page sizes.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Link is one row of the links export: which customer a submission was filed on.
type Link struct {
	SourceRef    string            `json:"sourceRef"`
	SubmissionID string            `json:"submissionId"`
	CustomerID   string            `json:"customerId"`
	Decision     customer.Decision `json:"decision"`
	Status       Status            `json:"status"`
}

// Store is the repository port.
type Store interface {
	// CreateSubmission stores a new submission. If one with the same IdempotencyKey (when
	// set) or ID exists, it returns the stored one and created=false, writing nothing.
	CreateSubmission(ctx context.Context, s Submission) (stored Submission, created bool, err error)
	GetSubmission(ctx context.Context, id string) (Submission, error)
	// UpdateSubmission applies fn to the stored submission and writes the result conditionally
	// on the version read, retrying on conflicts a few times.
	UpdateSubmission(ctx context.Context, id string, fn func(*Submission) error) (Submission, error)
	// PendingSubmissions lists submissions in status RECEIVED, oldest first.
	PendingSubmissions(ctx context.Context, p Page) ([]Submission, string, error)
	// ExpiredPayloads lists the IDs of the submissions that still hold a payload whose
	// PayloadExpiresAt is at or before upTo, earliest expiry first (then by ID). It reads an
	// index that holds exactly the submissions with both a payload and an expiry, kept in
	// step by every write of a submission, never a scan; like the other indexes it may lag a
	// write on an eventually consistent store, which DropPayload's re-check absorbs.
	ExpiredPayloads(ctx context.Context, upTo time.Time, p Page) ([]string, string, error)
	// DropPayload removes a submission's payload once it has expired: when the stored
	// submission holds a payload whose PayloadExpiresAt is at or before upTo, it sets Payload
	// and PayloadExpiresAt to nil, takes the submission off the ExpiredPayloads index and
	// raises Version by one, keeping everything else (SourceRef, status, outcome, CardID,
	// ImageRef, UpdatedAt). Otherwise (no payload left, no expiry, an expiry after upTo, no
	// such submission) it writes nothing and returns nil, so it is safe to repeat and to call
	// with an entry listed before a concurrent write.
	DropPayload(ctx context.Context, id string, upTo time.Time) error

	// File writes a filing in one all-or-nothing operation.
	File(ctx context.Context, f Filing) error
	// FindCandidates returns the customers each lookup key leads to, at most perKey per key.
	FindCandidates(ctx context.Context, keys []customer.LookupKey, perKey int) (Candidates, error)
	GetCustomer(ctx context.Context, id string) (customer.Customer, error)
	// UpdateCustomer applies fn and writes the result conditionally on the version read,
	// keeping the due-date index in step.
	UpdateCustomer(ctx context.Context, id string, fn func(*customer.Customer) error) (customer.Customer, error)
	History(ctx context.Context, customerID string, p Page) ([]customer.HistoryEntry, string, error)
	// ListCustomers lists customers with the given flag (FlagNone: all customers).
	ListCustomers(ctx context.Context, flag customer.Flag, p Page) ([]customer.Customer, string, error)
	// DueCustomers lists customers whose due date on the index is at or before upTo, earliest
	// first, reading only due entries.
	DueCustomers(ctx context.Context, due Due, upTo time.Time, p Page) ([]customer.Customer, string, error)
	// PurgeCustomer deletes every item that holds the customer's data: profile, history,
	// lookup keys, submissions, reviews and cards, and writes the audit entry (which must hold
	// no personal data). Purging an absent customer only writes the audit entry.
	PurgeCustomer(ctx context.Context, customerID string, audit AuditEntry) error

	OpenReview(ctx context.Context, r Review) error
	GetReview(ctx context.Context, id string) (Review, error)
	ListReviews(ctx context.Context, status ReviewStatus, p Page) ([]Review, string, error)
	UpdateReview(ctx context.Context, id string, fn func(*Review) error) (Review, error)
	// MarkDistinct remembers that two customers are not the same person; Distinct tells.
	MarkDistinct(ctx context.Context, a, b string) error
	Distinct(ctx context.Context, a, b string) (bool, error)
	// MergeCustomers moves everything of m.From onto m.Into and deletes m.From: Into gets
	// From's attributes (with their provenance), submissions and lookup keys (unique keys and
	// block entries then lead to Into), its history entries, the later LastActivityAt and
	// KYCGrade if either has it; From's submissions are re-pointed to Into, and so are the
	// reviews, cards and distinct pairs naming From; m.Review is stored as merged and m.Audit
	// appended. It recomputes nothing: the caller rescores Into and sets its due dates.
	// Merging is idempotent in its result, so an interrupted merge can be run again. A
	// missing customer or review is ErrNotFound; a review that is not open, or that does not
	// name both customers, is ErrConflict.
	MergeCustomers(ctx context.Context, m Merge) error

	CreateCard(ctx context.Context, c Card) error
	GetCard(ctx context.Context, id string) (Card, error)
	UpdateCard(ctx context.Context, id string, fn func(*Card) error) (Card, error)
	ListCards(ctx context.Context, f CardFilter, p Page) ([]Card, string, error)

	// Links lists every submission with the customer it was filed on, for export.
	Links(ctx context.Context, p Page) ([]Link, string, error)

	AppendAudit(ctx context.Context, e AuditEntry) error
	ListAudit(ctx context.Context, p Page) ([]AuditEntry, string, error)

	Close() error
}
