package loadtest

import (
	"math/bits"
	"time"
)

// subBits sets the histogram's precision: each power of two is split into
// 2^subBits buckets, so a recorded value is off by less than 1/2^subBits
// (under 1%) of itself, at any magnitude, in a fixed 4,000 buckets or so.
const subBits = 7

const subCount = 1 << subBits

// Histogram records latencies in log-linear buckets, like an HDR histogram:
// constant memory, constant cost per value, and a bounded relative error.
// It is not safe for concurrent use; each client keeps its own and the
// runner merges them.
type Histogram struct {
	counts [(64 - subBits + 1) * subCount]uint64
	n      uint64
	max    time.Duration
}

// bucket returns the index of the bucket v falls in. Values below subCount
// have a bucket each; above, a value keeps its top subBits+1 significant
// bits.
func bucket(v uint64) int {
	if v < subCount {
		return int(v)
	}
	shift := bits.Len64(v) - subBits - 1
	return (shift+1)*subCount + int(v>>shift) - subCount
}

// bucketMax returns the largest value bucket i holds.
func bucketMax(i int) uint64 {
	if i < subCount {
		return uint64(i)
	}
	shift := i/subCount - 1
	top := uint64(i%subCount + subCount)
	return (top+1)<<shift - 1
}

// Record adds one latency.
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucket(uint64(d))]++
	h.n++
	h.max = max(h.max, d)
}

// Merge adds every value of o to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// Count is how many values were recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Max is the largest value recorded.
func (h *Histogram) Max() time.Duration { return h.max }

// Quantile returns the smallest recorded latency that q of all values are
// at or below (q in [0, 1]), rounded up to its bucket's upper bound and never
// above the largest value seen. It is 0 for an empty histogram.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(bucketMax(i)), h.max)
		}
	}
	return h.max
}
