package sfnstart

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// fakeStepFunctions speaks the Step Functions JSON protocol for StartExecution: the first start
// of a name succeeds, a second fails with ExecutionAlreadyExists, and names listed in broken
// fail with a throttling error.
type fakeStepFunctions struct {
	mu     sync.Mutex
	inputs map[string]string
	broken map[string]bool
}

func (f *fakeStepFunctions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "AWSStepFunctions.StartExecution" {
		http.Error(w, "unexpected target", http.StatusBadRequest)
		return
	}
	var in struct{ StateMachineArn, Name, Input string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	switch {
	case f.broken[in.Name]:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"com.amazonaws.swf.base.model#ThrottlingException","message":"slow down"}`)
	case f.inputs[in.Name] != "":
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists","message":"Execution Already Exists"}`)
	default:
		f.inputs[in.Name] = in.Input
		fmt.Fprintf(w, `{"executionArn":"%s:%s","startDate":1.7e9}`, strings.Replace(in.StateMachineArn, "stateMachine", "execution", 1), in.Name)
	}
}

func TestStartNamesTheExecutionAndTreatsExistingAsStarted(t *testing.T) {
	fake := &fakeStepFunctions{inputs: map[string]string{}, broken: map[string]bool{"sub-broken": true}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client := sfn.New(sfn.Options{
		Region:           "eu-west-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		RetryMaxAttempts: 1,
	})
	s := New(client, "arn:aws:states:eu-west-1:123456789012:stateMachine:intake")

	tests := []struct {
		name    string
		id      string
		wantErr bool
	}{
		{"first start", "sub-1", false},
		{"second start of the same submission", "sub-1", false},
		{"another submission", "sub-2", false},
		{"service error", "sub-broken", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Start(context.Background(), tt.id)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
	if got := fake.inputs["sub-1"]; got != `{"submissionId":"sub-1"}` {
		t.Errorf("execution input = %q", got)
	}
	if len(fake.inputs) != 2 {
		t.Errorf("executions = %v, want sub-1 and sub-2", fake.inputs)
	}
}

func TestRedriveStartsANewlyNamedExecutionOnce(t *testing.T) {
	fake := &fakeStepFunctions{inputs: map[string]string{}, broken: map[string]bool{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client := sfn.New(sfn.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	s := New(client, "arn:aws:states:eu-west-1:123456789012:stateMachine:intake")
	ctx := context.Background()
	for _, step := range []func() error{
		func() error { return s.Start(ctx, "sub-1") },
		func() error { return s.Redrive(ctx, "sub-1", 5) },
		func() error { return s.Redrive(ctx, "sub-1", 5) },
		func() error { return s.Redrive(ctx, "sub-1", 8) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"sub-1", "sub-1-r5", "sub-1-r8"} {
		if fake.inputs[name] != `{"submissionId":"sub-1"}` {
			t.Errorf("execution %s: input %q, want the submission", name, fake.inputs[name])
		}
	}
	if len(fake.inputs) != 3 {
		t.Errorf("executions = %v, want the first run and two re-drives", fake.inputs)
	}
}

type failing struct{ err error }

func (f failing) StartExecution(context.Context, *sfn.StartExecutionInput, ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error) {
	return nil, f.err
}

func TestStartWrapsOtherErrors(t *testing.T) {
	base := errors.New("network down")
	err := New(failing{base}, "arn").Start(context.Background(), "sub-9")
	if !errors.Is(err, base) || !strings.Contains(err.Error(), "sub-9") {
		t.Errorf("err = %v", err)
	}
}
