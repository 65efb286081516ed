package uploadtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"testing"
)

// Entry is one entry of a bomb: Size bytes of Pattern repeated (zeros when empty).
type Entry struct {
	Name    string
	Size    int64 // what the entry really expands to; a multiple of 1 MiB
	Pattern []byte
	// Declared is the uncompressed size its headers state; 0 states the true size. A smaller
	// value is a header that lies.
	Declared int64
}

const chunk = 1 << 20

// Zip returns a zip archive of entries. Each entry's deflate stream is one compressed MiB, then
// one flushed block that expands to the next MiB repeated as often as needed (it only refers back
// to the same pattern, so every copy decodes the same), then the final block: a 1 GiB entry costs
// about a megabyte and no time to make.
func Zip(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		if e.Size < chunk || e.Size%chunk != 0 {
			t.Fatalf("uploadtest: entry %s: size must be a positive multiple of 1 MiB", e.Name)
		}
		pattern := e.Pattern
		if len(pattern) == 0 {
			pattern = []byte{0}
		}
		if chunk%len(pattern) != 0 {
			t.Fatalf("uploadtest: entry %s: the pattern's length must divide 1 MiB", e.Name)
		}
		block := bytes.Repeat(pattern, chunk/len(pattern))
		var seg bytes.Buffer
		fw, _ := flate.NewWriter(&seg, flate.BestCompression)
		fw.Write(block)
		fw.Flush()
		first := append([]byte(nil), seg.Bytes()...)
		seg.Reset()
		fw.Write(block)
		fw.Flush()
		again := append([]byte(nil), seg.Bytes()...)
		seg.Reset()
		fw.Close()
		last := seg.Bytes()

		crc := crc32.NewIEEE()
		for range e.Size / chunk {
			crc.Write(block)
		}
		n := e.Size / chunk
		declared := e.Size
		if e.Declared > 0 {
			declared = e.Declared
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: e.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64:   uint64(len(first) + int(n-1)*len(again) + len(last)),
			UncompressedSize64: uint64(declared),
		})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(first)
		for range n - 1 {
			w.Write(again)
		}
		w.Write(last)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
