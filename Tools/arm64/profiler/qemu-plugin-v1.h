/* The part of qemu's TCG plugin interface (plugin API version 1, qemu 7.2 as in Debian bookworm)
 * that tbcount.c uses, declared here because Debian ships no header for it. The functions are
 * provided by the qemu binary that loads the plugin. */
#ifndef KILN_QEMU_PLUGIN_V1_H
#define KILN_QEMU_PLUGIN_V1_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t qemu_plugin_id_t;

/* What qemu tells the plugin at install time. */
typedef struct {
  const char *target_name;          /* "aarch64", "x86_64", ... */
  struct { int min, cur; } version; /* plugin API versions this qemu accepts */
  bool system_emulation;            /* false under qemu-user */
  union { struct { int smp_vcpus, max_vcpus; } system; };
} qemu_info_t;

struct qemu_plugin_tb;   /* a translation block, valid only inside the translation callback */
struct qemu_plugin_insn; /* one guest instruction of such a block */

enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_simple_cb_t)(qemu_plugin_id_t id, unsigned int vcpu_index);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
/* Adds imm to *ptr each time the block runs (not atomic: one guest thread). */
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
const char *qemu_plugin_insn_symbol(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);
#endif
