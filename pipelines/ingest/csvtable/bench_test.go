package csvtable

import (
	"fmt"
	"strings"
	"testing"
)

func BenchmarkRead(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("\"Year\",\"Title\",\"Sales\",\"Notes\"\n")
	for i := range 20000 {
		fmt.Fprintf(&sb, "\"%d\",\"Episode: \\\"Title %d\\\"\",\"%d,%03d\",\"line one\nline two, with comma\"\n", 1900+i%100, i, i/1000+1, i%1000)
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Read(strings.NewReader(in), "bench.csv", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
