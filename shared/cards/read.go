package cards

import (
	"errors"
	"fmt"
	"image"
	"image/draw"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	xdraw "golang.org/x/image/draw"
)

// ErrNoCode: no QR code could be read in an image.
var ErrNoCode = errors.New("no readable QR code")

// Sides, in pixels, of the longest edge of the versions of an image the reader tries. A photo
// is read first at a size where a code filling a tenth of it still has several pixels a module,
// then smaller, where blur and JPEG noise average out.
var readSides = []int{1600, 800, 400}

// largestSide is the largest image read at full size; bigger ones are only read scaled down,
// which bounds the time one scan takes.
const largestSide = 2400

// ReadID reads the card ID from the QR code in an image: ErrNoCode when there is no readable
// code, ErrNotCardCode when the code does not name a card.
func ReadID(img image.Image) (string, error) {
	text, err := ReadText(img)
	if err != nil {
		return "", err
	}
	return ParsePayload(text)
}

// ReadText reads the text of a QR code in an image, trying the image in grey and scaled down,
// with a local and a global threshold each.
func ReadText(img image.Image) (string, error) {
	gray := toGray(img)
	b := gray.Bounds()
	longest := max(b.Dx(), b.Dy())
	if longest == 0 {
		return "", ErrNoCode
	}
	var versions []*image.Gray
	if longest <= largestSide {
		versions = append(versions, gray)
	}
	for _, side := range readSides {
		if side < longest {
			versions = append(versions, scaleGray(gray, side, longest))
		}
	}
	reader := qrcode.NewQRCodeReader()
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	for _, v := range versions {
		w, h := v.Bounds().Dx(), v.Bounds().Dy()
		src, err := gozxing.NewPlanarYUVLuminanceSource(v.Pix, w, h, 0, 0, w, h, false)
		if err != nil {
			return "", fmt.Errorf("read QR code: %w", err)
		}
		for _, bin := range []gozxing.Binarizer{gozxing.NewHybridBinarizer(src), gozxing.NewGlobalHistgramBinarizer(src)} {
			bmp, err := gozxing.NewBinaryBitmap(bin)
			if err != nil {
				return "", fmt.Errorf("read QR code: %w", err)
			}
			if res, err := reader.Decode(bmp, hints); err == nil {
				return res.GetText(), nil
			}
			reader.Reset()
		}
	}
	return "", ErrNoCode
}

// toGray returns the image's luminance with a stride equal to its width. A JPEG decodes to
// YCbCr, whose Y plane is that luminance already.
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch src := img.(type) {
	case *image.YCbCr:
		for y := 0; y < b.Dy(); y++ {
			off := src.YOffset(b.Min.X, b.Min.Y+y)
			copy(out.Pix[y*out.Stride:(y+1)*out.Stride], src.Y[off:off+b.Dx()])
		}
	case *image.Gray:
		for y := 0; y < b.Dy(); y++ {
			off := src.PixOffset(b.Min.X, b.Min.Y+y)
			copy(out.Pix[y*out.Stride:(y+1)*out.Stride], src.Pix[off:off+b.Dx()])
		}
	default:
		// Transparent pixels read as white, as on paper.
		for i := range out.Pix {
			out.Pix[i] = 0xff
		}
		draw.Draw(out, out.Bounds(), img, b.Min, draw.Over)
	}
	return out
}

// scaleGray shrinks an image so that its longest side is side pixels.
func scaleGray(src *image.Gray, side, longest int) *image.Gray {
	b := src.Bounds()
	w := max(1, b.Dx()*side/longest)
	h := max(1, b.Dy()*side/longest)
	dst := image.NewGray(image.Rect(0, 0, w, h))
	xdraw.BiLinear.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
	return dst
}
