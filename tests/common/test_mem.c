/*
 * Memory probes: every field is read and plausible, the fd count is exact
 * (checked against a probe of every descriptor number) and follows an
 * open and a close, the heap view follows a 1 MiB allocation and its free,
 * RSS follows touched pages, a sample itself allocates nothing, and the
 * JSON form is valid.
 */
#include "common/json_int.h"
#include "tvc_test.h"

#include "tvc/json.h"
#include "tvc/mem.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

/* Where allocations are kept so the compiler cannot elide the malloc/free
 * pair (gcc removes pairs whose pointer never escapes). */
static void *volatile keep;

static void test_fields(void)
{
    tvc_mem m;
    ASSERT_OK(tvc_mem_sample(&m));
    ASSERT_GT(m.rss_bytes, 0);
    ASSERT_GE(m.peak_rss_bytes, m.rss_bytes);
    ASSERT_EQ(m.rss_bytes % 1024, 0);
    ASSERT_GT(m.kernel_stack_bytes, 0);
    ASSERT_GT(m.slab_bytes, 0);
    ASSERT_GT(m.page_tables_bytes, 0);
    ASSERT_GE(m.heap_allocated_bytes, 0); /* glibc: 0 before any malloc */
    ASSERT_GE(m.heap_active_bytes, m.heap_allocated_bytes);
    /* Only jemalloc knows its resident pages. */
#if defined(TVC_SANITIZED)
    ASSERT_STREQ(tvc_mem_heap_source(), "sanitizer");
    ASSERT_EQ(m.heap_resident_bytes, -1);
#elif defined(TVC_HAVE_JEMALLOC)
    ASSERT_STREQ(tvc_mem_heap_source(), "jemalloc");
    ASSERT_GE(m.heap_resident_bytes, m.heap_active_bytes);
#else
    ASSERT_STREQ(tvc_mem_heap_source(), "glibc");
    ASSERT_EQ(m.heap_resident_bytes, -1);
#endif
}

/* Open descriptors found by asking about every number below the limit. */
static int64_t fds_by_fcntl(void)
{
    struct rlimit rl;
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
    int limit = rl.rlim_cur > 65536 ? 65536 : (int)rl.rlim_cur;
    int64_t n = 0;
    for (int fd = 0; fd < limit; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            n++;
    return n;
}

static void test_fds(void)
{
    tvc_mem m;
    ASSERT_OK(tvc_mem_sample(&m));
    ASSERT_EQ(m.open_fds, fds_by_fcntl());
    int64_t before = m.open_fds;

    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_OK(tvc_mem_sample(&m));
    ASSERT_EQ(m.open_fds, before + 1);

    ASSERT_EQ(close(fd), 0);
    ASSERT_OK(tvc_mem_sample(&m));
    ASSERT_EQ(m.open_fds, before);
}

static void test_heap(void)
{
    const size_t mib = 1 << 20;
    tvc_mem a, b, c;
    /* An allocator's first call may set up per-thread state for good
     * (glibc's tcache is a 656-byte chunk): not part of what we measure. */
    keep = malloc(16);
    free(keep);
    ASSERT_OK(tvc_mem_sample(&a));

    /* A sample allocates nothing: two in a row agree. */
    ASSERT_OK(tvc_mem_sample(&b));
    ASSERT_EQ(b.heap_allocated_bytes, a.heap_allocated_bytes);

    keep = malloc(mib);
    ASSERT(keep != NULL);
    memset(keep, 0x5a, mib);
    ASSERT_OK(tvc_mem_sample(&b));
    ASSERT_GE(b.heap_allocated_bytes, a.heap_allocated_bytes + (int64_t)mib);
    /* Allocator rounding and headers stay small next to 1 MiB. */
    ASSERT_LE(b.heap_allocated_bytes,
              a.heap_allocated_bytes + (int64_t)mib + 64 * 1024);

    free(keep);
    keep = NULL;
    ASSERT_OK(tvc_mem_sample(&c));
    ASSERT_EQ(c.heap_allocated_bytes, a.heap_allocated_bytes);
}

static void test_rss(void)
{
    /* Touching 16 MiB of fresh pages shows in RSS; the kernel's per-CPU
     * RSS counters are approximate, so ask for half. */
    const size_t size = 16 << 20;
    tvc_mem a, b;
    ASSERT_OK(tvc_mem_sample(&a));
    keep = malloc(size);
    ASSERT(keep != NULL);
    memset(keep, 1, size);
    ASSERT_OK(tvc_mem_sample(&b));
    ASSERT_GE(b.rss_bytes, a.rss_bytes + (int64_t)size / 2);
    ASSERT_GE(b.peak_rss_bytes, b.rss_bytes);
    free(keep);
    keep = NULL;
}

static void test_json(void)
{
    tvc_mem m;
    ASSERT_OK(tvc_mem_sample(&m));
    m.heap_resident_bytes = -1; /* as when a field cannot be read */
    tvc_json j;
    tvc_json_init(&j);
    tvc_mem_json(&m, &j);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT_EQ(json_int(j.buf, "rss_bytes"), m.rss_bytes);
    ASSERT_EQ(json_int(j.buf, "peak_rss_bytes"), m.peak_rss_bytes);
    ASSERT_EQ(json_int(j.buf, "heap_allocated_bytes"), m.heap_allocated_bytes);
    ASSERT_EQ(json_int(j.buf, "kernel_stack_bytes"), m.kernel_stack_bytes);
    ASSERT_EQ(json_int(j.buf, "slab_bytes"), m.slab_bytes);
    ASSERT_EQ(json_int(j.buf, "page_tables_bytes"), m.page_tables_bytes);
    ASSERT_EQ(json_int(j.buf, "open_fds"), m.open_fds);
    /* An unreadable field is null, not a fake -1 figure. */
    ASSERT(strstr(j.buf, "\"heap_resident_bytes\":null") != NULL);
    ASSERT(strstr(j.buf, "\"heap_source\":\"") != NULL);
    tvc_json_free(&j);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    test_fields();
    test_fds();
    test_heap();
    test_rss();
    test_json();
    /* glibc's per-thread cache keeps freed small chunks counted as in use
     * (fopen's FILE here); the other allocators report exact bytes. */
    ASSERT_NO_LEAKS(base, strcmp(tvc_mem_heap_source(), "glibc") ? 0 : 8192);
    printf("ok\n");
    return 0;
}
