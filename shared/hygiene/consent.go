package hygiene

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// WithdrawConsent records that the customer withdrew consent at the given time, recomputes its
// due dates (the purge follows Purge.ConsentWithdrawnDays later, or the KYC retention end) and
// writes an audit entry. A second withdrawal keeps the earlier date.
func WithdrawConsent(ctx context.Context, st store.Store, p *Policy, customerID string, at time.Time, actor string) (customer.Customer, error) {
	return record(ctx, st, p, customerID, at, actor, ActionConsent, func(c *customer.Customer) {
		if c.ConsentWithdrawnAt == nil || at.Before(*c.ConsentWithdrawnAt) {
			c.ConsentWithdrawnAt = &at
		}
	})
}

// EndRelationship records that the relationship with the customer ended at the given time,
// recomputes its due dates (the purge follows Purge.RelationshipEndedYears later) and writes
// an audit entry. A second end keeps the earlier date.
func EndRelationship(ctx context.Context, st store.Store, p *Policy, customerID string, at time.Time, actor string) (customer.Customer, error) {
	return record(ctx, st, p, customerID, at, actor, ActionEnded, func(c *customer.Customer) {
		if c.RelationshipEndedAt == nil || at.Before(*c.RelationshipEndedAt) {
			c.RelationshipEndedAt = &at
		}
	})
}

// record applies set to the customer, recomputes its due dates at the given time and audits
// the change. The audit entry is written after the update, named by the version written, so a
// retried request adds a second entry rather than losing one.
func record(ctx context.Context, st store.Store, p *Policy, customerID string, at time.Time, actor, action string, set func(*customer.Customer)) (customer.Customer, error) {
	updated, err := st.UpdateCustomer(ctx, customerID, func(c *customer.Customer) error {
		set(c)
		p.Due(c, nil, at)
		return nil
	})
	if err != nil {
		return customer.Customer{}, fmt.Errorf("%s: %w", action, err)
	}
	detail := map[string]string{detailPolicy: p.Version}
	if updated.PurgeDueAt != nil {
		detail[detailPurgeDue] = updated.PurgeDueAt.UTC().Format(time.RFC3339)
	}
	err = st.AppendAudit(ctx, store.AuditEntry{
		ID: fmt.Sprintf("%s-%s-v%d", strings.TrimPrefix(action, "customer."), updated.ID, updated.Version), At: at, Actor: actor,
		Action: action, CustomerID: updated.ID, Detail: detail,
	})
	if err != nil {
		return updated, fmt.Errorf("%s: audit: %w", action, err)
	}
	return updated, nil
}
