package match

import "testing"

func TestNormalisePersonNameReadsChineseSurnames(t *testing.T) {
	tests := []struct {
		name, full, family, given string
	}{
		{"heteronym 单 read as Shan", "单田芳", "shan", "tianfang"},
		{"heteronym 曾 read as Zeng", "曾国藩", "zeng", "guofan"},
		{"heteronym 解 read as Xie", "解缙", "xie", "jin"},
		{"heteronym 仇 read as Qiu", "仇英", "qiu", "ying"},
		{"heteronym 朴 read as Piao", "朴槿惠", "piao", "jinhui"},
		{"heteronym 区 read as Ou", "区家麟", "ou", "jialin"},
		{"heteronym 查 read as Zha", "查良镛", "zha", "liangyong"},
		{"heteronym 乐 read as Yue", "乐嘉", "yue", "jia"},
		{"compound 尉迟", "尉迟恭", "yuchi", "gong"},
		{"compound 欧阳", "欧阳修", "ouyang", "xiu"},
		{"compound 司马", "司马光", "sima", "guang"},
		{"compound 诸葛", "诸葛亮", "zhuge", "liang"},
		{"compound 上官", "上官婉儿", "shangguan", "waner"},
		{"two-character name with a space", "张 三", "zhang", "san"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := NormalisePersonName(tt.full, "", "")
			if n.Family != tt.family || n.Given != tt.given {
				t.Errorf("got family %q given %q, want %q %q", n.Family, n.Given, tt.family, tt.given)
			}
		})
	}
}

func TestNormalisePersonNameKeepsGivenNameReadings(t *testing.T) {
	n := NormalisePersonName("曾乐乐", "", "")
	want := map[string]bool{"lele": false, "yueyue": false}
	for _, r := range n.GivenReadings {
		if _, ok := want[r]; ok {
			want[r] = true
		}
	}
	for r, found := range want {
		if !found {
			t.Errorf("reading %q missing from %v", r, n.GivenReadings)
		}
	}
}

func TestNormalisePersonNameFoldsLatinNames(t *testing.T) {
	tests := []struct {
		name                  string
		full, given, family   string
		wantFamily, wantGiven string
	}{
		{"accents and case", "", "  José ", "GARCÍA", "garcia", "jose"},
		{"sharp s and umlaut", "", "Jürgen", "Straße", "strasse", "jurgen"},
		{"full name read family last", "Anna-Maria  Müller", "", "", "muller", "anna maria"},
		{"apostrophe kept inside", "", "Sean", "O'Brien", "obrien", "sean"},
		{"parts win over full name", "Mary Smith", "Mary", "Jones", "jones", "mary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := NormalisePersonName(tt.full, tt.given, tt.family)
			if n.Family != tt.wantFamily || n.Given != tt.wantGiven {
				t.Errorf("got %q/%q, want %q/%q", n.Family, n.Given, tt.wantFamily, tt.wantGiven)
			}
		})
	}
}

func TestNormaliseResidentID(t *testing.T) {
	tests := []struct {
		name, in, want string
		valid          bool
	}{
		{"valid 18 digits", "11010519491231002X", "11010519491231002X", true},
		{"lower-case check character and spaces", "110105 19491231 002x", "11010519491231002X", true},
		{"15 digits upgraded to 18", "110105491231002", "11010519491231002X", true},
		{"wrong check character", "110105194912310021", "110105194912310021", false},
		{"impossible birth date", "110105194913310029", "110105194913310029", false},
		{"too short", "1101051949", "1101051949", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, valid := NormaliseResidentID(tt.in)
			if got != tt.want || valid != tt.valid {
				t.Errorf("NormaliseResidentID(%q) = %q, %v; want %q, %v", tt.in, got, valid, tt.want, tt.valid)
			}
		})
	}
}

func TestNormalisePhone(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"bare mainland mobile", "13800138000", "+8613800138000", true},
		{"with plus", "+86 138 0013 8000", "+8613800138000", true},
		{"with 0086", "0086-138-0013-8000", "+8613800138000", true},
		{"with 86 and no plus", "8613800138000", "+8613800138000", true},
		{"fixed line", "010-12345678", "+861012345678", true},
		{"foreign number", "+49 30 12345678", "+493012345678", true},
		{"not a number", "call me", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalisePhone(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalisePhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestNormaliseEmail(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"case and spaces", "  Anna.Li@Example.COM ", "anna.li@example.com"},
		{"dots kept outside gmail", "a.b.c@qq.com", "a.b.c@qq.com"},
		{"gmail dots and tag dropped", "A.B.C+news@gmail.com", "abc@gmail.com"},
		{"googlemail is gmail", "abc@googlemail.com", "abc@gmail.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormaliseEmail(tt.in); got != tt.want {
				t.Errorf("NormaliseEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name, in string
		want     Date
		ok       bool
	}{
		{"ISO", "1949-12-31", Date{1949, 12, 31}, true},
		{"compact", "19491231", Date{1949, 12, 31}, true},
		{"slashes", "1949/12/31", Date{1949, 12, 31}, true},
		{"day that does not exist kept", "1956-02-31", Date{1956, 2, 31}, true},
		{"month out of range", "1972-95-18", Date{}, false},
		{"too short", "1949-12", Date{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseDate(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzNormaliseResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105491231002", "", "x", "１１０"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, valid := NormaliseResidentID(s)
		if valid && (len(id) != 18 || residentCheck(id[:17]) != id[17]) {
			t.Errorf("%q judged valid as %q", s, id)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1949-12-31", "19491231", "", "0000-00-00", "2024-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if ok && (d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31) {
			t.Errorf("%q parsed to %v", s, d)
		}
		if ok {
			if back, ok2 := ParseDate(d.String()); !ok2 || back != d {
				t.Errorf("%v does not survive a round trip", d)
			}
		}
	})
}
