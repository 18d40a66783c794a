/*
 * Memory probes.  RSS alone hides most of what a thread costs (its kernel
 * stack and slab), so a sample takes the process view, the heap view and
 * the system's kernel memory together.  A field that cannot be read is -1.
 */
#ifndef TVC_MEM_H
#define TVC_MEM_H

#include <stdint.h>

typedef struct tvc_mem {
    int64_t rss_bytes;          /* VmRSS of /proc/self/status */
    int64_t peak_rss_bytes;     /* VmHWM */
    int64_t heap_allocated_bytes; /* live heap bytes (allocator's view) */
    int64_t heap_active_bytes;  /* pages the allocator holds active */
    int64_t heap_resident_bytes; /* allocator pages resident */
    int64_t kernel_stack_bytes; /* system-wide KernelStack of meminfo */
    int64_t slab_bytes;         /* system-wide Slab */
    int64_t page_tables_bytes;  /* system-wide PageTables */
    int64_t open_fds;           /* entries in /proc/self/fd */
} tvc_mem;

/* Fills m; returns 0, or a negative code if /proc could not be read (the
 * fields it could read are still set). */
int tvc_mem_sample(tvc_mem *m);

/* Name of the heap probe in use: "jemalloc", "sanitizer", "glibc", or
 * "not available" when heap fields are -1. */
const char *tvc_mem_heap_source(void);

/* Writes the sample as a JSON object (units in the key names). */
struct tvc_json;
void tvc_mem_json(const tvc_mem *m, struct tvc_json *j);

#endif
