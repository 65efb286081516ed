package metrics

import (
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// BenchmarkSQLMetrics100k runs pattern + hardness + clauses + coverage over 100,000 queries (the
// Spider dev gold, translated to PostgreSQL once, cycled) and, in the same run, a bare
// pg_query.Parse loop over the same queries. x-parse is the ratio of the two: what the metrics
// cost on top of parsing, which they do once per query (target ≤ 1.5). The metrics side is what
// Analyze does per query: parse, pattern, hardness, clauses, coverage.
func BenchmarkSQLMetrics100k(b *testing.B) {
	dev, schemas := translatedSpiderDev(b)
	n := 100_000
	if benchSmoke() {
		n = 2_000
	}
	sqls, dbs := make([]string, n), make([]string, n)
	for i := range n {
		sqls[i], dbs[i] = dev[i%len(dev)].Query, dev[i%len(dev)].DBID
	}

	// The two loops alternate over blocks of 1,000 queries, so that both see the same machine:
	// on a shared machine the load changes from one second to the next.
	const block = 1000
	var parse, metrics time.Duration
	var k *sqlCounter
	for b.Loop() {
		k = newSQLCounter(schemas)
		for lo := 0; lo < n; lo += block {
			start := time.Now()
			for _, s := range sqls[lo : lo+block] {
				if _, err := pg_query.Parse(s); err != nil {
					b.Fatal(err)
				}
			}
			parse += time.Since(start)

			start = time.Now()
			for i := lo; i < lo+block; i++ {
				k.add(sqls[i], "", dbs[i])
			}
			metrics += time.Since(start)
		}
	}
	if k.hardness.Unparsed != 0 || k.withoutSchema != 0 {
		b.Fatalf("unparsed %d, without schema %d", k.hardness.Unparsed, k.withoutSchema)
	}
	runs := float64(b.N)
	b.ReportMetric(float64(parse.Nanoseconds())/runs/float64(n), "parse-ns/query")
	b.ReportMetric(float64(metrics.Nanoseconds())/runs/float64(n), "metrics-ns/query")
	b.ReportMetric(metrics.Seconds()/parse.Seconds(), "x-parse")
	b.ReportMetric(0, "ns/op") // the per-query figures above are the meaningful ones
}

// BenchmarkMeanCosine1M computes the mean pairwise cosine of 1,000,000 × 1536 float32 vectors
// (5.7 GiB, generated once) and, in the same run, one plain pass that sums the same vectors into
// a float64 accumulator: x-plain-pass is the ratio (target ≤ 1.2). MeanCosine uses every core,
// so x-parallel-pass also compares it with the plain pass split over the cores the same way.
func BenchmarkMeanCosine1M(b *testing.B) {
	n, d := 1_000_000, 1536
	if benchSmoke() {
		n = 5_000
	}
	vecs := randomVectors(n, d, 1)

	var cosine, plain, parallel time.Duration
	var sim Similarity
	timed := func(total *time.Duration, f func()) {
		start := time.Now()
		f()
		*total += time.Since(start)
	}
	runs := []func(){
		func() {
			var err error
			if sim, err = MeanCosine(vecs); err != nil {
				b.Fatal(err)
			}
		},
		func() { plainSum(vecs, d) },
		func() { parallelPlainSum(vecs, d) },
	}
	totals := []*time.Duration{&cosine, &plain, &parallel}
	// The order rotates from one iteration to the next, so that a change of load on a shared
	// machine does not always fall on the same side.
	for i := 0; b.Loop(); i++ {
		for j := range runs {
			k := (i + j) % len(runs)
			timed(totals[k], runs[k])
		}
	}
	if sim.Vectors != n {
		b.Fatalf("counted %d vectors", sim.Vectors)
	}
	b.ReportMetric(cosine.Seconds()/float64(b.N), "cosine-s")
	b.ReportMetric(plain.Seconds()/float64(b.N), "plain-pass-s")
	b.ReportMetric(cosine.Seconds()/plain.Seconds(), "x-plain-pass")
	b.ReportMetric(cosine.Seconds()/parallel.Seconds(), "x-parallel-pass")
	b.ReportMetric(0, "ns/op")
}

// randomVectors makes n vectors of d components in one allocation, uniform in [-1, 1) around a
// shared direction (so that the mean cosine is not ~0), generated on every core.
func randomVectors(n, d int, seed uint64) [][]float32 {
	slab := make([]float32, n*d)
	vecs := make([][]float32, n)
	for i := range vecs {
		vecs[i] = slab[i*d : (i+1)*d : (i+1)*d]
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for i := n * w / workers; i < n*(w+1)/workers; i++ {
				for k := range vecs[i] {
					vecs[i][k] = 0.3 + 2*rng.Float32() - 1
				}
			}
		}()
	}
	wg.Wait()
	return vecs
}

// plainSum is the least any O(n·d) metric must do: read every component once.
func plainSum(vecs [][]float32, d int) []float64 {
	sum := make([]float64, d)
	for _, v := range vecs {
		v = v[:len(sum)]
		for k, x := range v {
			sum[k] += float64(x)
		}
	}
	return sum
}

// parallelPlainSum is plainSum over the cores, in MeanCosine's chunks.
func parallelPlainSum(vecs [][]float32, d int) []float64 {
	workers := runtime.GOMAXPROCS(0)
	parts := make([][]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = plainSum(vecs[len(vecs)*w/workers:len(vecs)*(w+1)/workers], d)
		}()
	}
	wg.Wait()
	for _, p := range parts[1:] {
		for k, x := range p {
			parts[0][k] += x
		}
	}
	return parts[0]
}

// benchSmoke: benchmarks run once at a tiny size (GOLDSET_BENCH_SMOKE=1, as make test runs them),
// so a change that breaks one turns the build red.
func benchSmoke() bool { return os.Getenv("GOLDSET_BENCH_SMOKE") != "" }
