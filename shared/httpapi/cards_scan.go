package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // scans arrive as JPEG
	_ "image/png"  // or PNG
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/cards"
	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/scanstore"
	"github.com/intake-project/intake/shared/store"
)

// Scan image limits: the bytes of the file, and the pixels it may decode to, so that a small
// file cannot expand into gigabytes of memory.
const (
	MaxImageBytes  = 5 << 20
	maxImagePixels = 40_000_000
)

// multipartOverhead allows for the part headers and boundaries of a scan's multipart body.
const multipartOverhead = 16 << 10

// Field error codes of card scans.
const (
	codeImageType       = "image_type"
	codeImageUnreadable = "image_unreadable"
	codeNoCardCode      = "no_card_code"
	codeNotCardCode     = "not_card_code"
	codeCardMismatch    = "card_mismatch"
	codeDuplicatePart   = "duplicate_part"
)

// scanImage is a scan's image part, checked to be a JPEG or PNG.
type scanImage struct {
	contentType string
	data        []byte
}

// scanCard files a submission collected on a card: the same path as POST /v1/submissions for
// a member of staff, with the channel card_scan, the card's ID on the stored submission (the
// workflow files it on the card's customer), and the scan's image kept beside it.
func (h *handler) scanCard(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	card, ok := h.findCard(w, r)
	if !ok {
		return
	}
	// A card in use takes any number of scans (a second one adds or corrects details). Once
	// returned it takes one more only if it was never scanned: the card came back to the desk
	// before anyone scanned it.
	if card.Status == store.CardReturned && len(card.Scans) > 0 {
		writeProblem(w, r, probCardClosed,
			"Card "+card.ID+" was returned and already scanned (submissions "+strings.Join(card.Scans, ", ")+"); issue a new card.",
			"信息卡 "+card.ID+" 已回收且已扫描（提交 "+strings.Join(card.Scans, "、")+"），请重新发卡。", nil)
		return
	}
	doc, img, ok := h.readScan(w, r)
	if !ok {
		return
	}
	idemKey := r.Header.Get("Idempotency-Key")
	if idemKey != "" && !validIdempotencyKey(idemKey) {
		writeProblem(w, r, probMalformed, "The Idempotency-Key must be 1 to 255 visible ASCII characters.", "Idempotency-Key 应为 1 至 255 个可见 ASCII 字符。", nil)
		return
	}
	sub, ok := h.decodeDoc(w, r, modeJSON, doc)
	if !ok {
		return
	}
	var pre []customer.FieldError
	switch sub.Channel {
	case "":
		sub.Channel = customer.ChannelCardScan
	case customer.ChannelCardScan:
	default:
		pre = append(pre, fieldErr("channel", codeNotAllowed, "must be card_scan for a card scan", "扫描信息卡时渠道只能是 card_scan"))
	}
	if img != nil {
		if fe := readCardCode(img.data, card.ID); fe != nil {
			pre = append(pre, *fe)
		}
	}
	now := h.deps.Clock().UTC()
	who := caller{staff: &p, keepCollector: true}
	if !h.admit(w, r, modeJSON, who, &sub, now, pre) {
		return
	}

	rec := newRecord(h.deps.NewID(), who, &sub, now, scanHash(card.ID, doc, img), idemKey)
	rec.CardID = card.ID
	// The image is kept before the submission is stored, so that no stored scan names an image
	// that is not there; an image left by a replay or a conflict is removed again.
	if img != nil && h.deps.Images != nil {
		ref, err := h.deps.Images.Put(r.Context(), rec.ID, img.contentType, img.data)
		if err != nil {
			h.internal(w, r, modeJSON, "keep scan image", err)
			return
		}
		rec.ImageRef = ref
	}
	stored, created, err := h.record(r.Context(), rec)
	if rec.ImageRef != "" && (errors.Is(err, errIdempotencyConflict) || (err == nil && !created)) {
		if rmErr := h.deps.Images.RemoveImages(r.Context(), "", []string{rec.ID}); rmErr != nil {
			h.log.LogAttrs(r.Context(), slog.LevelError, "remove unused scan image",
				slog.String("requestId", requestID(r.Context())), slog.String("submissionId", rec.ID), slog.String("error", rmErr.Error()))
		}
	}
	if errors.Is(err, errIdempotencyConflict) {
		writeProblem(w, r, probConflict, "This Idempotency-Key was used for a different submission.", "该幂等键已用于另一份不同的提交。", nil)
		return
	}
	if err != nil {
		h.internal(w, r, modeJSON, "store submission", err)
		return
	}
	// Linking is repeated on a replay, so a retry after a failed link completes it.
	_, err = h.deps.Store.UpdateCard(r.Context(), card.ID, func(c *store.Card) error {
		if !slices.Contains(c.Scans, stored.ID) {
			c.Scans = append(c.Scans, stored.ID)
		}
		return nil
	})
	if err != nil {
		h.internal(w, r, modeJSON, "link scan to card", err)
		return
	}
	h.startPending(r, stored, created)
	h.accepted(w, r, modeJSON, who, stored.ID)
}

// readScan reads a scan's body: a submission as JSON, or multipart/form-data with a
// "submission" JSON part and an optional "image" part. ok is false when it has answered.
func (h *handler) readScan(w http.ResponseWriter, r *http.Request) (doc []byte, img *scanImage, ok bool) {
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && ct == "application/json" {
		doc, ok = h.readCardBody(w, r, false, "application/json")
		return doc, nil, ok
	}
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		w.Header().Set("Accept-Post", "application/json, multipart/form-data")
		writeProblem(w, r, probMediaType, "Send application/json, or multipart/form-data with a submission part and an image part.",
			"请以 application/json 格式提交，或以 multipart/form-data 格式提交 submission 和 image 两部分。", nil)
		return nil, nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes+MaxImageBytes+multipartOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		writeProblem(w, r, probMalformed, "The multipart body is not well-formed.", "multipart 请求内容格式错误。", nil)
		return nil, nil, false
	}
	var errs []customer.FieldError
	var gotDoc, gotImage bool
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			h.scanPartError(w, r, err)
			return nil, nil, false
		}
		name := part.FormName()
		var limit int64
		switch name {
		case "submission":
			limit = h.cfg.MaxBodyBytes
		case "image":
			limit = MaxImageBytes
		default:
			errs = append(errs, fieldErr(name, codeUnknownField, "is not a part of a card scan (submission, image)", "不是信息卡扫描的组成部分（submission、image）"))
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		if err != nil {
			h.scanPartError(w, r, err)
			return nil, nil, false
		}
		if int64(len(data)) > limit {
			size := strconv.FormatInt(limit, 10)
			writeProblem(w, r, probTooLarge, "The "+name+" part is larger than "+size+" bytes.", name+" 部分超过 "+size+" 字节。",
				[]customer.FieldError{fieldErr(name, codeTooLong, "is larger than "+size+" bytes", "超过 "+size+" 字节")})
			return nil, nil, false
		}
		switch {
		case name == "submission" && gotDoc, name == "image" && gotImage:
			errs = append(errs, fieldErr(name, codeDuplicatePart, "is sent more than once", "重复提交"))
		case name == "submission":
			gotDoc, doc = true, data
		case name == "image" && len(data) > 0: // a browser sends an empty part for an empty file input
			gotImage = true
			img = &scanImage{contentType: http.DetectContentType(data), data: data}
		}
	}
	if !gotDoc {
		errs = append(errs, fieldErr("submission", codeCardRequired, "is required: the submission as JSON", "为必填项：以 JSON 表示的提交内容"))
	}
	if len(errs) > 0 {
		writeProblem(w, r, probMalformed, "The card scan's parts need correcting.", "信息卡扫描的组成部分需要修改。", errs)
		return nil, nil, false
	}
	if img != nil && img.contentType != scanstore.JPEG && img.contentType != scanstore.PNG {
		writeProblem(w, r, probMediaType, "The image must be a JPEG or PNG photo or scan of the card.", "图片应为信息卡的 JPEG 或 PNG 照片或扫描件。",
			[]customer.FieldError{fieldErr("image", codeImageType, "must be a JPEG or PNG image", "应为 JPEG 或 PNG 图片")})
		return nil, nil, false
	}
	return doc, img, true
}

func (h *handler) scanPartError(w http.ResponseWriter, r *http.Request, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		h.cardBodyError(w, r, modeJSON, err)
		return
	}
	writeProblem(w, r, probMalformed, "The multipart body is not well-formed.", "multipart 请求内容格式错误。", nil)
}

// readCardCode reads the card code in a scan's image and checks that it names the card the
// scan is posted to; it returns the field error at "image", if any. Card IDs are no personal
// data, so a mismatch names both cards.
func readCardCode(data []byte, cardID string) *customer.FieldError {
	unreadable := fieldErr("image", codeImageUnreadable, "could not be read as an image", "无法识别为图片")
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return &unreadable
	}
	if cfg.Width*cfg.Height > maxImagePixels {
		fe := fieldErr("image", codeImageUnreadable, fmt.Sprintf("has more than %d pixels", maxImagePixels), fmt.Sprintf("像素超过 %d", maxImagePixels))
		return &fe
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return &unreadable
	}
	shown, err := cards.ReadID(img)
	switch {
	case errors.Is(err, cards.ErrNoCode):
		fe := fieldErr("image", codeNoCardCode, "shows no readable card code: photograph the back of the card, flat and in focus",
			"未能识别信息卡二维码：请平整、清晰地拍摄信息卡背面")
		return &fe
	case err != nil:
		fe := fieldErr("image", codeNotCardCode, "shows a QR code that is not a customer information card's", "图片中的二维码不是客户信息卡的二维码")
		return &fe
	case shown != cardID:
		fe := fieldErr("image", codeCardMismatch, "shows card "+shown+", not card "+cardID, "图片中是信息卡 "+shown+"，不是信息卡 "+cardID)
		return &fe
	}
	return nil
}

// scanHash identifies a scan's content for idempotency: the card, the submission and the
// image, not the multipart framing, whose boundary a client picks anew on every retry.
func scanHash(cardID string, doc []byte, img *scanImage) string {
	h := sha256.New()
	h.Write([]byte("card-scan\x00" + cardID + "\x00"))
	h.Write(doc)
	if img != nil {
		h.Write([]byte{0})
		h.Write(img.data)
	}
	return hex.EncodeToString(h.Sum(nil))
}
