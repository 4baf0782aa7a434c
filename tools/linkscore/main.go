// Command linkscore measures a links export against the true duplicate pairs: pairwise
// precision, recall and F1 over every pair of source refs filed on one customer.
//
//	linkscore -links links.csv -truth truth.csv [-name NAME]
package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	links := flag.String("links", "", "links export (`intake export links`): source_ref,submission_id,customer_id,decision")
	truth := flag.String("truth", "", "true pairs: source_ref_a,source_ref_b")
	name := flag.String("name", "", "dataset name for the report")
	flag.Parse()
	if *links == "" || *truth == "" {
		flag.Usage()
		os.Exit(2)
	}
	m, err := score(*links, *truth)
	if err != nil {
		fmt.Fprintln(os.Stderr, "linkscore:", err)
		os.Exit(1)
	}
	m.Dataset = *name
	json.NewEncoder(os.Stdout).Encode(m)
}

// Metrics are pairwise linkage quality figures.
type Metrics struct {
	Dataset       string  `json:"dataset,omitempty"`
	Records       int     `json:"records"`
	Customers     int     `json:"customers"`
	TruePairs     int     `json:"truePairs"`
	PredictedPair int     `json:"predictedPairs"`
	Correct       int     `json:"correctPairs"`
	Precision     float64 `json:"precision"`
	Recall        float64 `json:"recall"`
	F1            float64 `json:"f1"`
}

func score(linksPath, truthPath string) (Metrics, error) {
	linkRows, err := readCSV(linksPath, 4)
	if err != nil {
		return Metrics{}, err
	}
	truthRows, err := readCSV(truthPath, 2)
	if err != nil {
		return Metrics{}, err
	}
	customerOf := map[string]string{}
	members := map[string][]string{}
	for _, row := range linkRows {
		ref, cust := row[0], row[2]
		if ref == "" || cust == "" {
			continue
		}
		customerOf[ref] = cust
		members[cust] = append(members[cust], ref)
	}
	truth := map[[2]string]bool{}
	for _, row := range truthRows {
		truth[pair(row[0], row[1])] = true
	}
	m := Metrics{Records: len(customerOf), Customers: len(members), TruePairs: len(truth)}
	for _, refs := range members {
		for i := range refs {
			for j := i + 1; j < len(refs); j++ {
				m.PredictedPair++
				if truth[pair(refs[i], refs[j])] {
					m.Correct++
				}
			}
		}
	}
	if m.PredictedPair > 0 {
		m.Precision = float64(m.Correct) / float64(m.PredictedPair)
	}
	if m.TruePairs > 0 {
		m.Recall = float64(m.Correct) / float64(m.TruePairs)
	}
	if m.Precision+m.Recall > 0 {
		m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
	}
	return m, nil
}

func pair(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// readCSV reads a CSV file with a header row, each row with at least width fields.
func readCSV(path string, width int) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	if _, err := r.Read(); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	var rows [][]string
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(row) < width {
			return nil, fmt.Errorf("%s: a row has %d fields, want %d", path, len(row), width)
		}
		rows = append(rows, row)
	}
}
