package synth

import (
	"math"
	"math/rand/v2"
)

// alias draws an index with probability proportional to its weight in O(1)
// (Vose's alias method): the generator draws millions of words, people and
// topics, and a binary search per draw would dominate its time.
type alias struct {
	threshold []uint32 // keep i when the low 32 random bits fall below it
	other     []int32  // otherwise take this index
}

// newAlias builds a table over weights. Non-positive and NaN weights are
// never drawn; when no weight is positive the table is empty and pick
// returns -1.
func newAlias(weights []float64) alias {
	n := len(weights)
	var total float64
	for _, w := range weights {
		if w > 0 {
			total += w
		}
	}
	if n == 0 || !(total > 0) || math.IsInf(total, 0) {
		return alias{}
	}
	a := alias{threshold: make([]uint32, n), other: make([]int32, n)}
	scaled := make([]float64, n)
	var small, large []int32
	for i, w := range weights {
		if !(w > 0) {
			w = 0
		}
		scaled[i] = w / total * float64(n)
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		a.threshold[s] = uint32(scaled[s] * (1 << 32))
		a.other[s] = l
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What remains holds (up to rounding) a full share: always keep it.
	for _, i := range append(small, large...) {
		a.threshold[i] = math.MaxUint32
		a.other[i] = i
	}
	return a
}

// pick draws one index, or -1 from an empty table.
func (a *alias) pick(r *rand.PCG) int {
	n := len(a.threshold)
	if n == 0 {
		return -1
	}
	x := r.Uint64()
	i := int((x >> 32) * uint64(n) >> 32)
	if uint32(x) < a.threshold[i] {
		return i
	}
	return int(a.other[i])
}

// zipf returns n weights falling as 1/(rank+1)^s: a few items take most of
// the draws, as words in a language and activity in a workspace do.
func zipf(n int, s float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Pow(float64(i+1), -s)
	}
	return w
}

// unit returns a uniform float64 in [0, 1).
func unit(r *rand.PCG) float64 {
	return float64(r.Uint64()>>11) / (1 << 53)
}

// intn returns a uniform int in [0, n) for 0 < n < 2^32, by Lemire's
// multiply-shift (the tiny bias is irrelevant to synthetic data).
func intn(r *rand.PCG, n int) int {
	return int((r.Uint64() >> 32) * uint64(n) >> 32)
}

// normal returns a standard normal variate (Box-Muller; one of the pair is
// dropped, which costs less than carrying state across reseeds).
func normal(r *rand.PCG) float64 {
	u := unit(r)
	for u == 0 {
		u = unit(r)
	}
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*unit(r))
}

// splitmix scrambles x (SplitMix64's finaliser) so that neighbouring
// question numbers seed unrelated streams.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// shuffle permutes s in place.
func shuffle[T any](r *rand.PCG, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := intn(r, i+1)
		s[i], s[j] = s[j], s[i]
	}
}
