// Package packed is the compact binary form of the benchmark tables and
// images that the module's data packages embed: row keys (architecture
// strings) and named columns of float64 values, each value stored exactly,
// the whole compressed with gzip.
//
//	err := packed.Encode(&buf, packed.Table{Keys: archs, Columns: []packed.Column{{Name: "acc", Values: acc}}})
//	t, err := packed.Decode(buf.Bytes())               // the same keys and values, bit for bit
//	bench, err := packed.Benchmark(data, nasbench201.New()) // keys parsed as architectures of a space
//
// A column is stored in the smallest of three forms: when its values are
// all short decimals (percentages printed with a few digits, latencies,
// integer counts), as integers n with a shared scale d, value = n/10^d, in
// as few bytes per value as the largest n needs (or as differences from
// the previous row when those are smaller, as for an index column); when
// they are float32 values widened to float64, as 4 bytes each; otherwise as
// the 8 bytes of each float64 (NaN included). Fixed-width values are
// written one byte plane after another (all first bytes, then all second
// bytes …), which gzip compresses far better than interleaved bytes.
//
// EncodeImages and DecodeImages do the same for a labelled image set,
// storing each pixel as its difference from the mean of its left and upper
// neighbours.
package packed
