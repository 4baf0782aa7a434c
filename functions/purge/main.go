// Command purge is the scheduled Lambda that deletes customers past retention and expired
// submission payloads: it reads its configuration, connects to the DynamoDB table and runs
// hygiene.Purge, then hygiene.ExpirePayloads, on each schedule.
package main

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/scanstore"
)

// The configuration is lambdaenv.Hygiene (TABLE_NAME required, POLICY_PATH, DRY_RUN and the
// stack's retention periods) and IMAGES_BUCKET, the S3 bucket of card-scan images, which a
// purge deletes with the customer's other data.
func main() {
	log := lambdaenv.Logger()
	ctx := context.Background()
	var cfg lambdaenv.Hygiene
	if err := lambdaenv.Load(&cfg); err != nil {
		lambdaenv.InitFailed(log, err)
	}
	st, policy, err := cfg.Open(ctx)
	if err != nil {
		lambdaenv.InitFailed(log, err)
	}
	h := &handler{store: st, policy: policy, dryRun: cfg.DryRun, clock: time.Now, logger: log}
	if bucket := os.Getenv("IMAGES_BUCKET"); bucket != "" {
		awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
		if err != nil {
			lambdaenv.InitFailed(log, err)
		}
		h.images = scanstore.NewS3(s3.NewFromConfig(awsCfg), scanstore.S3Config{Bucket: bucket, Prefix: scanstore.S3Prefix})
	}
	lambda.Start(h.handle)
}
