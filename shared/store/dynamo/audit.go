package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/intake-project/intake/shared/store"
)

// AppendAudit writes an audit entry. Entries live in a few AUDIT#<shard> partitions sorted by
// time, so the log lists without an index.
func (s *Store) AppendAudit(ctx context.Context, e store.AuditEntry) error {
	it, err := auditItem(e)
	if err != nil {
		return fmt.Errorf("dynamo: append audit: %w", err)
	}
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: it}); err != nil {
		return fmt.Errorf("dynamo: append audit %s: %w", e.ID, err)
	}
	return nil
}

// ListAudit lists the audit log oldest first.
func (s *Store) ListAudit(ctx context.Context, p store.Page) ([]store.AuditEntry, string, error) {
	items, next, err := s.list(ctx, "audit", sharded("", attrPK, attrSK, "AUDIT#"), p, nil)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: list audit: %w", err)
	}
	es, err := decodeAll[store.AuditEntry](items)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: list audit: %w", err)
	}
	return es, next, nil
}

// Links lists every submission in order of receipt with the customer it was filed on.
func (s *Store) Links(ctx context.Context, p store.Page) ([]store.Link, string, error) {
	items, next, err := s.list(ctx, "links", sharded(indexList, gsi1PK, gsi1SK, "SUBMISSIONS#"), p, nil)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: links: %w", err)
	}
	subs, err := decodeAll[store.Submission](items)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: links: %w", err)
	}
	links := make([]store.Link, 0, len(subs))
	for _, sub := range subs {
		l := store.Link{SourceRef: sub.SourceRef, SubmissionID: sub.ID, Status: sub.Status}
		if sub.Outcome != nil {
			l.CustomerID, l.Decision = sub.Outcome.CustomerID, sub.Outcome.Decision
		}
		links = append(links, l)
	}
	return links, next, nil
}
