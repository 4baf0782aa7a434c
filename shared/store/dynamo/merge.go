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

// maxTransactItems is how many items one TransactWriteItems may hold.
const maxTransactItems = 100

// MergeCustomers moves everything of From onto Into. When the writes fit in one
// TransactWriteItems (at most 100 items) they are one transaction. Otherwise they run as a
// sequence whose every step is idempotent, so that running the merge again after an
// interruption ends in the same state:
//  1. Into's profile, now listing every attribute, submission and key of both (a purge of
//     Into from here on reaches everything that is moving);
//  2. the moves, in transactions of at most 100 items: unique keys (conditional on leading
//     to From or Into), block entries, history entries, From's submissions, the reviews,
//     cards and distinct pairs that named From, and From's back-references;
//  3. one transaction deleting From's profile (on the version read), storing the review as
//     merged (on the version read) and writing the audit entry.
//
// The review stays open until the last step, so a decision that failed half-way is simply
// made again.
func (s *Store) MergeCustomers(ctx context.Context, m store.Merge) error {
	if m.From == m.Into {
		return fmt.Errorf("dynamo: merge customer %s into itself: %w", m.From, store.ErrConflict)
	}
	p, err := s.planMerge(ctx, m)
	if err != nil {
		return fmt.Errorf("dynamo: merge customer %s into %s: %w", m.From, m.Into, err)
	}
	if err := s.runMerge(ctx, p); err != nil {
		return fmt.Errorf("dynamo: merge customer %s into %s: %w", m.From, m.Into, err)
	}
	return nil
}

// mergePlan holds a merge's writes in the three groups above.
type mergePlan struct {
	first, moves, last []types.TransactWriteItem
}

func (s *Store) runMerge(ctx context.Context, p mergePlan) error {
	all := slices.Concat(p.first, p.moves, p.last)
	if len(all) <= s.txMax() {
		return s.transactWrites(ctx, all)
	}
	if err := s.transactWrites(ctx, p.first); err != nil {
		return err
	}
	for chunk := range slices.Chunk(p.moves, s.txMax()) {
		if err := s.transactWrites(ctx, chunk); err != nil {
			return err
		}
	}
	return s.transactWrites(ctx, p.last)
}

func (s *Store) txMax() int {
	if s.mergeTxMax > 0 {
		return s.mergeTxMax
	}
	return maxTransactItems
}

// transactWrites writes items in one transaction; a lost condition or a conflict is
// ErrConflict.
func (s *Store) transactWrites(ctx context.Context, writes []types.TransactWriteItem) error {
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

// writeSet collects writes once per item: a later put of an item replaces an earlier write of
// it, as a transaction may name each item only once.
type writeSet struct {
	order []string
	byKey map[string]types.TransactWriteItem
	table string
}

func newWriteSet(table string) *writeSet {
	return &writeSet{byKey: map[string]types.TransactWriteItem{}, table: table}
}

func (w *writeSet) add(k item, op types.TransactWriteItem) {
	id := getS(k, attrPK) + "\x00" + getS(k, attrSK)
	if _, ok := w.byKey[id]; !ok {
		w.order = append(w.order, id)
	}
	w.byKey[id] = op
}

func (w *writeSet) put(p *types.Put) {
	p.TableName = aws.String(w.table)
	w.add(p.Item, types.TransactWriteItem{Put: p})
}

func (w *writeSet) del(k item) {
	if _, ok := w.byKey[getS(k, attrPK)+"\x00"+getS(k, attrSK)]; ok {
		return
	}
	w.add(k, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(w.table), Key: k}})
}

func (w *writeSet) items() []types.TransactWriteItem {
	out := make([]types.TransactWriteItem, 0, len(w.order))
	for _, id := range w.order {
		out = append(out, w.byKey[id])
	}
	return out
}

// planMerge reads what the merge touches and plans its writes. It reads without scanning: the
// two profiles, From's partition (history and back-references), the items those name, and
// the unique keys From lists.
func (s *Store) planMerge(ctx context.Context, m store.Merge) (mergePlan, error) {
	var from, into customer.Customer
	if err := s.get(ctx, customerPK(m.From), skProfile, &from); err != nil {
		return mergePlan{}, err
	}
	if err := s.get(ctx, customerPK(m.Into), skProfile, &into); err != nil {
		return mergePlan{}, err
	}
	var decided store.Review
	if err := s.get(ctx, reviewPK(m.Review.ID), skReview, &decided); err != nil {
		return mergePlan{}, err
	}
	if err := m.Check(decided); err != nil {
		return mergePlan{}, err
	}
	own, err := s.queryAll(ctx, span{pkAttr: attrPK, skAttr: attrSK, pk: customerPK(m.From)})
	if err != nil {
		return mergePlan{}, err
	}

	var p mergePlan
	merged := store.MergedProfile(into, from)
	merged.Version, merged.UpdatedAt = into.Version+1, m.At
	profile, err := customerItem(merged)
	if err != nil {
		return mergePlan{}, err
	}
	first := versionCond(profile, into.Version)
	first.TableName = aws.String(s.table)
	p.first = []types.TransactWriteItem{{Put: first}}

	w := newWriteSet(s.table)
	if err := s.planKeys(ctx, w, from.Keys, m); err != nil {
		return mergePlan{}, err
	}
	subs := slices.Clone(from.Submissions)
	var scrub []string
	for _, it := range own {
		sk := getS(it, attrSK)
		switch {
		case sk == skProfile:
			continue
		case strings.HasPrefix(sk, skHistoryPrefix):
			var h customer.HistoryEntry
			if err := decode(it, &h); err != nil {
				return mergePlan{}, err
			}
			h.CustomerID = m.Into
			moved, err := historyItem(h)
			if err != nil {
				return mergePlan{}, err
			}
			w.put(&types.Put{Item: moved})
			if !slices.Contains(subs, h.SubmissionID) {
				subs = append(subs, h.SubmissionID)
			}
		case strings.HasPrefix(sk, skRefPrefix):
			cand, err := s.planRef(ctx, w, strings.TrimPrefix(sk, skRefPrefix), m)
			if err != nil {
				return mergePlan{}, err
			}
			if cand != "" && !slices.Contains(scrub, cand) {
				scrub = append(scrub, cand)
			}
		}
		// Every item of From's partition goes; the profile in the last step.
		w.del(key(customerPK(m.From), sk))
	}
	for _, id := range scrub {
		if !slices.Contains(subs, id) {
			subs = append(subs, id)
		}
	}
	if err := s.planSubmissions(ctx, w, subs, m); err != nil {
		return mergePlan{}, err
	}
	p.moves = w.items()

	r := m.Review
	r.Status, r.Version = store.ReviewMerged, decided.Version+1
	rv, err := reviewItem(r)
	if err != nil {
		return mergePlan{}, err
	}
	audit, err := auditItem(m.Audit)
	if err != nil {
		return mergePlan{}, err
	}
	last := newWriteSet(s.table)
	last.add(key(customerPK(m.From), skProfile), types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(s.table),
		Key:                       key(customerPK(m.From), skProfile),
		ConditionExpression:       aws.String("#v = :prev"),
		ExpressionAttributeNames:  map[string]string{"#v": attrVersion},
		ExpressionAttributeValues: item{":prev": num(from.Version)},
	}})
	last.put(versionCond(rv, decided.Version))
	for _, ref := range reviewRefs(r) {
		if getS(ref, attrPK) != customerPK(m.From) {
			last.put(&types.Put{Item: ref})
		}
	}
	last.put(&types.Put{Item: audit})
	p.last = last.items()
	return p, nil
}

// planKeys points From's unique keys at Into while they still lead to From (a key that has
// moved on is left alone), and moves its block entries.
func (s *Store) planKeys(ctx context.Context, w *writeSet, keys []customer.LookupKey, m store.Merge) error {
	var unique []item
	for _, k := range keys {
		if !k.Unique {
			it := key(blockPK(k.Kind, k.Hash), customerPK(m.Into))
			it[attrCustomer] = str(m.Into)
			w.put(&types.Put{Item: it})
			w.del(key(blockPK(k.Kind, k.Hash), customerPK(m.From)))
			continue
		}
		unique = append(unique, key(uniqueKeyPK(k.Kind, k.Hash), skKey))
	}
	stored, err := s.batchGetItems(ctx, unique)
	if err != nil {
		return err
	}
	for _, it := range stored {
		if getS(it, attrCustomer) != m.From {
			continue
		}
		moved := key(getS(it, attrPK), skKey)
		moved[attrCustomer] = str(m.Into)
		moved["kind"] = str(getS(it, "kind"))
		w.put(&types.Put{
			Item:                      moved,
			ConditionExpression:       aws.String("#c IN (:from, :into)"),
			ExpressionAttributeNames:  map[string]string{"#c": attrCustomer},
			ExpressionAttributeValues: item{":from": str(m.From), ":into": str(m.Into)},
		})
	}
	return nil
}

// planRef re-points what one of From's back-references leads to and returns the submission
// whose match explanation names From as the candidate, if the reference says so.
func (s *Store) planRef(ctx context.Context, w *writeSet, ref string, m store.Merge) (string, error) {
	kind, target, ok := strings.Cut(ref, "#")
	if !ok {
		return "", nil
	}
	switch kind {
	case refReview:
		var r store.Review
		err := s.get(ctx, reviewPK(target), skReview, &r)
		if errors.Is(err, store.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if r.CustomerID != m.From && r.CandidateID != m.From {
			return "", nil
		}
		cand := ""
		if r.CandidateID == m.From {
			cand = r.SubmissionID
		}
		if r.ID == m.Review.ID {
			return cand, nil
		}
		next := r
		if next.CustomerID == m.From {
			next.CustomerID = m.Into
		}
		if next.CandidateID == m.From {
			next.CandidateID = m.Into
		}
		if next.CustomerID == next.CandidateID && next.Status == store.ReviewOpen {
			at := m.At
			next.Status, next.DecidedAt, next.DecidedBy = store.ReviewMerged, &at, m.Review.DecidedBy
		}
		next.Version = r.Version + 1
		it, err := reviewItem(next)
		if err != nil {
			return "", err
		}
		w.put(versionCond(it, r.Version))
		for _, ref := range reviewRefs(next) {
			w.put(&types.Put{Item: ref})
		}
		return cand, nil
	case refCard:
		var c store.Card
		err := s.get(ctx, cardPK(target), skCard, &c)
		if errors.Is(err, store.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if c.CustomerID != m.From {
			return "", nil
		}
		next := c
		next.CustomerID, next.Version = m.Into, c.Version+1
		it, err := cardItem(next)
		if err != nil {
			return "", err
		}
		w.put(versionCond(it, c.Version))
		for _, ref := range cardRefs(next) {
			w.put(&types.Put{Item: ref})
		}
	case refDistinct:
		// A pair with Into itself is simply dropped: the two are one now.
		if target != m.Into {
			a, b := m.Into, target
			if b < a {
				a, b = b, a
			}
			pair, err := newItem(distinctPK(a, b), skDistinct, distinctPair{A: a, B: b})
			if err != nil {
				return "", err
			}
			w.put(&types.Put{Item: pair})
			w.put(&types.Put{Item: refItem(m.Into, refDistinct, target)})
			w.put(&types.Put{Item: refItem(target, refDistinct, m.Into)})
		}
		w.del(key(distinctPK(m.From, target), skDistinct))
		w.del(key(customerPK(target), refSK(refDistinct, m.From)))
	}
	return "", nil
}

// planSubmissions names Into wherever the submissions named From: as the customer they were
// filed on, and as their match candidate.
func (s *Store) planSubmissions(ctx context.Context, w *writeSet, ids []string, m store.Merge) error {
	var keys []item
	for _, id := range ids {
		keys = append(keys, key(submissionPK(id), skSubmission))
	}
	stored, err := s.batchGetItems(ctx, keys)
	if err != nil {
		return err
	}
	for _, it := range stored {
		var sub store.Submission
		if err := decode(it, &sub); err != nil {
			return err
		}
		o := sub.Outcome
		if o == nil {
			continue
		}
		changed := false
		if o.CustomerID == m.From {
			o.CustomerID, changed = m.Into, true
		}
		if o.Explanation != nil && o.Explanation.CandidateID == m.From {
			e := *o.Explanation
			e.CandidateID, changed = m.Into, true
			o.Explanation = &e
		}
		if !changed {
			continue
		}
		prev := sub.Version
		sub.Version++
		next, err := submissionItem(withSourceRef(sub))
		if err != nil {
			return err
		}
		w.put(versionCond(next, prev))
	}
	return nil
}
