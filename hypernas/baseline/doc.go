// Package baseline holds the predictors a GCN should be measured against,
// and the means to pick among them with the training labels alone: ridge
// regression (Ridge) and a random forest (Forest) on a flat one-hot /
// feature encoding that every space has (Features), the GCN of package
// hypernas as a model of the same kind (GCN), an average of several seeds
// of any of them (Ensemble), and a choice among candidates by k-fold
// cross-validation on the training set (CV; AutoModel: ridge, forest and
// the GCN "hypernas-p").
//
// On a new space with 50–200 labels a linear model can rank as well as a
// graph network trained from scratch; the cross-validated choice keeps a
// user from finding out the hard way. The common case:
//
//	spec := baseline.AutoModel(space, nil, hypernas.WithEpochs(300)) // ridge, forest, hypernas-p
//	m, err := spec.Make(seed)
//	err = m.Fit(ctx, archs, labels)   // 3-fold CV on these labels, then the two best refitted on all, averaged
//	scores, err := m.Predict(ctx, candidates)
//	fmt.Println(m.(*baseline.CV).Chosen(), m.(*baseline.CV).Scores())
//
// Every model trains on the rank-Gauss transform of the labels by default
// (hypernas.TrainingTargets), as the GCN does, so that a few failed runs
// do not dominate and predictions of different models can be averaged.
// Package fewshot evaluates any Spec under the literature's protocol
// (fewshot.EvaluateModel), and examples/fewshot selects them with -model
// ridge, forest or auto.
package baseline
