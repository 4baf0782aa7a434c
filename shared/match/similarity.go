package match

import "strings"

// JaroWinkler is the Jaro-Winkler similarity of two strings (1 = equal, 0 = nothing in
// common), with the usual prefix scale 0.1 over at most four leading runes.
func JaroWinkler(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 && len(rb) == 0 {
		return 1
	}
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	window := max(len(ra), len(rb))/2 - 1
	window = max(window, 0)
	matchA := make([]bool, len(ra))
	matchB := make([]bool, len(rb))
	matches := 0
	for i := range ra {
		lo, hi := max(0, i-window), min(len(rb), i+window+1)
		for j := lo; j < hi; j++ {
			if !matchB[j] && ra[i] == rb[j] {
				matchA[i], matchB[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, j := 0, 0
	for i := range ra {
		if !matchA[i] {
			continue
		}
		for !matchB[j] {
			j++
		}
		if ra[i] != rb[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(ra)) + m/float64(len(rb)) + (m-float64(transpositions)/2)/m) / 3
	prefix := 0
	for prefix < min(4, len(ra), len(rb)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// EditDistance is the Damerau-Levenshtein distance (optimal string alignment): insertions,
// deletions, substitutions and transpositions of adjacent runes each cost one.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// TokenSimilarity compares two word lists regardless of order: each word of the shorter list
// is paired with its most similar word of the other (Jaro-Winkler), and the mean over the
// longer list is returned, so a missing word costs and a reordered one does not.
func TokenSimilarity(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	used := make([]bool, len(b))
	total := 0.0
	for _, x := range a {
		best, at := 0.0, -1
		for j, y := range b {
			if used[j] {
				continue
			}
			if s := JaroWinkler(x, y); s > best {
				best, at = s, j
			}
		}
		if at >= 0 {
			used[at] = true
			total += best
		}
	}
	return total / float64(len(b))
}

// soundexCodes maps letters to their Soundex digit; vowels and h, w, y carry none.
var soundexCodes = [26]byte{
	0, '1', '2', '3', 0, '1', '2', 0, 0, '2', '2', '4', '5', '5', 0, '1', '2', '6', '2', '3', 0, '1', 0, '2', 0, '2',
}

// Soundex is the American Soundex code of the letters of a folded Latin name (a letter and
// three digits), or "" when it has no letter a-z.
func Soundex(s string) string {
	var out []byte
	var last byte
	for i := 0; i < len(s) && len(out) < 4; i++ {
		c := s[i]
		if c < 'a' || c > 'z' {
			continue
		}
		code := soundexCodes[c-'a']
		if len(out) == 0 {
			out = append(out, c-'a'+'A')
			last = code
			continue
		}
		if code != 0 && code != last {
			out = append(out, code)
		}
		if c != 'h' && c != 'w' {
			last = code
		}
	}
	if len(out) == 0 {
		return ""
	}
	return string(out) + strings.Repeat("0", 4-len(out))
}
