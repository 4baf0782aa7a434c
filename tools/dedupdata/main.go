// Command dedupdata converts the record-linkage datasets into submissions and measures the
// dedupe decision on them: convert, eval and train.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/match/matcheval"
)

// trainingSets are the files the shipped rules were fitted on; convert and eval take every
// CSV file of the data folder.
var trainingSets = []string{matcheval.FEBRL1, matcheval.FEBRL2, matcheval.RLdata500}

const usage = `usage: dedupdata <command> [flags]

commands:
  convert  write each dataset as NDJSON submissions and its true pairs as CSV
  eval     file each dataset one record at a time and print pairwise precision, recall, F1
  train    fit the match weights with EM on the three shipped datasets and print the rules file

Run "dedupdata <command> -h" for the flags of a command. The data folder defaults to
$INTAKE_DEDUP_DATA, else ../shared/data/dedup beside the repository.
`

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "dedupdata:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("unknown command")

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errUsage
	}
	wd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("working directory: %w", err)
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	data := fs.String("data", matcheval.DataDir(wd), "folder holding the dataset CSV files")
	switch args[0] {
	case "convert":
		out := fs.String("out", ".", "folder to write <dataset>.ndjson and <dataset>.truth.csv into")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return convert(*data, *out)
	case "eval":
		rules := fs.String("rules", "", "rules file to evaluate (default: the embedded rules)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		m, err := matcher(*rules)
		if err != nil {
			return err
		}
		return evaluate(*data, m, stdout)
	case "train":
		rules := fs.String("rules", "", "rules file to start from (default: the embedded rules)")
		version := fs.String("version", "", "version of the trained rules (required)")
		random := fs.Int("random", 200000, "random pairs for the u probabilities")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		m, err := matcher(*rules)
		if err != nil {
			return err
		}
		return train(*data, m.Rules(), *version, *random, stdout)
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("%w %q", errUsage, args[0])
}

func matcher(path string) (*match.Matcher, error) {
	if path == "" {
		return match.NewDefault()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	r, err := match.ParseRules(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return match.New(r)
}

func convert(data, out string) error {
	files, err := matcheval.Files(data)
	if err != nil {
		return err
	}
	for _, name := range files {
		recs, err := matcheval.Load(data, name)
		if err != nil {
			return err
		}
		base := filepath.Join(out, strings.TrimSuffix(name, ".csv"))
		if err := writeNDJSON(base+".ndjson", recs); err != nil {
			return err
		}
		if err := writeTruth(base+".truth.csv", recs); err != nil {
			return err
		}
	}
	return nil
}

func writeNDJSON(path string, recs []matcheval.Record) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("convert: %w", cerr)
		}
	}()
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, r := range recs {
		if err := enc.Encode(r.Submission); err != nil {
			return fmt.Errorf("convert %s: %w", r.Submission.SourceRef, err)
		}
	}
	return w.Flush()
}

// writeTruth writes every true pair of source refs, one pair a line, sorted.
func writeTruth(path string, recs []matcheval.Record) error {
	byEntity := map[string][]string{}
	for _, r := range recs {
		byEntity[r.Entity] = append(byEntity[r.Entity], r.Submission.SourceRef)
	}
	var lines []string
	for _, refs := range byEntity {
		sort.Strings(refs)
		for i := range refs {
			for j := i + 1; j < len(refs); j++ {
				lines = append(lines, refs[i]+","+refs[j])
			}
		}
	}
	sort.Strings(lines)
	body := "source_ref_a,source_ref_b\n" + strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	return nil
}

func evaluate(data string, m *match.Matcher, w io.Writer) error {
	fmt.Fprintf(w, "rules %s\n", m.Rules().Version)
	fmt.Fprintf(w, "%-20s %7s %9s %9s %9s %9s %7s %7s %9s %8s %10s %9s %6s %5s\n",
		"dataset", "records", "truePairs", "predicted", "correct", "precision", "recall", "F1", "possible", "possTrue", "reviewedF1", "blocking", "maxCand", "trunc")
	files, err := matcheval.Files(data)
	if err != nil {
		return err
	}
	for _, name := range files {
		recs, err := matcheval.Load(data, name)
		if err != nil {
			return err
		}
		met := matcheval.Evaluate(m, recs)
		sharing, total := matcheval.PairCompleteness(recs)
		fmt.Fprintf(w, "%-20s %7d %9d %9d %9d %9.4f %7.4f %7.4f %9d %8d %10.4f %9.4f %6d %5d\n",
			name, met.Records, met.TruePairs, met.PredictedPairs, met.CorrectPairs, met.Precision, met.Recall, met.F1,
			met.Decisions["POSSIBLE"], met.PossibleTrue, met.ReviewedF1, float64(sharing)/float64(max(total, 1)), met.MaxCandidates, met.Truncations)
	}
	return nil
}

// rulesHeader says, inside the rules file, where its numbers come from (docs/matching.md).
const rulesHeader = `# Match rules (docs/matching.md). m and u were fitted by
#   go run ./tools/dedupdata train -version <version> > shared/match/rules.yaml
# on FEBRL 1 and 2 and RLdata500: u from random pairs, m by EM on blocked pairs. The thresholds,
# and the fields those files do not have (gender, phone, email, organisation fields), are set
# by hand and carried over from the rules training starts from.
`

func train(data string, base *match.Rules, version string, random int, w io.Writer) error {
	var all []match.Pattern
	var rnd []match.Pattern
	for i, name := range trainingSets {
		recs, err := matcheval.Load(data, name)
		if err != nil {
			return err
		}
		c, r := matcheval.TrainingPairs(recs, matcheval.DefaultBlockCap, random/len(trainingSets), uint64(i+1))
		all = append(all, c...)
		rnd = append(rnd, r...)
	}
	rules, rep, err := match.Train(base, all, rnd, match.TrainOptions{Version: version})
	if err != nil {
		return err
	}
	out, err := rules.Marshal()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "trained on %d candidate and %d random pairs: %d iterations, converged %v, match share %.4f\n",
		rep.Candidate, rep.Random, rep.Iterations, rep.Converged, rep.Prior)
	fmt.Fprintf(w, "%s", rulesHeader)
	_, err = w.Write(out)
	return err
}
