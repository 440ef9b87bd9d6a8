// Package pareto finds the non-dominated points of a set of objective
// vectors, every objective minimised: the Pareto front, and the
// non-dominated sorting ranks of NSGA-II. The architecture search uses it
// for accuracy against cost (negate an objective to maximise it), the loss
// package for the task losses of the training epochs.
//
// The common case:
//
//	pts := [][]float64{{cost0, -acc0}, {cost1, -acc1}, {cost2, -acc2}}
//	front, err := pareto.Front(pts) // indices of the non-dominated points
//	ranks, err := pareto.Ranks(pts) // 0 on the front, 1 on the next front, …
//
// A point dominates another when it is no worse in every objective and
// better in at least one. Equal points do not dominate each other, so all of
// them are kept. ±Inf are ordinary values, and −0 equals +0. A point with a
// NaN in any objective is not comparable: it is never on the front, and
// Ranks gives it the rank after the last front's.
//
// With one or two objectives Front and Ranks take O(n log n) time (a sweep
// in lexicographic order; for Ranks, a binary search over the fronts'
// best points); with more they take O(m·n²) for n points of m objectives,
// ample for the few hundred points of an epoch log or a search.
package pareto
