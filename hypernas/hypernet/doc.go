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
// Target networks exist for NAS-Bench-201 and NAS-Bench-101; Config (set
// with the With… options) sizes the proxy. GeneratedWeights returns the
// weights the trained hypernetwork generates for an architecture.
package hypernet
