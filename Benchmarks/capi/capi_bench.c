/*
 * capi_bench.c: kiln_session_run's latency through libKilnC, to set beside `kiln bench` (the same
 * Plan called directly). Inputs are the latent vectors of seeds 0 ... batch-1 (as kiln bench).
 *
 *     capi_bench MODEL THREADS BATCH WARMUP RUNS   -> "p50_ms_per_image P"
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kiln.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: %s MODEL THREADS BATCH WARMUP RUNS\n", argv[0]); return 2; }
    unsigned threads = (unsigned)atoi(argv[2]), batch = (unsigned)atoi(argv[3]);
    int warmup = atoi(argv[4]), runs = atoi(argv[5]);
    kiln_model m;
    kiln_session s;
    kiln_model_info info;
    kiln_tensor_info in, out;
    if (kiln_model_open(argv[1], &m) || kiln_model_get_info(m, &info) || kiln_model_get_input(m, 0, &in) ||
        kiln_model_get_output(m, 0, &out) || info.input_count != 1 || kiln_session_create(m, threads, batch, &s)) {
        fprintf(stderr, "capi_bench: %s\n", kiln_last_error()[0] ? kiln_last_error() : "a model with one input is needed");
        return 1;
    }
    size_t in_bytes = batch * in.bytes, out_bytes = batch * out.bytes;
    float *x = malloc(in_bytes), *y = malloc(out_bytes);
    double *t = malloc(sizeof(double) * (size_t)runs);
    for (unsigned i = 0; i < batch; i++) kiln_model_latent(m, i, x + i * info.latent_dim, info.latent_dim);
    const void *inputs[1] = {x};
    void *outputs[1] = {y};
    for (int i = 0; i < warmup + runs; i++) {
        double t0 = now();
        if (kiln_session_run(s, inputs, &in_bytes, 1, outputs, &out_bytes, 1)) { fprintf(stderr, "%s\n", kiln_last_error()); return 1; }
        if (i >= warmup) t[i - warmup] = now() - t0;
    }
    qsort(t, (size_t)runs, sizeof(double), by_value);
    printf("p50_ms_per_image %.6f\n", t[runs / 2] * 1000 / batch);
    kiln_session_release(s);
    kiln_model_release(m);
    free(x), free(y), free(t);
    return 0;
}
