// Package table holds the one definition of the intake DynamoDB table (keys, indexes, billing,
// TTL) in table.json, shaped like CloudFormation's AWS::DynamoDB::Table properties.
package table

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

//go:embed table.json
var raw []byte

// Definition is table.json: the subset of AWS::DynamoDB::Table properties the table uses.
type Definition struct {
	AttributeDefinitions   []AttributeDefinition `json:"AttributeDefinitions"`
	KeySchema              []KeyElement          `json:"KeySchema"`
	GlobalSecondaryIndexes []Index               `json:"GlobalSecondaryIndexes"`
	BillingMode            string                `json:"BillingMode"`
	TimeToLive             TimeToLive            `json:"TimeToLiveSpecification"`
}

// AttributeDefinition declares the type of a key attribute.
type AttributeDefinition struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

// KeyElement is one part of a primary or index key.
type KeyElement struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"`
}

// Index is a global secondary index.
type Index struct {
	IndexName  string       `json:"IndexName"`
	KeySchema  []KeyElement `json:"KeySchema"`
	Projection Projection   `json:"Projection"`
}

// Projection says which attributes an index copies.
type Projection struct {
	ProjectionType string `json:"ProjectionType"`
}

// TimeToLive names the attribute DynamoDB's TTL reads (epoch seconds).
type TimeToLive struct {
	AttributeName string `json:"AttributeName"`
	Enabled       bool   `json:"Enabled"`
}

// def is parsed once; table.json is compiled in, so a parse failure is a build defect that the
// package tests catch.
var def = mustParse(raw)

func mustParse(b []byte) Definition {
	d, err := Parse(b)
	if err != nil {
		panic(err)
	}
	return d
}

// Parse decodes a table definition, rejecting unknown properties so that the definition and
// this package cannot drift apart silently.
func Parse(b []byte) (Definition, error) {
	var d Definition
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Definition{}, fmt.Errorf("table definition: %w", err)
	}
	if len(d.KeySchema) == 0 {
		return Definition{}, fmt.Errorf("table definition: no KeySchema")
	}
	return d, nil
}

// JSON returns table.json as embedded, for comparing with the deployment template.
func JSON() []byte { return bytes.Clone(raw) }

// Get returns the parsed definition.
func Get() Definition { return def }

// TTLAttribute is the name of the attribute DynamoDB's TTL expires items by.
func TTLAttribute() string { return def.TimeToLive.AttributeName }

// CreateTableInput builds the CreateTable request for a table of the given name.
func CreateTableInput(name string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingMode(def.BillingMode),
		KeySchema:   keySchema(def.KeySchema),
	}
	for _, a := range def.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.AttributeName),
			AttributeType: types.ScalarAttributeType(a.AttributeType),
		})
	}
	for _, g := range def.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:  aws.String(g.IndexName),
			KeySchema:  keySchema(g.KeySchema),
			Projection: &types.Projection{ProjectionType: types.ProjectionType(g.Projection.ProjectionType)},
		})
	}
	return in
}

// UpdateTimeToLiveInput builds the request that turns TTL on for a table of the given name.
func UpdateTimeToLiveInput(name string) *dynamodb.UpdateTimeToLiveInput {
	return &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(def.TimeToLive.AttributeName),
			Enabled:       aws.Bool(def.TimeToLive.Enabled),
		},
	}
}

func keySchema(ks []KeyElement) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, 0, len(ks))
	for _, k := range ks {
		out = append(out, types.KeySchemaElement{
			AttributeName: aws.String(k.AttributeName),
			KeyType:       types.KeyType(k.KeyType),
		})
	}
	return out
}
