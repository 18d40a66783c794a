/*
 * Running a test process out of descriptors on purpose, to check what a
 * server does then: RLIMIT_NOFILE is lowered to a little above what is
 * open, every free descriptor is taken (dup also fills the gaps a test
 * may inherit), and one is given back for the next client's socket, so
 * the server's end of that connection has none left.
 */
#ifndef TVC_FD_FILL_H
#define TVC_FD_FILL_H

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tvc/mem.h"
#include "tvc_test.h"

enum { FD_FILL_MAX = 1024 }; /* descriptors a test may take */

typedef struct fd_fill {
    struct rlimit old;     /* the limit to restore */
    int any;               /* the descriptor the fillers dup */
    int n;                 /* fillers held */
    int fds[FD_FILL_MAX];
} fd_fill;

/* Takes every descriptor but one under a lowered limit. */
static void fd_fill_take(fd_fill *f)
{
    f->any = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(f->any, 0);
    ASSERT_OK(getrlimit(RLIMIT_NOFILE, &f->old));
    tvc_mem m;
    ASSERT_OK(tvc_mem_sample(&m));
    struct rlimit low = f->old;
    low.rlim_cur = (rlim_t)m.open_fds + 16;
    ASSERT_OK(setrlimit(RLIMIT_NOFILE, &low));
    f->n = 0;
    for (int fd; f->n < FD_FILL_MAX && (fd = dup(f->any)) >= 0;)
        f->fds[f->n++] = fd;
    ASSERT(f->n < FD_FILL_MAX);
    ASSERT_GT(f->n, 0);
    close(f->fds[--f->n]);
}

/* Gives every descriptor back and restores the limit. */
static void fd_fill_give_back(fd_fill *f)
{
    while (f->n > 0)
        close(f->fds[--f->n]);
    close(f->any);
    ASSERT_OK(setrlimit(RLIMIT_NOFILE, &f->old));
}

#endif
