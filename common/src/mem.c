/*
 * Memory probes (mem.h).
 *
 * A sample never allocates: the /proc files are read with read(2) into a
 * stack buffer and /proc/self/fd is listed with getdents64, so taking a
 * sample does not disturb the heap figures it reports (opendir and fopen
 * would malloc).  The heap view comes from whichever allocator the build
 * links: jemalloc's mallctl statistics, the sanitizer allocator's counters,
 * or glibc's mallinfo2.
 */
#include "tvc/mem.h"

#include "tvc/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(TVC_SANITIZED)
#if __has_include(<sanitizer/allocator_interface.h>)
#include <sanitizer/allocator_interface.h>
#else
/* gcc ships the sanitizer runtimes but not this header (clang does). */
size_t __sanitizer_get_current_allocated_bytes(void);
size_t __sanitizer_get_heap_size(void);
#endif
#elif defined(TVC_HAVE_JEMALLOC)
#include <jemalloc/jemalloc.h>
#else
#include <malloc.h>
#endif

/* ---- heap --------------------------------------------------------------- */

#if defined(TVC_SANITIZED)

static void heap_sample(tvc_mem *m)
{
    /* The sanitizer allocator replaces malloc; its counters are the only
     * truthful view.  It has no notion of resident pages. */
    size_t allocated = __sanitizer_get_current_allocated_bytes();
    m->heap_allocated_bytes = (int64_t)allocated;
    m->heap_active_bytes = (int64_t)__sanitizer_get_heap_size();
    m->heap_resident_bytes = -1;
}

const char *tvc_mem_heap_source(void)
{
    return "sanitizer";
}

#elif defined(TVC_HAVE_JEMALLOC)

static int64_t jemalloc_stat(const char *name)
{
    size_t v, len = sizeof v;
    if (mallctl(name, &v, &len, NULL, 0) != 0)
        return -1;
    return (int64_t)v;
}

static void heap_sample(tvc_mem *m)
{
    /* jemalloc counts the objects a thread cache holds as allocated, and a
     * cache fills in batches: one malloc(24) can add kilobytes.  Flushing
     * the calling thread's cache makes the figure the live bytes (other
     * threads' caches still count, as they are memory those threads
     * cost).  jemalloc also caches its statistics: writing "epoch"
     * refreshes them. */
    mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    if (mallctl("epoch", &epoch, &len, &epoch, len) != 0) {
        m->heap_allocated_bytes = -1;
        m->heap_active_bytes = -1;
        m->heap_resident_bytes = -1;
        return;
    }
    m->heap_allocated_bytes = jemalloc_stat("stats.allocated");
    m->heap_active_bytes = jemalloc_stat("stats.active");
    m->heap_resident_bytes = jemalloc_stat("stats.resident");
}

const char *tvc_mem_heap_source(void)
{
    /* A jemalloc built without --enable-stats answers no statistics. */
    uint64_t epoch = 1;
    size_t len = sizeof epoch, v, vlen = sizeof v;
    if (mallctl("epoch", &epoch, &len, &epoch, len) != 0 ||
        mallctl("stats.allocated", &v, &vlen, NULL, 0) != 0)
        return "not available";
    return "jemalloc";
}

#else

static void heap_sample(tvc_mem *m)
{
    /* mallinfo2 walks every arena: in-use chunks plus mmapped blocks are
     * the live bytes; arena plus mmapped space is what malloc holds.  It
     * is approximate: chunks freed into a thread's tcache (up to 7 per
     * small size class) still count as in use, and glibc offers no way to
     * flush that cache. */
    struct mallinfo2 mi = mallinfo2();
    m->heap_allocated_bytes = (int64_t)(mi.uordblks + mi.hblkhd);
    m->heap_active_bytes = (int64_t)(mi.arena + mi.hblkhd);
    m->heap_resident_bytes = -1;
}

const char *tvc_mem_heap_source(void)
{
    return "glibc";
}

#endif

/* ---- /proc -------------------------------------------------------------- */

/* Reads a small /proc file into buf (NUL-terminated); 0 or -errno. */
static int read_proc(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = 0;
    while (len < size - 1) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = -errno;
            close(fd);
            return err;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    close(fd);
    return 0;
}

/* The value of a "Key:   123 kB" line in bytes, or -1 if absent. */
static int64_t kb_field(const char *text, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = text; line && *line;) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':')
            return strtoll(line + klen + 1, NULL, 10) * 1024;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return -1;
}

/* Entries of /proc/self/fd, not counting the descriptor used to list it;
 * -1 or -errno on failure. */
static int64_t count_fds(void)
{
    int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    /* getdents64 records: 8-byte inode, 8-byte offset, 2-byte length,
     * 1-byte type, then the NUL-terminated name. */
    _Alignas(8) char buf[4096];
    int64_t count = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, dfd, buf, sizeof buf);
        if (n < 0) {
            int err = -errno;
            close(dfd);
            return err;
        }
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, sizeof reclen);
            if (buf[off + 19] != '.') /* skip "." and ".." */
                count++;
            off += reclen;
        }
    }
    close(dfd);
    return count - 1;
}

int tvc_mem_sample(tvc_mem *m)
{
    /* /proc/self/status is about 1.5 KiB, /proc/meminfo about 1.5 KiB. */
    char buf[8192];
    int err = 0, r;

    m->rss_bytes = m->peak_rss_bytes = -1;
    r = read_proc("/proc/self/status", buf, sizeof buf);
    if (r == 0) {
        m->rss_bytes = kb_field(buf, "VmRSS");
        m->peak_rss_bytes = kb_field(buf, "VmHWM");
    } else {
        err = r;
    }

    m->kernel_stack_bytes = m->slab_bytes = m->page_tables_bytes = -1;
    r = read_proc("/proc/meminfo", buf, sizeof buf);
    if (r == 0) {
        m->kernel_stack_bytes = kb_field(buf, "KernelStack");
        m->slab_bytes = kb_field(buf, "Slab");
        m->page_tables_bytes = kb_field(buf, "PageTables");
    } else {
        err = r;
    }

    int64_t fds = count_fds();
    m->open_fds = fds < 0 ? -1 : fds;
    if (fds < 0)
        err = (int)fds;

    /* The heap last: ThreadSanitizer's first intercepted open(2) grows
     * its allocator's counters by 16 KiB, which must land before the
     * figure of the first sample (a leak-check baseline), not after it. */
    heap_sample(m);
    return err;
}

/* An integer figure, or null when it could not be read. */
static void int_or_null(tvc_json *j, const char *key, int64_t v)
{
    tvc_json_key(j, key);
    if (v < 0)
        tvc_json_null(j);
    else
        tvc_json_int(j, v);
}

void tvc_mem_json(const tvc_mem *m, tvc_json *j)
{
    tvc_json_object_begin(j);
    int_or_null(j, "rss_bytes", m->rss_bytes);
    int_or_null(j, "peak_rss_bytes", m->peak_rss_bytes);
    int_or_null(j, "heap_allocated_bytes", m->heap_allocated_bytes);
    int_or_null(j, "heap_active_bytes", m->heap_active_bytes);
    int_or_null(j, "heap_resident_bytes", m->heap_resident_bytes);
    int_or_null(j, "kernel_stack_bytes", m->kernel_stack_bytes);
    int_or_null(j, "slab_bytes", m->slab_bytes);
    int_or_null(j, "page_tables_bytes", m->page_tables_bytes);
    int_or_null(j, "open_fds", m->open_fds);
    tvc_json_key(j, "heap_source");
    tvc_json_string(j, tvc_mem_heap_source());
    tvc_json_object_end(j);
}
