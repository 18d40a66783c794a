/*
 * The fail counters of fail.h: a --wrap'ed twin of every call the
 * project makes that can fail for want of a resource, each of which asks
 * fail_now() whether this is the call to fail.  The sites are the table
 * below: a kind of call (the functions a site wraps) and the errno its
 * failure carries, the one the kernel or libc gives when out of that
 * resource.
 *
 * The counters are atomic: the threaded runtime calls in from its task
 * threads, and which call is the k-th is then up to the scheduler, as
 * it would be for a real failure.
 */
#include "fault/fail.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>

enum kind {
    K_ALLOC,
    K_THREAD,
    K_MAP,
    K_SOCKET,
    K_ACCEPT,
    K_FD,
    K_WATCH,
    K_IO,
    K_POLL
};

static const struct site {
    const char *name;
    enum kind kind;
    int err;
} sites[] = {
    {"alloc", K_ALLOC, ENOMEM},         /* malloc, calloc, realloc, ... */
    {"thread", K_THREAD, EAGAIN},       /* pthread_create */
    {"mmap", K_MAP, ENOMEM},            /* the coroutine stacks' maps, guards */
    {"socket", K_SOCKET, EMFILE},       /* listen and connect sockets */
    {"accept", K_ACCEPT, EMFILE},       /* the server sheds with its spare */
    {"accept_nomem", K_ACCEPT, ENOMEM}, /* the server backs off */
    {"fd", K_FD, EMFILE},               /* epoll, eventfd, the spare's open */
    {"watch", K_WATCH, ENOMEM},         /* epoll_ctl adding an fd */
    {"io", K_IO, ECONNRESET},           /* recv, sendmsg: the peer reset */
    {"poll", K_POLL, EINTR},            /* epoll_pwait2, ppoll: a signal came */
};
#define NSITES (sizeof sites / sizeof sites[0])

const char *fail_site_name(size_t i)
{
    return i < NSITES ? sites[i].name : NULL;
}

static atomic_int armed = -1; /* index into sites, or -1 */
static atomic_long calls;     /* of the armed site's kind since fail_arm */
static atomic_long fail_at;   /* the call to fail; 0: none */
static atomic_int fail_on;    /* and every call after it */

int fail_arm(const char *site, long k, int on)
{
    for (size_t i = 0; i < NSITES; i++) {
        if (strcmp(sites[i].name, site) == 0) {
            atomic_store(&calls, 0);
            atomic_store(&fail_at, k);
            atomic_store(&fail_on, on);
            atomic_store(&armed, (int)i);
            return 0;
        }
    }
    return -EINVAL;
}

long fail_disarm(void)
{
    atomic_store(&armed, -1);
    return atomic_load(&calls);
}

/* Counts a call of this kind if it is the armed one: the errno to fail
 * it with when it is the k-th (or later, when armed so), else 0. */
static int fail_now(enum kind kind)
{
    int s = atomic_load(&armed);
    if (s < 0 || sites[s].kind != kind)
        return 0;
    long nth = atomic_fetch_add(&calls, 1) + 1, k = atomic_load(&fail_at);
    int hit = atomic_load(&fail_on) ? k > 0 && nth >= k : nth == k;
    return hit ? sites[s].err : 0;
}

/* In a wrapper: fail as the real call would, returning bad. */
#define FAIL_AS(kind, bad)                                                     \
    do {                                                                       \
        int e_ = fail_now(kind);                                               \
        if (e_) {                                                              \
            errno = e_;                                                        \
            return bad;                                                        \
        }                                                                      \
    } while (0)

/* ---- allocation ---------------------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t n);
char *__wrap_strdup(const char *s);
int __wrap_asprintf(char **out, const char *fmt, ...);

void *__wrap_malloc(size_t n)
{
    FAIL_AS(K_ALLOC, NULL);
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    FAIL_AS(K_ALLOC, NULL);
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    FAIL_AS(K_ALLOC, NULL);
    return __real_realloc(p, n);
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
    FAIL_AS(K_ALLOC, NULL);
    return __real_aligned_alloc(align, n);
}

char *__wrap_strdup(const char *s)
{
    FAIL_AS(K_ALLOC, NULL);
    return __real_strdup(s);
}

/* asprintf allocates inside libc, out of the wrap's reach: its failure is
 * injected here, and the real work done by vasprintf. */
int __wrap_asprintf(char **out, const char *fmt, ...)
{
    FAIL_AS(K_ALLOC, -1);
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(out, fmt, ap);
    va_end(ap);
    return r;
}

/* ---- threads and stacks -------------------------------------------------- */

int __real_pthread_create(pthread_t *t, const pthread_attr_t *attr,
                          void *(*fn)(void *), void *arg);
int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr,
                          void *(*fn)(void *), void *arg);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t off);
int __real_madvise(void *addr, size_t len, int advice);
int __wrap_madvise(void *addr, size_t len, int advice);
int __real_mprotect(void *addr, size_t len, int prot);
int __wrap_mprotect(void *addr, size_t len, int prot);

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr,
                          void *(*fn)(void *), void *arg)
{
    int e = fail_now(K_THREAD);
    return e ? e : __real_pthread_create(t, attr, fn, arg);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t off)
{
    FAIL_AS(K_MAP, MAP_FAILED);
    return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_madvise(void *addr, size_t len, int advice)
{
    FAIL_AS(K_MAP, -1);
    return __real_madvise(addr, len, advice);
}

int __wrap_mprotect(void *addr, size_t len, int prot)
{
    FAIL_AS(K_MAP, -1);
    return __real_mprotect(addr, len, prot);
}

/* ---- descriptors --------------------------------------------------------- */

int __real_socket(int domain, int type, int protocol);
int __wrap_socket(int domain, int type, int protocol);
int __real_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int __real_epoll_create1(int flags);
int __wrap_epoll_create1(int flags);
int __real_eventfd(unsigned int initval, int flags);
int __wrap_eventfd(unsigned int initval, int flags);
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);

int __wrap_socket(int domain, int type, int protocol)
{
    FAIL_AS(K_SOCKET, -1);
    return __real_socket(domain, type, protocol);
}

int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    FAIL_AS(K_ACCEPT, -1);
    return __real_accept4(fd, addr, len, flags);
}

int __wrap_epoll_create1(int flags)
{
    FAIL_AS(K_FD, -1);
    return __real_epoll_create1(flags);
}

int __wrap_eventfd(unsigned int initval, int flags)
{
    FAIL_AS(K_FD, -1);
    return __real_eventfd(initval, flags);
}

int __wrap_open(const char *path, int flags, ...)
{
    FAIL_AS(K_FD, -1);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return __real_open(path, flags, mode);
}

/* ---- watching, waiting and the bytes ------------------------------------- */

int __real_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
int __real_epoll_pwait2(int epfd, struct epoll_event *evs, int max,
                        const struct timespec *ts, const sigset_t *mask);
int __wrap_epoll_pwait2(int epfd, struct epoll_event *evs, int max,
                        const struct timespec *ts, const sigset_t *mask);
int __real_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
                 const sigset_t *mask);
int __wrap_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
                 const sigset_t *mask);
ssize_t __real_recv(int fd, void *buf, size_t n, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t n, int flags);
ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags);

/* Only adding an fd needs memory: changing or removing one never fails
 * for want of it. */
int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    if (op == EPOLL_CTL_ADD)
        FAIL_AS(K_WATCH, -1);
    return __real_epoll_ctl(epfd, op, fd, ev);
}

int __wrap_epoll_pwait2(int epfd, struct epoll_event *evs, int max,
                        const struct timespec *ts, const sigset_t *mask)
{
    FAIL_AS(K_POLL, -1);
    return __real_epoll_pwait2(epfd, evs, max, ts, mask);
}

int __wrap_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
                 const sigset_t *mask)
{
    FAIL_AS(K_POLL, -1);
    return __real_ppoll(fds, n, ts, mask);
}

ssize_t __wrap_recv(int fd, void *buf, size_t n, int flags)
{
    FAIL_AS(K_IO, -1);
    return __real_recv(fd, buf, n, flags);
}

ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
    FAIL_AS(K_IO, -1);
    return __real_sendmsg(fd, msg, flags);
}
