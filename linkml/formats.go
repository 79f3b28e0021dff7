package linkml

// Format checks matching those linkml-validate applies through the Python
// jsonschema format checker (with rfc3339-validator and rfc3987 installed).

// isDate: YYYY-MM-DD with a real calendar day (date.fromisoformat).
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	return ok1 && ok2 && ok3 && y >= 1 && validDay(y, m, d)
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func validDay(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && (y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		days = 29
	}
	return d <= days
}

// isDateTime is RFC 3339 date-time (rfc3339-validator, on the upper-cased
// string): YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM).
func isDateTime(s string) bool {
	if len(s) < 20 {
		return false
	}
	if s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' {
		return false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	h, ok4 := digits(s[11:13])
	mi, ok5 := digits(s[14:16])
	se, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || y == 0 || !validDay(y, mo, d) || h > 23 || mi > 59 || se > 59 {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	return isOffset(rest)
}

func isOffset(s string) bool {
	if s == "Z" || s == "z" {
		return true
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return false
	}
	h, ok1 := digits(s[1:3])
	m, ok2 := digits(s[4:6])
	return ok1 && ok2 && h <= 23 && m <= 59
}

// isTime is the jsonschema "time" format: a date-time after "1970-01-01T".
func isTime(s string) bool { return isDateTime("1970-01-01T" + s) }

// isURI checks an absolute URI against RFC 3986 (rfc3987's "URI" rule):
// a scheme, a colon, then only URI characters with valid percent escapes,
// and, after "//", an authority without spaces.
func isURI(s string) bool {
	i := 0
	for i < len(s) && s[i] != ':' {
		c := s[i]
		alpha := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if i == 0 && !alpha {
			return false
		}
		if !alpha && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
		i++
	}
	if i == 0 || i == len(s) {
		return false
	}
	rest := s[i+1:]
	hashes := 0
	for j := 0; j < len(rest); j++ {
		c := rest[j]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '%':
			if j+2 >= len(rest) || !isHex(rest[j+1]) || !isHex(rest[j+2]) {
				return false
			}
			j += 2
		case c == '#':
			hashes++
			if hashes > 1 {
				return false
			}
		case c == '[' || c == ']':
			// only allowed in the host part of an authority (IP literals)
			if len(rest) < 2 || rest[:2] != "//" {
				return false
			}
		default:
			if !isURIChar(c) {
				return false
			}
		}
	}
	if len(rest) >= 2 && rest[:2] == "//" {
		auth := rest[2:]
		for j := 0; j < len(auth); j++ {
			if auth[j] == '/' || auth[j] == '?' || auth[j] == '#' {
				auth = auth[:j]
				break
			}
		}
		if at := lastIndexByte(auth, '@'); at >= 0 {
			auth = auth[at+1:]
		}
		// port must be digits
		if len(auth) > 0 && auth[0] != '[' {
			if c := lastIndexByte(auth, ':'); c >= 0 {
				if _, ok := digits(auth[c+1:]); !ok && c+1 != len(auth) {
					return false
				}
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isURIChar(c byte) bool {
	switch c {
	case '-', '.', '_', '~', ':', '/', '?', '@', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=':
		return true
	}
	return false
}

func lastIndexByte(s string, b byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == b {
			return i
		}
	}
	return -1
}
