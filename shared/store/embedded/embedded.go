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

// updateItem is the read-modify-write every Update method shares, in one transaction: fn
// changes a copy of the stored item, stamp restores what fn may not change and bumps the
// version, and put writes the item with its indexes.
func updateItem[T any](ctx context.Context, s *Store, bucket []byte, what, id string, fn func(*T) error, stamp func(prev, next *T), put func(t txn, prev, next *T) error) (T, error) {
	var out T
	err := s.update(ctx, func(t txn) error {
		prev, next, err := loadTwice[T](t.b(bucket), id)
		if err != nil {
			return err
		}
		if err := fn(next); err != nil {
			return err
		}
		stamp(prev, next)
		out = *next
		return put(t, prev, &out)
	})
	if err != nil {
		var zero T
		return zero, fmt.Errorf("update %s %s: %w", what, id, err)
	}
	return out, nil
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
