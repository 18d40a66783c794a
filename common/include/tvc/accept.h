/*
 * The accept path every runtime's server shares: the listen setup from
 * its options, accepting connections, and the spare descriptor for
 * running out of them.  Every failure is a -errno.
 *
 * The spare descriptor.  When accept fails with EMFILE or ENFILE, the
 * connection it could not take stays in the backlog: its client hangs,
 * and the listener stays readable, so an event loop would spin on it and
 * an accept loop would retry forever.  So every server keeps one spare
 * descriptor open; out of descriptors, it closes the spare, accepts the
 * waiting connection and closes it at once (the client sees EOF or a
 * reset), then reopens the spare.  When not even that works (another
 * thread took the freed fd), the server backs off for a moment instead:
 * the event-loop servers unwatch their listener, the threaded acceptor
 * sleeps.  The threaded server sheds with the spare in its accept thread;
 * the two event-loop servers accept in batches from their listener's
 * watcher.
 */
#ifndef TVC_ACCEPT_H
#define TVC_ACCEPT_H

#include <stdint.h>

#include "tvc/server_opts.h"

/* The listen setup: copies *opts (NULL: every default) into *out with
 * each zero field given its default value, host cleared (the caller's
 * string is not kept) and port set to the port bound, then returns a
 * non-blocking, close-on-exec socket listening there.  Returns the fd,
 * or -EINVAL (host not numeric, port outside 0..65535, backlog < 0,
 * linger_ms below TVC_LINGER_NONE, idle_timeout_ms < 0) or the socket's
 * -errno (-EADDRINUSE, -EMFILE, ...). */
int tvc_server_listen(const tvc_server_opts *opts, tvc_server_opts *out);

/* Sets up a connection the server accepted as its options (resolved by
 * tvc_server_listen) say: TCP_NODELAY, as on every stream here.  A
 * socket option a later field asks for on each connection goes here. */
void tvc_server_accepted(int fd, const tvc_server_opts *opts);

/* The deadline (tvc_now() ns) of a linger (server_opts.h) that starts
 * now under opts as resolved by tvc_server_listen: linger_ms from now,
 * or now itself for TVC_LINGER_NONE. */
int64_t tvc_server_linger_deadline(const tvc_server_opts *opts);

/* Makes the close of fd that follows reset the connection (SO_LINGER
 * 0): the kernel sends RST and drops what it still holds, so a peer that
 * never reads holds nothing of ours.  For a linger that ran out. */
void tvc_server_reset_on_close(int fd);

/* A spare descriptor (/dev/null, close-on-exec), or -errno. */
int tvc_spare_open(void);

/* Out of descriptors on listen_fd: closes *spare, accepts one waiting
 * connection and closes it, then reopens *spare (a -errno when that
 * failed; the next call tries again first).  Returns 1 when a connection
 * was dropped or had died in the backlog (more may wait), 0 when the
 * backlog was empty (Linux says EMFILE before it looks at the backlog),
 * or -errno: the spare could not be had (-EMFILE, -ENFILE), or accept
 * failed for another reason (-ENOBUFS, -EBADF, -EINVAL: not listening,
 * ...). */
int tvc_spare_shed(int *spare, int listen_fd);

/* Connections one readable listener may accept before the loop goes on:
 * a flood of connects must not starve the connections already served. */
#define TVC_ACCEPT_BATCH 64

/* Accepts up to TVC_ACCEPT_BATCH connections on the non-blocking
 * listen_fd, each non-blocking and close-on-exec, handing each to
 * serve(ctx, fd); out of descriptors it sheds with *spare.  Returns 0
 * when the backlog is drained or the batch is done, or -errno when the
 * listener should be unwatched for a while, since accept would fail
 * again on every loop pass: for want of memory (-ENOBUFS, -ENOMEM), of a
 * descriptor with no spare to shed with (-EMFILE, -ENFILE), or on a
 * listen_fd that is no listener (-EBADF, -EINVAL, -ENOTSOCK). */
int tvc_accept_batch(int listen_fd, int *spare,
                     void (*serve)(void *ctx, int fd), void *ctx);

#endif
