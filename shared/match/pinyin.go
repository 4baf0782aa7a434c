package match

import (
	"strings"

	"github.com/mozillazg/go-pinyin"
)

// compoundSurnames are two-character family names; a name starting with one of them is split
// after two characters, not one.
var compoundSurnames = map[string]string{
	"欧阳": "ouyang", "司马": "sima", "诸葛": "zhuge", "上官": "shangguan", "东方": "dongfang",
	"皇甫": "huangfu", "令狐": "linghu", "慕容": "murong", "尉迟": "yuchi", "司徒": "situ",
	"夏侯": "xiahou", "公孙": "gongsun", "长孙": "zhangsun", "宇文": "yuwen", "澹台": "tantai",
	"独孤": "dugu", "端木": "duanmu", "南宫": "nangong", "西门": "ximen", "轩辕": "xuanyuan",
	"呼延": "huyan", "百里": "baili", "闻人": "wenren", "申屠": "shentu", "万俟": "moqi",
	"单于": "chanyu", "钟离": "zhongli", "公冶": "gongye", "濮阳": "puyang", "太史": "taishi",
	"司空": "sikong", "赫连": "helian", "拓跋": "tuoba", "仲孙": "zhongsun", "淳于": "chunyu",
}

// surnameReadings are characters read differently as a family name than in ordinary words
// (单 is "dan" in words but "shan" as a surname).
var surnameReadings = map[string]string{
	"单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
	"乐": "yue", "盖": "ge", "缪": "miao", "种": "chong", "翟": "zhai", "那": "na", "费": "fei",
	"秘": "bi", "繁": "po", "员": "yun", "华": "hua", "长": "chang", "沈": "shen", "覃": "qin",
	"尉": "yu", "黑": "he", "柏": "bai", "祭": "zhai", "句": "gou", "冼": "xian", "涂": "tu",
	"召": "shao", "朝": "chao", "过": "guo", "宿": "su", "折": "she", "能": "nai", "万": "wan",
	"重": "chong", "隗": "wei", "卜": "bu", "薄": "bo", "任": "ren", "纪": "ji", "葛": "ge",
	"牟": "mou", "阚": "kan", "藏": "zang", "臧": "zang", "曲": "qu", "燕": "yan",
}

// SplitChineseName splits a Chinese full name into family and given name, recognising the
// compound surnames.
func SplitChineseName(han string) (family, given string) {
	r := []rune(han)
	if len(r) == 0 {
		return "", ""
	}
	if len(r) >= 3 {
		if _, ok := compoundSurnames[string(r[:2])]; ok {
			return string(r[:2]), string(r[2:])
		}
	}
	return string(r[:1]), string(r[1:])
}

// SurnamePinyin is the pinyin of a family name, with the readings surnames take.
func SurnamePinyin(han string) string {
	if p, ok := compoundSurnames[han]; ok {
		return p
	}
	if p, ok := surnameReadings[han]; ok && p != "" {
		return p
	}
	return HanPinyin(han)
}

var pinyinArgs = pinyin.Args{Style: pinyin.Normal}

// HanPinyin is the toneless pinyin of Han text in its most common reading, syllables joined;
// characters without a reading are dropped.
func HanPinyin(han string) string {
	return strings.Join(pinyin.LazyPinyin(han, pinyinArgs), "")
}

// HanReadings lists every toneless pinyin spelling of Han text, taking each character's
// possible readings (heteronyms), up to limit spellings; the common reading comes first.
func HanReadings(han string, limit int) []string {
	args := pinyin.Args{Style: pinyin.Normal, Heteronym: true}
	out := []string{""}
	for _, readings := range pinyin.Pinyin(han, args) {
		var next []string
		for _, prefix := range out {
			for _, r := range readings {
				if len(next) < limit {
					next = append(next, prefix+r)
				}
			}
		}
		out = dedupe(next)
	}
	if len(out) == 1 && out[0] == "" {
		return nil
	}
	return out
}

func dedupe(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
