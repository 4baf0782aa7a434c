package embedded

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/intake-project/intake/shared/store"
)

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

func (t txn) appendAudit(e store.AuditEntry) error {
	if err := checkID(e.ID); err != nil {
		return fmt.Errorf("audit entry: %w", err)
	}
	return t.put(bAudit, key(timeKey(e.At), e.ID), e)
}
