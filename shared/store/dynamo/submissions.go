package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/intake-project/intake/shared/store"
)

// updateAttempts bounds the read-modify-write retries of the Update* methods.
const updateAttempts = 8

// backoff waits a little, more at each attempt, with jitter so racing writers spread out.
func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(attempt+1) * 5 * time.Millisecond
	d += rand.N(d)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func submissionItem(sub store.Submission) (item, error) {
	it, err := newItem(submissionPK(sub.ID), skSubmission, sub)
	if err != nil {
		return nil, err
	}
	it[attrVersion] = num(sub.Version)
	sk := timeKey(sub.ReceivedAt) + "#" + sub.ID
	it[gsi1PK] = str("SUBMISSIONS#" + shardOf(sub.ID))
	it[gsi1SK] = str(sk)
	if sub.Status == store.StatusReceived {
		it[gsi2PK] = str("PENDING#" + shardOf(sub.ID))
		it[gsi2SK] = str(sk)
	}
	// Every write of a submission goes through here, so the entry comes and goes with the
	// payload: the index never leads to a payload already dropped, nor misses one.
	if sub.Payload != nil && sub.PayloadExpiresAt != nil {
		it[gsi3PK] = str(payloadPrefix + shardOf(sub.ID))
		it[gsi3SK] = str(timeKey(*sub.PayloadExpiresAt) + "#" + sub.ID)
	}
	return it, nil
}

// payloadPrefix starts the GSI3 partitions of submissions holding a payload with an expiry.
const payloadPrefix = "PAYLOAD#"

// withSourceRef copies the payload's sourceRef beside it, as the port asks.
func withSourceRef(sub store.Submission) store.Submission {
	if sub.SourceRef == "" && sub.Payload != nil {
		sub.SourceRef = sub.Payload.SourceRef
	}
	return sub
}

// CreateSubmission writes the submission and, when it has one, its idempotency item in one
// transaction, both conditional on being new; a lost condition returns the stored submission.
func (s *Store) CreateSubmission(ctx context.Context, sub store.Submission) (store.Submission, bool, error) {
	sub = withSourceRef(sub)
	sub.Version = 1
	it, err := submissionItem(sub)
	if err != nil {
		return store.Submission{}, false, fmt.Errorf("dynamo: create submission: %w", err)
	}
	writes := []types.TransactWriteItem{{Put: &types.Put{
		TableName:           aws.String(s.table),
		Item:                it,
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}}
	if sub.IdempotencyKey != "" {
		writes = append(writes, types.TransactWriteItem{Put: &types.Put{
			TableName: aws.String(s.table),
			Item: item{
				attrPK: str(idempotencyPK(sub.IdempotencyKey)), attrSK: str(skIdem),
				"submissionId": str(sub.ID),
			},
			ConditionExpression:                 aws.String("attribute_not_exists(PK)"),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}})
	}
	for attempt := 0; ; attempt++ {
		_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes})
		if err == nil {
			return sub, true, nil
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			return store.Submission{}, false, fmt.Errorf("dynamo: create submission %s: %w", sub.ID, err)
		}
		existing := ""
		for i, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) != "ConditionalCheckFailed" {
				continue
			}
			if i == 0 {
				existing = sub.ID
			} else {
				existing = getS(r.Item, "submissionId")
			}
			break
		}
		if existing != "" {
			stored, err := s.GetSubmission(ctx, existing)
			if err != nil {
				return store.Submission{}, false, fmt.Errorf("dynamo: create submission %s: read the stored one: %w", sub.ID, err)
			}
			return stored, false, nil
		}
		// A TransactionConflict: a concurrent replay is writing the same items; once it lands,
		// the condition decides.
		if attempt+1 == updateAttempts {
			return store.Submission{}, false, fmt.Errorf("dynamo: create submission %s: %w", sub.ID, store.ErrConflict)
		}
		if err := backoff(ctx, attempt); err != nil {
			return store.Submission{}, false, err
		}
	}
}

// GetSubmission reads a submission with a strongly consistent read.
func (s *Store) GetSubmission(ctx context.Context, id string) (store.Submission, error) {
	var sub store.Submission
	if err := s.get(ctx, submissionPK(id), skSubmission, &sub); err != nil {
		return store.Submission{}, fmt.Errorf("dynamo: get submission: %w", err)
	}
	return sub, nil
}

// get reads one item into v; an absent item is ErrNotFound naming its partition key.
func (s *Store) get(ctx context.Context, pk, sk string, v any) error {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(pk, sk),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return fmt.Errorf("%s: %w", pk, err)
	}
	if res.Item == nil {
		return fmt.Errorf("%s: %w", pk, store.ErrNotFound)
	}
	return decode(res.Item, v)
}

// putVersioned writes an item conditional on its stored version being prev; a lost
// condition is ErrConflict.
func (s *Store) putVersioned(ctx context.Context, it item, prev int64) error {
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 aws.String(s.table),
		Item:                      it,
		ConditionExpression:       aws.String("#v = :prev"),
		ExpressionAttributeNames:  map[string]string{"#v": attrVersion},
		ExpressionAttributeValues: item{":prev": num(prev)},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return store.ErrConflict
	}
	return err
}

// update runs the read-modify-write loop the Update* methods share: read, apply, write on the
// version read, and start over on a conflict.
func update(ctx context.Context, attempts int, once func() error) error {
	for attempt := 0; ; attempt++ {
		err := once()
		if !errors.Is(err, store.ErrConflict) || attempt+1 == attempts {
			return err
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

// updateVersioned is the read-modify-write every Update method shares, retried when a
// concurrent writer wins: get reads the item, fn changes a copy, stamp restores what fn may
// not change, bumps the version and returns the version read, and write stores the copy on
// the condition that the stored version is still that one.
func updateVersioned[T any](ctx context.Context, what, id string, get func(context.Context, string) (T, error),
	fn func(*T) error, stamp func(cur T, next *T) int64, write func(ctx context.Context, next T, version int64) error) (T, error) {
	var out T
	err := update(ctx, updateAttempts, func() error {
		cur, err := get(ctx, id)
		if err != nil {
			return err
		}
		next := cur
		if err := fn(&next); err != nil {
			return err
		}
		version := stamp(cur, &next)
		if err := write(ctx, next, version); err != nil {
			return fmt.Errorf("dynamo: update %s %s: %w", what, id, err)
		}
		out = next
		return nil
	})
	return out, err
}

// UpdateSubmission applies fn and writes the result on the version read. When fn leaves
// UpdatedAt alone it is set to now; fn cannot change the ID.
func (s *Store) UpdateSubmission(ctx context.Context, id string, fn func(*store.Submission) error) (store.Submission, error) {
	return updateVersioned(ctx, "submission", id, s.GetSubmission, fn, func(cur store.Submission, next *store.Submission) int64 {
		next.ID = id
		next.Version = cur.Version + 1
		if next.UpdatedAt.Equal(cur.UpdatedAt) {
			next.UpdatedAt = s.now().UTC()
		}
		*next = withSourceRef(*next)
		return cur.Version
	}, func(ctx context.Context, next store.Submission, version int64) error {
		it, err := submissionItem(next)
		if err != nil {
			return err
		}
		return s.putVersioned(ctx, it, version)
	})
}

// ExpiredPayloads reads the sparse payload expiry partitions of GSI3 up to upTo: only
// submissions still holding an expired payload are read.
func (s *Store) ExpiredPayloads(ctx context.Context, upTo time.Time, p store.Page) ([]string, string, error) {
	spans := sharded(indexExpiry, gsi3PK, gsi3SK, payloadPrefix)
	// Sort keys are <time>#<id>; '$' follows '#', so this bound takes every entry at upTo.
	for i := range spans {
		spans[i].hi = timeKey(upTo) + "$"
	}
	items, next, err := s.list(ctx, "payloads", spans, p, nil)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: expired payloads: %w", err)
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, strings.TrimPrefix(getS(it, attrPK), submissionPK("")))
	}
	return ids, next, nil
}

// DropPayload reads the submission strongly and, while its payload has expired at upTo, puts
// it back without the payload on the version read, retrying a lost condition; the item
// written carries no GSI3 keys, which takes it off the index.
func (s *Store) DropPayload(ctx context.Context, id string, upTo time.Time) error {
	err := update(ctx, updateAttempts, func() error {
		cur, err := s.GetSubmission(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if cur.Payload == nil || cur.PayloadExpiresAt == nil || cur.PayloadExpiresAt.After(upTo) {
			return nil
		}
		next := withSourceRef(cur)
		next.Payload, next.PayloadExpiresAt = nil, nil
		next.Version = cur.Version + 1
		it, err := submissionItem(next)
		if err != nil {
			return err
		}
		return s.putVersioned(ctx, it, cur.Version)
	})
	if err != nil {
		return fmt.Errorf("dynamo: drop payload of submission %s: %w", id, err)
	}
	return nil
}

// PendingSubmissions reads the sparse pending index: only RECEIVED submissions are on it.
func (s *Store) PendingSubmissions(ctx context.Context, p store.Page) ([]store.Submission, string, error) {
	items, next, err := s.list(ctx, "pending", sharded(indexDue, gsi2PK, gsi2SK, "PENDING#"), p, nil)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: pending submissions: %w", err)
	}
	subs, err := decodeAll[store.Submission](items)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: pending submissions: %w", err)
	}
	return subs, next, nil
}
