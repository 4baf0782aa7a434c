// Command api is the intake HTTP API on AWS Lambda, behind an API Gateway HTTP API.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/forms"
	"github.com/intake-project/intake/shared/httpapi"
	"github.com/intake-project/intake/shared/sfnstart"
	"github.com/intake-project/intake/shared/store/dynamo"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(log); err != nil {
		log.Error("start", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	ctx := context.Background()
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return err
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
	deps := httpapi.Deps{
		Store:   st,
		Starter: sfnstart.New(sfn.NewFromConfig(awsCfg), cfg.StateMachineARN),
		Forms:   src,
		Logger:  log,
		Rules:   cfg.Rules,
	}
	if cfg.OIDC != nil {
		if deps.Auth, err = auth.NewOIDC(*cfg.OIDC); err != nil {
			return err
		}
	}
	lambda.Start(newLambdaHandler(httpapi.New(cfg.HTTP, deps)))
	return nil
}
