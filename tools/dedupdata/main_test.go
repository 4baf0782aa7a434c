package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intake-project/intake/shared/customer"
)

// writeSamples puts a tiny version of each dataset in a folder.
func writeSamples(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"febrl_dataset1.csv": "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n" +
			"rec-1-org, kayla, harrington, 5, maltby circuit, coaling, coolaroo, 3465, nsw, 19150612, 9004242\n" +
			"rec-1-dup-0, kayla, harringtoh, 5, maltby circuit, coaling, coolaroo, 3465, nsw, 19150612, 9004242\n",
		"febrl_dataset2.csv": "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n" +
			"rec-2-org, sarah, bruhn, 44, forbes street, wintersloe, kellerberrin, 4510, vic, 19300213, 7535316\n",
		"RLdata500.csv": "fname_c1,fname_c2,lname_c1,lname_c2,by,bm,bd,rec_id,ent_id\nGERD,NA,BAUER,NA,1968,7,27,2,51\nGERD,NA,BAUERH,NA,1968,7,27,43,51\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestConvertWritesStrictSubmissionsAndTruth(t *testing.T) {
	data, out := writeSamples(t), t.TempDir()
	if err := run([]string{"convert", "-data", data, "-out", out}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, "febrl_dataset1.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var refs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var s customer.Submission
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if s.Channel != customer.ChannelImport || s.Kind != customer.KindPerson {
			t.Errorf("submission %+v", s)
		}
		refs = append(refs, s.SourceRef)
	}
	if strings.Join(refs, ",") != "rec-1-org,rec-1-dup-0" {
		t.Errorf("source refs %v, want the file order", refs)
	}
	truth, err := os.ReadFile(filepath.Join(out, "RLdata500.truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(truth) != "source_ref_a,source_ref_b\n2,43\n" {
		t.Errorf("truth %q", truth)
	}
}

func TestEvalPrintsEveryDataset(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"eval", "-data", writeSamples(t)}, &out); err != nil {
		t.Fatal(err)
	}
	for _, name := range trainingSets {
		if !strings.Contains(out.String(), name) {
			t.Errorf("no line for %s in\n%s", name, out.String())
		}
	}
}

func TestUnknownCommandFails(t *testing.T) {
	if err := run([]string{"frobnicate"}, &bytes.Buffer{}); err == nil {
		t.Error("accepted")
	}
}
