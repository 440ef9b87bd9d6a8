package autoformer

// Params counts the learnable parameters of v's network as a standard ViT
// with AutoFormer's Q-K-V search (q = HeadDim × heads per layer):
//
//	patch embedding   C·P²·E + E                  (conv weight and bias)
//	class token, positions  E + (N+1)·E           (N = (ImageSize/P)² patches)
//	per layer         2·2E                        (two LayerNorms)
//	                  E·3q + 3q + q·E + E         (qkv with bias, projection)
//	                  E·H + H + H·E + E           (MLP, H = int(E × ratio))
//	final LayerNorm, head  2E + E·K + K           (K classes)
//
// AutoFormer's released models add relative position encodings, which are
// not counted. v should be valid for the space (Validate); Params does not
// check it, and counts the layers of Heads with the ratios of MLPRatios (0
// where it is shorter).
func (s *Space) Params(v ViT) int64 { return s.get().params(v) }

func (s *Space) params(v ViT) int64 {
	e := int64(v.Embed)
	c := s.c
	p := int64(c.PatchSize)
	n := int64(c.ImageSize/c.PatchSize) * int64(c.ImageSize/c.PatchSize)
	total := int64(c.InChannels)*p*p*e + e // patch embedding
	total += e + (n+1)*e                   // class token, position embedding
	for i, h := range v.Heads {
		q := int64(c.HeadDim) * int64(h)
		hid := hidden(v.Embed, ratioAt(v, i))
		total += 4 * e                   // two LayerNorms
		total += e*3*q + 3*q + q*e + e   // attention
		total += e*hid + hid + hid*e + e // MLP
	}
	total += 2*e + e*int64(c.Classes) + int64(c.Classes) // final norm, head
	return total
}

// FLOPs counts the multiply-accumulate operations of one forward pass on
// one image, the convention of the ViT literature (DeiT-Ti: 1.3 G), for
// T = N+1 tokens:
//
//	patch embedding   N·E·C·P²
//	per layer         T·E·3q + 2·T²·q + T·q·E     (qkv, QKᵀ and attention × V, projection)
//	                  2·T·E·H                     (MLP)
//	head              E·K
//
// Normalisation, softmax, activations, additions and biases are left out.
// v should be valid for the space; FLOPs does not check it (see Params).
func (s *Space) FLOPs(v ViT) int64 {
	s = s.get()
	e := int64(v.Embed)
	c := s.c
	p := int64(c.PatchSize)
	n := int64(c.ImageSize/c.PatchSize) * int64(c.ImageSize/c.PatchSize)
	t := n + 1
	total := n * e * int64(c.InChannels) * p * p
	for i, h := range v.Heads {
		q := int64(c.HeadDim) * int64(h)
		hid := hidden(v.Embed, ratioAt(v, i))
		total += t*e*3*q + 2*t*t*q + t*q*e
		total += 2 * t * e * hid
	}
	return total + e*int64(c.Classes)
}

// hidden is the MLP width, int(embed × ratio) as AutoFormer computes it.
func hidden(embed int, ratio float64) int64 { return int64(float64(embed) * ratio) }

// ratioAt is the MLP ratio of layer i, 0 when v has none.
func ratioAt(v ViT, i int) float64 {
	if i < len(v.MLPRatios) {
		return v.MLPRatios[i]
	}
	return 0
}
