package model

import "math"

// The tests a verdict uses to tell a regression from noise. They are one-sided: a
// deployment is only ever condemned for being worse than its baseline, never for being
// better. Probabilities are computed in log space with math.Lgamma, so large counts neither
// overflow nor lose precision.

// logChoose is ln C(n, k).
func logChoose(n, k int) float64 {
	if k < 0 || k > n {
		return math.Inf(-1)
	}
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// BinomialTail is P(X >= k) for X ~ Binomial(n, p): how likely k or more of n trials
// succeed when each does with probability p. It is 1 for k <= 0 and 0 for k > n.
func BinomialTail(k, n int, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	lp, lq := math.Log(p), math.Log1p(-p)
	sum := 0.0
	for x := k; x <= n; x++ {
		t := math.Exp(logChoose(n, x) + float64(x)*lp + float64(n-x)*lq)
		sum += t
		// Past the mode the terms only shrink; stop once they no longer matter.
		if float64(x) > float64(n)*p && t < sum*1e-12 {
			break
		}
	}
	return math.Min(1, sum)
}

// FisherGreater is the one-sided p-value of Fisher's exact test that the rate k/n of a
// sample is greater than the rate kb/nb of a baseline: the probability, with the k+kb events
// spread at random over all n+nb trials, that the sample gets k or more of them. It accounts
// for the size of both: a baseline of a few runs proves little, and neither does a sample of
// one. It is 1 when the sample has no events.
func FisherGreater(k, n, kb, nb int) float64 {
	if k <= 0 || n <= 0 {
		return 1
	}
	total, events := n+nb, k+kb
	den := logChoose(total, n)
	sum := 0.0
	for x := k; x <= min(n, events); x++ {
		sum += math.Exp(logChoose(events, x) + logChoose(total-events, n-x) - den)
	}
	return math.Min(1, sum)
}
