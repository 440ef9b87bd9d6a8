package hypernet

import (
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/internal/stepbench"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/autoformer"
	"github.com/hypernas/go-hypernas/searchspace/darts"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/transnas101"
)

// BenchmarkJointStepNB201 measures one joint training step (pack, forward,
// backward, Adam) of a batch of 16 NB201 architectures with the default
// options and the default hypernetwork proxy, on synthetic CIFAR-shaped
// images; "pred" is the same step without the auxiliary task, so the
// difference is the cost of the hypernetwork and the target network.
func BenchmarkJointStepNB201(b *testing.B) { benchJointStep(b, nasbench201.New()) }

// BenchmarkJointStepNB101 is BenchmarkJointStepNB201 for NB101 cells,
// whose target network is wired per architecture.
func BenchmarkJointStepNB101(b *testing.B) { benchJointStep(b, nasbench101.New()) }

// BenchmarkJointStepDARTS is BenchmarkJointStepNB201 for DARTS genotypes
// (8-cell networks).
func BenchmarkJointStepDARTS(b *testing.B) {
	space, err := darts.New()
	if err != nil {
		b.Fatal(err)
	}
	benchJointStep(b, space)
}

// BenchmarkJointStepTNBMicro is BenchmarkJointStepNB201 for
// TransNAS-Bench-101 micro cells.
func BenchmarkJointStepTNBMicro(b *testing.B) { benchJointStep(b, transnas101.NewMicro()) }

// BenchmarkJointStepTNBMacro is BenchmarkJointStepNB201 for
// TransNAS-Bench-101 macro skeletons (8–12 residual blocks).
func BenchmarkJointStepTNBMacro(b *testing.B) { benchJointStep(b, transnas101.NewMacro()) }

// BenchmarkJointStepAutoFormer is BenchmarkJointStepNB201 for
// AutoFormer-Tiny ViTs (12–14 layers).
func BenchmarkJointStepAutoFormer(b *testing.B) { benchJointStep(b, autoformer.NewTiny()) }

func benchJointStep(b *testing.B, space searchspace.SearchSpace) {
	archs := fixture.SampleArchs(space, 78, 1)
	task, err := New(space, syntheticImages(512, 1))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opts []hypernas.Option
	}{{"pred", nil}, {"joint", []hypernas.Option{hypernas.WithAux(task)}}} {
		b.Run(c.name, func(b *testing.B) { stepbench.TrainSteps(b, space, archs, c.opts...) })
	}
}
