package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/intake-project/intake/shared/store"
)

// A cursor is the sort key of the last item handed out, tagged with its listing. Sort keys are
// unique within a listing (they end in the item's ID), so "after this sort key" resumes every
// shard of a merged listing exactly; it plays the part of LastEvaluatedKey for merged reads.
type cursor struct {
	Listing string `json:"l"`
	After   string `json:"a"`
}

func encodeCursor(listing, after string) string {
	b, _ := json.Marshal(cursor{Listing: listing, After: after})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(listing, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", store.ErrInvalidCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Listing != listing || c.After == "" {
		return "", store.ErrInvalidCursor
	}
	return c.After, nil
}

func pageLimit(p store.Page) int {
	switch {
	case p.Limit <= 0:
		return store.DefaultLimit
	case p.Limit > store.MaxLimit:
		return store.MaxLimit
	}
	return p.Limit
}

// span is one partition of a listing and the sort-key range to read from it.
type span struct {
	index  string // "" for the table itself
	pkAttr string
	skAttr string
	pk     string
	lo     string // lowest sort key, inclusive; "" for none
	loExcl bool   // lo itself is excluded (it is a cursor)
	hi     string // highest sort key, inclusive; "" for none
}

// prefixRange limits a span to sort keys starting with prefix, which ends in '#': every such
// key lies between prefix and prefix with '#' raised to '$'.
func (sp span) prefixRange(prefix string) span {
	sp.lo = prefix
	sp.hi = strings.TrimSuffix(prefix, "#") + "$"
	return sp
}

// after narrows the span to sort keys after the cursor.
func (sp span) after(c string) span {
	if c != "" && c >= sp.lo {
		sp.lo, sp.loExcl = c, true
	}
	return sp
}

// query reads up to want items of the span in sort-key order, keeping those keep accepts (nil
// keeps all), and says whether more follow.
func (s *Store) query(ctx context.Context, sp span, want int, keep func(item) (bool, error)) ([]item, bool, error) {
	if sp.lo != "" && sp.hi != "" && sp.lo > sp.hi {
		// An empty range (a cursor past a lowered bound); DynamoDB rejects BETWEEN on it.
		return nil, false, nil
	}
	names := map[string]string{"#pk": sp.pkAttr}
	values := item{":pk": str(sp.pk)}
	cond := "#pk = :pk"
	switch {
	case sp.lo != "" && sp.hi != "":
		cond += " AND #sk BETWEEN :lo AND :hi"
	case sp.lo != "" && sp.loExcl:
		cond += " AND #sk > :lo"
	case sp.lo != "":
		cond += " AND #sk >= :lo"
	case sp.hi != "":
		cond += " AND #sk <= :hi"
	}
	if sp.lo != "" || sp.hi != "" {
		names["#sk"] = sp.skAttr
	}
	if sp.lo != "" {
		values[":lo"] = str(sp.lo)
	}
	if sp.hi != "" {
		values[":hi"] = str(sp.hi)
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String(cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
	if sp.index != "" {
		in.IndexName = aws.String(sp.index)
	} else {
		in.ConsistentRead = aws.Bool(true)
	}
	var out []item
	for {
		in.Limit = aws.Int32(int32(want + 2 - len(out)))
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, false, err
		}
		for _, it := range res.Items {
			if sp.loExcl && getS(it, sp.skAttr) == sp.lo {
				continue
			}
			if keep != nil {
				ok, err := keep(it)
				if err != nil {
					return nil, false, err
				}
				if !ok {
					continue
				}
			}
			out = append(out, it)
		}
		if len(out) > want {
			return out[:want], true, nil
		}
		if res.LastEvaluatedKey == nil {
			return out, false, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// list reads one page of a listing made of several spans (shards, statuses), merging them in
// sort-key order.
func (s *Store) list(ctx context.Context, listing string, spans []span, p store.Page, keep func(item) (bool, error)) ([]item, string, error) {
	after, err := decodeCursor(listing, p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(p)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		all   []item
		more  bool
		first error
	)
	for _, sp := range spans {
		sp = sp.after(after)
		wg.Go(func() {
			items, m, err := s.query(ctx, sp, limit, keep)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = err
				}
				return
			}
			all = append(all, items...)
			more = more || m
		})
	}
	wg.Wait()
	if first != nil {
		return nil, "", first
	}
	skAttr := spans[0].skAttr
	slices.SortFunc(all, func(a, b item) int { return strings.Compare(getS(a, skAttr), getS(b, skAttr)) })
	if len(all) > limit {
		all, more = all[:limit], true
	}
	if !more || len(all) == 0 {
		return all, "", nil
	}
	return all, encodeCursor(listing, getS(all[len(all)-1], skAttr)), nil
}

// sharded is one span per shard of the partition prefix ("DUE#refresh#" → DUE#refresh#0...).
func sharded(index, pkAttr, skAttr, prefix string) []span {
	out := make([]span, shards)
	for i := range out {
		out[i] = span{index: index, pkAttr: pkAttr, skAttr: skAttr, pk: fmt.Sprintf("%s%d", prefix, i)}
	}
	return out
}

// decodeAll decodes listed items into values of type T.
func decodeAll[T any](items []item) ([]T, error) {
	out := make([]T, 0, len(items))
	for _, it := range items {
		var v T
		if err := decode(it, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
