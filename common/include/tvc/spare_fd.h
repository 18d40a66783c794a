/*
 * The spare descriptor every server keeps for running out of them.  When
 * accept fails with EMFILE or ENFILE, the connection it could not take
 * stays in the backlog: its client hangs, and the listener stays readable
 * so an event loop would spin on it.  Giving up the spare lets the server
 * accept that connection and close it at once (the client sees EOF or a
 * reset) before taking the spare back.  Shared by the threaded, coroutine
 * and callback servers.
 */
#ifndef TVC_SPARE_FD_H
#define TVC_SPARE_FD_H

/* A spare descriptor (/dev/null, close-on-exec), or -1. */
int tvc_spare_open(void);

/* Out of descriptors on listen_fd: closes *spare, accepts one waiting
 * connection and closes it, then reopens *spare (-1 when that failed;
 * the next call tries again first).  Returns 1 when a connection was
 * dropped or had died in the backlog (more may wait), 0 when the backlog
 * was empty (Linux says EMFILE before it looks at the backlog), -1 when
 * no spare could be had or the accept failed for another reason. */
int tvc_spare_shed(int *spare, int listen_fd);

#endif
