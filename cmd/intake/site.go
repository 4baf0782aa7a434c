package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/intake-project/intake/shared/forms"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/lookupkey"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/rescore"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/dynamo"
	"github.com/intake-project/intake/shared/store/embedded"
	"github.com/intake-project/intake/shared/validate"
)

// siteFlags locate a site's data: the data folder (keys, forms, the embedded store, scan
// images) and, optionally, a DynamoDB endpoint and table that hold the records instead.
type siteFlags struct {
	data           string
	dynamoEndpoint string
	table          string
	scoreRules     string
	matchRules     string
	policy         string
}

func (f *siteFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "data", "data `folder`: keys, forms, the embedded store and scan images")
	fs.StringVar(&f.dynamoEndpoint, "dynamodb-endpoint", "", "store records in DynamoDB at this `URL` (e.g. http://127.0.0.1:8000) instead of the embedded store")
	fs.StringVar(&f.table, "table", "intake", "DynamoDB table `name`, created when absent (with --dynamodb-endpoint)")
	fs.StringVar(&f.scoreRules, "score-rules", "", "scoring rules `file` (default: the rules built in)")
	fs.StringVar(&f.matchRules, "match-rules", "", "matching rules `file` (default: the rules built in)")
	fs.StringVar(&f.policy, "policy", "", "refresh and retention policy `file` (default: the policy built in)")
}

// site is what the local commands share: the store and the workflow's steps over it.
type site struct {
	dir    string
	store  store.Store
	keys   *lookupkey.Hasher
	steps  *steps.Steps
	score  *score.Engine
	policy *hygiene.Policy
	log    *slog.Logger
}

// Paths inside the data folder.
func (f siteFlags) storePath() string     { return filepath.Join(f.data, "intake.db") }
func (f siteFlags) lookupKeyPath() string { return filepath.Join(f.data, "keys", "lookup.key") }
func (f siteFlags) staffKeyPath() string  { return filepath.Join(f.data, "keys", "staff.key") }
func (f siteFlags) formsPath() string     { return filepath.Join(f.data, "forms.json") }

// openSite opens the data folder, creating it and its keys on first use.
func openSite(ctx context.Context, f siteFlags, log *slog.Logger) (*site, error) {
	if err := os.MkdirAll(f.data, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	secret, err := lookupkey.LoadOrCreateSecret(f.lookupKeyPath())
	if err != nil {
		return nil, err
	}
	keys, err := lookupkey.New(secret)
	if err != nil {
		return nil, err
	}
	matcher, err := loadMatcher(f.matchRules)
	if err != nil {
		return nil, err
	}
	scorer, err := loadScorer(f.scoreRules)
	if err != nil {
		return nil, err
	}
	policy, err := loadPolicy(f.policy)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, f)
	if err != nil {
		return nil, err
	}
	s, err := steps.New(steps.Deps{
		Store: st, Keys: keys, Matcher: matcher, Scorer: scorer,
		Rules: validate.Rules{}, Logger: log,
		Due: policy.Due, PayloadRetention: policy.PayloadRetention,
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &site{dir: f.data, store: st, keys: keys, steps: s, score: scorer, policy: policy, log: log}, nil
}

func openStore(ctx context.Context, f siteFlags) (store.Store, error) {
	if f.dynamoEndpoint == "" {
		st, err := embedded.Open(f.storePath())
		if errors.Is(err, embedded.ErrInUse) {
			return nil, fmt.Errorf("%s: %w (stop the other intake process, or use another --data folder)", f.data, err)
		}
		return st, err
	}
	st, err := dynamo.Connect(ctx, dynamo.Config{Endpoint: f.dynamoEndpoint, Table: f.table})
	if err != nil {
		return nil, err
	}
	if err := st.EnsureTable(ctx); err != nil {
		return nil, err
	}
	return st, nil
}

func loadMatcher(path string) (*match.Matcher, error) {
	if path == "" {
		return match.NewDefault()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("matching rules: %w", err)
	}
	r, err := match.ParseRules(data)
	if err != nil {
		return nil, fmt.Errorf("matching rules %s: %w", path, err)
	}
	return match.New(r)
}

func loadScorer(path string) (*score.Engine, error) {
	if path == "" {
		return score.Default(), nil
	}
	r, err := score.Load(path)
	if err != nil {
		return nil, err
	}
	return score.New(r), nil
}

func loadPolicy(path string) (*hygiene.Policy, error) {
	if path == "" {
		return hygiene.DefaultPolicy(), nil
	}
	return hygiene.LoadPolicy(path)
}

// loadForms reads the site's forms, creating a default local form on first use.
func loadForms(f siteFlags) (*forms.Static, error) {
	if err := os.MkdirAll(f.data, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	return forms.LoadOrCreate(f.formsPath())
}

func (s *site) Close() error { return s.store.Close() }

// rescorer brings the site's customers to its scoring rules.
func (s *site) rescorer() *rescore.Rescorer {
	return &rescore.Rescorer{Store: s.store, Scorer: s.score, Due: s.policy.Due, Clock: time.Now}
}

// jsonLogger logs JSON lines to stderr.
func jsonLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// shutdownGrace is how long a stopping command waits for work in flight.
const shutdownGrace = 20 * time.Second
