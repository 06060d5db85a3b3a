// libpng for KilnImage (apt: libpng-dev zlib1g-dev pkg-config).
#include <png.h>
