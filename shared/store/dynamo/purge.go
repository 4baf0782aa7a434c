package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// Batch sizes DynamoDB allows, and how often unprocessed items are sent again.
const (
	batchWriteMax  = 25
	batchGetMax    = 100
	batchAttempts  = 10
	purgeReadLimit = store.MaxLimit
)

// PurgeCustomer deletes the customer's items without scanning: its own partition (profile,
// history, back-references), the lookup keys the profile lists, the submissions the profile
// and history name with their idempotency items, and the reviews, cards and distinct pairs
// the back-references name. The profile goes last, so an interrupted purge can be run again;
// the audit entry is written after everything is gone.
func (s *Store) PurgeCustomer(ctx context.Context, id string, audit store.AuditEntry) error {
	if err := s.purge(ctx, id); err != nil {
		return fmt.Errorf("dynamo: purge customer %s: %w", id, err)
	}
	if err := s.AppendAudit(ctx, audit); err != nil {
		return fmt.Errorf("dynamo: purge customer %s: %w", id, err)
	}
	return nil
}

func (s *Store) purge(ctx context.Context, id string) error {
	own, err := s.queryAll(ctx, span{pkAttr: attrPK, skAttr: attrSK, pk: customerPK(id)})
	if err != nil {
		return err
	}
	p := purgePlan{id: id}
	var profile *customer.Customer
	for _, it := range own {
		sk := getS(it, attrSK)
		switch {
		case sk == skProfile:
			var c customer.Customer
			if err := decode(it, &c); err != nil {
				return err
			}
			profile = &c
			continue
		case strings.HasPrefix(sk, skHistoryPrefix):
			var h customer.HistoryEntry
			if err := decode(it, &h); err != nil {
				return err
			}
			p.addSubmission(h.SubmissionID)
			p.addCard(h.CardID)
		case strings.HasPrefix(sk, skRefPrefix):
			if err := s.followRef(ctx, &p, strings.TrimPrefix(sk, skRefPrefix)); err != nil {
				return err
			}
		}
		p.partition = append(p.partition, key(customerPK(id), sk))
	}
	if profile != nil {
		for _, sid := range profile.Submissions {
			p.addSubmission(sid)
		}
		for _, k := range profile.Keys {
			if k.Unique {
				if err := s.deleteOwnedKey(ctx, id, k); err != nil {
					return err
				}
				continue
			}
			p.satellite = append(p.satellite, key(blockPK(k.Kind, k.Hash), customerPK(id)))
		}
	}
	subs, err := s.batchGet(ctx, p.submissions)
	if err != nil {
		return err
	}
	for _, it := range subs {
		var sub store.Submission
		if err := decode(it, &sub); err != nil {
			return err
		}
		p.satellite = append(p.satellite, key(submissionPK(sub.ID), skSubmission))
		if sub.IdempotencyKey != "" {
			p.satellite = append(p.satellite, key(idempotencyPK(sub.IdempotencyKey), skIdem))
		}
		p.addCard(sub.CardID)
	}
	for _, cardID := range p.cards {
		if err := s.planCard(ctx, &p, cardID); err != nil {
			return err
		}
	}
	// Other customers' submissions that name this one as their match candidate are scrubbed
	// before the reviews that lead to them are deleted, so a re-run still finds them.
	for _, sid := range p.scrub {
		if slices.Contains(p.submissions, sid) {
			continue
		}
		if err := s.scrubCandidate(ctx, sid, id); err != nil {
			return err
		}
	}
	if err := s.batchDelete(ctx, p.satellite); err != nil {
		return err
	}
	if err := s.batchDelete(ctx, p.partition); err != nil {
		return err
	}
	if profile != nil {
		return s.batchDelete(ctx, []item{key(customerPK(id), skProfile)})
	}
	return nil
}

// purgePlan gathers what a purge deletes.
type purgePlan struct {
	id          string
	submissions []string
	cards       []string
	// scrub lists submissions whose outcome may name the customer as match candidate.
	scrub     []string
	satellite []item // items outside the customer's partition
	partition []item // the partition's items but the profile
}

func (p *purgePlan) addSubmission(id string) {
	if id != "" && !slices.Contains(p.submissions, id) {
		p.submissions = append(p.submissions, id)
	}
}

func (p *purgePlan) addCard(id string) {
	if id != "" && !slices.Contains(p.cards, id) {
		p.cards = append(p.cards, id)
	}
}

// followRef plans the deletion of what a back-reference leads to, if it still names the
// customer, and of the other customer's back-reference to it.
func (s *Store) followRef(ctx context.Context, p *purgePlan, ref string) error {
	kind, target, ok := strings.Cut(ref, "#")
	if !ok {
		return nil
	}
	switch kind {
	case refReview:
		var r store.Review
		err := s.get(ctx, reviewPK(target), skReview, &r)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.CustomerID != p.id && r.CandidateID != p.id {
			return nil
		}
		p.satellite = append(p.satellite, key(reviewPK(r.ID), skReview))
		for _, other := range []string{r.CustomerID, r.CandidateID} {
			if other != p.id && other != "" {
				p.satellite = append(p.satellite, key(customerPK(other), refSK(refReview, r.ID)))
			}
		}
		if r.CandidateID == p.id && r.SubmissionID != "" {
			p.scrub = append(p.scrub, r.SubmissionID)
		}
	case refCard:
		p.addCard(target)
	case refDistinct:
		p.satellite = append(p.satellite,
			key(distinctPK(p.id, target), skDistinct),
			key(customerPK(target), refSK(refDistinct, p.id)))
	}
	return nil
}

// planCard plans the deletion of a card issued to the customer or scanned into one of its
// submissions; a card another customer now holds only loses the back-reference.
func (s *Store) planCard(ctx context.Context, p *purgePlan, cardID string) error {
	var c store.Card
	err := s.get(ctx, cardPK(cardID), skCard, &c)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	scanned := slices.ContainsFunc(c.Scans, func(sid string) bool { return slices.Contains(p.submissions, sid) })
	if c.CustomerID != p.id && !scanned {
		return nil
	}
	p.satellite = append(p.satellite, key(cardPK(c.ID), skCard))
	if c.CustomerID != "" && c.CustomerID != p.id {
		p.satellite = append(p.satellite, key(customerPK(c.CustomerID), refSK(refCard, c.ID)))
	}
	return nil
}

// scrubCandidate removes the customer from another submission's match explanation.
func (s *Store) scrubCandidate(ctx context.Context, subID, id string) error {
	names := func(sub store.Submission) bool {
		return sub.Outcome != nil && sub.Outcome.Explanation != nil && sub.Outcome.Explanation.CandidateID == id
	}
	sub, err := s.GetSubmission(ctx, subID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !names(sub)) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.UpdateSubmission(ctx, subID, func(sub *store.Submission) error {
		if o := sub.Outcome; o != nil && o.Explanation != nil && o.Explanation.CandidateID == id {
			e := *o.Explanation
			e.CandidateID = ""
			o.Explanation = &e
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// deleteOwnedKey deletes a unique key only while it still leads to the customer.
func (s *Store) deleteOwnedKey(ctx context.Context, id string, k customer.LookupKey) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(uniqueKeyPK(k.Kind, k.Hash), skKey),
		ConditionExpression:       aws.String("#c = :me"),
		ExpressionAttributeNames:  map[string]string{"#c": attrCustomer},
		ExpressionAttributeValues: item{":me": str(id)},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete %s key: %w", k.Kind, err)
	}
	return nil
}

// queryAll reads every item of a span.
func (s *Store) queryAll(ctx context.Context, sp span) ([]item, error) {
	var all []item
	for {
		items, more, err := s.query(ctx, sp, purgeReadLimit, nil)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if !more {
			return all, nil
		}
		sp = sp.after(getS(items[len(items)-1], sp.skAttr))
	}
}

// batchGet reads the submissions that exist among ids.
func (s *Store) batchGet(ctx context.Context, ids []string) ([]item, error) {
	keys := make([]item, 0, len(ids))
	for _, sid := range ids {
		keys = append(keys, key(submissionPK(sid), skSubmission))
	}
	return s.batchGetItems(ctx, keys)
}

// batchGetItems reads the items that exist among keys, strongly consistent, in BatchGetItem
// chunks, asking again for unprocessed keys.
func (s *Store) batchGetItems(ctx context.Context, keys []item) ([]item, error) {
	keys = uniqueKeys(keys)
	var out []item
	for chunk := range slices.Chunk(keys, batchGetMax) {
		req := map[string]types.KeysAndAttributes{s.table: {Keys: chunk, ConsistentRead: aws.Bool(true)}}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt == batchAttempts {
				return nil, errors.New("batch get: unprocessed keys remain after retries")
			}
			if attempt > 0 {
				if err := backoff(ctx, attempt); err != nil {
					return nil, err
				}
			}
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, fmt.Errorf("batch get: %w", err)
			}
			out = append(out, res.Responses[s.table]...)
			req = res.UnprocessedKeys
		}
	}
	return out, nil
}

// batchDelete deletes keys in BatchWriteItem chunks, sending unprocessed items again.
func (s *Store) batchDelete(ctx context.Context, keys []item) error {
	keys = uniqueKeys(keys)
	for start := 0; start < len(keys); start += batchWriteMax {
		var reqs []types.WriteRequest
		for _, k := range keys[start:min(start+batchWriteMax, len(keys))] {
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}})
		}
		req := map[string][]types.WriteRequest{s.table: reqs}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt == batchAttempts {
				return errors.New("batch delete: unprocessed items remain after retries")
			}
			if attempt > 0 {
				if err := backoff(ctx, attempt); err != nil {
					return err
				}
			}
			res, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				return fmt.Errorf("batch delete: %w", err)
			}
			req = res.UnprocessedItems
		}
	}
	return nil
}

// uniqueKeys drops repeated keys: one batch may not name an item twice.
func uniqueKeys(keys []item) []item {
	seen := map[string]bool{}
	out := keys[:0:0]
	for _, k := range keys {
		id := getS(k, attrPK) + "\x00" + getS(k, attrSK)
		if !seen[id] {
			seen[id] = true
			out = append(out, k)
		}
	}
	return out
}
