// Which kernel taps of a convolution read the input for some output (see kiln_conv_span).
#include "kiln/conv-span.h"

#include <stddef.h>

struct kiln_span kiln_conv_span(size_t taps, size_t out, size_t in, size_t stride, size_t dilation, size_t pad) {
  size_t first = taps, last = 0;
  for (size_t t = 0; t < taps; t++) {
    for (size_t o = 0; o < out; o++) {
      const ptrdiff_t i = (ptrdiff_t)(o * stride + t * dilation) - (ptrdiff_t)pad;
      if (i >= 0 && i < (ptrdiff_t)in) {
        first = t < first ? t : first;
        last = t;
        break;
      }
    }
  }
  return first < taps ? (struct kiln_span){first, last - first + 1} : (struct kiln_span){0, 1};
}
