package embedded_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
	"github.com/intake-project/intake/shared/store/storetest"
)

var _ storetest.Dumper = (*embedded.Store)(nil)

func openTemp(tb testing.TB) store.Store {
	tb.Helper()
	s, err := embedded.Open(filepath.Join(tb.TempDir(), "intake.db"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return openTemp(b) })
}

var at = time.Date(2025, time.March, 1, 9, 0, 0, 0, time.UTC)

func filing() store.Filing {
	sub := store.Submission{
		ID: "sub-1", IdempotencyKey: "form-a:1", Status: store.StatusFiled, ReceivedAt: at, UpdatedAt: at,
		Payload: &customer.Submission{SourceRef: "ref-1", Channel: customer.ChannelWebForm, Kind: customer.KindPerson},
		Outcome: &store.Outcome{CustomerID: "cust-1", Decision: customer.DecisionNew},
	}
	due := at.AddDate(1, 0, 0)
	return store.Filing{
		Submission:  sub,
		Customer:    customer.Customer{ID: "cust-1", Kind: customer.KindPerson, CreatedAt: at, UpdatedAt: at, Version: 1, RefreshDueAt: &due},
		NewCustomer: true,
		Keys:        []customer.LookupKey{{Kind: "phone", Hash: "h1", Unique: true}, {Kind: "name_birth", Hash: "h2"}},
		History:     customer.HistoryEntry{CustomerID: "cust-1", SubmissionID: "sub-1", At: at, Decision: customer.DecisionNew},
		Audit:       store.AuditEntry{ID: "audit-1", At: at, Actor: "workflow", Action: "file", CustomerID: "cust-1"},
	}
}

// TestDataSurvivesReopening: everything a filing wrote, items and indexes, is there after the
// store is closed and opened again.
func TestDataSurvivesReopening(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "intake.db")
	s, err := embedded.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := filing()
	if err := s.File(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = embedded.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	if c, err := s.GetCustomer(ctx, "cust-1"); err != nil || c.Version != 1 || len(c.Keys) != 2 {
		t.Errorf("customer after reopening: %+v, err %v", c, err)
	}
	if sub, err := s.GetSubmission(ctx, "sub-1"); err != nil || sub.Status != store.StatusFiled || sub.SourceRef != "ref-1" {
		t.Errorf("submission after reopening: %+v, err %v", sub, err)
	}
	if cands, err := s.FindCandidates(ctx, f.Keys, 0); err != nil || len(cands.ByKey) != 2 {
		t.Errorf("candidates after reopening: %+v, err %v", cands, err)
	}
	if due, _, err := s.DueCustomers(ctx, store.DueRefresh, at.AddDate(2, 0, 0), store.Page{}); err != nil || len(due) != 1 {
		t.Errorf("due after reopening: %d customers, err %v", len(due), err)
	}
	if history, _, err := s.History(ctx, "cust-1", store.Page{}); err != nil || len(history) != 1 {
		t.Errorf("history after reopening: %d entries, err %v", len(history), err)
	}
	if audit, _, err := s.ListAudit(ctx, store.Page{}); err != nil || len(audit) != 1 {
		t.Errorf("audit after reopening: %d entries, err %v", len(audit), err)
	}
	replay, created, err := s.CreateSubmission(ctx, store.Submission{ID: "sub-2", IdempotencyKey: "form-a:1"})
	if err != nil || created || replay.ID != "sub-1" {
		t.Errorf("replay after reopening: %s created=%v err %v", replay.ID, created, err)
	}
}

// TestFileIsPrivate: the data file is readable and writable by its owner only.
func TestFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "intake.db")
	s, err := embedded.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode %o, want 600", perm)
	}
}

// TestSecondOpenerGetsErrInUse: while one store holds the file, another Open fails with
// ErrInUse instead of waiting forever, and succeeds once the first is closed.
func TestSecondOpenerGetsErrInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "intake.db")
	first, err := embedded.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = embedded.Open(path, embedded.WithLockTimeout(50*time.Millisecond))
	if !errors.Is(err, embedded.ErrInUse) || !strings.Contains(err.Error(), "data folder in use by another intake process") {
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, err := embedded.Open(path, embedded.WithLockTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestUnknownSchemaIsRefused: a file written with another bucket layout is not opened.
func TestUnknownSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "intake.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("schema"), []byte("99"))
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}
	s, err := embedded.Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a file of schema 99")
	}
	if !strings.Contains(err.Error(), "schema") {
		t.Errorf("error %q does not say the schema is wrong", err)
	}
}

// TestSchemaOneIsUpgraded: a file of schema version 1, written before the payload expiry
// index existed, opens with the index built from its submissions.
func TestSchemaOneIsUpgraded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "intake.db")
	s, err := embedded.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := filing()
	expires := at.AddDate(0, 0, 30)
	f.Submission.PayloadExpiresAt = &expires
	if err := s.File(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return errors.Join(tx.DeleteBucket([]byte("payload_expiry")), tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("1")))
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}

	for range 2 {
		s, err = embedded.Open(path)
		if err != nil {
			t.Fatalf("Open of a schema 1 file: %v", err)
		}
		ids, _, err := s.ExpiredPayloads(t.Context(), expires, store.Page{})
		if err != nil || len(ids) != 1 || ids[0] != "sub-1" {
			t.Errorf("expired payloads after the upgrade: %v, err %v; want [sub-1]", ids, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
