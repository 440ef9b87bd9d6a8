// Package cifar10data holds the CIFAR-10 images of the hypernetwork's
// auxiliary task, built into the module: the first 4,000 training images
// of CIFAR-10 (data_batch_1), area-averaged from 32×32 to 8×8, the size
// the default target network reads (hypernet.DefaultConfig().ImageSize).
// It needs no download, no data folder and no set-up; import it only where
// you want the images (package auxdata, the hypernetwork and the predictor
// do not).
//
//	images, err := cifar10data.Load()                    // 4,000 images of 8×8×3, labels 0 … 9
//	task, err := hypernet.New(nasbench201.New(), images) // the auxiliary task on them
//	name := cifar10data.Classes[images.Labels[0]]        // "frog"
//
// Each pixel is the mean of a 4×4 block of the original image rounded to
// a byte, so the images differ from auxdata.Dataset.Prepare(8) of the
// originals by at most half a grey level. Larger proxies (hypernet's
// WithImageSize(16)) need the 32×32 originals: read them with
// auxdata.ReadCIFAR10Files.
//
// Origin: CIFAR-10 (Krizhevsky, "Learning Multiple Layers of Features from
// Tiny Images", 2009), the binary version's first training batch.
//
//go:generate go run github.com/hypernas/go-hypernas/internal/gendata -only cifar10
package cifar10data
