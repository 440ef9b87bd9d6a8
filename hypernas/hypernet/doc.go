// Package hypernet is HyperNAS's auxiliary task (Lv et al., CVPR 2026): a
// shared hypernetwork maps the GCN embedding of every operation of an
// architecture to that operation's weights, the weights are loaded into a
// small proxy of the architecture (the target network), and the target
// network's cross-entropy on an image dataset, L_hyper, trains the encoder
// together with the prediction loss. It is used in training only.
//
// The common case:
//
//	images, err := auxdata.ReadCIFAR10Files(path)
//	task, err := hypernet.New(nasbench201.New(), images)
//	p, err := hypernas.NewPredictor(space, hypernas.WithAux(task), hypernas.WithWeighting(hypernas.AdaptiveWeights(1.5)))
//
// The target network of any space is built from the space's declaration
// of what its node types compute (searchspace.Computable; every built-in
// space declares it): each architecture's own unit graphs, wired per
// architecture, a node's input the sum of its predecessors, its output its
// primitive (convolutions, pooling, identity, zero, residual blocks,
// attention, MLPs) with weights generated from its embedding by one
// hypernetwork head per weight shape. Config (set with the With… options)
// sizes the proxy. GeneratedWeights returns the weights the trained
// hypernetwork generates for an architecture.
package hypernet
