// Package matcheval measures the dedupe decision on record-linkage data with known truth: it
// reads the FEBRL and RLdata files, files records one at a time, and scores the pairs.
package matcheval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/customer"
)

// Record is one source record as a submission, with the entity it truly belongs to.
type Record struct {
	Submission customer.Submission
	Entity     string
}

// Dataset files under the data folder.
const (
	FEBRL1    = "febrl_dataset1.csv"
	FEBRL2    = "febrl_dataset2.csv"
	RLdata500 = "RLdata500.csv"
)

// DataDirEnv overrides the data folder.
const DataDirEnv = "INTAKE_DEDUP_DATA"

// DataDir is the folder holding the record-linkage files: $INTAKE_DEDUP_DATA, or
// ../shared/data/dedup relative to the repository root found above dir.
func DataDir(dir string) string {
	if d := os.Getenv(DataDirEnv); d != "" {
		return d
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared", "data", "dedup")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "..", "shared", "data", "dedup")
		}
	}
}

// ErrFormat is a data file whose columns are not the expected ones.
var ErrFormat = errors.New("unexpected data format")

// Load reads a dataset file, choosing the reader from its header: FEBRL files have
// given_name and surname columns, RLdata files fname_c1 and lname_c1. Any other file is
// ErrFormat.
func Load(dir, name string) ([]Record, error) {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	header, _, _ := strings.Cut(string(data), "\n")
	columns := map[string]bool{}
	for _, c := range strings.Split(header, ",") {
		columns[strings.Trim(strings.TrimSpace(c), `"`)] = true
	}
	switch {
	case columns["fname_c1"] && columns["lname_c1"]:
		return ReadRLdata(strings.NewReader(string(data)))
	case columns["given_name"] && columns["surname"]:
		return ReadFEBRL(strings.NewReader(string(data)))
	}
	return nil, fmt.Errorf("load %s: %w: neither FEBRL (given_name, surname) nor RLdata (fname_c1, lname_c1) columns", name, ErrFormat)
}

// Files lists the CSV files of a data folder, sorted by name.
func Files(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".csv") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("list %s: no .csv files", dir)
	}
	return names, nil
}

func readTable(r io.Reader, want []string) ([]map[string]string, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("read csv: %w: no header", ErrFormat)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			return nil, fmt.Errorf("read csv: %w: no column %q", ErrFormat, w)
		}
	}
	out := make([]map[string]string, 0, len(rows)-1)
	for _, row := range rows[1:] {
		m := make(map[string]string, len(want))
		for _, w := range want {
			if i := col[w]; i < len(row) {
				m[w] = strings.TrimSpace(row[i])
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// ReadFEBRL converts FEBRL records (synthetic Australian people) into person submissions:
// the social security number becomes an identity document of type "other" issued in AU, the
// suburb the city, the state the province. A birth date that is not a calendar date (the
// generator corrupts some) is left out, since the submission format only admits real dates;
// every other corrupted value is kept as it is.
func ReadFEBRL(r io.Reader) ([]Record, error) {
	rows, err := readTable(r, []string{"rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"})
	if err != nil {
		return nil, fmt.Errorf("febrl: %w", err)
	}
	recs := make([]Record, 0, len(rows))
	for _, row := range rows {
		p := &customer.Person{
			GivenName:  row["given_name"],
			FamilyName: row["surname"],
			Name:       strings.TrimSpace(row["given_name"] + " " + row["surname"]),
			BirthDate:  isoDate(row["date_of_birth"]),
			Address: &customer.Address{
				Line1:    strings.TrimSpace(row["street_number"] + " " + row["address_1"]),
				Line2:    row["address_2"],
				City:     row["suburb"],
				Province: row["state"],
				Postcode: row["postcode"],
				Country:  "AU",
			},
		}
		if n := row["soc_sec_id"]; n != "" {
			p.IDDocument = &customer.IDDocument{Type: customer.DocOther, Number: n, IssuingCountry: "AU"}
		}
		recs = append(recs, Record{
			Submission: customer.Submission{SourceRef: row["rec_id"], Channel: customer.ChannelImport, Kind: customer.KindPerson, Person: p},
			Entity:     febrlEntity(row["rec_id"]),
		})
	}
	return recs, nil
}

// febrlEntity reads the person number out of rec-<N>-org and rec-<N>-dup-<k>.
func febrlEntity(recID string) string {
	parts := strings.Split(recID, "-")
	if len(parts) >= 3 {
		return parts[1]
	}
	return recID
}

// isoDate turns YYYYMMDD into YYYY-MM-DD, or "" when it is not a calendar date.
func isoDate(s string) string {
	t, err := time.Parse("20060102", s)
	if err != nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// ReadRLdata converts RLdata500 records (German names, birth dates) into person submissions;
// second given and family names join the first, "NA" is no value, and the address carries
// only the country.
func ReadRLdata(r io.Reader) ([]Record, error) {
	rows, err := readTable(r, []string{"fname_c1", "fname_c2", "lname_c1", "lname_c2", "by", "bm", "bd", "rec_id", "ent_id"})
	if err != nil {
		return nil, fmt.Errorf("rldata: %w", err)
	}
	recs := make([]Record, 0, len(rows))
	for _, row := range rows {
		given := joinNA(row["fname_c1"], row["fname_c2"])
		family := joinNA(row["lname_c1"], row["lname_c2"])
		p := &customer.Person{
			GivenName:  given,
			FamilyName: family,
			Name:       strings.TrimSpace(given + " " + family),
			BirthDate:  isoDate(pad(row["by"], 4) + pad(row["bm"], 2) + pad(row["bd"], 2)),
			Address:    &customer.Address{Country: "DE"},
		}
		recs = append(recs, Record{
			Submission: customer.Submission{SourceRef: row["rec_id"], Channel: customer.ChannelImport, Kind: customer.KindPerson, Person: p},
			Entity:     row["ent_id"],
		})
	}
	return recs, nil
}

func joinNA(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" && p != "NA" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

func pad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
