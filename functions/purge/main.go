// Command purge is the scheduled Lambda that deletes customers past retention and expired
// submission payloads: it reads its configuration, connects to the DynamoDB table and runs
// hygiene.Purge, then hygiene.ExpirePayloads, on each schedule.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/scanstore"
	"github.com/intake-project/intake/shared/store/dynamo"
)

// config is read from the environment: TABLE_NAME (required), POLICY_PATH (a policy file
// read over the embedded defaults; none means the defaults), DRY_RUN (true: report only),
// DYNAMODB_ENDPOINT (e.g. DynamoDB Local; none means AWS). IMAGES_BUCKET names the S3 bucket of
// card-scan images, which a purge deletes with the customer's other data.
type config struct {
	Table      string
	PolicyPath string
	DryRun     bool
	Endpoint   string
}

func configFrom(getenv func(string) string) (config, error) {
	cfg := config{Table: getenv("TABLE_NAME"), PolicyPath: getenv("POLICY_PATH"), Endpoint: getenv("DYNAMODB_ENDPOINT")}
	if cfg.Table == "" {
		return config{}, &lambdaenv.ConfigError{Problems: []string{"TABLE_NAME is not set"}}
	}
	if v := getenv("DRY_RUN"); v != "" {
		dry, err := strconv.ParseBool(v)
		if err != nil {
			return config{}, &lambdaenv.ConfigError{Problems: []string{fmt.Sprintf("DRY_RUN=%q: want true or false", v)}}
		}
		cfg.DryRun = dry
	}
	return cfg, nil
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(logger); err != nil {
		lambdaenv.InitFailed(logger, err)
	}
}

func run(logger *slog.Logger) error {
	cfg, err := configFrom(os.Getenv)
	if err != nil {
		return err
	}
	var retention lambdaenv.Retention
	if err := lambdaenv.Load(&retention); err != nil {
		return err
	}
	policy, err := retention.PolicyFrom(cfg.PolicyPath)
	if err != nil {
		return err
	}
	st, err := dynamo.Connect(context.Background(), dynamo.Config{Table: cfg.Table, Endpoint: cfg.Endpoint})
	if err != nil {
		return err
	}
	h := &handler{store: st, policy: policy, dryRun: cfg.DryRun, clock: time.Now, logger: logger}
	if bucket := os.Getenv("IMAGES_BUCKET"); bucket != "" {
		awsCfg, err := awsconfig.LoadDefaultConfig(context.Background())
		if err != nil {
			return err
		}
		h.images = scanstore.NewS3(s3.NewFromConfig(awsCfg), scanstore.S3Config{Bucket: bucket, Prefix: scanstore.S3Prefix})
	}
	lambda.Start(h.handle)
	return nil
}
