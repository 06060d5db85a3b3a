// A fixed pool of worker threads, made at plan time; running a task allocates nothing.
#ifndef KILN_THREAD_POOL_H
#define KILN_THREAD_POOL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kiln_pool;
/// A pool that runs tasks on `threads` threads: the caller and threads - 1 workers. NULL on failure.
struct kiln_pool *kiln_pool_create(size_t threads);
void kiln_pool_destroy(struct kiln_pool *pool);
/// Calls fn(context, t, threads) once for each t in 0 ..< threads, concurrently, and returns when
/// all have returned.
void kiln_pool_run(struct kiln_pool *pool, void (*fn)(void *context, size_t thread, size_t threads), void *context);

#ifdef __cplusplus
}
#endif
#endif
