// Package auxdata reads the image datasets of HyperNAS's auxiliary task, in
// which a hypernetwork generates the weights of a small target network that
// is trained to classify images (its loss is L_hyper): CIFAR-10 in its
// official binary format and IDX files (MNIST, Fashion-MNIST;
// gzip-compressed or not). It scales images down by area averaging,
// normalises them per channel and serves seeded, shuffled mini-batches.
//
// The common case:
//
//	d, err := auxdata.ReadCIFAR10Files(filepath.Join(dataDir, "cifar10", "train_4000.bin"))
//	im, err := d.Prepare(8)                             // 8×8, zero mean, unit variance per channel
//	it, err := im.Iterator(rand.New(rand.NewPCG(1, 2))) // then it.Next(pixels, labels) per batch
//
// Every function returns an error, never panics, on a bad argument: a nil
// reader or random source, a size out of range, a Dataset or Images whose
// fields do not agree.
package auxdata
