// Command api is the intake HTTP API on AWS Lambda, behind an API Gateway HTTP API.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/forms"
	"github.com/intake-project/intake/shared/httpapi"
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/scanstore"
	"github.com/intake-project/intake/shared/sfnstart"
	"github.com/intake-project/intake/shared/store/dynamo"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(log); err != nil {
		lambdaenv.InitFailed(log, err)
	}
}

func run(log *slog.Logger) error {
	ctx := context.Background()
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return &lambdaenv.ConfigError{Problems: []string{err.Error()}}
	}
	st, err := dynamo.Connect(ctx, dynamo.Config{Table: cfg.Table})
	if err != nil {
		return err
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	src, err := forms.Parse([]byte(cfg.FormsJSON))
	if err != nil {
		return err
	}
	var retention lambdaenv.Retention
	if err := lambdaenv.Load(&retention); err != nil {
		return err
	}
	policy, err := retention.Policy()
	if err != nil {
		return err
	}
	deps := httpapi.Deps{
		Store:   st,
		Starter: sfnstart.New(sfn.NewFromConfig(awsCfg), cfg.StateMachineARN),
		Forms:   src,
		Logger:  log,
		Rules:   cfg.Rules,
		Policy:  policy,
	}
	if cfg.ImagesBucket != "" {
		deps.Images = scanstore.NewS3(s3.NewFromConfig(awsCfg), scanstore.S3Config{
			Bucket: cfg.ImagesBucket, Prefix: scanstore.S3Prefix, KMSKeyID: cfg.ImagesKMSKey,
		})
	}
	if cfg.OIDC != nil {
		if deps.Auth, err = auth.NewOIDC(*cfg.OIDC); err != nil {
			return err
		}
	}
	lambda.Start(newLambdaHandler(httpapi.New(cfg.HTTP, deps)))
	return nil
}
