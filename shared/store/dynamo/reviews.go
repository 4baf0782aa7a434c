package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/intake-project/intake/shared/store"
)

var reviewStatuses = []store.ReviewStatus{store.ReviewOpen, store.ReviewMerged, store.ReviewDistinct}

const (
	refReview   = "REVIEW"
	refCard     = "CARD"
	refDistinct = "DISTINCT"
)

func reviewItem(r store.Review) (item, error) {
	it, err := newItem(reviewPK(r.ID), skReview, r)
	if err != nil {
		return nil, err
	}
	it[attrVersion] = num(r.Version)
	it[gsi1PK] = str("REVIEWS#" + string(r.Status) + "#" + shardOf(r.ID))
	it[gsi1SK] = str(timeKey(r.CreatedAt) + "#" + r.ID)
	return it, nil
}

// reviewRefs are the back-references from both customers a review names.
func reviewRefs(r store.Review) []item {
	var out []item
	for _, id := range []string{r.CustomerID, r.CandidateID} {
		if id != "" && (len(out) == 0 || id != r.CustomerID) {
			out = append(out, refItem(id, refReview, r.ID))
		}
	}
	return out
}

// transact writes first (with its condition) and the unconditional rest in one transaction;
// a lost condition or a transaction conflict is ErrConflict.
func (s *Store) transact(ctx context.Context, first *types.Put, rest ...item) error {
	first.TableName = aws.String(s.table)
	writes := []types.TransactWriteItem{{Put: first}}
	for _, it := range rest {
		writes = append(writes, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.table), Item: it}})
	}
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "ConditionalCheckFailed", "TransactionConflict":
				return fmt.Errorf("%w: %w", store.ErrConflict, err)
			}
		}
	}
	return err
}

func createCond(it item) *types.Put {
	return &types.Put{Item: it, ConditionExpression: aws.String("attribute_not_exists(PK)")}
}

func versionCond(it item, prev int64) *types.Put {
	return &types.Put{
		Item:                      it,
		ConditionExpression:       aws.String("#v = :prev"),
		ExpressionAttributeNames:  map[string]string{"#v": attrVersion},
		ExpressionAttributeValues: item{":prev": num(prev)},
	}
}

// OpenReview stores a new review at version 1 and back-references from the customers it names; an
// existing ID is ErrConflict.
func (s *Store) OpenReview(ctx context.Context, r store.Review) error {
	r.Version = 1
	it, err := reviewItem(r)
	if err != nil {
		return fmt.Errorf("dynamo: open review: %w", err)
	}
	if err := s.transact(ctx, createCond(it), reviewRefs(r)...); err != nil {
		return fmt.Errorf("dynamo: open review %s: %w", r.ID, err)
	}
	return nil
}

// GetReview reads a review.
func (s *Store) GetReview(ctx context.Context, id string) (store.Review, error) {
	var r store.Review
	if err := s.get(ctx, reviewPK(id), skReview, &r); err != nil {
		return store.Review{}, fmt.Errorf("dynamo: get review: %w", err)
	}
	return r, nil
}

// ListReviews reads the review listing of one status, or of every status when status is "".
func (s *Store) ListReviews(ctx context.Context, status store.ReviewStatus, p store.Page) ([]store.Review, string, error) {
	statuses := reviewStatuses
	if status != "" {
		statuses = []store.ReviewStatus{status}
	}
	var spans []span
	for _, st := range statuses {
		spans = append(spans, sharded(indexList, gsi1PK, gsi1SK, "REVIEWS#"+string(st)+"#")...)
	}
	items, next, err := s.list(ctx, "reviews:"+string(status), spans, p, nil)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: list reviews: %w", err)
	}
	rs, err := decodeAll[store.Review](items)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: list reviews: %w", err)
	}
	return rs, next, nil
}

// UpdateReview applies fn and writes the review on the version read, with its
// back-references (fn may name other customers).
func (s *Store) UpdateReview(ctx context.Context, id string, fn func(*store.Review) error) (store.Review, error) {
	return updateVersioned(ctx, "review", id, s.GetReview, fn, func(cur store.Review, next *store.Review) int64 {
		next.ID, next.Version = id, cur.Version+1
		return cur.Version
	}, func(ctx context.Context, next store.Review, version int64) error {
		it, err := reviewItem(next)
		if err != nil {
			return err
		}
		return s.transact(ctx, versionCond(it, version), reviewRefs(next)...)
	})
}

type distinctPair struct {
	A string `json:"a"`
	B string `json:"b"`
}

// MarkDistinct stores the pair once whatever its order, with back-references from both.
func (s *Store) MarkDistinct(ctx context.Context, a, b string) error {
	if b < a {
		a, b = b, a
	}
	it, err := newItem(distinctPK(a, b), skDistinct, distinctPair{A: a, B: b})
	if err != nil {
		return fmt.Errorf("dynamo: mark distinct: %w", err)
	}
	refs := []item{refItem(a, refDistinct, b)}
	if a != b {
		refs = append(refs, refItem(b, refDistinct, a))
	}
	if err := s.transact(ctx, &types.Put{Item: it}, refs...); err != nil {
		return fmt.Errorf("dynamo: mark distinct: %w", err)
	}
	return nil
}

// Distinct tells whether the pair was marked distinct.
func (s *Store) Distinct(ctx context.Context, a, b string) (bool, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(distinctPK(a, b), skDistinct),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, fmt.Errorf("dynamo: distinct: %w", err)
	}
	return res.Item != nil, nil
}
