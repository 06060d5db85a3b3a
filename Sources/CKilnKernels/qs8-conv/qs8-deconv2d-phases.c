// The phases of an int8 ConvTranspose2d (see struct kiln_qs8_phase): which outputs each phase
// makes and which taps it runs, and the two special forms: a dense layer (a 1x1 input, as a
// generator's first layer) and the narrow GEMM (every phase at most KILN_QS8_NARROW_N outputs).
#include "kiln/qs8-conv.h"

#include "qs8-phase.h"

/// Taps of phase r along one axis of a kernel of k taps (those r, r + s, ... < k).
static size_t phase_taps(size_t r, size_t k, size_t s) { return r < k ? (k - r + s - 1) / s : 0; }

/// Output positions of phase r along one axis: o = first + j * s for j < count.
static size_t phase_first(size_t r, size_t pad, size_t s) { return (r + s - pad % s) % s; }
static size_t phase_count(size_t first, size_t out, size_t s) { return first < out ? (out - first + s - 1) / s : 0; }

/// The taps [first, first + count) of `all` that output j < outputs of a phase reads the input
/// with: j's tap a reads input position base + j - a, inside when 0 <= base + j - a < in. Never
/// empty unless all is 0 (tap 0 is kept when none lands, as in kiln_conv_span).
static struct kiln_span phase_span(size_t all, size_t base, size_t outputs, size_t in) {
  const size_t first = base + 1 > in ? base + 1 - in : 0, end = base + outputs < all ? base + outputs : all;
  if (all == 0) return (struct kiln_span){0, 0};
  return outputs > 0 && first < end ? (struct kiln_span){first, end - first} : (struct kiln_span){0, 1};
}

struct kiln_qs8_phase kiln_qs8_phase_of(const struct kiln_qs8_layer *l, size_t ph) {
  struct kiln_qs8_phase p;
  p.ry = ph / l->sw;
  p.rx = ph % l->sw;
  p.fy = phase_first(p.ry, l->pad_top, l->sh);
  p.fx = phase_first(p.rx, l->pad_left, l->sw);
  p.rows = phase_count(p.fy, l->oh, l->sh);
  p.cols = phase_count(p.fx, l->ow, l->sw);
  p.by = (p.fy + l->pad_top - p.ry) / l->sh;
  p.bx = (p.fx + l->pad_left - p.rx) / l->sw;
  p.ty = phase_span(phase_taps(p.ry, l->kh, l->sh), p.by, p.rows, l->h);
  p.tx = phase_span(phase_taps(p.rx, l->kw, l->sw), p.bx, p.cols, l->w);
  p.k = l->c * p.ty.count * p.tx.count;
  return p;
}

int kiln_qs8_deconv2d_narrow(const struct kiln_qs8_layer *l) {
  if (!l->path->gemm->narrow.gemm) return 0;
  if (kiln_qs8_deconv2d_dense(l)) return l->batch <= KILN_QS8_NARROW_N;
  for (size_t ph = 0; ph < l->sh * l->sw; ph++) {
    const struct kiln_qs8_phase p = kiln_qs8_phase_of(l, ph);
    if (l->batch * p.rows * p.cols > KILN_QS8_NARROW_N) return 0;
  }
  return 1;
}

int kiln_qs8_deconv2d_dense(const struct kiln_qs8_layer *l) {
  return l->h == 1 && l->w == 1 && l->sh == 1 && l->sw == 1 && l->pad_top == 0 && l->pad_left == 0 && l->oh == l->kh && l->ow == l->kw;
}

size_t kiln_qs8_deconv2d_channel_count(const struct kiln_qs8_layer *l) {
  return kiln_qs8_deconv2d_dense(l) ? l->m * l->kh * l->kw : l->sh * l->sw * l->m;
}

