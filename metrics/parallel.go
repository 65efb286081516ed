package metrics

import (
	"sync"
	"sync/atomic"
)

// inParallel calls do(w, i) for every i from 0 to n-1 on workers goroutines (w is the worker's
// number, from 0), each taking the next i until none is left or stop (when not nil) says to stop,
// and returns when every worker has.
func inParallel(workers, n int, stop func() bool, do func(w, i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || stop != nil && stop() {
					return
				}
				do(w, i)
			}
		}()
	}
	wg.Wait()
}
