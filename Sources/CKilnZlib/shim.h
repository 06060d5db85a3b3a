// zlib for reading gzipped datasets (apt: zlib1g-dev).
#include <zlib.h>
