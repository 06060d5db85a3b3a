/* A qemu TCG plugin that counts how often each translated block runs and keeps its instruction
 * bytes, for profile.sh's cycle estimate. Plugin API version 1 (qemu 7.2).
 *
 *   qemu-aarch64 -plugin ./tbcount.so,out=FILE PROGRAM ...
 *
 * At exit it writes one line per block that ran: address, executions, instructions, symbol of
 * the first instruction ("-" when qemu has none: shared libraries), and the bytes in hex. The
 * counters are plain (not atomic) adds: profile one guest thread; the number of guest threads
 * seen is the file's first line. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qemu-plugin-v1.h"

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

typedef struct {
  uint64_t vaddr, count;
  uint32_t insns, size;
  const char *symbol;
  uint8_t bytes[];
} Block;

static Block **blocks;
static size_t block_count, block_capacity;
static unsigned vcpus;
static char *out_path;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void on_vcpu_init(qemu_plugin_id_t id, unsigned int vcpu) {
  (void)id; (void)vcpu;
  pthread_mutex_lock(&lock);
  vcpus++;
  pthread_mutex_unlock(&lock);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb), size = 0;
  for (size_t i = 0; i < n; i++) size += qemu_plugin_insn_size(qemu_plugin_tb_get_insn(tb, i));
  Block *b = calloc(1, sizeof(Block) + size);
  if (!b) { qemu_plugin_outs("tbcount: out of memory\n"); abort(); }
  b->vaddr = qemu_plugin_tb_vaddr(tb);
  b->insns = (uint32_t)n;
  b->size = (uint32_t)size;
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    const struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    size_t s = qemu_plugin_insn_size(insn);
    memcpy(b->bytes + at, qemu_plugin_insn_data(insn), s);
    at += s;
  }
  b->symbol = n ? qemu_plugin_insn_symbol(qemu_plugin_tb_get_insn(tb, 0)) : NULL;
  pthread_mutex_lock(&lock);
  if (block_count == block_capacity) {
    block_capacity = block_capacity ? 2 * block_capacity : 65536;
    blocks = realloc(blocks, block_capacity * sizeof *blocks);
    if (!blocks) { qemu_plugin_outs("tbcount: out of memory\n"); abort(); }
  }
  blocks[block_count++] = b;
  pthread_mutex_unlock(&lock);
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->count, 1);
}

static void on_guest_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id; (void)userdata;
  FILE *f = fopen(out_path, "w");
  if (!f) { qemu_plugin_outs("tbcount: cannot write the out= file\n"); return; }
  fprintf(f, "threads %u\n", vcpus);
  for (size_t i = 0; i < block_count; i++) {
    const Block *b = blocks[i];
    if (!b->count) continue;
    fprintf(f, "%llx %llu %u %s ", (unsigned long long)b->vaddr, (unsigned long long)b->count,
            b->insns, b->symbol && *b->symbol ? b->symbol : "-");
    for (uint32_t j = 0; j < b->size; j++) fprintf(f, "%02x", b->bytes[j]);
    fputc('\n', f);
  }
  fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  if (info->system_emulation) { qemu_plugin_outs("tbcount: for qemu-user only\n"); return -1; }
  for (int i = 0; i < argc; i++)
    if (!strncmp(argv[i], "out=", 4)) out_path = strdup(argv[i] + 4);
  if (!out_path) { qemu_plugin_outs("tbcount: give the output file: -plugin tbcount.so,out=FILE\n"); return -1; }
  qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, on_guest_exit, NULL);
  return 0;
}
