// glibc's allocator controls (malloc.h is not part of Swift's Glibc module).
#ifndef CIVICHUB_MALLOC_H
#define CIVICHUB_MALLOC_H

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>

/// Caps the number of malloc arenas; returns 1 on success.
static inline int civichub_limit_malloc_arenas(int count) { return mallopt(M_ARENA_MAX, count); }

/// Returns free heap memory to the system; returns 1 when some was released.
static inline int civichub_malloc_trim(void) { return malloc_trim(0); }
#else
static inline int civichub_limit_malloc_arenas(int count) { (void)count; return 0; }
static inline int civichub_malloc_trim(void) { return 0; }
#endif

#endif
