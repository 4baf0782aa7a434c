package crosscheck_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/intake-project/intake/workflows"
	"github.com/intake-project/intake/workflows/asl"
	"github.com/intake-project/intake/workflows/crosscheck"
	"github.com/intake-project/intake/workflows/crosscheck/fixture"
)

func TestIntakeDefinitionAgreesWithReference(t *testing.T) {
	happy := []string{"Validate", "IsValid", "Dedupe", "Score", "File", "Done", "Succeeded"}
	cases := []struct {
		id         string
		wantStatus asl.Status
		wantOutput string
		wantError  string
		wantCause  string
		wantPath   []string
	}{
		{
			id: "s-new", wantStatus: asl.StatusSucceeded, wantPath: happy,
			wantOutput: `{"submissionId":"s-new","status":"FILED","customerId":"cust-s-new"}`,
		},
		{
			id: fixture.Invalid + "1", wantStatus: asl.StatusSucceeded,
			wantPath:   []string{"Validate", "IsValid", "MarkRejected", "Done", "Succeeded"},
			wantOutput: `{"submissionId":"invalid-1","status":"REJECTED","errors":[{"path":"person.name","code":"required"}]}`,
		},
		{
			id: fixture.Duplicate + "1", wantStatus: asl.StatusSucceeded, wantPath: happy,
			wantOutput: `{"submissionId":"dup-1","status":"FILED","customerId":"cust-existing"}`,
		},
		{
			id: fixture.Possible + "1", wantStatus: asl.StatusSucceeded, wantPath: happy,
			wantOutput: `{"submissionId":"possible-1","status":"REVIEW","customerId":"cust-possible-1","reviewId":"rev-possible-1"}`,
		},
		{
			id: fixture.Flaky + "1", wantStatus: asl.StatusSucceeded, wantPath: happy,
			wantOutput: `{"submissionId":"flaky-1","status":"FILED","customerId":"cust-flaky-1"}`,
		},
		{
			id: fixture.Broken + "1", wantStatus: asl.StatusFailed,
			wantPath:  []string{"Validate", "IsValid", "Dedupe", "MarkFailed", "Failed"},
			wantError: "IntakeFailed", wantCause: fixture.ErrStoreDown.Error(),
		},
		{
			id: fixture.Exhausted + "1", wantStatus: asl.StatusFailed,
			wantPath:  []string{"Validate", "IsValid", "Dedupe", "Score", "MarkFailed", "Failed"},
			wantError: "IntakeFailed", wantCause: "transient: score attempt 5: throttled",
		},
	}
	inputs := make([]json.RawMessage, len(cases))
	for i, c := range cases {
		inputs[i] = json.RawMessage(`{"submissionId":"` + c.id + `"}`)
	}
	exe := crosscheck.Commands(t, "github.com/intake-project/intake/workflows/crosscheck/taskcmd", workflows.Definition, fixture.Subs)
	outcomes := crosscheck.Compare(t, workflows.Definition, fixture.Subs, fixture.Tasks(), exe, inputs)
	for i, c := range cases {
		got := outcomes[i].Go
		if got.Status != c.wantStatus || got.Error != c.wantError || got.Cause != c.wantCause {
			t.Errorf("%s: %s %q (%q), want %s %q (%q)", c.id, got.Status, got.Error, got.Cause, c.wantStatus, c.wantError, c.wantCause)
		}
		if !reflect.DeepEqual(got.Path, c.wantPath) {
			t.Errorf("%s: path %v, want %v", c.id, got.Path, c.wantPath)
		}
		if c.wantOutput != "" {
			var g, w any
			if err := json.Unmarshal(got.Output, &g); err != nil {
				t.Fatalf("%s: output %s: %v", c.id, got.Output, err)
			}
			if err := json.Unmarshal([]byte(c.wantOutput), &w); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s: output %s, want %s", c.id, got.Output, c.wantOutput)
			}
		}
	}
}

func TestRetriesAreRecordedWithBackoff(t *testing.T) {
	exe := crosscheck.Commands(t, "github.com/intake-project/intake/workflows/crosscheck/taskcmd", workflows.Definition, fixture.Subs)
	outcomes := crosscheck.Compare(t, workflows.Definition, fixture.Subs, fixture.Tasks(), exe,
		[]json.RawMessage{json.RawMessage(`{"submissionId":"exhausted-2"}`)})
	var delays []float64
	for _, e := range outcomes[0].Go.History {
		if e.Type == asl.EventStateRetried {
			delays = append(delays, e.Delay.Seconds())
		}
	}
	// Interval 1 s, rate 2, capped at 8 s, four retries; the cross-check draws jitter at 0.5.
	want := []float64{0.5, 1, 2, 4}
	if !reflect.DeepEqual(delays, want) {
		t.Errorf("retry delays = %v s, want %v s", delays, want)
	}
}
