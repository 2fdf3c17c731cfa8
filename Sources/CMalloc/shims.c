// The functions are static inline in include/civichub_malloc.h; SwiftPM needs one source file.
#include "civichub_malloc.h"
