package dynamo

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attribute names. Values live as one JSON document in attrData, the exact JSON form of the
// port's structs, so both adapters store the same bytes and no attribute mapping can drift from
// the JSON tags; only keys, index keys and the attributes conditions read are separate.
const (
	attrPK       = "PK"
	attrSK       = "SK"
	attrData     = "data"
	attrVersion  = "version"
	attrCustomer = "customerId"
	gsi1PK       = "GSI1PK"
	gsi1SK       = "GSI1SK"
	gsi2PK       = "GSI2PK"
	gsi2SK       = "GSI2SK"
	gsi3PK       = "GSI3PK"
	gsi3SK       = "GSI3SK"
)

// Index names, as in infra/table/table.json.
const (
	// indexList (GSI1) lists items of one type: customers by flag, submissions, cards,
	// reviews by status.
	indexList = "GSI1"
	// indexDue (GSI2) holds refresh due dates and pending submissions; sparse.
	indexDue = "GSI2"
	// indexExpiry (GSI3) holds what the retention runs delete when its time comes: purge due
	// dates of profiles and payload expiries of submissions; sparse.
	indexExpiry = "GSI3"
)

// shards spreads every listing partition over this many partition keys, so that no single
// index partition takes every write of a busy intake; listings merge the shards.
const shards = 4

// sortTime formats times in index sort keys: fixed width UTC, so text order is time order.
const sortTime = "2006-01-02T15:04:05.000000000Z"

type item = map[string]types.AttributeValue

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func timeKey(t time.Time) string { return t.UTC().Format(sortTime) }

func shardOf(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return strconv.Itoa(int(h.Sum32() % shards))
}

// Primary keys.
func customerPK(id string) string          { return "CUST#" + id }
func submissionPK(id string) string        { return "SUB#" + id }
func idempotencyPK(key string) string      { return "IDEM#" + key }
func uniqueKeyPK(kind, hash string) string { return "KEY#" + kind + "#" + hash }
func blockPK(kind, hash string) string     { return "BLK#" + kind + "#" + hash }
func reviewPK(id string) string            { return "REVIEW#" + id }
func cardPK(id string) string              { return "CARD#" + id }
func auditPK(id string) string             { return "AUDIT#" + shardOf(id) }

const (
	skProfile    = "PROFILE"
	skSubmission = "SUB"
	skIdem       = "IDEM"
	skKey        = "KEY"
	skReview     = "REVIEW"
	skCard       = "CARD"
	skDistinct   = "DISTINCT"
	// History items sort under their customer as SUB#<time>#<submission>.
	skHistoryPrefix = "SUB#"
	// Back-references under CUST#<id> name items elsewhere that hold the customer's data,
	// so a purge finds them without scanning.
	skRefPrefix = "REF#"
)

func historySK(at time.Time, subID string) string { return skHistoryPrefix + timeKey(at) + "#" + subID }

func refSK(kind, id string) string { return skRefPrefix + kind + "#" + id }

// distinctPK orders the pair so that (a, b) and (b, a) are one item.
func distinctPK(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return "DISTINCT#" + a + "#" + b
}

func key(pk, sk string) item { return item{attrPK: str(pk), attrSK: str(sk)} }

// newItem is an item holding v as its JSON document.
func newItem(pk, sk string, v any) (item, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", pk, err)
	}
	it := key(pk, sk)
	it[attrData] = str(string(b))
	return it, nil
}

// decode reads an item's JSON document into v.
func decode(it item, v any) error {
	d, ok := it[attrData].(*types.AttributeValueMemberS)
	if !ok {
		return fmt.Errorf("item %s has no data", getS(it, attrPK))
	}
	if err := json.Unmarshal([]byte(d.Value), v); err != nil {
		return fmt.Errorf("decode %s: %w", getS(it, attrPK), err)
	}
	return nil
}

func getS(it item, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}
