package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// ErrTooManyKeys: a filing carries more lookup keys than one transaction can hold.
var ErrTooManyKeys = errors.New("too many lookup keys for one filing")

// MaxFilingKeys is how many distinct lookup keys one filing may add. A transaction holds at
// most 100 items; the rest of a filing takes at most 7 (profile, submission, history, review
// and its two back-references, audit entry).
const MaxFilingKeys = 100 - 7

func customerItem(c customer.Customer) (item, error) {
	it, err := newItem(customerPK(c.ID), skProfile, c)
	if err != nil {
		return nil, err
	}
	it[attrVersion] = num(c.Version)
	it[gsi1PK] = str("CUSTOMERS#" + shardOf(c.ID))
	it[gsi1SK] = str(string(c.Flag) + "#" + c.ID)
	if c.RefreshDueAt != nil {
		it[gsi2PK] = str("DUE#refresh#" + shardOf(c.ID))
		it[gsi2SK] = str(timeKey(*c.RefreshDueAt) + "#" + c.ID)
	}
	if c.PurgeDueAt != nil {
		it[gsi3PK] = str("DUE#purge#" + shardOf(c.ID))
		it[gsi3SK] = str(timeKey(*c.PurgeDueAt) + "#" + c.ID)
	}
	return it, nil
}

func historyItem(h customer.HistoryEntry) (item, error) {
	return newItem(customerPK(h.CustomerID), historySK(h.At, h.SubmissionID), h)
}

func auditItem(e store.AuditEntry) (item, error) {
	return newItem(auditPK(e.ID), timeKey(e.At)+"#"+e.ID, e)
}

// refItem is a back-reference under a customer to an item elsewhere that names it.
func refItem(customerID, kind, id string) item {
	return key(customerPK(customerID), refSK(kind, id))
}

// mergeKeys adds keys to have, once each, keeping order.
func mergeKeys(have, add []customer.LookupKey) []customer.LookupKey {
	out := slices.Clone(have)
	for _, k := range add {
		if !slices.ContainsFunc(out, func(h customer.LookupKey) bool { return h.Kind == k.Kind && h.Hash == k.Hash }) {
			out = append(out, k)
		}
	}
	return out
}

// File writes the filing as one TransactWriteItems: the profile (new: must not exist; update:
// stored version must be Version-1), unique keys (absent or already this customer's), block
// keys, the submission (on the version read), history, review (must not exist) and audit
// entry. The profile lists the stored, given and filed keys and the submission.
func (s *Store) File(ctx context.Context, f store.Filing) error {
	c := f.Customer
	keys := mergeKeys(nil, f.Keys)
	if len(keys) > MaxFilingKeys {
		return fmt.Errorf("dynamo: file submission %s: %d keys, at most %d: %w", f.Submission.ID, len(keys), MaxFilingKeys, ErrTooManyKeys)
	}
	// Keys the customer holds stay on the profile whatever the caller passed: the purge
	// deletes the keys the profile lists. A stale read here is harmless, since the version
	// condition then fails the whole filing.
	var storedKeys []customer.LookupKey
	if !f.NewCustomer {
		var stored customer.Customer
		err := s.get(ctx, customerPK(c.ID), skProfile, &stored)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("dynamo: file submission %s: read customer: %w", f.Submission.ID, err)
		}
		storedKeys = stored.Keys
	}
	c.Keys = mergeKeys(mergeKeys(storedKeys, c.Keys), keys)
	if !slices.Contains(c.Submissions, f.Submission.ID) {
		c.Submissions = append(slices.Clone(c.Submissions), f.Submission.ID)
	}
	// The submission is written one version above the stored one, on that version.
	var prevSub int64
	var storedSub store.Submission
	switch err := s.get(ctx, submissionPK(f.Submission.ID), skSubmission, &storedSub); {
	case err == nil:
		prevSub = storedSub.Version
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("dynamo: file submission %s: read submission: %w", f.Submission.ID, err)
	}
	// keyKinds[i] names the unique key kind of writes[i] ("" for other items), so that a
	// cancellation reason, which is aligned with the items, can name the lost key.
	var (
		writes   []types.TransactWriteItem
		keyKinds []string
	)
	put := func(p *types.Put, keyKind string) {
		p.TableName = aws.String(s.table)
		writes = append(writes, types.TransactWriteItem{Put: p})
		keyKinds = append(keyKinds, keyKind)
	}

	profile, err := customerItem(c)
	if err != nil {
		return fmt.Errorf("dynamo: file submission %s: %w", f.Submission.ID, err)
	}
	if f.NewCustomer {
		put(createCond(profile), "")
	} else {
		put(versionCond(profile, c.Version-1), "")
	}
	for _, k := range keys {
		if !k.Unique {
			it := key(blockPK(k.Kind, k.Hash), customerPK(c.ID))
			it[attrCustomer] = str(c.ID)
			put(&types.Put{Item: it}, "")
			continue
		}
		it := key(uniqueKeyPK(k.Kind, k.Hash), skKey)
		it[attrCustomer] = str(c.ID)
		it["kind"] = str(k.Kind)
		put(&types.Put{
			Item:                                it,
			ConditionExpression:                 aws.String("attribute_not_exists(PK) OR #c = :me"),
			ExpressionAttributeNames:            map[string]string{"#c": attrCustomer},
			ExpressionAttributeValues:           item{":me": str(c.ID)},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}, k.Kind)
	}
	filed := withSourceRef(f.Submission)
	filed.Version = prevSub + 1
	sub, err := submissionItem(filed)
	if err != nil {
		return fmt.Errorf("dynamo: file submission %s: %w", f.Submission.ID, err)
	}
	if prevSub == 0 {
		put(createCond(sub), "")
	} else {
		put(versionCond(sub, prevSub), "")
	}
	hist, err := historyItem(f.History)
	if err != nil {
		return fmt.Errorf("dynamo: file submission %s: %w", f.Submission.ID, err)
	}
	put(&types.Put{Item: hist}, "")
	if f.Review != nil {
		r := *f.Review
		r.Version = 1
		rv, err := reviewItem(r)
		if err != nil {
			return fmt.Errorf("dynamo: file submission %s: %w", f.Submission.ID, err)
		}
		put(createCond(rv), "")
		for _, ref := range reviewRefs(r) {
			put(&types.Put{Item: ref}, "")
		}
	}
	audit, err := auditItem(f.Audit)
	if err != nil {
		return fmt.Errorf("dynamo: file submission %s: %w", f.Submission.ID, err)
	}
	put(&types.Put{Item: audit}, "")

	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes})
	if err != nil {
		return fmt.Errorf("dynamo: file submission %s: %w", f.Submission.ID, s.filingError(ctx, err, writes, keyKinds))
	}
	return nil
}

// filingError maps a cancelled filing to the domain: a unique key held by another customer is
// a *DuplicateKeyError; a lost profile condition or a transaction conflict is ErrConflict.
func (s *Store) filingError(ctx context.Context, err error, writes []types.TransactWriteItem, keyKinds []string) error {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return err
	}
	conflict := false
	for i, r := range tce.CancellationReasons {
		if i >= len(keyKinds) {
			break
		}
		switch aws.ToString(r.Code) {
		case "ConditionalCheckFailed":
			if keyKinds[i] != "" {
				owner := getS(r.Item, attrCustomer)
				if owner == "" {
					owner = s.owner(ctx, writes[i].Put.Item)
				}
				return &store.DuplicateKeyError{Kind: keyKinds[i], CustomerID: owner}
			}
			conflict = true
		case "TransactionConflict":
			conflict = true
		}
	}
	if conflict {
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return err
}

// owner reads who holds a unique key, for a cancellation that did not return the old item.
func (s *Store) owner(ctx context.Context, it item) string {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(getS(it, attrPK), getS(it, attrSK)),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil || res.Item == nil {
		return ""
	}
	return getS(res.Item, attrCustomer)
}

// FindCandidates reads each unique key's owner and up to perKey customers of each block (all
// of them when perKey is zero or less).
func (s *Store) FindCandidates(ctx context.Context, keys []customer.LookupKey, perKey int) (store.Candidates, error) {
	out := store.Candidates{ByKey: map[string][]string{}}
	for _, k := range mergeKeys(nil, keys) {
		if k.Unique {
			res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
				TableName:      aws.String(s.table),
				Key:            key(uniqueKeyPK(k.Kind, k.Hash), skKey),
				ConsistentRead: aws.Bool(true),
			})
			if err != nil {
				return store.Candidates{}, fmt.Errorf("dynamo: find candidates: %w", err)
			}
			if id := getS(res.Item, attrCustomer); id != "" {
				out.ByKey[k.Hash] = append(out.ByKey[k.Hash], id)
			}
			continue
		}
		block := span{pkAttr: attrPK, skAttr: attrSK, pk: blockPK(k.Kind, k.Hash)}
		var (
			items []item
			more  bool
			err   error
		)
		if perKey > 0 {
			items, more, err = s.query(ctx, block, perKey, nil)
		} else {
			items, err = s.queryAll(ctx, block)
		}
		if err != nil {
			return store.Candidates{}, fmt.Errorf("dynamo: find candidates: %w", err)
		}
		for _, it := range items {
			out.ByKey[k.Hash] = append(out.ByKey[k.Hash], getS(it, attrCustomer))
		}
		if more {
			out.Truncated = append(out.Truncated, k.Hash)
		}
	}
	return out, nil
}
