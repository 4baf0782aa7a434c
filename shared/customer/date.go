package customer

import (
	"time"
)

// Date is a calendar date without a time of day or a zone.
type Date struct{ t time.Time }

// The bounds of a plausible birth date: no one filed was born before 1900 or is older than this.
const (
	earliestBirthYear = 1900
	maxAgeYears       = 130
)

// DateOf is the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

func dateFrom(y int, m time.Month, d int) (Date, bool) {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != m || t.Day() != d {
		return Date{}, false
	}
	return Date{t}, true
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(time.DateOnly) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is a later day than o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// Year, Month and Day are the date's parts.
func (d Date) Year() int { return d.t.Year() }

// Month is the date's month.
func (d Date) Month() time.Month { return d.t.Month() }

// Day is the date's day of the month.
func (d Date) Day() int { return d.t.Day() }

// digits reports whether s is made only of ASCII digits, and gives their value.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// ParseDate reads a date written YYYY-MM-DD that exists on the calendar.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, problem(CodeDateFormat)
	}
	y, oky := digits(s[:4])
	m, okm := digits(s[5:7])
	d, okd := digits(s[8:])
	if !oky || !okm || !okd {
		return Date{}, problem(CodeDateFormat)
	}
	date, ok := dateFrom(y, time.Month(m), d)
	if !ok || y == 0 {
		return Date{}, problem(CodeDateInvalid)
	}
	return date, nil
}

// ParsePastDate reads a date that is not later than now's date, such as the day of a visit.
func ParsePastDate(s string, now time.Time) (Date, error) {
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, err
	}
	if d.After(DateOf(now)) {
		return Date{}, problem(CodeDateFuture)
	}
	return d, nil
}

// ParseBirthDate reads a birth date: a real date, not in the future, not before 1900 and not
// more than 130 years before now.
func ParseBirthDate(s string, now time.Time) (Date, error) {
	d, err := ParsePastDate(s, now)
	if err != nil {
		return Date{}, err
	}
	if err := plausibleBirth(d, now); err != nil {
		return Date{}, err
	}
	return d, nil
}

func plausibleBirth(d Date, now time.Time) error {
	if d.After(DateOf(now)) {
		return problem(CodeDateFuture)
	}
	oldest := DateOf(now).t.AddDate(-maxAgeYears, 0, 0)
	if d.Year() < earliestBirthYear || d.t.Before(oldest) {
		return problem(CodeDateTooOld)
	}
	return nil
}

// ParseExpiryDate reads a document's expiry date. Any real date is accepted, because documents
// valid for life (长期) are recorded as 9999-12-31; whether it has passed is the caller's
// question (Date.Expired), since an expired document is an error for some customers and only a
// warning for others.
func ParseExpiryDate(s string) (Date, error) {
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, err
	}
	if d.Year() < earliestBirthYear {
		return Date{}, problem(CodeDateTooOld)
	}
	return d, nil
}

// Expired reports whether a document that expires on d is no longer valid at now: it is valid
// through its expiry day.
func (d Date) Expired(now time.Time) bool { return d.Before(DateOf(now)) }

// MonthDay is a recurring date whose year may be unknown, such as an anniversary.
type MonthDay struct {
	// Year is zero when the year is unknown.
	Year  int
	Month time.Month
	Day   int
}

// String writes the date as YYYY-MM-DD, or --MM-DD without a year.
func (md MonthDay) String() string {
	if md.Year == 0 {
		return "--" + twoDigits(int(md.Month)) + "-" + twoDigits(md.Day)
	}
	d, _ := dateFrom(md.Year, md.Month, md.Day)
	return d.String()
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// ParseMonthDay reads a special date: YYYY-MM-DD, or --MM-DD when the year is unknown. A
// yearless 29 February is accepted, since it exists in leap years.
func ParseMonthDay(s string) (MonthDay, error) {
	if len(s) == 7 && s[0] == '-' && s[1] == '-' && s[4] == '-' {
		m, okm := digits(s[2:4])
		d, okd := digits(s[5:])
		if !okm || !okd {
			return MonthDay{}, problem(CodeMonthDayFormat)
		}
		if _, ok := dateFrom(2000, time.Month(m), d); !ok {
			return MonthDay{}, problem(CodeDateInvalid)
		}
		return MonthDay{Month: time.Month(m), Day: d}, nil
	}
	date, err := ParseDate(s)
	if err != nil {
		if fe, ok := err.(FieldError); ok && fe.Code == CodeDateFormat {
			return MonthDay{}, problem(CodeMonthDayFormat)
		}
		return MonthDay{}, err
	}
	return MonthDay{Year: date.Year(), Month: date.Month(), Day: date.Day()}, nil
}
