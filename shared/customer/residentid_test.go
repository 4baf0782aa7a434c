package customer

import (
	"fmt"
	"math/rand"
	"testing"
)

func TestParseResidentID(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		birth    string
		gender   string
		upgraded bool
		wantCode string
	}{
		{name: "domain example", in: "11010519491231002X", want: "11010519491231002X", birth: "1949-12-31", gender: GenderFemale},
		{name: "lower-case x is upper-cased", in: "11010519491231002x", want: "11010519491231002X", birth: "1949-12-31", gender: GenderFemale},
		{name: "spaces between groups are dropped", in: " 110105 19491231 002X ", want: "11010519491231002X", birth: "1949-12-31", gender: GenderFemale},
		{name: "odd sequence is male", in: "440524198001010013", want: "440524198001010013", birth: "1980-01-01", gender: GenderMale},
		{name: "born on a leap day", in: "110101200002290026", want: "110101200002290026", birth: "2000-02-29", gender: GenderFemale},
		{name: "1990 birth", in: "110101199003071233", want: "110101199003071233", birth: "1990-03-07", gender: GenderMale},
		{name: "15 digits upgraded", in: "110105491231002", want: "11010519491231002X", birth: "1949-12-31", gender: GenderFemale, upgraded: true},
		{name: "wrong check character", in: "110105194912310021", wantCode: CodeResidentIDCheck},
		{name: "impossible date 2023-02-30", in: "110105202302300011", wantCode: CodeResidentIDBirthDate},
		{name: "birth in the future", in: "110105203001010011", wantCode: CodeResidentIDBirthDate},
		{name: "birth before 1900", in: "110105189912310011", wantCode: CodeResidentIDBirthDate},
		{name: "unknown province 99", in: "990105194912310021", wantCode: CodeResidentIDRegion},
		{name: "unknown province 10", in: "100105194912310021", wantCode: CodeResidentIDRegion},
		{name: "17 characters", in: "11010519491231002", wantCode: CodeResidentIDLength},
		{name: "19 characters", in: "11010519491231002X1", wantCode: CodeResidentIDLength},
		{name: "empty", in: "", wantCode: CodeResidentIDLength},
		{name: "letter inside", in: "1101051949123A002X", wantCode: CodeResidentIDFormat},
		{name: "X in a 15-digit number", in: "11010549123100X", wantCode: CodeResidentIDFormat},
		{name: "check letter other than X", in: "11010519491231002Y", wantCode: CodeResidentIDFormat},
		{name: "full-width digits", in: "１１０１０５１９４９１２３１００２Ｘ", wantCode: CodeResidentIDLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ParseResidentID(tt.in, testNow)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
			if tt.wantCode != "" {
				return
			}
			if id.String() != tt.want || id.BirthDate().String() != tt.birth || id.Gender() != tt.gender || id.Upgraded() != tt.upgraded {
				t.Errorf("got %s %s %s upgraded=%v, want %s %s %s upgraded=%v",
					id, id.BirthDate(), id.Gender(), id.Upgraded(), tt.want, tt.birth, tt.gender, tt.upgraded)
			}
		})
	}
}

func TestResidentIDSequenceGivesGender(t *testing.T) {
	for seq := 0; seq < 10; seq++ {
		first17 := fmt.Sprintf("1101051980010100%d", seq)
		id, err := ParseResidentID(first17+string(residentCheck(first17)), testNow)
		if err != nil {
			t.Fatalf("sequence %d: %v", seq, err)
		}
		want := GenderFemale
		if seq%2 == 1 {
			want = GenderMale
		}
		if id.Gender() != want {
			t.Errorf("sequence digit %d: gender %s, want %s", seq, id.Gender(), want)
		}
	}
}

// randomResidentID makes a valid 18-character number from r.
func randomResidentID(r *rand.Rand) string {
	p := []string{"11", "31", "44", "51", "65", "81"}[r.Intn(6)]
	birth := DateOf(testNow.AddDate(-r.Intn(120), 0, -r.Intn(365)))
	first17 := fmt.Sprintf("%s%04d%s%03d", p, r.Intn(10000), birth.t.Format("20060102"), r.Intn(1000))
	return first17 + string(residentCheck(first17))
}

func TestResidentIDProperties(t *testing.T) {
	r := rand.New(rand.NewSource(11643))
	for i := 0; i < 500; i++ {
		valid := randomResidentID(r)
		if _, err := ParseResidentID(valid, testNow); err != nil {
			t.Fatalf("generated number rejected: %v", err)
		}
		pos := r.Intn(18)
		for _, c := range "0123456789X" {
			if byte(c) == valid[pos] {
				continue
			}
			changed := valid[:pos] + string(c) + valid[pos+1:]
			if _, err := ParseResidentID(changed, testNow); err == nil {
				t.Fatalf("changing position %d of a valid number was not detected", pos)
			}
		}
	}
}
