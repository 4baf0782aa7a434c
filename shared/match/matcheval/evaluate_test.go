package matcheval_test

import (
	"strings"
	"testing"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/match/matcheval"
)

func defaultMatcher(t testing.TB) *match.Matcher {
	t.Helper()
	m, err := match.NewDefault()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEvaluationMeetsTheQualityTargets(t *testing.T) {
	tests := []struct {
		dataset      string
		minPrecision float64
		minF1        float64
	}{
		{matcheval.FEBRL1, 0.995, 0.99},
		{matcheval.FEBRL2, 0.995, 0.99},
		// RLdata500 has 50 true pairs, so F1 ≥ 0.99 needs all of them. One pair (same name,
		// birth dates differing in year and day) is indistinguishable from pairs of different
		// people with the same name in the same file (the same explanation, to the bit); it goes
		// to review with them, which caps F1 at 0.9899.
		{matcheval.RLdata500, 0.995, 0.985},
	}
	m := defaultMatcher(t)
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			recs := loadOrSkip(t, tt.dataset)
			met := matcheval.Evaluate(m, recs)
			t.Logf("%s: precision %.4f recall %.4f F1 %.4f (%d predicted, %d correct, %d true pairs)",
				tt.dataset, met.Precision, met.Recall, met.F1, met.PredictedPairs, met.CorrectPairs, met.TruePairs)
			if met.Precision < tt.minPrecision || met.F1 < tt.minF1 {
				t.Errorf("precision %.4f, F1 %.4f; want at least %.3f and %.3f", met.Precision, met.F1, tt.minPrecision, tt.minF1)
			}
			if met.ReviewedF1 < 0.995 {
				t.Errorf("F1 after review %.4f: review items miss true pairs", met.ReviewedF1)
			}
			if met.Truncations != 0 {
				t.Errorf("%d blocks truncated on a small file", met.Truncations)
			}
		})
	}
}

func TestBlockingBringsTrueDuplicatesTogether(t *testing.T) {
	for _, name := range []string{matcheval.FEBRL1, matcheval.FEBRL2, matcheval.RLdata500} {
		t.Run(name, func(t *testing.T) {
			sharing, total := matcheval.PairCompleteness(loadOrSkip(t, name))
			if total == 0 || sharing != total {
				t.Errorf("%d of %d true pairs share a lookup key, want all", sharing, total)
			}
		})
	}
}

const febrlSample = `rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id
rec-10-org, kayla, harrington, 5, maltby circuit, coaling, coolaroo, 3465, nsw, 19150612, 9004242
rec-10-dup-0, kayla, harringtoh, , maltby circuit, coaling, coolaroo, 3465, nsw, 19150612, 9004242
rec-11-org, , waller, 6, tullaroop street, willaroo, st james, 4011, wa, 19371233, 
`

func TestReadFEBRL(t *testing.T) {
	recs, err := matcheval.ReadFEBRL(strings.NewReader(febrlSample))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	org := recs[0].Submission
	p := org.Person
	if org.SourceRef != "rec-10-org" || org.Channel != customer.ChannelImport || org.Kind != customer.KindPerson || recs[0].Entity != "10" || recs[1].Entity != "10" {
		t.Errorf("header fields wrong: %+v entity %q/%q", org, recs[0].Entity, recs[1].Entity)
	}
	if p.Name != "kayla harrington" || p.GivenName != "kayla" || p.FamilyName != "harrington" || p.BirthDate != "1915-06-12" {
		t.Errorf("person %+v", p)
	}
	if a := p.Address; a.Line1 != "5 maltby circuit" || a.Line2 != "coaling" || a.City != "coolaroo" || a.Province != "nsw" || a.Postcode != "3465" || a.Country != "AU" {
		t.Errorf("address %+v", a)
	}
	if d := p.IDDocument; d == nil || d.Type != customer.DocOther || d.Number != "9004242" || d.IssuingCountry != "AU" {
		t.Errorf("document %+v", d)
	}
	if a := recs[1].Submission.Person.Address; a.Line1 != "maltby circuit" {
		t.Errorf("missing street number gives line1 %q", a.Line1)
	}
	third := recs[2].Submission.Person
	if third.Name != "waller" || third.BirthDate != "" || third.IDDocument != nil {
		t.Errorf("missing given name, impossible date and missing number give %+v", third)
	}
}

func TestReadRLdata(t *testing.T) {
	const sample = "fname_c1,fname_c2,lname_c1,lname_c2,by,bm,bd,rec_id,ent_id\nJAN,JUERGEN,SCHAEFER,NA,1946,5,25,28,199\nGERD,NA,BAUER,NA,1968,7,27,2,51\n"
	recs, err := matcheval.ReadRLdata(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	p := recs[0].Submission.Person
	if p.GivenName != "JAN JUERGEN" || p.FamilyName != "SCHAEFER" || p.Name != "JAN JUERGEN SCHAEFER" || p.BirthDate != "1946-05-25" || p.Address.Country != "DE" {
		t.Errorf("person %+v", p)
	}
	if recs[0].Submission.SourceRef != "28" || recs[0].Entity != "199" || recs[1].Submission.Person.GivenName != "GERD" {
		t.Errorf("records %+v", recs)
	}
}

func TestReadRejectsUnexpectedColumns(t *testing.T) {
	if _, err := matcheval.ReadRLdata(strings.NewReader(febrlSample)); err == nil {
		t.Error("FEBRL columns accepted as RLdata")
	}
}

func TestIndexMergesOnlyMatches(t *testing.T) {
	recs, err := matcheval.ReadFEBRL(strings.NewReader(febrlSample))
	if err != nil {
		t.Fatal(err)
	}
	met := matcheval.Evaluate(defaultMatcher(t), recs)
	if met.Customers != 2 || met.PredictedPairs != 1 || met.CorrectPairs != 1 || met.Decisions[customer.DecisionMatch] != 1 {
		t.Errorf("metrics %+v, want the duplicate merged and the other record apart", met)
	}
	if met.Precision != 1 || met.Recall != 1 || met.F1 != 1 {
		t.Errorf("precision %.2f recall %.2f F1 %.2f, want 1", met.Precision, met.Recall, met.F1)
	}
}

func TestEvaluationCountsReviewItemsHoldingTruePairs(t *testing.T) {
	// Same names, birth dates wrong in year and day: both pairs go to review; only the first
	// is one person, and the third record matches the second.
	const sample = "fname_c1,fname_c2,lname_c1,lname_c2,by,bm,bd,rec_id,ent_id\n" +
		"ERIKA,NA,WEBER,NA,1995,2,1,1,1\n" +
		"ERIKA,NA,WEBER,NA,1992,2,29,2,1\n" +
		"ERIKA,NA,WEBER,NA,1992,2,29,3,1\n" +
		"ANDREA,NA,SCHMIDT,NA,1966,2,21,4,2\n" +
		"ANDREA,NA,SCHMIDT,NA,1945,2,20,5,3\n"
	recs, err := matcheval.ReadRLdata(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	met := matcheval.Evaluate(defaultMatcher(t), recs)
	if met.Decisions[customer.DecisionPossible] != 2 || met.PossibleTrue != 1 {
		t.Fatalf("decisions %v, %d possible true; want 2 POSSIBLE, 1 holding a true pair", met.Decisions, met.PossibleTrue)
	}
	if met.CorrectPairs != 1 || met.TruePairs != 3 || met.ReviewedF1 != 1 {
		t.Errorf("correct %d of %d true pairs, reviewed F1 %.3f; want 1 of 3 and 1 after review", met.CorrectPairs, met.TruePairs, met.ReviewedF1)
	}
}

func TestIndexCapsBlocks(t *testing.T) {
	ix := matcheval.NewIndex(defaultMatcher(t))
	ix.BlockCap = 3
	s := customer.Submission{Kind: customer.KindPerson, Person: &customer.Person{Name: "Anna Smith", BirthDate: "1970-01-01"}}
	for range 5 {
		ix.Add(s)
	}
	if got := len(ix.Candidates(match.Keys(s))); got != 3 {
		t.Errorf("%d candidates, want the cap of 3", got)
	}
	if ix.Truncations == 0 {
		t.Error("truncation not counted")
	}
}
