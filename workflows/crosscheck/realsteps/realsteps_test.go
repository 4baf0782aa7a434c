package realsteps_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
	"github.com/intake-project/intake/workflows"
	"github.com/intake-project/intake/workflows/asl"
	"github.com/intake-project/intake/workflows/crosscheck"
	"github.com/intake-project/intake/workflows/crosscheck/realsteps"
)

func person(name, idNumber, phone string) *customer.Submission {
	return &customer.Submission{
		Channel: customer.ChannelStaffEntry, Kind: customer.KindPerson,
		Person: &customer.Person{
			Name:       name,
			IDDocument: &customer.IDDocument{Type: customer.DocCNResidentID, Number: idNumber, ExpiresOn: "2036-01-01"},
			Phones:     []string{phone},
		},
	}
}

// corpus is the submissions both runners file, in order: a new customer, the same person
// again, an invalid one, someone else on a shared phone, a transient failure, and a
// submission whose payload is gone (a permanent failure).
var corpus = []struct {
	id      string
	payload *customer.Submission
}{
	{"s-new", person("张三", "11010519491231002X", "13800138000")},
	{"s-dup", person("张三", "11010519491231002X", "13900139000")},
	{"s-invalid", person("李四", "110105194912310021", "13700137000")},
	{"s-possible", &customer.Submission{Channel: customer.ChannelStaffEntry, Kind: customer.KindPerson,
		Person: &customer.Person{Name: "Maria Rossi", BirthDate: "1980-05-05", Phones: []string{"13800138000"}}}},
	{realsteps.Flaky + "1", person("王五", "440524198001010013", "13600136000")},
	{"s-broken", nil},
}

func seed(t *testing.T, dir string) {
	t.Helper()
	st, err := embedded.Open(realsteps.StorePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, c := range corpus {
		_, _, err := st.CreateSubmission(context.Background(), store.Submission{
			ID: c.id, Status: store.StatusReceived, ReceivedAt: realsteps.Now, UpdatedAt: realsteps.Now, Payload: c.payload,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestRealStepsAgreeWithReference(t *testing.T) {
	crosscheck.Node(t)
	goData, refData := t.TempDir(), t.TempDir()
	seed(t, goData)
	seed(t, refData)
	// Both stores hash lookup keys under the same secret, so both runs see the same store.
	secret := make([]byte, 32)
	for _, dir := range []string{goData, refData} {
		if err := os.WriteFile(filepath.Join(dir, "lookup.key"), secret, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tasks, closeStore, err := realsteps.Open(goData)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	t.Setenv(realsteps.DataEnv, refData)

	inputs := make([]json.RawMessage, len(corpus))
	for i, c := range corpus {
		inputs[i] = json.RawMessage(`{"submissionId":"` + c.id + `"}`)
	}
	exe := crosscheck.Commands(t, "github.com/intake-project/intake/workflows/crosscheck/steptask", workflows.Definition, steps.Substitutions)
	outcomes := crosscheck.Compare(t, workflows.Definition, steps.Substitutions, tasks, exe, inputs)

	happy := []string{"Validate", "IsValid", "Dedupe", "Score", "File", "Done", "Succeeded"}
	want := []struct {
		status asl.Status
		filed  store.Status
		path   []string
	}{
		{asl.StatusSucceeded, store.StatusFiled, happy},
		{asl.StatusSucceeded, store.StatusFiled, happy},
		{asl.StatusSucceeded, store.StatusRejected, []string{"Validate", "IsValid", "MarkRejected", "Done", "Succeeded"}},
		{asl.StatusSucceeded, store.StatusReview, happy},
		{asl.StatusSucceeded, store.StatusFiled, happy},
		{asl.StatusFailed, store.StatusFailed, []string{"Validate", "MarkFailed", "Failed"}},
	}
	var out []struct {
		Status     store.Status `json:"status"`
		CustomerID string       `json:"customerId"`
	}
	for i, w := range want {
		got := outcomes[i].Go
		if got.Status != w.status || !reflect.DeepEqual(got.Path, w.path) {
			t.Errorf("%s: %s via %v, want %s via %v", corpus[i].id, got.Status, got.Path, w.status, w.path)
		}
		var o struct {
			Status     store.Status `json:"status"`
			CustomerID string       `json:"customerId"`
		}
		if got.Status == asl.StatusSucceeded {
			if err := json.Unmarshal(got.Output, &o); err != nil || o.Status != w.filed {
				t.Errorf("%s: output %s, want status %s", corpus[i].id, got.Output, w.filed)
			}
		}
		out = append(out, o)
	}
	if out[1].CustomerID != out[0].CustomerID {
		t.Errorf("the duplicate was filed on %q, want %q", out[1].CustomerID, out[0].CustomerID)
	}
	retried := false
	for _, e := range outcomes[4].Go.History {
		retried = retried || e.Type == asl.EventStateRetried
	}
	if !retried {
		t.Error("the flaky submission was not retried")
	}
}
