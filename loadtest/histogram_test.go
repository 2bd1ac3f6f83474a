package loadtest

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketsCoverEveryValueInOrder(t *testing.T) {
	prev := -1
	for _, v := range []uint64{0, 1, 127, 128, 129, 255, 256, 257, 511, 512, 1 << 20, 1<<20 + 1, 1<<62 + 12345, 1<<63 - 1} {
		i := bucket(v)
		if i < prev {
			t.Fatalf("bucket(%d) = %d, before the previous value's bucket %d", v, i, prev)
		}
		if v > bucketMax(i) || (i > 0 && v <= bucketMax(i-1)) {
			t.Fatalf("value %d is not within bucket %d (%d, %d]", v, i, bucketMax(i-1), bucketMax(i))
		}
		prev = i
	}
	if n := bucket(1<<63 - 1); n >= len(Histogram{}.counts) {
		t.Fatalf("the largest duration falls in bucket %d of %d", n, len(Histogram{}.counts))
	}
}

// Quantiles agree with the exact ones, computed by sorting, within the
// histogram's precision.
func TestQuantilesMatchSortedValuesWithinOnePercent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h Histogram
	var all []time.Duration
	for range 100_000 {
		// Log-normal-ish: mostly around 1 ms, a tail to 100 ms.
		d := time.Duration(float64(time.Millisecond) * r.ExpFloat64() * (1 + 50*float64(r.IntN(100)/99)))
		h.Record(d)
		all = append(all, d)
	}
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
		exact := all[max(int(q*float64(len(all))+0.5), 1)-1]
		got := h.Quantile(q)
		if got < exact || float64(got-exact) > 0.01*float64(exact) {
			t.Errorf("q%.3f = %v, exact %v", q, got, exact)
		}
	}
	if h.Max() != all[len(all)-1] || h.Count() != uint64(len(all)) {
		t.Errorf("max %v count %d, want %v %d", h.Max(), h.Count(), all[len(all)-1], len(all))
	}
}

func TestMergeAddsCounts(t *testing.T) {
	var a, b Histogram
	for i := range 100 {
		a.Record(time.Duration(i) * time.Microsecond)
		b.Record(time.Duration(i+100) * time.Microsecond)
	}
	a.Merge(&b)
	if a.Count() != 200 || a.Max() != 199*time.Microsecond {
		t.Fatalf("count %d max %v", a.Count(), a.Max())
	}
	if q := a.Quantile(0.5); q < 99*time.Microsecond || q > 101*time.Microsecond {
		t.Fatalf("median %v, want about 100µs", q)
	}
	var empty Histogram
	if empty.Quantile(0.99) != 0 {
		t.Fatal("an empty histogram has no quantile")
	}
}
