package lambdaenv

import (
	"context"

	"github.com/intake-project/intake/shared/store/dynamo"
)

// Table locates the DynamoDB table.
type Table struct {
	TableName string `env:"TABLE_NAME,required"`
	// DynamoDBEndpoint is the SDK's standard variable for a service endpoint; set, it points the
	// store at DynamoDB Local with dummy credentials. Local runs only.
	DynamoDBEndpoint string `env:"AWS_ENDPOINT_URL_DYNAMODB,local"`
}

// Store connects to the table. It does not create it: on AWS the template does.
func (t Table) Store(ctx context.Context) (*dynamo.Store, error) {
	return dynamo.Connect(ctx, dynamo.Config{Endpoint: t.DynamoDBEndpoint, Table: t.TableName})
}
