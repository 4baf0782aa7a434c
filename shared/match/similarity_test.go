package match

import (
	"math"
	"testing"
)

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.9611},
		{"dwayne", "duane", 0.84},
		{"dixon", "dicksonx", 0.8133},
		{"same", "same", 1},
		{"", "", 1},
		{"abc", "", 0},
		{"abc", "xyz", 0},
		{"张三", "张山", 0.7},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := JaroWinkler(tt.a, tt.b); math.Abs(got-tt.want) > 1e-4 {
				t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.4f", tt.a, tt.b, got, tt.want)
			}
			if got, rev := JaroWinkler(tt.a, tt.b), JaroWinkler(tt.b, tt.a); math.Abs(got-rev) > 1e-12 {
				t.Errorf("not symmetric: %.6f vs %.6f", got, rev)
			}
		})
	}
}

func TestEditDistanceCountsTranspositionsAsOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"kitten", "sitting", 3},
		{"2760", "2706", 1},
		{"ca", "ac", 1},
		{"", "abc", 3},
		{"keany", "keacny", 1},
		{"单田芳", "单天芳", 1},
		{"abc", "abc", 0},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := EditDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestTokenSimilarityIgnoresOrderAndPenalisesMissingWords(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		min  float64
		max  float64
	}{
		{"reordered", []string{"nicklin", "crescent"}, []string{"crescent", "nicklin"}, 1, 1},
		{"house number missing", []string{"6", "nicklin", "crescent"}, []string{"nicklin", "crescent"}, 0.66, 0.67},
		{"typo in one word", []string{"nicklin", "crescent"}, []string{"nicklin", "cresent"}, 0.95, 0.999},
		{"different streets", []string{"giblin", "street"}, []string{"oliver", "avenue"}, 0, 0.6},
		{"empty", nil, []string{"a"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TokenSimilarity(tt.a, tt.b); got < tt.min || got > tt.max {
				t.Errorf("TokenSimilarity = %.3f, want within [%.2f, %.2f]", got, tt.min, tt.max)
			}
		})
	}
}

func TestSoundex(t *testing.T) {
	tests := map[string]string{
		"robert": "R163", "rupert": "R163", "ashcraft": "A261", "tymczak": "T522",
		"pfister": "P236", "lee": "L000", "": "", "123": "",
	}
	for in, want := range tests {
		if got := Soundex(in); got != want {
			t.Errorf("Soundex(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompareDatesGradesSlips(t *testing.T) {
	tests := []struct {
		name, a, b string
		level      int
	}{
		{"equal", "1968-07-27", "1968-07-27", 0},
		{"day and month swapped", "1968-07-11", "1968-11-07", 1},
		{"one digit off", "1955-07-08", "1955-08-08", 1},
		{"adjacent digits swapped in the day", "1968-07-21", "1968-07-12", 1},
		{"adjacent digits swapped in the year", "1986-07-27", "1968-07-27", 1},
		{"year replaced", "1959-04-07", "2008-04-07", 1},
		{"same year only", "1959-04-07", "1959-10-23", 2},
		{"different", "1995-02-01", "1992-02-29", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := &profile{}, &profile{}
			a.addDate(tt.a)
			b.addDate(tt.b)
			if got := compareDates(a, b); got.level != tt.level {
				t.Errorf("level %d, want %d", got.level, tt.level)
			}
		})
	}
}
