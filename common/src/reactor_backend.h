/*
 * The reactor's backend seam: the handful of calls the reactor makes on
 * the kernel's readiness API.  reactor_epoll.c implements it with epoll;
 * another backend (io_uring, kqueue) would be one more file with the same
 * five functions, chosen by CMake, and reactor.c would not change.
 */
#ifndef TVC_REACTOR_BACKEND_H
#define TVC_REACTOR_BACKEND_H

#include <stdint.h>

/* One readiness report, in the reactor's own terms. */
typedef struct tvc__rx_event {
    void *data;       /* what was registered with the fd */
    uint32_t revents; /* TVC_RX_READ | TVC_RX_WRITE | TVC_RX_ERROR */
} tvc__rx_event;

/* The backend's fd (epoll), or -errno. */
int tvc__backend_create(void);
void tvc__backend_free(int bfd);

/* Register, change or drop fd; events are TVC_RX_* flags.  0 or -errno. */
int tvc__backend_add(int bfd, int fd, uint32_t events, void *data);
int tvc__backend_mod(int bfd, int fd, uint32_t events, void *data);
int tvc__backend_del(int bfd, int fd);

/* Waits up to timeout_ns (-1: forever, 0: poll) and fills at most max
 * events.  Returns how many, 0 on timeout or signal, or -errno. */
int tvc__backend_poll(int bfd, int64_t timeout_ns, tvc__rx_event *out, int max);

#endif
