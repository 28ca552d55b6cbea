package model

import (
	"math"
	"testing"
)

func TestBinomialTail(t *testing.T) {
	cases := []struct {
		k, n int
		p    float64
		want float64
	}{
		{0, 10, 0.3, 1},
		{11, 10, 0.3, 0},
		{1, 1, 0.05, 0.05},
		{2, 2, 0.05, 0.0025},
		{1, 10, 0.004, 1 - math.Pow(0.996, 10)},
		{3, 3, 0.5, 0.125},
		{2, 4, 0.5, 11.0 / 16},
		{5, 10, 0, 0},
		{5, 10, 1, 1},
		// Large n: the tail of a fair coin beyond its mean by 3 sd is about 0.00135.
		{5150, 10000, 0.5, 0.00135},
	}
	for _, c := range cases {
		got := BinomialTail(c.k, c.n, c.p)
		if math.Abs(got-c.want) > 1e-4*math.Max(1, c.want*10) {
			t.Errorf("BinomialTail(%d, %d, %g) = %g, want %g", c.k, c.n, c.p, got, c.want)
		}
	}
}

func TestFisherGreater(t *testing.T) {
	cases := []struct {
		k, n, kb, nb int
		want         float64
	}{
		// No failures in the sample: nothing to condemn.
		{0, 12, 1, 40, 1},
		// The only failure of 41 runs lands in the one-run sample with probability 1/41.
		{1, 1, 0, 40, 1.0 / 41},
		// Textbook table (lady tasting tea): 3 of 4 vs 1 of 4, one-sided p = 17/70.
		{3, 4, 1, 4, 17.0 / 70},
		// Same rate as the baseline: far from significant.
		{1, 12, 3, 40, 0.5},
		// 2 of 12 against 1 in 40: 0.129 (a binomial test against a rate of 1/40 would say 0.037).
		{2, 12, 1, 40, 0.1294},
	}
	for _, c := range cases {
		got := FisherGreater(c.k, c.n, c.kb, c.nb)
		if c.want == 0.5 {
			if got < 0.3 {
				t.Errorf("FisherGreater(%d, %d, %d, %d) = %g: a baseline rate must not look significant", c.k, c.n, c.kb, c.nb, got)
			}
			continue
		}
		if math.Abs(got-c.want) > 1e-3 {
			t.Errorf("FisherGreater(%d, %d, %d, %d) = %g, want %g", c.k, c.n, c.kb, c.nb, got, c.want)
		}
	}
}
