package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scanOf builds a multipart card scan: the submission as JSON and the image of a code.
func scanOf(t *testing.T, submission string, image []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="submission"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(h)
	pw.Write([]byte(submission))
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="image"; filename="scan.png"`)
	h.Set("Content-Type", "image/png")
	pw, _ = mw.CreatePart(h)
	pw.Write(image)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

// TestServeRunsTheCardCycle issues a card to a known customer, prints it, scans it back with a
// photo of its code, returns it, and reads the log: the scan is filed on that customer.
func TestServeRunsTheCardCycle(t *testing.T) {
	s := startServer(t, t.TempDir())
	staff := map[string]string{"Authorization": "Bearer " + s.token}
	withStaff := func(h map[string]string) map[string]string {
		h["Authorization"] = staff["Authorization"]
		return h
	}

	known := s.postJSON(validJSON, nil)
	customerID, _ := s.waitStatus(known.body["id"].(string)).body["customerId"].(string)
	if customerID == "" {
		t.Fatal("the first submission was not filed")
	}

	issued := s.do("POST", "/v1/cards", []byte(`{"customerId":"`+customerID+`","room":"A08","unit":"北京示例科技有限公司","salutation":"张总","quantity":1}`),
		withStaff(map[string]string{"Content-Type": "application/json"}))
	if issued.status != http.StatusCreated {
		t.Fatalf("issue: HTTP %d %s", issued.status, issued.raw)
	}
	cardID := issued.body["id"].(string)
	if p := s.do("GET", "/v1/cards/"+cardID+"/print", nil, staff); p.status != http.StatusOK || !bytes.Contains(p.raw, []byte("85mm 54mm")) {
		t.Fatalf("print: HTTP %d", p.status)
	}
	qr := s.do("GET", "/v1/cards/"+cardID+"/qr.png", nil, staff)
	if qr.status != http.StatusOK {
		t.Fatalf("qr.png: HTTP %d", qr.status)
	}

	// Only the card ties this scan to the customer: the name alone would not.
	scan := `{"kind":"person","verified":true,"person":{"name":"张先生"},
	  "card":{"diningTier":"premium","frequency":"weekly","role":"host","signsBill":true,"patronageReason":"loyal_customer","habitualReceptionist":"小赵"}}`
	ct, body := scanOf(t, scan, qr.raw)
	posted := s.do("POST", "/v1/cards/"+cardID+"/scans", body, withStaff(map[string]string{"Content-Type": ct}))
	if posted.status != http.StatusAccepted {
		t.Fatalf("scan: HTTP %d %s", posted.status, posted.raw)
	}
	subID := posted.body["id"].(string)
	st := s.waitStatus(subID)
	if st.body["status"] != "FILED" || st.body["customerId"] != customerID || st.body["decision"] != "MATCH" {
		t.Fatalf("scan outcome %s, want FILED as a MATCH on %s", st.raw, customerID)
	}
	fi, err := os.Stat(filepath.Join(s.data, "images", subID+".png"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("scan image: %v %v", fi, err)
	}

	if r := s.do("POST", "/v1/cards/"+cardID+"/return", []byte(`{"returnedBy":"manager-sun"}`), withStaff(map[string]string{"Content-Type": "application/json"})); r.status != http.StatusOK {
		t.Fatalf("return: HTTP %d %s", r.status, r.raw)
	}
	log := s.do("GET", "/v1/cards?status=returned&room=A08", nil, staff)
	cards, _ := log.body["cards"].([]any)
	if log.status != http.StatusOK || len(cards) != 1 {
		t.Fatalf("log: HTTP %d %s", log.status, log.raw)
	}
	entry := cards[0].(map[string]any)
	scans, _ := entry["scans"].([]any)
	if entry["returnedBy"] != "manager-sun" || entry["returnedAt"] == nil || entry["issuedAt"] == nil || len(scans) != 1 || scans[0].(map[string]any)["id"] != subID {
		t.Fatalf("log entry %v", entry)
	}
	if r := s.do("GET", "/v1/cards?status=outstanding", nil, staff); !strings.Contains(string(r.raw), `"cards":[]`) {
		t.Fatalf("outstanding after the return: %s", r.raw)
	}

	// The photo of this card's code, posted to another card, is refused and names both.
	other := s.do("POST", "/v1/cards", []byte(`{"room":"B01","unit":"另一单位","salutation":"李总"}`), withStaff(map[string]string{"Content-Type": "application/json"}))
	otherID := other.body["id"].(string)
	ct, body = scanOf(t, scan, qr.raw)
	r := s.do("POST", "/v1/cards/"+otherID+"/scans", body, withStaff(map[string]string{"Content-Type": ct}))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.raw), cardID) || !strings.Contains(string(r.raw), otherID) {
		t.Fatalf("scan under another card: HTTP %d %s", r.status, r.raw)
	}
	// The returned, scanned card takes no more scans.
	if r := s.do("POST", "/v1/cards/"+cardID+"/scans", []byte(scan), withStaff(map[string]string{"Content-Type": "application/json"})); r.status != http.StatusConflict {
		t.Fatalf("scan of a closed card: HTTP %d %s", r.status, r.raw)
	}
}
