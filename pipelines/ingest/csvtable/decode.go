package csvtable

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeText turns raw file bytes into UTF-8 text. A UTF-8 BOM is dropped, UTF-16 with a BOM
// is converted, and bytes that are not valid UTF-8 are read as Windows-1252 (a superset of
// Latin-1 and what spreadsheet exports on Windows write) with a warning, because refusing the
// file would be worse for the person importing it and the warning lets them check the result.
// Data with control characters in more than 1% of its first 8 KiB, or NUL in more than 10%, is
// refused as binary: a spreadsheet or archive uploaded as CSV, UTF-16 without its BOM. The odd NUL
// in text gets through and is removed from the cells later (see stripNUL).
func decodeText(raw []byte) (string, []string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		raw = raw[3:]
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		return decodeUTF16(raw), []string{"file is UTF-16; converted to UTF-8"}, nil
	}
	head := raw[:min(len(raw), 8192)]
	controls, nuls := 0, 0
	for _, c := range head {
		switch {
		case c == 0:
			nuls++
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f':
			controls++
		}
	}
	if controls > 0 && controls*100 > len(head) {
		return "", nil, &ParseError{Err: ErrBinary, Msg: fmt.Sprintf("%d control bytes in the first %d", controls, len(head))}
	}
	if nuls > 0 && nuls*10 > len(head) {
		return "", nil, &ParseError{Err: ErrBinary, Msg: fmt.Sprintf("%d NUL bytes in the first %d", nuls, len(head))}
	}
	if utf8.Valid(raw) {
		return string(raw), nil, nil
	}
	bad := 0
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			bad = i
			break
		}
		i += size
	}
	var b strings.Builder
	b.Grow(len(raw) + len(raw)/8)
	for _, c := range raw {
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xA0 && cp1252[c-0x80] != 0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c))
		}
	}
	return b.String(), []string{fmt.Sprintf(
		"file is not valid UTF-8 (first invalid byte on line %d); decoded as Windows-1252, check non-ASCII text", lineAt(raw, bad))}, nil
}

func lineAt(raw []byte, offset int) int { return bytes.Count(raw[:offset], []byte{'\n'}) + 1 }

func decodeUTF16(raw []byte) string {
	big := raw[0] == 0xFE
	raw = raw[2:]
	u := make([]uint16, 0, len(raw)/2)
	for i := 0; i+1 < len(raw); i += 2 {
		if big {
			u = append(u, uint16(raw[i])<<8|uint16(raw[i+1]))
		} else {
			u = append(u, uint16(raw[i+1])<<8|uint16(raw[i]))
		}
	}
	return string(utf16.Decode(u))
}

// cp1252 maps bytes 0x80–0x9F of Windows-1252; 0 marks the five undefined ones, read as Latin-1.
var cp1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}
