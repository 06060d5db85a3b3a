/*
 * kiln.h: the C API of Kiln's runtime (library KilnC).
 *
 * Open a .kiln model, read what it declares, make sessions and run them: generate images from
 * seeds or latent vectors, or run the graph on your own input buffers. Same model file + same
 * seed -> the same output bytes on every supported CPU, thread count and batch size (int8 models;
 * Formats/SPEC.md).
 *
 * Conventions
 * - Every function that can fail returns a kiln_status. On failure it also sets a message for the
 *   calling thread (kiln_last_error) that says what is wrong and what to do; out-parameters are
 *   left untouched. Nothing in this API aborts the host program on bad input.
 * - Models and sessions are handles (a 64-bit id in a struct), never pointers: a handle that was
 *   released, or never issued, is refused with KILN_E_HANDLE, so using one after release is an
 *   error, not a crash. The zero handle is never issued.
 * - Strings returned by the library are UTF-8, NUL-terminated, and owned by the library: those of
 *   a model live until the model is released; kiln_last_error's until the thread's next failing
 *   call; the others forever.
 * - A model can be shared by sessions on any threads. A session runs one call at a time: a second
 *   thread calling into a busy session gets KILN_E_BUSY. Run and generate calls allocate no memory.
 *
 * Example (error checks shortened):
 *
 *     kiln_model m; kiln_session s;
 *     if (kiln_model_open("fashion-dcgan.kiln", &m) != KILN_OK) { puts(kiln_last_error()); return 1; }
 *     kiln_session_create(m, 2, 8, &s);              // 2 threads, 8 images per run
 *     float img[4 * 28 * 28];
 *     kiln_session_generate(s, 7, 4, -1, img, 4 * 28 * 28);   // seeds 7, 8, 9, 10
 *     kiln_session_release(s); kiln_model_release(m);
 */
#ifndef KILN_H
#define KILN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header's API. Functions are only ever added within one major version. */
#define KILN_API_VERSION_MAJOR 1
#define KILN_API_VERSION_MINOR 0

/* What a call did. 0 is success; every other value is an error with a message (kiln_last_error). */
typedef enum kiln_status {
    KILN_OK = 0,
    KILN_E_NULL = 1,              /* a required pointer argument is NULL */
    KILN_E_ARGUMENT = 2,          /* an argument is out of range: threads, batch, count, class, index */
    KILN_E_BUFFER_TOO_SMALL = 3,  /* a caller's buffer holds fewer bytes or values than the call needs */
    KILN_E_HANDLE = 4,            /* the model or session handle was released, or never issued */
    KILN_E_IN_USE = 5,            /* a model released while sessions on it exist: release them first */
    KILN_E_BUSY = 6,              /* the session is running a call on another thread */
    KILN_E_IO = 7,                /* the file cannot be opened or read (missing, a folder, no permission) */
    KILN_E_FORMAT = 8,            /* not a valid .kiln file: magic, version, checksum, bounds, graph */
    KILN_E_MODEL = 9,             /* a valid file this runtime cannot run: an unknown op, shapes, memory */
    KILN_E_NOT_GENERATOR = 10,    /* generate on a model that declares no latent space (latent.dim) */
    KILN_E_RUN = 11,              /* the data was refused while running (a class label out of range) */
    KILN_E_RESOURCE = 12          /* the system refused memory or threads */
} kiln_status;

/* Element types, with the values of the .kiln format (Formats/SPEC.md, "Tensor types"). */
typedef enum kiln_dtype {
    KILN_F32 = 1,  /* IEEE-754 binary32 */
    KILN_F16 = 2,  /* IEEE-754 binary16 (constants only) */
    KILN_I8 = 3,   /* signed 8-bit */
    KILN_I32 = 4,  /* signed 32-bit (class labels) */
    KILN_U8 = 5    /* unsigned 8-bit */
} kiln_dtype;

/* An open model: a validated, memory-mapped (or copied) .kiln file. */
typedef struct kiln_model { uint64_t id; } kiln_model;
/* A model prepared to run a fixed number of samples at a time, with its own memory and threads. */
typedef struct kiln_session { uint64_t id; } kiln_session;

/* What a model declares (kiln_model_get_info). */
typedef struct kiln_model_info {
    const char *name;           /* general.name, or "" */
    const char *architecture;   /* general.architecture, or "" */
    const char *precision;      /* "int8", "f32", or a mix such as "int8, 3 of 14 ops f32" */
    uint32_t input_count;       /* graph inputs (kiln_model_get_input) */
    uint32_t output_count;      /* graph outputs (kiln_model_get_output) */
    uint32_t latent_dim;        /* values in a latent vector; 0 for a model that is not a generator */
    uint32_t class_count;       /* class names (kiln_model_get_class_name); 0 if none */
    int32_t conditional;        /* 1 when generating takes a class label, else 0 */
    float output_lo, output_hi; /* a generator's declared output range (pixels 0 and 255), else 0, 0 */
    uint64_t macs_per_sample;   /* multiply-accumulates per sample over all ops */
    uint64_t file_bytes;        /* size of the .kiln file */
    uint16_t format_major;      /* the file's format version */
    uint16_t format_minor;
} kiln_model_info;

/* A graph input or output, per sample (the batch dimension is not included). */
typedef struct kiln_tensor_info {
    const char *name;
    kiln_dtype dtype;
    uint32_t rank;              /* dimensions in shape; at most 8 */
    int64_t shape[8];           /* shape[0 ..< rank]; the rest 0 */
    uint64_t elements;          /* product of the shape */
    uint64_t bytes;             /* elements times the size of dtype */
} kiln_tensor_info;

/* This library's version, "MAJOR.MINOR.PATCH". */
const char *kiln_version(void);
/* The newest .kiln format version this library reads (it reads every minor of that major). */
uint16_t kiln_format_version_major(void);
uint16_t kiln_format_version_minor(void);
/* The name of a status, "KILN_E_FORMAT"; "unknown status" for a value not in kiln_status. */
const char *kiln_status_name(kiln_status status);
/* The message of the calling thread's last failed call, "" before any failure. */
const char *kiln_last_error(void);

/* Opens and validates the .kiln file at path (memory-mapped; weights are used in place). */
kiln_status kiln_model_open(const char *path, kiln_model *model);
/* Opens a model from size bytes at data. The bytes are copied: data may be freed on return. */
kiln_status kiln_model_open_memory(const void *data, size_t size, kiln_model *model);
/* Releases a model. Fails with KILN_E_IN_USE (and keeps the model) while sessions on it exist. */
kiln_status kiln_model_release(kiln_model model);

kiln_status kiln_model_get_info(kiln_model model, kiln_model_info *info);
/* Graph input or output `index` (0 ..< input_count, 0 ..< output_count). */
kiln_status kiln_model_get_input(kiln_model model, uint32_t index, kiln_tensor_info *info);
kiln_status kiln_model_get_output(kiln_model model, uint32_t index, kiln_tensor_info *info);
/* Class name `index` (0 ..< class_count). */
kiln_status kiln_model_get_class_name(kiln_model model, uint32_t index, const char **name);
/* The latent vector of `seed` (latent_dim floats into z, which holds `capacity` floats): the
 * version-1 sampler of Formats/SPEC.md, what kiln_session_generate uses for that seed. */
kiln_status kiln_model_latent(kiln_model model, uint64_t seed, float *z, size_t capacity);

/* Prepares `model` to run `batch` samples at a time (1 ... 4096) on `threads` threads (1 ... 256).
 * All memory the session needs is allocated here. */
kiln_status kiln_session_create(kiln_model model, uint32_t threads, uint32_t batch, kiln_session *session);
kiln_status kiln_session_release(kiln_session session);
/* The session's batch (samples per run). */
kiln_status kiln_session_get_batch(kiln_session session, uint32_t *batch);

/* Runs the graph once on caller-provided buffers: inputs[i] holds batch times input i's bytes per
 * sample (input_sizes[i] bytes, at least that), outputs[j] receives batch times output j's bytes per
 * sample (output_sizes[j] bytes, at least that). input_count and output_count must be the model's.
 * Values are in the model's element types, samples one after the other. */
kiln_status kiln_session_run(kiln_session session,
                             const void *const *inputs, const size_t *input_sizes, uint32_t input_count,
                             void *const *outputs, const size_t *output_sizes, uint32_t output_count);

/* Generates `count` images (any count >= 1; the session runs ceil(count / batch) times): image k
 * comes from the latent vector of seed + k (mod 2^64). For a conditional model class_index picks the
 * class of every image (0 ..< class_count), or -1 gives image k class k mod class_count, as `kiln
 * generate` does; an unconditional model takes -1 only. `out` receives count times output 0's
 * elements per sample as floats in the declared output range; it holds `capacity` floats. */
kiln_status kiln_session_generate(kiln_session session, uint64_t seed, uint32_t count, int32_t class_index,
                                  float *out, size_t capacity);
/* As kiln_session_generate, from `count` caller-provided latent vectors (count times latent_dim
 * floats at z) and, for a conditional model, `count` class labels (NULL for an unconditional one). */
kiln_status kiln_session_generate_latent(kiln_session session, const float *z, uint32_t count,
                                         const int32_t *classes, float *out, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* KILN_H */
