package hypernas

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
	"gorgonia.org/tensor"
)

// ErrBadCheckpoint is wrapped by every error about an unreadable predictor
// file: foreign, truncated, corrupt, of an unknown version, or for another
// space.
var ErrBadCheckpoint = errors.New("hypernas: bad predictor file")

// File layout, version 1 (all integers little-endian):
//
//	magic "HYPERNAS" | uint32 version | uint32 header length | header (JSON) |
//	float64 values of every parameter, in header order | uint32 CRC-32 (IEEE)
//	of everything before it
//
// The header is the canonical JSON encoding of checkpointHeader; anything
// else is rejected, so a file that loads saves back byte for byte.
const (
	checkpointMagic   = "HYPERNAS"
	checkpointVersion = 1
	maxHeader         = 1 << 20
	maxValues         = 1 << 28
	// maxWeight bounds the magnitude of a loaded weight. Training with
	// weight decay keeps weights near unit scale; a value beyond this is
	// corruption, and would overflow float32 arithmetic into Inf or NaN
	// predictions.
	maxWeight = 1e6
)

type checkpointParam struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

type checkpointHeader struct {
	Space      string            `json:"space"`
	Encoding   string            `json:"encoding"`
	Units      int               `json:"units"`
	Nodes      int               `json:"nodes"`
	Vocab      int               `json:"vocab"`
	Features   int               `json:"features"`
	Hidden     int               `json:"hidden"`
	Layers     int               `json:"layers"`
	HeadHidden int               `json:"head_hidden"`
	DType      string            `json:"dtype"`
	LabelMean  float64           `json:"label_mean"`
	LabelStd   float64           `json:"label_std"`
	Params     []checkpointParam `json:"params"`
}

// Save writes the trained predictor. The hypernetwork and other
// training-only parts are not stored: prediction needs the encoder and the
// head alone.
func (p *Predictor) Save(w io.Writer) error {
	if w == nil {
		return fmt.Errorf("%w: Save to a nil writer", ErrBadOption)
	}
	if err := p.beginReading(); err != nil {
		return err
	}
	defer p.endReading()
	if !p.trained {
		return ErrNotTrained
	}
	h := checkpointHeader{Space: p.space.Name(), Encoding: p.opts.Encoding.String(),
		Units: p.shape.Units, Nodes: p.shape.Nodes, Vocab: p.shape.Vocab, Features: p.shape.Features,
		Hidden: p.opts.Hidden, Layers: p.opts.Layers, HeadHidden: p.opts.HeadHidden,
		DType: p.opts.DType.String(), LabelMean: p.mean, LabelStd: p.std}
	var vals []float64
	for _, name := range p.params.Names() {
		if !isPredictionParam(name) {
			continue
		}
		h.Params = append(h.Params, checkpointParam{Name: name, Shape: []int(p.params.Get(name).Shape())})
		vals = append(vals, p.params.Float64s(name)...)
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		return err
	}
	_, err = w.Write(assembleCheckpoint(hdr, vals))
	return err
}

// assembleCheckpoint lays out a predictor file: magic, version, header,
// values and the checksum of all before it.
func assembleCheckpoint(hdr []byte, vals []float64) []byte {
	var buf bytes.Buffer
	buf.WriteString(checkpointMagic)
	_ = binary.Write(&buf, binary.LittleEndian, uint32(checkpointVersion))
	_ = binary.Write(&buf, binary.LittleEndian, uint32(len(hdr)))
	buf.Write(hdr)
	_ = binary.Write(&buf, binary.LittleEndian, vals)
	_ = binary.Write(&buf, binary.LittleEndian, crc32.ChecksumIEEE(buf.Bytes()))
	return buf.Bytes()
}

// isPredictionParam reports whether a parameter is needed at prediction
// time (encoder and head, not the hypernetwork or target network).
func isPredictionParam(name string) bool {
	return len(name) > 4 && (name[:4] == "enc/" || name[:5] == "head/")
}

// SaveFile writes the predictor to a file, through a temporary file in the
// same folder that is renamed into place, so that a crash never leaves a
// truncated predictor behind.
func (p *Predictor) SaveFile(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := p.Save(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Load reads a predictor saved by Save for the given space. Options may set
// prediction and further-training settings (workers, batch sizes, epochs);
// the model's architecture comes from the file.
func Load(r io.Reader, space searchspace.SearchSpace, opts ...Option) (*Predictor, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: Load from a nil reader", ErrBadOption)
	}
	data, err := io.ReadAll(io.LimitReader(r, 8*maxValues+maxHeader+64))
	if err != nil {
		return nil, err
	}
	return loadBytes(data, space, opts...)
}

// LoadFile reads a predictor file; errors name the file.
func LoadFile(path string, space searchspace.SearchSpace, opts ...Option) (*Predictor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := Load(f, space, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBadCheckpoint}, args...)...)
}

func loadBytes(data []byte, space searchspace.SearchSpace, opts ...Option) (*Predictor, error) {
	if len(data) < len(checkpointMagic) || string(data[:len(checkpointMagic)]) != checkpointMagic {
		return nil, bad("not a go-hypernas predictor file (no %q magic)", checkpointMagic)
	}
	if len(data) < 20 {
		return nil, bad("truncated: %d bytes", len(data))
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != checkpointVersion {
		return nil, bad("version %d; this library reads version %d", v, checkpointVersion)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	hlen := int(binary.LittleEndian.Uint32(data[12:]))
	if hlen > maxHeader || 16+hlen > len(body) {
		return nil, bad("truncated or corrupt: header of %d bytes in a file of %d", hlen, len(data))
	}
	if crc32.ChecksumIEEE(body) != sum {
		return nil, bad("checksum mismatch: the file is truncated or corrupt")
	}
	hdr := data[16 : 16+hlen]
	var h checkpointHeader
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, bad("header: %v", err)
	}
	if canon, err := json.Marshal(h); err != nil || !bytes.Equal(canon, hdr) {
		return nil, bad("header is not in canonical form")
	}
	if space == nil {
		return nil, fmt.Errorf("%w: Load needs the predictor's search space", ErrBadOption)
	}
	if h.Space != space.Name() {
		return nil, bad("predictor was trained on space %q, not %q", h.Space, space.Name())
	}
	o := Defaults()
	switch h.Encoding {
	case Global.String():
		o.Encoding = Global
	case SingleCell.String():
		o.Encoding = SingleCell
	default:
		return nil, bad("unknown encoding %q", h.Encoding)
	}
	switch h.DType {
	case tensor.Float32.String():
		o.DType = tensor.Float32
	case tensor.Float64.String():
		o.DType = tensor.Float64
	default:
		return nil, bad("unknown dtype %q", h.DType)
	}
	o.Hidden, o.Layers, o.HeadHidden = h.Hidden, h.Layers, h.HeadHidden
	if h.Hidden < 1 || h.Layers < 1 || h.HeadHidden < 1 {
		return nil, bad("hidden size %d, layers %d, head size %d", h.Hidden, h.Layers, h.HeadHidden)
	}
	fixed := o
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if o.Encoding != fixed.Encoding || o.DType != fixed.DType || o.Hidden != fixed.Hidden || o.Layers != fixed.Layers || o.HeadHidden != fixed.HeadHidden {
		return nil, fmt.Errorf("%w: the encoding, dtype, hidden size, layers and head size of a loaded predictor come from its file", ErrBadOption)
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	if math.IsNaN(h.LabelMean) || math.IsInf(h.LabelMean, 0) || !(h.LabelStd > 0) || math.IsInf(h.LabelStd, 0) || math.IsInf(h.LabelMean+h.LabelStd*maxWeight, 0) {
		return nil, bad("label normalisation mean %v, std %v", h.LabelMean, h.LabelStd)
	}
	shape, err := encoding.ShapeOf(space, o.Encoding == Global)
	if err != nil {
		return nil, err
	}
	if (encoding.Shape{Units: h.Units, Nodes: h.Nodes, Vocab: h.Vocab, Features: h.Features}) != shape {
		return nil, bad("encoding shape %d units × %d nodes, %d ops, %d features does not match space %s (%+v)", h.Units, h.Nodes, h.Vocab, h.Features, space.Name(), shape)
	}
	// The header's sizes are checked against the payload before anything
	// is allocated: the values every parameter needs, and a lower bound of
	// what a model of the header's sizes needs (the head's first layer and
	// one GCN weight per layer), so that a crafted header cannot make the
	// initialisation below allocate far more than the file holds.
	payload := (len(body) - 16 - hlen) / 8
	total := 0
	sizes := make([]int, len(h.Params))
	for i, cp := range h.Params {
		n, err := gx.Size(cp.Shape...)
		if err != nil || n > maxValues {
			return nil, bad("parameter %s has shape %v", cp.Name, cp.Shape)
		}
		sizes[i] = n
		if total += n; total > payload {
			return nil, bad("the header lists %d+ values, the file holds %d", total, payload)
		}
	}
	if need := float64(h.Hidden)*float64(h.HeadHidden) + float64(h.Layers)*float64(h.Hidden)*float64(h.Hidden); need > float64(total) {
		return nil, bad("hidden size %d, %d layers and head size %d need more than the %d values the file holds", h.Hidden, h.Layers, h.HeadHidden, total)
	}
	params, err := encoding.NewParams(o.DType)
	if err != nil {
		return nil, err
	}
	off := 16 + hlen
	for i, cp := range h.Params {
		n := sizes[i]
		if off+8*n > len(body) {
			return nil, bad("truncated in parameter %s", cp.Name)
		}
		vals := make([]float64, n)
		for i := range vals {
			v := math.Float64frombits(binary.LittleEndian.Uint64(body[off+8*i:]))
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxWeight {
				return nil, bad("parameter %s, value %d is %v (weights must be finite and at most %g in magnitude)", cp.Name, i, v, maxWeight)
			}
			vals[i] = v
		}
		off += 8 * n
		if params.Get(cp.Name) != nil || !isPredictionParam(cp.Name) {
			return nil, bad("unexpected parameter %s", cp.Name)
		}
		if _, err := params.Set(cp.Name, tensor.Shape(cp.Shape), vals); err != nil {
			return nil, bad("%v", err)
		}
	}
	if off != len(body) {
		return nil, bad("%d unexpected bytes after the parameters", len(body)-off)
	}
	p := &Predictor{space: space, opts: o, shape: shape, params: params, mean: h.LabelMean, std: h.LabelStd, trained: true}
	// The file must hold exactly the parameters this architecture needs,
	// with the right shapes: initialising over it must change nothing.
	want, _ := encoding.NewParams(o.DType)
	if err := encoding.InitParams(want, p.encConfig(), newSeedRand(0)); err != nil {
		return nil, bad("%v", err)
	}
	if err := initHead(want, o.Hidden, o.HeadHidden, newSeedRand(0)); err != nil {
		return nil, bad("%v", err)
	}
	if len(want.Names()) != len(params.Names()) {
		return nil, bad("file has %d parameters, the model needs %d", len(params.Names()), len(want.Names()))
	}
	for _, name := range want.Names() {
		got := params.Get(name)
		if got == nil {
			return nil, bad("missing parameter %s", name)
		}
		if !got.Shape().Eq(want.Get(name).Shape()) {
			return nil, bad("parameter %s has shape %v, the model needs %v", name, got.Shape(), want.Get(name).Shape())
		}
	}
	return p, nil
}
