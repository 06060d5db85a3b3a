/*
 * kiln_api_test.c: every function of kiln.h and every error path, against libKilnC.
 *
 *     kiln_api_test GENERATOR.kiln CONDITIONAL.kiln CLASSIFIER.kiln OUT.f32 [--check-allocations]
 *
 * GENERATOR is an unconditional generator, CONDITIONAL a class-conditional one, CLASSIFIER a model
 * that is not a generator. OUT receives 7 images of GENERATOR from seeds 42 ... 48 (floats), which
 * the Swift test compares with the runtime's own. Exit 0 when every check passes; each failed check
 * prints its line. With --check-allocations (for a release library), run and generate calls must
 * make no heap allocation: this program counts the process's malloc family while `counting` is set.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln.h"

static int failures;
/* Set by --check-allocations: an optimized library's run and generate calls must not allocate
 * (a debug build's generic code does). */
static int check_allocations;
#define CHECK(cond) do { if (!(cond)) { failures++; fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, kiln_last_error()); } } while (0)
#define EXPECT(call, status) do { kiln_status s_ = (call); if (s_ != (status)) { failures++; fprintf(stderr, "%s:%d: %s returned %s, expected %s (last error: %s)\n", __FILE__, __LINE__, #call, kiln_status_name(s_), #status, kiln_last_error()); } else if (s_ != KILN_OK && kiln_last_error()[0] == 0) { failures++; fprintf(stderr, "%s:%d: %s failed with no message\n", __FILE__, __LINE__, #call); } } while (0)

/* The malloc family, counted while `counting` is set (glibc's own functions do the work). */
extern void *__libc_malloc(size_t), *__libc_calloc(size_t, size_t), *__libc_realloc(void *, size_t), *__libc_memalign(size_t, size_t);
static volatile int counting;
static volatile long allocations;
void *malloc(size_t n) { if (counting) allocations++; return __libc_malloc(n); }
void *calloc(size_t n, size_t k) { if (counting) allocations++; return __libc_calloc(n, k); }
void *realloc(void *p, size_t n) { if (counting) allocations++; return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { if (counting) allocations++; return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { if (counting) allocations++; return __libc_memalign(a, n); }
int posix_memalign(void **p, size_t a, size_t n) {
    if (counting) allocations++;
    *p = __libc_memalign(a, n);
    return *p ? 0 : 12;
}

static unsigned char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*size);
    if (fread(b, 1, *size, f) != *size) { free(b); b = NULL; }
    fclose(f);
    return b;
}

static void test_library(void) {
    CHECK(kiln_last_error()[0] == 0);  /* before any failure */
    CHECK(strncmp(kiln_version(), "1.", 2) == 0);
    CHECK(kiln_format_version_major() == 1);
    CHECK(kiln_format_version_minor() >= 3);
    CHECK(strcmp(kiln_status_name(KILN_OK), "KILN_OK") == 0);
    CHECK(strcmp(kiln_status_name(KILN_E_RESOURCE), "KILN_E_RESOURCE") == 0);
    CHECK(strcmp(kiln_status_name((kiln_status)99), "unknown status") == 0);
}

static void test_open_errors(const char *generator) {
    kiln_model m = {0};
    EXPECT(kiln_model_open(NULL, &m), KILN_E_NULL);
    EXPECT(kiln_model_open(generator, NULL), KILN_E_NULL);
    EXPECT(kiln_model_open("/nonexistent/model.kiln", &m), KILN_E_IO);
    CHECK(strstr(kiln_last_error(), "/nonexistent/model.kiln") != NULL);
    EXPECT(kiln_model_open("/tmp", &m), KILN_E_IO);
    EXPECT(kiln_model_open_memory(NULL, 10, &m), KILN_E_NULL);
    EXPECT(kiln_model_open_memory("KILN", 4, NULL), KILN_E_NULL);
    EXPECT(kiln_model_open_memory("PNG\r\n", 5, &m), KILN_E_FORMAT);
    EXPECT(kiln_model_open_memory("KILN", (size_t)-1, &m), KILN_E_ARGUMENT);
    CHECK(m.id == 0);  /* untouched by failures */

    size_t size;
    unsigned char *bytes = read_file(generator, &size);
    CHECK(bytes != NULL);
    if (!bytes) return;
    EXPECT(kiln_model_open_memory(bytes, size / 2, &m), KILN_E_FORMAT);  /* truncated */
    bytes[size - 100] ^= 0x40;                                           /* a flipped weight bit */
    EXPECT(kiln_model_open_memory(bytes, size, &m), KILN_E_FORMAT);
    CHECK(strstr(kiln_last_error(), "checksum") != NULL);
    bytes[size - 100] ^= 0x40;
    bytes[5] = 9;                                                        /* a wrong header size */
    EXPECT(kiln_model_open_memory(bytes, size, &m), KILN_E_FORMAT);
    bytes[5] = 64;
    EXPECT(kiln_model_open_memory(bytes, size, &m), KILN_OK);
    free(bytes);  /* the model keeps its own copy */
    kiln_model_info info;
    EXPECT(kiln_model_get_info(m, &info), KILN_OK);
    CHECK(info.file_bytes == size);
    EXPECT(kiln_model_release(m), KILN_OK);
}

/* 1 x 28 x 28 images; the generator's output per image. */
#define PIXELS 784

static void test_generator(const char *path, const char *out_path) {
    kiln_model m;
    EXPECT(kiln_model_open(path, &m), KILN_OK);
    kiln_model_info info;
    EXPECT(kiln_model_get_info(m, NULL), KILN_E_NULL);
    EXPECT(kiln_model_get_info(m, &info), KILN_OK);
    CHECK(info.latent_dim == 100 && info.conditional == 0 && info.class_count == 10);  /* names, no label input */
    CHECK(info.input_count == 1 && info.output_count == 1);
    CHECK(info.output_lo == -1 && info.output_hi == 1);
    CHECK(info.macs_per_sample > 1000000 && info.format_major == 1);
    CHECK(strncmp(info.precision, "int8", 4) == 0 && strcmp(info.name, "fashion-dcgan-int8") == 0);
    CHECK(strcmp(info.architecture, "dcgan28") == 0);

    kiln_tensor_info t;
    EXPECT(kiln_model_get_input(m, 0, &t), KILN_OK);
    CHECK(t.dtype == KILN_F32 && t.elements == 100 && t.bytes == 400 && strcmp(t.name, "z") == 0);
    EXPECT(kiln_model_get_output(m, 0, &t), KILN_OK);
    CHECK(t.dtype == KILN_F32 && t.rank == 3 && t.shape[0] == 1 && t.shape[1] == 28 && t.shape[2] == 28 && t.elements == PIXELS);
    EXPECT(kiln_model_get_input(m, 1, &t), KILN_E_ARGUMENT);
    EXPECT(kiln_model_get_output(m, 1, &t), KILN_E_ARGUMENT);
    EXPECT(kiln_model_get_output(m, 0, NULL), KILN_E_NULL);
    const char *name = NULL;
    EXPECT(kiln_model_get_class_name(m, 0, &name), KILN_OK);
    CHECK(name && strcmp(name, "T-shirt/top") == 0);
    EXPECT(kiln_model_get_class_name(m, 10, &name), KILN_E_ARGUMENT);

    float z[7 * 100];
    EXPECT(kiln_model_latent(m, 42, z, 99), KILN_E_BUFFER_TOO_SMALL);
    EXPECT(kiln_model_latent(m, 42, NULL, 100), KILN_E_NULL);
    for (int k = 0; k < 7; k++) EXPECT(kiln_model_latent(m, 42 + (uint64_t)k, z + 100 * k, 100), KILN_OK);

    kiln_session s = {0};
    EXPECT(kiln_session_create(m, 0, 3, &s), KILN_E_ARGUMENT);
    EXPECT(kiln_session_create(m, 10000, 3, &s), KILN_E_ARGUMENT);
    EXPECT(kiln_session_create(m, 2, 0, &s), KILN_E_ARGUMENT);
    EXPECT(kiln_session_create(m, 2, 5000, &s), KILN_E_ARGUMENT);
    EXPECT(kiln_session_create(m, 2, 3, NULL), KILN_E_NULL);
    EXPECT(kiln_session_create((kiln_model){0}, 2, 3, &s), KILN_E_HANDLE);
    EXPECT(kiln_session_create(m, 2, 3, &s), KILN_OK);
    uint32_t batch = 0;
    EXPECT(kiln_session_get_batch(s, &batch), KILN_OK);
    CHECK(batch == 3);
    EXPECT(kiln_session_get_batch(s, NULL), KILN_E_NULL);

    static float a[7 * PIXELS], b[7 * PIXELS], c[3 * PIXELS];
    EXPECT(kiln_session_generate(s, 42, 7, -1, a, 7 * PIXELS - 1), KILN_E_BUFFER_TOO_SMALL);
    EXPECT(kiln_session_generate(s, 42, 1000000000, -1, a, 7 * PIXELS), KILN_E_BUFFER_TOO_SMALL);
    EXPECT(kiln_session_generate(s, 42, 0, -1, a, 7 * PIXELS), KILN_E_ARGUMENT);
    EXPECT(kiln_session_generate(s, 42, 7, 0, a, 7 * PIXELS), KILN_E_ARGUMENT);  /* not conditional */
    EXPECT(kiln_session_generate(s, 42, 7, -1, NULL, 7 * PIXELS), KILN_E_NULL);
    EXPECT(kiln_session_generate(s, 42, 7, -1, a, 7 * PIXELS), KILN_OK);  /* warm-up */
    EXPECT(kiln_session_generate_latent(s, z, 7, NULL, b, 7 * PIXELS), KILN_OK);
    const void *inputs[1] = {z};
    size_t input_sizes[1] = {3 * 400};
    void *outputs[1] = {c};
    size_t output_sizes[1] = {3 * PIXELS * 4};
    EXPECT(kiln_session_run(s, inputs, input_sizes, 1, outputs, output_sizes, 1), KILN_OK);

    long before = allocations;
    counting = 1;
    kiln_status r1 = kiln_session_generate(s, 42, 7, -1, a, 7 * PIXELS);
    kiln_status r2 = kiln_session_generate_latent(s, z, 7, NULL, b, 7 * PIXELS);
    kiln_status r3 = kiln_session_run(s, inputs, input_sizes, 1, outputs, output_sizes, 1);
    counting = 0;
    CHECK(r1 == KILN_OK && r2 == KILN_OK && r3 == KILN_OK);
    if (check_allocations) CHECK(allocations == before);
    if (allocations != before) fprintf(stderr, "run and generate calls made %ld heap allocations\n", allocations - before);
    CHECK(memcmp(a, b, sizeof a) == 0);          /* seeds and their latent vectors: the same bytes */
    CHECK(memcmp(a, c, sizeof c) == 0);          /* run on the same latent vectors: the same bytes */
    int in_range = 1;
    for (int i = 0; i < 7 * PIXELS; i++) in_range &= a[i] >= -1 && a[i] <= 1;
    CHECK(in_range);
    FILE *f = fopen(out_path, "wb");
    CHECK(f && fwrite(a, sizeof a, 1, f) == 1);
    if (f) fclose(f);

    EXPECT(kiln_session_generate_latent(s, NULL, 7, NULL, b, 7 * PIXELS), KILN_E_NULL);
    int32_t labels[7] = {0};
    EXPECT(kiln_session_generate_latent(s, z, 7, labels, b, 7 * PIXELS), KILN_E_ARGUMENT);
    EXPECT(kiln_session_run(s, inputs, input_sizes, 2, outputs, output_sizes, 1), KILN_E_ARGUMENT);
    input_sizes[0] = 3 * 400 - 1;
    EXPECT(kiln_session_run(s, inputs, input_sizes, 1, outputs, output_sizes, 1), KILN_E_BUFFER_TOO_SMALL);
    input_sizes[0] = 3 * 400;
    output_sizes[0] = 3 * PIXELS * 4 - 1;
    EXPECT(kiln_session_run(s, inputs, input_sizes, 1, outputs, output_sizes, 1), KILN_E_BUFFER_TOO_SMALL);
    output_sizes[0] = 3 * PIXELS * 4;
    EXPECT(kiln_session_run(s, NULL, input_sizes, 1, outputs, output_sizes, 1), KILN_E_NULL);
    EXPECT(kiln_session_run(s, inputs, input_sizes, 1, NULL, output_sizes, 1), KILN_E_NULL);
    inputs[0] = NULL;
    EXPECT(kiln_session_run(s, inputs, input_sizes, 1, outputs, output_sizes, 1), KILN_E_NULL);

    EXPECT(kiln_model_release(m), KILN_E_IN_USE);    /* a session is open on it */
    EXPECT(kiln_session_release(s), KILN_OK);
    EXPECT(kiln_session_release(s), KILN_E_HANDLE);  /* released twice */
    EXPECT(kiln_session_generate(s, 42, 1, -1, a, PIXELS), KILN_E_HANDLE);  /* used after release */
    EXPECT(kiln_session_get_batch(s, &batch), KILN_E_HANDLE);
    EXPECT(kiln_model_release(m), KILN_OK);
    EXPECT(kiln_model_release(m), KILN_E_HANDLE);
    EXPECT(kiln_model_get_info(m, &info), KILN_E_HANDLE);
    EXPECT(kiln_session_create(m, 1, 1, &s), KILN_E_HANDLE);
}

static void test_conditional(const char *path) {
    kiln_model m;
    EXPECT(kiln_model_open(path, &m), KILN_OK);
    kiln_model_info info;
    EXPECT(kiln_model_get_info(m, &info), KILN_OK);
    CHECK(info.conditional == 1 && info.class_count == 10 && info.input_count == 2);
    const char *name = NULL;
    EXPECT(kiln_model_get_class_name(m, 9, &name), KILN_OK);
    CHECK(name && name[0] != 0);
    EXPECT(kiln_model_get_class_name(m, 10, &name), KILN_E_ARGUMENT);
    EXPECT(kiln_model_get_class_name(m, 0, NULL), KILN_E_NULL);
    kiln_tensor_info t;
    EXPECT(kiln_model_get_input(m, 1, &t), KILN_OK);
    CHECK(t.dtype == KILN_I32 && t.elements == 1);

    kiln_session s;
    EXPECT(kiln_session_create(m, 1, 4, &s), KILN_OK);
    static float a[5 * PIXELS], b[5 * PIXELS];
    EXPECT(kiln_session_generate(s, 7, 5, 10, a, 5 * PIXELS), KILN_E_ARGUMENT);
    EXPECT(kiln_session_generate(s, 7, 5, -2, a, 5 * PIXELS), KILN_E_ARGUMENT);
    EXPECT(kiln_session_generate(s, 7, 5, 3, a, 5 * PIXELS), KILN_OK);
    float z[5 * 100];
    for (int k = 0; k < 5; k++) EXPECT(kiln_model_latent(m, 7 + (uint64_t)k, z + 100 * k, 100), KILN_OK);
    int32_t labels[5] = {3, 3, 3, 3, 3};
    EXPECT(kiln_session_generate_latent(s, z, 5, labels, b, 5 * PIXELS), KILN_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    EXPECT(kiln_session_generate_latent(s, z, 5, NULL, b, 5 * PIXELS), KILN_E_NULL);
    labels[4] = 99;
    EXPECT(kiln_session_generate_latent(s, z, 5, labels, b, 5 * PIXELS), KILN_E_ARGUMENT);
    int32_t run_labels[4] = {0, 1, 99, 2};  /* 99: out of range while running */
    const void *inputs[2] = {z, run_labels};
    size_t input_sizes[2] = {4 * 400, 4 * 4};
    void *outputs[1] = {a};
    size_t output_sizes[1] = {4 * PIXELS * 4};
    EXPECT(kiln_session_run(s, inputs, input_sizes, 2, outputs, output_sizes, 1), KILN_E_RUN);
    EXPECT(kiln_session_release(s), KILN_OK);
    EXPECT(kiln_model_release(m), KILN_OK);
}

static void test_not_generator(const char *path) {
    kiln_model m;
    EXPECT(kiln_model_open(path, &m), KILN_OK);
    kiln_model_info info;
    EXPECT(kiln_model_get_info(m, &info), KILN_OK);
    CHECK(info.latent_dim == 0 && info.conditional == 0);
    float z[100], out[100];
    EXPECT(kiln_model_latent(m, 1, z, 100), KILN_E_NOT_GENERATOR);
    kiln_session s;
    EXPECT(kiln_session_create(m, 1, 1, &s), KILN_OK);
    EXPECT(kiln_session_generate(s, 1, 1, -1, out, 100), KILN_E_NOT_GENERATOR);
    EXPECT(kiln_session_release(s), KILN_OK);
    EXPECT(kiln_model_release(m), KILN_OK);
}

/* Two threads on one session: each call either runs or is refused with KILN_E_BUSY (how many of
 * each depends on the timing); sessions of their own on one model never refuse. */
struct shared { kiln_session session; int busy, ok, other; };
static void *hammer(void *arg) {
    struct shared *sh = arg;
    static _Thread_local float out[PIXELS];
    for (int i = 0; i < 200; i++) {
        kiln_status r = kiln_session_generate(sh->session, (uint64_t)i, 1, -1, out, PIXELS);
        __atomic_add_fetch(r == KILN_OK ? &sh->ok : r == KILN_E_BUSY ? &sh->busy : &sh->other, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void test_threads(const char *path) {
    kiln_model m;
    EXPECT(kiln_model_open(path, &m), KILN_OK);
    struct shared one, own[2];
    memset(&one, 0, sizeof one);
    memset(own, 0, sizeof own);
    EXPECT(kiln_session_create(m, 1, 1, &one.session), KILN_OK);
    EXPECT(kiln_session_create(m, 1, 1, &own[0].session), KILN_OK);
    EXPECT(kiln_session_create(m, 1, 1, &own[1].session), KILN_OK);
    pthread_t t[4];
    pthread_create(&t[0], NULL, hammer, &one);
    pthread_create(&t[1], NULL, hammer, &one);
    pthread_create(&t[2], NULL, hammer, &own[0]);
    pthread_create(&t[3], NULL, hammer, &own[1]);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    CHECK(one.ok + one.busy == 400 && one.ok > 0 && one.other == 0);
    CHECK(own[0].ok == 200 && own[1].ok == 200);
    EXPECT(kiln_session_release(one.session), KILN_OK);
    EXPECT(kiln_session_release(own[0].session), KILN_OK);
    EXPECT(kiln_session_release(own[1].session), KILN_OK);
    EXPECT(kiln_model_release(m), KILN_OK);
}

int main(int argc, char **argv) {
    check_allocations = argc == 6 && strcmp(argv[5], "--check-allocations") == 0;
    if (argc != 5 + check_allocations) {
        fprintf(stderr, "usage: %s GENERATOR.kiln CONDITIONAL.kiln CLASSIFIER.kiln OUT.f32 [--check-allocations]\n", argv[0]);
        return 2;
    }
    test_library();
    test_open_errors(argv[1]);
    test_generator(argv[1], argv[4]);
    test_conditional(argv[2]);
    test_not_generator(argv[3]);
    test_threads(argv[1]);
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    else printf("kiln_api_test: all checks passed (library %s)\n", kiln_version());
    return failures ? 1 : 0;
}
