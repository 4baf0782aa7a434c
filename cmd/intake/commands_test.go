package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/hygiene"
)

// runCmd runs one intake command in-process and returns its exit code and output.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

const importFile = `{"sourceRef":"a1","channel":"import","kind":"person","person":{"name":"张三","idDocument":{"type":"cn_resident_id","number":"11010519491231002X"}}}
{"sourceRef":"a2","channel":"import","kind":"person","person":{"name":"张三","phones":["13800138000"],"idDocument":{"type":"cn_resident_id","number":"11010519491231002X"}}}
{"sourceRef":"b1","channel":"import","kind":"person","person":{"name":"Maria Rossi","birthDate":"1980-05-05"}}
{"sourceRef":"bad","channel":"import","kind":"person","person":{"name":"李四","birthDate":"2999-01-01"}}
not json at all
`

// writeNDJSON writes body to a new file and returns its path.
func writeNDJSON(t *testing.T, body string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "in.ndjson")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// runImportOf imports file into data and returns the JSON summary and the whole output.
func runImportOf(t *testing.T, data, file string) (importSummary, string) {
	t.Helper()
	code, out, errOut := runCmd(t, "", "import", "--data", data, file)
	if code != exitOK {
		t.Fatalf("import exit %d: %s", code, errOut)
	}
	var sum importSummary
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatalf("summary line: %v\n%s", err, out)
	}
	return sum, out
}

// importedData is a data folder into which importFile has been imported.
func importedData(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	runImportOf(t, data, writeNDJSON(t, importFile))
	return data
}

func TestImportRunsEveryRecordThroughTheWorkflowAndExportLinksListsThem(t *testing.T) {
	data := t.TempDir()
	file := writeNDJSON(t, importFile)
	sum, out := runImportOf(t, data, file)
	if sum.Records != 5 || sum.Outcomes["FILED"] != 3 || sum.Outcomes["REJECTED"] != 1 || len(sum.Unreadable) != 1 || sum.Unreadable[0] != 5 {
		t.Fatalf("summary = %+v, want 3 filed, 1 rejected, line 5 unreadable", sum)
	}
	if len(sum.Rejected) != 1 || sum.Rejected[0].Line != 4 || sum.Rejected[0].SourceRef != "bad" ||
		len(sum.Rejected[0].Errors) != 1 || sum.Rejected[0].Errors[0] != (rejectedField{Path: "person.birthDate", Code: "date_future"}) {
		t.Fatalf("rejected = %+v, want line 4 (bad) with person.birthDate date_future", sum.Rejected)
	}
	if !strings.Contains(out, "rejected line 4 sourceRef bad: person.birthDate (date_future)") || strings.Contains(out, "2999") {
		t.Fatalf("text summary does not name the rejected record and field, or shows its value:\n%s", out)
	}

	// Importing the same file again changes nothing.
	if code, _, errOut := runCmd(t, "", "import", "--data", data, file); code != exitOK {
		t.Fatalf("re-import exit %d: %s", code, errOut)
	}

	// A corrected rejected record is filed under the same sourceRef, and importing it again
	// changes nothing; a changed record that was filed is a conflict.
	fixed := writeNDJSON(t, `{"sourceRef":"bad","channel":"import","kind":"person","person":{"name":"李四","birthDate":"1999-01-01"}}
{"sourceRef":"b1","channel":"import","kind":"person","person":{"name":"Maria Rossi","birthDate":"1980-05-06"}}
`)
	for range 2 {
		if fixedSum, _ := runImportOf(t, data, fixed); fixedSum.Outcomes["FILED"] != 1 || fixedSum.Outcomes["CONFLICT"] != 1 {
			t.Fatalf("corrected import outcomes = %v, want 1 FILED and 1 CONFLICT", fixedSum.Outcomes)
		}
	}
	code, out, errOut := runCmd(t, "", "export", "links", "--data", data)
	if code != exitOK {
		t.Fatalf("export exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || strings.Join(rows[0], ",") != "source_ref,submission_id,customer_id,decision" {
		t.Fatalf("export:\n%s\nwant a header and five submissions", out)
	}
	customerOf := map[string][]string{}
	for _, r := range rows[1:] {
		customerOf[r[0]] = append(customerOf[r[0]], r[2])
	}
	a1, a2, b1, bad := customerOf["a1"], customerOf["a2"], customerOf["b1"], customerOf["bad"]
	if len(a1) != 1 || a1[0] == "" || len(a2) != 1 || a2[0] != a1[0] || len(b1) != 1 || b1[0] == a1[0] ||
		len(bad) != 2 || (bad[0] == "") == (bad[1] == "") {
		t.Fatalf("links = %v, want a1 and a2 on one customer, b1 on another, bad once rejected and once filed", customerOf)
	}
}

func TestSweepAndPurgeReportWithoutPersonalData(t *testing.T) {
	data := importedData(t)
	later := "2036-01-01T00:00:00Z"
	code, out, errOut := runCmd(t, "", "sweep", "--data", data, "--dry-run", "--now", later)
	if code != exitOK || !strings.Contains(out, "dry run") || !strings.Contains(out, "refresh_period_elapsed") {
		t.Fatalf("sweep dry run exit %d:\n%s%s", code, out, errOut)
	}
	code, out, _ = runCmd(t, "", "purge", "--data", data, "--now", later, "--json")
	if code != exitOK {
		t.Fatalf("purge exit %d", code)
	}
	for _, personal := range []string{"张三", "Maria", "13800138000", "11010519491231002X"} {
		if strings.Contains(out, personal) {
			t.Fatalf("the purge report shows personal data %q", personal)
		}
	}
	if code, _, _ := runCmd(t, "", "sweep", "--data", data, "--now", "not-a-time"); code != exitUsage {
		t.Fatalf("a bad --now gave exit %d, want %d", code, exitUsage)
	}
}

// TestPurgeDropsExpiredPayloadsAndKeepsTheLinks: sixty days after an import, past the 30-day
// payload retention and before any purge is due, `intake purge` purges no one and drops the
// three filed payloads (the rejected one had none left); the links export still lists every
// submission by its sourceRef.
func TestPurgeDropsExpiredPayloadsAndKeepsTheLinks(t *testing.T) {
	data := importedData(t)
	later := time.Now().UTC().AddDate(0, 0, 60).Format(time.RFC3339)

	code, out, errOut := runCmd(t, "", "purge", "--data", data, "--now", later, "--dry-run")
	if code != exitOK || !strings.Contains(out, "expired payloads at") || !strings.Contains(out, "read 3, dropped 3") {
		t.Fatalf("purge dry run exit %d:\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCmd(t, "", "purge", "--data", data, "--now", later, "--json")
	if code != exitOK {
		t.Fatalf("purge exit %d: %s", code, errOut)
	}
	var runs []hygiene.Report
	for line := range strings.Lines(out) {
		var r hygiene.Report
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("report line %q: %v", line, err)
		}
		runs = append(runs, r)
	}
	if len(runs) != 2 || runs[0].Run != "purge" || runs[0].Purged != 0 || runs[1].Run != "payloads" || runs[1].Dropped != 3 || runs[1].DryRun {
		t.Fatalf("reports %+v; want a purge of no one, then 3 payloads dropped", runs)
	}
	code, out, _ = runCmd(t, "", "purge", "--data", data, "--now", later)
	if code != exitOK || !strings.Contains(out, "read 0, dropped 0") {
		t.Fatalf("second purge exit %d:\n%s", code, out)
	}

	code, out, errOut = runCmd(t, "", "export", "links", "--data", data)
	if code != exitOK {
		t.Fatalf("export exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range rows[1:] {
		refs = append(refs, r[0])
	}
	slices.Sort(refs)
	if !slices.Equal(refs, []string{"a1", "a2", "b1", "bad"}) {
		t.Fatalf("links export after the payloads went lists %v, want a1 a2 b1 bad", refs)
	}
}

func TestRescoreReportsAPassOverEveryCustomer(t *testing.T) {
	data := importedData(t)
	code, out, errOut := runCmd(t, "", "rescore", "--data", data)
	if code != exitOK {
		t.Fatalf("rescore exit %d: %s", code, errOut)
	}
	var rep struct {
		Read, Rescored int
		Complete       bool
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report %q: %v", out, err)
	}
	// Filing scored both customers under the current rules: the pass reads them and rewrites nothing.
	if rep.Read != 2 || rep.Rescored != 0 || !rep.Complete {
		t.Fatalf("report %+v, want 2 read, none rescored, complete", rep)
	}
}
