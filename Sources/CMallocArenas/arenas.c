// glibc gives each thread that allocates concurrently its own malloc arena, up to 8 per core, and
// keeps what a burst freed in each. Under the soak (SECURITY.md) the node's RSS grew with 16 arenas
// holding 61 MB for 27 MB in use; with two it stayed within 1.25x of the first minute. The cap must
// be set before any thread allocates, hence a constructor rather than a call from Swift's main.
#include "civichub_malloc_arenas.h"

#include <stdlib.h>  // first: it defines __GLIBC__

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <string.h>

static int arena_cap = 0;

__attribute__((constructor)) static void civichub_cap_malloc_arenas(void) {
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (getenv("MALLOC_ARENA_MAX") != NULL || (tunables != NULL && strstr(tunables, "arena_max") != NULL)) return;
    if (mallopt(M_ARENA_MAX, 2) == 1) arena_cap = 2;
}

int civichub_malloc_arena_cap(void) { return arena_cap; }
#else
int civichub_malloc_arena_cap(void) { return 0; }
#endif
