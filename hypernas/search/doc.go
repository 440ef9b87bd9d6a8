// Package search is predictor-guided neural architecture search: a
// Strategy spends a budget of oracle queries (each a trained network, or a
// benchmark lookup) to find the best architecture of a space, never
// querying one twice and never losing a paid answer.
//
// The common case:
//
//	oracle, err := search.NewTableOracle(bench.Table, "cifar10_valid_acc", "cifar10_test_acc")
//	s, err := search.NewStrategy("predictor-evolution", search.WithPredictor(hypernas.WithHidden(32)))
//	res, err := s.Search(ctx, space, oracle, 100, search.WithSeed(1))
//
// Strategies (one file each): PredictorEvolution (HyperNAS's search),
// PredictorIterative (the Neural Predictor's loop), Evolution (regularised
// evolution) and Random. Their settings are StrategyOptions; the settings
// of one search (seed, progress, candidates, a second objective with
// WithCost, a constraint with WithMaxCost, workers, storage) are Options.
// With a cost the search is multi-objective: Result.Pareto is the
// trade-off found, and ParetoFront / ParetoRanks rank any set of (value,
// cost) points.
//
// Search is a loop over a Study, an ask/tell search in the manner of
// Optuna: Study.Ask hands out the next architecture, Study.Tell records its
// result, and the strategy proposes from every told result while knowing
// the trials still out. WithWorkers evaluates several architectures at once
// (an asynchronous search); WithStorage keeps the study in a Storage — in
// memory, or a SQLite file or PostgreSQL database opened by package
// hypernas/search/storage — so that the same call resumes it after a crash,
// and Work lets processes on other machines evaluate its trials.
//
// An Oracle is a benchmark table (NewTableOracle), any function
// (NewFuncOracle), such as one that trains the architecture, or any
// program (NewCommandOracle: "python train.py --arch {arch}"). A failed
// oracle call is recorded as a failed query (Query.Failed) and the search
// goes on.
package search
