package dynamo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/intake-project/intake/infra/dynamolocal"
	"github.com/intake-project/intake/infra/table"
	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(dynamolocal.Main(m)) }

var tables atomic.Int64

// open connects to the shared DynamoDB Local and creates a fresh table, so every test has its
// own empty store.
func open(tb testing.TB) *Store {
	tb.Helper()
	endpoint := dynamolocal.Start(tb)
	ctx := context.Background()
	name := fmt.Sprintf("intake-test-%d", tables.Add(1))
	s, err := Connect(ctx, Config{Endpoint: endpoint, Table: name})
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.EnsureTable(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_, _ = s.db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func BenchmarkFile(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return open(b) })
}

func TestEnsureTableCreatesTheDefinedTableOnce(t *testing.T) {
	s := open(t)
	if err := s.EnsureTable(t.Context()); err != nil {
		t.Fatalf("EnsureTable on an existing table: %v", err)
	}
	desc, err := s.db.DescribeTable(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(s.table)})
	if err != nil {
		t.Fatal(err)
	}
	var indexes []string
	for _, g := range desc.Table.GlobalSecondaryIndexes {
		indexes = append(indexes, aws.ToString(g.IndexName))
	}
	slices.Sort(indexes)
	if want := []string{indexList, indexDue, indexExpiry}; !slices.Equal(indexes, want) {
		t.Errorf("indexes %v, want %v", indexes, want)
	}
	ttl, err := s.db.DescribeTimeToLive(t.Context(), &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(s.table)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(ttl.TimeToLiveDescription.AttributeName); got != table.TTLAttribute() {
		t.Errorf("TTL attribute %q, want %q", got, table.TTLAttribute())
	}
}

func TestFileRefusesMoreKeysThanATransactionHolds(t *testing.T) {
	s := open(t)
	var keys []customer.LookupKey
	for i := range MaxFilingKeys + 1 {
		keys = append(keys, customer.LookupKey{Kind: "phone", Hash: fmt.Sprintf("h%03d", i), Unique: true})
	}
	f := store.Filing{
		Submission:  store.Submission{ID: "sub-1", Status: store.StatusFiled},
		Customer:    customer.Customer{ID: "cust-1", Version: 1},
		NewCustomer: true,
		Keys:        keys,
		History:     customer.HistoryEntry{CustomerID: "cust-1", SubmissionID: "sub-1"},
		Audit:       store.AuditEntry{ID: "audit-1"},
	}
	if err := s.File(t.Context(), f); !errors.Is(err, ErrTooManyKeys) {
		t.Fatalf("File with %d keys: %v, want ErrTooManyKeys", len(keys), err)
	}
	f.Keys = keys[:MaxFilingKeys]
	if err := s.File(t.Context(), f); err != nil {
		t.Fatalf("File with %d keys: %v", len(f.Keys), err)
	}
	c, err := s.GetCustomer(t.Context(), "cust-1")
	if err != nil || len(c.Keys) != MaxFilingKeys {
		t.Fatalf("stored customer has %d keys (err %v), want %d", len(c.Keys), err, MaxFilingKeys)
	}
}

func TestCursorsBelongToTheirListing(t *testing.T) {
	s := open(t)
	for i := range 3 {
		e := store.AuditEntry{ID: fmt.Sprintf("audit-%d", i), At: time.Date(2025, 1, 1, 0, i, 0, 0, time.UTC)}
		if err := s.AppendAudit(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	_, next, err := s.ListAudit(t.Context(), store.Page{Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("first audit page: next %q, err %v", next, err)
	}
	tests := map[string]func(p store.Page) error{
		"links":   func(p store.Page) error { _, _, err := s.Links(t.Context(), p); return err },
		"pending": func(p store.Page) error { _, _, err := s.PendingSubmissions(t.Context(), p); return err },
		"cards":   func(p store.Page) error { _, _, err := s.ListCards(t.Context(), store.CardFilter{}, p); return err },
	}
	for name, list := range tests {
		t.Run(name, func(t *testing.T) {
			if err := list(store.Page{Cursor: next}); !errors.Is(err, store.ErrInvalidCursor) {
				t.Errorf("audit cursor on %s: %v, want ErrInvalidCursor", name, err)
			}
		})
	}
}

func TestDueCustomersRejectsAnUnknownIndex(t *testing.T) {
	s := open(t)
	if _, _, err := s.DueCustomers(t.Context(), store.Due("archive"), time.Now(), store.Page{}); err == nil {
		t.Fatal("DueCustomers accepted an unknown index")
	}
}
