// A fixed pool of worker threads that wakes cheaply for millisecond-sized runs. kiln_pool_run
// publishes a task by bumping an atomic generation counter; workers spin on it for a while
// (about 50 us) before sleeping on a condition variable, and the caller spins until every worker
// has finished its part. A worker that goes to sleep counts itself in `sleepers` first and looks
// at the generation again under the lock, so a task is never missed; the caller takes the lock
// and broadcasts only when somebody sleeps. Nothing is allocated after kiln_pool_create.
#include "kiln/thread-pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define PAUSE() __asm__ volatile("yield")
#else
#define PAUSE() ((void)0)
#endif

enum { SPINS = 20000 };

struct kiln_pool {
  size_t threads;
  pthread_t *workers;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  atomic_ulong generation;
  atomic_size_t pending;
  atomic_int sleepers;
  atomic_int stopping;
  void (*fn)(void *, size_t, size_t);
  void *context;
};

struct start { struct kiln_pool *pool; size_t index; };

static void *worker(void *arg) {
  struct start *s = arg;
  struct kiln_pool *pool = s->pool;
  const size_t index = s->index;
  free(s);
  unsigned long seen = 0;
  for (;;) {
    unsigned long g = atomic_load(&pool->generation);
    for (int i = 0; g == seen && i < SPINS && !atomic_load(&pool->stopping); i++) {
      PAUSE();
      g = atomic_load(&pool->generation);
    }
    if (g == seen) {
      pthread_mutex_lock(&pool->lock);
      atomic_fetch_add(&pool->sleepers, 1);
      while ((g = atomic_load(&pool->generation)) == seen && !atomic_load(&pool->stopping)) pthread_cond_wait(&pool->wake, &pool->lock);
      atomic_fetch_sub(&pool->sleepers, 1);
      pthread_mutex_unlock(&pool->lock);
    }
    if (atomic_load(&pool->stopping)) break;
    seen = g;
    pool->fn(pool->context, index, pool->threads);
    atomic_fetch_sub(&pool->pending, 1);
  }
  return 0;
}

struct kiln_pool *kiln_pool_create(size_t threads) {
  if (threads < 1) return 0;
  struct kiln_pool *pool = calloc(1, sizeof *pool);
  if (!pool) return 0;
  pool->threads = threads;
  pthread_mutex_init(&pool->lock, 0);
  pthread_cond_init(&pool->wake, 0);
  pool->workers = calloc(threads, sizeof(pthread_t));
  size_t started = 1;
  for (; pool->workers && started < threads; started++) {
    struct start *s = malloc(sizeof *s);
    if (!s) break;
    s->pool = pool;
    s->index = started;
    if (pthread_create(&pool->workers[started], 0, worker, s) != 0) { free(s); break; }
  }
  if (!pool->workers || started < threads) {
    pool->threads = started;  // join the ones that did start
    kiln_pool_destroy(pool);
    return 0;
  }
  return pool;
}

void kiln_pool_destroy(struct kiln_pool *pool) {
  if (!pool) return;
  pthread_mutex_lock(&pool->lock);
  atomic_store(&pool->stopping, 1);
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  for (size_t i = 1; pool->workers && i < pool->threads; i++) pthread_join(pool->workers[i], 0);
  pthread_mutex_destroy(&pool->lock);
  pthread_cond_destroy(&pool->wake);
  free(pool->workers);
  free(pool);
}

void kiln_pool_run(struct kiln_pool *pool, void (*fn)(void *, size_t, size_t), void *context) {
  if (pool->threads == 1) { fn(context, 0, 1); return; }
  pool->fn = fn;
  pool->context = context;
  atomic_store(&pool->pending, pool->threads - 1);
  atomic_fetch_add(&pool->generation, 1);  // publishes fn and context (sequentially consistent)
  if (atomic_load(&pool->sleepers) > 0) {
    pthread_mutex_lock(&pool->lock);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
  }
  fn(context, 0, pool->threads);
  while (atomic_load(&pool->pending) > 0) PAUSE();
}
