// A fixed pool of worker threads. kiln_pool_run publishes a task under a mutex, bumps a
// generation counter and wakes the workers; the caller runs part 0 itself and waits until every
// worker has finished its part. Nothing is allocated after kiln_pool_create.
#include "kiln_kernels.h"

#include <pthread.h>
#include <stdlib.h>

struct kiln_pool {
  size_t threads;
  pthread_t *workers;
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  unsigned long generation;
  size_t pending;
  int stopping;
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
  pthread_mutex_lock(&pool->lock);
  for (;;) {
    while (pool->generation == seen && !pool->stopping) pthread_cond_wait(&pool->wake, &pool->lock);
    if (pool->stopping) break;
    seen = pool->generation;
    void (*fn)(void *, size_t, size_t) = pool->fn;
    void *context = pool->context;
    pthread_mutex_unlock(&pool->lock);
    fn(context, index, pool->threads);
    pthread_mutex_lock(&pool->lock);
    if (--pool->pending == 0) pthread_cond_signal(&pool->done);
  }
  pthread_mutex_unlock(&pool->lock);
  return 0;
}

struct kiln_pool *kiln_pool_create(size_t threads) {
  if (threads < 1) return 0;
  struct kiln_pool *pool = calloc(1, sizeof *pool);
  if (!pool) return 0;
  pool->threads = threads;
  pthread_mutex_init(&pool->lock, 0);
  pthread_cond_init(&pool->wake, 0);
  pthread_cond_init(&pool->done, 0);
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
  pool->stopping = 1;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  for (size_t i = 1; pool->workers && i < pool->threads; i++) pthread_join(pool->workers[i], 0);
  pthread_mutex_destroy(&pool->lock);
  pthread_cond_destroy(&pool->wake);
  pthread_cond_destroy(&pool->done);
  free(pool->workers);
  free(pool);
}

size_t kiln_pool_threads(const struct kiln_pool *pool) { return pool->threads; }

void kiln_pool_run(struct kiln_pool *pool, void (*fn)(void *, size_t, size_t), void *context) {
  if (pool->threads == 1) { fn(context, 0, 1); return; }
  pthread_mutex_lock(&pool->lock);
  pool->fn = fn;
  pool->context = context;
  pool->pending = pool->threads - 1;
  pool->generation++;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  fn(context, 0, pool->threads);
  pthread_mutex_lock(&pool->lock);
  while (pool->pending > 0) pthread_cond_wait(&pool->done, &pool->lock);
  pthread_mutex_unlock(&pool->lock);
}
