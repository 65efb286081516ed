package sqlexec

import (
	"cmp"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Kind is the class of a canonical Value. Values of different kinds are never equal.
type Kind uint8

// The kinds, in the order canonical values sort.
const (
	KindNull   Kind = iota
	KindNumber      // integers, numerics, floats and booleans (true is 1, false is 0)
	KindText        // text, and everything without a better home (uuid, inet, interval, time of day, json)
	KindBytes
	KindTime // an instant, in UTC
)

func (k Kind) String() string {
	switch k {
	case KindNull:
		return "null"
	case KindNumber:
		return "number"
	case KindText:
		return "text"
	case KindBytes:
		return "bytes"
	case KindTime:
		return "time"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// numForm says how a KindNumber value is held.
type numForm uint8

const (
	numInt   numForm = iota // exact, in i
	numRat                  // exact, in r; never an integer that fits int64 (that is numInt)
	numFloat                // inexact, in f
)

// Value is a driver value in canonical form, so that values from pgx and from modernc.org/sqlite
// compare by what they mean rather than by their Go type. See "Execution match semantics" in
// match.go for the rules. The zero Value is NULL.
type Value struct {
	kind   Kind
	num    numForm
	isBool bool   // a boolean, kept for display only
	nsec   int32  // KindTime: nanoseconds within the second
	i      int64  // numInt: the value; numFloat, numRat: the bits of the float64; KindTime: Unix seconds
	s      string // KindText, KindBytes; numRat: the reduced fraction "a/b" (unique, so equality is ==)
}

// The layout keeps a Value at 32 bytes: Match holds one per cell of both results.

// float is the number as a float64: its value, or the nearest float64 to an exact number.
func (v *Value) float() float64 {
	if v.num == numInt {
		return float64(v.i)
	}
	return math.Float64frombits(uint64(v.i))
}

// rat is an exact number as a big.Rat.
func (v *Value) rat() *big.Rat {
	if v.num == numRat {
		r, _ := new(big.Rat).SetString(v.s)
		return r
	}
	return new(big.Rat).SetInt64(v.i)
}

// Kind reports the class of v.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is NULL.
func (v Value) IsNull() bool { return v.kind == KindNull }

// Canonical converts a driver value to its canonical form, as Match does with default options.
func Canonical(v any) Value { return canonical(v, 0) }

// Equal reports whether v and w are equal under the value rules of Match with options opt.
// (opt.NumericText and opt.TimeText act when values are canonicalized, not here.)
func (v Value) Equal(w Value, opt MatchOptions) bool {
	rel, abs := opt.tolerances()
	return valuesEqual(&v, &w, rel, abs)
}

// String renders v for people: NULL, true/false, numbers in shortest exact decimal form, text as
// is, bytes as \x-hex (as PostgreSQL prints bytea), times in UTC (a midnight as a bare date).
func (v Value) String() string {
	switch v.kind {
	case KindNull:
		return "NULL"
	case KindNumber:
		if v.isBool {
			return strconv.FormatBool(v.i != 0)
		}
		switch v.num {
		case numInt:
			return strconv.FormatInt(v.i, 10)
		case numRat:
			return ratString(v.rat())
		default:
			return strconv.FormatFloat(v.float(), 'g', -1, 64)
		}
	case KindText:
		return v.s
	case KindBytes:
		return `\x` + hex.EncodeToString([]byte(v.s))
	case KindTime:
		t := time.Unix(v.i, int64(v.nsec)).UTC()
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
			return t.Format("2006-01-02")
		}
		return t.Format("2006-01-02 15:04:05.999999999")
	}
	return "?"
}

// MarshalJSON renders a Value as JSON: null, a number (as a JSON number when it is finite), or its
// String form.
func (v Value) MarshalJSON() ([]byte, error) {
	switch {
	case v.kind == KindNull:
		return []byte("null"), nil
	case v.kind == KindNumber && v.isBool:
		return []byte(strconv.FormatBool(v.i != 0)), nil
	case v.kind == KindNumber && !math.IsNaN(v.float()) && !math.IsInf(v.float(), 0):
		return []byte(v.String()), nil
	}
	return json.Marshal(v.String())
}

// ratString prints an exact number as a terminating decimal when it is one (every numeric and
// every decimal literal is), else with 20 fractional digits.
func ratString(r *big.Rat) string {
	d := new(big.Int).Set(r.Denom())
	digits := 0
	var m big.Int
	for _, p := range []int64{2, 5} {
		bp := big.NewInt(p)
		n := 0
		for {
			q, rem := new(big.Int).QuoRem(d, bp, &m)
			if rem.Sign() != 0 {
				break
			}
			d, n = q, n+1
		}
		digits = max(digits, n)
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		return r.FloatString(20)
	}
	return r.FloatString(digits)
}

func nullValue() Value          { return Value{} }
func textValue(s string) Value  { return Value{kind: KindText, s: s} }
func bytesValue(b []byte) Value { return Value{kind: KindBytes, s: string(b)} }
func intValue(i int64) Value    { return Value{kind: KindNumber, num: numInt, i: i} }
func floatValue(f float64) Value {
	return Value{kind: KindNumber, num: numFloat, i: int64(math.Float64bits(f))}
}
func timeValue(t time.Time) Value {
	return Value{kind: KindTime, i: t.Unix(), nsec: int32(t.Nanosecond())}
}

func boolValue(b bool) Value {
	v := intValue(0)
	if b {
		v = intValue(1)
	}
	v.isBool = true
	return v
}

func uintValue(u uint64) Value {
	if u <= math.MaxInt64 {
		return intValue(int64(u))
	}
	return ratValue(new(big.Rat).SetInt(new(big.Int).SetUint64(u)))
}

// ratValue keeps the invariant that an exact integer that fits int64 is a numInt.
func ratValue(r *big.Rat) Value {
	if r.IsInt() && r.Num().IsInt64() {
		return intValue(r.Num().Int64())
	}
	f, _ := r.Float64()
	return Value{kind: KindNumber, num: numRat, i: int64(math.Float64bits(f)), s: r.RatString()}
}

// float32Value widens through the shortest decimal, so float32(0.1) is 0.1 and not 0.10000000149.
func float32Value(f float32) Value {
	g, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil {
		return floatValue(float64(f))
	}
	return floatValue(g)
}

var pow10Int64 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

func numericValue(n pgtype.Numeric) Value {
	switch {
	case !n.Valid:
		return nullValue()
	case n.NaN:
		return floatValue(math.NaN())
	case n.InfinityModifier == pgtype.Infinity:
		return floatValue(math.Inf(1))
	case n.InfinityModifier == pgtype.NegativeInfinity:
		return floatValue(math.Inf(-1))
	case n.Int == nil:
		return intValue(0)
	}
	exp, unscaled := n.Exp, n.Int
	if n.Int.IsInt64() { // fast path: most numerics are small
		i := n.Int.Int64()
		for exp < 0 && i%10 == 0 && i != 0 {
			i /= 10
			exp++
		}
		if i == 0 {
			return intValue(0)
		}
		if exp == 0 {
			return intValue(i)
		}
		if exp > 0 && int(exp) < len(pow10Int64) {
			p := pow10Int64[exp]
			if hi := math.MaxInt64 / p; i <= hi && i >= -hi {
				return intValue(i * p)
			}
		}
		unscaled = big.NewInt(i)
	}
	r := new(big.Rat).SetInt(unscaled)
	if exp != 0 {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(exp))), nil)
		if exp > 0 {
			r.Mul(r, new(big.Rat).SetInt(p))
		} else {
			r.Quo(r, new(big.Rat).SetInt(p))
		}
	}
	return ratValue(r)
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// intervalText prints an interval as PostgreSQL's default output style does ("1 year 2 mons 3 days
// 04:05:06.5"), so equal intervals from two PostgreSQL queries compare equal. Like the text it
// is, it does not equate '1 day' with '24:00:00'.
func intervalText(iv pgtype.Interval) string {
	var parts []string
	unit := func(n int64, one, many string) {
		if n == 0 {
			return
		}
		u := many
		if n == 1 || n == -1 {
			u = one
		}
		parts = append(parts, strconv.FormatInt(n, 10)+" "+u)
	}
	unit(int64(iv.Months/12), "year", "years")
	unit(int64(iv.Months%12), "mon", "mons")
	unit(int64(iv.Days), "day", "days")
	if us := iv.Microseconds; us != 0 || len(parts) == 0 {
		sign := ""
		if us < 0 {
			sign, us = "-", -us
		}
		s := fmt.Sprintf("%s%02d:%02d:%02d", sign, us/3600e6, us/60e6%60, us/1e6%60)
		if frac := us % 1e6; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// timeOfDayText prints a time without date as PostgreSQL and SQLite do ("15:04:05[.ffffff]").
func timeOfDayText(us int64) string {
	s := fmt.Sprintf("%02d:%02d:%02d", us/3600e6, us/60e6%60, us/1e6%60)
	if frac := us % 1e6; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
	}
	return s
}

// datetimeValue is a date or timestamp read by pgx: NULL unless valid, infinite ones as their text.
func datetimeValue(valid bool, m pgtype.InfinityModifier, t time.Time) Value {
	if !valid {
		return nullValue()
	}
	if m != pgtype.Finite {
		return textValue(infinityText(m))
	}
	return timeValue(t)
}

func infinityText(m pgtype.InfinityModifier) string {
	if m == pgtype.NegativeInfinity {
		return "-infinity"
	}
	return "infinity"
}

// canonical converts one driver value. depth guards against Valuer loops.
func canonical(v any, depth int) Value {
	switch x := v.(type) {
	case nil:
		return nullValue()
	case int64:
		return intValue(x)
	case float64:
		return floatValue(x)
	case string:
		return textValue(x)
	case int32:
		return intValue(int64(x))
	case int16:
		return intValue(int64(x))
	case int8:
		return intValue(int64(x))
	case int:
		return intValue(int64(x))
	case uint8:
		return intValue(int64(x))
	case uint16:
		return intValue(int64(x))
	case uint32:
		return intValue(int64(x))
	case uint64:
		return uintValue(x)
	case uint:
		return uintValue(uint64(x))
	case float32:
		return float32Value(x)
	case bool:
		return boolValue(x)
	case []byte:
		if x == nil {
			return nullValue()
		}
		return bytesValue(x)
	case time.Time:
		return timeValue(x)
	case *big.Int:
		if x == nil {
			return nullValue()
		}
		return ratValue(new(big.Rat).SetInt(x))
	case *big.Rat:
		if x == nil {
			return nullValue()
		}
		return ratValue(new(big.Rat).Set(x))
	case pgtype.Numeric:
		return numericValue(x)
	case [16]byte: // uuid, as text so it equals the same uuid stored as text (SQLite)
		return textValue(fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16]))
	case netip.Prefix:
		if x.IsValid() && x.IsSingleIP() {
			return textValue(x.Addr().String()) // inet '10.0.0.1/32' prints as 10.0.0.1
		}
		return textValue(x.String())
	case netip.Addr:
		return textValue(x.String())
	case pgtype.Interval:
		if !x.Valid {
			return nullValue()
		}
		return textValue(intervalText(x))
	case pgtype.Time:
		if !x.Valid {
			return nullValue()
		}
		return textValue(timeOfDayText(x.Microseconds))
	case pgtype.Date:
		return datetimeValue(x.Valid, x.InfinityModifier, x.Time)
	case pgtype.Timestamp:
		return datetimeValue(x.Valid, x.InfinityModifier, x.Time)
	case pgtype.Timestamptz:
		return datetimeValue(x.Valid, x.InfinityModifier, x.Time)
	case json.RawMessage:
		if x == nil {
			return nullValue()
		}
		return textValue(string(x))
	case map[string]any, []any: // json, jsonb and arrays: compact JSON with sorted keys
		b, err := json.Marshal(x)
		if err != nil {
			return textValue(fmt.Sprint(x))
		}
		return textValue(string(b))
	case driver.Valuer: // the other pgtype wrappers (Int8, Float8, Text, Bool, ...)
		if depth < 4 {
			if dv, err := x.Value(); err == nil {
				return canonical(dv, depth+1)
			}
		}
		return textValue(fmt.Sprint(x))
	}
	return canonicalReflect(v, depth)
}

// canonicalReflect handles named basic types and pointers.
func canonicalReflect(v any, depth int) Value {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nullValue()
		}
		if depth < 4 {
			return canonical(rv.Elem().Interface(), depth+1)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intValue(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintValue(rv.Uint())
	case reflect.Float32:
		return float32Value(float32(rv.Float()))
	case reflect.Float64:
		return floatValue(rv.Float())
	case reflect.Bool:
		return boolValue(rv.Bool())
	case reflect.String:
		return textValue(rv.String())
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.IsNil() {
				return nullValue()
			}
			return bytesValue(rv.Bytes())
		}
	}
	return textValue(fmt.Sprint(v))
}

// parseNumberText reads a decimal number written the way databases print them: an optional sign,
// digits with an optional fraction, an optional exponent. No spaces, no hex, no "inf" or "nan".
func parseNumberText(s string) (Value, bool) {
	if s == "" || len(s) > 400 {
		return Value{}, false
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			continue
		case c == '.' && !dot:
			dot = true
			continue
		}
		break
	}
	if digits == 0 {
		return Value{}, false
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return Value{}, false
		}
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		expDigits := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			expDigits++
		}
		if expDigits == 0 || expDigits > 4 || i != len(s) {
			return Value{}, false
		}
	}
	if !dot && len(s) < 19 && !strings.ContainsAny(s, "eE") {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return intValue(n), true
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return Value{}, false
	}
	return ratValue(r), true
}

// timeLayouts are the ISO-8601 forms SQLite and PostgreSQL print. time.Parse accepts a fractional
// second after the seconds even when the layout has none.
var timeLayouts = []string{
	"2006-01-02",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05Z07",
}

func parseTimeText(s string) (Value, bool) {
	if len(s) < 10 || len(s) > 40 || s[4] != '-' || s[7] != '-' || s[0] < '0' || s[0] > '9' {
		return Value{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return timeValue(t), true
		}
	}
	return Value{}, false
}

// canonicalWith applies the options that change how text is read.
func canonicalWith(v any, numericText, timeText bool) Value {
	c := canonical(v, 0)
	if c.kind == KindText {
		if numericText {
			if n, ok := parseNumberText(c.s); ok {
				return n
			}
		}
		if timeText {
			if t, ok := parseTimeText(c.s); ok {
				return t
			}
		}
	}
	return c
}

// valuesEqual is the value rule of Match. rel and abs are the float tolerances.
func valuesEqual(a, b *Value, rel, abs float64) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindNull:
		return true
	case KindNumber:
		if a.num == numInt && b.num == numInt {
			return a.i == b.i
		}
		if a.num != numFloat && b.num != numFloat {
			// Exact against exact: by the numInt invariant an integer never equals a numRat.
			return a.num == numRat && b.num == numRat && a.s == b.s
		}
		return floatsClose(a.float(), b.float(), rel, abs)
	case KindText, KindBytes:
		return a.s == b.s
	case KindTime:
		return a.i == b.i && a.nsec == b.nsec
	}
	return false
}

// floatsClose: NaN equals NaN (as in PostgreSQL), infinities equal themselves, and finite values
// are close when |x−y| ≤ abs or |x−y| ≤ rel·max(|x|,|y|).
func floatsClose(x, y, rel, abs float64) bool {
	if x == y {
		return true
	}
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.IsNaN(x) && math.IsNaN(y)
	}
	if math.IsInf(x, 0) || math.IsInf(y, 0) {
		return false
	}
	d := math.Abs(x - y)
	return d <= abs || d <= rel*math.Max(math.Abs(x), math.Abs(y))
}

// compareValues is a total order on canonical values used to sort rows so that equal multisets
// line up: by kind, then by value. Numbers compare exactly, unless approx, when they compare by
// their float64.
func compareValues(a, b *Value, approx bool) int {
	if a.kind != b.kind {
		return cmp.Compare(int64(a.kind), int64(b.kind))
	}
	switch a.kind {
	case KindNumber:
		if approx {
			return cmpFloat(a.float(), b.float())
		}
		if a.num == numInt && b.num == numInt {
			return cmp.Compare(a.i, b.i)
		}
		if c := cmpFloat(a.float(), b.float()); c != 0 || (a.num == numFloat || b.num == numFloat) {
			return c
		}
		if a.num == numRat && b.num == numRat && a.s == b.s {
			return 0 // equal numerics: the common tie, without parsing
		}
		return a.rat().Cmp(b.rat())
	case KindText, KindBytes:
		return strings.Compare(a.s, b.s)
	case KindTime:
		if c := cmp.Compare(a.i, b.i); c != 0 {
			return c
		}
		return cmp.Compare(int64(a.nsec), int64(b.nsec))
	}
	return 0
}

// cmpFloat orders NaN after every number and equal to itself.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	}
	return -1
}
