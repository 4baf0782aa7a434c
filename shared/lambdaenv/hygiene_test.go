package lambdaenv

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHygieneConfiguration(t *testing.T) {
	t.Setenv("TABLE_NAME", "intake")
	t.Setenv("DRY_RUN", "true")
	t.Setenv("RETENTION_YEARS", "7")
	var cfg Hygiene
	if err := Load(&cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.TableName != "intake" || !cfg.DryRun || cfg.RetentionYears != 7 {
		t.Fatalf("config = %+v", cfg)
	}

	t.Setenv("TABLE_NAME", "")
	t.Setenv("DRY_RUN", "yes please")
	err := Load(&Hygiene{})
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "TABLE_NAME") || !strings.Contains(err.Error(), "DRY_RUN") {
		t.Fatalf("err = %v, want a ConfigError naming TABLE_NAME and DRY_RUN", err)
	}
}

func TestScheduledEventTimeAndBudget(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }
	scheduled := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	if got := (ScheduledEvent{Time: scheduled}).At(now); !got.Equal(scheduled) {
		t.Errorf("At = %v, want the scheduled time", got)
	}
	if got := (ScheduledEvent{}).At(now); !got.Equal(now()) {
		t.Errorf("At = %v, want now for an event without a time", got)
	}
	if Budget(context.Background()) != nil {
		t.Error("a context without a deadline has a budget")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if left := Budget(ctx)(); left <= 0 || left > time.Minute {
		t.Errorf("budget = %v, want up to a minute", left)
	}
}
