package sqlexec

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
)

// A fingerprint identifies a result up to row order and column order, so that equal results can
// be found from stored fingerprints without re-running either query.
//
// Guarantee: two results that Match with default options (OrderMatters false, NumericText and
// TimeText false) and whose numbers are exactly equal get the same fingerprint: 1, 1.0 and numeric
// 1.00 hash alike, as do NULLs, and a column permutation or a row shuffle changes nothing. Floats
// are hashed after rounding to 9 significant digits (and a float that rounds to an integer hashes
// as that integer), so values that differ only by floating-point noise (0.1+0.2 against 0.3)
// almost always collide too; but two values within Match's tolerance that fall on either side of
// a rounding boundary (1.0000000049 and 1.0000000051) hash differently. So a fingerprint mismatch
// between floating-point results does not prove disagreement, and Match remains the authority.
//
// The other way round, different results get different fingerprints except by a 128-bit hash
// collision or when the structure hash below cannot tell them apart (it keeps each value in its
// row and each row's values aligned by column, except among columns with identical value
// multisets, whose values it sorts within each row). The value hashes are fast, not
// cryptographic: equal fingerprints are strong evidence for results that nobody crafted to
// collide; confirm with Match when the rows are at hand.
//
// Format: "v1:" and 32 hex digits. The version changes whenever hashing changes, so stored
// fingerprints of different versions are never compared as if they meant the same thing.

// FingerprintVersion prefixes every fingerprint this code computes.
const FingerprintVersion = "v1"

// sigDigits is the number of significant digits floats keep in hashes.
const sigDigits = 9

// Fingerprinter computes a fingerprint while rows stream in. It keeps one 64-bit hash per value
// until Sum, because the column alignment it hashes is only known once every row is seen.
type Fingerprinter struct {
	ncols  int
	rows   int
	bad    int      // rows whose width was not ncols
	hashes []uint64 // row-major value hashes
	sig1   []uint64 // per column, two independent multiset hashes of its values
	sig2   []uint64
}

// NewFingerprinter starts a fingerprint for rows of ncols values.
func NewFingerprinter(ncols int) *Fingerprinter {
	return &Fingerprinter{ncols: ncols, sig1: make([]uint64, ncols), sig2: make([]uint64, ncols)}
}

// Add hashes one row of driver values. A row with the wrong number of values is not hashed but
// counted, so it can never make a malformed result look like a well-formed one.
func (f *Fingerprinter) Add(row []any) {
	if len(row) != f.ncols {
		f.bad++
		return
	}
	for j, v := range row {
		c := canonical(v, 0)
		h := valueHash(&c)
		f.hashes = append(f.hashes, h)
		f.sig1[j] += mix64(h ^ lane1)
		f.sig2[j] += mix64(h ^ lane2)
	}
	f.rows++
}

// Sum returns the fingerprint of the rows added so far.
func (f *Fingerprinter) Sum() string {
	// A canonical column order: by column signature. Columns with equal signatures (the same
	// multiset of values) form a group whose order is unknowable, so within a row their values are
	// hashed sorted.
	order := make([]int, f.ncols)
	for j := range order {
		order[j] = j
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(f.sig1[a], f.sig1[b]); c != 0 {
			return c
		}
		return cmp.Compare(f.sig2[a], f.sig2[b])
	})
	var groups [][]int
	for i := 0; i < len(order); {
		k := i + 1
		for k < len(order) && f.sig1[order[k]] == f.sig1[order[i]] && f.sig2[order[k]] == f.sig2[order[i]] {
			k++
		}
		groups = append(groups, order[i:k])
		i = k
	}

	var rows1, rows2 uint64
	scratch := make([]uint64, 0, f.ncols)
	for r := 0; r < f.rows; r++ {
		row := f.hashes[r*f.ncols : (r+1)*f.ncols]
		h := uint64(rowSeed)
		for _, g := range groups {
			if len(g) == 1 {
				h = hashCombine(h, row[g[0]])
				continue
			}
			scratch = scratch[:0]
			for _, j := range g {
				scratch = append(scratch, row[j])
			}
			slices.Sort(scratch)
			for _, v := range scratch {
				h = hashCombine(h, v)
			}
		}
		rows1 += mix64(h ^ lane1)
		rows2 += mix64(h ^ lane2)
	}

	sum := sha256.New()
	var buf [8]byte
	put := func(x uint64) {
		binary.LittleEndian.PutUint64(buf[:], x)
		sum.Write(buf[:])
	}
	sum.Write([]byte("goldset result fingerprint " + FingerprintVersion))
	put(uint64(f.ncols))
	put(uint64(f.rows))
	put(uint64(f.bad))
	for _, j := range order {
		put(f.sig1[j])
		put(f.sig2[j])
	}
	put(rows1)
	put(rows2)
	return FingerprintVersion + ":" + hex.EncodeToString(sum.Sum(nil)[:16])
}

// Fingerprint returns the fingerprint of a result's rows, or "" when the result is nil, failed or
// was truncated (a partial result has no meaningful identity).
func Fingerprint(r *Result) string {
	if r == nil || !r.OK() || r.Truncated {
		return ""
	}
	ncols := len(r.Columns)
	if ncols == 0 && len(r.Rows) > 0 {
		ncols = len(r.Rows[0])
	}
	f := NewFingerprinter(ncols)
	for _, row := range r.Rows {
		f.Add(row)
	}
	return f.Sum()
}

// Hashing. Everything here is part of fingerprint version v1: change it and bump the version.

const (
	lane1   = 0x9e3779b97f4a7c15
	lane2   = 0xc2b2ae3d27d4eb4f
	rowSeed = 0x27d4eb2f165667c5

	tagNull   = 0x8f1bbcdcca62c1d6
	tagInt    = 0x5a827999ed9eba14
	tagDec    = 0x6ed9eba18f1bbcdc
	tagNaN    = 0x3c6ef372fe94f82b
	tagPosInf = 0xa54ff53a5f1d36f1
	tagNegInf = 0x510e527fade682d1
	tagText   = 0x9b05688c2b3e6c1f
	tagBytes  = 0x1f83d9abfb41bd6b
	tagTime   = 0x5be0cd19137e2179
)

// mix64 is the splitmix64 finalizer: a bijection that spreads every input bit over the output.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// combine folds v into an order-dependent running hash.
func hashCombine(h, v uint64) uint64 { return mix64(h + v + 0x9e3779b97f4a7c15) }

// fnv1a hashes a string, starting from a basis that depends on the kind.
func fnv1a(s string, basis uint64) uint64 {
	h := uint64(14695981039346656037) ^ basis
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// valueHash hashes a canonical value so that equal values (exactly, under Match's rules) hash
// alike, whatever their Go type was.
func valueHash(v *Value) uint64 {
	switch v.kind {
	case KindNumber:
		return numberHash(v)
	case KindText:
		return mix64(fnv1a(v.s, tagText) + uint64(len(v.s)))
	case KindBytes:
		return mix64(fnv1a(v.s, tagBytes) + uint64(len(v.s)))
	case KindTime:
		return mix64(mix64(uint64(v.i)^tagTime) + uint64(v.nsec))
	}
	return mix64(tagNull)
}

func intHash(i int64) uint64 { return mix64(mix64(uint64(i) ^ tagInt)) }

// numberHash: an exact integer hashes as itself; so does any number whose float64 is an integer in
// int64 range (1.0 is 1) or rounds to one at 9 significant digits; other numbers hash as their
// float64 rounded to 9 significant digits. Every path is a function of the float64 alone except
// the first, and an exact int64 equals a float only when the float is that same integer, so equal
// numbers always hash alike.
func numberHash(v *Value) uint64 {
	if v.num == numInt {
		return intHash(v.i)
	}
	x := v.float()
	switch {
	case math.IsNaN(x):
		return mix64(tagNaN)
	case math.IsInf(x, 1):
		return mix64(tagPosInf)
	case math.IsInf(x, -1):
		return mix64(tagNegInf)
	case x == math.Trunc(x) && math.Abs(x) < 0x1p63:
		return intHash(int64(x))
	}
	m, e := quantize(x)
	if e >= 0 && e < len(pow10Int64) {
		if p := pow10Int64[e]; m <= math.MaxInt64/p && m >= -math.MaxInt64/p {
			return intHash(m * p)
		}
	}
	return mix64(mix64(uint64(m)^tagDec) + uint64(int64(e)))
}

// quantize rounds a finite x to sigDigits significant digits (correctly, via strconv) and returns
// it as m·10^e with m free of trailing zeros.
func quantize(x float64) (m int64, e int) {
	if x == 0 {
		return 0, 0
	}
	var buf [40]byte
	b := strconv.AppendFloat(buf[:0], x, 'e', sigDigits-1, 64) // -d.dddddddde±dd
	i, neg := 0, false
	if b[0] == '-' {
		neg, i = true, 1
	}
	for ; i < len(b) && b[i] != 'e'; i++ {
		if b[i] != '.' {
			m = m*10 + int64(b[i]-'0')
		}
	}
	i++ // 'e'
	esign := 1
	if i < len(b) && b[i] == '-' {
		esign = -1
	}
	i++
	exp := 0
	for ; i < len(b); i++ {
		exp = exp*10 + int(b[i]-'0')
	}
	e = esign*exp - (sigDigits - 1)
	for m != 0 && m%10 == 0 {
		m /= 10
		e++
	}
	if neg {
		m = -m
	}
	return m, e
}

// quantFloat is x rounded to sigDigits significant digits, as a float64 sort key.
func quantFloat(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	m, e := quantize(x)
	switch {
	case e >= 0 && e <= 300:
		return float64(m) * math.Pow10(e)
	case e < 0 && e >= -300:
		return float64(m) / math.Pow10(-e)
	}
	return x
}
