// Package dynamo is the DynamoDB adapter of the store port: one table, single-table design,
// filings written as one TransactWriteItems. docs/storage.md describes the item layout.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/intake-project/intake/infra/table"
	"github.com/intake-project/intake/shared/store"
)

// Store implements store.Store on one DynamoDB table.
type Store struct {
	db    *dynamodb.Client
	table string
	// now is the clock for the timestamps the store sets itself.
	now func() time.Time
	// mergeTxMax, when set, lowers the transaction size above which a merge runs as a
	// sequence, so tests can take that path with small customers.
	mergeTxMax int
}

var _ store.Store = (*Store)(nil)

// New returns a store on an existing client and table. Build the client with Retryer (Connect
// does) so throttling is retried with backoff.
func New(client *dynamodb.Client, table string) *Store {
	return &Store{db: client, table: table, now: time.Now}
}

// Config says where the table is.
type Config struct {
	// Endpoint overrides the service endpoint, e.g. DynamoDB Local's http://127.0.0.1:8000.
	// With an endpoint the store signs with static dummy credentials and does not check
	// response CRC32 checksums.
	Endpoint string
	// Region defaults to the AWS configuration's region, or us-east-1 with an Endpoint.
	Region string
	Table  string
}

// Retry settings for throttling (ProvisionedThroughputExceeded, ThrottlingException,
// RequestLimitExceeded) and transient 5xx: more attempts than the SDK's default 3 and a
// shorter backoff cap than its 20 s, so a burst of filings rides out on-demand scaling
// without holding a Lambda for long.
const (
	RetryMaxAttempts = 8
	RetryMaxBackoff  = 2 * time.Second
)

// Retryer is the SDK retryer the store's client should use. The client-side retry quota is
// off: under sustained throttling it would turn retryable errors into immediate failures.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = RetryMaxAttempts
		o.MaxBackoff = RetryMaxBackoff
		o.RateLimiter = ratelimit.None
	})
}

// Connect loads the AWS configuration and returns a store on cfg.Table.
func Connect(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Table == "" {
		return nil, errors.New("dynamo: connect: no table name")
	}
	opts := []func(*config.LoadOptions) error{config.WithRetryer(Retryer)}
	region := cfg.Region
	if region == "" && cfg.Endpoint != "" {
		region = "us-east-1"
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	if cfg.Endpoint != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("dynamo: connect: load AWS config: %w", err)
	}
	client := dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
			// DynamoDB Local answers errors (a lost condition, a missing table) with an
			// x-amz-crc32 of 0, which would log a checksum warning on every such answer.
			o.DisableValidateResponseChecksum = true
		}
	})
	return New(client, cfg.Table), nil
}

// Table names the table the store uses.
func (s *Store) Table() string { return s.table }

// EnsureTable creates the table from infra/table when it is absent, waits until it is
// ACTIVE, and turns TTL on for a table it created.
func (s *Store) EnsureTable(ctx context.Context) error {
	name := aws.String(s.table)
	_, err := s.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: name})
	var missing *types.ResourceNotFoundException
	created := false
	switch {
	case err == nil:
	case errors.As(err, &missing):
		_, err := s.db.CreateTable(ctx, table.CreateTableInput(s.table))
		var inUse *types.ResourceInUseException
		switch {
		case errors.As(err, &inUse):
			// Another process created it first and turns TTL on itself.
		case err != nil:
			return fmt.Errorf("dynamo: ensure table: create: %w", err)
		default:
			created = true
		}
	default:
		return fmt.Errorf("dynamo: ensure table: describe: %w", err)
	}
	w := dynamodb.NewTableExistsWaiter(s.db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 200 * time.Millisecond
		o.MaxDelay = 5 * time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: name}, 5*time.Minute); err != nil {
		return fmt.Errorf("dynamo: ensure table: wait for ACTIVE: %w", err)
	}
	if created {
		if _, err := s.db.UpdateTimeToLive(ctx, table.UpdateTimeToLiveInput(s.table)); err != nil {
			return fmt.Errorf("dynamo: ensure table: enable TTL: %w", err)
		}
	}
	return nil
}

// Close releases nothing: the SDK client holds no resources that need closing.
func (s *Store) Close() error { return nil }
