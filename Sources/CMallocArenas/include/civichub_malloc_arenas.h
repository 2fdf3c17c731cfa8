#ifndef CIVICHUB_MALLOC_ARENAS_H
#define CIVICHUB_MALLOC_ARENAS_H

/// The number of malloc arenas the node process was limited to before `main`, or 0 when it was
/// left alone (not glibc, or MALLOC_ARENA_MAX / GLIBC_TUNABLES set by whoever started it).
int civichub_malloc_arena_cap(void);

#endif
