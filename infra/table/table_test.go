package table

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestCreateTableInputDeclaresEveryKeyAttribute(t *testing.T) {
	in := CreateTableInput("t")
	declared := map[string]types.ScalarAttributeType{}
	for _, a := range in.AttributeDefinitions {
		declared[aws.ToString(a.AttributeName)] = a.AttributeType
	}
	var used []string
	for _, k := range in.KeySchema {
		used = append(used, aws.ToString(k.AttributeName))
	}
	for _, g := range in.GlobalSecondaryIndexes {
		for _, k := range g.KeySchema {
			used = append(used, aws.ToString(k.AttributeName))
		}
	}
	for _, name := range used {
		if declared[name] != types.ScalarAttributeTypeS {
			t.Errorf("key attribute %s: declared type %q, want S", name, declared[name])
		}
	}
	// DynamoDB rejects definitions of attributes that no key uses.
	for name := range declared {
		if !slices.Contains(used, name) {
			t.Errorf("attribute %s is declared but is not part of any key", name)
		}
	}
}

func TestCreateTableInputShape(t *testing.T) {
	in := CreateTableInput("intake")
	if got := aws.ToString(in.TableName); got != "intake" {
		t.Errorf("table name %q", got)
	}
	if in.BillingMode != types.BillingModePayPerRequest {
		t.Errorf("billing mode %q, want PAY_PER_REQUEST", in.BillingMode)
	}
	var names []string
	for _, g := range in.GlobalSecondaryIndexes {
		names = append(names, aws.ToString(g.IndexName))
		if len(g.KeySchema) != 2 || g.KeySchema[0].KeyType != types.KeyTypeHash || g.KeySchema[1].KeyType != types.KeyTypeRange {
			t.Errorf("index %s: want a HASH and a RANGE key", aws.ToString(g.IndexName))
		}
	}
	if want := []string{"GSI1", "GSI2", "GSI3"}; !slices.Equal(names, want) {
		t.Errorf("indexes %v, want %v", names, want)
	}
	if TTLAttribute() != "ttl" {
		t.Errorf("TTL attribute %q", TTLAttribute())
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		"unknown property": `{"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],"Bogus":1}`,
		"no key schema":    `{"BillingMode":"PAY_PER_REQUEST"}`,
		"not json":         `{`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(in)); err == nil {
				t.Fatal("Parse accepted an invalid definition")
			}
		})
	}
}

func TestJSONIsACopy(t *testing.T) {
	b := JSON()
	b[0] = 'x'
	if JSON()[0] == 'x' {
		t.Fatal("JSON exposes the embedded bytes")
	}
}
