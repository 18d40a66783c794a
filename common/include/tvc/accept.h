/*
 * Accepting connections for the suite's servers, and the spare
 * descriptor every server keeps for running out of them.  When accept
 * fails with EMFILE or ENFILE, the connection it could not take stays in
 * the backlog: its client hangs, and the listener stays readable so an
 * event loop would spin on it.  Giving up the spare lets the server
 * accept that connection and close it at once (the client sees EOF or a
 * reset) before taking the spare back.  The threaded server sheds with
 * the spare in its accept thread; the two event-loop servers accept in
 * batches from their listener's watcher.
 */
#ifndef TVC_ACCEPT_H
#define TVC_ACCEPT_H

/* A spare descriptor (/dev/null, close-on-exec), or -1. */
int tvc_spare_open(void);

/* Out of descriptors on listen_fd: closes *spare, accepts one waiting
 * connection and closes it, then reopens *spare (-1 when that failed;
 * the next call tries again first).  Returns 1 when a connection was
 * dropped or had died in the backlog (more may wait), 0 when the backlog
 * was empty (Linux says EMFILE before it looks at the backlog), -1 when
 * no spare could be had or the accept failed for another reason. */
int tvc_spare_shed(int *spare, int listen_fd);

/* Connections one readable listener may accept before the loop goes on:
 * a flood of connects must not starve the connections already served. */
#define TVC_ACCEPT_BATCH 64

/* Accepts up to TVC_ACCEPT_BATCH connections on the non-blocking
 * listen_fd, each non-blocking and close-on-exec, handing each to
 * serve(ctx, fd); out of descriptors it sheds with *spare.  Returns 0
 * when the backlog is drained or the batch is done, -1 when the listener
 * should be unwatched for a while: accept failed for want of memory, or
 * of a descriptor with no spare to shed with, and would fail again on
 * every loop pass. */
int tvc_accept_batch(int listen_fd, int *spare,
                     void (*serve)(void *ctx, int fd), void *ctx);

#endif
