package loss

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/hypernas/go-hypernas/internal/pareto"
)

// EpochLosses is the mean task losses of one training epoch, one point of
// the trade-off that a ParetoTracker follows.
type EpochLosses struct {
	Epoch  int
	Losses []float64 // one per task, e.g. (L_pred, L_hyper)
}

// Dominates reports whether e is at least as good as o in every task and
// better in at least one (all losses are minimised). Epochs with different
// numbers of tasks never dominate each other.
func (e EpochLosses) Dominates(o EpochLosses) bool { return pareto.Dominates(e.Losses, o.Losses) }

// ParetoTracker records the task losses of each epoch and finds the
// non-dominated epochs among them: the trade-off between the tasks that the
// preference coefficient q of the adaptive loss steers. The zero value is
// ready to use; it is not safe for concurrent use.
type ParetoTracker struct {
	tasks  int
	points []EpochLosses
}

// Add records the losses of one epoch. Every call must give the same number
// of losses (at least one), and none may be NaN; the epoch is not recorded
// otherwise. Infinite losses are recorded (an epoch that diverged).
func (p *ParetoTracker) Add(epoch int, losses ...float64) error {
	if p == nil {
		return errors.New("loss: Add to a nil ParetoTracker")
	}
	if len(losses) == 0 {
		return fmt.Errorf("loss: epoch %d: no losses", epoch)
	}
	if p.tasks != 0 && len(losses) != p.tasks {
		return fmt.Errorf("loss: epoch %d: %d losses, earlier epochs had %d", epoch, len(losses), p.tasks)
	}
	if t := slices.IndexFunc(losses, math.IsNaN); t >= 0 {
		return fmt.Errorf("loss: epoch %d: loss of task %d is NaN", epoch, t)
	}
	p.tasks = len(losses)
	p.points = append(p.points, EpochLosses{Epoch: epoch, Losses: slices.Clone(losses)})
	return nil
}

// Len returns the number of recorded epochs.
func (p *ParetoTracker) Len() int {
	if p == nil {
		return 0
	}
	return len(p.points)
}

// Points returns copies of the recorded epochs in the order they were added.
func (p *ParetoTracker) Points() []EpochLosses {
	if p == nil {
		return nil
	}
	return clonePoints(p.points, nil)
}

// Front returns copies of the non-dominated epochs, in the order they were
// added. Of epochs with identical losses all are kept (none dominates
// another).
func (p *ParetoTracker) Front() []EpochLosses {
	if p == nil || len(p.points) == 0 {
		return nil
	}
	front := p.front()
	slices.Sort(front)
	return clonePoints(p.points, front)
}

// front returns the indices of the non-dominated epochs.
func (p *ParetoTracker) front() []int {
	objs := make([][]float64, len(p.points))
	for i, e := range p.points {
		objs[i] = e.Losses
	}
	// Add keeps every point NaN-free with the same number of tasks, so the
	// shapes are valid.
	front, _ := pareto.Front(objs)
	return front
}

// Best returns the epoch of the front with the lowest loss of task t, the
// earliest among equals, and false if there are no epochs or t is out of
// range.
func (p *ParetoTracker) Best(t int) (EpochLosses, bool) {
	if p == nil || len(p.points) == 0 || t < 0 || t >= p.tasks {
		return EpochLosses{}, false
	}
	front := p.front()
	best := slices.MinFunc(front, func(a, b int) int {
		if c := cmp.Compare(p.points[a].Losses[t], p.points[b].Losses[t]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return clonePoints(p.points, []int{best})[0], true
}

// clonePoints returns deep copies of ps[i] for i in idx, or of all of ps
// when idx is nil.
func clonePoints(ps []EpochLosses, idx []int) []EpochLosses {
	if idx == nil {
		idx = make([]int, len(ps))
		for i := range idx {
			idx[i] = i
		}
	}
	out := make([]EpochLosses, len(idx))
	for k, i := range idx {
		out[k] = EpochLosses{Epoch: ps[i].Epoch, Losses: slices.Clone(ps[i].Losses)}
	}
	return out
}
