// Package tnbdata is TransNAS-Bench-101, built into the module: all 4,096
// cells of the micro space and all 3,256 skeletons of the macro space,
// each with the final validation metric of the benchmark's seven tasks on
// Taskonomy images and zero-cost proxy scores. It needs no download, no
// data folder and no set-up; import it only where you want the data
// (package transnas101 and the predictor do not).
//
//	micro, err := tnbdata.LoadMicro() // 4,096 cells, enumeration order
//	macro, err := tnbdata.LoadMacro() // 3,256 skeletons, enumeration order
//	acc, err := macro.Labels(transnas101.Metric("class_object"), nil)
//
// The tables are exactly what transnas101.LoadMicro and LoadMacro return
// for the benchmark's files (micro.csv, macro.csv), which a data folder can
// still supply.
//
// Origin: TransNAS-Bench-101 (Duan et al., "TransNAS-Bench-101: Improving
// Transferability and Generalizability of Cross-Task Neural Architecture
// Search", CVPR 2021), with the zero-cost scores of NASLib
// (NAS-Bench-Suite-Zero, NeurIPS 2022 Datasets and Benchmarks).
//
//go:generate go run github.com/hypernas/go-hypernas/internal/gendata -only tnb-micro,tnb-macro
package tnbdata
