package asl_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/intake-project/intake/workflows/asl"
)

func TestLoadRefusesWhatItCannotRun(t *testing.T) {
	tests := []struct {
		name string
		def  string
		want string
	}{
		{"map state", `{"StartAt":"Foo","States":{"Foo":{"Type":"Map","End":true}}}`, `States.Foo.Type: unsupported state type "Map"`},
		{"parallel state", `{"StartAt":"Foo","States":{"Foo":{"Type":"Parallel","End":true}}}`, `States.Foo.Type: unsupported state type "Parallel"`},
		{"wait state", `{"StartAt":"Foo","States":{"Foo":{"Type":"Wait","Seconds":1,"End":true}}}`, `unsupported state type "Wait"`},
		{"items path", single(`{"Type":"Pass","ItemsPath":"$.x","End":true}`), `States.S.ItemsPath: unsupported field`},
		{"heartbeat", single(`{"Type":"Task","Resource":"r","HeartbeatSeconds":5,"End":true}`), `States.S.HeartbeatSeconds: unsupported field`},
		{"timeout path", single(`{"Type":"Task","Resource":"r","TimeoutSecondsPath":"$.t","End":true}`), `States.S.TimeoutSecondsPath: unsupported field`},
		{"jsonata machine", `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Succeed"}}}`, `QueryLanguage: unsupported query language JSONata`},
		{"jsonata state", single(`{"Type":"Pass","QueryLanguage":"JSONata","End":true}`), `States.S.QueryLanguage: unsupported query language JSONata`},
		{"arguments", single(`{"Type":"Task","Resource":"r","Arguments":{},"End":true}`), `States.S.Arguments: unsupported field`},
		{"machine timeout", `{"TimeoutSeconds":5,"StartAt":"S","States":{"S":{"Type":"Succeed"}}}`, `TimeoutSeconds: unsupported field`},
		{"unknown intrinsic", single(`{"Type":"Pass","Parameters":{"u.$":"States.UUID()"},"End":true}`), `unsupported intrinsic function "States.UUID"`},
		{"wildcard path", single(`{"Type":"Pass","InputPath":"$.a[*]","End":true}`), `States.S.InputPath: path "$.a[*]": unsupported subscript [*]`},
		{"unknown jitter", single(`{"Type":"Task","Resource":"r","Retry":[{"ErrorEquals":["X"],"JitterStrategy":"HALF"}],"End":true}`), `States.S.Retry[0].JitterStrategy: unsupported jitter strategy HALF`},
		{"retry field", single(`{"Type":"Task","Resource":"r","Retry":[{"ErrorEquals":["X"],"MaxDelay":3}],"End":true}`), `States.S.Retry[0].MaxDelay: unsupported field`},
		{"states.all not alone", single(`{"Type":"Task","Resource":"r","Catch":[{"ErrorEquals":["States.ALL","X"],"Next":"S"}],"End":true}`), `States.S.Catch[0].ErrorEquals: States.ALL must appear alone`},
		{"choice operator", single(`{"Type":"Choice","Choices":[{"Variable":"$.a","StringContains":"x","Next":"S"}]}`), `States.S.Choices[0].StringContains: unsupported field`},
		{"choice operand type", single(`{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":"1","Next":"S"}]}`), `States.S.Choices[0].NumericEquals: needs a number`},
		{"unknown next", single(`{"Type":"Pass","Next":"Nowhere"}`), `States.S.Next: no state named "Nowhere"`},
		{"no next nor end", single(`{"Type":"Pass"}`), `States.S: needs Next or End`},
		{"bad start", `{"StartAt":"X","States":{"S":{"Type":"Succeed"}}}`, `StartAt: no state named "X"`},
		{"missing substitution", single(`{"Type":"Task","Resource":"${NoSuchArn}","End":true}`), `no substitution for ${NoSuchArn}`},
		{"result path into context", single(`{"Type":"Pass","ResultPath":"$$.x","End":true}`), `States.S.ResultPath: cannot write into the context object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := asl.Load([]byte(tt.def), nil)
			if err == nil {
				t.Fatalf("Load accepted %s", tt.def)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadSubstitutesPlaceholders(t *testing.T) {
	def := `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${AArn}","Next":"B"},
		"B":{"Type":"Task","Resource":"${BArn}","Next":"C"},"C":{"Type":"Task","Resource":"${AArn}","End":true}}}`
	m, err := asl.Load([]byte(def), map[string]string{"AArn": "arn:aws:lambda:eu-west-1:1:function:a", "BArn": "b"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"arn:aws:lambda:eu-west-1:1:function:a", "b"}
	if got := m.Resources(); !reflect.DeepEqual(got, want) {
		t.Errorf("resources = %v, want %v", got, want)
	}
}
