// Package embedded is the bbolt adapter of the store port: every item in one local file, for
// `intake serve` on one machine. Each filing is one write transaction and survives restarts.
package embedded

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// ErrInUse is returned by Open when another process holds the data file.
var ErrInUse = errors.New("data folder in use by another intake process")

// schemaVersion names the layout of the buckets below; Open upgrades files of an earlier
// layout it knows (see migrations) and refuses any other rather than misread it.
const schemaVersion = "2"

// Buckets. Index buckets hold keys only; their parts are joined by sep and times are written
// with timeLayout so that byte order is time order.
var (
	bMeta     = []byte("meta")
	bSubs     = []byte("submissions")         // subID → Submission
	bIdem     = []byte("idempotency")         // idempotency key → subID
	bPending  = []byte("pending")             // receivedAt, subID: RECEIVED submissions
	bPayloads = []byte("payload_expiry")      // payloadExpiresAt, subID: submissions holding a payload with an expiry
	bCusts    = []byte("customers")           // custID → Customer
	bFlags    = []byte("customers_by_flag")   // flag, custID
	bDue      = []byte("due")                 // due kind, due time, custID
	bHistory  = []byte("history")             // custID, at, subID → HistoryEntry
	bUnique   = []byte("keys_unique")         // kind, hash → custID
	bBlock    = []byte("keys_block")          // kind, hash, custID
	bReviews  = []byte("reviews")             // reviewID → Review
	bRvStatus = []byte("reviews_by_status")   // status, createdAt, reviewID
	bRvTime   = []byte("reviews_by_time")     // createdAt, reviewID
	bRvCust   = []byte("reviews_by_customer") // custID (customer or candidate), reviewID
	bDistinct = []byte("distinct")            // custID, custID, both ways round
	bCards    = []byte("cards")               // cardID → Card
	bCardTime = []byte("cards_by_time")       // issuedAt, cardID
	bCardCust = []byte("cards_by_customer")   // custID, cardID
	bAudit    = []byte("audit")               // at, auditID → AuditEntry
)

var allBuckets = [][]byte{bMeta, bSubs, bIdem, bPending, bPayloads, bCusts, bFlags, bDue, bHistory, bUnique,
	bBlock, bReviews, bRvStatus, bRvTime, bRvCust, bDistinct, bCards, bCardTime, bCardCust, bAudit}

const (
	sep        = "\x00"
	timeLayout = "2006-01-02T15:04:05.000000000Z"
)

// present is the value of index entries, which carry everything in their key.
var present = []byte{1}

var _ store.Store = (*Store)(nil)

// Store is a store.Store in a bbolt file. It is safe for concurrent use. Update functions run
// inside the write transaction, so they need no retry, must be quick, and must not call the
// store themselves.
type Store struct {
	db *bolt.DB
}

// Option tunes Open.
type Option func(*options)

type options struct {
	lockTimeout time.Duration
}

// WithLockTimeout sets how long Open waits for another process to release the file (default
// two seconds) before failing with ErrInUse.
func WithLockTimeout(d time.Duration) Option {
	return func(o *options) { o.lockTimeout = d }
}

// Open opens or creates the store file at path with mode 0600, creating its folder with mode
// 0700 when missing.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{lockTimeout: 2 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.lockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := db.Update(prepare); err != nil {
		return nil, errors.Join(fmt.Errorf("open store %s: %w", path, err), db.Close())
	}
	return &Store{db: db}, nil
}

func prepare(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bMeta)
	v := meta.Get([]byte("schema"))
	if v == nil {
		return meta.Put([]byte("schema"), []byte(schemaVersion))
	}
	if string(v) == schemaVersion {
		return nil
	}
	migrate, ok := migrations[string(v)]
	if !ok {
		return fmt.Errorf("file has schema version %q, this build reads %q", v, schemaVersion)
	}
	if err := migrate(txn{tx}); err != nil {
		return fmt.Errorf("upgrade schema version %q to %q: %w", v, schemaVersion, err)
	}
	return meta.Put([]byte("schema"), []byte(schemaVersion))
}

// migrations upgrade a file of an earlier schema version, in the transaction that opens it.
var migrations = map[string]func(t txn) error{
	// Version 1 had no payload expiry index: build it from the stored submissions, once.
	"1": func(t txn) error {
		return t.b(bSubs).ForEach(func(k, v []byte) error {
			var sub store.Submission
			if err := json.Unmarshal(v, &sub); err != nil {
				return fmt.Errorf("decode submission %s: %w", k, err)
			}
			return t.indexPayload(&sub, true)
		})
	},
}

// Close releases the file.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) update(ctx context.Context, fn func(t txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return fn(txn{tx}) })
}

func (s *Store) view(ctx context.Context, fn func(t txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error { return fn(txn{tx}) })
}

// CreateSubmission implements store.Store.
func (s *Store) CreateSubmission(ctx context.Context, sub store.Submission) (store.Submission, bool, error) {
	if err := checkID(sub.ID); err != nil {
		return store.Submission{}, false, fmt.Errorf("create submission: %w", err)
	}
	var stored store.Submission
	created := false
	err := s.update(ctx, func(t txn) error {
		if sub.IdempotencyKey != "" {
			if id := t.b(bIdem).Get([]byte(sub.IdempotencyKey)); id != nil {
				prev, err := load[store.Submission](t.b(bSubs), id)
				if err != nil || prev != nil {
					stored = deref(prev)
					return err
				}
			}
		}
		prev, err := load[store.Submission](t.b(bSubs), []byte(sub.ID))
		if err != nil || prev != nil {
			stored = deref(prev)
			return err
		}
		sub.Version = 1
		if err := t.putSubmission(nil, &sub); err != nil {
			return err
		}
		stored, created = sub, true
		return nil
	})
	if err != nil {
		return store.Submission{}, false, fmt.Errorf("create submission %s: %w", sub.ID, err)
	}
	return stored, created, nil
}

// GetSubmission implements store.Store.
func (s *Store) GetSubmission(ctx context.Context, id string) (store.Submission, error) {
	return get[store.Submission](ctx, s, bSubs, id, "submission")
}

// UpdateSubmission implements store.Store.
func (s *Store) UpdateSubmission(ctx context.Context, id string, fn func(*store.Submission) error) (store.Submission, error) {
	var out store.Submission
	err := s.update(ctx, func(t txn) error {
		prev, next, err := loadTwice[store.Submission](t.b(bSubs), id)
		if err != nil {
			return err
		}
		if err := fn(next); err != nil {
			return err
		}
		next.ID, next.Version = prev.ID, prev.Version+1
		if next.UpdatedAt.Equal(prev.UpdatedAt) {
			next.UpdatedAt = now()
		}
		out = *next
		return t.putSubmission(prev, &out)
	})
	if err != nil {
		return store.Submission{}, fmt.Errorf("update submission %s: %w", id, err)
	}
	return out, nil
}

// PendingSubmissions implements store.Store.
func (s *Store) PendingSubmissions(ctx context.Context, p store.Page) ([]store.Submission, string, error) {
	var out []store.Submission
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bPending), span{}, p, func(k, _ []byte) (bool, error) {
			return appendLoaded(&out, t.b(bSubs), lastPart(k))
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list pending submissions: %w", err)
	}
	return out, next, nil
}

// ExpiredPayloads implements store.Store.
func (s *Store) ExpiredPayloads(ctx context.Context, upTo time.Time, p store.Page) ([]string, string, error) {
	var out []string
	var next string
	// Entries expiring exactly at upTo continue with sep (0x00) after the time, so they sort
	// before this bound and later times after it.
	sp := span{end: append([]byte(timeKey(upTo)), 1)}
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bPayloads), sp, p, func(k, _ []byte) (bool, error) {
			out = append(out, lastPart(k))
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list expired payloads: %w", err)
	}
	return out, next, nil
}

// DropPayload implements store.Store.
func (s *Store) DropPayload(ctx context.Context, id string, upTo time.Time) error {
	err := s.update(ctx, func(t txn) error {
		prev, next, err := loadTwice[store.Submission](t.b(bSubs), id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if !payloadExpired(prev, upTo) {
			return nil
		}
		if next.SourceRef == "" {
			next.SourceRef = next.Payload.SourceRef
		}
		next.Payload, next.PayloadExpiresAt = nil, nil
		next.Version++
		return t.putSubmission(prev, next)
	})
	if err != nil {
		return fmt.Errorf("drop payload of submission %s: %w", id, err)
	}
	return nil
}

func payloadExpired(s *store.Submission, upTo time.Time) bool {
	return s.Payload != nil && s.PayloadExpiresAt != nil && !s.PayloadExpiresAt.After(upTo)
}

// File implements store.Store. Besides the filing's items it records on the customer every
// lookup key it holds (stored ones, Customer.Keys and Filing.Keys) and the submission's ID, so
// that a purge finds them.
func (s *Store) File(ctx context.Context, f store.Filing) error {
	if err := errors.Join(checkID(f.Submission.ID), checkID(f.Customer.ID)); err != nil {
		return fmt.Errorf("file submission: %w", err)
	}
	err := s.update(ctx, func(t txn) error {
		c := f.Customer
		prev, err := load[customer.Customer](t.b(bCusts), []byte(c.ID))
		if err != nil {
			return err
		}
		switch {
		case f.NewCustomer && prev != nil:
			return fmt.Errorf("customer %s exists: %w", c.ID, store.ErrConflict)
		case !f.NewCustomer && prev == nil:
			return fmt.Errorf("customer %s absent: %w", c.ID, store.ErrConflict)
		case !f.NewCustomer && prev.Version != c.Version-1:
			return fmt.Errorf("customer %s is at version %d, not %d: %w", c.ID, prev.Version, c.Version-1, store.ErrConflict)
		}
		var held []customer.LookupKey
		if prev != nil {
			held = mergeKeys(prev.Keys)
		}
		c.Keys = mergeKeys(held, c.Keys, f.Keys)
		for _, k := range c.Keys[len(held):] {
			if err := t.addKey(k, c.ID); err != nil {
				return err
			}
		}
		if !slices.Contains(c.Submissions, f.Submission.ID) {
			c.Submissions = append(slices.Clip(c.Submissions), f.Submission.ID)
		}
		if err := t.putCustomer(prev, &c); err != nil {
			return err
		}
		h := f.History
		h.CustomerID = c.ID
		if err := t.put(bHistory, key(c.ID, timeKey(h.At), h.SubmissionID), h); err != nil {
			return err
		}
		sub := f.Submission
		prevSub, err := load[store.Submission](t.b(bSubs), []byte(sub.ID))
		if err != nil {
			return err
		}
		sub.Version = 1
		if prevSub != nil {
			sub.Version = prevSub.Version + 1
		}
		if err := t.putSubmission(prevSub, &sub); err != nil {
			return err
		}
		if f.Review != nil {
			if err := t.openReview(*f.Review); err != nil {
				return err
			}
		}
		return t.appendAudit(f.Audit)
	})
	if err != nil {
		return fmt.Errorf("file submission %s: %w", f.Submission.ID, err)
	}
	return nil
}

// FindCandidates implements store.Store. Block members come in customer-ID order; perKey of
// zero or less means no cap.
func (s *Store) FindCandidates(ctx context.Context, keys []customer.LookupKey, perKey int) (store.Candidates, error) {
	out := store.Candidates{ByKey: map[string][]string{}}
	err := s.view(ctx, func(t txn) error {
		for _, k := range mergeKeys(keys) {
			if k.Unique {
				if owner := t.b(bUnique).Get(key(k.Kind, k.Hash)); owner != nil {
					out.ByKey[k.Hash] = appendNew(out.ByKey[k.Hash], string(owner))
				}
				continue
			}
			prefix := append(key(k.Kind, k.Hash), sep...)
			c := t.b(bBlock).Cursor()
			for ck, _ := c.Seek(prefix); ck != nil && bytes.HasPrefix(ck, prefix); ck, _ = c.Next() {
				if perKey > 0 && len(out.ByKey[k.Hash]) == perKey {
					out.Truncated = append(out.Truncated, k.Hash)
					break
				}
				out.ByKey[k.Hash] = appendNew(out.ByKey[k.Hash], lastPart(ck))
			}
		}
		return nil
	})
	if err != nil {
		return store.Candidates{}, fmt.Errorf("find candidates: %w", err)
	}
	return out, nil
}

// GetCustomer implements store.Store.
func (s *Store) GetCustomer(ctx context.Context, id string) (customer.Customer, error) {
	return get[customer.Customer](ctx, s, bCusts, id, "customer")
}

// UpdateCustomer implements store.Store. The ID and the lookup keys stay as stored whatever fn
// does: keys are added by File and removed by PurgeCustomer only.
func (s *Store) UpdateCustomer(ctx context.Context, id string, fn func(*customer.Customer) error) (customer.Customer, error) {
	var out customer.Customer
	err := s.update(ctx, func(t txn) error {
		prev, next, err := loadTwice[customer.Customer](t.b(bCusts), id)
		if err != nil {
			return err
		}
		if err := fn(next); err != nil {
			return err
		}
		next.ID, next.Keys, next.Version = prev.ID, prev.Keys, prev.Version+1
		if next.UpdatedAt.Equal(prev.UpdatedAt) {
			next.UpdatedAt = now()
		}
		out = *next
		return t.putCustomer(prev, &out)
	})
	if err != nil {
		return customer.Customer{}, fmt.Errorf("update customer %s: %w", id, err)
	}
	return out, nil
}

// History implements store.Store.
func (s *Store) History(ctx context.Context, customerID string, p store.Page) ([]customer.HistoryEntry, string, error) {
	var out []customer.HistoryEntry
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bHistory), within(customerID), p, func(_, v []byte) (bool, error) {
			return appendDecoded(&out, v)
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list history of customer %s: %w", customerID, err)
	}
	return out, next, nil
}

// ListCustomers implements store.Store. Customers come in ID order.
func (s *Store) ListCustomers(ctx context.Context, flag customer.Flag, p store.Page) ([]customer.Customer, string, error) {
	var out []customer.Customer
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		if flag == customer.FlagNone {
			next, err = walk(t.b(bCusts), span{}, p, func(_, v []byte) (bool, error) {
				return appendDecoded(&out, v)
			})
			return err
		}
		next, err = walk(t.b(bFlags), within(string(flag)), p, func(k, _ []byte) (bool, error) {
			return appendLoaded(&out, t.b(bCusts), lastPart(k))
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list customers: %w", err)
	}
	return out, next, nil
}

// DueCustomers implements store.Store.
func (s *Store) DueCustomers(ctx context.Context, due store.Due, upTo time.Time, p store.Page) ([]customer.Customer, string, error) {
	var out []customer.Customer
	var next string
	sp := within(string(due))
	// Entries due exactly at upTo continue with sep (0x00) after the time, so they sort
	// before this bound and later times after it.
	sp.end = append(key(string(due), timeKey(upTo)), 1)
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bDue), sp, p, func(k, _ []byte) (bool, error) {
			return appendLoaded(&out, t.b(bCusts), lastPart(k))
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list customers due for %s: %w", due, err)
	}
	return out, next, nil
}

// PurgeCustomer implements store.Store. Cards issued to another customer are kept even when
// scanned into the purged customer's submissions; cards issued to no one are deleted then.
func (s *Store) PurgeCustomer(ctx context.Context, customerID string, audit store.AuditEntry) error {
	if err := checkID(customerID); err != nil {
		return fmt.Errorf("purge customer: %w", err)
	}
	err := s.update(ctx, func(t txn) error {
		subs, err := t.purgeProfile(customerID)
		if err != nil {
			return err
		}
		cards := map[string]bool{}
		for _, id := range subs {
			sub, err := load[store.Submission](t.b(bSubs), []byte(id))
			if err != nil {
				return err
			}
			if sub == nil {
				continue
			}
			if sub.CardID != "" {
				cards[sub.CardID] = true
			}
			if err := t.deleteSubmission(sub); err != nil {
				return err
			}
		}
		if err := t.purgeReviews(customerID, subs); err != nil {
			return err
		}
		for _, other := range keysUnder(t.b(bDistinct), customerID) {
			if err := errors.Join(t.b(bDistinct).Delete(key(customerID, other)), t.b(bDistinct).Delete(key(other, customerID))); err != nil {
				return err
			}
		}
		if err := t.purgeCards(customerID, cards); err != nil {
			return err
		}
		return t.appendAudit(audit)
	})
	if err != nil {
		return fmt.Errorf("purge customer %s: %w", customerID, err)
	}
	return nil
}

// OpenReview implements store.Store.
func (s *Store) OpenReview(ctx context.Context, r store.Review) error {
	if err := s.update(ctx, func(t txn) error { return t.openReview(r) }); err != nil {
		return fmt.Errorf("open review %s: %w", r.ID, err)
	}
	return nil
}

// GetReview implements store.Store.
func (s *Store) GetReview(ctx context.Context, id string) (store.Review, error) {
	return get[store.Review](ctx, s, bReviews, id, "review")
}

// ListReviews implements store.Store; status "" lists every review.
func (s *Store) ListReviews(ctx context.Context, status store.ReviewStatus, p store.Page) ([]store.Review, string, error) {
	var out []store.Review
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		index, sp := t.b(bRvTime), span{}
		if status != "" {
			index, sp = t.b(bRvStatus), within(string(status))
		}
		next, err = walk(index, sp, p, func(k, _ []byte) (bool, error) {
			return appendLoaded(&out, t.b(bReviews), lastPart(k))
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list reviews: %w", err)
	}
	return out, next, nil
}

// UpdateReview implements store.Store.
func (s *Store) UpdateReview(ctx context.Context, id string, fn func(*store.Review) error) (store.Review, error) {
	var out store.Review
	err := s.update(ctx, func(t txn) error {
		prev, next, err := loadTwice[store.Review](t.b(bReviews), id)
		if err != nil {
			return err
		}
		if err := fn(next); err != nil {
			return err
		}
		next.ID, next.Version = prev.ID, prev.Version+1
		out = *next
		return t.putReview(prev, &out)
	})
	if err != nil {
		return store.Review{}, fmt.Errorf("update review %s: %w", id, err)
	}
	return out, nil
}

// MarkDistinct implements store.Store.
func (s *Store) MarkDistinct(ctx context.Context, a, b string) error {
	if err := errors.Join(checkID(a), checkID(b)); err != nil {
		return fmt.Errorf("mark distinct: %w", err)
	}
	err := s.update(ctx, func(t txn) error {
		return errors.Join(t.b(bDistinct).Put(key(a, b), present), t.b(bDistinct).Put(key(b, a), present))
	})
	if err != nil {
		return fmt.Errorf("mark %s and %s distinct: %w", a, b, err)
	}
	return nil
}

// Distinct implements store.Store.
func (s *Store) Distinct(ctx context.Context, a, b string) (bool, error) {
	var found bool
	err := s.view(ctx, func(t txn) error {
		found = t.b(bDistinct).Get(key(a, b)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("distinct %s and %s: %w", a, b, err)
	}
	return found, nil
}

// CreateCard implements store.Store.
func (s *Store) CreateCard(ctx context.Context, c store.Card) error {
	if err := checkID(c.ID); err != nil {
		return fmt.Errorf("create card: %w", err)
	}
	err := s.update(ctx, func(t txn) error {
		if t.b(bCards).Get([]byte(c.ID)) != nil {
			return store.ErrConflict
		}
		c.Version = 1
		return t.putCard(nil, &c)
	})
	if err != nil {
		return fmt.Errorf("create card %s: %w", c.ID, err)
	}
	return nil
}

// GetCard implements store.Store.
func (s *Store) GetCard(ctx context.Context, id string) (store.Card, error) {
	return get[store.Card](ctx, s, bCards, id, "card")
}

// UpdateCard implements store.Store.
func (s *Store) UpdateCard(ctx context.Context, id string, fn func(*store.Card) error) (store.Card, error) {
	var out store.Card
	err := s.update(ctx, func(t txn) error {
		prev, next, err := loadTwice[store.Card](t.b(bCards), id)
		if err != nil {
			return err
		}
		if err := fn(next); err != nil {
			return err
		}
		next.ID, next.Version = prev.ID, prev.Version+1
		out = *next
		return t.putCard(prev, &out)
	})
	if err != nil {
		return store.Card{}, fmt.Errorf("update card %s: %w", id, err)
	}
	return out, nil
}

// ListCards implements store.Store.
func (s *Store) ListCards(ctx context.Context, f store.CardFilter, p store.Page) ([]store.Card, string, error) {
	var out []store.Card
	var next string
	var sp span
	if !f.From.IsZero() {
		sp.start = []byte(timeKey(f.From))
	}
	if !f.To.IsZero() {
		sp.end = []byte(timeKey(f.To))
	}
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bCardTime), sp, p, func(k, _ []byte) (bool, error) {
			c, err := load[store.Card](t.b(bCards), []byte(lastPart(k)))
			if err != nil || c == nil {
				return false, errors.Join(err, danglingErr(c == nil))
			}
			if (f.Status != "" && c.Status != f.Status) || (f.Room != "" && c.Room != f.Room) {
				return false, nil
			}
			out = append(out, *c)
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list cards: %w", err)
	}
	return out, next, nil
}

// Links implements store.Store. Rows come in submission-ID order.
func (s *Store) Links(ctx context.Context, p store.Page) ([]store.Link, string, error) {
	var out []store.Link
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bSubs), span{}, p, func(_, v []byte) (bool, error) {
			var sub store.Submission
			if err := json.Unmarshal(v, &sub); err != nil {
				return false, err
			}
			l := store.Link{SourceRef: sub.SourceRef, SubmissionID: sub.ID, Status: sub.Status}
			if sub.Outcome != nil {
				l.CustomerID, l.Decision = sub.Outcome.CustomerID, sub.Outcome.Decision
			}
			out = append(out, l)
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list links: %w", err)
	}
	return out, next, nil
}

// AppendAudit implements store.Store. Appending an entry again (same At and ID) replaces it.
func (s *Store) AppendAudit(ctx context.Context, e store.AuditEntry) error {
	if err := s.update(ctx, func(t txn) error { return t.appendAudit(e) }); err != nil {
		return fmt.Errorf("append audit entry %s: %w", e.ID, err)
	}
	return nil
}

// ListAudit implements store.Store.
func (s *Store) ListAudit(ctx context.Context, p store.Page) ([]store.AuditEntry, string, error) {
	var out []store.AuditEntry
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bAudit), span{}, p, func(_, v []byte) (bool, error) {
			return appendDecoded(&out, v)
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list audit entries: %w", err)
	}
	return out, next, nil
}

// Dump calls visit with every stored item as "bucket key = value"; the contract suite uses it
// to check that a purge leaves nothing behind.
func (s *Store) Dump(ctx context.Context, visit func(audit bool, raw []byte) error) error {
	err := s.view(ctx, func(t txn) error {
		for _, name := range allBuckets {
			err := t.b(name).ForEach(func(k, v []byte) error {
				return visit(bytes.Equal(name, bAudit), slices.Concat(name, []byte(" "), k, []byte(" = "), v))
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dump store: %w", err)
	}
	return nil
}

// txn is one bbolt transaction with the item and index operations built on it.
type txn struct{ tx *bolt.Tx }

func (t txn) b(name []byte) *bolt.Bucket { return t.tx.Bucket(name) }

func (t txn) put(bucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s item: %w", bucket, err)
	}
	return t.b(bucket).Put(k, raw)
}

// index adds (on) or removes (off) index entries.
func (t txn) index(bucket []byte, on bool, keys ...[]byte) error {
	for _, k := range keys {
		var err error
		if on {
			err = t.b(bucket).Put(k, present)
		} else {
			err = t.b(bucket).Delete(k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// putSubmission writes s in place of prev (nil when new), keeping its indexes in step.
func (t txn) putSubmission(prev, s *store.Submission) error {
	if s.SourceRef == "" && s.Payload != nil {
		s.SourceRef = s.Payload.SourceRef
	}
	if prev != nil {
		if err := t.unindexSubmission(prev); err != nil {
			return err
		}
	}
	if err := t.put(bSubs, []byte(s.ID), s); err != nil {
		return err
	}
	if err := t.index(bPending, s.Status == store.StatusReceived, key(timeKey(s.ReceivedAt), s.ID)); err != nil {
		return err
	}
	if err := t.indexPayload(s, true); err != nil {
		return err
	}
	if s.IdempotencyKey != "" && t.b(bIdem).Get([]byte(s.IdempotencyKey)) == nil {
		return t.b(bIdem).Put([]byte(s.IdempotencyKey), []byte(s.ID))
	}
	return nil
}

func (t txn) unindexSubmission(s *store.Submission) error {
	if err := t.index(bPending, false, key(timeKey(s.ReceivedAt), s.ID)); err != nil {
		return err
	}
	if err := t.indexPayload(s, false); err != nil {
		return err
	}
	if s.IdempotencyKey != "" && string(t.b(bIdem).Get([]byte(s.IdempotencyKey))) == s.ID {
		return t.b(bIdem).Delete([]byte(s.IdempotencyKey))
	}
	return nil
}

// indexPayload adds or removes the payload expiry entry of a submission that holds a payload
// with an expiry; other submissions have none.
func (t txn) indexPayload(s *store.Submission, on bool) error {
	if s.Payload == nil || s.PayloadExpiresAt == nil {
		return nil
	}
	return t.index(bPayloads, on, key(timeKey(*s.PayloadExpiresAt), s.ID))
}

func (t txn) deleteSubmission(s *store.Submission) error {
	return errors.Join(t.unindexSubmission(s), t.b(bSubs).Delete([]byte(s.ID)))
}

// putCustomer writes c in place of prev (nil when new), keeping the flag and due indexes in step.
func (t txn) putCustomer(prev, c *customer.Customer) error {
	if prev != nil {
		if err := t.indexCustomer(prev, false); err != nil {
			return err
		}
	}
	if err := t.put(bCusts, []byte(c.ID), c); err != nil {
		return err
	}
	return t.indexCustomer(c, true)
}

func (t txn) indexCustomer(c *customer.Customer, on bool) error {
	var due [][]byte
	if c.RefreshDueAt != nil {
		due = append(due, key(string(store.DueRefresh), timeKey(*c.RefreshDueAt), c.ID))
	}
	if c.PurgeDueAt != nil {
		due = append(due, key(string(store.DuePurge), timeKey(*c.PurgeDueAt), c.ID))
	}
	if err := t.index(bDue, on, due...); err != nil {
		return err
	}
	if c.Flag == customer.FlagNone {
		return nil
	}
	return t.index(bFlags, on, key(string(c.Flag), c.ID))
}

// addKey points lookup key k at customer id: a unique key must be free or already its own.
func (t txn) addKey(k customer.LookupKey, id string) error {
	if !k.Unique {
		return t.b(bBlock).Put(key(k.Kind, k.Hash, id), present)
	}
	uk := key(k.Kind, k.Hash)
	switch owner := t.b(bUnique).Get(uk); {
	case owner == nil:
		return t.b(bUnique).Put(uk, []byte(id))
	case string(owner) != id:
		return &store.DuplicateKeyError{Kind: k.Kind, CustomerID: string(owner)}
	}
	return nil
}

func (t txn) removeKey(k customer.LookupKey, id string) error {
	if !k.Unique {
		return t.b(bBlock).Delete(key(k.Kind, k.Hash, id))
	}
	uk := key(k.Kind, k.Hash)
	if string(t.b(bUnique).Get(uk)) == id {
		return t.b(bUnique).Delete(uk)
	}
	return nil
}

// purgeProfile deletes the customer's profile, keys, index entries and history, returning the
// IDs of the submissions filed on it.
func (t txn) purgeProfile(id string) ([]string, error) {
	var subs []string
	c, err := load[customer.Customer](t.b(bCusts), []byte(id))
	if err != nil {
		return nil, err
	}
	if c != nil {
		subs = append(subs, c.Submissions...)
		for _, k := range c.Keys {
			if err := t.removeKey(k, id); err != nil {
				return nil, err
			}
		}
		if err := errors.Join(t.indexCustomer(c, false), t.b(bCusts).Delete([]byte(id))); err != nil {
			return nil, err
		}
	}
	prefix := append(key(id), sep...)
	var history [][]byte
	cur := t.b(bHistory).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		history = append(history, slices.Clone(k))
		subs = appendNew(subs, lastPart(k))
	}
	for _, k := range history {
		if err := t.b(bHistory).Delete(k); err != nil {
			return nil, err
		}
	}
	return subs, nil
}

// purgeReviews deletes the reviews naming customer id. A review that named it as the candidate
// of another customer's submission also named it in that submission's explanation: that
// mention goes too.
func (t txn) purgeReviews(id string, purgedSubs []string) error {
	for _, rid := range keysUnder(t.b(bRvCust), id) {
		r, err := load[store.Review](t.b(bReviews), []byte(rid))
		if err != nil {
			return err
		}
		if r == nil {
			continue
		}
		if r.CustomerID != id && !slices.Contains(purgedSubs, r.SubmissionID) {
			if err := t.forgetCandidate(r.SubmissionID, id); err != nil {
				return err
			}
		}
		if err := errors.Join(t.indexReview(r, false), t.b(bReviews).Delete([]byte(rid))); err != nil {
			return err
		}
	}
	return nil
}

func (t txn) forgetCandidate(subID, id string) error {
	prev, next, err := loadTwice[store.Submission](t.b(bSubs), subID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if next.Outcome == nil || next.Outcome.Explanation == nil || next.Outcome.Explanation.CandidateID != id {
		return nil
	}
	next.Outcome.Explanation.CandidateID = ""
	next.Version++
	return t.putSubmission(prev, next)
}

// purgeCards deletes the cards issued to customer id and the unassigned cards scanned into its
// submissions.
func (t txn) purgeCards(id string, scanned map[string]bool) error {
	ids := keysUnder(t.b(bCardCust), id)
	for cid := range scanned {
		ids = appendNew(ids, cid)
	}
	for _, cid := range ids {
		c, err := load[store.Card](t.b(bCards), []byte(cid))
		if err != nil {
			return err
		}
		if c == nil || (c.CustomerID != id && c.CustomerID != "") {
			continue
		}
		if err := errors.Join(t.indexCard(c, false), t.b(bCards).Delete([]byte(cid))); err != nil {
			return err
		}
	}
	return nil
}

func (t txn) openReview(r store.Review) error {
	if err := checkID(r.ID); err != nil {
		return err
	}
	if t.b(bReviews).Get([]byte(r.ID)) != nil {
		return fmt.Errorf("review %s exists: %w", r.ID, store.ErrConflict)
	}
	r.Version = 1
	return t.putReview(nil, &r)
}

func (t txn) putReview(prev, r *store.Review) error {
	if prev != nil {
		if err := t.indexReview(prev, false); err != nil {
			return err
		}
	}
	if err := t.put(bReviews, []byte(r.ID), r); err != nil {
		return err
	}
	return t.indexReview(r, true)
}

func (t txn) indexReview(r *store.Review, on bool) error {
	created := timeKey(r.CreatedAt)
	var byCustomer [][]byte
	for _, c := range []string{r.CustomerID, r.CandidateID} {
		if c != "" {
			byCustomer = append(byCustomer, key(c, r.ID))
		}
	}
	return errors.Join(
		t.index(bRvStatus, on, key(string(r.Status), created, r.ID)),
		t.index(bRvTime, on, key(created, r.ID)),
		t.index(bRvCust, on, byCustomer...),
	)
}

func (t txn) putCard(prev, c *store.Card) error {
	if prev != nil {
		if err := t.indexCard(prev, false); err != nil {
			return err
		}
	}
	if err := t.put(bCards, []byte(c.ID), c); err != nil {
		return err
	}
	return t.indexCard(c, true)
}

func (t txn) indexCard(c *store.Card, on bool) error {
	err := t.index(bCardTime, on, key(timeKey(c.IssuedAt), c.ID))
	if err != nil || c.CustomerID == "" {
		return err
	}
	return t.index(bCardCust, on, key(c.CustomerID, c.ID))
}

func (t txn) appendAudit(e store.AuditEntry) error {
	if err := checkID(e.ID); err != nil {
		return fmt.Errorf("audit entry: %w", err)
	}
	return t.put(bAudit, key(timeKey(e.At), e.ID), e)
}

// span bounds a walk: keys under prefix, from start (or the prefix) up to end, exclusive.
type span struct {
	prefix, start, end []byte
}

// within is the span of the keys whose first part is first.
func within(first string) span { return span{prefix: append(key(first), sep...)} }

// walk visits the keys of b in span sp that follow the page's cursor; take reports whether it
// kept an item. It stops once it kept a page's worth and returns the next page's cursor, the
// last kept key, or "" when the span holds no further key.
func walk(b *bolt.Bucket, sp span, p store.Page, take func(k, v []byte) (bool, error)) (string, error) {
	limit := p.Limit
	switch {
	case limit <= 0:
		limit = store.DefaultLimit
	case limit > store.MaxLimit:
		limit = store.MaxLimit
	}
	c := b.Cursor()
	var k, v []byte
	if p.Cursor == "" {
		first := sp.prefix
		if bytes.Compare(sp.start, first) > 0 {
			first = sp.start
		}
		k, v = c.Seek(first)
	} else {
		after, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		if err != nil || !bytes.HasPrefix(after, sp.prefix) {
			return "", store.ErrInvalidCursor
		}
		if k, v = c.Seek(after); bytes.Equal(k, after) {
			k, v = c.Next()
		}
	}
	kept := 0
	var last []byte
	for ; k != nil && bytes.HasPrefix(k, sp.prefix) && (sp.end == nil || bytes.Compare(k, sp.end) < 0); k, v = c.Next() {
		if kept == limit {
			return base64.RawURLEncoding.EncodeToString(last), nil
		}
		ok, err := take(k, v)
		if err != nil {
			return "", err
		}
		if ok {
			kept++
			last = k
		}
	}
	return "", nil
}

// keysUnder returns the last parts of the index keys of b whose first part is first.
func keysUnder(b *bolt.Bucket, first string) []string {
	prefix := append(key(first), sep...)
	var out []string
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, lastPart(k))
	}
	return out
}

func key(parts ...string) []byte { return []byte(strings.Join(parts, sep)) }

func lastPart(k []byte) string { return string(k[bytes.LastIndex(k, []byte(sep))+1:]) }

func timeKey(t time.Time) string { return t.UTC().Format(timeLayout) }

func now() time.Time { return time.Now().UTC() }

// checkID refuses IDs that cannot be key parts.
func checkID(id string) error {
	if id == "" || strings.Contains(id, sep) {
		return fmt.Errorf("invalid ID %q", id)
	}
	return nil
}

// mergeKeys returns the lookup keys of every list, first occurrence first, once each.
func mergeKeys(lists ...[]customer.LookupKey) []customer.LookupKey {
	var out []customer.LookupKey
	seen := map[string]bool{}
	for _, list := range lists {
		for _, k := range list {
			if id := k.Kind + sep + k.Hash; !seen[id] {
				seen[id] = true
				out = append(out, k)
			}
		}
	}
	return out
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// load decodes the item at k, or returns nil when there is none.
func load[T any](b *bolt.Bucket, k []byte) (*T, error) {
	raw := b.Get(k)
	if raw == nil {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", k, err)
	}
	return v, nil
}

// loadTwice decodes the item at id into two independent values, the stored one and one for an
// update function to change, or fails with ErrNotFound.
func loadTwice[T any](b *bolt.Bucket, id string) (prev, next *T, err error) {
	if prev, err = load[T](b, []byte(id)); err != nil {
		return nil, nil, err
	}
	if prev == nil {
		return nil, nil, store.ErrNotFound
	}
	next, err = load[T](b, []byte(id))
	return prev, next, err
}

func get[T any](ctx context.Context, s *Store, bucket []byte, id, what string) (T, error) {
	var v *T
	err := s.view(ctx, func(t txn) (err error) {
		v, err = load[T](t.b(bucket), []byte(id))
		return err
	})
	if err == nil && v == nil {
		err = store.ErrNotFound
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("get %s %s: %w", what, id, err)
	}
	return *v, nil
}

func appendDecoded[T any](out *[]T, raw []byte) (bool, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return false, err
	}
	*out = append(*out, v)
	return true, nil
}

// appendLoaded appends the item an index entry points at. Indexes change in the same
// transactions as their items, so an entry without its item is corruption, not a race.
func appendLoaded[T any](out *[]T, b *bolt.Bucket, id string) (bool, error) {
	v, err := load[T](b, []byte(id))
	if err != nil || v == nil {
		return false, errors.Join(err, danglingErr(v == nil))
	}
	*out = append(*out, *v)
	return true, nil
}

func danglingErr(dangling bool) error {
	if dangling {
		return errors.New("index entry points at a missing item")
	}
	return nil
}
