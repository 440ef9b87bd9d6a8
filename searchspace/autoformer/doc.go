// Package autoformer is the AutoFormer vision-transformer search space
// (Chen et al., "AutoFormer: Searching Transformers for Visual
// Recognition", ICCV 2021): a ViT whose depth and embedding dimension are
// chosen once per network and whose heads and MLP ratio are chosen per
// layer, in the Tiny, Small and Base supernet spaces of the paper.
//
// The common case:
//
//	space := autoformer.NewTiny()
//	v, err := space.SampleWhere(rng, space.ParamsWithin(5e6, 6e6)) // a 5–6 M-parameter ViT
//	fmt.Println(v, space.Params(v), space.FLOPs(v))                 // embed=…;depth=…;heads=…;mlp=…
//	seq, err := space.Encode(v)                                     // one graph per layer
//
// NewTiny, NewSmall and NewBase are the published supernets; New makes
// others with functional options, starting from Tiny:
//
//	space, err := autoformer.New(autoformer.WithSupernet(autoformer.Small), autoformer.WithClasses(100), autoformer.WithName("small_c100"))
//
// No accuracy table exists for this space: label architectures with your
// own evaluator (train them, or query a trained supernet) and give the
// (architecture, accuracy) pairs to the predictor like any benchmark's.
// Params and FLOPs (multiply-accumulates, 224×224 input, 16×16 patches,
// 1000 classes by default) support parameter budgets (ParamsWithin,
// SampleWhere, MutateWhere) and cost-aware search. The space is far too
// large to enumerate (Count: about 10^9 for Tiny, 10^16 for Base).
//
// An architecture's text form is embed=E;depth=D;heads=h1,…,hD;mlp=r1,…,rD
// (ViT.String, Parse). Encode gives one 5-node graph per layer (input,
// attention, residual add, MLP, output, with the residual edges) whose node
// features hold the embedding dimension, the layer's heads and MLP ratio,
// and the depth, each over the space's largest choice.
package autoformer
